"""Render the Markdown of every card: cached, fast for plain text, parallel when there is a lot.

- Cache: `build/cache/render.sqlite` (render_cache.py), keyed by (render code version, text).
- Plain one-paragraph text (most questions) skips Markdown: escaped and wrapped in <p>.
- Many cache misses are rendered by worker processes (one Markdown pipeline each).
Errors come back as DeckError problems at the card file's own line numbers.
"""

from __future__ import annotations

import hashlib
import html
import multiprocessing
import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

from ..diagram_kinds import DIAGRAMS
from ..entries import Entry
from ..errors import DeckError, Problem
from ..render.markdown import DiagramRenderer, Renderer, RenderError
from ..render.media import MediaError, MediaStore
from .progress import Progress
from .render_cache import RenderCache, Rendered

PLAIN = re.compile(r"^[^\n*_`$\\<>&\[\]!#|~=+{}]*$")  # nothing Markdown or HTML would touch
LIST_START = re.compile(r"^\s*(\d+[.)]|[-+*])\s")
PARALLEL_FROM = 400  # below this many misses, worker start-up costs more than it saves


def plain_html(text: str) -> str | None:
    """HTML for one paragraph of plain text, or None when Markdown is needed."""
    t = text.strip()
    if not t or not PLAIN.match(t) or LIST_START.match(t) or "  " in t or t.startswith("    "):
        return None
    return f"<p>{html.escape(t, quote=False)}</p>"


RENDER_LIBRARIES = ("markdown", "pymdown-extensions", "pygments", "nh3", *(k.library for k in DIAGRAMS.values()))


def render_version() -> str:
    """What the HTML of a text depends on besides the text: our render code and its libraries.

    Part of every cache key, so editing mldeck/render/ or upgrading a library re-renders."""
    from importlib import metadata

    h = hashlib.sha256()
    pkg = Path(__file__).resolve().parents[1]  # render/ and what its sanitiser imports
    for path in sorted(pkg.glob("render/*.py")) + [
        pkg / "ankimarkup.py",
        pkg / "tex" / "hostile.py",
        pkg / "imagecheck.py",
    ]:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    for dist in RENDER_LIBRARIES:
        try:
            h.update(f"{dist}={metadata.version(dist)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=none;".encode())
    return h.hexdigest()[:20]


def make_diagram_renderer(cache_dir: Path, enabled: bool, media: MediaStore) -> DiagramRenderer | None:
    """The diagram renderer (mermaid, vega-lite), if enabled and installed."""
    if not enabled:
        return None
    try:
        from ..render.diagrams import DiagramCache
    except ModuleNotFoundError:
        return None
    return DiagramCache(cache_dir, media)


def _image_sources(text: str) -> list[str]:
    return re.findall(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)", text)


def _render_one(renderer: Renderer, text: str) -> Rendered:
    media = renderer.media
    try:
        out = Rendered(renderer.render(text))
    except RenderError as exc:
        return Rendered(problems=list(exc.problems))
    for src in _image_sources(text):
        try:
            out.used[src] = media.resolve(src)
        except MediaError:
            pass
    # the packaged files this HTML shows that are not media/ references: generated (diagrams);
    # read from the HTML, not from what is new in the store, since two texts may share one
    shown = set(re.findall(r'src="(mldeck-[0-9a-f]+\.\w+)"', out.html))
    out.generated = {n: media.files[n] for n in sorted(shown - set(out.used.values())) if n in media.files}
    return out


def no_diagrams(_media: MediaStore) -> None:
    """A diagram factory for renderers that draw none (a module-level function: workers are
    spawned, so what they are given must pickle)."""
    return None


_WORKER: Renderer | None = None


def _worker_init(root: Path, diagram_factory: Callable[[MediaStore], DiagramRenderer | None]) -> None:
    global _WORKER
    media = MediaStore(root)
    _WORKER = Renderer(media, diagram_factory(media))


def _worker_render(text: str) -> Rendered:
    assert _WORKER is not None
    return _render_one(_WORKER, text)


class CardRenderer:
    """`render(markdown, card, section)` -> sanitised HTML; `prefetch` renders many at once."""

    def __init__(
        self,
        root: Path,
        media: MediaStore,
        cache_path: Path | None,
        version: str,
        diagram_factory: Callable[[MediaStore], DiagramRenderer | None] = no_diagrams,
        quiet: bool = True,
    ):
        self.root = root
        self.media = media
        self.cache = RenderCache(cache_path, version)
        self.diagram_factory = diagram_factory
        self.quiet = quiet
        self._renderer: Renderer | None = None
        self.results: dict[str, Rendered] = {}
        self.problems: list[Problem] = []
        self.hits = 0
        self.misses = 0

    @property
    def renderer(self) -> Renderer:
        if self._renderer is None:  # building Markdown is the slow part: only when a miss needs it
            self._renderer = Renderer(self.media, self.diagram_factory(self.media))
        return self._renderer

    def _accept(self, result: Rendered) -> bool:
        """Adopt a cached result if its media still match what is on disk."""
        for src, name in result.used.items():
            try:
                if self.media.resolve(src) != name:
                    return False
            except MediaError:
                return False
        self.media.files.update(result.generated)
        return True

    def prefetch(self, texts: list[str]) -> None:
        """Render every text not yet known: from cache, fast path, or Markdown (parallel if many)."""
        misses: list[str] = []
        todo: list[str] = []
        for text in dict.fromkeys(texts):
            if text in self.results:
                continue
            if (fast := plain_html(text)) is not None:
                self.results[text] = Rendered(fast)
            else:
                todo.append(text)
        keys = {text: self.cache.key(text) for text in todo}
        cached = self.cache.get_many(list(keys.values()))
        for text in todo:
            hit = cached.get(keys[text])
            if hit is not None and self._accept(hit):
                self.results[text] = hit
                self.hits += 1
            else:
                misses.append(text)
        self.misses += len(misses)
        progress = Progress(len(misses), quiet=self.quiet)
        for text, result in zip(misses, self._render_all(misses), strict=True):
            progress.step(text.split("\n", 1)[0])
            self.media.files.update(result.generated)
            for src in result.used:
                self.media.resolve(src)
            self.results[text] = result
            self.cache.put(keys.get(text) or self.cache.key(text), result)
        progress.done()
        self.cache.flush()

    def _render_all(self, misses: list[str]) -> Iterator[Rendered]:
        """Results in the order of `misses`: worker processes when there are many, else here."""
        workers = min(os.cpu_count() or 1, 4)
        if len(misses) >= PARALLEL_FROM and workers > 1:
            # "spawn", not fork: the diagram engines (QuickJS, Deno) run threads, and a forked child
            # of a process with threads can deadlock on a lock one of them held.
            with ProcessPoolExecutor(
                workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_worker_init,
                initargs=(self.root, self.diagram_factory),
            ) as ex:
                yield from ex.map(_worker_render, misses, chunksize=max(1, len(misses) // (workers * 8)))
        else:
            for text in misses:
                yield _render_one(self.renderer, text)

    def __call__(self, text: str, card: Entry, section: str) -> str:
        if text not in self.results:
            self.prefetch([text])
        result = self.results[text]
        if result.problems:
            for offset, message in result.problems:
                self.problems.append(Problem(card.path or card.id, card.body_line(section, offset), message))
        return result.html

    def raise_problems(self) -> None:
        if self.problems:
            raise DeckError(self.problems)

    def close(self) -> None:
        self.cache.close()


def card_renderer(root: Path, media: MediaStore, diagrams: bool = True, quiet: bool = True) -> CardRenderer:
    """The renderer the build and lint share: caches under build/cache/ of `root`."""
    cache = root / "build" / "cache"
    factory = partial(make_diagram_renderer, cache / "diagrams", diagrams)
    return CardRenderer(root, media, cache / "render.sqlite", render_version(), factory, quiet)
