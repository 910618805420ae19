"""The `diff` command: two packages (or two git refs, built first) -> Markdown on stdout or a file."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    d = sub.add_parser(
        "diff",
        help="notes added, removed and changed between two packages (or git refs), as Markdown",
        description="Compare two .apkg files, matching notes by GUID. With --refs, OLD and NEW are git refs "
        "of this repo: each is exported and built with its own code first. Removed notes are listed "
        "with the Anki search that finds them, because importing never deletes a note.",
    )
    d.add_argument("old", metavar="OLD", help="the older package (with --refs: a git ref, e.g. v0.1.0)")
    d.add_argument("new", metavar="NEW", help="the newer package (with --refs: a git ref, e.g. v0.2.0 or HEAD)")
    d.add_argument("--refs", action="store_true", help="OLD and NEW are git refs: build each, then compare")
    d.add_argument("-o", "--output", help="write the Markdown to this file instead of stdout")
    d.set_defaults(func=run_diff)


def run_diff(args: argparse.Namespace) -> int:
    from .compare import diff_packages
    from .package import PackageError, read_package
    from .refs import RefBuildFailed, RefError, build_ref
    from .report import render_markdown

    try:
        with tempfile.TemporaryDirectory(prefix="mldeck-diff-refs-") as tmp:
            if args.refs:
                old_path = build_ref(args.root, args.old, Path(tmp) / "old")
                new_path = build_ref(args.root, args.new, Path(tmp) / "new")
            else:
                old_path, new_path = Path(args.old), Path(args.new)
            diff = diff_packages(read_package(old_path), read_package(new_path))
    except (PackageError, RefError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except RefBuildFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    text = render_markdown(diff, args.old, args.new)
    if args.output:
        from ..fsio import write_atomic

        write_atomic(Path(args.output), text)
    else:
        sys.stdout.write(text)
    return 0
