"""Diagram fences -> SVG pictures at build time, a light and a dark variant, cached on disk.

```mermaid fences go to mermaid-render (Pele in embedded QuickJS), ```vega-lite fences (a JSON
spec) to vl-convert-python (Vega in embedded Deno). Both read a declarative description; the
build never runs code from a card, and vega-lite may not fetch data (`allowed_base_urls=[]`).

Each renderer sits behind one function `(source, theme) -> SVG text` so either can be swapped.
Pictures are cached under `cache_dir` by a hash of (source, renderer name and version, theme),
and reach the deck through `MediaStore.add_bytes` under content-hashed names. See docs/diagrams.md.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from ..fsio import write_atomic
from ..localcache import Seal
from .media import MediaStore
from .sandbox import shared

THEMES = ("light", "dark")
FONT_STACK = "'Noto Sans', 'Helvetica Neue', Helvetica, Arial, sans-serif"
TIDY_VERSION = "3"  # bump when tidy_svg() or the checks change what is written or refused: part of every cache key
CSS_CLASS = "mld-diagram"


@dataclass(frozen=True)
class Picture:
    name: str  # packaged media name
    width: int
    height: int


@dataclass(frozen=True)
class Engine:
    """One diagram language: how to render it and what text alternative its source carries."""

    language: str
    version: Callable[[], str]
    render: Callable[[str, str], str]  # (source, theme) -> SVG; ValueError with a message for bad input
    text_alternative: Callable[[str], str]


# --- mermaid -------------------------------------------------------------------------------------

MERMAID_THEMES = {"light": "default", "dark": "dark"}


def render_mermaid(source: str, theme: str) -> str:
    """Mermaid source -> SVG text with mermaid-render, using its fixed palette for `theme`."""
    from mermaid_render import convert

    try:
        return convert(source, format="svg", theme=MERMAID_THEMES[theme]).decode("utf-8")
    except ValueError as exc:
        raise ValueError(_mermaid_message(str(exc))) from None


def _mermaid_message(message: str) -> str:
    """Pele's 'syntax at L:C: Parse error on line L:\\n<line>\\n----^\\nExpecting …' as one line."""
    lines = message.splitlines()
    m = re.match(r"^\w+ at (\d+):(\d+): (.*)$", lines[0]) if lines else None
    if not m:
        return " ".join(ln.strip() for ln in lines if ln.strip()) or "mermaid-render failed"
    line, col, summary = m.groups()
    caret = re.compile(r"^\s*-*\^\s*$")
    near = lines[1].strip() if len(lines) > 2 and not caret.match(lines[1]) else ""
    detail = " ".join(ln.strip() for ln in lines[2:] if ln.strip() and not caret.match(ln))
    summary = re.sub(r" on line \d+[.:]?", ":", summary).strip()
    where = f"line {line}, column {col} of the diagram" + (f" (near {near!r})" if near else "")
    return f"{where}: {summary} {detail}".strip()


def mermaid_text_alternative(source: str) -> str:
    """`accDescr: …` (or a one-line `accDescr { … }`), else `accTitle: …`, from a mermaid source."""
    found = {}
    for line in source.split("\n"):
        m = re.match(r"^\s*(accTitle|accDescr)\s*:\s*(.+?)\s*$", line)
        if m:
            found.setdefault(m.group(1), m.group(2))
    block = re.search(r"accDescr\s*\{(.*?)\}", source, re.S)
    if block and "accDescr" not in found:
        found["accDescr"] = " ".join(block.group(1).split())
    return found.get("accDescr") or found.get("accTitle") or ""


def _mermaid_version() -> str:
    from mermaid_render import renderer

    pele = json.loads((renderer.ROOT / "pele" / "manifest.json").read_text(encoding="utf-8"))
    return f"mermaid-render {metadata.version('mermaid-render')}, pele {pele['version']}, themes {MERMAID_THEMES}"


# --- vega-lite -----------------------------------------------------------------------------------

VEGALITE_VERSION = "6.4"  # pinned: a vl-convert upgrade must not silently change the charts


@dataclass(frozen=True)
class Palette:
    ink: str  # text, and the `ink` mark style
    muted: str  # axis lines, legend symbols, the `muted` mark style
    faint: str  # frame, the `faint` mark style
    grid: str
    category: tuple[str, ...]  # colours of a nominal field, in order; the first is the default mark colour


PALETTES = {
    "light": Palette("#1d1d1f", "#6b6b70", "#c8c8ce", "#e6e6ea",
                     ("#2f6fb5", "#d9822b", "#2e9e5b", "#c8443c", "#8460c0", "#8c6d1f", "#6b6b70")),
    "dark": Palette("#e6e6e6", "#a4a4aa", "#55555c", "#34343a",
                    ("#7fb2f0", "#f4a259", "#5fd08f", "#f07a72", "#b99af0", "#e0c060", "#a4a4aa")),
}  # fmt: skip


def vegalite_config(p: Palette) -> dict:
    """Vega-Lite config for one palette. Specs name theme-aware colours as mark styles:
    `"mark": {"type": "rule", "style": "muted"}` (ink, muted, faint, accent1 … accent7)."""
    text = {"labelColor": p.ink, "titleColor": p.ink, "labelFontSize": 12, "titleFontSize": 12}
    styles = {"ink": {"color": p.ink}, "muted": {"color": p.muted}, "faint": {"color": p.faint}}
    styles |= {f"accent{i}": {"color": c} for i, c in enumerate(p.category, start=1)}
    return {
        "background": "transparent",
        "aria": False,  # no per-mark aria-labels: the <img> carries the text alternative, and files stay small
        "font": FONT_STACK,
        "view": {"stroke": p.faint},
        "axis": {**text, "titleFontSize": 13, "titleFontWeight": "normal", "domainColor": p.muted,
                 "tickColor": p.muted, "gridColor": p.grid},
        "legend": {**text, "titleFontWeight": "normal", "symbolFillColor": p.muted, "symbolStrokeColor": p.muted,
                   "labelLimit": 260},
        "header": {"labelColor": p.ink, "titleColor": p.ink, "labelFontSize": 13},
        "title": {"color": p.ink, "subtitleColor": p.muted, "fontSize": 14, "fontWeight": "normal"},
        "mark": {"color": p.category[0]},
        "text": {"color": p.ink},
        "rule": {"color": p.muted},
        "style": styles,
        "range": {"category": list(p.category)},
    }  # fmt: skip


VEGALITE_CONFIGS = {theme: vegalite_config(p) for theme, p in PALETTES.items()}


def parse_vegalite(source: str) -> dict:
    """The spec as a dict, or ValueError naming the line and column of a JSON mistake."""
    try:
        spec = json.loads(source)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON at line {exc.lineno}, column {exc.colno} of the spec: {exc.msg}") from None
    if not isinstance(spec, dict):
        raise ValueError("the spec must be a JSON object")
    if _loads_something(spec):
        raise ValueError('data and pictures must be inline: no "url" and no image marks (the build fetches nothing)')
    return spec


def _loads_something(node: object) -> bool:
    """True if a spec fragment names a URL to load or draws an image mark."""
    if isinstance(node, dict):
        mark = node.get("mark")
        if "url" in node or mark == "image" or (isinstance(mark, dict) and mark.get("type") == "image"):
            return True
        return any(_loads_something(v) for v in node.values())
    if isinstance(node, list):
        return any(_loads_something(v) for v in node)
    return False


def render_vegalite(source: str, theme: str) -> str:
    """Vega-Lite JSON -> SVG text with vl-convert, themed by config, with no network access."""
    import vl_convert

    spec = parse_vegalite(source)
    try:
        return vl_convert.vegalite_to_svg(
            spec, vl_version=VEGALITE_VERSION, config=VEGALITE_CONFIGS[theme], allowed_base_urls=[]
        )
    except ValueError as exc:
        raise ValueError(_vegalite_message(str(exc))) from None


def _vegalite_message(message: str) -> str:
    """vl-convert's message without its JavaScript stack trace."""
    lines = [ln.strip() for ln in message.splitlines() if ln.strip() and not ln.strip().startswith("at ")]
    lines = [ln for ln in lines if not ln.endswith("conversion failed:")]
    return " ".join(lines) or "vl-convert failed"


def vegalite_text_alternative(source: str) -> str:
    """The spec's "description", else its "title" (a string, or an object's "text")."""
    try:
        spec = json.loads(source)
    except json.JSONDecodeError:
        return ""
    if not isinstance(spec, dict):
        return ""
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(str(t) for t in title)
    for text in (spec.get("description"), title):
        if isinstance(text, str) and text.strip():
            return " ".join(text.split())
    return ""


def _vegalite_version() -> str:
    import vl_convert

    return (
        f"vl-convert-python {metadata.version('vl-convert-python')}, vega {vl_convert.get_vega_version()}, "
        f"vega-lite {VEGALITE_VERSION}, config {json.dumps(VEGALITE_CONFIGS, sort_keys=True)}"
    )


ENGINES: dict[str, Engine] = {
    "mermaid": Engine("mermaid", _mermaid_version, render_mermaid, mermaid_text_alternative),
    "vega-lite": Engine("vega-lite", _vegalite_version, render_vegalite, vegalite_text_alternative),
}


# --- the SVG file --------------------------------------------------------------------------------

_ROOT = re.compile(r"<svg\b[^>]*>", re.S)
_UNSAFE = re.compile(r"<(?:image|script|foreignObject|a)\b|\bhref=\"(?!#)|url\((?!#)", re.I)


def tidy_svg(svg: str) -> tuple[bytes, int, int]:
    """Fixed pixel width/height on the root (from the viewBox if needed), a font fallback stack.

    Returns (file bytes, width, height). An <img> loads no web fonts, so a lone family name
    would fall back to a serif face; the stack ends in sans-serif.
    """
    svg = svg.strip()
    root = _ROOT.search(svg)
    if root is None:
        raise ValueError("the renderer produced no <svg> element")
    if bad := _UNSAFE.search(svg):
        raise ValueError(f"the picture would not be self-contained ({bad.group(0)!r}): no images, links or scripts")
    tag = root.group(0)
    view = re.search(r'viewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)\s*"', tag)
    width, height = _attr_px(tag, "width"), _attr_px(tag, "height")
    if (width is None or height is None) and view:
        width, height = float(view.group(1)), float(view.group(2))
    if width is None or height is None:
        raise ValueError("the renderer produced an SVG without a size")
    w, h = round(width), round(height)
    new_tag = re.sub(r'\s(width|height)="[^"]*"', "", tag)
    if not view:
        new_tag = new_tag.replace("<svg", f'<svg viewBox="0 0 {width:g} {height:g}"', 1)
    new_tag = new_tag.replace("<svg", f'<svg width="{w}" height="{h}"', 1)
    new_tag = re.sub(r"font-family:\s*Noto Sans(?=[;\"])", f"font-family:{FONT_STACK}", new_tag)
    svg = svg[: root.start()] + new_tag + svg[root.end() :]
    svg = re.sub(r'font-family="[^"]*"', f'font-family="{FONT_STACK}"', svg)
    return (_renumber_ids(svg) + "\n").encode("utf-8"), w, h


def _renumber_ids(svg: str) -> str:
    """Element ids renamed d0, d1, … in document order, with their references.

    Vega numbers clip paths and gradients with a per-process counter ("clip3"), so the same
    chart would otherwise come out with different bytes depending on what was rendered before.
    """
    ids = list(dict.fromkeys(re.findall(r'\sid="([^"]+)"', svg)))
    if not ids:
        return svg
    new = {old: f"d{n}" for n, old in enumerate(ids)}
    alt = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
    svg = re.sub(rf'(\sid=")({alt})(?=")', lambda m: m.group(1) + new[m.group(2)], svg)
    svg = re.sub(rf"#({alt})(?=[)\"'\s])", lambda m: "#" + new[m.group(1)], svg)
    return re.sub(
        r'(\saria-(?:labelledby|describedby)=")([^"]*)(?=")',
        lambda m: m.group(1) + " ".join(new.get(t, t) for t in m.group(2).split()),
        svg,
    )


def _attr_px(tag: str, name: str) -> float | None:
    m = re.search(rf'\s{name}="\s*([\d.]+)\s*(px)?\s*"', tag)
    return float(m.group(1)) if m else None


# --- the cache and the HTML ----------------------------------------------------------------------


def cache_key(source: str, engine: str, version: str, theme: str) -> str:
    payload = json.dumps([source, engine, version, theme, TIDY_VERSION], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def figure_html(pictures: dict[str, Picture], text: str) -> str:
    """A <figure> with one <img> per theme (CSS shows one) and the text as alt and caption."""
    alt = html.escape(text, quote=True)
    imgs = "".join(
        f'<img class="{CSS_CLASS}-{theme}" src="{p.name}" alt="{alt}" width="{p.width}" height="{p.height}">'
        for theme, p in pictures.items()
    )
    return f'<figure class="{CSS_CLASS}">{imgs}<figcaption>{html.escape(text, quote=False)}</figcaption></figure>'


class DiagramCache:
    """`(language, source, caption) -> HTML` for the Markdown renderer; ValueError for a bad diagram."""

    def __init__(self, cache_dir: Path | None, media: MediaStore, engines: dict[str, Engine] | None = None):
        self.cache_dir = cache_dir
        self.seal = Seal(cache_dir)
        self.media = media
        self.engines = engines if engines is not None else ENGINES
        self.isolated = engines is None  # the real engines run in a child process (sandbox.py)
        self.rendered = 0  # pictures rendered by an engine
        self.reused = 0  # pictures read from the cache
        self._versions: dict[str, str] = {}

    def version(self, language: str) -> str:
        if language not in self._versions:
            self._versions[language] = self.engines[language].version()
        return self._versions[language]

    def __call__(self, language: str, source: str, caption: str = "") -> str:
        engine = self.engines.get(language)
        if engine is None:
            raise ValueError(f"no renderer for {language!r} (known: {', '.join(self.engines)})")
        if not source.strip():
            raise ValueError("the diagram is empty")
        text = " ".join(caption.split()) or engine.text_alternative(source)
        if not text:
            raise ValueError(
                "no text alternative: add a paragraph 'Figure: what it shows' right after the fence (docs/diagrams.md)"
            )
        pictures = {theme: self.picture(language, source, theme) for theme in THEMES}
        return figure_html(pictures, text)

    def picture(self, language: str, source: str, theme: str) -> Picture:
        data = self.svg(language, source, theme)
        root = _ROOT.search(data.decode("utf-8"))
        tag = root.group(0) if root else ""
        width, height = _attr_px(tag, "width") or 0, _attr_px(tag, "height") or 0
        return Picture(self.media.add_bytes(data, ".svg"), int(width), int(height))

    def svg(self, language: str, source: str, theme: str) -> bytes:
        """The tidied SVG file for one theme: from the cache, or rendered and stored.

        A cache file carries a seal of its key and bytes (mldeck/localcache.py): one this
        checkout did not write, or that was altered, is rendered again."""
        key = cache_key(source, language, self.version(language), theme)
        path = self.cache_dir / key[:2] / f"{key}.svg" if self.cache_dir is not None else None
        if path is not None and (cached := self._cached(path, key)) is not None:
            self.reused += 1
            return cached
        raw = (
            shared().render(language, source, theme) if self.isolated else self.engines[language].render(source, theme)
        )
        data, _, _ = tidy_svg(raw)
        self.rendered += 1
        if path is not None and self.seal.usable and not path.is_symlink():
            write_atomic(path, self.seal.sign(key.encode() + data).encode("ascii") + b"\n" + data)
        return data

    def _cached(self, path: Path, key: str) -> bytes | None:
        if not self.seal.usable or path.is_symlink() or not path.is_file():
            return None
        raw = path.read_bytes()
        mac, _, data = raw.partition(b"\n")
        if not self.seal.check(key.encode() + data, mac.decode("ascii", "replace")) or _UNSAFE.search(data.decode()):
            return None
        return data
