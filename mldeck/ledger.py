"""The id ledger: every card id ever used, one JSON object a line, in `id-ledger.jsonl`.

An id is a note's identity in every user's collection (the GUID derives from it), so once
released it must never change, never disappear silently and never come back for another
question. The ledger remembers each id, the file and question it was recorded with, and
whether it is `live` (a card has it) or `retired` (deleted for good). It only grows: lint
compares it with the base commit and with the cards (mldeck/lint/ids.py), `new` and the
scraper take fresh ids from it, and `ledger retire` is the one way to let an id go.

    {"id": "epam-010", "status": "live", "since": "v1.0.0", "file": "cards/epam/010-….md", "question": "…"}

`since` is the first release that carries the id, `next` until that release is tagged
(`ledger stamp vX.Y.Z`), `never` for an id retired before any release had it. The file is
sorted by id, so two pull requests that add ids conflict only when they take the same one.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from .entries import ID_RX, MAX_BYTES
from .errors import DeckError, Problem, fail
from .fsio import write_atomic

LEDGER_NAME = "id-ledger.jsonl"
STATUSES = ("live", "retired")
NEXT = "next"
NEVER = "never"  # retired before any release carried it
VERSION_RX = re.compile(r"^v\d{1,4}\.\d{1,4}\.\d{1,4}$")
KEYS = ("id", "status", "since", "file", "question", "note")
MAX_LEDGER_BYTES = 16 * 1024 * 1024
MAX_TEXT = 2000


@dataclass(frozen=True)
class Record:
    id: str
    status: str  # live | retired
    since: str  # vX.Y.Z, or "next" until released
    file: str  # the card file it was recorded with, relative to the project
    question: str  # the question it was recorded with
    note: str = ""  # why it was retired
    line: int = 0  # its line in the ledger (0: not yet written)

    @property
    def live(self) -> bool:
        return self.status == "live"


def ledger_path(root: Path) -> Path:
    return root / LEDGER_NAME


def question_key(text: str) -> str:
    """A question reduced to what identifies it: lower-case words, no Markdown, no punctuation."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"[^\W_]+", text))


def _record(raw: object, path: Path, n: int) -> Record:
    if not isinstance(raw, dict):
        raise fail(path, n, "expected one JSON object a line")
    unknown = sorted(set(raw) - set(KEYS))
    if unknown:
        raise fail(path, n, f"unknown key {unknown[0][:40]!r} (known: {', '.join(KEYS)})")
    values = {k: raw.get(k, "") for k in KEYS}
    if not all(isinstance(v, str) and len(v) <= MAX_TEXT for v in values.values()):
        raise fail(path, n, f"every value must be text of at most {MAX_TEXT} characters")
    if not ID_RX.match(values["id"]):
        raise fail(path, n, f"id {values['id'][:40]!r} must look like '<source>-<label>'")
    if values["status"] not in STATUSES:
        raise fail(path, n, f"status {values['status'][:20]!r} must be one of: {', '.join(STATUSES)}")
    if values["since"] not in (NEXT, NEVER) and not VERSION_RX.match(values["since"]):
        raise fail(path, n, f"since {values['since'][:20]!r} must be a release (v1.2.3), {NEXT!r} or {NEVER!r}")
    if values["since"] == NEVER and values["status"] != "retired":
        raise fail(path, n, f"since {NEVER!r} is for ids retired before any release")
    return Record(**values, line=n)  # type: ignore[arg-type]


def parse_ledger(data: bytes, path: Path) -> dict[str, Record]:
    """The records of a ledger file's bytes, by id; DeckError with every bad line."""
    if len(data) > MAX_LEDGER_BYTES:
        raise fail(path, 1, f"larger than {MAX_LEDGER_BYTES // (1024 * 1024)} MiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(path, data[: exc.start].count(b"\n") + 1, f"not UTF-8 ({exc.reason})") from None
    records: dict[str, Record] = {}
    problems: list[Problem] = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            rec = _record(json.loads(line), path, n)
        except json.JSONDecodeError as exc:
            problems.append(Problem(path, n, f"not a JSON object ({exc.msg}); a merge conflict left in?"))
            continue
        except RecursionError:
            problems.append(Problem(path, n, "JSON nested too deeply"))
            continue
        except DeckError as exc:
            problems += exc.problems
            continue
        if rec.id in records:
            problems.append(Problem(path, n, f"id {rec.id!r} recorded twice (also line {records[rec.id].line})"))
            continue
        records[rec.id] = rec
    if problems:
        raise DeckError(problems)
    return records


def read_ledger(root: Path) -> dict[str, Record] | None:
    """The project's ledger by id, or None when the project has none."""
    path = ledger_path(root)
    if not path.exists() and not path.is_symlink():
        return None
    if path.is_symlink() or not path.is_file():
        raise fail(path, 1, "the id ledger must be a regular file in the project (not a symlink or a folder)")
    with path.open("rb") as fh:
        data = fh.read(MAX_LEDGER_BYTES + 1)
    return parse_ledger(data, path)


def format_ledger(records: Iterable[Record]) -> str:
    lines = []
    for r in sorted(records, key=lambda r: r.id):
        obj = {"id": r.id, "status": r.status, "since": r.since, "file": r.file, "question": r.question}
        if r.note:
            obj["note"] = r.note
        lines.append(json.dumps(obj, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def write_ledger(root: Path, records: Iterable[Record]) -> None:
    path = ledger_path(root)
    if path.is_symlink():
        raise fail(path, 1, "the id ledger is a symlink: refusing to write through it")
    write_atomic(path, format_ledger(records))


def add_records(ledger: dict[str, Record], new: Iterable[Record]) -> dict[str, Record]:
    """The ledger with `new` records appended (an id already there is an error: ids are never reused)."""
    out = dict(ledger)
    for rec in new:
        if rec.id in out:
            raise fail(LEDGER_NAME, out[rec.id].line, f"id {rec.id!r} is already in the ledger")
        out[rec.id] = rec
    return out


def retire(ledger: dict[str, Record], ids: Iterable[str], note: str) -> dict[str, Record]:
    out = dict(ledger)
    for i in ids:
        if i not in out:
            raise fail(LEDGER_NAME, 1, f"id {i!r} is not in the ledger: nothing to retire")
        since = NEVER if out[i].since == NEXT else out[i].since  # never released: say so
        out[i] = replace(out[i], status="retired", since=since, note=note or out[i].note)
    return out


def stamp(ledger: dict[str, Record], version: str) -> dict[str, Record]:
    """Every id still marked `next` now says the release that first carries it."""
    if not VERSION_RX.match(version):
        raise fail("", 0, f"version {version!r} must look like v1.2.3")
    return {k: replace(r, since=version) if r.since == NEXT else r for k, r in ledger.items()}


def record_for(entry_id: str, file: str, question: str, since: str = NEXT) -> Record:
    return Record(entry_id, "live", since, file, " ".join(question.split())[:MAX_TEXT])


def read_bytes_limited(path: Path, limit: int = MAX_BYTES) -> bytes | None:
    """At most `limit` bytes of a regular file, or None (not a file, unreadable)."""
    try:
        if not path.is_file():
            return None
        with path.open("rb") as fh:
            return fh.read(limit)
    except OSError:
        return None
