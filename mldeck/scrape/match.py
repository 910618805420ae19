"""Article questions -> the ids they already have: by content, never by position.

A question's number in the article is only where it sits today; its id is its identity in
every user's collection. So a re-scrape finds each question's card by what it asks: first the
exact article text the scraper last wrote (its hash in the scrape lock), or the same
normalised question (the card's question, its `## Source question`, or the ledger's record);
then, for questions the article reworded, the most similar unclaimed one. A question nothing
matches is new and gets an id no card ever had. A renumbered article thus keeps every id with
its question, and the move is reported.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass

from ..ledger import question_key
from .records import Question

FUZZY = 0.75  # difflib ratio over the questions' words: a reworded question, not another one
MAX_PAIRS = 250_000  # unmatched questions x unmatched ids compared at most (an article has ~50)


@dataclass(frozen=True)
class Known:
    """An id the source already has (a card on disk, a lock entry or a ledger record)."""

    id: str
    keys: frozenset[str]  # question_key() of every wording it is known by
    scraped_hash: str = ""  # the lock's hash of the article question the scraper last wrote


@dataclass(frozen=True)
class Match:
    question: Question
    id: str | None  # None: a new question
    how: str  # "text" (the same question), "similar" (reworded), "new"


def question_hash(text: str) -> str:
    """What the lock stores for a question field (mldeck/scrape/sync.py's hash)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


def match_questions(questions: list[Question], known: list[Known], preferred: dict[int, str]) -> list[Match]:
    """One match per question, in order. `preferred`: question index -> the id its position
    would give (only a tie-breaker between ids that know the very same question)."""
    claimed: set[str] = set()
    found: dict[int, Match] = {}
    for i, q in enumerate(questions):
        h, key = question_hash(q.question), question_key(q.question)
        same = [k for k in known if k.id not in claimed and (k.scraped_hash == h or key in k.keys)]
        if same:
            best = next((k for k in same if k.id == preferred.get(i)), None)
            exact = [k for k in same if k.scraped_hash == h]
            chosen = best or (exact[0] if exact else same[0])
            claimed.add(chosen.id)
            found[i] = Match(q, chosen.id, "text")
    open_q = [i for i in range(len(questions)) if i not in found]
    open_k = [k for k in known if k.id not in claimed and k.keys]
    if len(open_q) * len(open_k) > MAX_PAIRS:
        open_k = []  # a flood: too many to compare; the rest are new questions
    pairs = sorted(
        ((max(_ratio(question_key(questions[i].question), key) for key in k.keys), i, k.id)
         for i in open_q for k in open_k),
        key=lambda p: (-p[0], p[1], p[2]),
    )  # fmt: skip
    for score, i, kid in pairs:
        if score < FUZZY:
            break
        if i in found or kid in claimed:
            continue
        claimed.add(kid)
        found[i] = Match(questions[i], kid, "similar")
    return [found.get(i) or Match(q, None, "new") for i, q in enumerate(questions)]
