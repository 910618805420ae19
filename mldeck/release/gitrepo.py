"""The git side of a release: the commit to ship, its version tags, and a clean clone of it."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ..diff.grouping import parse_version
from ..errors import fail

Version = tuple[int, int, int]


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)


def head_commit(repo: Path) -> str:
    proc = git(repo, "rev-parse", "--verify", "HEAD^{commit}")
    if proc.returncode != 0:
        raise fail("", 0, f"{repo} is not a git repository with a commit: a release is built from a commit")
    return proc.stdout.strip()


def uncommitted(repo: Path) -> int:
    """How many tracked files differ from HEAD (they are not part of a release)."""
    proc = git(repo, "status", "--porcelain", "--untracked-files=no")
    return len([line for line in proc.stdout.splitlines() if line.strip()])


def tag_commit(repo: Path, tag: str) -> str | None:
    proc = git(repo, "rev-parse", "--verify", "--quiet", f"refs/tags/{tag}^{{commit}}")
    return proc.stdout.strip() if proc.returncode == 0 else None


def previous_tag(repo: Path, commit: str, version: Version) -> str | None:
    """The highest tag vX.Y.Z below `version` that `commit` contains, or None (a first release)."""
    proc = git(repo, "tag", "--merged", commit, "--list", "v*")
    tags = [(v, t) for t in proc.stdout.split() if (v := parse_version(t)) is not None and v < version]
    return max(tags)[1] if tags else None


def clone_at(repo: Path, commit: str, dest: Path) -> None:
    """A fresh clone of `repo` in `dest` with `commit` checked out: only what is committed."""
    proc = subprocess.run(
        ["git", "clone", "--quiet", "--no-checkout", str(repo), str(dest)], capture_output=True, text=True, check=False
    )
    if proc.returncode == 0:
        proc = git(dest, "checkout", "--quiet", "--detach", commit)
    if proc.returncode != 0:
        raise fail("", 0, f"could not clone {commit[:12]} into {dest}: {proc.stderr.strip()}")
