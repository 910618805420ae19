"""Duplicate questions: the similarity that proposes them and the folded notes, on the fixed corpus
(tests/fixtures/project). The repository's own folds are checked in tests/content/test_folds.py."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from mldeck.build.notes import adds_nothing, build_note
from mldeck.cli import main
from mldeck.dups.cli import DEFAULT_THRESHOLD
from mldeck.dups.groups import FOLDED, KEPT, NEW, Candidate, classify, cluster, primaries, unreached
from mldeck.dups.similarity import Pair, score_pairs
from mldeck.dups.text import stem, terms
from mldeck.entries import Entry, read_entries
from mldeck.notetype.model import FIELDS
from mldeck.sources import Source
from tests.helpers import FIXTURE, ROOT, copy_fixture


@pytest.fixture(scope="module")
def cards() -> list[Entry]:
    """The fixed corpus: folds of two and three articles, and questions that are not duplicates."""
    return read_entries(FIXTURE / "cards")


@pytest.fixture(scope="module")
def scores(cards) -> dict[frozenset[str], Pair]:
    return {frozenset((p.a, p.b)): p for p in score_pairs(cards)}


def score(scores, a: str, b: str) -> float:
    return scores[frozenset((a, b))].score


# --- text ------------------------------------------------------------------------------------


def test_phrasings_of_one_question_give_the_same_terms():
    assert set(terms("Describe L1 versus L2 regularization")) == set(
        terms("What is the difference between L1 and L2 regularization?")
    )
    assert set(terms("How do you handle overfitting?")) == set(terms("How can overfitting be prevented?"))
    assert set(terms("What are Support Vector Machines (SVM’s)?")) == {"svm"}
    assert "advantag" in terms("What are the advantages of SVM algorithms?")


def test_stemming_is_light_and_consistent():
    assert stem("overfitting") == "overfit"
    assert stem("imbalanced") == stem("imbalance") == stem("unbalanced")
    assert stem("regularization") == stem("regularisation") == "regular"
    assert stem("datasets") == "dataset"
    assert stem("class") == "class" and stem("analysis") == "analysis"


def test_maths_and_code_do_not_count():
    assert terms("The loss $\\lambda \\sum_i w_i^2$ and `np.sum(x)`") == ["loss"]


# --- similarity ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("epam-008", "upwork-004"),  # cross-validation, word for word
        ("epam-001", "upwork-001"),  # supervised vs unsupervised, reworded
        ("alldus-t04", "upwork-007"),  # L1 vs L2 in all three articles
        ("alldus-t04", "epam-036"),
        ("epam-036", "upwork-007"),
    ],
)
def test_known_duplicates_score_above_the_threshold(scores, a, b):
    assert score(scores, a, b) >= DEFAULT_THRESHOLD


def test_word_for_word_questions_have_question_similarity_one(scores):
    assert scores[frozenset(("epam-008", "upwork-004"))].question == pytest.approx(1.0)
    assert score(scores, "epam-008", "upwork-004") > DEFAULT_THRESHOLD  # found as a pair


def test_scores_are_in_unit_range_and_sorted(cards):
    pairs = score_pairs(cards)
    assert len(pairs) == len(cards) * (len(cards) - 1) // 2
    assert all(0.0 <= p.score <= 1.0 + 1e-9 and p.a < p.b for p in pairs)
    assert [p.score for p in pairs] == sorted((p.score for p in pairs), reverse=True)


def test_every_fold_is_found_by_the_similarity_at_a_lower_threshold(cards):
    # The folds are a person's decision, but none should be invisible to the tool.
    assert unreached(score_pairs(cards), primaries(cards), 0.45) == []


# --- groups and marks ------------------------------------------------------------------------


def _pair(a: str, b: str, s: float = 0.9) -> Pair:
    return Pair(a, b, s, s, s)


def test_classify_marks_folded_kept_and_new():
    primary = {"x-1": "x-1", "y-1": "x-1", "z-1": "z-1", "w-1": "w-1"}
    kept = {frozenset(("z-1", "x-1")): "different"}
    assert classify(_pair("x-1", "y-1"), primary, kept) == FOLDED
    assert classify(_pair("x-1", "z-1"), primary, kept) == KEPT
    assert classify(_pair("y-1", "z-1"), primary, kept) == NEW  # kept applies to the pair listed
    assert classify(_pair("w-1", "z-1"), primary, kept) == NEW


def test_cluster_joins_pairs_transitively():
    cands = [Candidate(_pair("a-1", "b-1", 0.6), NEW), Candidate(_pair("b-1", "c-1", 0.9), FOLDED),
             Candidate(_pair("d-1", "e-1", 0.7), KEPT)]  # fmt: skip
    groups = cluster(cands)
    assert [g.ids for g in groups] == [("a-1", "b-1", "c-1"), ("d-1", "e-1")]
    assert groups[0].status == NEW and groups[1].status == KEPT
    assert [c.pair.score for c in groups[0].candidates] == [0.9, 0.6]


# --- the command -----------------------------------------------------------------------------


def test_unrelated_questions_score_below_the_threshold(scores):
    assert score(scores, "epam-006", "epam-010") < DEFAULT_THRESHOLD  # k-means vs a distance function
    assert score(scores, "alldus-t12", "deck-130") < DEFAULT_THRESHOLD  # two pipelines of different things


def test_dups_command_lists_pairs_and_marks_folded_ones(capsys):
    assert main(["--root", str(FIXTURE), "dups"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "epam-008 ~ upwork-004" in x)
    assert "folded" in line and "question 1.00" in line
    assert "epam-006 ~ epam-010" not in out
    assert "0 new" in out


def test_dups_command_reports_an_unfolded_duplicate_as_new(tmp_path: Path, capsys):
    project = copy_fixture(tmp_path / "p")
    path = next((project / "cards" / "upwork").glob("004-*.md"))
    text = path.read_text(encoding="utf-8")
    assert "duplicate_of: epam-008\n" in text
    path.write_text(text.replace("duplicate_of: epam-008\n", ""), encoding="utf-8")
    assert main(["--root", str(project), "dups", "--new", "--check"]) == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "epam-008 ~ upwork-004" in x)
    assert "NEW" in line
    assert "alldus-t04" not in out  # --new hides groups that are all decided


def test_dups_threshold_must_be_a_fraction(capsys):
    with pytest.raises(SystemExit):
        main(["--root", str(ROOT), "dups", "--threshold", "1.5"])
    assert "between 0 and 1" in capsys.readouterr().err


# --- build_note ------------------------------------------------------------------------------


def _source(name: str) -> Source:
    return Source(name=name, publisher=name.capitalize(), title=f"{name} questions", url="", date="", author="",
                  questions=2, licence="", folder=Path(name))  # fmt: skip


SOURCES = {"alpha": _source("alpha"), "beta": _source("beta")}


def _card(cid: str, question: str, answer: str, note: str = "", **kw) -> Entry:
    source = cid.split("-")[0]
    return Entry.make(id=cid, source=source, ref=cid.split("-")[1], difficulty="basic", topics=("evaluation",),
                answer_origin="source", question=question, answer=answer, editor_note=note, **kw)  # fmt: skip


def _render(text: str, card: Entry, section: str) -> str:
    return f"<p>{html.escape(text)}</p>"


ANSWER = "Cross-validation splits the data into k folds and trains k times, each time scoring the held-out fold."


def test_adds_nothing_means_near_identical_text():
    assert adds_nothing(ANSWER.replace("splits", "divides"), [ANSWER])
    assert adds_nothing(ANSWER.upper() + "!", ["x", ANSWER])
    assert not adds_nothing("Cross-validation estimates how well a model generalises.", [ANSWER])
    assert not adds_nothing(ANSWER, [])


def test_folded_note_shows_what_each_source_adds():
    lead = _card("alpha-1", "What is cross-validation?", ANSWER, "Use stratified folds.")
    copy = _card("beta-1", "What is cross-validation?", ANSWER.replace("splits", "divides"), "Keep a test set.")
    other = _card("beta-2", "Explain k-fold CV", "It averages k validation scores.", context="Asked to test rigour.")
    note = build_note([lead, copy, other], SOURCES, _render, "none", 0)
    fields = dict(zip(FIELDS, note.fields, strict=True))
    others = fields["OtherSources"]
    # one visible line with each other article's wording
    visible, _, closed = others.partition("<details>")
    also = "Also asked by Beta (question 1), word for word; Beta (question 2): “Explain k-fold CV”."
    assert visible == f'<p class="mld-also">{also}</p>'
    # their answers are secondary: behind one closed <details>, labelled with the publisher
    assert closed.startswith("<summary>The other articles’ answers</summary>")
    assert "divides" not in others  # a near copy of the lead's answer is not repeated...
    assert "Not repeated, being almost word for word what is shown: its answer." in closed
    # ...but its different editor's note is shown, styled as an editor's note
    assert '<div class="mld-editor-note"><div class="mld-label">Editor’s note</div><p>Keep a test set.</p>' in closed
    assert '<div class="mld-label">Beta’s answer</div><p>It averages k validation scores.</p>' in closed
    assert fields["Context"] == "<p>Asked to test rigour.</p><p>— Beta, question 2</p>"
    assert (
        fields["Attribution"].startswith("Alpha, “alpha questions”, question 1") and "Beta" not in fields["Attribution"]
    )
    assert closed.count('<p class="mld-asked">Beta, “beta questions”, question ') == 2  # theirs, with their answers
    assert fields["CardId"] == "alpha-1, beta-1, beta-2"
    assert fields["Meta"] == "Basic · Alpha · Beta"
    assert note.sources == ("alpha", "beta") and note.entry_id == "alpha-1"
    assert {"ml-interview::source::alpha", "ml-interview::source::beta"} <= set(note.tags)
