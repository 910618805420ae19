"""Scored pairs -> groups of likely duplicates, each pair marked folded, kept or new. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from ..entries import Entry
from .similarity import Pair

FOLDED, KEPT, NEW = "folded", "kept", "new"


@dataclass(frozen=True)
class Candidate:
    pair: Pair
    status: str  # FOLDED: same note already; KEPT: reviewed, kept apart; NEW: nobody has decided yet


@dataclass(frozen=True)
class Group:
    """Cards linked by candidate pairs (transitively), best pair first."""

    ids: tuple[str, ...]
    candidates: tuple[Candidate, ...]

    @property
    def status(self) -> str:
        kinds = {c.status for c in self.candidates}
        if NEW in kinds:
            return NEW
        return kinds.pop() if len(kinds) == 1 else "reviewed"


def primaries(cards: list[Entry]) -> dict[str, str]:
    """Entry id -> the id of the card whose note it is shown on."""
    return {c.id: c.duplicate_of or c.id for c in cards}


def classify(pair: Pair, primary: dict[str, str], kept: dict[frozenset[str], str]) -> str:
    if primary.get(pair.a, pair.a) == primary.get(pair.b, pair.b):
        return FOLDED
    return KEPT if frozenset((pair.a, pair.b)) in kept else NEW


def cluster(candidates: list[Candidate]) -> list[Group]:
    """Connected components of the candidate pairs (union-find), strongest group first."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for c in candidates:
        parent[find(c.pair.a)] = find(c.pair.b)
    members: dict[str, list[Candidate]] = {}
    for c in candidates:
        members.setdefault(find(c.pair.a), []).append(c)
    groups = []
    for cs in members.values():
        cs.sort(key=lambda c: (-c.pair.score, c.pair.a, c.pair.b))
        ids = sorted({i for c in cs for i in (c.pair.a, c.pair.b)})
        groups.append(Group(tuple(ids), tuple(cs)))
    return sorted(groups, key=lambda g: (-g.candidates[0].pair.score, g.ids))


def candidates(
    pairs: list[Pair], primary: dict[str, str], kept: dict[frozenset[str], str], threshold: float
) -> list[Candidate]:
    return [Candidate(p, classify(p, primary, kept)) for p in pairs if p.score >= threshold]


def unreached(pairs: list[Pair], primary: dict[str, str], threshold: float) -> list[tuple[str, str, float]]:
    """Folded cards that no pair at the threshold links to their note: (card, primary, best score).

    These are folds a person made that the similarity would not have suggested.
    """
    best: dict[str, float] = {}
    for p in pairs:
        if primary.get(p.a, p.a) != primary.get(p.b, p.b):
            continue
        for x in (p.a, p.b):
            best[x] = max(best.get(x, 0.0), p.score)
    return sorted(
        (card, target, best.get(card, 0.0))
        for card, target in primary.items()
        if card != target and best.get(card, 0.0) < threshold
    )
