"""The repository's folds: which questions are one note (a person's decision, pinned here so a
change is deliberate: docs/duplicates.md), what the similarity says about real pairs, and the
folded notes as Anki shows them (the session's imported deck: tests/conftest.py)."""

from __future__ import annotations

import pytest

from mldeck.dups.cli import DEFAULT_THRESHOLD
from mldeck.dups.groups import primaries
from mldeck.dups.reviewed import KEPT_SEPARATE
from mldeck.dups.similarity import Pair, score_pairs
from mldeck.entries import Entry, read_entries
from mldeck.sources import load_sources
from mldeck.validate import group_duplicates
from tests.helpers import ROOT

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


def test_missing_data_questions_one_verb_apart_are_paired(scores):
    assert score(scores, "alldus-t23", "upwork-003") >= DEFAULT_THRESHOLD


def test_svm_questions_are_not_paired(scores):
    what, advantages = "alldus-t14", "alldus-t15"
    assert score(scores, what, advantages) < DEFAULT_THRESHOLD
    assert score(scores, what, advantages) < score(scores, what, "upwork-013")  # the real duplicate


def test_experience_is_not_the_concept(scores):
    assert score(scores, "epam-018", "upwork-037") < score(scores, "epam-018", "alldus-t21")


def test_every_fold_is_found_by_the_similarity_at_a_lower_threshold(cards):
    # The folds are a person's decision, but none should be invisible to the tool.
    from mldeck.dups.groups import unreached

    assert unreached(score_pairs(cards), primaries(cards), 0.45) == []


def test_reviewed_pairs_name_real_cards_and_are_not_folded(cards):
    primary = primaries(cards)
    for a, b, reason in KEPT_SEPARATE:
        assert a in primary and b in primary and reason
        assert primary[a] != primary[b], (a, b)


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


# --- the built deck, imported into Anki ------------------------------------------------------


@pytest.fixture(scope="module")
def imported(real_collection):
    return real_collection


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
