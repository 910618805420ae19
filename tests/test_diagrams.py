"""Diagram fences: captions and text alternatives, the SVG checks and the cache key, bad fences
failing the build at their line, night mode showing the dark variant. The repository's own
diagrams are checked in tests/content/test_card_diagrams.py."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from mldeck.build.run import BuildOptions, build_deck
from mldeck.errors import DeckError
from mldeck.notetype.model import model_css
from mldeck.render import diagrams
from mldeck.render.diagrams import DiagramCache, figure_html, tidy_svg
from mldeck.render.markdown import Renderer, fold_figures, take_captions
from mldeck.render.media import MediaStore
from mldeck.render.sanitize import sanitize
from tests.anki_helpers import build
from tests.helpers import copy_fixture, copy_project
from tests.screens import card_page, screenshots_side_by_side

MERMAID = "flowchart TD\n  a[data] --> b[model]"


def test_caption_paragraph_is_lifted_and_lines_stay_put():
    text = f"Intro.\n\n```mermaid\n{MERMAID}\n```\n\nFigure: Data goes\ninto the model.\n\nAfter."
    body, captions = take_captions(text)
    assert len(body.split("\n")) == len(text.split("\n"))
    assert "Figure:" not in body and "After." in body
    assert captions == {"flowchart TD\na[data] --> b[model]": ["Data goes into the model."]}
    far = f"```mermaid\n{MERMAID}\n```\n\n\nFigure: too far away"
    assert take_captions(far)[1] == {"flowchart TD\na[data] --> b[model]": [""]}


def test_figure_html_has_both_variants_alt_and_caption_and_survives_the_sanitiser(tmp_path: Path):
    media = MediaStore(tmp_path)
    renderer = Renderer(media, DiagramCache(tmp_path / "cache", media))
    html = renderer.render(f"Text.\n\n```mermaid\n{MERMAID}\n```\n\nFigure: Data <goes> into the model.\n")
    imgs = re.findall(r"<img [^>]*>", html)
    assert [re.search(r'class="([^"]+)"', i).group(1) for i in imgs] == ["mld-diagram-light", "mld-diagram-dark"]
    for img in imgs:
        assert 'alt="Data &lt;goes&gt; into the model."' in img
        assert re.search(r'width="\d+" height="\d+"', img)
        assert re.search(r'src="(mldeck-[0-9a-f]{20}\.svg)"', img).group(1) in media.files
    assert "<figcaption>Data &lt;goes&gt; into the model.</figcaption>" in html
    # the figure sits behind a closed <details> whose summary is the caption's first sentence
    folded, _, figure = html.partition("<figure ")
    assert (
        folded
        == '<p>Text.</p>\n<details class="mld-figure"><summary>Figure: Data &lt;goes&gt; into the model.</summary>'
    )
    assert html.endswith("</figure></details>")
    figure = "<figure " + figure.removesuffix("</details>")
    assert "Figure:" not in figure and sanitize(figure) == figure  # what the sanitiser let through, unchanged


def test_figure_summary_is_the_first_sentence_of_the_caption_cut_at_a_word():
    caption = "Why L1 gives &amp; keeps exact zeros at the corners of the diamond, every time. More."
    html = f'<figure class="mld-diagram"><img src="x"><figcaption>{caption}</figcaption></figure>'
    summary = re.search(r"<summary>(.*?)</summary>", fold_figures(html)).group(1)
    assert summary == "Figure: Why L1 gives &amp; keeps exact zeros at the corners of the…"
    assert fold_figures("<p>No figure.</p>") == "<p>No figure.</p>"


def test_text_alternative_may_come_from_the_source():
    assert diagrams.mermaid_text_alternative("flowchart LR\n  accTitle: Two boxes\n  a --> b") == "Two boxes"
    spec = json.dumps({"description": "A line", "mark": "line"})
    assert diagrams.vegalite_text_alternative(spec) == "A line"


def test_tidy_svg_gives_a_fixed_pixel_size():
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 120.4 80"><rect id="clip7"/></svg>'
    data, width, height = tidy_svg(svg)
    root = ET.fromstring(data)
    assert (width, height, root.get("width"), root.get("height")) == (120, 80, "120", "80")
    assert 'id="d0"' in data.decode()


@pytest.mark.parametrize(
    "spec",
    [
        {"data": {"url": "https://example.org/x.csv"}, "mark": "point"},
        {"data": {"values": [{"u": "a.png"}]}, "mark": {"type": "image"}, "encoding": {"url": {"field": "u"}}},
    ],
)
def test_vegalite_may_not_load_anything(spec: dict):
    with pytest.raises(ValueError, match="must be inline"):
        diagrams.render_vegalite(json.dumps(spec), "light")


def test_an_svg_that_would_load_something_is_refused():
    with pytest.raises(ValueError, match="self-contained"):
        tidy_svg('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><image href="a.png"/></svg>')


def test_cache_is_keyed_by_source_and_theme(tmp_path: Path):
    cache = DiagramCache(tmp_path, MediaStore(tmp_path))
    cache("mermaid", MERMAID, "caption")
    assert (cache.rendered, cache.reused) == (2, 0)
    cache("mermaid", MERMAID, "another caption")
    assert (cache.rendered, cache.reused) == (2, 2)
    cache("mermaid", MERMAID + " --> c[score]", "caption")
    assert (cache.rendered, cache.reused) == (4, 2)
    assert len(list(tmp_path.rglob("*.svg"))) == 4


# --- the built deck ------------------------------------------------------------------------------


BROKEN = {
    "mermaid": ("flowchart TD\n  a[data] --> b[[[model\n", "mermaid diagram: line 2"),
    "vega-lite": ('{"mark": "point",\n "encoding": {]}\n', "vega-lite diagram: invalid JSON at line 2"),
}


@pytest.mark.parametrize("lang", sorted(BROKEN))
def test_a_malformed_fence_fails_the_build_at_its_line(tmp_path: Path, lang: str):
    root = copy_project(tmp_path / "proj")
    source, message = BROKEN[lang]
    card = root / "cards" / "epam" / "900-broken.md"
    card.parent.mkdir(parents=True)
    card.write_text(
        "---\nid: epam-900\nsource: epam\nref: 900\ndifficulty: basic\ntopics: [fundamentals]\n"
        f"answer_origin: deck\n---\n\n# A question?\n\nAn answer.\n\n```{lang}\n{source}```\n\nFigure: A caption.\n\n"
        "## Key point\n\nA key point.\n",
        encoding="utf-8",
    )
    fence_line = card.read_text().split("\n").index(f"```{lang}") + 1
    with pytest.raises(DeckError) as err:
        build_deck(root, BuildOptions(quiet=True))
    (problem,) = err.value.problems
    assert Path(problem.path) == card and problem.line == fence_line
    assert re.match(rf".*cards/epam/900-broken\.md:{fence_line}: error: {message}", str(problem))
    assert not (root / "dist").exists()


def test_a_diagram_without_a_text_alternative_fails(tmp_path: Path):
    media = MediaStore(tmp_path)
    renderer = Renderer(media, DiagramCache(None, media))
    with pytest.raises(ValueError, match="no text alternative"):
        renderer.render(f"```mermaid\n{MERMAID}\n```\n")


# --- how it looks --------------------------------------------------------------------------------


def _solid_svg(color: str) -> bytes:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">'
            f'<rect width="200" height="100" fill="{color}"/></svg>').encode()  # fmt: skip


@pytest.mark.browser
def test_night_mode_css_shows_exactly_the_dark_picture(chromium, tmp_path: Path):
    """Red stands in for the light picture, green for the dark one: the CSS must show just one of them,
    with Anki's night-mode class on <body> (desktop: nightMode, AnkiDroid: night_mode) or on an ancestor."""
    from PIL import Image

    pictures = {"light": diagrams.Picture("light.svg", 200, 100), "dark": diagrams.Picture("dark.svg", 200, 100)}
    fig = figure_html(pictures, "A test figure")
    media = {"light.svg": _solid_svg("#ff0000"), "dark.svg": _solid_svg("#00ff00")}
    one = 200 * 100  # pixels of one picture
    pages = {  # page -> (red pixels, green pixels) expected
        card_page(f"<div>{fig}</div><div class='nightMode'>{fig}</div><div class='night_mode'>{fig}</div>",
                  model_css(), night=False): (one, 2 * one),
        card_page(fig, model_css(), night=True).replace("nightMode night_mode", "nightMode"): (0, one),
        card_page(fig, model_css(), night=True).replace("nightMode night_mode", "night_mode"): (0, one),
    }  # fmt: skip
    shots = {tmp_path / f"css-{n}.png": page for n, page in enumerate(pages)}
    screenshots_side_by_side(chromium, shots, media, size=(420, 700))
    for png, expected in zip(shots, pages.values(), strict=True):
        colors = {rgb: count for count, rgb in Image.open(png).convert("RGB").getcolors(420 * 700)}
        assert (colors.get((255, 0, 0), 0), colors.get((0, 255, 0), 0)) == expected, png.name


def test_a_rebuild_draws_no_diagram_the_cache_has(tmp_path: Path, monkeypatch):
    """With the texts' cache gone but the diagram files kept, no engine runs; without them, they do."""
    import mldeck.render.diagrams as diagram_module
    from mldeck.render.sandbox import shared

    monkeypatch.setenv("MLDECK_CACHE_DIR", str(tmp_path / "cache"))
    root = copy_fixture(tmp_path / "proj")
    first = build(root, tmp_path / "first.apkg")
    calls: list[str] = []

    class Counting:
        def render(self, language: str, source: str, theme: str) -> str:
            calls.append(language)
            return shared().render(language, source, theme)

    monkeypatch.setattr(diagram_module, "shared", Counting)
    for name in ("texts.sqlite", "notes.*.bin", "entries.*.bin"):
        for path in (tmp_path / "cache").glob(name):
            path.unlink()
    again = build(root, tmp_path / "again.apkg", force=True)
    assert calls == []
    assert _media(again) == _media(first)
    for name in ("texts.sqlite", "notes.*.bin"):
        for path in (tmp_path / "cache").glob(name):
            path.unlink()
    shutil.rmtree(tmp_path / "cache" / "diagrams")
    build(root, tmp_path / "third.apkg", force=True)
    assert sorted(set(calls)) == ["mermaid", "vega-lite"]  # the control: the counter sees the engines


def _media(apkg: Path) -> dict[str, str]:
    with zipfile.ZipFile(apkg) as zf:
        return json.loads(zf.read("media"))
