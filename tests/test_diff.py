"""`diff`: two builds of a project -> exactly the notes added, removed and changed, as Markdown."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest

from mldeck.cli import main
from mldeck.diff.compare import compare_note_types, compare_notes, diff_packages
from mldeck.diff.package import Note, NoteType, Package, read_package
from mldeck.diff.report import anki_search, plain_text, render_markdown
from tests.anki_helpers import build, git
from tests.helpers import ROOT, copy_project

QUESTIONS = {
    1: "What is supervised learning?",
    2: "What is overfitting?",
    3: "How does a decision tree split a node?",
    4: "What is a random forest?",
    5: "Why normalise features?",
    6: "What does k-means minimise?",
}


def card_text(number: int, question: str, difficulty: str = "basic") -> str:
    return (
        f"---\nid: epam-{number:03d}\nsource: epam\nref: {number}\ndifficulty: {difficulty}\n"
        f"topics: [fundamentals]\nanswer_origin: deck\n---\n\n# {question}\n\n"
        f"The answer to question {number}, with $x^2$ and `code`.\n\n## Key point\n\nKey point {number}.\n"
    )


def small_project(dst: Path) -> Path:
    """The real sources and six small cards of our own: quick to build, independent of cards/."""
    root = copy_project(dst)
    (root / "cards" / "epam").mkdir()
    for number, question in QUESTIONS.items():
        (root / "cards" / "epam" / f"{number:03d}-card.md").write_text(card_text(number, question), encoding="utf-8")
    return root


def card(root: Path, number: int) -> Path:
    return root / "cards" / "epam" / f"{number:03d}-card.md"


def edit_release_2(root: Path) -> None:
    """Change one answer, delete one card, add one card, move one card to another difficulty."""
    path = card(root, 2)
    text = path.read_text(encoding="utf-8").replace(
        "\n\n## Key point", "\n\nA sentence added in release 2.\n\n## Key point"
    )
    path.write_text(text, encoding="utf-8")
    card(root, 3).unlink()
    new = card_text(901, "What is a brand-new question for release 2?")
    (root / "cards" / "epam" / "901-card.md").write_text(new, encoding="utf-8")
    card(root, 5).write_text(card_text(5, QUESTIONS[5], difficulty="advanced"), encoding="utf-8")


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("diff")
    root = small_project(tmp / "project")
    v1 = build(root, tmp / "v1.apkg", force=True, diagrams=False)
    edit_release_2(root)
    v2 = build(root, tmp / "v2.apkg", force=True, diagrams=False)
    return v1, v2


def test_reports_exactly_the_added_removed_and_changed_notes(releases):
    v1, v2 = releases
    diff = diff_packages(read_package(v1), read_package(v2))
    assert (diff.old_count, diff.new_count) == (6, 6)
    assert [n.field("CardId") for n in diff.added] == ["epam-901"]
    assert diff.added[0].field("Question") == "What is a brand-new question for release 2?"
    assert [n.field("CardId") for n in diff.removed] == ["epam-003"]
    assert not diff.note_types
    changes = {c.new.field("CardId"): c for c in diff.changed}
    assert set(changes) == {"epam-002", "epam-005"}

    answer = changes["epam-002"]
    assert answer.fields == ("Answer",)
    assert not answer.tags_added and not answer.tags_removed and not answer.deck_changed
    assert "A sentence added in release 2." in answer.new.field("Answer")

    moved = changes["epam-005"]
    assert moved.fields == ("Meta",)  # "Basic · EPAM Anywhere" -> "Advanced · …"
    assert moved.tags_added == ("ml-interview::difficulty::advanced",)
    assert moved.tags_removed == ("ml-interview::difficulty::basic",)
    assert moved.deck_changed
    assert moved.old.decks == ("ML Interview Questions::1 Basic",)
    assert moved.new.decks == ("ML Interview Questions::3 Advanced",)


def test_markdown_calls_out_removed_notes_with_their_search(releases):
    v1, v2 = releases
    old = read_package(v1)
    text = render_markdown(diff_packages(old, read_package(v2)), "v1.0.0", "v2")
    removed_question = QUESTIONS[3]

    assert text.startswith("# Deck changes: v1.0.0 → v2\n")
    assert "**1 removed · 1 corrected · 1 new · 1 moved** (6 → 6 notes)" in text
    assert "Suggested version bump: **major**: v1.0.0 → 2.0.0 (1 note(s) removed" in text
    sections = re.split(r"^## ", text, flags=re.M)
    removed, corrected, added, moved = sections[1:]
    assert removed.startswith("⚠️ Removed (1): delete by hand")
    assert "does not delete this note from your collection" in removed
    assert f'- `"CardId:epam-003"`: {removed_question}' in removed
    assert corrected.startswith("Corrected (1)")
    assert "- **What is overfitting?** · `epam-002`\n  - Answer: … with " in corrected
    assert corrected.rstrip().endswith("and code. **A sentence added in release 2.**")
    assert added.startswith("New (1)")
    assert "- What is a brand-new question for release 2? · 1 Basic" in added
    assert moved.startswith("Moved or retagged (1)")
    assert (
        "- **Why normalise features?** · `epam-005`: difficulty basic → advanced; subdeck 1 Basic → 3 Advanced" in moved
    )
    assert "epam-001" not in text and "epam-004" not in text  # untouched notes are not mentioned
    for internal in ("KeyPoint", "EditorNote", "OtherSources", "SourceAnswer", "AnswerLabel", "Meta", "`Answer`"):
        assert internal not in text


def test_identical_packages_have_no_changes(releases, tmp_path: Path):
    v1, _ = releases
    copy = shutil.copy(v1, tmp_path / "same.apkg")
    diff = diff_packages(read_package(v1), read_package(Path(copy)))
    assert diff.empty
    assert "No changes: both packages hold the same 6 notes." in render_markdown(diff, "a", "b")


def test_cli_writes_markdown_and_exits_0(releases, tmp_path: Path, capsys):
    v1, v2 = releases
    assert main(["diff", str(v1), str(v2)]) == 0
    out = capsys.readouterr().out
    assert '`"CardId:epam-003"`' in out and "## Corrected (1)" in out
    notes = tmp_path / "notes" / "release.md"
    assert main(["diff", str(v1), str(v2), "--output", str(notes)]) == 0
    assert capsys.readouterr().out == ""
    assert notes.read_text(encoding="utf-8") == out


def test_cli_exits_2_with_a_clear_message_for_a_missing_or_bad_file(releases, tmp_path: Path, capsys):
    v1, _ = releases
    missing = tmp_path / "nope.apkg"
    assert main(["diff", str(v1), str(missing)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == f"error: {missing}: no such file"
    not_zip = tmp_path / "notes.apkg"
    not_zip.write_text("hello", encoding="utf-8")
    assert main(["diff", str(not_zip), str(v1)]) == 2
    assert "not a zip file" in capsys.readouterr().err


def test_refs_builds_each_commit_with_its_own_code(tmp_path: Path, capsys):
    repo = small_project(tmp_path / "repo")
    shutil.copy(ROOT / "build_deck.py", repo / "build_deck.py")
    shutil.copytree(ROOT / "mldeck", repo / "mldeck", ignore=shutil.ignore_patterns("__pycache__"))
    t1 = int(time.time())
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "release 1", when=t1)
    git(repo, "tag", "v1.0.0")
    card(repo, 3).unlink()
    with (repo / "mldeck" / "notetype" / "card.css").open("a", encoding="utf-8") as css:
        css.write("\n.release-2 { color: red; }\n")  # only HEAD's own code has this rule
    git(repo, "commit", "-q", "-am", "drop a card, restyle", when=t1 + 60)
    before = git(repo, "status", "--porcelain")

    assert main(["--root", str(repo), "diff", "--refs", "v1.0.0", "HEAD"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Deck changes: v1.0.0 → HEAD\n")
    assert "**1 removed** (6 → 5 notes)" in out
    assert '`"CardId:epam-003"`' in out
    assert "## How cards look\n\n- The card layout changed: every card looks a little different" in out
    assert git(repo, "status", "--porcelain") == before  # nothing built or left inside the repo
    assert git(repo, "worktree", "list").count("\n") == 1

    assert main(["--root", str(repo), "diff", "--refs", "v9.9.9", "HEAD"]) == 2
    assert "error: 'v9.9.9' is not a commit" in capsys.readouterr().err


def _note_type(fields: tuple[str, ...], css: str = "") -> NoteType:
    return NoteType(1, "T", fields, 0, (("Card 1", "{{Front}}", "{{Back}}"),), css)


def test_a_field_appended_to_the_note_type_is_not_a_note_change():
    old_type, new_type = _note_type(("Front", "Back")), _note_type(("Front", "Back", "Extra"), css="x")
    old = Note("g", old_type, {"Front": "q", "Back": "a"}, ("t",), ("D",))
    new = Note("g", new_type, {"Front": "q", "Back": "a", "Extra": ""}, ("t",), ("D",))
    assert compare_notes(old, new) is None
    change = compare_note_types(old_type, new_type)
    assert change is not None
    assert (change.fields_added, change.fields_removed, change.css_changed) == (("Extra",), (), True)
    assert not change.templates_changed
    assert compare_note_types(old_type, old_type) is None


def test_search_and_text_helpers():
    note_type = _note_type(("Front", "Back"))
    note = Note("g", note_type, {"Front": 'Say "hi" to <b>x_*</b>', "Back": ""}, (), ())
    assert anki_search(note) == r'"Front:Say \"hi\" to x\_\*"'  # no CardId field: the sort field
    assert plain_text("<p>a &amp; b</p><script>evil()</script><p>c</p>") == "a & b c"
    assert plain_text("word " * 100, limit=20).endswith("…")


def test_a_note_folded_into_another_is_removed_and_points_at_its_new_note():
    nt = _note_type(("Front", "CardId"))
    a = Note("ga", nt, {"Front": "Q a", "CardId": "alldus-t09"}, (), ("D",))
    b = Note("gb", nt, {"Front": "Q b", "CardId": "epam-002"}, (), ("D",))
    merged = Note("ga", nt, {"Front": "Q a", "CardId": "alldus-t09, epam-002"}, (), ("D",))
    old, new = Package(Path("old"), {1: nt}, {"ga": a, "gb": b}), Package(Path("new"), {1: nt}, {"ga": merged})
    diff = diff_packages(old, new)
    assert diff.removed == [b] and diff.folded == {"gb": merged}
    assert [c.fields for c in diff.changed] == [("CardId",)]
    text = render_markdown(diff, "old", "new")
    assert '- `"CardId:epam-002"`: Q b (merged into the note “Q a”, which keeps its reviews)' in text
    assert anki_search(merged) == '"CardId:alldus-t09, epam-002"'
