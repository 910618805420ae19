"""`build`: cards/ -> dist/<deck>.apkg. Validates everything before writing anything."""

from __future__ import annotations

import gc
import hashlib
import html
import json
import os
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..entries import CardFiles, Entry, scan_entries
from ..entry_cache import EntryCache
from ..errors import DeckError, Problem
from ..localcache import cache_dir, within
from ..notetype.model import ROOT_DECK, deck_ids, make_model
from ..render.cache import Rendered
from ..render.cards import TextRenderer, media_folder_problems, problems_at, text_renderer
from ..sections import KEYS
from ..sources import Source, load_sources
from ..taxonomy import DIFFICULTIES
from ..tex.check import Scan, TexReport, check_entries
from ..validate import validate
from ..workers import Workers
from .inputs import PACKAGE_ROOT, ModTimes, code_paths
from .note_cache import CachedNote, NoteCache, notes_version
from .notes import Filters, NoteSpec, build_note
from .stamp import Stamps

DECK_FILE = "ml-interview-questions.apkg"


@dataclass(frozen=True)
class BuildOptions:
    split: str = "difficulty"
    filters: Filters = Filters()
    out: Path | None = None
    quiet: bool = False
    force: bool = False
    diagrams: bool = True
    code_root: Path = PACKAGE_ROOT  # the checkout whose mldeck/ and lock file make the notes (for `mod`)


@dataclass
class BuildResult:
    out: Path
    notes: list[NoteSpec] = field(default_factory=list)
    skipped: list[Entry] = field(default_factory=list)
    media: dict[str, bytes] = field(default_factory=dict)
    up_to_date: bool = False
    rendered: int = 0
    cached: int = 0
    entries: int = 0  # card files read
    folded: int = 0  # of them, duplicates shown on another note's back (`duplicate_of`)


def _digest(h: hashlib._Hash, base: Path, rels: list[str], content: bool,
            stats: dict[str, os.stat_result] | None = None) -> None:  # fmt: skip
    for rel in rels:
        name = rel.encode("utf-8", "surrogateescape")  # a non-UTF-8 file name keeps its bytes
        path = os.path.join(base, rel)
        try:
            st = stats[path] if stats is not None and path in stats else os.stat(path)
        except OSError:
            h.update(name + b"|missing|")
            continue
        h.update(name + f"|{st.st_size}|{st.st_mtime_ns}|{st.st_ctime_ns}|".encode())
        if content:
            with open(path, "rb") as fh:
                h.update(hashlib.sha256(fh.read()).digest())


def inputs_key(root: Path, opts: BuildOptions, mods: ModTimes, files: CardFiles) -> str:
    """A hash of everything the deck depends on: when it matches the last build's, skip."""
    h = hashlib.sha256(f"{__version__}|{opts.split}|{opts.filters.describe()}|{opts.diagrams}|{opts.code_root}"
                       f"|{os.environ.get('SOURCE_DATE_EPOCH')}".encode())  # fmt: skip
    h.update(json.dumps([sorted(mods.times.committed.items()), sorted(mods.times.dirty)]).encode())
    if mods.code_times is not mods.times:
        h.update(json.dumps([sorted(mods.code_times.committed.items()), sorted(mods.code_times.dirty)]).encode())
    cards = str(root / "cards")
    _digest(h, root, ["cards" + str(p)[len(cards) :] for p in files.paths], content=False, stats=files.stats)
    for folder in ("media", "sources"):
        files = sorted(p for p in (root / folder).rglob("*") if p.is_file()) if (root / folder).is_dir() else []
        _digest(h, root, [p.relative_to(root).as_posix() for p in files], content=True)
    _digest(h, opts.code_root, code_paths(opts.code_root), content=True)
    return h.hexdigest()


def deck_description(sources: dict[str, Source]) -> str:
    """The root deck's description in Anki: the version, and where the questions come from."""
    esc = html.escape
    articles = [s for s in sources.values() if not s.original]
    items = []
    for s in articles:
        title = f'<a href="{esc(s.url)}">{esc(s.title)}</a>' if s.url else f"“{esc(s.title)}”"
        items.append(f"<li>{esc(s.publisher)}: {title} ({esc(s.author)})</li>")
    own = " and questions written for this deck" if any(s.original for s in sources.values()) else ""
    count = f"{len(articles)} article{'s' if len(articles) != 1 else ''}"
    return (
        f"<p>Machine-learning interview questions, deck version {esc(__version__)}.</p>"
        f"<p>Built from {count}{own}:</p><ul>{''.join(items)}</ul>"
        "<p>Questions and the articles' answers are quoted with attribution to their publishers; "
        "each card's back says where it came from and whether the answer was written for this deck.</p>"
    )


class NoNotesMatch(DeckError):
    """The filters leave no note: nothing to write."""

    def __init__(self, filters: Filters):
        super().__init__(Problem("", 0, f"no notes match the filters ({filters.describe()}); nothing written"))


def check_filters(filters: Filters, sources: dict[str, Source], notes: list[NoteSpec]) -> None:
    """An unknown filter value is a typo: say which values exist instead of building nothing."""
    problems = []
    if unknown := sorted(filters.sources - set(sources)):
        problems.append(f"unknown source {', '.join(unknown)} (known: {', '.join(sorted(sources))})")
    if unknown := sorted(filters.difficulties - set(DIFFICULTIES)):
        problems.append(f"unknown difficulty {', '.join(unknown)} (known: {', '.join(DIFFICULTIES)})")
    tags = {t for n in notes for t in n.tags}
    known = tags | {t.rsplit("::", 1)[-1] for t in tags}
    if unknown := sorted(filters.tags - known):
        leaves = sorted({t.rsplit("::", 1)[-1] for t in tags if "::topic::" in t or "::kind::" in t})
        problems.append(f"unknown tag {', '.join(unknown)} (topics and kinds: {', '.join(leaves)})")
    if problems:
        raise DeckError([Problem("", 0, p) for p in problems])


def default_output(root: Path, filters: Filters) -> Path:
    """dist/ml-interview-questions.apkg, or a name that says the filter, so a filtered build
    never overwrites the whole deck."""
    suffix = filters.slug()
    return root / "dist" / (DECK_FILE if not suffix else DECK_FILE.replace(".apkg", f"-{suffix}.apkg"))


@dataclass
class Prepared:
    """Everything a deck is made of, before it is written: for build, preview, lint and diff."""

    notes: list[NoteSpec]
    skipped: list[Entry]
    media: dict[str, bytes]
    sources: dict[str, Source]
    cards: list[Entry]
    rendered: int = 0
    cached: int = 0
    model_mod: int = 0


Project = tuple[dict[str, Source], list[Entry], dict[str, list[Entry]]]  # sources, entries, note groups


def read_project(root: Path, reader: EntryCache, files: CardFiles | None = None, workers: Workers | None = None,
                 renderer: TextRenderer | None = None) -> Project:  # fmt: skip
    """Sources, entries and note groups of the project, or DeckError with every problem but the
    formulas' (`check_formulas`: MathJax runs in node while the build renders). With `workers`,
    the card files the entry cache lacks are parsed in them, and `renderer` starts on their
    texts while this validates them."""
    sources = load_sources(root / "sources")
    if files is not None and workers is not None:
        reader.prefetch(files, workers, root / "sources")
        if renderer is not None:
            renderer.start(reader.fresh_texts())
    entries, problems = scan_entries(root / "cards", reader.read, files)
    groups, invalid = validate(entries, sources, reader.check)
    reader.save()
    problems += invalid + media_folder_problems(root)
    if problems:
        raise DeckError(problems)
    return sources, entries, groups


def check_formulas(root: Path, entries: list[Entry], scans: dict[str, Scan] | None = None) -> Future[TexReport]:
    """Broken or hostile TeX (mldeck/tex/), checked in a thread: node does the work, so it
    overlaps the rendering. `.result().problems` before anything is written. `scans`: the
    formulas the worker processes found while parsing (a cold build)."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tex")
    future = pool.submit(check_entries, entries, cache_dir(root), scans)
    pool.shutdown(wait=False)
    return future


def _formula_problems(formulas: Future[TexReport]) -> list[Problem]:
    """The formula check's problems, or why it could not finish (a card file changed meanwhile)."""
    try:
        return formulas.result().problems
    except DeckError as exc:
        return exc.problems


def _render_problems(results: dict[str, Rendered], entries: list[Entry]) -> list[Problem]:
    """The render problems of `entries`' texts, at their files' lines, in the entries' order."""
    return [p for c in entries for key in KEYS if (t := c.text(key)) for p in problems_at(results[t], c, key)]


@dataclass
class _Made:
    """Notes (with their `mod`) made in this build or taken from the note cache, with the bytes of
    their pictures."""

    notes: dict[str, NoteSpec] = field(default_factory=dict)
    used: dict[str, list[str]] = field(default_factory=dict)  # primary id -> media/ references
    media: dict[str, bytes] = field(default_factory=dict)


def _texts(entries: list[Entry]) -> list[str]:
    return [t for c in entries for key in KEYS if (t := c.text(key))]


def _from_cache(cache: NoteCache, keys: dict[str, str], renderer: TextRenderer, groups: dict[str, list[Entry]],
                mods: ModTimes) -> _Made:  # fmt: skip
    """The notes the cache has, when their pictures are still what they were made with."""
    made = _Made()
    for primary_id, key in keys.items():
        hit = cache.get(key)
        pictures = renderer.pictures(hit.used, hit.spec.media) if hit is not None else None
        if hit is not None and pictures is not None:
            made.used[primary_id] = list(hit.used)
            made.notes[primary_id] = hit.spec.with_mod(mods.note_mod(groups[primary_id], made.used[primary_id]))
            made.media.update(pictures)
            cache.keep(key, hit)
    return made


def make_notes(root: Path, opts: BuildOptions, groups: dict[str, list[Entry]], sources: dict[str, Source],
               renderer: TextRenderer, mods: ModTimes) -> _Made:  # fmt: skip
    """A note per group with an answer, with its `mod`: from the note cache, else rendered and
    made. A note is cached by the digests of its card files' bytes (not their paths: nothing on
    a note but its `mod` depends on where its file is), so a copy of the project finds it too.
    A note is made as soon as the last of its texts is rendered, while the workers render the
    rest; DeckError with every render problem, once all are known."""
    cache = NoteCache(cache_dir(root), notes_version(opts.split, sources))
    live = {pid: g for pid, g in groups.items() if g[0].answer_origin != "missing"}
    digests = {pid: [c.digest for c in g] for pid, g in live.items()}
    keys = {pid: cache.key(parts) for pid, parts in digests.items() if all(parts)}
    made = _from_cache(cache, keys, renderer, live, mods)
    entries = [c for pid, g in groups.items() if pid not in made.notes for c in g]
    waiting = {pid: set(_texts(g)) for pid, g in live.items() if pid not in made.notes}
    needed_by: dict[str, list[str]] = {}
    for pid, texts in waiting.items():
        for text in texts:
            needed_by.setdefault(text, []).append(pid)
    results: dict[str, Rendered] = {}

    def make(pid: str) -> None:
        group = live[pid]
        texts = _texts(group)
        if any(results[t].problems for t in texts):
            return  # reported with the others below
        used = {src: name for t in texts for src, name in results[t].used.items()}
        note = build_note(group, sources, lambda text, _e, _k: results[text].html, opts.split, 0)
        made.used[pid] = list(used)
        made.notes[pid] = note.with_mod(mods.note_mod(group, made.used[pid]))
        made.media.update({n: d for t in texts for n, d in results[t].media.items()})
        if pid in keys:
            cache.keep(keys[pid], CachedNote(note, used))

    for text, result in renderer.render_stream(_texts(entries)):
        results[text] = result
        for pid in needed_by.get(text, ()):
            waiting[pid].discard(text)
            if not waiting[pid]:
                make(pid)
    if problems := _render_problems(results, entries):
        raise DeckError(problems)
    cache.save()
    return made


def prepare_notes(root: Path, opts: BuildOptions, mods: ModTimes | None = None,
                  files: CardFiles | None = None) -> Prepared:  # fmt: skip
    """Read, validate and render every card; group duplicates; apply filters. Raises DeckError.

    `files`: the build's scan of cards/ (its stats serve the entry cache and the mod times)."""
    files = files or CardFiles.scan(root / "cards")
    mods = mods or ModTimes(root, opts.code_root)
    mods.know_card_stats(files)
    reader = EntryCache(cache_dir(root), files.stats)
    with Workers() as workers:  # started only if parsing or rendering has enough to spread
        renderer = text_renderer(root, opts.diagrams, opts.quiet, workers)
        try:
            sources, entries, groups = read_project(root, reader, files, workers, renderer)
            formulas = check_formulas(root, entries, reader.formula_scans)
            try:
                made = make_notes(root, opts, groups, sources, renderer, mods)
            except DeckError as exc:  # with the formulas' problems too: every problem in one run
                raise DeckError(exc.problems + _formula_problems(formulas)) from None
        finally:
            renderer.close()
    if problems := _formula_problems(formulas):
        raise DeckError(problems)
    reader.save()  # texts read back from card files after the first save (entry_cache.py)
    notes = [made.notes[pid] for pid in sorted(made.notes)]
    skipped = [g[0] for pid, g in sorted(groups.items()) if g[0].answer_origin == "missing"]
    check_filters(opts.filters, sources, notes)
    notes = [n for n in notes if opts.filters.keep(n)]
    media = {name: made.media[name] for name in sorted({m for n in notes for m in n.media})}
    return Prepared(notes, skipped, media, sources, entries, renderer.misses, renderer.hits, mods.model)


def output_path(root: Path, opts: BuildOptions) -> Path:
    """Where the deck goes; DeckError when that is a folder, or dist/ leads out of the checkout."""
    out = opts.out or default_output(root, opts.filters)
    if opts.out is None and not within(root, out.parent):
        raise DeckError(Problem(root / "dist", 1, "dist/ leads outside the checkout (a symlink): remove it or "
                                "name the deck with --output"))  # fmt: skip
    if out.is_dir():
        raise DeckError(Problem(out, 1, "the deck path is a folder: name a file (… .apkg) with --output"))
    return out


def build_deck(root: Path, opts: BuildOptions) -> BuildResult:
    """The deck at `opts.out` (or dist/), or DeckError. Python's cycle collector is paused while
    it runs (see `paused_gc`)."""
    with paused_gc():
        return _build_deck(root, opts)


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cycle collection inside: a build holds some 100,000 long-lived objects (the caches'
    rows) and makes few cycles, and each full collection walks them all; at 10,000 cards that
    was a fifth of a rebuild after one edit. The cycles it leaves are collected afterwards."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _build_deck(root: Path, opts: BuildOptions) -> BuildResult:
    out = output_path(root, opts)
    result = BuildResult(out)
    mods = ModTimes(root, opts.code_root)
    stamps = Stamps(cache_dir(root))
    files = CardFiles.scan(root / "cards")
    key = inputs_key(root, opts, mods, files)
    if not opts.force and stamps.fresh(out, key):
        result.up_to_date = True
        return result

    prepared = prepare_notes(root, opts, mods, files)
    if not prepared.notes:
        raise NoNotesMatch(opts.filters)
    descriptions = {ROOT_DECK: deck_description(prepared.sources)}
    from .apkg import write_apkg

    decks = deck_ids(prepared.sources.values())
    write_apkg(out, make_model(), decks, descriptions, prepared.notes, prepared.media, prepared.model_mod)
    stamps.record(out, key)
    result.notes, result.media, result.skipped = prepared.notes, prepared.media, prepared.skipped
    result.rendered, result.cached = prepared.rendered, prepared.cached
    result.entries, result.folded = len(prepared.cards), sum(1 for c in prepared.cards if c.duplicate_of)
    return result
