"""The render shortcuts must not change a byte of output."""

from __future__ import annotations

from pathlib import Path

from mldeck.build.render_cards import CardRenderer, plain_html
from mldeck.entries import read_entries
from mldeck.render.markdown import Renderer
from mldeck.render.media import MediaStore
from tests.anki_helpers import build
from tests.helpers import ROOT, copy_project


def test_fast_path_equals_markdown_on_every_question_and_context(tmp_path: Path):
    renderer = Renderer(MediaStore(tmp_path))
    used = 0
    for card in read_entries(ROOT / "cards"):
        for text in (card.question, card.text("context"), "Plain text & more: 5 < 6?", "A line\nsplit"):
            fast = plain_html(text)
            if fast is not None:
                used += 1
                assert fast == renderer.render(text), text
    assert used > 100  # the shortcut really is taken for most questions


def test_markdown_is_not_taken_for_plain(tmp_path: Path):
    for text in ("*em*", "1. item", "- item", "`code`", "$x$", "<b>x</b>", "a  b", "# h", "[l](x)", "a | b"):
        assert plain_html(text) is None, text


def test_parallel_and_serial_rendering_agree(tmp_path: Path):
    cards = read_entries(ROOT / "cards")
    texts = [t for c in cards for t in (c.answer, c.text("editor_note")) if t]
    serial = CardRenderer(tmp_path, MediaStore(ROOT), None, "v")
    serial.prefetch(texts)
    import mldeck.build.render_cards as rc

    old = rc.PARALLEL_FROM
    rc.PARALLEL_FROM = 1
    try:
        parallel = CardRenderer(ROOT, MediaStore(ROOT), None, "v")
        parallel.prefetch(texts)
    finally:
        rc.PARALLEL_FROM = old
    assert {t: r.html for t, r in serial.results.items()} == {t: r.html for t, r in parallel.results.items()}
    assert serial.media.files == parallel.media.files


def test_corrupt_cache_is_ignored(tmp_path: Path):
    root = copy_project(tmp_path / "p", with_cards=True)
    first = build(root, tmp_path / "a.apkg", force=True).read_bytes()
    cache = root / "build" / "cache" / "render.sqlite"
    assert cache.is_file()
    cache.write_bytes(b"this is not a database" * 100)
    assert build(root, tmp_path / "b.apkg", force=True).read_bytes() == first


def test_render_version_follows_render_code_and_libraries(monkeypatch):
    from importlib import metadata

    import mldeck.build.render_cards as rc

    before = rc.render_version()
    assert before == rc.render_version()
    real = metadata.version
    monkeypatch.setattr(metadata, "version", lambda d: "999" if d == "pygments" else real(d))
    assert rc.render_version() != before


def test_two_texts_sharing_a_diagram_both_carry_it_from_cache(tmp_path: Path):
    root = copy_project(tmp_path / "p")
    fence = '```vega-lite\n{"data": {"values": [{"x": 1, "y": 2}]}, "mark": "point",\n'
    fence += (
        ' "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"}}}\n```'
    )
    texts = [f"First.\n\n{fence}\n\nFigure: one point.", f"Second.\n\n{fence}\n\nFigure: one point."]
    first = CardRenderer(root, MediaStore(root), root / "c.sqlite", "v", _diagrams(root))
    first.prefetch(texts)
    first.close()
    names = {t: set(r.generated) for t, r in first.results.items()}
    assert names[texts[0]] and names[texts[0]] == names[texts[1]]
    second = CardRenderer(root, MediaStore(root), root / "c.sqlite", "v", _diagrams(root))
    second.prefetch(texts[1:])  # only the second text, from cache: its SVGs must come along
    assert second.hits == 1 and set(second.media.files) == names[texts[1]]


def _diagrams(root: Path):
    from functools import partial

    from mldeck.build.render_cards import make_diagram_renderer

    return partial(make_diagram_renderer, root / "diagram-cache", True)
