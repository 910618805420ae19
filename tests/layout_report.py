"""`python -m tests.layout_report` (make layout): how every note's back fits a phone.

Builds the deck (or takes --apkg), renders every note as Anki does with its own MathJax 3 at
390x844 and 1000x800, light and night (tests/layout.py), and prints: notes measured, the
median visible height on the phone with <details> closed, the share within one and two
screens, the tallest notes, notes with diagram labels under 11 px, and every failure that
tests/test_phone_layout.py asserts. Screenshots of 12 varied notes at every viewport go to
build/screens/layout/ (a dashed line marks the end of the first screen).
Exit status 0, or 1 with --strict when there are failures.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from tests.helpers import ROOT
from tests.layout import SHOTS, crosscheck_line, load_deck, measure, summary_lines, timing_line


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.layout_report", description=__doc__.splitlines()[0])
    p.add_argument("--apkg", type=Path, help="measure this package instead of building the deck from cards/")
    p.add_argument("--shots", type=Path, default=SHOTS, help="where the screenshots go (default: %(default)s)")
    p.add_argument("--no-shots", action="store_true", help="measure only")
    p.add_argument("--tallest", type=int, default=10, help="how many of the tallest notes to list")
    p.add_argument("--strict", action="store_true", help="exit 1 when a note fails a hard check")
    args = p.parse_args(argv)
    t = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mldeck-layout-") as tmp:
        deck = load_deck(Path(tmp), args.apkg)
        result = measure(deck, shots=None if args.no_shots else args.shots)
    for line in summary_lines(result, args.tallest):
        print(line)
    if result.page_errors:
        print("\npage errors:")
        print("\n".join(f"  {e}" for e in result.page_errors))
    print(f"\n{crosscheck_line(result)}")
    if result.screenshots:
        where = args.shots.resolve()
        shown = where.relative_to(ROOT) if where.is_relative_to(ROOT) else where
        print(f"\nscreenshots: {len(result.screenshots)} PNGs in {shown}/")
    print(f"{timing_line(result)}; total {time.perf_counter() - t:.1f} s")
    return 1 if args.strict and result.hard() else 0


if __name__ == "__main__":
    sys.exit(main())
