"""Groups of likely duplicates -> lines of text for a person to review. Pure."""

from __future__ import annotations

from ..entries import Entry
from .groups import FOLDED, KEPT, NEW, Group

MARK = {FOLDED: "folded", KEPT: "kept  ", NEW: "NEW   "}


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def format_group(n: int, group: Group, cards: dict[str, Entry], kept: dict[frozenset[str], str]) -> list[str]:
    width = max(len(i) for i in group.ids)
    lines = [f"[{n}] {group.status}: {', '.join(group.ids)}"]
    for cid in group.ids:
        card = cards[cid]
        note = f"  (folded into {card.duplicate_of})" if card.duplicate_of else ""
        lines.append(f"    {cid:<{width}}  {_clip(card.question, 90)}{note}")
    for c in group.candidates:
        p = c.pair
        why = f"  — {kept[frozenset((p.a, p.b))]}" if c.status == KEPT else ""
        parts = f"(question {p.question:.2f}, answer {p.answer:.2f})"
        lines.append(f"    {p.score:.2f}  {MARK[c.status]}  {p.a} ~ {p.b}  {parts}{why}")
    return lines


def format_report(
    groups: list[Group],
    cards: dict[str, Entry],
    kept: dict[frozenset[str], str],
    threshold: float,
    unreached: list[tuple[str, str, float]],
) -> list[str]:
    lines: list[str] = []
    for n, group in enumerate(groups, 1):
        lines += format_group(n, group, cards, kept)
        lines.append("")
    pairs = [c for g in groups for c in g.candidates]
    counts = {s: sum(1 for c in pairs if c.status == s) for s in (FOLDED, KEPT, NEW)}
    lines.append(
        f"{len(pairs)} pair(s) with score ≥ {threshold:.2f} in {len(groups)} group(s): "
        f"{counts[FOLDED]} folded, {counts[KEPT]} kept separate, {counts[NEW]} new"
    )
    for card, target, score in unreached:
        lines.append(f"note: {card} is folded into {target} but scores only {score:.2f} against that note's cards")
    if counts[NEW]:
        lines.append("Review the NEW pairs: fold with `duplicate_of:` or list them in mldeck/dups/reviewed.py")
    return lines
