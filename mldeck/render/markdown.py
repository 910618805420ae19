"""Entry Markdown -> HTML: Python-Markdown + pymdown-extensions, then the sanitiser.

- math: `$…$` / `$$…$$` reach Anki as `\\(…\\)` / `\\[…\\]` (arithmatex, generic mode)
- code: fenced blocks highlighted by Pygments into CSS classes (see code.py)
- diagrams: ```mermaid / ```vega-lite fences go to a renderer callback with their caption, the
  paragraph starting `Figure:` right after the fence (see docs/diagrams.md)
- images: `media/…` references are rewritten to their packaged names (see media.py)
"""

from __future__ import annotations

import html as html_lib
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Protocol

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .. import fences
from .code import CSS_CLASS, DIAGRAM_LANGS, highlight_block, known_language
from .guard import flood_problem
from .media import MediaError, MediaStore
from .sanitize import sanitize

CAPTION = re.compile(r"^\s*Figure:\s*")

# A diagram renderer: (language, source, caption) -> HTML; raises ValueError with the renderer's message.
DiagramRenderer = Callable[[str, str, str], str]


def take_captions(text: str) -> tuple[str, dict[str, list[str]]]:
    """Lift the `Figure: …` paragraph that follows each diagram fence out of `text`.

    Returns the text with those lines blanked (line numbers stay put) and the captions, in
    document order, keyed by the fence's normalised source.
    """
    lines = text.split("\n")
    captions: dict[str, list[str]] = {}
    starts = {f.start for f in fences.scan(text)}
    for f in fences.scan(text):
        if f.lang not in DIAGRAM_LANGS or not f.closed:
            continue
        i = f.end + 1
        while i < len(lines) and not lines[i].strip() and i < f.end + 2:  # one blank line at most
            i += 1
        caption: list[str] = []
        if i < len(lines) and CAPTION.match(lines[i]):
            caption.append(CAPTION.sub("", lines[i]))
            lines[i] = ""
            i += 1
            while i < len(lines) and lines[i].strip() and i not in starts:
                caption.append(lines[i].strip())
                lines[i] = ""
                i += 1
        captions.setdefault(_norm(f.body), []).append(" ".join(" ".join(caption).split()))
    return "\n".join(lines), captions


def _norm(source: str) -> str:
    return "\n".join(line.strip() for line in source.strip().split("\n"))


def check_fence_languages(text: str) -> list[tuple[int, str]]:
    """(line offset, message) for fences whose language nobody can render."""
    return [
        (f.start, f"unknown fence language {f.lang!r} (a Pygments lexer name, or one of {', '.join(DIAGRAM_LANGS)})")
        for f in fences.scan(text)
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


class CodeBlocks(Protocol):
    """Highlighted code blocks kept between builds (render/cache.py RenderCache)."""

    def block(self, language: str, source: str) -> str | None: ...
    def put_block(self, language: str, source: str, html: str) -> None: ...


class RenderError(ValueError):
    """Rendering failed; `problems` holds (line offset, message) pairs."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        super().__init__("; ".join(m for _, m in problems))


class Renderer:
    """One reusable Markdown pipeline (building it is the slow part)."""

    def __init__(self, media: MediaStore, diagram: DiagramRenderer | None = None, blocks: CodeBlocks | None = None):
        self.media = media
        self.diagram = diagram
        self.blocks = blocks
        self.errors: list[tuple[str, str]] = []
        self._diagram_errors: list[tuple[str, str]] = []
        self._captions: dict[str, list[str]] = {}
        custom = [{"name": "*", "class": CSS_CLASS, "format": self._code_format}]
        custom += [{"name": lang, "class": "diagram", "format": self._fence_format} for lang in DIAGRAM_LANGS]
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

    def _code_format(self, source: str, language: str, *_args, **_kwargs) -> str:
        """Superfences' formatter for every code fence: Pygments with a lexer and formatter
        built once, or the HTML of the same block from an earlier build."""
        if self.blocks is None:
            return highlight_block(source, language)
        html = self.blocks.block(language, source)
        if html is None:
            html = highlight_block(source, language)
            self.blocks.put_block(language, source, html)
        return html

    def _fence_format(self, source: str, language: str, *_args, **_kwargs) -> str:
        if self.diagram is None:
            self._diagram_errors.append((source, f"{language} diagrams cannot be rendered in this build"))
            return ""
        queue = self._captions.get(_norm(source), [])
        caption = queue.pop(0) if queue else ""
        try:
            return self.diagram(language, source, caption)
        except ValueError as exc:
            self._diagram_errors.append((source, f"{language} diagram: {exc}"))
            return ""

    def render(self, text: str) -> str:
        """Markdown -> sanitised HTML, or RenderError with line offsets within `text`.

        Test-only fences (```python test) are left out: they prove the code runs, in `make test`."""
        text = fences.without_test_blocks(text)
        problems = check_fence_languages(text)
        if problems:
            raise RenderError(problems)
        if problem := flood_problem(text):
            raise RenderError([problem])
        self.errors, self._diagram_errors = [], []
        body, self._captions = take_captions(text)
        try:
            html = self.md.reset().convert(body)
        except RecursionError:
            raise RenderError(
                [(0, "Markdown nests too deeply to render (lists or definitions inside each other)")]
            ) from None
        if self.errors or self._diagram_errors:
            raise RenderError(
                [(_line_of(text, src), msg) for src, msg in self.errors]
                + [(_fence_line(text, src), msg) for src, msg in self._diagram_errors]
            )
        return fold_figures(sanitize(html))


FIGURE = re.compile(r'<figure class="mld-diagram">.*?<figcaption>(.*?)</figcaption></figure>', re.S)
SUMMARY_CHARS = 60


def fold_figures(html: str) -> str:
    """Each diagram behind a closed <details>, its summary the caption's first sentence.

    A figure is the tallest thing on a back (a third of a phone screen): closed, the key point
    and the answer fit one screen, and the picture is one tap away. Done after the sanitiser,
    on the figures the diagram renderer made (no <details> from a card's own HTML gets through)."""

    def wrap(m: re.Match[str]) -> str:
        caption = html_lib.unescape(m.group(1))
        first = re.split(r"(?<=[.!?])\s", caption, maxsplit=1)[0]
        if len(first) > SUMMARY_CHARS:
            first = first[:SUMMARY_CHARS].rsplit(" ", 1)[0] + "…"
        summary = html_lib.escape(first, quote=False)
        return f'<details class="mld-figure"><summary>Figure: {summary}</summary>{m.group(0)}</details>'

    return FIGURE.sub(wrap, html)


def _line_of(text: str, needle: str) -> int:
    for i, line in enumerate(text.split("\n")):
        if needle and needle in line:
            return i
    return 0


def _fence_line(text: str, source: str) -> int:
    for f in fences.scan(text):
        if _norm(f.body) == _norm(source):
            return f.start
    return 0
