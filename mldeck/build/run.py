"""`build`: cards/ -> dist/<deck>.apkg. Validates everything before writing anything."""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..entries import Entry, entry_files, read_entries
from ..errors import DeckError, Problem
from ..fsio import write_atomic
from ..notetype.model import ROOT_DECK, deck_ids, make_model, template_paths
from ..render.media import MediaStore
from ..sections import KEYS
from ..sources import Source, load_sources
from ..taxonomy import DIFFICULTIES
from ..tex.check import check_entries
from ..validate import validate
from .gitmeta import FileTimes
from .notes import Filters, NoteSpec, build_note
from .render_cards import card_renderer

DECK_FILE = "ml-interview-questions.apkg"
PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the checkout that holds the mldeck package
CODE_FOLDERS = ("mldeck/render", "mldeck/build")  # code that shapes note fields: bumps every note's mod


@dataclass(frozen=True)
class BuildOptions:
    split: str = "difficulty"
    filters: Filters = Filters()
    out: Path | None = None
    quiet: bool = False
    force: bool = False
    diagrams: bool = True


@dataclass
class BuildResult:
    out: Path
    notes: list[NoteSpec] = field(default_factory=list)
    skipped: list[Entry] = field(default_factory=list)
    media: dict[str, bytes] = field(default_factory=dict)
    up_to_date: bool = False
    rendered: int = 0
    cached: int = 0


def _inputs_key(root: Path, opts: BuildOptions, times: FileTimes, code_times: FileTimes) -> str:
    """A hash of everything the deck depends on: when it matches the last build, skip."""
    h = hashlib.sha256(f"{__version__}|{opts.split}|{sorted(opts.filters.sources)}|{sorted(opts.filters.difficulties)}"
                       f"|{sorted(opts.filters.tags)}|{opts.diagrams}".encode())  # fmt: skip
    paths = [(root, times, p) for p in entry_files(root / "cards")]
    for folder in ("media", "sources"):
        paths += [(root, times, p) for p in sorted((root / folder).rglob("*")) if p.is_file()]
    code = sorted(p for p in (PACKAGE_ROOT / "mldeck").rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    paths += [(PACKAGE_ROOT, code_times, p) for p in code]
    for base, t, p in paths:
        rel = p.relative_to(base).as_posix()
        h.update(f"{rel}|{t.time_of(rel)}|".encode("utf-8", "surrogateescape"))  # a non-UTF-8 file name
        h.update(hashlib.sha256(p.read_bytes()).digest())
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


def _code_times(root: Path, times: FileTimes) -> FileTimes:
    """Change times of the mldeck package's own files (the project may live elsewhere)."""
    return times if root == PACKAGE_ROOT else FileTimes(PACKAGE_ROOT)


def prepare_notes(
    root: Path, opts: BuildOptions, code_times: FileTimes | None = None, times: FileTimes | None = None
) -> Prepared:
    """Read, validate and render every card; group duplicates; apply filters. Raises DeckError."""
    times = times or FileTimes(root)
    code_times = code_times or _code_times(root, times)
    sources = load_sources(root / "sources")
    cards = read_entries(root / "cards")
    groups, problems = validate(cards, sources)
    problems += check_entries(cards).problems  # broken or hostile TeX (mldeck/tex/)
    if problems:
        raise DeckError(problems)
    media = MediaStore(root)
    render = card_renderer(root, media, opts.diagrams, opts.quiet)
    render.prefetch([t for c in cards for key in KEYS if (t := c.text(key))])
    code_time = max(code_times.latest_under(f) for f in CODE_FOLDERS)
    notes: list[NoteSpec] = []
    skipped: list[Entry] = []
    for target_id in sorted(groups):
        group = groups[target_id]
        if group[0].answer_origin == "missing":
            skipped.append(group[0])
            continue
        mod = max([code_time] + [times.time_of(c.path.relative_to(root).as_posix()) for c in group if c.path])
        notes.append(build_note(group, sources, render, opts.split, mod))
    render.close()
    render.raise_problems()
    check_filters(opts.filters, sources, notes)
    notes = [n for n in notes if opts.filters.keep(n)]
    used = {name for n in notes for name in n.media}
    return Prepared(notes, skipped, {k: v for k, v in media.files.items() if k in used}, sources, cards,
                    render.misses, render.hits)  # fmt: skip


def build_deck(root: Path, opts: BuildOptions) -> BuildResult:
    out = opts.out or default_output(root, opts.filters)
    result = BuildResult(out)
    times = FileTimes(root)
    code_times = _code_times(root, times)
    key = _inputs_key(root, opts, times, code_times)
    stamp = root / "build" / "stamps" / (out.name + ".json")
    if not opts.force and out.is_file() and stamp.is_file():
        saved = json.loads(stamp.read_text(encoding="utf-8"))
        if saved.get("key") == key and saved.get("sha256") == hashlib.sha256(out.read_bytes()).hexdigest():
            result.up_to_date = True
            return result

    prepared = prepare_notes(root, opts, code_times, times)
    if not prepared.notes:
        raise NoNotesMatch(opts.filters)
    model_mod = code_times.latest(template_paths())
    descriptions = {ROOT_DECK: deck_description(prepared.sources)}
    from .apkg import write_apkg

    write_apkg(
        out, make_model(), deck_ids(prepared.sources.values()), descriptions, prepared.notes, prepared.media, model_mod
    )
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    write_atomic(stamp, json.dumps({"key": key, "sha256": digest}))
    result.notes, result.media, result.skipped = prepared.notes, prepared.media, prepared.skipped
    result.rendered, result.cached = prepared.rendered, prepared.cached
    return result
