"""A byte-reproducible .apkg writer on top of genanki's collection writer.

genanki's own `write_to_file` stamps zip entries with the current time and every note with
one timestamp. Here each note carries its own `mod`, the model and decks carry the model's,
zip entries have a fixed date, media are sorted, and the file appears atomically.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import genanki

from ..fsio import write_atomic
from .notes import NoteSpec

ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class _Note(genanki.Note):
    """A genanki note whose `mod` is its own, not the package's."""

    def __init__(self, mod: int, **kwargs):
        super().__init__(**kwargs)
        self.mod = mod

    def write_to_db(self, cursor, timestamp, deck_id, id_gen):  # noqa: ARG002 - genanki's signature
        super().write_to_db(cursor, self.mod, deck_id, id_gen)


def _zip_entry(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def write_apkg(
    out: Path,
    model: genanki.Model,
    decks: dict[str, int],
    descriptions: dict[str, str],
    notes: list[NoteSpec],
    media: dict[str, bytes],
    model_mod: int,
) -> None:
    """Write the package to `out` atomically; same inputs -> same bytes."""
    gdecks: dict[str, genanki.Deck] = {}
    for name in sorted({n.deck for n in notes} | {min(decks, key=len)}):
        gdecks[name] = genanki.Deck(decks[name], name, description=descriptions.get(name, ""))
    for spec in notes:
        gdecks[spec.deck].add_note(
            _Note(spec.mod, model=model, fields=list(spec.fields), tags=list(spec.tags), guid=spec.guid)
        )
    package = genanki.Package(list(gdecks.values()))
    with tempfile.TemporaryDirectory(prefix="mldeck-apkg-") as tmp:
        db_path = Path(tmp) / "collection.anki2"
        conn = sqlite3.connect(db_path)
        package.write_to_db(conn.cursor(), model_mod, itertools.count(model_mod * 1000))
        conn.commit()
        conn.close()
        names = sorted(media)
        zip_path = Path(tmp) / "deck.apkg"
        with zipfile.ZipFile(zip_path, "w") as zf:
            _zip_entry(zf, "collection.anki2", db_path.read_bytes())
            _zip_entry(zf, "media", json.dumps({str(i): n for i, n in enumerate(names)}, sort_keys=True).encode())
            for i, name in enumerate(names):
                _zip_entry(zf, str(i), media[name])
        write_atomic(out, zip_path.read_bytes())
