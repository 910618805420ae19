"""The scraper never moves a question onto another id: questions find their cards by content,
a renumbered article keeps every id with its question (and says so), a new question gets an
id no card ever had, and a card the reader would reject is never written."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from mldeck.cli import main
from mldeck.entries import read_entries
from mldeck.ledger import LEDGER_NAME, read_ledger
from mldeck.scrape.match import Known, match_questions
from mldeck.scrape.records import Question
from tests.helpers import ROOT, copy_project, snapshot_tree


def swap_questions(root: Path, source: str, a: int, b: int) -> None:
    """Exchange two consecutive questions of a snapshot, numbers and all (a renumbered article)."""
    snap = root / "sources" / source / "snapshot.txt"
    lines = snap.read_text(encoding="utf-8").split("\n")
    start = {n: next(i for i, s in enumerate(lines) if s.startswith(f"{n}. ")) for n in (a, b, b + 1)}
    first, second = lines[start[a] : start[b]], lines[start[b] : start[b + 1]]
    second[0], first[0] = f"{a}. " + second[0].split(". ", 1)[1], f"{b}. " + first[0].split(". ", 1)[1]
    lines[start[a] : start[b + 1]] = second + first
    snap.write_text("\n".join(lines), encoding="utf-8")


def insert_question(root: Path, source: str, before: int, block: str) -> None:
    """A new question before question `before`; the following ones are renumbered."""
    snap = root / "sources" / source / "snapshot.txt"
    text = snap.read_text(encoding="utf-8")

    def bump(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return f"{n + 1}. " if n >= before else m.group(0)

    head, marker, tail = text.partition(f"\n{before}. ")
    text = head + "\n" + block.strip() + "\n\n" + re.sub(r"^(\d+)\. ", bump, marker.lstrip("\n") + tail, flags=re.M)
    snap.write_text(text, encoding="utf-8")
    meta = root / "sources" / source / "source.yaml"
    meta.write_text(re.sub(r"^questions: (\d+)", lambda m: f"questions: {int(m.group(1)) + 1}",
                           meta.read_text(), flags=re.M))  # fmt: skip


def questions_by_id(root: Path, source: str) -> dict[str, str]:
    return {c.id: c.question for c in read_entries(root / "cards") if c.source == source}


@pytest.fixture()
def scraped(tmp_path: Path) -> Path:
    root = copy_project(tmp_path / "proj")
    assert main(["--root", str(root), "scrape"]) == 0
    return root


def test_a_renumbered_article_keeps_each_id_with_its_question(scraped: Path, capsys):
    before = questions_by_id(scraped, "epam")
    swap_questions(scraped, "epam", 8, 9)
    capsys.readouterr()
    assert main(["--root", str(scraped), "scrape", "--strict"]) == 0
    out = capsys.readouterr().out
    assert questions_by_id(scraped, "epam") == before
    assert "moved in the article, same id: epam-009: question 9 -> 8 (text match)" in out
    assert "moved in the article, same id: epam-008: question 8 -> 9 (text match)" in out
    assert "0 new, 2 updated, 40 unchanged" in out
    refs = {c.id: c.ref for c in read_entries(scraped / "cards") if c.source == "epam"}
    assert (refs["epam-008"], refs["epam-009"]) == ("9", "8")  # the number follows the article, the id stays


def test_the_repository_cards_keep_their_questions_when_the_article_is_renumbered(tmp_path: Path, capsys):
    """The committed, hand-edited cards: nothing is rewritten; the move is a reported conflict."""
    root = copy_project(tmp_path / "proj", with_cards=True)
    before = snapshot_tree(root / "cards")
    swap_questions(root, "epam", 8, 9)
    assert main(["--root", str(root), "scrape"]) == 0
    out = capsys.readouterr().out
    assert snapshot_tree(root / "cards") == before
    assert "epam-009: question 9 -> 8" in out and "epam-008: question 8 -> 9" in out
    assert "number in the article: 9 (common) -> 8 (common)" in out


def test_a_new_question_gets_a_never_used_id_and_the_rest_keep_theirs(scraped: Path, capsys):
    shutil.copy(ROOT / LEDGER_NAME, scraped / LEDGER_NAME)
    ledger = (scraped / LEDGER_NAME).read_text().splitlines()
    keep = [line for line in ledger if '"upwork-' in line or '"status": "retired"' in line]
    (scraped / LEDGER_NAME).write_text("\n".join(keep) + "\n")  # this project's ids: upwork's and retired ones
    before = questions_by_id(scraped, "upwork")
    insert_question(scraped, "upwork", 9, "9. What is a brand-new question about tokenisers?\n\nWhy ask it.\n\n"
                                          "A good answer could be: Tokenisers split text into units.")  # fmt: skip
    capsys.readouterr()
    assert main(["--root", str(scraped), "scrape", "--strict"]) == 0
    out = capsys.readouterr().out
    after = questions_by_id(scraped, "upwork")
    assert {i: after[i] for i in before} == before  # every old id still asks its own question
    [new_id] = set(after) - set(before)
    assert new_id == "upwork-009b" and "tokenisers" in after[new_id]  # upwork-009 is taken
    assert (scraped / "cards/upwork/009b-what-is-a-brand-new-question-about-tokenisers.md").is_file()
    assert "1 new," in out and "upwork-038: question 38 -> 39" in out
    assert read_ledger(scraped)[new_id].since == "next"


def test_a_reworded_question_keeps_its_id(scraped: Path, capsys):
    path = next((scraped / "cards/epam").glob("013-*.md"))
    snap = scraped / "sources/epam/snapshot.txt"
    text = snap.read_text(encoding="utf-8")
    old = "13. How can you handle missing values in a dataset?"
    assert old in text
    snap.write_text(text.replace(old, "13. How would you handle missing values in a dataset?"), encoding="utf-8")
    swap_questions(scraped, "epam", 12, 13)
    assert main(["--root", str(scraped), "scrape"]) == 0
    assert "How would you handle missing values" in path.read_text()
    assert "epam-013: question 13 -> 12 (similar match)" in capsys.readouterr().out


def test_a_deleted_card_stays_deleted_after_a_renumbering(scraped: Path, capsys):
    next((scraped / "cards/epam").glob("009-*.md")).unlink()
    swap_questions(scraped, "epam", 8, 9)
    assert main(["--root", str(scraped), "scrape"]) == 0
    assert "1 deleted (not recreated)" in capsys.readouterr().out
    assert "epam-009" not in questions_by_id(scraped, "epam")
    assert not list((scraped / "cards/epam").glob("008b-*"))


def test_matching_prefers_the_exact_text_then_the_position():
    q = [Question("s", n, f"What is thing number {w}?", "", n) for n, w in ((1, "one"), (2, "two"), (3, "three"))]
    known = [
        Known("s-002", frozenset({"what is thing number one"})),
        Known("s-001", frozenset({"what is thing number two"})),
        Known("s-007", frozenset({"what is the thing number three"})),
    ]
    got = [(m.id, m.how) for m in match_questions(q, known, {0: "s-001", 1: "s-002", 2: "s-003"})]
    assert got == [("s-002", "text"), ("s-001", "text"), ("s-007", "similar")]
    unrelated = [Known("s-009", frozenset({"how do transformers use attention"}))]
    assert [m.how for m in match_questions(q[:1], unrelated, {})] == ["new"]


# --- what the scraper writes always reads back ---------------------------------------------------

ANCHOR = "K-means is used in customer segmentation"


def insert_paragraph(root: Path, paragraph: str) -> int:
    """Put `paragraph` on lines of its own after the snapshot line holding ANCHOR (epam-006's
    answer); return the line number it starts at."""
    snap = root / "sources/epam/snapshot.txt"
    lines = snap.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if ANCHOR in line) + 1
    lines[at:at] = ["", paragraph]
    snap.write_text("\n".join(lines), encoding="utf-8")
    return at + 2


HOSTILE_SNAPSHOT_LINES = [
    ("heading", "# Not a heading, an article paragraph that starts with a hash."),
    ("section", "## Key point: an article paragraph shaped like a section heading."),
    ("tilde-fence", "~~~ a paragraph that would open a fence that never closes."),
]


@pytest.mark.parametrize("name, line", HOSTILE_SNAPSHOT_LINES, ids=[n for n, _ in HOSTILE_SNAPSHOT_LINES])
def test_markdown_headings_in_a_snapshot_are_escaped(scraped: Path, name: str, line: str):
    insert_paragraph(scraped, line)
    assert main(["--root", str(scraped), "scrape"]) == 0
    [card] = [c for c in read_entries(scraped / "cards") if c.id == "epam-006"]
    assert f"\\{line}" in card.answer.split("\n") and not card.text("key_point")


@pytest.mark.parametrize(
    "bad, message",
    [
        ("A paragraph with a NUL\x00 byte.", "control character U+0000"),
        ("A paragraph with Anki's field separator \x1f inside.", "control character U+001F"),
        ("```nosuchlanguage\nprint(1)\n```", "unknown fence language 'nosuchlanguage'"),
    ],
    ids=["nul", "unit-separator", "fence-language"],
)
def test_a_snapshot_the_reader_would_reject_fails_before_writing(scraped: Path, capsys, bad: str, message: str):
    line = insert_paragraph(scraped, bad)
    before = snapshot_tree(scraped / "cards")
    assert main(["--root", str(scraped), "scrape"]) == 1
    err = capsys.readouterr().err
    assert f"sources/epam/snapshot.txt:{line}: error: " in err and message in err
    assert snapshot_tree(scraped / "cards") == before


@pytest.mark.parametrize(
    "content, message",
    [
        ("<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> theirs\n", "not valid JSON"),
        ('["epam-001", "epam-002"]\n', "expected a JSON object of card ids, not a list"),
        ('{\n "epam-001": "abc"\n}\n', "entry 'epam-001': expected"),
    ],
    ids=["merge-conflict", "list", "bad-entry"],
)
def test_a_broken_scrape_lock_is_an_error_at_its_line(scraped: Path, capsys, content: str, message: str):
    lock = scraped / "cards/epam/scrape-lock.json"
    lock.write_text(content)
    assert main(["--root", str(scraped), "scrape"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and message in err and f"{lock}:" in err


def test_a_symlinked_source_folder_is_refused(scraped: Path, tmp_path: Path, capsys):
    outside = tmp_path / "outside"
    shutil.move(scraped / "cards/epam", outside)
    (scraped / "cards/epam").symlink_to(outside)
    before = snapshot_tree(outside)
    assert main(["--root", str(scraped), "scrape"]) == 1
    assert "is a symlink: the scraper writes card files only inside the project" in capsys.readouterr().err
    assert snapshot_tree(outside) == before


def test_a_folder_named_like_a_card_does_not_stop_the_scraper(scraped: Path):
    (scraped / "cards/epam/999-a-folder.md").mkdir()
    (scraped / "cards/epam/998-a-fifo.md").symlink_to("/dev/zero")
    assert main(["--root", str(scraped), "scrape"]) == 0


def test_the_lock_is_valid_json_after_a_scrape(scraped: Path):
    for lock in scraped.glob("cards/*/scrape-lock.json"):
        assert isinstance(json.loads(lock.read_text()), dict)


def test_a_source_folder_that_is_a_file_is_refused(scraped: Path, capsys):
    shutil.rmtree(scraped / "cards/epam")
    (scraped / "cards/epam").write_text("not a folder")
    assert main(["--root", str(scraped), "scrape"]) == 1
    assert "cards/epam:1: error: is not a folder" in capsys.readouterr().err


def test_a_huge_snapshot_is_refused(scraped: Path, capsys, monkeypatch):
    from mldeck.scrape import sites

    monkeypatch.setattr(sites, "MAX_SNAPSHOT", 1000)
    assert main(["--root", str(scraped), "scrape", "--source", "epam"]) == 1
    assert "sources/epam/snapshot.txt:1: error: snapshot larger than" in capsys.readouterr().err
