"""Read what a git ref of the project held, without touching the worktree or the index.

For the id checks: the card files and the id ledger at the base a change is compared with
(HEAD for a contributor, the pull request's base in CI), and every id any card ever had. Every
call is bounded in time and size, and a checkout without git (an exported tree, a tarball) or
an unknown ref simply yields nothing: the ledger itself is the check that always runs.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

TIMEOUT = 30.0  # seconds per git call
MAX_BLOB = 256 * 1024  # larger files are not card files (the reader's limit)
HISTORY_ID = re.compile(rb"^[-+]id:[ \t]*['\"]?([a-z][a-z0-9]*-[a-z0-9]+)", re.MULTILINE)


class GitUnavailable(Exception):
    """No git, not a repository, or the ref does not exist."""


def _git(root: Path, *args: str, data: bytes | None = None) -> bytes:
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), *args], input=data, capture_output=True, timeout=TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitUnavailable(f"git {args[0]}: {exc.__class__.__name__}") from None
    if proc.returncode != 0:
        raise GitUnavailable(proc.stderr.decode("utf-8", "replace").strip()[:200] or f"git {args[0]} failed")
    return proc.stdout


def is_repository(root: Path) -> bool:
    """True when `root` is the top of a git worktree (not a folder inside another repository)."""
    try:
        top = _git(root, "rev-parse", "--show-toplevel").decode("utf-8", "surrogateescape").strip()
    except GitUnavailable:
        return False
    return Path(top).resolve() == root.resolve()


def commit_of(root: Path, ref: str) -> str:
    """The commit `ref` names; GitUnavailable when there is none."""
    if ref.startswith("-") or not is_repository(root):
        raise GitUnavailable(f"{ref!r} is not a commit of {root}")
    return _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()


def files_at(root: Path, commit: str, folder: str) -> dict[str, bytes]:
    """Path (relative to the root) -> bytes of every regular file under `folder` at `commit`."""
    listing = _git(root, "ls-tree", "-r", "-z", "--full-tree", commit, "--", folder)
    wanted: list[tuple[str, str]] = []
    for item in listing.split(b"\0"):
        if not item:
            continue
        meta, _, name = item.partition(b"\t")
        mode, kind, sha = meta.split()[:3]
        if kind == b"blob" and mode in (b"100644", b"100755"):
            wanted.append((sha.decode(), name.decode("utf-8", "surrogateescape")))
    if not wanted:
        return {}
    out = _git(root, "cat-file", "--batch", data="".join(f"{sha}\n" for sha, _ in wanted).encode())
    files: dict[str, bytes] = {}
    pos = 0
    for _, name in wanted:
        header_end = out.index(b"\n", pos)
        size = int(out[pos:header_end].split()[2])
        start = header_end + 1
        if size <= MAX_BLOB:
            files[name] = out[start : start + size]
        pos = start + size + 1
    return files


def file_at(root: Path, commit: str, path: str) -> bytes | None:
    """One file at `commit`, or None when the commit has no such file."""
    return files_at(root, commit, path).get(path)


def ids_in_history(root: Path, folder: str = "cards") -> set[str]:
    """Every id an `id:` line under `folder` ever had, on any branch (empty without git)."""
    if not is_repository(root):
        return set()
    try:
        log = _git(root, "log", "--all", "--format=", "--unified=0", "--no-ext-diff", "-p", "--", folder)
    except GitUnavailable:
        return set()
    return {m.decode() for m in HISTORY_ID.findall(log)}
