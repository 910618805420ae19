"""Shared test helpers: a temporary copy of the project to run the pipeline in."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def copy_project(dst: Path, with_cards: bool = False) -> Path:
    """Copy sources/ (and optionally cards/ and media/) into `dst`; return `dst`."""
    shutil.copytree(ROOT / "sources", dst / "sources")
    if with_cards:
        shutil.copytree(ROOT / "cards", dst / "cards")
    else:
        (dst / "cards").mkdir()
    if (ROOT / "media").is_dir():
        shutil.copytree(ROOT / "media", dst / "media")
    else:
        (dst / "media").mkdir()
    return dst


def snapshot_tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


FIXTURE = Path(__file__).resolve().parent / "fixtures" / "project"


def copy_fixture(dst: Path) -> Path:
    """Copy the fixed test corpus (tests/fixtures/project: sources, 14 cards, media) into `dst`."""
    shutil.copytree(FIXTURE, dst, ignore=shutil.ignore_patterns("build", "dist", "README.md"))
    return dst
