"""The render cache: `build/cache/render.sqlite`, keyed by a hash of (render version, text).

It keeps each text's HTML, the `media/` files it used and the media it generated (diagram
SVGs). New entries are written in one transaction at the end, so a cold build is not a
thousand tiny file writes. A missing or broken cache is simply no cache.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Rendered:
    html: str = ""
    problems: list[tuple[int, str]] = field(default_factory=list)
    used: dict[str, str] = field(default_factory=dict)  # media/ reference -> packaged name
    generated: dict[str, bytes] = field(default_factory=dict)  # e.g. diagram SVGs


class RenderCache:
    """(version, text) -> Rendered, in one SQLite file."""

    def __init__(self, path: Path | None, version: str):
        self.version = version
        self.conn = None
        self.new: dict[str, Rendered] = {}
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self.conn = sqlite3.connect(path)
                self.conn.execute("create table if not exists render (key text primary key, entry text)")
                self.conn.execute("create table if not exists media (name text primary key, data blob)")
            except sqlite3.Error:
                self.conn = None  # a broken cache is no cache

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{self.version}\0{text}".encode()).hexdigest()

    def get_many(self, keys: list[str]) -> dict[str, Rendered]:
        """The cached results for `keys` (missing ones absent), in a few queries."""
        found: dict[str, Rendered] = {}
        if self.conn is None:
            return found
        try:
            entries = {}
            for i in range(0, len(keys), 500):
                chunk = keys[i : i + 500]
                marks = ",".join("?" * len(chunk))
                entries.update(self.conn.execute(f"select key, entry from render where key in ({marks})", chunk))
            for key, raw in entries.items():
                entry = json.loads(raw)
                generated = {}
                for name in entry["generated"]:
                    data = self.conn.execute("select data from media where name = ?", (name,)).fetchone()
                    if data is None:
                        break
                    generated[name] = bytes(data[0])
                else:
                    found[key] = Rendered(entry["html"], [], entry["used"], generated)
        except (sqlite3.Error, ValueError, KeyError):
            return {}
        return found

    def put(self, key: str, value: Rendered) -> None:
        if not value.problems:
            self.new[key] = value

    def flush(self) -> None:
        if self.conn is None or not self.new:
            return
        with self.conn:
            for key, r in self.new.items():
                entry = json.dumps({"html": r.html, "used": r.used, "generated": sorted(r.generated)})
                self.conn.execute("insert or replace into render values (?, ?)", (key, entry))
                self.conn.executemany("insert or ignore into media values (?, ?)", list(r.generated.items()))
        self.new.clear()

    def close(self) -> None:
        if self.conn is not None:
            self.flush()
            self.conn.close()
            self.conn = None
