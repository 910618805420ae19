"""Content checks on parsed cards: pure functions from cards to problems (docs/lint.md).

The card reader already rejects what cannot be built (front matter, ids, sections, fences);
these checks find what builds but reads badly, and the one content error: a card that would
be in the deck with nothing to show on its back.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..entries import Entry
from ..errors import Problem
from ..render.media import SCHEME
from ..render.sanitize import TAGS, URL_SCHEMES
from .prose import AUTOLINK, INLINE_MATH, WORD, prose_lines, word_count

# Words of prose (code, math, URLs and markup not counted) above which a section gets a warning.
BUDGETS = {"answer": 250, "editor_note": 180, "source_answer": 250, "context": 120}
SECTION_NAMES = {"answer": "answer", "editor_note": "editor's note", "source_answer": "source answer",
                 "context": "context"}  # fmt: skip

# A question is either asked ("…?") or set as a task that starts with one of these verbs.
IMPERATIVES = frozenset(
    "explain describe discuss write elaborate tell compare contrast define give list name outline implement "
    "show walk summarize summarise derive design sketch state identify illustrate distinguish differentiate "
    "calculate compute prove demonstrate suggest propose evaluate interpret justify share talk".split()
)
LINK_TARGET = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)")
OPEN_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>")
RISKY_ATTRIBUTE = re.compile(r"\son\w+\s*=|(?:javascript|vbscript|data)\s*:|\sstyle\s*=", re.IGNORECASE)


def _at(card: Entry, key: str, offset: int = 0) -> int:
    """The file line of `offset` lines into section `key`."""
    if key == "question":
        return card.line_of("question")
    return card.line_of(f"{key}:body") + offset


def _problem(card: Entry, line: int, message: str, level: str = "warning") -> Problem:
    return Problem(card.path or card.id, line, message, level)


def in_deck(card: Entry) -> bool:
    """True for a card whose own note the build writes: it has an answer and is not folded."""
    return card.answer_origin != "missing" and not card.duplicate_of


def check_answer_present(card: Entry) -> list[Problem]:
    if not in_deck(card) or card.answer.strip():
        return []
    return [
        _problem(
            card,
            card.line_of("question"),
            f"answer_origin is {card.answer_origin!r} but the card has no answer: "
            "write one under the question, or set answer_origin: missing",
            "error",
        )
    ]


def check_budgets(card: Entry) -> list[Problem]:
    problems = []
    for key, budget in BUDGETS.items():
        text = getattr(card, key)
        if not text:
            continue
        words = word_count(text)
        if words > budget:
            name = SECTION_NAMES[key]
            problems.append(
                _problem(
                    card,
                    card.line_of(key),
                    f"{name} is {words} words of prose, over the budget of {budget}: "
                    "a flashcard's back should be read in a minute; cut it or move detail elsewhere",
                )
            )
    return problems


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


def check_id(card: Entry) -> list[Problem]:
    """The id should read `<source>-<ref>`; it never changes, so this is a hint for new cards."""
    prefix, _, rest = card.id.partition("-")
    if prefix != card.source:
        return [_problem(card, card.line_of("id"), f"id {card.id!r} does not start with its source '{card.source}-'")]
    digits = re.search(r"\d+$", rest)
    if card.ref.isdigit() and digits and int(digits.group(0)) != int(card.ref):
        return [_problem(card, card.line_of("id"), f"id {card.id!r} does not match ref {card.ref}")]
    return []


def _sections(card: Entry) -> list[tuple[str, str]]:
    keys = ("answer", "editor_note", "source_answer", "context")
    return [("question", card.question)] + [(k, getattr(card, k)) for k in keys if getattr(card, k)]


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
                    found = _link_problem(card, _at(card, key, offset), m.group(1), media_dir)
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
                            _at(card, key, offset),
                            f"raw HTML {tag.group(0)[:40]!r} is removed or stripped by the sanitiser when the deck "
                            "is built; write Markdown (images: ![alt](media/…))",
                        )
                    )
    return problems


def check_card(card: Entry, media_dir: Path) -> list[Problem]:
    """Every single-card check."""
    return (
        check_answer_present(card)
        + check_budgets(card)
        + check_question(card)
        + check_id(card)
        + check_links(card, media_dir)
        + check_raw_html(card)
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
