"""`lint`: every card problem at its file and line, errors vs warnings, exit codes, CI annotations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mldeck.cli import main
from mldeck.entries import Entry, format_entry
from mldeck.errors import Problem
from mldeck.lint.checks import (
    check_folds,
    check_id,
    check_links,
    check_question,
    check_raw_html,
    is_question,
)
from mldeck.lint.report import exit_status, github_line, relative
from mldeck.lint.run import lint_project
from mldeck.prose import word_count
from mldeck.validate import check_answer_present, check_budgets
from tests.helpers import copy_project

LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?P<level>error|warning): (?P<message>.+)$")


def make_card(**changes) -> Entry:
    base = Entry.make(
        id="epam-001",
        source="epam",
        ref="1",
        difficulty="basic",
        topics=("fundamentals",),
        answer_origin="source",
        verdict="correct",
        question="What is machine learning?",
        answer="Learning a task from examples instead of rules.",
        key_point="A program improves at a task from examples instead of hand-written rules.",
    )
    return base.replace(**changes)


def write_card(root: Path, card: Entry, name: str | None = None, text: str | None = None) -> Path:
    folder = root / "cards" / card.source
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"{card.id}.md")
    path.write_text(text if text is not None else format_entry(card), encoding="utf-8")
    return path


def parsed(root: Path, card: Entry) -> Entry:
    """The card as the reader returns it (with its path and line numbers)."""
    from mldeck.entries import read_entry

    return read_entry(write_card(root, card))


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "proj")


def lint(root: Path, *args: str) -> int:
    return main(["--root", str(root), "lint", *args])


# --- counting prose -----------------------------------------------------------------------------


def test_word_count_counts_prose_only():
    text = (
        "Bias-variance trade-off: don't overfit, e.g. with [a link](https://example.org/a/b/c).\n\n"
        "```python\nfor word in many_words:\n    print(word)\n```\n\n"
        "- item `inline code here` one\n1. item $x^2 + y^2$ two\n\n"
        "$$\n\\sum_i w_i x_i\n$$\n\n![alt text of an image](media/x.png) <b>bold</b> https://example.org/x"
    )
    # Bias-variance, trade-off, don't, overfit, e.g, with, a, link | item, one | item, two | bold
    assert word_count(text) == 13


def test_word_count_ignores_unclosed_looking_fences_inside_code():
    text = "Two words\n\n````\n```\nnot prose at all\n````\n\nthree more words"
    assert word_count(text) == 5


# --- single-card checks -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "ok"),
    [
        ("What is PCA?", True),
        ("How do RL algorithms work? Give an example", True),
        ("Explain the bias-variance trade-off", True),
        ("**Describe** a time you failed", True),
        ("In layman's terms, explain what machine learning is", True),
        ("Write a Python function to scale an array", True),
        ("What is PCA", False),
        ("The bias-variance trade-off", False),
        ("Explaining PCA, briefly", False),
    ],
)
def test_question_form(question: str, ok: bool):
    assert is_question(question) is ok
    assert bool(check_question(make_card(question=question))) is not ok


def test_empty_answer_is_an_error_only_for_cards_that_would_be_in_the_deck(tmp_path: Path):
    empty = parsed(tmp_path, make_card(answer=""))
    [problem] = check_answer_present(empty)
    assert problem.level == "error" and problem.line == empty.line_of("question")
    assert "no answer" in problem.message
    assert check_answer_present(make_card(answer="", answer_origin="missing")) == []
    assert check_answer_present(make_card(answer="", duplicate_of="upwork-001")) == []
    assert check_answer_present(make_card(answer="\n  \n", answer_origin="deck"))


def test_budget_error_names_the_section_line(tmp_path: Path):
    long_answer = " ".join(["word"] * 151)
    card = parsed(tmp_path, make_card(answer=long_answer, editor_note="Fine.\n\n" + " ".join(["note"] * 150)))
    problems = check_budgets(card)
    assert [(p.level, p.line) for p in problems] == [
        ("error", card.body_line("answer")),
        ("error", card.line_of("editor_note")),
    ]
    assert "answer is 151 words" in problems[0].message and "limit of 150" in problems[0].message
    assert "editor's note is 151 words" in problems[1].message
    assert check_budgets(make_card(answer=" ".join(["word"] * 150))) == []
    [long_key] = check_budgets(make_card(key_point=" ".join(["point"] * 36)))
    assert "key point is 36 words" in long_key.message and "limit of 35" in long_key.message


def test_code_maths_and_captions_do_not_count_against_the_budget():
    code = "```python\n" + "x = compute(a, b, c, d, e)\n" * 300 + "```"
    caption = "Figure: " + " ".join(["caption"] * 80)
    maths = "$$\n" + " + ".join(f"x_{i}" for i in range(200)) + "\n$$"
    answer = " ".join(["word"] * 140) + "\n\n" + code + "\n\n" + caption + "\n\n" + maths
    assert check_budgets(make_card(answer=answer)) == []


@pytest.mark.parametrize(
    ("card_id", "source", "ref", "expected"),
    [
        ("epam-034", "epam", "34", None),
        ("alldus-g01", "alldus", "1", None),
        ("epam-035", "epam", "34", "does not match ref 34"),
        ("upwork-034", "epam", "34", "does not start with its source 'epam-'"),
    ],
)
def test_id_matches_source_and_ref(card_id: str, source: str, ref: str, expected: str | None):
    problems = check_id(make_card(id=card_id, source=source, ref=ref))
    assert [p.message for p in problems if expected and expected in p.message] == [p.message for p in problems]
    assert bool(problems) is bool(expected)


def test_links_into_media_and_bad_schemes(tmp_path: Path):
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "table.pdf").write_bytes(b"%PDF")
    answer = "\n".join(
        [
            "See [the paper](https://example.org) and [mail](mailto:a@example.org).",  # fine
            "See [the table](media/table.pdf).",  # exists, but links are not packaged
            "See [the slides](./media/slides.pdf).",  # missing
            "Click [here](javascript:alert(1)).",  # dropped by the sanitiser
            "`[in code](media/nothing.pdf)` is not a link",
        ]
    )
    card = parsed(tmp_path, make_card(answer=answer))
    problems = check_links(card, tmp_path / "media")
    first = card.line_of("answer:body")
    assert [(p.line, p.level) for p in problems] == [
        (first + 1, "warning"),
        (first + 2, "warning"),
        (first + 3, "warning"),
    ]
    assert "not packaged" in problems[0].message
    assert "missing media file './media/slides.pdf'" in problems[1].message
    assert "only http(s) and mailto" in problems[2].message


def test_raw_html_that_the_sanitiser_strips_is_flagged(tmp_path: Path):
    answer = "\n".join(
        [
            "Plain <b>bold</b> and a <sub>subscript</sub> are fine; so is a < b > c.",
            "<script>alert(1)</script>",
            '<img src="media/x.png">',
            '<span onclick="alert(1)">x</span>',
            "`<script>` in code is fine",
            "```html\n<iframe src=x></iframe>\n```",
        ]
    )
    card = parsed(tmp_path, make_card(answer=answer))
    first = card.line_of("answer:body")
    assert [p.line - first for p in check_raw_html(card)] == [1, 2, 3]


def test_folding_into_an_unanswered_card_is_flagged():
    target = make_card(id="alldus-t01", source="alldus", answer="", answer_origin="missing")
    folded = make_card(duplicate_of="alldus-t01")
    [problem] = check_folds([target, folded])
    assert problem.level == "warning" and "neither card reaches the deck" in problem.message
    assert check_folds([target.replace(answer="Yes.", answer_origin="deck"), folded]) == []


# --- the whole project --------------------------------------------------------------------------


def test_lint_reports_every_kind_of_problem_in_one_pass(project: Path):
    good = write_card(project, make_card())
    bad_front = write_card(project, make_card(id="epam-002", ref="2"), text="---\nid: epam-002\nbogus: 1\n---\n")
    write_card(project, make_card(id="epam-003", ref="3", answer="```nosuchlang\nx\n```"))
    write_card(project, make_card(id="epam-004", ref="4", answer="![x](media/none.png)"))
    write_card(project, make_card(id="epam-005", ref="5", answer=""))
    write_card(project, make_card(id="epam-006", ref="6", duplicate_of="epam-404"))
    write_card(project, make_card(id="epam-007", ref="7", duplicate_of="epam-002"))  # target unreadable
    write_card(project, make_card(id="epam-008", ref="8", question="A statement"))
    write_card(project, make_card(id="epam-009", ref="9", key_point=""))
    write_card(project, make_card(id="epam-010", ref="10", verdict=None))
    write_card(project, make_card(), name="zz-copy.md")

    problems = [relative(p, project) for p in lint_project(project)]
    found = {(Path(str(p.path)).name, p.line, p.level, p.message[:24]) for p in problems}
    assert found == {
        (bad_front.name, 3, "error", "front matter: unknown ke"),
        ("epam-003.md", 13, "error", "unknown fence language '"),
        ("epam-004.md", 13, "error", "image 'media/none.png': "),
        ("epam-005.md", 11, "error", "answer_origin is 'source"),
        ("epam-006.md", 9, "error", "duplicate_of 'epam-404':"),
        ("epam-008.md", 11, "warning", "the question has no '?' "),
        ("epam-009.md", 11, "error", "no '## Key point': every"),
        ("epam-010.md", 7, "error", "the card carries the art"),
        ("zz-copy.md", 2, "error", "duplicate id 'epam-001':"),
    }
    assert all(str(p.path).startswith("cards/epam/") for p in problems)
    assert [(str(p.path), p.line) for p in problems] == sorted((str(p.path), p.line) for p in problems)
    assert "also used by cards/epam/epam-001.md:2" in " ".join(p.message for p in problems)
    assert good.name not in {Path(str(p.path)).name for p in problems}


def test_cli_text_format_and_exit_codes(project: Path, capsys):
    write_card(project, make_card())
    assert lint(project) == 0
    out, err = capsys.readouterr()
    assert out == "" and "1 card files: 0 error(s), 0 warning(s)" in err

    write_card(project, make_card(id="epam-002", ref="2", question="A statement"))
    assert lint(project) == 0  # warnings only
    assert lint(project, "--strict") == 1
    out = capsys.readouterr().out.splitlines()
    assert out and all(LINE.match(line) for line in out)
    assert {LINE.match(line)["level"] for line in out} == {"warning"}

    write_card(project, make_card(id="epam-003", ref="3", answer=""))
    assert lint(project) == 1
    lines = [LINE.match(line) for line in capsys.readouterr().out.splitlines()]
    assert ("cards/epam/epam-003.md", "11", "error") in {(m["path"], m["line"], m["level"]) for m in lines}


def test_cli_github_format(project: Path, capsys):
    write_card(project, make_card(answer=""))
    write_card(project, make_card(id="epam-002", ref="2", question="A statement, with: punctuation"))
    assert lint(project, "--format", "github") == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("::error file=cards/epam/epam-001.md,line=11,title=mldeck lint::answer_origin is ")
    assert out[1].startswith("::warning file=cards/epam/epam-002.md,line=11,title=mldeck lint::the question has no")


def test_github_annotations_escape_their_data():
    line = github_line(Problem("cards/a,b:c.md", 3, "50% done\nnext line", "warning"))
    assert line == "::warning file=cards/a%2Cb%3Ac.md,line=3,title=mldeck lint::50%25 done%0Anext line"


def test_exit_status():
    warning, error = Problem("a", 1, "w", "warning"), Problem("a", 1, "e")
    assert exit_status([], strict=True) == 0
    assert exit_status([warning], strict=False) == 0
    assert exit_status([warning], strict=True) == 1
    assert exit_status([warning, error], strict=False) == 1


def test_lint_is_at_least_as_strict_as_the_build(project: Path):
    """Whatever stops the build is a lint error too (here: a broken fence language)."""
    write_card(project, make_card(answer="```nosuchlang\nx\n```"))
    assert main(["--root", str(project), "build", "--quiet"]) == 1
    assert any(p.level == "error" for p in lint_project(project))
