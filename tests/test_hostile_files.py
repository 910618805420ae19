"""Hostile files around the cards: media that is not what it says or carries script, folders
symlinked out of the project, broken metadata, locks and packages, and card files the reader
would skip. Each gets a clear `file:line` error (or a message naming the file), never a
traceback and never silence."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from mldeck.errors import DeckError
from mldeck.imagecheck import image_problem
from mldeck.sources import MAX_DEPTH, _read
from tests.helpers import copy_project, run_cli, run_script
from tests.test_hostile import DECK, card_text
from tests.test_hostile_content import png_bytes, refused_at

pytestmark = pytest.mark.slow  # many CLI runs over a hostile corpus: `make test` and CI run it, `make check` does not

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">{}</svg>'


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = copy_project(tmp_path / "proj")
    (root / "cards" / "epam").mkdir()
    (root / "cards/epam/900-base.md").write_text(card_text(900))
    return root


def no_traceback(proc) -> None:
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr


# --- media ---------------------------------------------------------------------------------------------

BAD_MEDIA = [
    ("onload.svg", SVG.format('<rect onload="alert(1)" width="5" height="5"/>').encode(), "event handler onload="),
    ("script.svg", SVG.format("<script>alert(1)</script>").encode(), "<script> is not allowed"),
    (
        "foreign.svg",
        SVG.format('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>').encode(),
        "<foreignObject> is not allowed",
    ),  # fmt: skip
    (
        "xhtml.svg",
        SVG.format('<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>').encode(),
        "namespace 'http://www.w3.org/1999/xhtml'",
    ),  # fmt: skip
    ("css-url.svg", SVG.format('<rect style="fill:url(https://tracker.example/p)"/>').encode(), "no remote"),
    ("css-fill.svg", SVG.format("<rect fill=\"url('https://tracker.example/p')\"/>").encode(), "no remote"),
    (
        "css-sheet.svg",
        SVG.format("<style>rect { background: url(//tracker.example/p) }</style>").encode(),
        "<style> sheet loads",
    ),  # fmt: skip
    ("css-import.svg", SVG.format("<style>@import 'https://e.example/x.css';</style>").encode(), "<style> sheet"),
    (
        "xxe.svg",
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + SVG.format("<text>&x;</text>").encode(),
        "DOCTYPE",
    ),  # fmt: skip
    (
        "laughs.svg",
        b'<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        + SVG.format("<text>&b;</text>").encode(),
        "DOCTYPE",
    ),  # fmt: skip
    ("stylesheet.svg", b'<?xml-stylesheet href="https://e.example/x.css"?>' + SVG.format("").encode(), "style-sheet"),
    ("js-href.svg", SVG.format('<a xlink:href="javascript:alert(1)"><text>x</text></a>').encode(), "<a> is not"),
    ("use-remote.svg", SVG.format('<use href="https://e.example/s.svg#x"/>').encode(), "only #ids"),
    ("image-remote.svg", SVG.format('<image href="https://tracker.example/p.png"/>').encode(), "only #ids"),
    (
        "animate.svg",
        SVG.format('<animate attributeName="href" values="javascript:alert(1)"/>').encode(),
        "<animate> is not allowed",
    ),  # fmt: skip
    ("set.svg", SVG.format('<set attributeName="onclick" to="alert(1)"/>').encode(), "<set> is not allowed"),
    ("no-namespace.svg", b"<svg><rect/></svg>", "an SVG is <svg xmlns="),
    ("html.svg", b"<html><body><script>alert(1)</script></body></html>", "the root element is <html>"),
    ("not-xml.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>", "not well-formed XML"),
    ("utf16.svg", SVG.format("").encode("utf-16"), "UTF-16"),
    ("svg-as.png", SVG.format("<script>alert(1)</script>").encode(), "not a PNG image"),
    ("html-as.png", b"<html><script>alert(1)</script></html>", "not a PNG image"),
    ("png-as.jpg", png_bytes(), "not a JPG image"),
    ("fake.gif", b"GIF00a" + b"\0" * 20, "not a GIF image"),
    ("fake.webp", b"RIFF\0\0\0\0WAVEfmt ", "not a WEBP image"),
    ("empty.png", b"", "not a PNG image"),
]
GOOD_MEDIA = [
    (
        "gradient.svg",
        SVG.format(
            '<defs><linearGradient id="g"><stop offset="0"/></linearGradient></defs>'
            '<rect fill="url(#g)" width="5" height="5"/><use href="#g"/>'
            '<image href="data:image/png;base64,iVBORw0KGgo="/>'
        ).encode(),
    ),  # fmt: skip
    (
        "inkscape.svg",
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/'
            b'inkscape"><inkscape:perspective/><title>t</title></svg>'
        ),
    ),  # fmt: skip
    ("pixel.png", png_bytes()),
    ("photo.jpg", b"\xff\xd8\xff\xe0\0\x10JFIF\0"),
    ("anim.gif", b"GIF89a\x01\0\x01\0\0\0\0;"),
    ("pic.webp", b"RIFF\x1a\0\0\0WEBPVP8 "),
]


@pytest.mark.parametrize("name, data, message", BAD_MEDIA, ids=[n for n, _, _ in BAD_MEDIA])
def test_bad_media_is_refused(name: str, data: bytes, message: str):
    problem = image_problem(data, Path(name).suffix)
    assert problem is not None and message in problem, problem


@pytest.mark.parametrize("name, data", GOOD_MEDIA, ids=[n for n, _ in GOOD_MEDIA])
def test_plain_media_passes(name: str, data: bytes):
    assert image_problem(data, Path(name).suffix) is None


def test_every_bad_media_file_stops_lint_and_build_at_its_image_line(project: Path):
    for i, (name, data, _) in enumerate(BAD_MEDIA):
        (project / "media" / name).write_bytes(data)
        (project / f"cards/epam/{910 + i}-media.md").write_text(card_text(910 + i, answer=f"![pic](media/{name})"))
    lint = run_cli(project, "lint")
    build = run_cli(project, "build", "--quiet")
    no_traceback(lint)
    no_traceback(build)
    assert lint.returncode == build.returncode == 1
    for i, (name, _, message) in enumerate(BAD_MEDIA):
        where = f"cards/epam/{910 + i}-media.md:12: error: image 'media/{name}': "
        assert where in lint.stdout and where in build.stderr, name
        assert message in lint.stdout.split(where, 1)[1].split("\n", 1)[0], name
    assert not (project / DECK).exists()


def test_plain_media_is_packaged(project: Path):
    for i, (name, data) in enumerate(GOOD_MEDIA):
        (project / "media" / name).write_bytes(data)
        (project / f"cards/epam/{940 + i}-media.md").write_text(card_text(940 + i, answer=f"![pic](media/{name})"))
    proc = run_cli(project, "build", "--quiet")
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(project / DECK) as zf:
        packed = {zf.read(n) for n in zf.namelist() if n.isdigit()}
    assert {data for _, data in GOOD_MEDIA} <= packed


# --- symlinks out of the project (reading) ----------------------------------------------------------------


def outside_folder(tmp_path: Path) -> Path:
    out = tmp_path / "outside"
    out.mkdir(exist_ok=True)
    (out / "secret.png").write_bytes(png_bytes())
    return out


def test_media_symlinked_out_of_the_project_is_refused(project: Path, tmp_path: Path):
    shutil.rmtree(project / "media")
    (project / "media").symlink_to(outside_folder(tmp_path))
    (project / "cards/epam/901-img.md").write_text(card_text(901, answer="![x](media/secret.png)"))
    refused_at(project, "media", 1, "media/ leads outside the checkout (a symlink)")


def test_media_as_a_symlink_loop_is_refused_with_a_message(project: Path):
    shutil.rmtree(project / "media")
    (project / "media").symlink_to(project / "media")  # points at itself
    refused_at(project, "media", 1, "media/ leads outside the checkout (a symlink)")


def test_a_source_folder_of_cards_symlinked_out_of_the_project_is_refused(project: Path, tmp_path: Path):
    outside = tmp_path / "outside-cards"
    outside.mkdir()
    (outside / "001-x.md").write_text(
        card_text(1).replace("source: epam", "source: upwork").replace("epam-1", "upwork-1")
    )
    (project / "cards/upwork").symlink_to(outside)
    refused_at(project, "cards/upwork/001-x.md", 1, "symlink to a file outside cards/")


def test_cards_symlinked_out_of_the_project_is_refused(project: Path, tmp_path: Path):
    outside = tmp_path / "outside-all"
    shutil.move(project / "cards", outside)
    (project / "cards").symlink_to(outside)
    proc = run_cli(project, "lint")
    no_traceback(proc)
    assert proc.returncode == 1 and "cards:1: error: cards/ is a symlink to a folder outside the project" in proc.stdout


def test_a_source_symlinked_out_of_the_project_is_refused(project: Path, tmp_path: Path):
    outside = tmp_path / "outside-source"
    shutil.copytree(project / "sources/epam", outside)
    (project / "sources/other").symlink_to(outside)
    proc = run_cli(project, "build", "--quiet")
    no_traceback(proc)
    assert proc.returncode == 1 and "sources/other:1: error: a source folder that is a symlink out of" in proc.stderr


# --- broken metadata, locks, packages: messages, not tracebacks -------------------------------------------


def meta(root: Path) -> Path:
    return root / "sources/epam/source.yaml"


BROKEN_SOURCES = [
    ("latin-1", lambda p: p.write_bytes(p.read_bytes().replace(b"EPAM", b"EPAM\xe9")), "not UTF-8"),
    (
        "words",
        lambda p: p.write_text(p.read_text().replace("questions: 42", "questions: forty-two")),
        "questions must be a whole number",
    ),  # fmt: skip
    (
        "alias-bomb",
        lambda p: p.write_text(p.read_text() + "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a]\n"),
        "aliases are not allowed",
    ),  # fmt: skip
    (
        "deep",
        lambda p: p.write_text(p.read_text() + "deep: " + "[" * 5000 + "]" * 5000 + "\n"),
        "malformed YAML: nested more than 32 deep",
    ),  # fmt: skip
    ("list", lambda p: p.write_text("- a\n- b\n"), "expected a mapping"),
    ("empty", lambda p: p.write_text(""), "expected a mapping"),
    ("folder", lambda p: (p.unlink(), p.mkdir()), "missing source metadata file"),
    ("huge", lambda p: p.write_text("title: " + "x" * 70_000), "larger than 64 KiB"),
    (
        "5000-digits",
        lambda p: p.write_text(p.read_text().replace("questions: 42", "questions: " + "9" * 5000)),
        "a number with thousands of digits",
    ),  # fmt: skip
]


@pytest.mark.parametrize("name, breaks, message", BROKEN_SOURCES, ids=[n for n, _, _ in BROKEN_SOURCES])
def test_broken_source_metadata_is_an_error_at_its_file(project: Path, name: str, breaks, message: str):
    breaks(meta(project))
    for command in (("lint",), ("build", "--quiet"), ("scrape",)):
        proc = run_cli(project, *command)
        no_traceback(proc)
        assert proc.returncode == 1 and "sources/epam/source.yaml:" in proc.stdout + proc.stderr, command
        assert message in proc.stdout + proc.stderr, (command, proc.stdout + proc.stderr)


@pytest.mark.parametrize(
    "nested",
    [
        "deep: " + "[" * 5000 + "]" * 5000,  # flow: refused by the scanner
        "deep: " + "{a: " * 5000 + "1" + "}" * 5000,
        "deep:\n  " + "- " * 5000 + "x",  # block sequences on one line: refused by the composer
        "deep:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 200)) + " " * 200 + "x",
    ],
    ids=["flow-lists", "flow-mappings", "block-inline", "block-indented"],
)
def test_a_source_nested_too_deep_is_refused_at_its_line(tmp_path: Path, nested: str):
    path = tmp_path / "source.yaml"
    path.write_text("title: T\npublisher: P\n" + nested + "\n", encoding="utf-8")
    with pytest.raises(DeckError) as caught:
        _read(path)
    (problem,) = caught.value.problems
    assert problem.message == f"malformed YAML: nested more than {MAX_DEPTH} deep"
    assert problem.line >= 3 and problem.path == path  # on the nested value, not line 1
    path.write_text("title: T\nsections: {a: [[1, 2], {b: [x]}]}\n", encoding="utf-8")
    assert _read(path)[0]["sections"] == {"a": [[1, 2], {"b": ["x"]}]}  # a few levels are fine


def test_a_media_file_name_that_is_not_utf8_does_not_stop_the_build(project: Path):
    (project / os.fsdecode(b"media/\xff.png")).write_bytes(png_bytes())
    proc = run_script(project, "build", "--quiet")  # a new process: its stdout and stderr are real pipes
    no_traceback(proc)
    assert proc.returncode == 0


def test_new_refuses_a_cards_path_that_is_a_file(project: Path):
    shutil.rmtree(project / "cards")
    (project / "cards").write_text("not a folder")
    proc = run_cli(project, "new", "deck", "What is new?")
    no_traceback(proc)
    assert proc.returncode == 1 and "is not a folder" in proc.stderr


def test_missing_sources_folder(project: Path):
    shutil.rmtree(project / "sources")
    for command in (("lint",), ("build", "--quiet"), ("scrape",), ("new", "deck", "What?")):
        proc = run_cli(project, *command)
        no_traceback(proc)
        assert proc.returncode == 1 and "the sources/ folder is missing" in proc.stdout + proc.stderr, command


def test_unknown_sources_with_split_source(project: Path):
    (project / "cards/nosuch").mkdir()
    (project / "cards/nosuch/001-x.md").write_text(card_text(1).replace("epam", "nosuch"))
    proc = run_cli(project, "build", "--quiet", "--split", "source")
    no_traceback(proc)
    assert proc.returncode == 1 and "cards/nosuch/001-x.md:3: error: unknown source 'nosuch'" in proc.stderr
    (project / "cards/nosuch/001-x.md").unlink()
    proc = run_cli(project, "build", "--quiet", "--split", "source", "--source", "nosuch")
    no_traceback(proc)
    assert proc.returncode == 1 and "unknown source nosuch (known: alldus, deck, epam, upwork)" in proc.stderr


def test_a_5000_digit_ref_and_id(project: Path):
    digits = "9" * 5000
    (project / "cards/epam/901-ref.md").write_text(card_text(901).replace("ref: 901", f"ref: {digits}"))
    refused_at(project, "cards/epam/901-ref.md", 4, "ref is longer than 16 characters")
    (project / "cards/epam/901-ref.md").write_text(card_text(901).replace("epam-901", f"epam-{digits}"))
    lint = run_cli(project, "lint")
    no_traceback(lint)


@pytest.mark.parametrize(
    "content, message",
    [("<<<<<<< HEAD\n{}\n=======\n[]\n>>>>>>> x\n", "not valid JSON"), ("[1, 2]", "not a list"), ("{", "not valid")],
    ids=["conflict", "list", "truncated"],
)
def test_a_broken_scrape_lock_is_a_lint_error(project: Path, content: str, message: str):
    (project / "cards/epam/scrape-lock.json").write_text(content)
    proc = run_cli(project, "lint")
    no_traceback(proc)
    assert proc.returncode == 1 and "cards/epam/scrape-lock.json:" in proc.stdout
    assert message.replace("not a list", "not a list") in proc.stdout or "expected a JSON object" in proc.stdout


def test_diff_on_a_package_with_null_columns(project: Path, tmp_path: Path):
    proc = run_cli(project, "build", "--quiet")
    assert proc.returncode == 0, proc.stderr
    good = project / DECK
    for column in ("flds", "tags", "guid"):
        bad = tmp_path / f"null-{column}.apkg"
        with zipfile.ZipFile(good) as zf:
            db = tmp_path / "c.anki2"
            db.write_bytes(zf.read("collection.anki2"))
        conn = sqlite3.connect(db)
        conn.executescript("create table n2 as select * from notes; drop table notes; alter table n2 rename to notes;")
        conn.execute(f"update notes set {column} = NULL")  # a hand-made package: no NOT NULL constraints
        conn.commit()
        conn.close()
        with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
            for item in src.namelist():
                dst.writestr(item, db.read_bytes() if item == "collection.anki2" else src.read(item))
        diff = run_cli(project, "diff", str(good), str(bad))
        no_traceback(diff)
        if column == "guid":  # no identity: the package cannot be compared
            assert diff.returncode == 2 and f"error: {bad}: note " in diff.stderr and "has no GUID" in diff.stderr
        else:  # empty fields or no tags: the notes compare, as rewritten or retagged
            expected = "retagged" if column == "tags" else "rewritten"
            assert diff.returncode == 0 and f"{expected} (1)" in diff.stdout.lower(), diff.stdout + diff.stderr


def test_diff_on_a_package_with_list_shaped_models(project: Path, tmp_path: Path):
    run_cli(project, "build", "--quiet")
    bad = tmp_path / "models.apkg"
    with zipfile.ZipFile(project / DECK) as zf:
        db = tmp_path / "c.anki2"
        db.write_bytes(zf.read("collection.anki2"))
    conn = sqlite3.connect(db)
    conn.execute("update col set models = ?", (json.dumps([1, 2]),))
    conn.commit()
    conn.close()
    with zipfile.ZipFile(bad, "w") as dst:
        dst.write(db, "collection.anki2")
    diff = run_cli(project, "diff", str(project / DECK), str(bad))
    no_traceback(diff)
    assert diff.returncode == 2 and "unreadable collection" in diff.stderr


# --- card files that would be skipped in silence ------------------------------------------------------------


STRAY = [
    ("cards/epam/901-upper.MD", "a card file's name ends in '.md' (lower case)"),
    ("cards/epam/902-mixed.Md", "a card file's name ends in '.md' (lower case)"),
    ("cards/epam/903-long.markdown", "a card file's name ends in '.md' (lower case)"),
    ("cards/epam/nested/904-deep.md", "card files live directly in cards/<source>/"),
    ("cards/epam/a/b/905-deeper.MD", "card files live directly in cards/<source>/"),
    ("cards/906-top.md", "card files live cards/<source>/, not in cards/ itself"),
    ("cards/epam/907-trailing.md ", "a card file's name ends in '.md' (lower case)"),
]


def test_card_files_the_reader_would_skip_are_errors(project: Path):
    for i, (rel, _) in enumerate(STRAY):
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(card_text(901 + i))
    (project / "cards/epam/notes.txt").write_text("not a card, not Markdown: ignored")
    lint = run_cli(project, "lint")
    build = run_cli(project, "build", "--quiet")
    no_traceback(lint)
    assert lint.returncode == build.returncode == 1
    for rel, message in STRAY:
        assert f"{rel}:1: error: not read: {message}" in lint.stdout, rel
        assert f"{project / rel}:1: error: not read: {message}" in build.stderr, rel
    assert "notes.txt" not in lint.stdout


def test_a_symlinked_folder_inside_a_source_is_reported(project: Path, tmp_path: Path):
    outside = tmp_path / "more"
    outside.mkdir()
    (outside / "908-x.md").write_text(card_text(908))
    (project / "cards/epam/more").symlink_to(outside)
    lint = run_cli(project, "lint")
    assert lint.returncode == 1 and "cards/epam/more:1: error: not read: a symlinked folder" in lint.stdout


def test_a_card_file_name_that_is_not_utf8(project: Path):
    name = os.fsdecode(b"cards/epam/907-caf\xe9.md")
    (project / name).write_text(card_text(907))
    lint = run_script(project, "lint")  # a new process: the name is printed to real pipes
    build = run_script(project, "build", "--quiet")
    no_traceback(lint)
    no_traceback(build)
    assert lint.returncode == build.returncode == 1
    assert "cards/epam/907-caf\\xe9.md:1: error: the file name is not UTF-8: rename it" in lint.stdout
    assert "907-caf\\xe9.md:1: error: the file name is not UTF-8" in build.stderr


def test_a_directory_named_like_a_card_stops_nothing_silently(project: Path):
    (project / "cards/epam/908-folder.md").mkdir()
    for command in (("lint",), ("build", "--quiet"), ("scrape", "--source", "epam")):
        proc = run_cli(project, *command)
        no_traceback(proc)
    assert "cards/epam/908-folder.md:1: error: not a regular file" in run_cli(project, "lint").stdout
