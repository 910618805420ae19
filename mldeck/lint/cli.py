"""The `lint` command: check every card file, print `path:line: level: message`, exit 1 on errors."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("lint", help="check every card file (schema, references, rendering, content)")
    p.add_argument("--format", choices=("text", "github"), default="text",
                   help="text: path:line: level: message; github: GitHub Actions annotations")  # fmt: skip
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    p.add_argument("--base", default="HEAD", metavar="REF",
                   help="git ref the id rules compare with (default HEAD; CI: the pull request's base)")  # fmt: skip
    p.set_defaults(func=run_lint)


def run_lint(args: argparse.Namespace) -> int:
    from ..entries import entry_files
    from .report import exit_status, format_problems, relative, summary
    from .run import lint_project

    if hasattr(sys.stdout, "reconfigure"):  # a file name that is not UTF-8 prints as \xNN, never a traceback
        sys.stdout.reconfigure(errors="backslashreplace")
    found = lint_project(args.root, args.base)
    for note in (p for p in found if not str(p.path)):  # about the run, not a file: once, on stderr
        print(note, file=sys.stderr)
    problems = [relative(p, args.root) for p in found if str(p.path)]
    for line in format_problems(problems, args.format):
        print(line)
    print(summary(problems, len(entry_files(args.root / "cards"))), file=sys.stderr)
    return exit_status(problems, args.strict)
