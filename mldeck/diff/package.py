"""Read an .apkg directly: zip -> collection.anki2 (SQLite) -> note types, decks and notes."""

from __future__ import annotations

import json
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

# Collection files a legacy-schema package may hold, preferred first. ("collection.anki21b" is
# zstd-compressed with a newer schema; this project's builds never write it.)
COLLECTION_NAMES = ("collection.anki21", "collection.anki2")
ID_FIELD = "CardId"  # this project's model: the card ids a note is made of, e.g. "alldus-t09, epam-002"


class PackageError(Exception):
    """The file is missing or is not a deck package this tool can read."""


@dataclass(frozen=True)
class NoteType:
    id: int
    name: str
    fields: tuple[str, ...]  # in field order
    sort_field: int
    templates: tuple[tuple[str, str, str], ...]  # (name, front, back)
    css: str


@dataclass(frozen=True)
class Note:
    guid: str
    note_type: NoteType
    fields: dict[str, str]
    tags: tuple[str, ...]
    decks: tuple[str, ...]  # the decks its cards are in

    def field(self, name: str) -> str:
        return self.fields.get(name, "")

    @property
    def card_ids(self) -> tuple[str, ...]:
        return tuple(i.strip() for i in self.field(ID_FIELD).split(",") if i.strip())

    @property
    def sort_value(self) -> str:
        names = self.note_type.fields
        return self.field(names[self.note_type.sort_field]) if 0 <= self.note_type.sort_field < len(names) else ""


@dataclass(frozen=True)
class Package:
    path: Path
    note_types: dict[int, NoteType]
    notes: dict[str, Note]  # by GUID


def read_package(path: Path) -> Package:
    """Parse `path`; raises PackageError with a message that names the file."""
    if not path.is_file():
        raise PackageError(f"{path}: no such file")
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            name = next((n for n in COLLECTION_NAMES if n in names), None)
            if name is None:
                raise PackageError(f"{path}: no collection.anki2 inside; not an Anki package this tool can read")
            data = zf.read(name)
    except zipfile.BadZipFile:
        raise PackageError(f"{path}: not a zip file, so not an .apkg") from None
    with tempfile.TemporaryDirectory(prefix="mldeck-diff-") as tmp:
        db = Path(tmp) / "collection.sqlite"
        db.write_bytes(data)
        conn = sqlite3.connect(db)
        try:
            return _read_collection(conn, path)
        except (sqlite3.DatabaseError, KeyError, ValueError, TypeError, AttributeError, RecursionError) as exc:
            raise PackageError(f"{path}: unreadable collection ({exc})") from None
        finally:
            conn.close()


def _read_collection(conn: sqlite3.Connection, path: Path) -> Package:
    models_json, decks_json = conn.execute("select models, decks from col").fetchone()
    note_types = {int(k): _note_type(m) for k, m in json.loads(models_json).items()}
    deck_names = {int(k): d["name"] for k, d in json.loads(decks_json).items()}
    decks_of: dict[int, set[str]] = {}
    for nid, did in conn.execute("select nid, did from cards"):
        decks_of.setdefault(nid, set()).add(deck_names.get(did, f"deck {did}"))
    notes: dict[str, Note] = {}
    for nid, guid, mid, tags, flds in conn.execute("select id, guid, mid, tags, flds from notes order by id"):
        if not guid or mid not in note_types:
            raise PackageError(f"{path}: note {nid} has no GUID or an unknown note type ({mid})")
        note_type = note_types[mid]
        guid, tags, values = _text(guid), _text(tags), _text(flds).split("\x1f")  # NULL columns read as ""
        notes[guid] = Note(
            guid=guid,
            note_type=note_type,
            fields=dict(zip(note_type.fields, values, strict=False)),
            tags=tuple(sorted(tags.split())),
            decks=tuple(sorted(decks_of.get(nid, ()))),
        )
    return Package(path, note_types, notes)


def _text(value: object) -> str:
    """A column as text: NULL is "", a BLOB is decoded, a number is written out."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _note_type(model: dict) -> NoteType:
    fields = tuple(f["name"] for f in sorted(model["flds"], key=lambda f: f["ord"]))
    templates = tuple(
        (t["name"], t.get("qfmt", ""), t.get("afmt", "")) for t in sorted(model["tmpls"], key=lambda t: t["ord"])
    )
    return NoteType(
        int(model["id"]), model["name"], fields, int(model.get("sortf", 0)), templates, model.get("css", "")
    )
