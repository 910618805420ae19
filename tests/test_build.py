"""`make deck`: options, filters, warnings and failures that leave the previous deck alone.

On the fixed corpus in tests/fixtures/project (14 cards: four folded, one unanswered)."""

from __future__ import annotations

import json
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest

from mldeck.cli import main
from tests.helpers import copy_fixture

NOTES = [
    "alldus-t04, epam-036, upwork-007",
    "alldus-t12",
    "deck-130",
    "epam-001, upwork-001",
    "epam-006",
    "epam-008, upwork-004",
    "epam-010",
    "epam-900",
    "upwork-011",
]


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    return copy_fixture(tmp_path_factory.mktemp("proj") / "p")


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return copy_fixture(tmp_path / "proj")


def deck_contents(apkg: Path, tmp: Path) -> tuple[set[str], list[tuple[str, str]]]:
    """(deck names, [(CardId field, tags)]) of a package."""
    import json

    with zipfile.ZipFile(apkg) as zf:
        (tmp / "c.db").write_bytes(zf.read("collection.anki2"))
    conn = sqlite3.connect(tmp / "c.db")
    decks = {d["name"] for d in json.loads(conn.execute("select decks from col").fetchone()[0]).values()}
    rows = [(flds.split("\x1f")[-1], tags) for flds, tags in conn.execute("select flds, tags from notes")]
    conn.close()
    return decks - {"Default"}, rows


def build(root: Path, *args: str) -> int:
    return main(["--root", str(root), "build", "--quiet", *args])


def test_default_build_splits_by_difficulty(base: Path, tmp_path: Path, capsys):
    assert build(base, "-o", str(tmp_path / "d.apkg")) == 0
    decks, rows = deck_contents(tmp_path / "d.apkg", tmp_path)
    assert decks == {
        "ML Interview Questions",
        "ML Interview Questions::1 Basic",
        "ML Interview Questions::2 Intermediate",
        "ML Interview Questions::3 Advanced",
    }
    assert sorted(cid for cid, _ in rows) == NOTES
    files = len(list((base / "cards").glob("*/[0-9t]*.md")))
    folded = sum("\nduplicate_of:" in p.read_text() for p in (base / "cards").glob("*/*.md"))
    assert folded and f"{len(NOTES)} notes from {files} card files ({folded} folded into another note)" in (
        capsys.readouterr().out
    )


@pytest.mark.parametrize(
    ("args", "decks"),
    [
        (["--split", "source"], {"Upwork", "Alldus", "EPAM Anywhere", "Beyond the articles"}),
        (["--split", "none"], set()),
    ],
)
def test_split_options(base: Path, tmp_path: Path, args: list[str], decks: set[str]):
    assert build(base, "-o", str(tmp_path / "d.apkg"), *args) == 0
    names, _ = deck_contents(tmp_path / "d.apkg", tmp_path)
    assert names == {"ML Interview Questions"} | {f"ML Interview Questions::{d}" for d in decks}


def test_filters_make_a_smaller_deck(base: Path, tmp_path: Path):
    out = tmp_path / "int-epam.apkg"
    assert build(base, "-o", str(out), "--source", "epam", "--difficulty", "intermediate") == 0
    _, rows = deck_contents(out, tmp_path)
    assert [cid for cid, _ in rows] == ["alldus-t04, epam-036, upwork-007"]  # epam-036 is folded in
    out2 = tmp_path / "reg.apkg"
    assert build(base, "-o", str(out2), "--tag", "clustering") == 0
    _, rows = deck_contents(out2, tmp_path)
    assert [cid for cid, _ in rows] == ["epam-006"]


def test_no_match_is_an_error(base: Path, tmp_path: Path, capsys):
    # every value exists, but no note of the deck's own questions is about clustering
    assert build(base, "-o", str(tmp_path / "y.apkg"), "--tag", "clustering") == 0
    capsys.readouterr()
    assert build(base, "-o", str(tmp_path / "x.apkg"), "--source", "deck", "--tag", "clustering") == 1
    assert "no notes match the filters (source deck; tag clustering)" in capsys.readouterr().err
    assert not (tmp_path / "x.apkg").exists()


def test_unknown_filter_values_list_the_known_ones(base: Path, tmp_path: Path, capsys):
    assert build(base, "-o", str(tmp_path / "x.apkg"), "--tag", "no-such-topic", "--source", "nope") == 1
    err = capsys.readouterr().err
    assert "error: unknown source nope (known: alldus, deck, epam, upwork)" in err
    assert "error: unknown tag no-such-topic (topics and kinds: " in err and "clustering" in err
    assert not (tmp_path / "x.apkg").exists()


def test_filtered_build_is_named_after_its_filter_and_carries_only_its_media(base: Path, tmp_path: Path):
    assert build(base, "--source", "upwork", "--difficulty", "basic") == 0
    out = base / "dist" / "ml-interview-questions-source-upwork-difficulty-basic.apkg"
    assert out.is_file() and not (base / "dist" / "ml-interview-questions.apkg").exists()
    with zipfile.ZipFile(out) as zf:
        index = json.loads(zf.read("media"))
        (tmp_path / "c.db").write_bytes(zf.read("collection.anki2"))
    conn = sqlite3.connect(tmp_path / "c.db")
    fields = " ".join(flds for (flds,) in conn.execute("select flds from notes"))
    conn.close()
    shown = set(re.findall(r'src="(mldeck-[0-9a-f]+\.\w+)"', fields))
    assert shown and set(index.values()) == shown  # no picture that no note of this deck shows
    assert not any(name.endswith(".png") for name in shown)  # the red dot is epam-900's, not in this deck


def test_rebuild_with_nothing_changed_does_nothing(project: Path, capsys):
    assert build(project) == 0
    out = project / "dist" / "ml-interview-questions.apkg"
    before = out.stat().st_mtime_ns
    capsys.readouterr()
    assert build(project) == 0
    assert "up to date" in capsys.readouterr().out
    assert out.stat().st_mtime_ns == before


def test_one_changed_card_renders_only_that_card(project: Path, capsys):
    assert build(project) == 0
    path = next((project / "cards" / "epam").glob("001-*.md"))
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    capsys.readouterr()
    assert build(project) == 0
    assert "(1 rendered," in capsys.readouterr().out


def test_missing_answers_are_skipped_with_one_warning(project: Path, capsys):
    path = next((project / "cards" / "alldus").glob("t12-*.md"))
    text = path.read_text(encoding="utf-8")
    head, _, _ = text.partition("\n# ")
    question = text.split("\n# ", 1)[1].split("\n", 1)[0]
    path.write_text(head.replace("answer_origin: deck", "answer_origin: missing") + f"\n# {question}\n")
    assert build(project) == 0
    err = capsys.readouterr().err
    assert err.count("warning:") == 1 and "skipped 2 card(s)" in err and "alldus-t12, epam-901" in err


BROKEN = [
    ("difficulty: basic", "difficulty: hard", "unknown difficulty 'hard'"),
    ("topics: [", "topics: [no-such-topic, ", "unknown topic 'no-such-topic'"),
]


def _break_card(project: Path, old: str, new: str) -> Path:
    for path in sorted((project / "cards").glob("*/*.md")):
        text = path.read_text(encoding="utf-8")
        if old in text:
            path.write_text(text.replace(old, new, 1), encoding="utf-8")
            return path
    raise AssertionError(f"no card contains {old!r}")


def _append(project: Path, extra: str) -> Path:
    path = next((project / "cards" / "epam").glob("001-*.md"))
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition("\n## ")
    path.write_text(head.rstrip("\n") + "\n\n" + extra + "\n" + (sep + rest if sep else ""), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("difficulty", "unknown difficulty 'hard'"),
        ("fence", "unknown fence language 'pythonn'"),
        ("image", "image 'media/missing.png': no such file in media/"),
        ("escape", "must be a path under media/"),
        ("duplicate", "duplicate id 'epam-006'"),
        ("frontmatter", "expected 'key: value'"),
        ("dangling", "duplicate_of 'epam-999': no card has that id"),
    ],
)
def test_bad_card_stops_the_build_and_keeps_the_old_deck(project: Path, capsys, kind: str, message: str):
    assert build(project) == 0
    out = project / "dist" / "ml-interview-questions.apkg"
    before = out.read_bytes()
    if kind == "difficulty":
        path = _break_card(project, "difficulty: basic", "difficulty: hard")
    elif kind == "fence":
        path = _append(project, "```pythonn\nx = 1\n```")
    elif kind == "image":
        path = _append(project, "![a plot](media/missing.png)")
    elif kind == "escape":
        path = _append(project, "![secrets](../../etc/passwd)")
    elif kind == "duplicate":
        path = _break_card(project, "id: epam-010", "id: epam-006")
    elif kind == "frontmatter":
        path = _break_card(project, "\nref: 6\n", "\nref 6\n")
    else:
        path = _break_card(project, "answer_origin: source\n", "answer_origin: source\nduplicate_of: epam-999\n")
    capsys.readouterr()
    assert build(project) == 1
    err = capsys.readouterr().err
    assert message in err
    line = next(x for x in err.splitlines() if message in x)
    assert line.startswith(f"{path}:") and ": error: " in line
    int(line[len(str(path)) + 1 :].split(":", 1)[0])  # a line number
    assert "no deck written" in err and "Traceback" not in err
    assert out.read_bytes() == before


def test_fence_error_names_the_fence_line(project: Path, capsys):
    path = _append(project, "```pythonn\nx = 1\n```")
    lines = path.read_text(encoding="utf-8").split("\n")
    expected = lines.index("```pythonn") + 1
    assert build(project) == 1
    assert f"{path}:{expected}: error: unknown fence language" in capsys.readouterr().err


def test_deck_description_names_version_and_articles(base: Path, tmp_path: Path):
    import json

    from mldeck import __version__

    assert build(base, "-o", str(tmp_path / "d.apkg")) == 0
    with zipfile.ZipFile(tmp_path / "d.apkg") as zf:
        (tmp_path / "c.db").write_bytes(zf.read("collection.anki2"))
    conn = sqlite3.connect(tmp_path / "c.db")
    decks = json.loads(conn.execute("select decks from col").fetchone()[0])
    conn.close()
    (root,) = [d for d in decks.values() if d["name"] == "ML Interview Questions"]
    desc = root["desc"]
    assert __version__ in desc
    for publisher in ("Upwork", "Alldus Recruitment", "EPAM Anywhere"):
        assert publisher in desc


def test_the_package_is_the_same_bytes_without_the_scratch_database_pragmas(base: Path, tmp_path: Path, monkeypatch):
    """apkg.py writes its scratch SQLite file without a journal or fsync: only faster, never
    other bytes than SQLite's defaults give."""
    import sqlite3

    from mldeck.build import apkg
    from mldeck.build.run import BuildOptions, deck_description, prepare_notes
    from mldeck.notetype.model import ROOT_DECK, deck_ids, make_model

    prepared = prepare_notes(base, BuildOptions(quiet=True))
    args = (make_model(), deck_ids(prepared.sources.values()), {ROOT_DECK: deck_description(prepared.sources)},
            prepared.notes, prepared.media, prepared.model_mod)  # fmt: skip
    apkg.write_apkg(tmp_path / "fast.apkg", *args)
    pragmas: list[str] = []

    class Defaults(sqlite3.Connection):
        def execute(self, sql, *params):  # noqa: ANN001, ANN202 - sqlite3's own signature
            if sql.startswith("PRAGMA"):
                pragmas.append(sql)
                return None
            return super().execute(sql, *params)

    real = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda path: real(path, factory=Defaults))
    apkg.write_apkg(tmp_path / "defaults.apkg", *args)
    assert len(pragmas) == 2  # the pragmas were there to leave out
    assert (tmp_path / "fast.apkg").read_bytes() == (tmp_path / "defaults.apkg").read_bytes()
