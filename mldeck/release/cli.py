"""The `release` and `readme` commands: arguments in, messages and exit codes out."""

from __future__ import annotations

import argparse
import sys

from ..errors import DeckError


def register(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser(
        "release",
        help="rehearse a release from a clean clone: the .apkg and its notes in dist/",
        description="Clone HEAD (committed files only), build the deck there, build the previous tag vX.Y.Z, "
        "write dist/ml-interview-questions-vVERSION.apkg and dist/release-notes-vVERSION.md, and check that "
        "VERSION, mldeck/__init__.py, CHANGELOG.md, the deck's description and the tag (if any) agree, and that "
        "the version bump is as large as the changes need. CI runs the same on a tag.",
    )
    r.add_argument("version", metavar="VERSION", help="the version to release, X.Y.Z (e.g. 1.0.0)")
    r.set_defaults(func=run_release)
    m = sub.add_parser("readme", help="regenerate the deck summary in README.md (counts and download link)")
    m.add_argument("--check", action="store_true", help="change nothing; exit 1 if the summary is out of date")
    m.set_defaults(func=run_readme)


def _fail(exc: DeckError, what: str) -> int:
    for problem in exc.problems:
        print(problem, file=sys.stderr)
    print(f"error: {what}", file=sys.stderr)
    return 1


def run_release(args: argparse.Namespace) -> int:
    from .run import rehearse

    try:
        done = rehearse(args.root, args.version, log=lambda line: print(line, file=sys.stderr))
    except DeckError as exc:
        return _fail(exc, f"release {args.version} not ready; nothing written to dist/")
    rel = args.root
    tag = f"v{done.version}" + ("" if done.tagged else " (not tagged yet)")
    against = done.previous or "nothing (the first release: every note is new)"
    print(f"release {tag} rehearsed from a clean clone of {done.commit[:12]}; versions agree")
    print(f"  {done.apkg.relative_to(rel)}: {done.notes_count} notes")
    bump = f"suggested bump {done.suggested.name.lower()}" if done.previous else "any version"
    print(f"  {done.notes.relative_to(rel)}: against {against}; {bump}")
    if done.uncommitted:
        print(f"warning: {done.uncommitted} uncommitted change(s) are not in this release", file=sys.stderr)
    return 0


def run_readme(args: argparse.Namespace) -> int:
    from ..fsio import write_atomic
    from .readme import README, stale_line, updated

    try:
        current, fresh = updated(args.root)
    except DeckError as exc:
        return _fail(exc, "README.md not updated")
    if current == fresh:
        print(f"{README}: the deck summary is up to date")
        return 0
    if args.check:
        print(f"{README}:{stale_line(args.root)}: the deck summary is out of date: run `make readme`", file=sys.stderr)
        return 1
    write_atomic(args.root / README, fresh)
    print(f"{README}: deck summary updated")
    return 0
