"""The `preview` command: cards/ -> build/preview/index.html, with messages and an exit code."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..taxonomy import DIFFICULTIES


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("preview", help="a static HTML preview of every card, light and night (build/preview/)")
    p.add_argument("-o", "--out", type=Path, help="folder to write (default: build/preview)")
    p.add_argument("--source", action="append", default=[], help="only notes from this source (repeatable)")
    p.add_argument("--difficulty", action="append", default=[], choices=DIFFICULTIES, help="only this level")
    p.add_argument("--tag", action="append", default=[], help="only notes with this topic or full tag")
    p.add_argument("--math", choices=("auto", "mathjax", "mathml"), default="auto",
                   help="formulas typeset by MathJax 3 as in Anki (auto: when tools/mathjax is installed) "
                   "or shown as MathML")  # fmt: skip
    p.add_argument("--quiet", action="store_true", help="no progress display")
    p.set_defaults(func=run_preview)


def run_preview(args: argparse.Namespace) -> int:
    from ..build.notes import Filters
    from ..build.run import BuildOptions
    from ..errors import DeckError
    from .site import build_preview

    filters = Filters(frozenset(args.source), frozenset(args.difficulty), frozenset(args.tag))
    out = args.out.resolve() if args.out else None
    start = time.perf_counter()
    try:
        result = build_preview(args.root, out, BuildOptions(filters=filters, quiet=args.quiet), args.math)
    except DeckError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"error: {len(exc.problems)} problem(s); no preview written", file=sys.stderr)
        return 1
    for problem in result.math_problems:
        print(f"warning: math shown as TeX: {problem}", file=sys.stderr)
    index = result.index
    shown = index.relative_to(args.root) if index.is_relative_to(args.root) else index
    maths = f"MathJax {result.mathjax}" if result.mathjax else "MathML (no MathJax: npm ci --prefix tools/mathjax)"
    print(
        f"{shown}: {result.cards} cards, {result.media} media files, maths by {maths}, "
        f"in {time.perf_counter() - start:.2f} s; open {index.as_uri()}"
    )
    return 0
