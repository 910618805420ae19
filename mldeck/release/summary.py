"""What the deck holds, counted from the build (never typed by hand): notes, subdecks, sources,
merged questions and kinds. From the card files (for the README) or from a built package (for
a release's notes); both go through the same counting.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..notetype.model import DIFFICULTY_DECKS, ROOT_DECK, TAG_ROOT
from ..sources import Source
from ..taxonomy import DIFFICULTIES


@dataclass(frozen=True)
class NoteFacts:
    """What the summary needs of one note."""

    deck: str  # its subdeck, e.g. "1 Basic"
    tags: tuple[str, ...]
    cards: int  # how many card files (questions of the articles) it is made of


@dataclass(frozen=True)
class DeckSummary:
    notes: int
    card_files: int
    merged: int  # notes made of more than one card file
    skipped: int  # card files with no answer yet (not in the deck)
    subdecks: tuple[tuple[str, int], ...]  # in deck order
    sources: tuple[tuple[str, int], ...]  # (source name, notes that carry it), in the sources' order
    kinds: tuple[tuple[str, int], ...]  # (kind, notes), most first
    topics: int


def _values(tags: Iterable[str], space: str) -> list[str]:
    prefix = f"{TAG_ROOT}::{space}::"
    return [t[len(prefix) :] for t in tags if t.startswith(prefix)]


def summarize(notes: list[NoteFacts], source_order: Iterable[str], skipped: int = 0) -> DeckSummary:
    by_deck = Counter(n.deck for n in notes)
    deck_order = [DIFFICULTY_DECKS[d] for d in DIFFICULTIES]
    subdecks = [(d, by_deck[d]) for d in deck_order if by_deck[d]]
    subdecks += sorted((d, n) for d, n in by_deck.items() if d not in deck_order)
    by_source = Counter(s for n in notes for s in set(_values(n.tags, "source")))
    known = list(source_order)
    order = [s for s in known if by_source[s]] + sorted(s for s in by_source if s not in known)
    kinds = Counter(k for n in notes for k in _values(n.tags, "kind"))
    topics = {t for n in notes for t in _values(n.tags, "topic")}
    return DeckSummary(
        notes=len(notes),
        card_files=sum(n.cards for n in notes),
        merged=sum(1 for n in notes if n.cards > 1),
        skipped=skipped,
        subdecks=tuple(subdecks),
        sources=tuple((s, by_source[s]) for s in order),
        kinds=tuple(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
        topics=len(topics),
    )


def _subdeck(deck: str) -> str:
    return deck.removeprefix(ROOT_DECK).removeprefix("::") or deck


def from_cards(root: Path) -> tuple[DeckSummary, dict[str, Source]]:
    """The deck the card files under `root` build (default split: by difficulty). Reads and
    validates the cards but renders nothing. Raises DeckError like the build."""
    from ..build.notes import tags_for
    from ..entries import read_entries
    from ..errors import DeckError
    from ..sources import load_sources
    from ..validate import validate

    sources = load_sources(root / "sources")
    groups, problems = validate(read_entries(root / "cards"), sources)
    if problems:
        raise DeckError(problems)
    kept = [g for g in groups.values() if g[0].answer_origin != "missing"]
    facts = [NoteFacts(DIFFICULTY_DECKS[g[0].difficulty], tags_for(g), len(g)) for g in kept]
    return summarize(facts, source_order(sources), skipped=len(groups) - len(kept)), sources


def from_package(notes: Iterable, sources: dict[str, Source]) -> DeckSummary:  # noqa: ANN001 - diff.package.Note
    facts = [NoteFacts(_subdeck(n.decks[0]) if n.decks else ROOT_DECK, n.tags, max(1, len(n.card_ids))) for n in notes]
    return summarize(facts, source_order(sources))


def source_order(sources: dict[str, Source]) -> list[str]:
    """The articles first, then the questions written for the deck."""
    return sorted(sources, key=lambda name: sources[name].original)


def source_label(name: str, sources: dict[str, Source]) -> str:
    """ "Upwork, [title](url)" for an article, "Written for this deck" for the deck's own."""
    from ..diff.words import md_escape

    source = sources.get(name)
    if source is None:
        return md_escape(name)
    if source.original:
        return "Written for this deck"
    safe_url = re.fullmatch(r"https?://[^\s()<>\[\]`]+", source.url or "")
    title = f"[{md_escape(source.title)}]({source.url})" if safe_url else f"*{md_escape(source.title)}*"
    return f"{md_escape(source.publisher)}: {title}"


def summary_markdown(summary: DeckSummary, sources: dict[str, Source]) -> list[str]:
    """The counts as Markdown lines: notes by subdeck, by source, merged questions, kinds, tags."""
    decks = ", ".join(f"*{d}* ({n})" for d, n in summary.subdecks)
    kinds = f"Kinds: {', '.join(f'{n} {k}' for k, n in summary.kinds)}."
    if summary.merged:
        kinds += (
            f" {summary.merged} notes each merge a question that several articles ask ({summary.card_files}"
            f" questions in {summary.notes} notes), so a note can count under more than one source."
        )
    root = TAG_ROOT
    tags = (
        f"Tags: `{root}::source::{'|'.join(sorted(s for s, _ in summary.sources))}`, "
        f"`{root}::difficulty::{'|'.join(DIFFICULTIES)}`, `{root}::kind::{'|'.join(k for k, _ in summary.kinds)}`, "
        f"`{root}::topic::…` ({summary.topics} topics) and `{root}::origin::source|deck` "
        "(the article's answer, or one written for the deck)."
    )
    return [
        f"**{summary.notes} notes** in {len(summary.subdecks)} subdecks by difficulty: {decks}.",
        "",
        "| where the questions come from | notes |",
        "|---|---|",
        *(f"| {source_label(s, sources)} | {n} |" for s, n in summary.sources),
        "",
        kinds,
        "",
        tags,
    ]
