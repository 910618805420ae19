"""The id ledger: ids never change, disappear or come back (lint), the ledger only grows, and
`new` takes an id no card ever had. Each rule on a small git project of its own."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mldeck.cli import main
from mldeck.entries import Entry, format_entry, read_entries
from mldeck.errors import DeckError
from mldeck.freshids import fresh_id, next_number, used_ids
from mldeck.ledger import LEDGER_NAME, parse_ledger, question_key, read_ledger
from mldeck.lint.ids import id_problems
from mldeck.scrape.lock import LOCK_NAME
from tests.helpers import ROOT


def entry(entry_id: str, question: str, source: str = "epam") -> Entry:
    return Entry.make(
        id=entry_id, source=source, ref=entry_id.split("-")[1].lstrip("0") or "0", difficulty="basic",
        topics=("fundamentals",), answer_origin="deck", question=question, answer="An answer.",
        key_point="A key point.", references="- A book, 2020." if source == "deck" else "",
    )  # fmt: skip


CARDS = {
    "cards/epam/008-cross-validation.md": entry("epam-008", "What is cross-validation and why is it useful?"),
    "cards/epam/009-feature-selection.md": entry("epam-009", "How is feature selection important?"),
    "cards/epam/010-euclidean.md": entry("epam-010", "Write a Python function to compute the Euclidean distance."),
    "cards/deck/001-oob.md": entry("deck-001", "What is the out-of-bag error?", "deck"),
}


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """sources/, four cards, their ledger (plus a retired id), committed in a git repository."""
    root = tmp_path / "proj"
    shutil.copytree(ROOT / "sources", root / "sources")
    for rel, card in CARDS.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(format_entry(card), encoding="utf-8")
    lines = [
        {"id": c.id, "status": "live", "since": "v1.0.0", "file": rel, "question": c.question}
        for rel, c in CARDS.items()
    ]
    lines.append({"id": "epam-042", "status": "retired", "since": "v1.0.0", "file": "cards/epam/042-capsnet.md",
                  "question": "What is a capsule network?", "note": "deleted"})  # fmt: skip
    lines.sort(key=lambda r: r["id"])
    (root / LEDGER_NAME).write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    git(root, "init", "-q")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "add", ".")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base")
    return root


def problems(root: Path, base: str | None = "HEAD") -> list[str]:
    cards = read_entries(root / "cards")
    return [
        f"{Path(p.path).relative_to(root).as_posix()}:{p.line}: {p.message}" for p in id_problems(root, cards, base)
    ]


def set_id(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text().replace(f"id: {old}\n", f"id: {new}\n"))


def ledger_line(root: Path, entry_id: str) -> int:
    return read_ledger(root)[entry_id].line


# --- the repository's own ledger ----------------------------------------------------------------


def test_the_repository_ledger_holds_every_card_and_every_locked_id():
    ledger = read_ledger(ROOT)
    cards = read_entries(ROOT / "cards")
    assert all(ledger[c.id].live for c in cards), "every card id is recorded and live"
    for lock in (ROOT / "cards").glob(f"*/{LOCK_NAME}"):
        assert set(json.loads(lock.read_text())) <= set(ledger), lock
    assert id_problems(ROOT, cards, base_ref=None) == []
    retired = [r for r in ledger.values() if not r.live]
    assert all(r.id not in {c.id for c in cards} for r in retired)


def test_a_clean_project_has_no_id_problems(project: Path):
    assert problems(project) == []


# --- the rules ----------------------------------------------------------------------------------


def test_a_changed_id_names_the_old_one(project: Path):
    set_id(project / "cards/epam/010-euclidean.md", "epam-010", "epam-0010")
    line = ledger_line(project, "epam-010")
    assert problems(project, base=None) == [
        f"cards/epam/010-euclidean.md:2: id changed from 'epam-010' to 'epam-0010' ({LEDGER_NAME}:{line} records it "
        "for this file): an id never changes: every user's review history of the note hangs on it. "
        "Put back 'id: epam-010'"
    ]


def test_a_changed_id_in_a_renamed_file_is_found_by_its_question(project: Path):
    git(project, "mv", "cards/epam/010-euclidean.md", "cards/epam/010-distance.md")
    set_id(project / "cards/epam/010-distance.md", "epam-010", "epam-focal")
    [found] = problems(project)
    assert found.startswith("cards/epam/010-distance.md:2: id changed from 'epam-010' to 'epam-focal'")
    assert "records it for this question" in found


def test_a_changed_id_the_ledger_does_not_know_is_found_in_git(project: Path):
    """A card added since the ledger was written, committed, then given another id."""
    new = project / "cards/epam/011-knn.md"
    new.write_text(format_entry(entry("epam-011", "Describe k-nearest neighbours.")))
    assert main(["--root", str(project), "ledger", "add"]) == 0
    git(project, "add", ".")
    git(project, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "add")
    (project / LEDGER_NAME).write_text(
        "".join(line + "\n" for line in (project / LEDGER_NAME).read_text().splitlines() if "epam-011" not in line)
    )  # the ledger line is gone too: the HEAD comparison still finds the old id
    set_id(new, "epam-011", "epam-knn")
    found = problems(project)
    assert "cards/epam/011-knn.md:2: id changed from 'epam-011' to 'epam-knn' (HEAD has 'id: epam-011' in this " in (
        "\n".join(found)
    )
    assert any("'epam-011' was in the ledger in HEAD and its line is gone" in p for p in found)


def test_swapped_ids_are_reported_on_both_cards(project: Path):
    set_id(project / "cards/epam/008-cross-validation.md", "epam-008", "epam-tmp")
    set_id(project / "cards/epam/009-feature-selection.md", "epam-009", "epam-008")
    set_id(project / "cards/epam/008-cross-validation.md", "epam-tmp", "epam-009")
    found = problems(project)
    assert [p.split(": ")[0] for p in found] == [
        "cards/epam/008-cross-validation.md:2",
        "cards/epam/009-feature-selection.md:2",
    ]
    assert "this question had id 'epam-008' in HEAD (that id is now on cards/epam/009-feature-selection.md)" in found[0]


def test_a_deleted_card_must_be_retired(project: Path):
    (project / "cards/epam/009-feature-selection.md").unlink()
    line = ledger_line(project, "epam-009")
    [found] = problems(project)
    assert found.startswith(f"{LEDGER_NAME}:{line}: id 'epam-009' is in the ledger but no card has it")
    assert "python build_deck.py ledger retire epam-009" in found
    assert main(["--root", str(project), "ledger", "retire", "epam-009", "--note", "merged into epam-008"]) == 0
    assert problems(project) == []
    assert read_ledger(project)["epam-009"].note == "merged into epam-008"


def test_retiring_an_id_a_card_still_has_is_refused(project: Path, capsys):
    before = (project / LEDGER_NAME).read_bytes()
    assert main(["--root", str(project), "ledger", "retire", "epam-009"]) == 1
    assert "still has id 'epam-009'" in capsys.readouterr().err
    assert (project / LEDGER_NAME).read_bytes() == before


def test_a_retired_id_never_comes_back(project: Path):
    path = project / "cards/epam/042-new-question.md"
    path.write_text(format_entry(entry("epam-042", "What is a brand new question?")))
    [found] = problems(project)
    assert found.startswith(f"cards/epam/042-new-question.md:2: id 'epam-042' was retired ({LEDGER_NAME}:")


def test_a_new_id_must_be_recorded_and_ledger_add_records_it(project: Path, capsys):
    (project / "cards/epam/011-knn.md").write_text(format_entry(entry("epam-011", "Describe k-nearest neighbours.")))
    [found] = problems(project)
    assert found.startswith("cards/epam/011-knn.md:2: new id 'epam-011' is not in the id ledger")
    assert main(["--root", str(project), "ledger", "add"]) == 0
    assert "recorded 1 new id(s): epam-011" in capsys.readouterr().out
    rec = read_ledger(project)["epam-011"]
    assert (rec.status, rec.since, rec.file) == ("live", "next", "cards/epam/011-knn.md")
    assert problems(project) == []


def test_ledger_add_refuses_to_record_a_changed_id(project: Path, capsys):
    set_id(project / "cards/epam/010-euclidean.md", "epam-010", "epam-0010")
    before = (project / LEDGER_NAME).read_bytes()
    assert main(["--root", str(project), "ledger", "add"]) == 1
    assert "id changed from 'epam-010' to 'epam-0010'" in capsys.readouterr().err
    assert (project / LEDGER_NAME).read_bytes() == before


def test_the_ledger_only_grows(project: Path):
    path = project / LEDGER_NAME
    text = path.read_text()
    path.write_text("".join(line + "\n" for line in text.splitlines() if "epam-042" not in line))
    assert problems(project) == [
        f"{LEDGER_NAME}:1: id 'epam-042' was in the ledger in HEAD and its line is gone: the ledger only grows "
        "(retire an id, never delete it)"
    ]
    path.write_text(text.replace('"id": "epam-042", "status": "retired"', '"id": "epam-042", "status": "live"'))
    found = problems(project)
    assert (
        f"{LEDGER_NAME}:5: id 'epam-042' was retired in HEAD and is live again: a retired id never comes back" in found
    )


def test_an_unknown_base_is_a_warning_not_silence(project: Path):
    found = id_problems(project, read_entries(project / "cards"), base_ref="no-such-branch")
    [warning] = found
    assert warning.level == "warning" and warning.message.startswith("--base 'no-such-branch' is not a commit here")


def test_a_deleted_ledger_is_an_error(project: Path):
    (project / LEDGER_NAME).unlink()
    assert problems(project) == [
        f"{LEDGER_NAME}:1: the id ledger was deleted (it is in HEAD): restore it, git checkout HEAD -- {LEDGER_NAME}"
    ]


@pytest.mark.parametrize(
    "line, message",
    [
        ("<<<<<<< HEAD", "not a JSON object"),
        ('["epam-001"]', "expected one JSON object a line"),
        ('{"id": "EPAM 1", "status": "live", "since": "next", "file": "", "question": ""}', "must look like"),
        ('{"id": "epam-077", "status": "gone", "since": "next", "file": "", "question": ""}', "status 'gone'"),
        ('{"id": "epam-077", "status": "live", "since": "1.0", "file": "", "question": ""}', "since '1.0'"),
        ('{"id": "epam-077", "status": "live", "since": "next", "file": 7, "question": ""}', "must be text"),
        ('{"id": "epam-077", "status": "live", "since": "next", "extra": ""}', "unknown key 'extra'"),
        ('{"id": "epam-008", "status": "live", "since": "next", "file": "", "question": ""}', "recorded twice"),
        ("[" * 100_000, "nested too deeply"),
    ],
)
def test_a_broken_ledger_line_is_an_error_at_its_line(tmp_path: Path, line: str, message: str):
    good = '{"id": "epam-008", "status": "live", "since": "v1.0.0", "file": "x", "question": "q"}'
    with pytest.raises(DeckError) as err:
        parse_ledger(f"{good}\n{line}\n".encode(), tmp_path / LEDGER_NAME)
    [problem] = err.value.problems
    assert problem.line == 2 and message in problem.message


def test_lint_reports_ledger_errors_through_the_cli(project: Path, capsys):
    (project / "cards/epam/009-feature-selection.md").unlink()
    assert main(["--root", str(project), "lint"]) == 1
    out = capsys.readouterr().out
    assert f"{LEDGER_NAME}:{ledger_line(project, 'epam-009')}: error: id 'epam-009' is in the ledger" in out


def test_a_project_without_ledger_or_git_is_not_checked(tmp_path: Path):
    root = tmp_path / "plain"
    for rel, card in CARDS.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(format_entry(card))
    assert id_problems(root, read_entries(root / "cards")) == []


# --- fresh ids and `new` ------------------------------------------------------------------------


def test_fresh_ids_skip_every_used_one():
    used = {"epam-043", "epam-043b", "deck-186", "deck-200b"}
    assert fresh_id("epam", "043", used) == "epam-043c"
    assert fresh_id("epam", "044", used) == "epam-044"
    assert next_number("deck", used) == 201
    assert question_key("What is *dropout*, and why?") == question_key("what is dropout and why")


def test_used_ids_come_from_ledger_locks_cards_and_history(project: Path):
    (project / "cards/epam" / LOCK_NAME).write_text(json.dumps({"epam-077": {"file": "", "fields": {}}}))
    gone = project / "cards/epam/090-gone.md"
    gone.write_text(format_entry(entry("epam-090", "A card that was committed and deleted?")))
    git(project, "add", ".")
    git(project, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "gone")
    gone.unlink()
    (project / "cards/epam/zz-broken.md").write_text("---\nid: epam-091\n---\nnot a card")
    used = used_ids(project)
    assert {"epam-008", "epam-042", "epam-077", "epam-090", "epam-091", "deck-001"} <= used


def test_new_takes_the_next_never_used_number_and_records_it(project: Path, capsys):
    (project / "cards/deck/005-deleted.md").write_text(format_entry(entry("deck-005", "Gone?", "deck")))
    git(project, "add", ".")
    git(project, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x")
    git(project, "rm", "-q", "cards/deck/005-deleted.md")
    assert main(["--root", str(project), "new", "deck", "What is label smoothing, and when does it help?"]) == 0
    path = project / "cards/deck/006-what-is-label-smoothing-and-when-does-it-help.md"
    assert capsys.readouterr().out.strip() == f"{path.relative_to(project)}: new card deck-006"
    text = path.read_text()
    assert text.startswith("---\nid: deck-006\nsource: deck\nref: 6\n")
    assert "\n# What is label smoothing, and when does it help?\n" in text
    assert "\n## Key point\n" in text and "\n## References\n" in text
    [card] = [c for c in read_entries(project / "cards") if c.id == "deck-006"]
    assert card.answer_origin == "deck" and card.answer == "" and not card.text("key_point")
    assert read_ledger(project)["deck-006"].file == path.relative_to(project).as_posix()


def test_new_for_an_article_takes_its_number_or_a_letter_after_it(project: Path):
    assert main(["--root", str(project), "new", "epam", "How does early stopping work?", "--ref", "43"]) == 0
    assert main(["--root", str(project), "new", "epam", "What does a retired number get?", "--ref", "42"]) == 0
    assert main(["--root", str(project), "new", "alldus", "What is a kernel?", "--ref", "26",
                 "--section", "technical"]) == 0  # fmt: skip
    names = sorted(p.name for p in project.glob("cards/*/*.md"))
    assert "043-how-does-early-stopping-work.md" in names
    assert "042b-what-does-a-retired-number-get.md" in names
    assert "t26-what-is-a-kernel.md" in names
    assert {"epam-043", "epam-042b", "alldus-t26"} <= set(read_ledger(project))
    assert problems(project) == []


@pytest.mark.parametrize(
    "args, message",
    [
        (["nope", "What?"], "unknown source 'nope'"),
        (["epam", "What?"], "give the question's number in it with --ref N"),
        (["epam", "What?", "--ref", "x1"], "a whole number"),
        (["alldus", "What?", "--ref", "3"], "give --section (general, technical)"),
        (["alldus", "What?", "--ref", "3", "--section", "misc"], "has no section 'misc'"),
        (["deck", "   "], "the question is empty"),
        (["deck", "# What?"], "start with '#'"),
        (["deck", "What\x1f?"], "control characters"),
    ],
)
def test_new_refuses_bad_requests(project: Path, capsys, args: list[str], message: str):
    before = sorted(project.rglob("*"))
    assert main(["--root", str(project), "new", *args]) == 1
    assert message in capsys.readouterr().err
    assert sorted(project.rglob("*")) == before


def test_new_never_overwrites(project: Path, capsys):
    path = project / "cards/deck/002-what-is-new.md"
    path.write_text("someone's draft, no front matter yet\n")
    before = (project / LEDGER_NAME).read_bytes()
    assert main(["--root", str(project), "new", "deck", "What is new?"]) == 1
    assert "already exists: `new` never overwrites a card" in capsys.readouterr().err
    assert path.read_text() == "someone's draft, no front matter yet\n"
    assert (project / LEDGER_NAME).read_bytes() == before


def test_make_card_runs_new(project: Path):
    """`make card` passes the question through the shell untouched (quotes, spaces)."""
    for name in ("Makefile", "build_deck.py", "pyproject.toml", "requirements/deck.txt"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(ROOT / "mldeck", project / "mldeck", ignore=shutil.ignore_patterns("__pycache__"))
    (project / ".venv").mkdir()
    (project / ".venv" / ".runtime").touch()  # set up: make goes straight to the recipe
    proc = subprocess.run(["make", "-s", "card", f"PY={sys.executable}", "SOURCE=deck",
                           "Q=Why 'quote' a \"question\" ; true?"],
                          cwd=project, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    [path] = project.glob("cards/deck/002-*.md")
    assert "\n# Why 'quote' a \"question\" ; true?\n" in path.read_text()
