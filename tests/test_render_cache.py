"""The render shortcuts must not change a byte of output."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mldeck.entries import read_entries
from mldeck.render.cards import TextRenderer, plain_html
from mldeck.render.markdown import Renderer
from mldeck.render.media import MediaStore
from tests.anki_helpers import build
from tests.helpers import FIXTURE, copy_fixture, copy_project

# Most tests start from empty caches: the fixture's diagrams are drawn once a process (conftest.py).
pytestmark = pytest.mark.usefixtures("diagrams_memoized")


def test_fast_path_equals_markdown_on_every_question_and_context(tmp_path: Path):
    renderer = Renderer(MediaStore(tmp_path))
    used = 0
    cards = read_entries(FIXTURE / "cards")
    for card in cards:
        for text in (card.question, card.text("context"), "Plain text & more: 5 < 6?", "A line\nsplit"):
            fast = plain_html(text)
            if fast is not None:
                used += 1
                assert fast == renderer.render(text), text
    assert sum(plain_html(c.question) is not None for c in cards) >= 0.7 * len(cards)  # taken for most questions
    assert used > len(cards)


def test_markdown_is_not_taken_for_plain(tmp_path: Path):
    for text in ("*em*", "1. item", "- item", "`code`", "$x$", "<b>x</b>", "a  b", "# h", "[l](x)", "a | b"):
        assert plain_html(text) is None, text


def test_parallel_and_serial_rendering_agree(tmp_path: Path, monkeypatch):
    root = copy_fixture(tmp_path / "p")
    cards = read_entries(root / "cards")
    texts = [t for c in cards for t in (c.answer, c.text("editor_note")) if t]
    serial = TextRenderer(root, None).render_many(texts)
    import mldeck.workers

    monkeypatch.setattr(mldeck.workers, "PARALLEL_FROM", 1)
    monkeypatch.setattr(mldeck.workers, "cores", lambda: 2)  # workers even on a one-core machine
    parallel = TextRenderer(root, None).render_many(texts)
    assert serial == parallel
    assert any(r.media for r in serial.values())  # the values carry their pictures


def test_corrupt_cache_is_ignored(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("MLDECK_CACHE_DIR", raising=False)
    root = copy_fixture(tmp_path / "p")
    first = build(root, tmp_path / "a.apkg", force=True).read_bytes()
    cache = root / "build" / "cache" / "texts.sqlite"
    assert cache.is_file()
    cache.write_bytes(b"this is not a database" * 100)
    assert build(root, tmp_path / "b.apkg", force=True).read_bytes() == first


def test_render_version_follows_render_code_and_libraries(monkeypatch):
    from importlib import metadata

    import mldeck.render.cards as rc

    before = rc.render_version()
    assert before == rc.render_version()
    real = metadata.version
    monkeypatch.setattr(metadata, "version", lambda d: "999" if d == "pygments" else real(d))
    rc.render_version.cache_clear()  # read once a process: a new library means a new process
    try:
        assert rc.render_version() != before
    finally:
        rc.render_version.cache_clear()


def test_two_texts_sharing_a_diagram_both_carry_it_from_cache(tmp_path: Path):
    root = copy_project(tmp_path / "p")
    fence = '```vega-lite\n{"data": {"values": [{"x": 1, "y": 2}]}, "mark": "point",\n'
    fence += (
        ' "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"}}}\n```'
    )
    texts = [f"First.\n\n{fence}\n\nFigure: one point.", f"Second.\n\n{fence}\n\nFigure: one point."]
    first = TextRenderer(root, root / "cache").render_many(texts)
    names = {t: set(r.generated) for t, r in first.items()}
    assert names[texts[0]] and names[texts[0]] == names[texts[1]]
    again = TextRenderer(root, root / "cache")
    second = again.render_many(texts[1:])  # only the second text, from cache: its SVGs must come along
    assert again.hits == 1 and set(second[texts[1]].media) == names[texts[1]]
    assert second[texts[1]] == first[texts[1]]


def test_code_blocks_are_highlighted_as_pymdownx_would(tmp_path: Path):
    """The one-formatter shortcut for code fences writes the bytes pymdownx.highlight writes."""
    import markdown

    from mldeck.render.code import CSS_CLASS

    reference = markdown.Markdown(
        extensions=["pymdownx.superfences", "pymdownx.highlight"],
        extension_configs={"pymdownx.highlight": {"use_pygments": True, "css_class": CSS_CLASS, "guess_lang": False}},
    )
    ours = Renderer(MediaStore(tmp_path))
    blocks = [
        "```python\ndef f(x):\n    return x < 1  # c\n```",
        "```\nplain & <text>\n```",
        "```text\n\n\nleading blank lines\n\n```",
        '~~~bash\necho "$HOME" | wc -c\n~~~',
        "```console-output\n$ ls\nfile\n```",
        "- item\n\n    ```sql\n    SELECT 1;\n    ```\n\nafter",
        "```python\n```",
    ]
    for block in blocks:
        assert ours.render(block) == reference.reset().convert(block), block


def test_a_prose_edit_highlights_no_code_again(tmp_path: Path, monkeypatch):
    import mldeck.render.markdown as md

    root = copy_project(tmp_path / "p")
    code = "```python\ndef f(x):\n    return x * 2\n```"
    calls: list[str] = []
    real = md.highlight_block
    monkeypatch.setattr(md, "highlight_block", lambda source, lang: calls.append(source) or real(source, lang))
    first = TextRenderer(root, root / "cache").render_many([f"Before.\n\n{code}"])
    assert len(calls) == 1
    edited = TextRenderer(root, root / "cache").render_many([f"Before, edited.\n\n{code}"])
    assert len(calls) == 1  # the block came from the cache
    fresh = TextRenderer(root, None).render_many([f"Before, edited.\n\n{code}"])
    assert edited == fresh and first  # the cached block's HTML is what highlighting gives
    conn = sqlite3.connect(root / "cache" / "texts.sqlite")
    with conn:
        conn.execute("update blocks set html = '<pre>poisoned</pre>'")
    conn.close()
    again = TextRenderer(root, root / "cache").render_many([f"Before, edited twice.\n\n{code}"])
    assert len(calls) == 3 and "poisoned" not in list(again.values())[0].html  # the seal failed: drawn again


def test_every_module_the_renderer_uses_is_part_of_the_render_version():
    """A module outside render/ that shapes HTML (fences.py decides what is code) must be hashed
    into the render version, or editing it would leave old HTML in the caches."""
    import ast

    from mldeck.render.cards import RENDER_CODE

    package = Path(__file__).resolve().parents[1] / "mldeck"
    cannot_change_html = {"errors", "entries", "localcache", "workers", "fsio"}  # types, caches, processes
    hashed = {name.removesuffix(".py").replace("/", ".") for name in RENDER_CODE}
    for path in [*package.glob("render/*.py"), *(package / name for name in RENDER_CODE)]:
        folder = path.parent.relative_to(package).parts  # () or ("render",) or ("tex",)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or node.level == 0:
                continue
            base = folder[: len(folder) - (node.level - 1)]
            for name in [node.module] if node.module else [a.name for a in node.names]:
                module = ".".join((*base, name))
                if module.startswith("render."):
                    continue  # render/ is hashed whole
                assert module in hashed | cannot_change_html, f"{path.name} uses mldeck.{module}"


def test_rendered_texts_reach_the_cache_while_the_stream_goes_on(tmp_path: Path, monkeypatch):
    import mldeck.render.cards as rc

    root = copy_project(tmp_path / "p")
    monkeypatch.setattr(rc, "FLUSH_EVERY", 2)
    texts = [f"Text *{n}*." for n in range(5)]
    stream = TextRenderer(root, tmp_path / "cache").render_stream(texts)
    first = [next(stream) for _ in range(3)]
    later = TextRenderer(root, tmp_path / "cache")
    assert dict(later.render_stream(texts[:2])) == dict(first[:2]) and later.hits == 2  # written mid-stream
    assert len(first) + len(list(stream)) == 5


def test_texts_begun_early_but_not_asked_for_are_cached(tmp_path: Path, monkeypatch):
    import mldeck.workers

    root = copy_project(tmp_path / "p")
    monkeypatch.setattr(mldeck.workers, "PARALLEL_FROM", 1)
    monkeypatch.setattr(mldeck.workers, "cores", lambda: 2)
    texts = [f"Text *{n}*." for n in range(4)]
    with mldeck.workers.Workers() as workers:
        renderer = TextRenderer(root, tmp_path / "cache", workers=workers)
        renderer.start(texts)
        asked = dict(renderer.render_stream(texts[:2]))
        renderer.close()
    assert list(asked) == texts[:2]
    again = TextRenderer(root, tmp_path / "cache")
    assert set(again.render_many(texts)) == set(texts) and again.hits == 4 and again.misses == 0
