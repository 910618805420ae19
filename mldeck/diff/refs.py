"""Build a git ref of this repo into a package: export the commit into a temporary folder
(`git archive`, so the repo's worktrees and index are untouched) and run *that* commit's own
build, so the package is what a release from that ref contained.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

BUILD_TIMEOUT = 900  # seconds


class RefError(Exception):
    """The repo or the ref cannot be used (a usage error)."""


class RefBuildFailed(Exception):
    """The ref was found but its build failed."""


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)


def resolve(repo: Path, ref: str) -> tuple[str, int]:
    """(commit hash, commit time) of `ref`; raises RefError."""
    if ref.startswith("-"):
        raise RefError(f"{ref!r} is not a git ref")
    proc = _git(repo, "log", "-1", "--format=%H %ct", f"{ref}^{{commit}}", "--")
    if proc.returncode != 0 or not proc.stdout.strip():
        why = "unknown revision" if "bad revision" in proc.stderr or not proc.stderr.strip() else proc.stderr.strip()
        raise RefError(f"{ref!r} is not a commit in {repo}: {why}")
    commit, when = proc.stdout.split()
    return commit, int(when)


def export(repo: Path, commit: str, dest: Path) -> None:
    """Write the tree of `commit` into `dest`."""
    tar = dest.parent / f"{dest.name}.tar"
    proc = _git(repo, "archive", "--format=tar", "-o", str(tar), commit)
    if proc.returncode != 0:
        raise RefError(f"git archive {commit[:12]} failed: {proc.stderr.strip()}")
    dest.mkdir(parents=True)
    with tarfile.open(tar) as tf:
        if hasattr(tarfile, "data_filter"):  # Python >= 3.11.4 / 3.12: refuse links out of dest
            tf.extractall(dest, filter="data")
        else:  # pragma: no cover - older Pythons; the archive comes from this repo
            tf.extractall(dest)
    tar.unlink()


def build_ref(repo: Path, ref: str, workdir: Path) -> Path:
    """Build `ref` of `repo` with its own build_deck.py; return the package path inside `workdir`."""
    if _git(repo, "rev-parse", "--git-dir").returncode != 0:
        raise RefError(f"{repo} is not a git repository")
    commit, when = resolve(repo, ref)
    workdir.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", ref).strip("._") or "ref"
    tree = workdir / f"{name}-{commit[:12]}"
    export(repo, commit, tree)
    if not (tree / "build_deck.py").is_file():
        raise RefError(f"{ref} ({commit[:12]}) has no build_deck.py to build the deck with")
    out = workdir / f"{tree.name}.apkg"
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(when), GIT_CEILING_DIRECTORIES=str(workdir))
    cmd = [sys.executable, str(tree / "build_deck.py"), "--root", str(tree), "build", "--output", str(out)]
    try:
        proc = subprocess.run(
            [*cmd, "--quiet", "--force"], cwd=tree, env=env, capture_output=True, text=True, timeout=BUILD_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        raise RefBuildFailed(f"building {ref} took longer than {BUILD_TIMEOUT} s") from None
    if proc.returncode != 0 or not out.is_file():
        detail = (proc.stderr or proc.stdout).strip()
        raise RefBuildFailed(f"building {ref} ({commit[:12]}) failed (exit {proc.returncode}):\n{detail}")
    return out
