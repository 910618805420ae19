"""`new SOURCE "question"`: a new card file with a never-used id, recorded in the id ledger.

The file follows CONTRIBUTING.md "Add a card": `cards/<source>/<label>-<slug>.md`, the label
being the question's number (zero-padded to three digits, or the section letter and two digits
in a lettered section). The deck's own questions take the next number; an article's question
is named by its number in the article (`--ref`). The file holds the front matter (difficulty
and topics guessed from the question: check them), the question, and the empty sections a
contributor must fill, so `make lint` lists what is left to write. Nothing is overwritten.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import fail
from .freshids import fresh_id, next_number, used_ids
from .ledger import add_records, question_key, read_bytes_limited, read_ledger, record_for, write_ledger
from .scrape.sync import slugify
from .sources import CONTROL, Source, load_sources
from .taxonomy import difficulty_for, kind_for, topics_for

MAX_QUESTION = 300


@dataclass(frozen=True)
class NewCard:
    path: Path
    entry_id: str
    text: str
    recorded: bool  # added to the id ledger (False: the project has none)
    similar: tuple[Path, ...] = ()  # cards of the same source that ask the same question


def _check_question(question: str) -> str:
    q = " ".join(question.split())
    if not q:
        raise fail("", 0, "the question is empty")
    if len(q) > MAX_QUESTION:
        raise fail("", 0, f"the question is longer than {MAX_QUESTION} characters: ask one thing")
    if CONTROL.search(question) or q.startswith("#"):
        raise fail("", 0, "the question may not hold control characters or start with '#'")
    return q


def _label(source: Source, ref: str | None, section: str | None, used: set[str]) -> tuple[str, str]:
    """(ref, label) for the new card."""
    if section is not None and section not in source.sections:
        known = ", ".join(source.sections) or "none"
        raise fail("", 0, f"source {source.name!r} has no section {section!r} (known: {known})")
    if ref is None:
        if not source.original:
            raise fail("", 0, f"{source.name} is an article: give the question's number in it with --ref N "
                              "(or fix the scraper, CONTRIBUTING.md 'Add a card')")  # fmt: skip
        number = next_number(source.name, used)
    elif re.fullmatch(r"\d{1,4}", ref) and int(ref) > 0:
        number = int(ref)
    else:
        raise fail("", 0, f"--ref {ref[:20]!r}: the question's number, a whole number from 1 to 9999")
    if section is None and any(s.label for s in source.sections.values()):
        raise fail("", 0, f"{source.name} labels its questions by section: give --section "
                          f"({', '.join(source.sections)})")  # fmt: skip
    return str(number), source.label(number, section)


def card_text(entry_id: str, source: Source, ref: str, section: str | None, question: str) -> str:
    topics = topics_for(question, section)
    kind = kind_for(question)
    lines = ["---", f"id: {entry_id}", f"source: {source.name}", f"ref: {ref}"]
    lines += [f"section: {section}"] if section else []
    lines += [f"difficulty: {difficulty_for(question, section)}", f"topics: [{', '.join(topics)}]",
              "answer_origin: deck"]  # fmt: skip
    lines += [f"kind: {kind}"] if kind != "technical" else []
    lines += ["---", "", f"# {question}", "", "", "## Key point", ""]
    lines += ["", "## References", ""] if source.original else []
    return "\n".join(lines) + "\n"


def plan_card(root: Path, source_name: str, question: str, ref: str | None = None,
              section: str | None = None) -> NewCard:  # fmt: skip
    """What `new` would write; DeckError when it cannot."""
    sources = load_sources(root / "sources")
    if source_name not in sources:
        raise fail("", 0, f"unknown source {source_name!r} (known: {', '.join(sources)})")
    source = sources[source_name]
    q = _check_question(question)
    used = used_ids(root)
    ref, label = _label(source, ref, section, used)
    entry_id = fresh_id(source.name, label, used)
    folder = root / "cards" / source.name
    path = folder / f"{entry_id.split('-', 1)[1]}-{slugify(q)}.md"
    if os.path.lexists(path):
        raise fail(path, 1, "already exists: `new` never overwrites a card")
    key = question_key(q)
    similar = tuple(p for p in sorted(folder.glob("*.md")) if key and _asks(p, key))
    return NewCard(path, entry_id, card_text(entry_id, source, ref, section, q), False, similar)


def _asks(path: Path, key: str) -> bool:
    data = read_bytes_limited(path) or b""
    m = re.search(r"^# (.+)$", data.decode("utf-8", "replace"), re.MULTILINE)
    return bool(m and question_key(m.group(1)) == key)


def create_card(root: Path, source_name: str, question: str, ref: str | None = None,
                section: str | None = None) -> NewCard:  # fmt: skip
    """Write the new card (never over an existing file) and record its id in the ledger."""
    card = plan_card(root, source_name, question, ref, section)
    ledger = read_ledger(root)  # a broken ledger stops us before anything is written
    cards_dir = root / "cards"
    for folder in (cards_dir, card.path.parent):
        if folder.is_symlink():
            raise fail(folder, 1, "is a symlink: `new` writes only inside the project")
        if folder.exists() and not folder.is_dir():
            raise fail(folder, 1, "is not a folder: card files go in cards/<source>/")
    card.path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(card.path, "x", encoding="utf-8") as fh:
            fh.write(card.text)
    except FileExistsError:
        raise fail(card.path, 1, "already exists: `new` never overwrites a card") from None
    if ledger is None:
        return card
    rel = card.path.relative_to(root).as_posix()
    question_line = card.text.split("\n# ", 1)[1].split("\n", 1)[0]
    write_ledger(root, add_records(ledger, [record_for(card.entry_id, rel, question_line)]).values())
    return NewCard(card.path, card.entry_id, card.text, True, card.similar)
