"""Question records -> card files, without ever overwriting a person's edit.

`cards/<source>/scrape-lock.json` records, per card id, the hash of the file the scraper last
wrote and of each field it scraped. On the next run a card whose file still has that hash is
untouched and may be updated; any other card was edited by a person and is left alone. If the
article changed a field of an edited card, that is reported as a conflict.

Article questions find their cards by content, never by position (match.py): a renumbered
article keeps every id with its question (reported as moved), and a new question gets an id
no card ever had. Every card is read back before anything is written, so the scraper never
writes a card the reader rejects.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..entries import Entry, format_entry, parse_entry
from ..errors import DeckError, fail
from ..freshids import ID_LINE, fresh_id
from ..fsio import write_atomic
from ..ledger import Record, question_key, read_bytes_limited
from ..sections import SECTIONS
from ..sources import Source
from ..taxonomy import difficulty_for, kind_for, topics_for
from .lock import LOCK_NAME, lock_text, read_lock
from .match import Known, match_questions
from .records import Question

REF_LINE = re.compile(r"^ref:[ \t]*['\"]?([^\s#'\"]+)", re.MULTILINE)
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


def card_from_question(q: Question, source: Source, entry_id: str | None = None) -> Entry:
    return Entry(
        id=entry_id or f"{q.source}-{card_label(q, source)}",
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
    moved: list[str] = field(default_factory=list)  # renumbered in the article: same id, new number
    gone: list[str] = field(default_factory=list)  # cards whose question the article no longer asks
    new_ids: dict[str, tuple[Path, str]] = field(default_factory=dict)  # id -> (file, question), to record


@dataclass(frozen=True)
class OnDisk:
    path: Path
    ref: str
    card: Entry | None  # None when the file does not parse


def cards_in(folder: Path) -> dict[str, OnDisk]:
    """Id -> card file of a source folder, read leniently (a broken card still owns its id)."""
    found: dict[str, OnDisk] = {}
    for p in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        data = read_bytes_limited(p)
        if data is None:
            continue
        text = data.decode("utf-8", "replace")
        if m := ID_LINE.search(text[:4096]):
            card = _parse_quietly(p, text)
            ref = card.ref if card else (r.group(1) if (r := REF_LINE.search(text[:4096])) else "")
            found.setdefault(m.group(1), OnDisk(p, ref, card))
    return found


def known_ids(source: Source, on_disk: dict[str, OnDisk], lock: dict, ledger: dict[str, Record]) -> list[Known]:
    """Every id of the source and the wordings it is known by (card, lock hash, ledger)."""
    ids = set(on_disk) | set(lock) | {i for i in ledger if i.split("-")[0] == source.name}
    known = []
    for i in sorted(ids):
        card = on_disk[i].card if i in on_disk else None
        texts = [card.question, card.text("source_question")] if card else []
        texts += [ledger[i].question] if i in ledger else []
        keys = frozenset(k for t in texts if (k := question_key(t)))
        known.append(Known(i, keys, lock.get(i, {}).get("fields", {}).get("question", "")))
    return known


def plan_source(
    questions: list[Question],
    folder: Path,
    source: Source,
    used: set[str] | None = None,
    ledger: dict[str, Record] | None = None,
) -> tuple[SyncReport, dict[Path, str], dict]:
    """Decide what to write for one source; returns (report, files to write, new lock).

    Questions find their ids by content (match.py); a new question takes an id never used
    (`used`: mldeck/freshids.py). Raises DeckError, before anything is written, when a card
    would not read back."""
    report = SyncReport(source.name)
    lock = read_lock(folder / LOCK_NAME)
    ledger = ledger or {}
    used = set(used or ()) | set(lock) | set(ledger)
    on_disk = cards_in(folder)
    used |= set(on_disk)
    preferred = {i: f"{source.name}-{card_label(q, source)}" for i, q in enumerate(questions)}
    matches = match_questions(questions, known_ids(source, on_disk, lock, ledger), preferred)
    writes: dict[Path, str] = {}
    new_lock: dict[str, dict] = {}
    for m in matches:
        q = m.question
        entry_id = m.id or fresh_id(source.name, card_label(q, source), used)
        used.add(entry_id)
        card = card_from_question(q, source, entry_id)
        text = format_entry(card)
        hashes = field_hashes(card)
        entry = lock.get(entry_id)
        disk = on_disk.get(entry_id)
        if disk and disk.ref and disk.ref != card.ref:
            report.moved.append(f"{entry_id}: {source.ref_label(disk.ref, q.section)} -> {q.number} ({m.how} match)")
        if disk is None:
            retired = entry_id in ledger and not ledger[entry_id].live
            if entry is not None or retired:
                report.deleted.append(entry_id)
                new_lock[entry_id] = entry or {"file": "", "fields": hashes}
                continue
            path = folder / f"{entry_id.split('-', 1)[1]}-{slugify(q.question)}.md"
            writes[path] = checked(text, path, q, source)
            report.created.append(path)
            report.new_ids[entry_id] = (path, q.question)
            new_lock[entry_id] = {"file": _sha(text), "fields": hashes}
            continue
        path = disk.path
        current = (read_bytes_limited(path) or b"").decode("utf-8", "replace")
        untouched = entry is not None and _sha(current) == entry["file"]
        if untouched:
            if current == text:
                report.unchanged.append(path)
            else:
                writes[path] = checked(text, path, q, source)
                report.updated.append(path)
            new_lock[entry_id] = {"file": _sha(text), "fields": hashes}
            continue
        base = (entry or {}).get("fields", {})
        changed = [f for f in FIELDS if base.get(f) != hashes[f]]
        if entry is not None and not changed:
            report.kept.append(path)
            new_lock[entry_id] = entry
            continue
        what = ", ".join(changed) if entry else "no scrape record for this card"
        mine = disk.card
        detail = "\n".join(_conflict_detail(f, mine, card) for f in changed)
        report.conflicts.append(f"{path}: edited by hand, and the article changed ({what})\n{detail}".rstrip())
        new_lock[entry_id] = entry or {"file": "", "fields": {}}
    matched = {m.id for m in matches if m.id}
    for i, disk in on_disk.items():
        if i not in matched and (i in lock or i.split("-")[0] == source.name):
            report.gone.append(f"{i} ({disk.path.name})")
    for i, rec in lock.items():
        new_lock.setdefault(i, rec)  # ids the article no longer asks keep their record
    return report, writes, new_lock


def checked(text: str, path: Path, q: Question, source: Source) -> str:
    """`text` if the card reads back cleanly; else DeckError at the question's snapshot line."""
    try:
        parse_entry(text, path)
    except DeckError as exc:
        why = exc.problems[0].message
        raise fail(source.snapshot, q.line, f"question {q.number}: the card would not read ({why})") from None
    return text


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


def _conflict_detail(name: str, mine: Entry | None, upstream: Entry) -> str:
    if name == "meta":
        before = f"{mine.ref} ({mine.section or 'no section'})" if mine else "?"
        return f"    number in the article: {before} -> {upstream.ref} ({upstream.section or 'no section'})"
    return f"    {name}: {word_diff(_field_text(mine, name) if mine else '', _field_text(upstream, name))}"


def apply(folder: Path, writes: dict[Path, str], lock: dict) -> None:
    """Write planned files atomically, then the lock (also only when it changed)."""
    for path, text in writes.items():
        write_atomic(path, text)
    lock_path = folder / LOCK_NAME
    text = lock_text(lock)
    if not lock_path.is_file() or lock_path.read_text(encoding="utf-8") != text:
        write_atomic(lock_path, text)
