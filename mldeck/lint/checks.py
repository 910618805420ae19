"""Warnings on parsed entries: pure functions from entries to problems (docs/lint.md).

The reader (mldeck/entries.py) rejects what cannot be parsed and mldeck/validate.py holds the
content errors the build enforces too; these checks find what builds but reads badly.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..ankimarkup import find_anki_markup
from ..entries import Entry
from ..errors import Problem
from ..prose import AUTOLINK, INLINE_MATH, WORD, prose_lines
from ..render.media import SCHEME
from ..render.sanitize import TAGS, URL_SCHEMES
from ..sections import KEYS

# A question is either asked ("…?") or set as a task that starts with one of these verbs.
IMPERATIVES = frozenset(
    "explain describe discuss write elaborate tell compare contrast define give list name outline implement "
    "show walk summarize summarise derive design sketch state identify illustrate distinguish differentiate "
    "calculate compute prove demonstrate suggest propose evaluate interpret justify share talk".split()
)
LINK_TARGET = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)")
OPEN_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>")
RISKY_ATTRIBUTE = re.compile(r"\son\w+\s*=|(?:javascript|vbscript|data)\s*:|\sstyle\s*=", re.IGNORECASE)


def _problem(card: Entry, line: int, message: str, level: str = "warning") -> Problem:
    return Problem(card.path or card.id, line, message, level)


def is_question(text: str) -> bool:
    """True when `text` asks (has a '?') or sets a task ("Explain …", "In short, describe …")."""
    if "?" in text:
        return True
    for part in (text, text.partition(",")[2]):
        first = WORD.search(part)
        if first and first.group(0).lower() in IMPERATIVES:
            return True
    return False


def check_question(card: Entry) -> list[Problem]:
    if is_question(card.question):
        return []
    return [
        _problem(
            card,
            card.line_of("question"),
            "the question has no '?' and does not start with a task verb (Explain, Describe, Discuss, Write, …)",
        )
    ]


def check_id(card: Entry, released: frozenset[str] = frozenset()) -> list[Problem]:
    """The id should read `<source>-<ref>`; it never changes, so this is a hint for new cards
    (`released`: ids users already have, which keep their number when the article renumbers)."""
    if card.id in released:
        return []
    prefix, _, rest = card.id.partition("-")
    if prefix != card.source:
        return [_problem(card, card.line_of("id"), f"id {card.id!r} does not start with its source '{card.source}-'")]
    digits = re.search(r"\d{1,6}$", rest)
    if card.ref.isdigit() and len(card.ref) <= 6 and digits and int(digits.group(0)) != int(card.ref):
        return [_problem(card, card.line_of("id"), f"id {card.id!r} does not match ref {card.ref}")]
    return []


def _sections(card: Entry) -> list[tuple[str, str]]:
    return [(k, text) for k in KEYS if (text := card.text(k))]


def _link_problem(card: Entry, line: int, target: str, media_dir: Path) -> Problem | None:
    scheme = SCHEME.match(target)
    if scheme:
        if scheme.group(0)[:-1].lower() in URL_SCHEMES:
            return None
        return _problem(card, line, f"link to {target[:60]!r}: only http(s) and mailto links survive the sanitiser")
    rel = target.split("#", 1)[0].split("?", 1)[0].lstrip("./")
    if not rel.startswith("media/"):
        return None
    if not (media_dir.parent / rel).is_file():
        return _problem(card, line, f"link to missing media file {target!r}")
    return _problem(card, line, f"link to {target!r}: linked files are not packaged into the deck; "
                                "show pictures as images, ![alt](media/…)")  # fmt: skip


def check_links(card: Entry, media_dir: Path) -> list[Problem]:
    """Links (images are the renderer's job): into media/ (missing, or never packaged), or with
    a scheme the sanitiser drops (javascript:, data:, file:)."""
    problems = []
    for key, text in _sections(card):
        for offset, line in prose_lines(text):
            for m in LINK_TARGET.finditer(line):
                if not m.group(0).startswith("!"):
                    found = _link_problem(card, card.body_line(key, offset), m.group(1), media_dir)
                    problems += [found] if found else []
    return problems


def check_raw_html(card: Entry) -> list[Problem]:
    """Raw HTML the sanitiser will strip: say so at the line, so a reviewer sees it in the diff."""
    problems = []
    for key, text in _sections(card):
        for offset, line in prose_lines(text):
            for tag in OPEN_TAG.finditer(INLINE_MATH.sub(" ", AUTOLINK.sub(" ", line))):
                name = tag.group(1).lower()
                if name == "img" or name not in TAGS or RISKY_ATTRIBUTE.search(tag.group(0)):
                    problems.append(
                        _problem(
                            card,
                            card.body_line(key, offset),
                            f"raw HTML {tag.group(0)[:40]!r} is removed or stripped by the sanitiser when the deck "
                            "is built; write Markdown (images: ![alt](media/…))",
                        )
                    )
    return problems


def check_anki_markup(card: Entry) -> list[Problem]:
    """Anki's own tags in a text: the build shows them as text (mldeck/ankimarkup.py); say so."""
    problems = []
    for key, text in _sections(card):
        for offset, line in enumerate(text.split("\n")):
            if m := find_anki_markup(line):
                tag = line[m.start() : m.start() + 12]
                why = f"{tag!r} is Anki markup (sound, speech or LaTeX): shown as text, never played or run"
                problems.append(_problem(card, card.body_line(key, offset), why))
    return problems


def check_card(card: Entry, media_dir: Path, released: frozenset[str] = frozenset()) -> list[Problem]:
    """Every single-card check."""
    return (
        check_question(card)
        + check_id(card, released)
        + check_links(card, media_dir)
        + check_raw_html(card)
        + check_anki_markup(card)
    )


def check_folds(cards: list[Entry]) -> list[Problem]:
    """A card folded into one with no answer yet vanishes with it: the build skips the whole note."""
    by_id = {c.id: c for c in cards}
    problems = []
    for c in cards:
        target = by_id.get(c.duplicate_of or "")
        if target is not None and target.answer_origin == "missing" and c.answer:
            problems.append(
                _problem(
                    c,
                    c.line_of("duplicate_of"),
                    f"folded into {target.id!r}, which has no answer yet: neither card reaches the deck "
                    "(fold the other way round, or answer the primary card)",
                )
            )
    return problems
