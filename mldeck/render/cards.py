"""The render stage: Markdown texts -> `Rendered` values (sanitised HTML plus the media it shows).

- Values, not a store: each result carries the bytes of every file its HTML shows, so whoever
  keeps a note keeps exactly its pictures, and a filtered deck carries no one else's.
- Cache: `texts.sqlite` in the cache folder (cache.py), keyed by (render code version, text).
- Plain one-paragraph text (most questions) skips Markdown: escaped and wrapped in <p>.
- Many cache misses are rendered by worker processes (one Markdown pipeline each), on every core.
Problems come back as (line offset, message) pairs; `problems_at` puts them at file lines.
"""

from __future__ import annotations

import functools
import hashlib
import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..diagram_kinds import DIAGRAMS
from ..entries import Entry
from ..errors import Problem
from ..localcache import cache_dir, within
from ..workers import Workers
from .cache import RenderCache, Rendered
from .markdown import DiagramRenderer, Renderer, RenderError
from .media import MediaError, MediaStore
from .progress import Progress

PLAIN = re.compile(r"^[^\n*_`$\\<>&\[\]!#|~=+{}]*$")  # nothing Markdown or HTML would touch
LIST_START = re.compile(r"^\s*(\d+[.)]|[-+*])\s")
FLUSH_EVERY = 500  # rendered texts written to the cache at a time
SHOWN = re.compile(r'\ssrc="(mldeck-[0-9a-f]{20}\.\w+)"')


def plain_html(text: str) -> str | None:
    """HTML for one paragraph of plain text, or None when Markdown is needed."""
    t = text.strip()
    if not t or not PLAIN.match(t) or LIST_START.match(t) or "  " in t or t.startswith("    "):
        return None
    return f"<p>{html.escape(t, quote=False)}</p>"


# The package's modules outside render/ that shape a text's HTML (tests/test_render_cache.py
# checks that every module render/ imports is here or cannot change HTML).
RENDER_CODE = ("ankimarkup.py", "fences.py", "diagram_kinds.py", "tex/hostile.py", "imagecheck.py")
RENDER_LIBRARIES = ("markdown", "pymdown-extensions", "pygments", "nh3", *(k.library for k in DIAGRAMS.values()))


@functools.cache
def render_version() -> str:
    """What the HTML of a text depends on besides the text: our render code and its libraries.

    Part of every cache key, so editing mldeck/render/ or upgrading a library re-renders. Read
    once a process (the note cache and the text cache both ask)."""
    from importlib import metadata

    h = hashlib.sha256()
    pkg = Path(__file__).resolve().parents[1]
    for path in sorted(pkg.glob("render/*.py")) + [pkg / name for name in RENDER_CODE]:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    for dist in RENDER_LIBRARIES:
        try:
            h.update(f"{dist}={metadata.version(dist)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=none;".encode())
    return h.hexdigest()[:20]


def make_diagram_renderer(cache: Path | None, enabled: bool, media: MediaStore) -> DiagramRenderer | None:
    """The diagram renderer (mermaid, vega-lite), if enabled and installed."""
    if not enabled:
        return None
    try:
        from .diagrams import DiagramCache
    except ModuleNotFoundError:
        return None
    return DiagramCache(cache / "diagrams" if cache is not None else None, media)


def _image_sources(text: str) -> list[str]:
    return re.findall(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)", text)


def render_one(renderer: Renderer, text: str) -> Rendered:
    """One text through one Markdown pipeline, as a value."""
    try:
        out = renderer.render(text)
    except RenderError as exc:
        return Rendered(problems=tuple(exc.problems))
    store = renderer.media
    used = {}
    for src in _image_sources(text):
        try:
            used[src] = store.resolve(src)
        except MediaError:
            pass
    media = {n: store.files[n] for n in sorted(set(SHOWN.findall(out))) if n in store.files}
    return Rendered(out, media, used)


_WORKER_RENDERERS: dict[tuple[Path, Path | None, bool], Renderer] = {}


def _worker_render(task: tuple[Path, Path | None, bool, str]) -> Rendered:
    """One text rendered in a worker process; its pipeline built on the first text it gets."""
    root, cache, diagrams, text = task
    renderer = _WORKER_RENDERERS.get((root, cache, diagrams))
    if renderer is None:
        media = MediaStore(root)
        renderer = _WORKER_RENDERERS[root, cache, diagrams] = Renderer(
            media, make_diagram_renderer(cache, diagrams, media)
        )
    return render_one(renderer, text)


class TextRenderer:
    """Texts -> Rendered values: from the cache, the plain-text shortcut, or Markdown.

    Owns its cache and its Markdown pipeline; callers get values back and share nothing with it."""

    def __init__(self, root: Path, cache: Path | None, diagrams: bool = True, quiet: bool = True,
                 workers: Workers | None = None):  # fmt: skip
        self.root = root
        self.workers = workers
        self.cache_folder = cache
        self.diagrams = diagrams
        self.quiet = quiet
        self.cache = RenderCache(cache, render_version())
        self.media = MediaStore(root)  # resolves media/ references of cached results
        self._renderer: Renderer | None = None
        self._started: tuple[list[str], Iterator[Rendered]] | None = None  # begun by `start`
        self.hits = 0
        self.misses = 0

    @property
    def renderer(self) -> Renderer:
        if self._renderer is None:  # building Markdown is the slow part: only when a miss needs it
            diagrams = make_diagram_renderer(self.cache_folder, self.diagrams, self.media)
            self._renderer = Renderer(self.media, diagrams, self.cache)  # code blocks kept in the text cache
        return self._renderer

    def _media_files(self, used: dict[str, str]) -> dict[str, bytes] | None:
        """The bytes of the `media/` files a render used (reference -> name), read again; None
        when a reference now resolves to another file or to none."""
        media: dict[str, bytes] = {}
        for src, name in used.items():
            try:
                if self.media.resolve(src) != name:
                    return None
            except MediaError:
                return None
            media[name] = self.media.files[name]
        return media

    def _from_cache(self, html_text: str, used: dict[str, str], generated: dict[str, bytes]) -> Rendered | None:
        """A cached result, if the media/ files it used still have the bytes it was made with."""
        files = self._media_files(used)
        if files is None:
            return None
        media = dict(generated) | files
        shown = set(SHOWN.findall(html_text))
        if not shown <= set(media):
            return None
        return Rendered(html_text, {n: media[n] for n in sorted(shown)}, used)

    def pictures(self, used: dict[str, str], names: tuple[str, ...]) -> dict[str, bytes] | None:
        """The bytes of the packaged files `names` that an earlier render made: `media/` files
        (`used`: reference -> name) read again, diagrams from the cache; None if any changed."""
        media = self._media_files(used)
        if media is None:
            return None
        generated = self.cache.generated([n for n in names if n not in media])
        if generated is None:
            return None
        return {n: (media | generated)[n] for n in names}

    def start(self, texts: Iterable[str]) -> None:
        """Begin rendering `texts` in the workers now, when there are enough of them: a cold build
        calls this as soon as the card files are parsed, so the workers render while the build
        validates; `render_stream` then takes these results (any it is not asked for are cached)."""
        misses = self._misses(list(dict.fromkeys(texts)))[2]
        if self.workers is not None and self.workers.worth_it(len(misses)):
            self._started = (misses, self.workers.map(_worker_render, [self._task(t) for t in misses]))

    def _task(self, text: str) -> tuple[Path, Path | None, bool, str]:
        return (self.root, self.cache_folder, self.diagrams, text)

    def _misses(self, texts: list[str]) -> tuple[dict[str, Rendered], dict[str, str], list[str]]:
        """(plain or cached results, cache keys of the rest, the rest: texts to render)."""
        done: dict[str, Rendered] = {}
        todo: list[str] = []
        for text in texts:
            if (fast := plain_html(text)) is not None:
                done[text] = Rendered(fast)
            else:
                todo.append(text)
        keys = {text: self.cache.key(text) for text in todo}
        cached = self.cache.get_many(list(keys.values()))
        misses = []
        for text in todo:
            hit = cached.get(keys[text])
            value = self._from_cache(hit.html, hit.used, hit.generated) if hit is not None else None
            if value is None:
                misses.append(text)
            else:
                done[text] = value
        return done, keys, misses

    def render_many(self, texts: Iterable[str]) -> dict[str, Rendered]:
        """Every distinct text, rendered."""
        return dict(self.render_stream(texts))

    def render_stream(self, texts: Iterable[str]) -> Iterator[tuple[str, Rendered]]:
        """(text, result) for every distinct text, as each is ready: plain and cached ones first,
        then the rendered ones as the workers finish them, so a caller can use a result while
        the others are still being made. The cache is written as the results come."""
        done, keys, misses = self._misses(list(dict.fromkeys(texts)))
        yield from done.items()
        self.hits += len(keys) - len(misses)
        self.misses += len(misses)
        progress = Progress(len(misses), quiet=self.quiet)
        wanted = set(misses)
        for text, result in self._rendered(misses):
            self.cache.put(keys.get(text) or self.cache.key(text), result)
            if len(self.cache.new) >= FLUSH_EVERY:
                self.cache.flush()  # while the workers render on, not all at the end
            if text in wanted:
                progress.step(text.split("\n", 1)[0])
                yield text, result
        progress.done()
        self.cache.flush()

    def _rendered(self, misses: list[str]) -> Iterator[tuple[str, Rendered]]:
        """(text, result) for `misses`: those `start` began first, as they come (and any it began
        that are not asked for, to be cached), then the others."""
        started, self._started = self._started, None
        rest = misses
        if started is not None:
            early, results = started
            yield from zip(early, results, strict=True)
            begun = set(early)
            rest = [t for t in misses if t not in begun]
        yield from zip(rest, self._render_all(rest), strict=True)

    def _render_all(self, misses: list[str]) -> Iterator[Rendered]:
        """Results in the order of `misses`: worker processes on every core when there are many
        (the build's, when it gave its own: mldeck/workers.py)."""
        workers = self.workers or Workers()
        try:
            if not workers.worth_it(len(misses)):
                for text in misses:
                    yield render_one(self.renderer, text)
                return
            yield from workers.map(_worker_render, [self._task(t) for t in misses])
        finally:
            if workers is not self.workers:
                workers.close()

    def close(self) -> None:
        self.cache.close()


def problems_at(result: Rendered, entry: Entry, section: str) -> list[Problem]:
    """A result's problems at the lines of the entry's file."""
    return [Problem(entry.path or entry.id, entry.body_line(section, off), msg) for off, msg in result.problems]


def text_renderer(
    root: Path, diagrams: bool = True, quiet: bool = True, workers: Workers | None = None
) -> TextRenderer:
    """The renderer the build, lint and preview share: its cache in the checkout's cache folder."""
    return TextRenderer(root, cache_dir(root), diagrams, quiet, workers)


@dataclass(frozen=True)
class RenderRun:
    """The results of one render run (text -> Rendered), and how many were rendered or cached."""

    results: dict[str, Rendered]
    rendered: int
    cached: int

    def __getitem__(self, text: str) -> Rendered:
        return self.results[text]


def render_texts(root: Path, texts: Iterable[str], diagrams: bool = True, quiet: bool = True) -> RenderRun:
    """Render `texts` of the project at `root`: the values and how many came from the cache."""
    renderer = text_renderer(root, diagrams, quiet)
    try:
        results = renderer.render_many(texts)
    finally:
        renderer.close()
    return RenderRun(results, renderer.misses, renderer.hits)


def media_folder_problems(root: Path) -> list[Problem]:
    """`media/` must be a folder of this checkout: a symlink out of it would let a card show any
    image file on the building machine."""
    media = root / "media"
    if (media.is_symlink() or media.exists()) and not within(root, media):
        return [Problem(media, 1, "media/ leads outside the checkout (a symlink): keep images in the repository")]
    return []
