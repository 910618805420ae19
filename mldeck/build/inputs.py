"""What a note is made from, and so its `mod`: Anki updates a note only when the package's `mod`
is newer than the collection's, so a note's `mod` is the newest change over every input of its
fields (../shared/ARCHITECTURE.md):

- its card files (the primary entry and every entry folded into it);
- the `source.yaml` of every source it credits (publisher, title, URL on the back);
- the `media/` files it shows (diagram sources are in the card file itself);
- the code and templates that make and render it (`CODE`), and the dependency lock that pins
  the libraries that render it (`LOCKS`).

Times come from one `git log` walk of each repository (gitmeta.py): the project, and the
checkout holding the mldeck package when that is another one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..entries import CardFiles, Entry
from ..notetype.model import template_paths
from .gitmeta import FileTimes

PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the checkout that holds the mldeck package
# Code that shapes note fields: the whole package but the tools that sit on top of the build.
NOT_NOTE_CODE = ("mldeck/lint/", "mldeck/preview/", "mldeck/diff/", "mldeck/dups/", "mldeck/scrape/", "mldeck/cli.py")
LOCKS = ("requirements/deck.txt",)  # the pinned render libraries (Makefile installs from it)


def code_paths(code_root: Path) -> list[str]:
    """Repo-relative paths of the code, templates and lock files every note is made with."""
    files = []
    for folder, dirs, names in os.walk(code_root / "mldeck"):  # names from the listing: no stat per file
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        rel = Path(folder).relative_to(code_root).as_posix()
        files += [f"{rel}/{n}" for n in names if os.path.splitext(n)[1] in CODE_SUFFIXES]
    return [f for f in sorted(files) if not f.startswith(NOT_NOTE_CODE)] + [
        p for p in LOCKS if (code_root / p).is_file()
    ]


CODE_SUFFIXES = (".py", ".html", ".css")


class ModTimes:
    """`mod` for notes and the model, from the times of their inputs."""

    def __init__(self, root: Path, code_root: Path = PACKAGE_ROOT, times: FileTimes | None = None):
        self.root = root
        self.times = times or FileTimes(root)
        self.code_times = self.times if code_root == root else FileTimes(code_root)
        self.code = self.code_times.latest(code_paths(code_root))
        self.model = self.code_times.latest(template_paths())

    def know_card_stats(self, files: CardFiles) -> None:
        """The card files' stats the build took: a card outside git needs no stat of its own."""
        self.times.know_mtimes({self.rel(name): st.st_mtime for name, st in files.stats.items()})

    def rel(self, path: Path | str) -> str:
        """`path` (under the project) relative to it, '/'-separated: strings, not pathlib, in the
        common case (10,000 cards a build)."""
        text, root = str(path), str(self.root)
        if text.startswith(root + os.sep):
            return text[len(root) + 1 :].replace(os.sep, "/")
        return Path(path).relative_to(self.root).as_posix()

    def note_mod(self, group: list[Entry], media_refs: Iterable[str]) -> int:
        """The newest time over a note's inputs: its card files, the `source.yaml` of each source
        it credits, the `media/` files it shows (`media_refs`), and the code (`self.code`)."""
        time_of = self.times.time_of
        newest = self.code
        for c in group:
            if c.path is not None:
                newest = max(newest, time_of(self.rel(c.path)))
            newest = max(newest, time_of(f"sources/{c.source}/source.yaml"))
        for ref in media_refs:
            newest = max(newest, time_of(ref.lstrip("./")))
        return newest
