"""Duplicate questions: the similarity that proposes them, the folds made, and the folded notes."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from mldeck.build.notes import adds_nothing, build_note
from mldeck.cli import main
from mldeck.dups.cli import DEFAULT_THRESHOLD
from mldeck.dups.groups import FOLDED, KEPT, NEW, Candidate, classify, cluster, primaries, unreached
from mldeck.dups.reviewed import KEPT_SEPARATE
from mldeck.dups.similarity import Pair, score_pairs
from mldeck.dups.text import stem, terms
from mldeck.entries import Entry, read_entries
from mldeck.notetype.model import FIELDS
from mldeck.sources import Source, load_sources
from mldeck.validate import group_duplicates
from tests.helpers import ROOT, copy_project

# Every fold, on purpose: changing one must change this dict too (see docs/duplicates.md).
EXPECTED_FOLDS = {
    "alldus-t04": ["epam-036", "upwork-007"],  # L1 vs L2 regularisation
    "epam-008": ["upwork-004"],  # cross-validation, word for word
    "alldus-t23": ["epam-013", "upwork-003"],  # missing or corrupted data
    "alldus-t09": ["epam-002", "upwork-002"],  # bias-variance trade-off
    "alldus-t08": ["epam-015", "upwork-009"],  # overfitting and preventing it
    "epam-001": ["upwork-001"],  # supervised vs unsupervised
    "epam-016": ["upwork-008"],  # batch vs stochastic (vs mini-batch) gradient descent
    "epam-006": ["upwork-018"],  # k-means
    "epam-032": ["upwork-029"],  # attention
    "alldus-t24": ["upwork-023"],  # handling class imbalance
    "alldus-t21": ["epam-018"],  # how transfer learning works
    "upwork-011": ["epam-003"],  # how a decision tree works
    "epam-007": ["upwork-010"],  # PCA
    "epam-017": ["upwork-016"],  # dropout
    "alldus-t14": ["upwork-013"],  # what SVMs are
    "epam-029": ["upwork-021"],  # gradient boosting
}


@pytest.fixture(scope="module")
def cards() -> list[Entry]:
    return read_entries(ROOT / "cards")


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
        ("alldus-t23", "upwork-003"),  # missing or corrupted data, one verb apart
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


def test_svm_questions_are_not_paired(scores):
    what, advantages = "alldus-t14", "alldus-t15"
    assert score(scores, what, advantages) < DEFAULT_THRESHOLD
    assert score(scores, what, advantages) < score(scores, what, "upwork-013")  # the real duplicate


def test_experience_is_not_the_concept(scores):
    assert score(scores, "epam-018", "upwork-037") < score(scores, "epam-018", "alldus-t21")


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


def test_reviewed_pairs_name_real_cards_and_are_not_folded(cards):
    primary = primaries(cards)
    for a, b, reason in KEPT_SEPARATE:
        assert a in primary and b in primary and reason
        assert primary[a] != primary[b], (a, b)


# --- the command -----------------------------------------------------------------------------


def test_dups_command_lists_pairs_and_marks_folded_ones(capsys):
    assert main(["--root", str(ROOT), "dups"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "epam-008 ~ upwork-004" in x)
    assert "folded" in line and "question 1.00" in line
    assert "alldus-t14 ~ alldus-t15" not in out
    assert "0 new" in out


def test_dups_command_reports_an_unfolded_duplicate_as_new(tmp_path: Path, capsys):
    project = copy_project(tmp_path / "p", with_cards=True)
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


# --- the folds in the card files -------------------------------------------------------------


def test_folded_groups_are_exactly_the_expected_ones(cards):
    groups, problems = group_duplicates(cards)
    assert not problems
    folded = {k: sorted(c.id for c in g[1:]) for k, g in groups.items() if len(g) > 1}
    assert folded == {k: sorted(v) for k, v in EXPECTED_FOLDS.items()}


def test_primaries_are_not_folded_and_groups_span_sources(cards):
    by_id = {c.id: c for c in cards}
    for primary, folded in EXPECTED_FOLDS.items():
        assert by_id[primary].duplicate_of is None
        ids = [primary, *folded]
        assert len({by_id[i].source for i in ids}) == len(ids), "an article does not ask itself twice"


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


# --- the built deck, imported into Anki ------------------------------------------------------


@pytest.fixture(scope="module")
def imported(tmp_path_factory, cards):
    pytest.importorskip("anki")
    from tests.anki_helpers import build, fresh_collection, import_apkg

    tmp = tmp_path_factory.mktemp("dups")
    project = copy_project(tmp / "proj", with_cards=True)
    apkg = build(project, project / "dist" / "deck.apkg")
    col = fresh_collection(tmp / "anki")
    import_apkg(col, apkg)
    yield col
    col.close()


def test_deck_has_one_note_per_question(imported, cards):
    folded = [c for c in cards if c.duplicate_of]
    assert len(folded) == sum(len(v) for v in EXPECTED_FOLDS.values()) == 20
    assert imported.note_count() == len(cards) - len(folded)
    assert imported.card_count() == len(cards) - len(folded)


@pytest.mark.parametrize("primary", sorted(EXPECTED_FOLDS))
def test_folded_note_names_every_source(imported, cards, primary):
    by_id = {c.id: c for c in cards}
    (nid,) = imported.find_notes(f'"CardId:{primary},*"')
    note = imported.get_note(nid)
    group = [by_id[i] for i in (primary, *EXPECTED_FOLDS[primary])]
    assert note["CardId"] == ", ".join(c.id for c in group)
    for c in group:
        assert f"ml-interview::source::{c.source}" in note.tags
        assert all(f"ml-interview::topic::{t}" in note.tags for t in c.topics)
    assert f"question {group[0].ref}" in note["Attribution"]
    for c in group[1:]:
        assert f"{_publisher(c.source)} (" in note["OtherSources"].split("<details>")[0]
        assert f"question {c.ref})" in note["OtherSources"]
        if c.text("context"):  # Upwork's "why interviewers ask it" survives the fold
            assert note["Context"].strip()


def test_l1_l2_note_carries_all_three_articles(imported):
    (nid,) = imported.find_notes('"CardId:alldus-t04,*"')
    note = imported.get_note(nid)
    assert note["AnswerLabel"] == "Answer written for this deck"
    others = note["OtherSources"]
    assert "Upwork (question 7): “Describe L1 versus L2 regularization”" in others
    assert "Also asked by EPAM Anywhere (question 36)" in others
    assert '<div class="mld-label">Upwork’s answer (incomplete)</div>' in others
    assert '<div class="mld-label">EPAM Anywhere’s answer</div>' in others  # verdict: correct
    assert "<p>Both L1 and L2 regularization are methods" in note["Context"]
    assert note["Meta"] == f"Intermediate · {_publisher('alldus')} · EPAM Anywhere · Upwork"


def _publisher(source: str) -> str:
    return load_sources(ROOT / "sources")[source].publisher
