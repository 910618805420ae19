"""Modification times for notes and the model, so Anki lets updates through.

Anki updates a note on import only when the package's `mod` is newer than the collection's.
A file's time is its last git commit time; a file with uncommitted changes (or outside git)
uses SOURCE_DATE_EPOCH when set, else its mtime. Same commit -> same times -> same bytes.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


class FileTimes:
    """Last-change times of the files under a repo, from two git calls in total (one `git log`
    walk and one `git status`); a file outside git is looked at once."""

    def __init__(self, root: Path):
        self.root = root
        self.committed: dict[str, int] = {}
        self.dirty: set[str] = set()
        self._memo: dict[str, int] = {}
        self._mtimes: dict[str, float] = {}
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        self._epoch = int(epoch) if epoch and epoch.isdigit() else None
        self._load()

    def _git(self, *args: str) -> str | None:
        try:
            proc = subprocess.run(
                ["git", "-C", str(self.root), *args], capture_output=True, text=True, timeout=60, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return proc.stdout if proc.returncode == 0 else None

    def _load(self) -> None:
        log = self._git("log", "--format=@%ct", "--name-only", "--no-renames", "HEAD", "--", ".")
        if log is None:
            return
        when = 0
        for line in log.splitlines():
            if line.startswith("@"):
                when = int(line[1:])
            elif line and line not in self.committed:
                self.committed[line] = when  # newest commit first, so the first seen wins
        status = self._git("status", "--porcelain", "--untracked-files=all", "--no-renames")
        for line in (status or "").splitlines():
            self.dirty.add(line[3:].strip().strip('"'))

    def time_of(self, rel: str) -> int:
        """Seconds since the epoch at which `rel` (repo-relative, '/'-separated) last changed."""
        if rel in self.committed and rel not in self.dirty:
            return self.committed[rel]
        if rel not in self._memo:
            self._memo[rel] = self._uncommitted_time(rel)
        return self._memo[rel]

    def know_mtimes(self, mtimes: dict[str, float]) -> None:
        """mtimes (repo-relative path -> st_mtime) the caller already has: no stat for those."""
        self._mtimes = mtimes

    def _uncommitted_time(self, rel: str) -> int:
        if self._epoch is not None:
            return self._epoch
        if (known := self._mtimes.get(rel)) is not None:
            return int(known)
        try:
            return int(os.stat(os.path.join(self.root, rel)).st_mtime)
        except OSError:
            return 0

    def latest(self, rels: list[str]) -> int:
        return max((self.time_of(r) for r in rels), default=0)

    def latest_under(self, folder: str) -> int:
        """Newest time of any file under `folder` (committed or dirty)."""
        prefix = folder.rstrip("/") + "/"
        times = [t for p, t in self.committed.items() if p.startswith(prefix) and p not in self.dirty]
        times += [self.time_of(p) for p in self.dirty if p.startswith(prefix)]
        return max(times, default=0)
