"""Parsed entries, cached by each file's (size, mtime_ns, ctime_ns, inode): one edited card file
costs one parse, and a build with 10,000 unchanged cards parses none.

`entries.*.bin` in the cache folder hold, per card file, its stat key and either the parsed
entry or the problems that stopped it, as plain data (marshal: no code runs when it is read),
sealed with the folder's key and sharded (mldeck/localcache.py) and tagged with a hash of the reader's
own code, so an edited parser re-reads everything. Anything unexpected is no cache.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from .entries import CardFiles, Entry, read_entry
from .errors import DeckError, Problem
from .localcache import SealedShards
from .sources import Source, load_sources
from .tex.check import Scan, scan_entry
from .validate import entry_problems
from .workers import Workers

STEM = "entries"  # entries.0.bin … entries.f.bin
READER_CODE = (
    "entry_cache.py",  # the rows' own layout
    "entries.py",
    "frontmatter.py",
    "sections.py",
    "fences.py",
    "taxonomy.py",
    "errors.py",
    "validate.py",
    "prose.py",
    "diagram_kinds.py",
    "sources.py",
)
Row = tuple[tuple[int, int, int, int], object]


def reader_version() -> str:
    h = hashlib.sha256()
    for name in READER_CODE:
        h.update((Path(__file__).parent / name).read_bytes())
    return h.hexdigest()[:16]


def _stat_key(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _pack(e: Entry) -> tuple:
    return (e.id, e.source, e.ref, e.difficulty, list(e.topics), e.answer_origin, dict(e.texts), e.section,
            e.verdict, e.kind, e.duplicate_of, dict(e.lines), e.digest)  # fmt: skip


def _unpack(t: tuple, path: Path) -> Entry:
    (id_, source, ref, difficulty, topics, origin, texts, section, verdict, kind, dup, lines, digest) = t
    return Entry(id_, source, ref, difficulty, tuple(topics), origin, texts, section, verdict, kind, dup, path, lines,
                 digest)  # fmt: skip


_WORKER_SOURCES: dict[str, dict[str, Source]] = {}


def _kind(source: Source | None) -> str:
    """What the entry checks need of a source: none, an original one (the deck's) or an article."""
    return "none" if source is None else ("original" if source.original else "article")


Parsed = tuple[tuple[str, object], tuple[str, list, str, Scan] | None]


def _parse_row(task: tuple[str, str]) -> Parsed:
    """One card file parsed and checked (in a worker process): what `EntryCache.read` keeps for
    it and, when it parsed, what `EntryCache.check` keeps (kind of source, problems), its digest
    and what its formulas need (mldeck/tex/check.py). The worker reads sources/ itself, once."""
    path, sources_dir = task
    try:
        entry = read_entry(Path(path))
    except DeckError as exc:
        return ("err", [(str(p.path), p.line, p.message, p.level) for p in exc.problems]), None
    if sources_dir not in _WORKER_SOURCES:
        _WORKER_SOURCES[sources_dir] = load_sources(Path(sources_dir))
    source = _WORKER_SOURCES[sources_dir].get(entry.source)
    problems = [(p.line, p.message, p.level) for p in entry_problems(entry, source)]
    return ("ok", _pack(entry)), (_kind(source), problems, entry.digest, scan_entry(entry))


class EntryCache:
    """`read(path)`: a cached parse when the file is unchanged, else `read_entry` (and remember)."""

    def __init__(self, folder: Path | None, stats: dict[str, os.stat_result] | None = None):
        self.stats = stats or {}  # stats the build already took (entries.CardFiles), by str(path)
        self.file = SealedShards(folder, STEM, reader_version(), maps=2)
        self.rows: dict[str, Row]
        self.checks: dict[str, tuple[object, str, list]]
        self.rows, self.checks = self.file.load()
        self.seen: dict[str, Row] = {}
        self.fresh: dict[str, Row] = {}  # parsed ahead by `prefetch`
        self.fresh_checks: dict[str, tuple[object, str, list]] = {}  # and checked
        self.formula_scans: dict[str, Scan] = {}  # and their formulas found, by file digest
        self.checked: dict[str, tuple[object, str, list]] = {}
        self.parsed = 0

    def check(self, entry: Entry, source: Source | None) -> list[Problem]:
        """`validate.entry_problems`, remembered per file and kind of source."""
        name = str(entry.path)
        row = self.seen.get(name)
        if row is None or entry.path is None:
            return entry_problems(entry, source)
        kind = _kind(source)
        cached = self.checks.get(name)
        if cached is None or cached[0] != row[0] or cached[1] != kind:
            fresh = self.fresh_checks.get(name)  # checked in a worker (prefetch)
            if fresh is not None and fresh[0] == row[0] and fresh[1] == kind:
                self.parsed += 1
                cached = fresh
        if cached is not None and cached[0] == row[0] and cached[1] == kind:
            self.checked[name] = cached
            return [Problem(entry.path, line, msg, level) for line, msg, level in cached[2]]
        problems = entry_problems(entry, source)
        self.parsed += 0 if cached is None else 1  # a changed verdict must be saved
        self.checked[name] = (row[0], kind, [(p.line, p.message, p.level) for p in problems])
        return problems

    def prefetch(self, files: CardFiles, workers: Workers, sources_dir: Path) -> None:
        """Parse and check the card files the cache lacks in `workers`, when there are enough of
        them (a cold build): `read` and `check` then take the results. Regular files only, no
        symlinks (the reader refuses those itself, one at a time)."""
        todo: list[tuple[str, tuple[int, int, int, int]]] = []
        for path in files.paths:
            name = str(path)
            st = files.stats.get(name)
            if st is None or name in files.links or not stat.S_ISREG(st.st_mode):
                continue
            key = _stat_key(st)
            row = self.rows.get(name)
            if row is None or row[0] != key:
                todo.append((name, key))
        if workers.worth_it(len(todo)):
            tasks = [(name, str(sources_dir)) for name, _ in todo]
            for (name, key), (value, checked) in zip(todo, workers.map(_parse_row, tasks), strict=True):
                self.fresh[name] = (key, value)
                if checked is not None:
                    kind, problems, digest, scan = checked
                    self.fresh_checks[name] = (key, kind, problems)
                    self.formula_scans[digest] = scan

    def fresh_texts(self) -> list[str]:
        """The section texts of the card files `prefetch` parsed, for rendering to start early."""
        return [t for kind, value in (row[1] for row in self.fresh.values()) if kind == "ok"
                for t in value[6].values() if t]  # fmt: skip

    def read(self, path: Path) -> Entry:
        name = str(path)
        try:
            st = self.stats.get(name) or os.stat(path)
        except OSError:
            return read_entry(path)  # let the reader say what is wrong
        key = _stat_key(st)
        row = self.rows.get(name)
        if row is None or row[0] != key:
            row = self.fresh.get(name)
            self.parsed += row is not None
        if row is not None and row[0] == key:
            self.seen[name] = row
            kind, value = row[1]  # type: ignore[misc]
            if kind == "ok":
                return _unpack(value, path)
            raise DeckError([Problem(Path(p), line, msg, level) for p, line, msg, level in value])
        self.parsed += 1
        try:
            entry = read_entry(path)
        except DeckError as exc:
            self.seen[name] = (key, ("err", [(str(p.path), p.line, p.message, p.level) for p in exc.problems]))
            raise
        self.seen[name] = (key, ("ok", _pack(entry)))
        return entry

    def save(self) -> None:
        """Keep the rows of the files read this time (deleted cards drop out)."""
        if not self.parsed and self.seen.keys() == self.rows.keys() and self.checked.keys() == self.checks.keys():
            return  # nothing new to remember
        self.file.save(self.seen, self.checked)
