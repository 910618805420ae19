"""The `dups` command: list likely duplicate questions so a maintainer can fold or keep them.

Registering the command imports nothing else: every command's module is imported to build the
parser, so the similarity code is only loaded when `dups` runs."""

from __future__ import annotations

import argparse

DEFAULT_THRESHOLD = 0.5


def register(sub: argparse._SubParsersAction) -> None:
    d = sub.add_parser("dups", help="list likely duplicate questions (see docs/duplicates.md)")
    d.add_argument("--threshold", type=_unit, default=DEFAULT_THRESHOLD,
                   help=f"list pairs scoring at least this, 0..1 (default {DEFAULT_THRESHOLD})")  # fmt: skip
    d.add_argument("--new", action="store_true", help="only groups with a pair nobody has reviewed")
    d.add_argument("--check", action="store_true", help="exit 1 when there is a new pair (for CI)")
    d.set_defaults(func=run_dups)


def _unit(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1")
    return value


def run_dups(args: argparse.Namespace) -> int:
    from ..entries import read_entries
    from .groups import NEW, candidates, cluster, primaries, unreached
    from .report import format_report
    from .reviewed import kept_pairs
    from .similarity import score_pairs

    cards = read_entries(args.root / "cards")  # DeckError -> main() prints file:line problems
    pairs = score_pairs(cards)
    primary = primaries(cards)
    kept = kept_pairs()
    groups = cluster(candidates(pairs, primary, kept, args.threshold))
    if args.new:
        groups = [g for g in groups if g.status == NEW]
    missed = unreached(pairs, primary, args.threshold)
    for line in format_report(groups, {c.id: c for c in cards}, kept, args.threshold, missed):
        print(line)
    return 1 if args.check and any(g.status == NEW for g in groups) else 0
