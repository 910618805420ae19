"""Diagram render times for `make bench`: every ```mermaid / ```vega-lite fence in cards/, both themes.

`run()` returns (label, seconds) rows: a cold render into an empty cache (including each
engine's start-up: QuickJS for mermaid, Deno for vega-lite) and a warm pass that finds every
picture in the cache. `python -m tests.bench_diagrams` prints them.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from mldeck import fences
from mldeck.render.code import DIAGRAM_LANGS
from mldeck.render.diagrams import THEMES, DiagramCache
from mldeck.render.media import MediaStore
from tests.helpers import ROOT


def card_diagrams(cards: Path = ROOT / "cards") -> list[tuple[str, str]]:
    """(language, source) of every diagram fence in the card files."""
    return [
        (f.lang, f.body)
        for path in sorted(cards.glob("*/*.md"))
        for f in fences.scan(path.read_text(encoding="utf-8"))
        if f.lang in DIAGRAM_LANGS
    ]


def _render_all(cache: DiagramCache, items: list[tuple[str, str]]) -> float:
    start = time.perf_counter()
    for lang, source in items:
        for theme in THEMES:
            cache.svg(lang, source, theme)
    return time.perf_counter() - start


def run() -> list[tuple[str, float]]:
    items = card_diagrams()
    n = len(items) * len(THEMES)
    by_lang = {lang: [i for i in items if i[0] == lang] for lang in DIAGRAM_LANGS}
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="mldeck-bench-diagrams-") as tmp:
        cache_dir = Path(tmp) / "diagrams"
        media = MediaStore(Path(tmp))
        for lang, group in by_lang.items():
            cold = _render_all(DiagramCache(cache_dir, media), group)
            rows.append((f"{lang}: cold, {len(group) * len(THEMES)} pictures (engine start-up included)", cold))
        cache = DiagramCache(cache_dir, media)
        warm = _render_all(cache, items)
        assert cache.rendered == 0, "the warm pass rendered something"
        rows.append((f"all: warm, {n} pictures from the cache", warm))
        again = DiagramCache(None, media)
        rows.append((f"all: re-render without cache, {n} pictures (engines started)", _render_all(again, items)))
    return rows


if __name__ == "__main__":
    for label, seconds in run():
        print(f"{label:<64} {seconds:.3f} s")
