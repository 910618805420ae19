"""Card Markdown -> HTML: Python-Markdown + pymdown-extensions, then the sanitiser.

- math: `$…$` / `$$…$$` reach Anki as `\\(…\\)` / `\\[…\\]` (arithmatex, generic mode)
- code: fenced blocks highlighted by Pygments into CSS classes (see code.py)
- diagrams: fences named in `diagram_fences` are handed to a renderer callback
- images: `media/…` references are rewritten to their packaged names (see media.py)
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .code import CSS_CLASS, DIAGRAM_LANGS, known_language
from .media import MediaError, MediaStore
from .sanitize import sanitize

FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w+#.-]*)")

# A diagram renderer: (language, source) -> HTML; raises ValueError with the renderer's message.
DiagramRenderer = Callable[[str, str], str]


@dataclass(frozen=True)
class Fence:
    lang: str
    offset: int  # 0-based line within the text
    source: str


def fences(text: str) -> list[Fence]:
    """The fenced blocks of a Markdown text, with their languages and line offsets."""
    out: list[Fence] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        marker, lang, start = m.group(2), m.group(3).lower(), i
        body = []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(marker):
            body.append(lines[i])
            i += 1
        out.append(Fence(lang, start, "\n".join(body)))
        i += 1
    return out


def check_fence_languages(text: str) -> list[tuple[int, str]]:
    """(line offset, message) for fences whose language nobody can render."""
    return [
        (f.offset, f"unknown fence language {f.lang!r} (a Pygments lexer name, or one of {', '.join(DIAGRAM_LANGS)})")
        for f in fences(text)
        if f.lang not in DIAGRAM_LANGS and not known_language(f.lang)
    ]


class _Images(Treeprocessor):
    def __init__(self, md: markdown.Markdown, renderer: Renderer):
        super().__init__(md)
        self.renderer = renderer

    def run(self, root: ET.Element) -> None:
        for img in root.iter("img"):
            src = img.get("src", "")
            try:
                img.set("src", self.renderer.media.resolve(src))
            except MediaError as exc:
                self.renderer.errors.append((src, str(exc)))
                img.set("src", "")


class _ImageExtension(Extension):
    def __init__(self, renderer: Renderer):
        super().__init__()
        self.renderer = renderer

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.treeprocessors.register(_Images(md, self.renderer), "mldeck-images", 1)


class RenderError(ValueError):
    """Rendering failed; `problems` holds (line offset, message) pairs."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        super().__init__("; ".join(m for _, m in problems))


class Renderer:
    """One reusable Markdown pipeline (building it is the slow part)."""

    def __init__(self, media: MediaStore, diagram: DiagramRenderer | None = None):
        self.media = media
        self.diagram = diagram
        self.errors: list[tuple[str, str]] = []
        self._diagram_errors: list[tuple[str, str]] = []
        custom = [{"name": lang, "class": "diagram", "format": self._fence_format} for lang in DIAGRAM_LANGS]
        self.md = markdown.Markdown(
            extensions=["pymdownx.superfences", "pymdownx.arithmatex", "pymdownx.highlight", "tables", "sane_lists",
                        "pymdownx.tilde", "def_list", _ImageExtension(self)],
            extension_configs={
                "pymdownx.arithmatex": {"generic": True, "smart_dollar": True},
                "pymdownx.highlight": {"use_pygments": True, "css_class": CSS_CLASS, "guess_lang": False},
                "pymdownx.superfences": {"custom_fences": custom},
                "tables": {"use_align_attribute": True},
            },
            output_format="html",
        )  # fmt: skip

    def _fence_format(self, source: str, language: str, *_args, **_kwargs) -> str:
        if self.diagram is None:
            self._diagram_errors.append((source, f"{language} diagrams cannot be rendered in this build"))
            return ""
        try:
            return self.diagram(language, source)
        except ValueError as exc:
            self._diagram_errors.append((source, f"{language} diagram: {exc}"))
            return ""

    def render(self, text: str) -> str:
        """Markdown -> sanitised HTML, or RenderError with line offsets within `text`."""
        problems = check_fence_languages(text)
        if problems:
            raise RenderError(problems)
        self.errors, self._diagram_errors = [], []
        html = self.md.reset().convert(text)
        if self.errors or self._diagram_errors:
            raise RenderError(
                [(_line_of(text, src), msg) for src, msg in self.errors]
                + [(_fence_line(text, src), msg) for src, msg in self._diagram_errors]
            )
        return sanitize(html)


def _line_of(text: str, needle: str) -> int:
    for i, line in enumerate(text.split("\n")):
        if needle and needle in line:
            return i
    return 0


def _fence_line(text: str, source: str) -> int:
    for f in fences(text):
        if f.source.strip() == source.strip():
            return f.offset
    return 0
