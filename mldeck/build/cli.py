"""The `build` command: options -> BuildOptions, result -> messages and exit code."""

from __future__ import annotations

import argparse
import sys
import time

from ..errors import DeckError
from ..taxonomy import DIFFICULTIES


def register(sub: argparse._SubParsersAction) -> None:
    b = sub.add_parser("build", help="card files in cards/ -> dist/ml-interview-questions.apkg")
    b.add_argument("--split", choices=("difficulty", "source", "none"), default="difficulty",
                   help="subdecks by difficulty (default), by source, or one flat deck")  # fmt: skip
    b.add_argument("--source", action="append", default=[], help="only notes from this source (repeatable)")
    b.add_argument("--difficulty", action="append", default=[], choices=DIFFICULTIES, help="only this level")
    b.add_argument("--tag", action="append", default=[], help="only notes with this topic or full tag")
    b.add_argument(
        "-o",
        "--output",
        help="where to write the .apkg (default: dist/ml-interview-questions.apkg, or a name that says the filters)",
    )
    b.add_argument("--quiet", action="store_true", help="no progress display")
    b.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    b.set_defaults(func=run_build)


def run_build(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .notes import Filters
    from .run import BuildOptions, build_deck

    filters = Filters(frozenset(args.source), frozenset(args.difficulty), frozenset(args.tag))
    out = Path(args.output).resolve() if args.output else None
    opts = BuildOptions(split=args.split, filters=filters, out=out, quiet=args.quiet, force=args.force)
    start = time.perf_counter()
    try:
        result = build_deck(args.root, opts)
    except DeckError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"error: {len(exc.problems)} problem(s); no deck written", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - start
    rel = result.out.relative_to(args.root) if result.out.is_relative_to(args.root) else result.out
    if result.up_to_date:
        print(f"{rel} is up to date ({elapsed:.2f} s)")
        return 0
    if result.skipped:
        ids = ", ".join(c.id for c in result.skipped)
        print(f"warning: skipped {len(result.skipped)} card(s) with no answer yet: {ids}", file=sys.stderr)
    origin = "" if filters.active else f" from {result.entries} card files ({result.folded} folded into another note)"
    print(
        f"{rel}: {len(result.notes)} notes{origin}, {len(result.media)} media files "
        f"({result.rendered} rendered, {result.cached} from cache) in {elapsed:.2f} s"
    )
    return 0
