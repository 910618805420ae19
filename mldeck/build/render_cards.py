"""Render the Markdown of cards, with a cache keyed by the text and the renderer's version.

Errors come back as DeckError problems at the card file's own line numbers.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from ..cards import Card
from ..errors import DeckError, Problem
from ..fsio import write_atomic
from ..render.markdown import DiagramRenderer, Renderer, RenderError
from ..render.media import MediaError, MediaStore


class CardRenderer:
    """`render(markdown, card, section)` -> sanitised HTML, cached under build/cache/render/."""

    def __init__(self, media: MediaStore, cache_dir: Path | None, version: str, diagram: DiagramRenderer | None = None):
        self.media = media
        self.cache_dir = cache_dir
        self.version = version
        self.diagram = diagram
        self._renderer: Renderer | None = None
        self.problems: list[Problem] = []
        self.hits = 0
        self.misses = 0

    @property
    def renderer(self) -> Renderer:
        if self._renderer is None:  # building Markdown is the slow part: only when a cache miss needs it
            self._renderer = Renderer(self.media, self.diagram)
        return self._renderer

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.version}\0{text}".encode()).hexdigest()

    def _cached(self, key: str) -> str | None:
        if self.cache_dir is None:
            return None
        path = self.cache_dir / key[:2] / f"{key}.json"
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            for src, name in entry["media"].items():
                if self.media.resolve(src) != name:
                    return None
            for name in entry["generated"]:
                self.media.files[name] = (self.cache_dir / "media" / name).read_bytes()
            return entry["html"]
        except (OSError, ValueError, KeyError, MediaError):
            return None

    def __call__(self, text: str, card: Card, section: str) -> str:
        key = self._key(text)
        if (cached := self._cached(key)) is not None:
            self.hits += 1
            return cached
        self.misses += 1
        before = set(self.media.files)
        try:
            html = self.renderer.render(text)
        except RenderError as exc:
            base = card.line_of(f"{section}:body") if section != "question" else card.line_of("question")
            for offset, message in exc.problems:
                self.problems.append(Problem(card.path or card.id, base + offset, message))
            return ""
        if self.cache_dir is not None:
            used = {src: self.media.resolve(src) for src in _image_sources(text)}
            generated = sorted(n for n in set(self.media.files) - before if n not in used.values())
            for name in generated:
                if not (self.cache_dir / "media" / name).is_file():
                    write_atomic(self.cache_dir / "media" / name, self.media.files[name])
            entry = {"html": html, "media": used, "generated": generated}
            path = self.cache_dir / key[:2] / f"{key}.json"
            write_atomic(path, json.dumps(entry, sort_keys=True))
        return html

    def raise_problems(self) -> None:
        if self.problems:
            raise DeckError(self.problems)


def _image_sources(text: str) -> list[str]:
    return re.findall(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)", text)
