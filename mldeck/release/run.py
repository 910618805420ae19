"""A release, rehearsed: from a clean clone of HEAD, build the deck and its notes against the
previous tag, check that every version string agrees, and write both to dist/.

The same command runs in CI on a tag (.github/workflows/release.yml), so what a maintainer
rehearses is what learners download. Nothing in the working tree is used or changed except
dist/ and build/release/ (a temporary clone, removed afterwards).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..diff.compare import DeckDiff, diff_packages
from ..diff.grouping import Bump, bump_of, next_version, parse_version, suggest_bump
from ..diff.package import Package, read_package
from ..diff.refs import BUILD_TIMEOUT, RefBuildFailed, build_ref
from ..errors import DeckError, Problem, fail
from ..fsio import write_atomic
from ..notetype.model import ROOT_DECK
from ..sources import load_sources
from . import gitrepo
from .changelog import CHANGELOG, Section, release_section, unwrap
from .notes import release_notes
from .summary import from_package, summary_markdown

DECK_STEM = "ml-interview-questions"


@dataclass(frozen=True)
class Rehearsal:
    version: str
    commit: str
    previous: str | None
    apkg: Path
    notes: Path
    notes_count: int
    diff: DeckDiff
    suggested: Bump
    uncommitted: int
    tagged: bool


def code_version(tree: Path) -> str:
    """`__version__` of the mldeck package in `tree` (read, not imported)."""
    path = tree / "mldeck" / "__init__.py"
    found = re.findall(r'(?m)^__version__\s*=\s*"([^"]*)"\s*$', path.read_text(encoding="utf-8"))
    if len(found) != 1:
        raise fail("mldeck/__init__.py", 1, 'needs exactly one line `__version__ = "X.Y.Z"`')
    return found[0]


def package_version(apkg: Path) -> str:
    """The version the built deck states in its description in Anki ("deck version X.Y.Z")."""
    with zipfile.ZipFile(apkg) as zf, tempfile.TemporaryDirectory(prefix="mldeck-release-") as tmp:
        db = Path(tmp) / "collection.sqlite"
        db.write_bytes(zf.read("collection.anki2"))
        conn = sqlite3.connect(db)
        try:
            (decks_json,) = conn.execute("select decks from col").fetchone()
        finally:
            conn.close()
    descriptions = [d.get("desc", "") for d in json.loads(decks_json).values() if d.get("name") == ROOT_DECK]
    found = re.search(r"deck version ([0-9A-Za-z.+-]+?)\.?<", "".join(descriptions))
    return found.group(1) if found else ""


def _build(tree: Path, out: Path) -> None:
    cmd = [sys.executable, str(tree / "build_deck.py"), "--root", str(tree), "build", "--output", str(out)]
    try:
        proc = subprocess.run(
            [*cmd, "--quiet", "--force"], cwd=tree, capture_output=True, text=True, timeout=BUILD_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise fail("", 0, f"the build took longer than {BUILD_TIMEOUT} s") from None
    if proc.returncode != 0 or not out.is_file():
        raise fail("", 0, f"the build of the clean clone failed:\n{(proc.stderr or proc.stdout).strip()}")


def _check_sources(version: str, tree: Path) -> Section:
    """The version in the code and the CHANGELOG section, both checked before anything is built."""
    problems = []
    if (code := code_version(tree)) != version:
        problems.append(Problem("mldeck/__init__.py", 1, f'__version__ is "{code}", not "{version}": bump it'))
    try:
        section = release_section(tree / CHANGELOG, version)
    except DeckError as exc:
        problems += exc.problems
    if problems:
        raise DeckError(problems)
    return section


def _check_package(version: str, apkg: Path) -> None:
    if (deck := package_version(apkg)) != version:
        raise fail("", 0, f"the built deck's description says version {deck or '(none)'}, not {version}")


def _check_bump(version: str, previous: str | None, diff: DeckDiff) -> Bump:
    suggested, why = suggest_bump(diff)
    if previous is None:
        return suggested
    old, new = parse_version(previous), parse_version(version)
    given = bump_of(old, new)
    if given.value < suggested.value:
        raise fail(
            "",
            0,
            f"{previous} → {version} is a {given.name.lower()} release, but {why}: "
            f"it needs a {suggested.name.lower()} bump ({next_version(old, suggested)})",  # fmt: skip
        )
    return suggested


def _relative(exc: DeckError, tree: Path) -> DeckError:
    """Problems about files in the temporary clone, named by their path in the repository."""
    out = []
    for p in exc.problems:
        path = Path(p.path) if str(p.path) else None
        if path is not None and path.is_absolute() and path.is_relative_to(tree):
            path = path.relative_to(tree)
        out.append(Problem(path.as_posix() if path else "", p.line, p.message.replace(f"{tree}{os.sep}", ""), p.level))
    return DeckError(out)


def rehearse(root: Path, version: str, log: Callable[[str], None] = print) -> Rehearsal:
    """Build release `version` of the repository `root` from a clean clone into root/dist/."""
    version = version.removeprefix("v")
    parsed = parse_version(version)
    if parsed is None:
        raise fail("", 0, f"{version!r} is not a version: use X.Y.Z, e.g. 1.0.0")
    commit = gitrepo.head_commit(root)
    tag = f"v{version}"
    tagged = gitrepo.tag_commit(root, tag)
    if tagged is not None and tagged != commit:
        raise fail("", 0, f"{tag} is already a tag of {tagged[:12]}, not of HEAD ({commit[:12]}): choose a new version")
    work = root / "build" / "release"
    work.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"v{version}-", dir=work))
    tree = tmp / "clone"
    try:
        log(f"cloning {commit[:12]} into {tree.relative_to(root)} (committed files only)")
        gitrepo.clone_at(root, commit, tree)
        section = _check_sources(version, tree)
        log(f"building {version} in the clean clone")
        apkg = tmp / f"{DECK_STEM}-v{version}.apkg"
        _build(tree, apkg)
        _check_package(version, apkg)
        previous = gitrepo.previous_tag(tree, commit, parsed)
        if previous:
            log(f"building {previous} (the previous release) to compare with")
            old = read_package(build_ref(tree, previous, tmp / "previous"))
        else:
            old = Package(Path("(nothing)"), {}, {})
        new = read_package(apkg)
        diff = diff_packages(old, new)
        suggested = _check_bump(version, previous, diff)
        sources = load_sources(tree / "sources")
        summary = summary_markdown(from_package(new.notes.values(), sources), sources)
        text = release_notes(version, apkg.name, unwrap(section.body), summary, diff, previous, suggested)
        dist = root / "dist"
        out_apkg, out_notes = dist / apkg.name, dist / f"release-notes-v{version}.md"
        write_atomic(out_apkg, apkg.read_bytes())
        write_atomic(out_notes, text)
    except DeckError as exc:
        raise _relative(exc, tree) from None
    except RefBuildFailed as exc:
        raise fail("", 0, str(exc)) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return Rehearsal(version, commit, previous, out_apkg, out_notes, len(new.notes), diff, suggested,
                     gitrepo.uncommitted(root), tagged is not None)  # fmt: skip
