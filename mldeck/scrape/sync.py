"""Question records -> card files, without ever overwriting a person's edit.

`cards/<source>/scrape-lock.json` records, per card id, the hash of the file the scraper last
wrote and of each field it scraped. On the next run a card whose file still has that hash is
untouched and may be updated; any other card was edited by a person and is left alone. If the
article changed a field of an edited card, that is reported as a conflict.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..entries import Entry, format_entry, parse_entry
from ..errors import DeckError
from ..fsio import write_atomic
from ..sections import SECTIONS
from ..sources import Source
from ..taxonomy import difficulty_for, kind_for, topics_for
from .records import Question

LOCK_NAME = "scrape-lock.json"
FIELDS = (*(s.key for s in SECTIONS if s.scraped), "meta")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def card_label(q: Question, source: Source) -> str:
    """The per-source part of the id: 034, or t04 in a lettered section (sources/<name>/source.yaml)."""
    return source.label(q.number, q.section)


def slugify(text: str, max_len: int = 48) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for w in words:
        if len(slug) + len(w) + 1 > max_len:
            break
        slug = f"{slug}-{w}" if slug else w
    return slug or "question"


def card_from_question(q: Question, source: Source) -> Entry:
    return Entry(
        id=f"{q.source}-{card_label(q, source)}",
        source=q.source,
        ref=str(q.number),
        section=q.section,
        difficulty=difficulty_for(q.question, q.section),
        topics=topics_for(q.question, q.section),
        answer_origin="source" if q.answer else "missing",
        texts={"question": q.question, "answer": q.answer, **({"context": q.context} if q.context else {})},
        kind=kind_for(q.question),
    )


def field_hashes(card: Entry) -> dict[str, str]:
    meta = f"{card.ref}|{card.section}"
    return {**{s.key: _sha(card.text(s.key)) for s in SECTIONS if s.scraped}, "meta": _sha(meta)}


@dataclass
class SyncReport:
    source: str
    created: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # edited by a person, article unchanged
    conflicts: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)  # removed by a person: not recreated


ID_LINE = re.compile(r"^id:\s*([^\s#]+)", re.MULTILINE)


def existing_ids(folder: Path) -> dict[str, Path]:
    """Entry id -> file, read leniently (a broken card must not stop the scrape from finding it)."""
    found: dict[str, Path] = {}
    for p in sorted(folder.glob("*.md")):
        head = p.read_bytes()[:2048].decode("utf-8", "replace")
        if m := ID_LINE.search(head):
            found[m.group(1).strip("'\"")] = p
    return found


def plan_source(questions: list[Question], folder: Path, source: Source) -> tuple[SyncReport, dict[Path, str], dict]:
    """Decide what to write for one source; returns (report, files to write, new lock)."""
    report = SyncReport(source.name)
    lock_path = folder / LOCK_NAME
    lock = json.loads(lock_path.read_text(encoding="utf-8")) if lock_path.is_file() else {}
    on_disk = existing_ids(folder) if folder.is_dir() else {}
    writes: dict[Path, str] = {}
    new_lock: dict[str, dict] = {}
    for q in questions:
        card = card_from_question(q, source)
        text = format_entry(card)
        hashes = field_hashes(card)
        entry = lock.get(card.id)
        path = on_disk.get(card.id)
        if path is None:
            if entry is not None:
                report.deleted.append(card.id)
                new_lock[card.id] = entry
                continue
            path = folder / f"{card_label(q, source)}-{slugify(q.question)}.md"
            writes[path] = text
            report.created.append(path)
            new_lock[card.id] = {"file": _sha(text), "fields": hashes}
            continue
        current = path.read_bytes().decode("utf-8", "replace")
        untouched = entry is not None and _sha(current) == entry["file"]
        if untouched:
            if current == text:
                report.unchanged.append(path)
            else:
                writes[path] = text
                report.updated.append(path)
            new_lock[card.id] = {"file": _sha(text), "fields": hashes}
            continue
        base = (entry or {}).get("fields", {})
        changed = [f for f in FIELDS if base.get(f) != hashes[f]]
        if entry is not None and not changed:
            report.kept.append(path)
            new_lock[card.id] = entry
            continue
        what = ", ".join(changed) if entry else "no scrape record for this card"
        mine = _parse_quietly(path, current)
        detail = "\n".join(
            f"    {f}: {word_diff(_field_text(mine, f) if mine else '', _field_text(card, f))}"
            for f in changed
            if f != "meta"
        )
        report.conflicts.append(f"{path}: edited by hand, and the article changed ({what})\n{detail}".rstrip())
        new_lock[card.id] = entry or {"file": "", "fields": {}}
    return report, writes, new_lock


def _parse_quietly(path: Path, text: str) -> Entry | None:
    try:
        return parse_entry(text.replace("\r\n", "\n"), path)
    except DeckError:
        return None


def word_diff(mine: str, upstream: str, limit: int = 400) -> str:
    """Where the article's new text differs from the card's: `…context [-yours-] {+article+} …`."""
    a, b = mine.split(), upstream.split()
    pieces = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        before = " ".join(a[max(0, i1 - 4) : i1])
        old = f"[-{' '.join(a[i1:i2])}-] " if i2 > i1 else ""
        new = f"{{+{' '.join(b[j1:j2])}+}}" if j2 > j1 else ""
        pieces.append(f"…{before} {old}{new}")
    text = " ".join(pieces) or "(same words, different layout)"
    return text if len(text) <= limit else text[:limit] + "…"


def _field_text(card: Entry, name: str) -> str:
    return card.text(name)


def lock_text(lock: dict) -> str:
    return json.dumps(lock, indent=1, sort_keys=True) + "\n"


def apply(folder: Path, writes: dict[Path, str], lock: dict) -> None:
    """Write planned files atomically, then the lock (also only when it changed)."""
    for path, text in writes.items():
        write_atomic(path, text)
    lock_path = folder / LOCK_NAME
    text = lock_text(lock)
    if not lock_path.is_file() or lock_path.read_text(encoding="utf-8") != text:
        write_atomic(lock_path, text)
