"""Pairs a maintainer has read and decided to keep as separate notes, with the reason.

`build_deck.py dups` marks these "kept" instead of "new", so a review only shows what nobody
has looked at yet. Folded pairs need no entry: their `duplicate_of:` lines say so.
Add a pair here (ids in any order) after deciding that two similar questions ask different things.
"""

from __future__ import annotations

KEPT_SEPARATE: tuple[tuple[str, str, str], ...] = (
    ("alldus-t14", "alldus-t15", "what SVMs are / only their advantages"),
    ("alldus-t15", "upwork-013", "only SVMs' advantages / their core concepts"),
    ("epam-018", "upwork-037", "how transfer learning works / the candidate's own experience of it"),
    ("alldus-t21", "upwork-037", "transfer learning explained / the candidate's own experience of it"),
    ("epam-031", "upwork-025", "collaborative against content-based filtering / how collaborative filtering works"),
    ("epam-028", "epam-029", "what AdaBoost is / what gradient boosting is and how it differs from AdaBoost"),
    ("alldus-t25", "upwork-021", "gradient boosting against random forests / how gradient boosting works"),
    ("alldus-t25", "epam-029", "gradient boosting against random forests / against AdaBoost"),
    ("alldus-t25", "upwork-012", "gradient boosting against random forests / random forests against one tree"),
    ("alldus-t25", "upwork-020", "two particular ensembles / bagging against boosting in general"),
    ("alldus-t24", "epam-012", "what to do about class imbalance / what goes wrong with it"),
    ("alldus-t01", "epam-001", "three kinds of learning, RL included / supervised against unsupervised"),
    ("alldus-t01", "upwork-001", "three kinds of learning, RL included / supervised against unsupervised"),
    ("epam-003", "upwork-012", "decision trees / random forests"),
    ("epam-020", "upwork-015", "how a CNN works / RNNs against CNNs"),
    ("alldus-t07", "epam-041", "object detection / focal loss"),
    ("epam-004", "upwork-036", "the kinds of ensemble / how ensembles work and why they help"),
    ("alldus-t25", "deck-049", "gradient boosting against random forests / why only boosting overfits with more trees"),
    (
        "upwork-035",
        "upwork-038",
        "what to monitor in production / what to do when quality drops (two questions of one article)",
    ),
    ("upwork-033", "upwork-035", "the steps to deploy a model / what to monitor once it is deployed"),
    ("alldus-t16", "deck-043", "what semi-supervised learning is / it against self-supervised and active learning"),
)


def kept_pairs() -> dict[frozenset[str], str]:
    """{frozenset({id, id}): reason}."""
    return {frozenset((a, b)): reason for a, b, reason in KEPT_SEPARATE}
