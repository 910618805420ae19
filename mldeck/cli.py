"""Command line: argument parsing, messages and exit codes. The work is done elsewhere."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .errors import DeckError

ROOT = Path(__file__).resolve().parent.parent


def _cmd_scrape(args: argparse.Namespace) -> int:
    from .scrape.run import scrape_all, summary
    from .sources import load_sources

    results = scrape_all(load_sources(args.root / "sources"), args.root / "cards", args.source)
    for line in summary(results):
        print(line)
    conflicts = sum(len(r.conflicts) for r, _, _ in results)
    if conflicts:
        print(f"{conflicts} conflict(s): edit those cards by hand (the lock keeps reporting them)", file=sys.stderr)
    return 1 if conflicts and args.strict else 0


def _cmd_fetch(args: argparse.Namespace) -> int:
    from .scrape.fetch import FetchError, refresh_snapshot
    from .sources import load_sources

    sources = load_sources(args.root / "sources")
    if args.source not in sources:
        print(f"error: unknown source {args.source!r} (known: {', '.join(sources)})", file=sys.stderr)
        return 2
    try:
        path, n = refresh_snapshot(sources[args.source], args.url, args.timeout)
    except FetchError as exc:
        print(f"error: fetch {args.source}: {exc}", file=sys.stderr)
        return 1
    print(f"{path}: {n} questions; run `make cards` to update the cards")
    return 0


def parser(prog: str = "build_deck.py") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description="ML interview questions -> Anki deck")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument("--root", type=Path, default=ROOT, help="project folder (default: this checkout)")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("scrape", help="snapshots in sources/ -> card files in cards/")
    s.add_argument("--source", action="append", help="only this source (repeatable)")
    s.add_argument("--strict", action="store_true", help="exit 1 when a hand-edited card conflicts with the article")
    s.set_defaults(func=_cmd_scrape)
    f = sub.add_parser("fetch", help="download a live article and refresh its snapshot")
    f.add_argument("source")
    f.add_argument("--url", help="page address (default: the source's url)")
    f.add_argument("--timeout", type=float, default=15.0)
    f.set_defaults(func=_cmd_fetch)
    _add_build_commands(sub)
    return p


# Modules that add subcommands: each has register(subparsers). Missing ones are skipped, so
# the scraper works without the build's dependencies and new commands plug in here.
COMMAND_MODULES = (
    "mldeck.build.cli",
    "mldeck.lint.cli",
    "mldeck.preview.cli",
    "mldeck.diff.cli",
    "mldeck.dups.cli",
    "mldeck.release.cli",
    "mldeck.ledger_cli",  # `new` and `ledger`: ids (mldeck/ledger.py)
)


def _add_build_commands(sub: argparse._SubParsersAction) -> None:
    import importlib

    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue
            raise
        module.register(sub)


def main(argv: list[str] | None = None, prog: str = "build_deck.py") -> int:
    args = parser(prog).parse_args(argv)
    args.root = args.root.resolve()
    try:
        return int(args.func(args))
    except DeckError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
