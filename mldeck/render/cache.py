"""The render cache: `texts.sqlite` in the cache folder, keyed by a hash of (render version, text).

It keeps each text's HTML, the `media/` files it used and the media it generated (diagram
SVGs). New entries are written in one transaction at the end, so a cold build is not a
thousand tiny file writes. A missing or broken cache is simply no cache.

A cache cannot decide what ships (mldeck/localcache.py): every entry is sealed with the
folder's own key and an entry whose seal does not verify is a miss; a generated file must
hash to its own name; `media/` references are resolved again by the caller.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..localcache import Seal
from .media import packaged_name


@dataclass(frozen=True)
class Rendered:
    """One Markdown text, rendered: a value, complete in itself."""

    html: str = ""
    media: Mapping[str, bytes] = field(default_factory=dict)  # packaged name -> bytes: every file the HTML shows
    used: Mapping[str, str] = field(default_factory=dict)  # media/ reference -> packaged name
    problems: tuple[tuple[int, str], ...] = ()  # (line offset in the text, message)

    @property
    def generated(self) -> dict[str, bytes]:
        """The files the HTML shows that are not from media/: diagrams."""
        mine = set(self.used.values())
        return {n: d for n, d in self.media.items() if n not in mine}


@dataclass(frozen=True)
class CachedEntry:
    html: str
    used: dict[str, str]
    generated: dict[str, bytes]


class RenderCache:
    """(version, text) -> CachedEntry, and (version, language, code) -> highlighted HTML, in one
    SQLite file inside the cache folder; every row sealed (mldeck/localcache.py)."""

    def __init__(self, folder: Path | None, version: str):
        self.version = version
        self.conn: sqlite3.Connection | None = None
        self.seal = Seal(folder)
        self.new: dict[str, Rendered] = {}
        self.new_blocks: dict[str, str] = {}  # highlighted code blocks, by _block_key
        if folder is None or not self.seal.usable:
            return
        path = folder / "texts.sqlite"
        if path.is_symlink() or (path.exists() and not path.is_file()):
            return  # a planted link or folder: no cache, and nothing written through it
        try:
            self.conn = sqlite3.connect(path)
            self.conn.executescript(  # one transaction: one sync to disk, not three
                "begin;"
                "create table if not exists render (key text primary key, entry text, mac text);"
                "create table if not exists media (name text primary key, data blob);"
                "create table if not exists blocks (key text primary key, html text, mac text);"
                "commit;"
            )
        except sqlite3.Error:
            self.conn = None  # a broken cache is no cache

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{self.version}\0{text}".encode()).hexdigest()

    def get_many(self, keys: list[str]) -> dict[str, CachedEntry]:
        """The verified cached entries for `keys` (missing or unverifiable ones absent)."""
        found: dict[str, CachedEntry] = {}
        if self.conn is None:
            return found
        try:
            rows: dict[str, tuple[str, str]] = {}
            for i in range(0, len(keys), 500):
                chunk = keys[i : i + 500]
                marks = ",".join("?" * len(chunk))
                query = f"select key, entry, mac from render where key in ({marks})"
                rows.update((k, (e, m)) for k, e, m in self.conn.execute(query, chunk))
            for key, (raw, mac) in rows.items():
                if self.seal.check(f"{key}\0{raw}".encode(), mac) and (entry := self._entry(raw)) is not None:
                    found[key] = entry
        except (sqlite3.Error, ValueError, KeyError, TypeError):
            return {}
        return found

    def _entry(self, raw: str) -> CachedEntry | None:
        entry = json.loads(raw)
        generated = {}
        for name in entry["generated"]:
            row = self.conn.execute("select data from media where name = ?", (name,)).fetchone()  # type: ignore[union-attr]
            data = bytes(row[0]) if row is not None else b""
            if row is None or packaged_name(data, Path(name).suffix) != name:
                return None  # missing, or not the bytes its name promises
            generated[name] = data
        return CachedEntry(str(entry["html"]), dict(entry["used"]), generated)

    def generated(self, names: list[str]) -> dict[str, bytes] | None:
        """Generated files by name, each checked against its name; None if one is missing."""
        found = {}
        if self.conn is None:
            return None if names else {}
        try:
            for name in names:
                row = self.conn.execute("select data from media where name = ?", (name,)).fetchone()
                if row is None or packaged_name(bytes(row[0]), Path(name).suffix) != name:
                    return None
                found[name] = bytes(row[0])
        except sqlite3.Error:
            return None
        return found

    def _block_key(self, language: str, source: str) -> str:
        return hashlib.sha256(f"{self.version}\0block\0{language}\0{source}".encode()).hexdigest()

    def block(self, language: str, source: str) -> str | None:
        """The highlighted HTML of a code block rendered before (a prose edit in a card with
        code highlights nothing again), None when unknown or unverifiable."""
        if self.conn is None:
            return None
        key = self._block_key(language, source)
        if key in self.new_blocks:
            return self.new_blocks[key]
        try:
            row = self.conn.execute("select html, mac from blocks where key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        if row is None or not self.seal.check(f"{key}\0{row[0]}".encode(), row[1]):
            return None
        return str(row[0])

    def put_block(self, language: str, source: str, html: str) -> None:
        if self.conn is not None:
            self.new_blocks[self._block_key(language, source)] = html

    def put(self, key: str, value: Rendered) -> None:
        if not value.problems:
            self.new[key] = value

    def flush(self) -> None:
        if self.conn is None or not (self.new or self.new_blocks):
            return
        try:
            with self.conn:
                for key, html in self.new_blocks.items():
                    mac = self.seal.sign(f"{key}\0{html}".encode())
                    self.conn.execute("insert or replace into blocks values (?, ?, ?)", (key, html, mac))
                for key, r in self.new.items():
                    entry = json.dumps({"html": r.html, "used": dict(r.used), "generated": sorted(r.generated)})
                    mac = self.seal.sign(f"{key}\0{entry}".encode())
                    self.conn.execute("insert or replace into render values (?, ?, ?)", (key, entry, mac))
                    if r.generated:
                        self.conn.executemany("insert or ignore into media values (?, ?)", list(r.generated.items()))
        except sqlite3.Error:
            pass  # a cache that cannot be written is no cache
        self.new.clear()
        self.new_blocks.clear()

    def close(self) -> None:
        if self.conn is not None:
            self.flush()
            self.conn.close()
            self.conn = None
