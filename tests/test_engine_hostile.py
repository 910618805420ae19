"""Hostile inputs aimed at the build engine: renderer floods, diagram engines that loop, exhaust
memory or panic, caches and stamps the build did not write, symlinks out of the checkout, a
deck path that is a folder, a corrupt stamp. Each gets a file:line error or a safe result.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import time
import zipfile
from pathlib import Path

import pytest

from mldeck.cli import main
from mldeck.entries import Entry, format_entry
from mldeck.localcache import Seal
from mldeck.render import diagram_child, sandbox
from mldeck.render.diagrams import DiagramCache
from mldeck.render.markdown import Renderer, RenderError
from mldeck.render.media import MediaStore
from tests.helpers import copy_project

pytestmark = pytest.mark.slow  # many CLI runs over a hostile corpus: `make test` and CI run it, `make check` does not

DECK = "dist/ml-interview-questions.apkg"
SCRIPT = "<script>alert(1)</script>"


def card(n: int, answer: str = "A plain answer.") -> str:
    """A valid card file, id epam-9<n>; its answer starts on line 12."""
    entry = Entry.make(id=f"epam-9{n:02d}", source="epam", ref=str(900 + n), difficulty="basic",
                       topics=("fundamentals",), answer_origin="deck", question=f"Question {n}?", answer=answer,
                       key_point="A key point.")  # fmt: skip
    return format_entry(entry)


@pytest.fixture()
def project(tmp_path: Path, monkeypatch) -> Path:
    """A project of three small cards, its caches in its own build/ (not the suite's shared one)."""
    monkeypatch.delenv("MLDECK_CACHE_DIR", raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    root = copy_project(tmp_path / "proj")
    (root / "cards" / "epam").mkdir(parents=True)
    for n in range(3):
        (root / "cards" / "epam" / f"9{n:02d}-q.md").write_text(card(n, f"Answer {n} with $x^{n}$."), encoding="utf-8")
    return root


def build(root: Path, *args: str) -> int:
    return main(["--root", str(root), "build", "--quiet", *args])


def fields(apkg: Path, tmp: Path) -> list[str]:
    with zipfile.ZipFile(apkg) as zf:
        (tmp / "c.db").write_bytes(zf.read("collection.anki2"))
    conn = sqlite3.connect(tmp / "c.db")
    rows = sorted(f for (f,) in conn.execute("select flds from notes"))
    conn.close()
    return rows


def listing(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- renderer floods ------------------------------------------------------------------------------

N = 20_000
FLOODS = {
    "unclosed images": "![" * N,
    "images with text": "![a " * N,
    "dollars": "$" * N,
    "dollar pairs": "$x" * N,
    "angle brackets": "<" * N,
    "unclosed tags": "<a " * N,
    "autolinks": "<http" * N,
    "autolinks with a colon": "<http: " * N,
    "emphasis": "*a " * N,
    "strong emphasis": "**a " * N,
    "underscores": "_a " * N,
    "mixed emphasis": "*_" * N,
    "link without target": "[a](" * N,
    "tildes": "~~a " * N,
    "entities": "&#" * N,
    "comments": "<!--" * N,
    "brackets on lines": "[\n" * 5_000,
    "tags in many paragraphs": "\n\n".join(["<a " * 60] * 300),
}


@pytest.fixture(scope="module")
def renderer(tmp_path_factory) -> Renderer:
    return Renderer(MediaStore(tmp_path_factory.mktemp("media")))


@pytest.mark.parametrize("name", FLOODS)
def test_floods_are_refused_before_markdown_sees_them(renderer: Renderer, name: str):
    text = "A first paragraph.\n\n" + FLOODS[name]
    start = time.perf_counter()
    with pytest.raises(RenderError) as caught:
        renderer.render(text)
    assert time.perf_counter() - start < 1.0
    ((line, message),) = caught.value.problems
    assert line >= 2 and "more than" in message


def test_text_under_the_limits_still_renders(renderer: Renderer):
    text = "Costs $a$ and $b$, " * 50 + "\n\n" + "*a* and **b** " * 40 + "\n\n" + "x < y, " * 30
    assert "<em>a</em>" in renderer.render(text)


def test_a_flood_in_a_card_is_a_file_line_error_for_build_and_lint(project: Path, capsys):
    path = project / "cards" / "epam" / "901-q.md"
    path.write_text(card(1, "Fine.\n\n" + "<a " * 140), encoding="utf-8")  # under the word budget
    start = time.perf_counter()
    assert build(project) == 1
    assert main(["--root", str(project), "lint"]) == 1
    assert time.perf_counter() - start < 20
    err = capsys.readouterr()
    assert re.search(rf"{re.escape(str(path))}:14: error: more than 64 '<' in one paragraph", err.err)
    assert re.search(r"901-q.md:14: error: more than 64 '<'", err.out + err.err)


# --- diagram engines: time, memory, panics ------------------------------------------------------------

MILLION = {"data": {"sequence": {"start": 0, "stop": 1_000_000}}, "mark": "point",
           "encoding": {"x": {"field": "data", "type": "quantitative"}}, "description": "a million points"}  # fmt: skip
BACKTRACK = {"data": {"values": [{"a": "a" * 60 + "!"}]}, "transform": [{"filter": "test(/(a+)+$/, datum.a)"}],
             "mark": "point", "description": "a regular expression that backtracks"}  # fmt: skip
NUL_FONT = {"data": {"values": [{"a": 1}]}, "mark": {"type": "text", "text": "hi", "font": "Noto\u0000Sans"},
            "description": "a font name the font library panics on"}  # fmt: skip
XY = {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"}}
POINT = {"data": {"values": [{"x": 1, "y": 2}]}, "mark": "point", "description": "one point", "encoding": XY}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("spec", "message"),
    [(MILLION, "crashed|took more than"), (BACKTRACK, "took more than"), (NUL_FONT, "crashed")],
    ids=["million-points", "backtracking-regex", "nul-in-font"],
)
def test_diagram_engines_run_bounded_in_a_child(tmp_path: Path, monkeypatch, spec: dict, message: str):
    # A child starts the engines in about 1 s (0.7-1.1 s measured on a busy 2-core machine), then
    # draws a point in about 20 ms. It draws one before the clock starts, so the whole bound goes
    # to the hostile spec: 1 s is fifty points' time, and the loop would run on past it (the
    # million points take 17 s to exhaust the memory limit, the regex never ends).
    diagrams = DiagramCache(None, MediaStore(tmp_path))
    assert "<figure" in diagrams("vega-lite", json.dumps(POINT))  # the child is up, its engines loaded
    monkeypatch.setattr(sandbox, "TIMEOUT", 1.0)
    start = time.perf_counter()
    with pytest.raises(ValueError, match=message):
        diagrams("vega-lite", json.dumps(spec))
    assert time.perf_counter() - start < 20
    monkeypatch.setattr(sandbox, "TIMEOUT", 20.0)  # a start-up's time, however busy the machine
    assert "<figure" in diagrams("vega-lite", json.dumps(POINT))  # a new child serves the next diagram


def test_an_oversized_picture_is_refused_in_the_child(monkeypatch):
    monkeypatch.setattr(sandbox, "MAX_SVG_BYTES", 100)
    assert (
        "larger than"
        in diagram_child._answer({"language": "vega-lite", "source": json.dumps(POINT), "theme": "light"})["error"]
    )


# --- caches and stamps the build did not write ----------------------------------------------------


def test_a_committed_stamp_and_deck_do_not_ship(project: Path, tmp_path: Path):
    assert build(project) == 0
    clean = fields(project / DECK, tmp_path)
    clone = tmp_path / "clone"
    shutil.copytree(project, clone)  # as a clone of a repository that committed build/ and dist/
    poisoned = clone / DECK
    with zipfile.ZipFile(poisoned, "a") as zf:
        zf.writestr("extra", SCRIPT)
    (stamp,) = (clone / "build" / "cache" / "stamps").iterdir()
    saved = json.loads(stamp.read_text())
    import hashlib

    saved["sha256"] = hashlib.sha256(poisoned.read_bytes()).hexdigest()  # anyone can compute this
    stamp.write_text(json.dumps(saved))
    assert build(clone) == 0
    with zipfile.ZipFile(poisoned) as zf:
        assert "extra" not in zf.namelist()
    assert fields(poisoned, tmp_path) == clean


def test_a_corrupt_stamp_is_no_stamp(project: Path, capsys):
    assert build(project) == 0
    for stamp in (project / "build" / "cache" / "stamps").iterdir():
        stamp.write_bytes(b"\x00{not json")
    capsys.readouterr()
    assert build(project) == 0
    assert "up to date" not in capsys.readouterr().out


def poison_render_cache(root: Path) -> int:
    conn = sqlite3.connect(root / "build" / "cache" / "texts.sqlite")
    with conn:
        rows = conn.execute("select key, entry from render").fetchall()
        for key, entry in rows:
            data = json.loads(entry)
            data["html"] = SCRIPT
            conn.execute("update render set entry = ? where key = ?", (json.dumps(data), key))
    conn.close()
    return len(rows)


def shards(cache: Path, *stems: str) -> list[Path]:
    """The files of sharded caches (mldeck/localcache.py SealedShards), say `notes.*.bin`."""
    found = [p for stem in stems for p in sorted(cache.glob(f"{stem}.*.bin"))]
    assert found, f"no {stems} shards in {cache}"
    return found


def test_a_poisoned_render_cache_entry_is_a_miss(project: Path, tmp_path: Path):
    assert build(project) == 0
    clean = fields(project / DECK, tmp_path)
    assert poison_render_cache(project) >= 3
    for path in shards(project / "build" / "cache", "notes", "entries", "entrytexts"):  # the later caches too, so
        path.unlink()  # the texts are looked up
    assert build(project, "--force") == 0
    assert fields(project / DECK, tmp_path) == clean


def test_a_cache_signed_in_another_checkout_is_not_trusted(project: Path, tmp_path: Path):
    assert build(project) == 0
    clean = fields(project / DECK, tmp_path)
    cache = project / "build" / "cache"
    seal = Seal(cache)  # the attacker's own, valid seal: committed with build/
    conn = sqlite3.connect(cache / "texts.sqlite")
    with conn:
        for key, entry in conn.execute("select key, entry from render").fetchall():
            data = json.dumps({**json.loads(entry), "html": SCRIPT})
            conn.execute("update render set entry = ?, mac = ? where key = ?",
                         (data, seal.sign(f"{key}\0{data}".encode()), key))  # fmt: skip
    conn.close()
    for path in shards(cache, "notes", "entries"):
        path.unlink()
    clone = tmp_path / "clone"
    shutil.copytree(project, clone)
    assert build(clone, "--force") == 0
    assert fields(clone / DECK, tmp_path) == clean


def test_poisoned_entry_and_note_caches_are_ignored(project: Path, tmp_path: Path):
    assert build(project) == 0
    clean = fields(project / DECK, tmp_path)
    poisoned = 0
    for path in shards(project / "build" / "cache", "notes", "entries", "entrytexts"):
        data = path.read_bytes()
        poisoned += b"Answer 1" in data
        path.write_bytes(data.replace(b"Answer 1", b"Answer X"))
    assert poisoned >= 2
    assert build(project, "--force") == 0
    assert fields(project / DECK, tmp_path) == clean


@pytest.mark.slow
def test_a_poisoned_diagram_file_is_drawn_again(tmp_path: Path):
    cache = tmp_path / "diagrams"
    first = DiagramCache(cache, MediaStore(tmp_path)).svg("vega-lite", json.dumps(POINT), "light")
    (path,) = [p for p in cache.rglob("*.svg")]
    mac, _, data = path.read_bytes().partition(b"\n")
    path.write_bytes(mac + b"\n" + data.replace(b"</svg>", b"<script>alert(1)</script></svg>"))
    again = DiagramCache(cache, MediaStore(tmp_path))
    assert again.svg("vega-lite", json.dumps(POINT), "light") == first
    assert (again.rendered, again.reused) == (1, 0)


# --- symlinks out of the checkout ---------------------------------------------------------------------


@pytest.fixture()
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "keep.txt").write_text("a file outside the checkout\n")
    return folder


def test_dist_leading_outside_is_an_error(project: Path, outside: Path, capsys):
    before = listing(outside)
    (project / "dist").symlink_to(outside, target_is_directory=True)
    assert build(project) == 1
    assert "dist/ leads outside the checkout" in capsys.readouterr().err
    assert listing(outside) == before


def test_build_leading_outside_means_no_cache(project: Path, outside: Path):
    before = listing(outside)
    (project / "build").symlink_to(outside, target_is_directory=True)
    assert build(project) == 0
    assert build(project) == 0
    assert (project / DECK).is_file()
    assert listing(outside) == before


def test_a_cache_file_linked_outside_is_not_used(project: Path, outside: Path):
    (project / "build" / "cache").mkdir(parents=True)
    names = ["texts.sqlite"] + [
        f"{stem}.{n:x}.bin" for stem in ("entries", "entrytexts", "notes", "tex") for n in range(16)
    ]
    for name in names:
        (project / "build" / "cache" / name).symlink_to(outside / "keep.txt")
    before = listing(outside)
    assert build(project) == 0
    assert listing(outside) == before


def test_media_leading_outside_is_an_error(project: Path, outside: Path, capsys):
    (outside / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\nsecret")
    shutil.rmtree(project / "media")
    (project / "media").symlink_to(outside, target_is_directory=True)
    (project / "cards" / "epam" / "901-q.md").write_text(card(1, "![secret](media/secret.png)"), encoding="utf-8")
    assert build(project) == 1
    assert "media/ leads outside the checkout" in capsys.readouterr().err
    assert not (project / DECK).exists()


# --- the deck path -------------------------------------------------------------------------------------


def test_the_deck_path_being_a_folder_is_an_error(project: Path, tmp_path: Path, capsys):
    (project / DECK).mkdir(parents=True)
    assert build(project) == 1
    assert re.search(r"ml-interview-questions\.apkg:1: error: the deck path is a folder", capsys.readouterr().err)
    target = tmp_path / "elsewhere"
    target.mkdir()
    assert build(project, "-o", str(target)) == 1
    assert "the deck path is a folder" in capsys.readouterr().err
