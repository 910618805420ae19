"""Parsed entries, cached by each file's (size, mtime_ns, ctime_ns, inode): one edited card file
costs one parse, and a build with 10,000 unchanged cards parses none.

`entries.*.bin` in the cache folder hold, per card file, its stat key and either the parsed
entry or the problems that stopped it, as plain data (marshal: no code runs when it is read),
sealed with the folder's key and sharded (mldeck/localcache.py) and tagged with a hash of the reader's
own code, so an edited parser re-reads everything. Anything unexpected is no cache.

An entry's section texts and line numbers, three quarters of its bytes, are kept apart in
`entrytexts.*.bin` and read only when asked for: a rebuild after one edit takes every other
note from the note cache and looks at no texts but the edited card's and those of cards with
no answer yet (checked every build). A text the cache cannot give back is read from the card
file again, and kept when the build saves the cache again at its end.
"""

from __future__ import annotations

import functools
import hashlib
import os
import stat
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from .entries import CardFiles, Entry, read_entry
from .errors import DeckError, Problem
from .localcache import LazyShards, SealedShards
from .sources import Source, load_sources
from .tex.check import Scan, scan_entry
from .validate import entry_problems
from .workers import Workers

STEM = "entries"  # entries.0.bin … entries.f.bin
BODIES = "entrytexts"  # entrytexts.0.bin …: (stat key, texts, lines) by file
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
    """An entry but its texts and line numbers (`_body`), as plain data."""
    return (e.id, e.source, e.ref, e.difficulty, list(e.topics), e.answer_origin, e.section, e.verdict, e.kind,
            e.duplicate_of, e.digest)  # fmt: skip


def _body(e: Entry) -> tuple[dict[str, str], dict[str, int]]:
    return dict(e.texts), dict(e.lines)


def _unpack(t: tuple, path: Path, texts: Mapping[str, str], lines: Mapping[str, int]) -> Entry:
    (id_, source, ref, difficulty, topics, origin, section, verdict, kind, dup, digest) = t
    return Entry(id_, source, ref, difficulty, tuple(topics), origin, texts, section, verdict, kind, dup, path,  # type: ignore[arg-type]
                 lines, digest)  # type: ignore[arg-type]  # fmt: skip


class _Later(Mapping):
    """The texts (part 0) or line numbers (part 1) of a cached entry, fetched on first use."""

    __slots__ = ("_fetch", "_part", "_data")

    def __init__(self, fetch: Callable[[], tuple[dict, dict]], part: int):
        self._fetch, self._part, self._data = fetch, part, None

    def _get(self) -> dict:
        if self._data is None:
            self._data = self._fetch()[self._part]
        return self._data

    def __getitem__(self, key: str) -> object:
        return self._get()[key]

    def get(self, key: str, default: object = None) -> object:  # a KeyError in the fetch is not "absent"
        return self._get().get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def __repr__(self) -> str:
        return repr(self._get())

    def __reduce__(self) -> tuple:
        return (dict, (self._get(),))


_WORKER_SOURCES: dict[str, dict[str, Source]] = {}


def _kind(source: Source | None) -> str:
    """What the entry checks need of a source: none, an original one (the deck's) or an article."""
    return "none" if source is None else ("original" if source.original else "article")


Body = tuple[tuple[int, int, int, int], dict[str, str], dict[str, int]]  # (stat key, texts, lines)
Parsed = tuple[tuple[str, object], tuple[dict, dict] | None, tuple[str, list, str, Scan] | None]


def _parse_row(task: tuple[str, str]) -> Parsed:
    """One card file parsed and checked (in a worker process): what `EntryCache.read` keeps for
    it and its texts and lines and, when it parsed, what `EntryCache.check` keeps (kind of
    source, problems), its digest and what its formulas need (mldeck/tex/check.py). The worker
    reads sources/ itself, once."""
    path, sources_dir = task
    try:
        entry = read_entry(Path(path))
    except DeckError as exc:
        return ("err", [(str(p.path), p.line, p.message, p.level) for p in exc.problems]), None, None
    if sources_dir not in _WORKER_SOURCES:
        _WORKER_SOURCES[sources_dir] = load_sources(Path(sources_dir))
    source = _WORKER_SOURCES[sources_dir].get(entry.source)
    problems = [(p.line, p.message, p.level) for p in entry_problems(entry, source)]
    return ("ok", _pack(entry)), _body(entry), (_kind(source), problems, entry.digest, scan_entry(entry))


class EntryCache:
    """`read(path)`: a cached parse when the file is unchanged, else `read_entry` (and remember)."""

    def __init__(self, folder: Path | None, stats: dict[str, os.stat_result] | None = None):
        self.stats = stats or {}  # stats the build already took (entries.CardFiles), by str(path)
        version = reader_version()
        self.file = SealedShards(folder, STEM, version, maps=2)
        self.bodies = LazyShards(folder, BODIES, version)
        self.new_bodies: dict[str, Body] = {}  # of the files parsed this time
        self.fresh_bodies: dict[str, Body] = {}  # parsed ahead by `prefetch`
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
        if workers.worth_it(len(todo), parsing=True):
            tasks = [(name, str(sources_dir)) for name, _ in todo]
            parsed = workers.map(_parse_row, tasks, parsing=True)
            for (name, key), (value, body, checked) in zip(todo, parsed, strict=True):
                self.fresh[name] = (key, value)
                if body is not None:
                    self.fresh_bodies[name] = (key, *body)
                if checked is not None:
                    kind, problems, digest, scan = checked
                    self.fresh_checks[name] = (key, kind, problems)
                    self.formula_scans[digest] = scan

    def fresh_texts(self) -> list[str]:
        """The section texts of the card files `prefetch` parsed, for rendering to start early."""
        return [t for _, texts, _ in self.fresh_bodies.values() for t in texts.values() if t]

    def read(self, path: Path) -> Entry:
        name = str(path)
        try:
            st = self.stats.get(name) or os.stat(path)
        except OSError:
            return read_entry(path)  # let the reader say what is wrong
        key = _stat_key(st)
        row = self.rows.get(name)
        body: Body | None = None
        if row is None or row[0] != key:
            row = self.fresh.get(name)
            self.parsed += row is not None
            body = self.fresh_bodies.get(name)
        if row is not None and row[0] == key:
            self.seen[name] = row
            kind, value = row[1]  # type: ignore[misc]
            if kind != "ok":
                raise DeckError([Problem(Path(p), line, msg, level) for p, line, msg, level in value])
            if body is not None and body[0] == key:
                self.new_bodies[name] = body
                return _unpack(value, path, body[1], body[2])
            fetch = functools.cache(lambda: self._body(name, key, path, value[-1]))
            return _unpack(value, path, _Later(fetch, 0), _Later(fetch, 1))
        self.parsed += 1
        try:
            entry = read_entry(path)
        except DeckError as exc:
            self.seen[name] = (key, ("err", [(str(p.path), p.line, p.message, p.level) for p in exc.problems]))
            raise
        self.seen[name] = (key, ("ok", _pack(entry)))
        self.new_bodies[name] = (key, *_body(entry))
        return entry

    def _body(self, name: str, key: tuple[int, int, int, int], path: Path, digest: str) -> tuple[dict, dict]:
        """The texts and lines of a cached entry: from the cache, else from its file again."""
        row = self.bodies.get(name)
        if isinstance(row, tuple) and len(row) == 3 and row[0] == key:
            texts, lines = row[1], row[2]
            if isinstance(texts, dict) and isinstance(lines, dict):
                return texts, lines
        entry = read_entry(path)
        if entry.digest != digest:
            raise DeckError([Problem(path, 1, "the file changed while the build read it: build again")])
        texts, lines = _body(entry)
        self.new_bodies[name] = (key, texts, lines)
        return texts, lines

    def save(self) -> None:
        """Keep the rows of the files read this time (deleted cards drop out)."""
        if self.new_bodies:  # before the rows that point at them
            self.bodies.save(self.new_bodies, frozenset(self.seen))
            self.new_bodies = {}  # the build may save again, with texts it read back later
        if not self.parsed and self.seen.keys() == self.rows.keys() and self.checked.keys() == self.checks.keys():
            return  # nothing new to remember
        self.file.save(self.seen, self.checked)
        self.rows, self.checks, self.parsed = dict(self.seen), dict(self.checked), 0  # saved: a second save is free
