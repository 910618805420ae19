"""Made notes, cached: a note whose card files, sources, code and options are unchanged is not
made again, and its texts are not even looked up in the render cache.

A note's key is a hash of everything its fields come from: the note and render code, the
build options, every `source.yaml`, and each of its card files' stat key (the entry cache
reads a file again whenever that changes). Its `media/` pictures are checked on every hit
(their packaged names are content hashes, so a changed image is a miss), and diagram files
come from the render cache, which checks them against their names. `mod` is not cached: it
is worked out again from the git times each build. The file is sealed like every cache
(mldeck/localcache.py) and holds plain data (marshal).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..localcache import SealedShards
from ..render.cards import render_version
from ..sources import Source
from .notes import NoteSpec

STEM = "notes"  # notes.0.bin … notes.f.bin
NOTE_CODE = ("build/notes.py", "notetype/model.py", "build/note_cache.py")


def notes_version(split: str, sources: dict[str, Source]) -> str:
    """What every note depends on besides its own card files."""
    h = hashlib.sha256(f"{render_version()}|{split}".encode())
    package = Path(__file__).resolve().parents[1]
    for rel in NOTE_CODE:
        h.update((package / rel).read_bytes())
    for name in sorted(sources):
        h.update(name.encode() + b"\0" + (sources[name].folder / "source.yaml").read_bytes())
    return h.hexdigest()


class CachedNote:
    """A note as it was made, less its `mod`: the fields and where its pictures come from."""

    def __init__(self, spec: NoteSpec, used: dict[str, str]):
        self.spec = spec
        self.used = used  # media/ reference -> packaged name


def _pack(note: CachedNote) -> tuple:
    s = note.spec
    return (s.guid, s.entry_id, list(s.fields), list(s.tags), s.deck, s.difficulty, list(s.sources), list(s.media),
            dict(note.used))  # fmt: skip


def _unpack(t: tuple) -> CachedNote:
    guid, entry_id, fields, tags, deck, difficulty, sources, media, used = t
    spec = NoteSpec(guid, entry_id, tuple(fields), tuple(tags), deck, difficulty, tuple(sources), 0, tuple(media))
    return CachedNote(spec, dict(used))


class NoteCache:
    def __init__(self, folder: Path | None, version: str):
        self.file = SealedShards(folder, STEM, version)
        (self.rows,) = self.file.load()
        self.kept: dict[str, tuple] = {}

    @staticmethod
    def key(parts: list[str]) -> str:
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def get(self, key: str) -> CachedNote | None:
        row = self.rows.get(key)
        if row is None:
            return None
        try:
            return _unpack(row)
        except (TypeError, ValueError):
            return None

    def keep(self, key: str, note: CachedNote) -> None:
        """Remember `note` for the next build (notes not kept are forgotten)."""
        self.kept[key] = self.rows[key] if key in self.rows else _pack(note)

    def save(self) -> None:
        if self.kept.keys() != self.rows.keys():
            self.file.save(self.kept)
