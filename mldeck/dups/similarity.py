"""How alike two cards are: TF-IDF cosine of their questions, plus a weaker weight on their answers.

    score = QUESTION_WEIGHT · cos(questions) + (1 − QUESTION_WEIGHT) · cos(answers)

both cosines in [0, 1], so the score is too.

- Questions: each distinct term counts once (a question is short, and a repeat such as
  "support vector machines (SVMs)" is not emphasis), weighted by its inverse document
  frequency over all questions, so a rare term ("l1", "dropout") counts for more than a
  common one ("learn", "vs"). A facet term ("advantages", "experience", see text.FACETS)
  weighs FACET_WEIGHT times more: it turns a question about a topic into another question.
- Answers: answer, editor's note and the article's own answer together, with sublinear term
  frequency (1 + ln count) and the answers' IDF. Two answers to one question share their
  vocabulary even when the questions are phrased apart; answers on one topic share it too,
  which is why answers weigh less.

Pure functions over Entry records; no dependencies.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from ..entries import Entry
from .text import FACETS, terms

QUESTION_WEIGHT = 0.65
FACET_WEIGHT = 1.5

Vector = dict[str, float]


@dataclass(frozen=True)
class Pair:
    """Two cards (ids in sorted order) and how alike they are."""

    a: str
    b: str
    score: float
    question: float
    answer: float


def idf(docs: Iterable[Counter[str]]) -> dict[str, float]:
    """Smoothed inverse document frequency: ln((1 + n) / (1 + df)) + 1."""
    docs = list(docs)
    df: Counter[str] = Counter()
    for d in docs:
        df.update(d.keys())
    n = len(docs)
    return {t: math.log((1 + n) / (1 + k)) + 1 for t, k in df.items()}


def vector(counts: Counter[str], weights: dict[str, float], sublinear: bool) -> Vector:
    """Unit-length weighted vector; binary term frequency unless `sublinear` (1 + ln count)."""
    v = {t: (1 + math.log(c) if sublinear else 1.0) * weights.get(t, 1.0) for t, c in counts.items()}
    norm = math.sqrt(sum(x * x for x in v.values()))
    return {t: x / norm for t, x in v.items()} if norm else {}


def cosine(u: Vector, v: Vector) -> float:
    if len(v) < len(u):
        u, v = v, u
    return sum(x * v.get(t, 0.0) for t, x in u.items())


def answer_text(card: Entry) -> str:
    """What a card says in answer: the visible answer, the key point, the editor's note and the
    article's own answer (sections the scraper does not write are the deck's; context is why
    interviewers ask, not an answer)."""
    keys = ("answer", "key_point", "editor_note", "source_answer")
    return "\n".join(part for key in keys if (part := card.text(key)))


def vectors(texts: list[str], sublinear: bool, facet_weight: float = 1.0) -> list[Vector]:
    counts = [Counter(terms(t)) for t in texts]
    weights = idf(counts)
    weights = {t: w * (facet_weight if t in FACETS else 1.0) for t, w in weights.items()}
    return [vector(c, weights, sublinear) for c in counts]


def score_pairs(cards: list[Entry], question_weight: float = QUESTION_WEIGHT) -> list[Pair]:
    """Every pair of cards with its score, best first (ties by id)."""
    questions = vectors([c.question for c in cards], sublinear=False, facet_weight=FACET_WEIGHT)
    answers = vectors([answer_text(c) for c in cards], sublinear=True)
    pairs = []
    for i, j in combinations(range(len(cards)), 2):
        q = cosine(questions[i], questions[j])
        a = cosine(answers[i], answers[j])
        a_id, b_id = sorted((cards[i].id, cards[j].id))
        pairs.append(Pair(a_id, b_id, question_weight * q + (1 - question_weight) * a, q, a))
    return sorted(pairs, key=lambda p: (-p.score, p.a, p.b))
