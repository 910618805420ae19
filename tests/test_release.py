"""`build_deck.py release VERSION` (`make release`): a release rehearsed from a clean clone, on
temporary git repositories with tags; and the CHANGELOG checks it makes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mldeck.cli import main
from mldeck.diff.package import read_package
from mldeck.errors import DeckError
from mldeck.release.changelog import release_section, sections, unwrap
from mldeck.release.run import package_version
from tests.anki_helpers import git
from tests.helpers import ROOT
from tests.test_diff import card, card_text, small_project

T0 = 1_767_225_600  # 2026-01-01


def set_release(repo: Path, version: str, changelog: dict[str, str]) -> None:
    """Write `version` into the copy's mldeck/__init__.py and a CHANGELOG with these sections."""
    init = repo / "mldeck" / "__init__.py"
    init.write_text(f'"""mldeck."""\n\n__version__ = "{version}"\n', encoding="utf-8")
    body = "".join(f"## [{v}] - {date}\n\n- Release {v}.\n\n" for v, date in changelog.items())
    (repo / "CHANGELOG.md").write_text(f"# Changelog\n\n## [Unreleased]\n\n{body}", encoding="utf-8")


def project_repo(folder: Path) -> Path:
    """Six cards and this checkout's code, committed as 1.0.0 (not tagged)."""
    repo = small_project(folder)
    shutil.copy(ROOT / "build_deck.py", repo / "build_deck.py")
    shutil.copy(ROOT / "pyproject.toml", repo / "pyproject.toml")
    shutil.copytree(ROOT / "mldeck", repo / "mldeck", ignore=shutil.ignore_patterns("__pycache__"))
    set_release(repo, "1.0.0", {"1.0.0": "2026-01-01"})
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "1.0.0", when=T0)
    return repo


def release(repo: Path, version: str, capsys) -> tuple[int, str, str]:
    code = main(["--root", str(repo), "release", version])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def two_tags(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """v1.0.0, then v1.1.0 with one answer corrected and one card added."""
    repo = project_repo(tmp_path_factory.mktemp("release") / "repo")
    git(repo, "tag", "v1.0.0")
    path = card(repo, 2)
    path.write_text(path.read_text(encoding="utf-8").replace("The answer to question 2", "The answer to Q2"), "utf-8")
    (card(repo, 901)).write_text(card_text(901, "What is new in 1.1.0?"), encoding="utf-8")
    set_release(repo, "1.1.0", {"1.1.0": "2026-02-01", "1.0.0": "2026-01-01"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "1.1.0", when=T0 + 86_400)
    git(repo, "tag", "v1.1.0")
    return repo


@pytest.mark.slow
def test_release_builds_the_deck_and_the_notes_against_the_previous_tag(two_tags: Path, capsys):
    repo = two_tags
    (card(repo, 1)).write_text(card_text(1, "An uncommitted edit"), encoding="utf-8")  # not part of a release
    status = git(repo, "status", "--porcelain", "--untracked-files=no")

    code, out, err = release(repo, "1.1.0", capsys)
    assert code == 0, err
    assert out.startswith("release v1.1.0 rehearsed from a clean clone of ")
    assert "dist/ml-interview-questions-v1.1.0.apkg: 7 notes" in out and "against v1.0.0; suggested bump minor" in out
    assert "warning: 1 uncommitted change(s) are not in this release" in err

    apkg = repo / "dist" / "ml-interview-questions-v1.1.0.apkg"
    assert package_version(apkg) == "1.1.0"
    questions = {n.field("Question") for n in read_package(apkg).notes.values()}
    assert "What is new in 1.1.0?" in questions and "An uncommitted edit" not in questions
    notes = (repo / "dist" / "release-notes-v1.1.0.md").read_text(encoding="utf-8")
    assert notes.startswith("# ML Interview Questions 1.1.0\n")
    assert "**Download `ml-interview-questions-v1.1.0.apkg` below" in notes
    assert "- Release 1.1.0." in notes and "Release 1.0.0" not in notes  # its own CHANGELOG section only
    assert "## What is in the deck\n\n**7 notes** in 1 subdecks by difficulty: *1 Basic* (7)." in notes
    assert "## What changed since v1.0.0\n\nNew questions: importing adds them" in notes
    assert "### Corrected (1)" in notes and "The answer to ~~question 2,~~ **Q2,** with" in notes
    assert "### New (1)\n\n- What is new in 1.1.0? · 1 Basic" in notes
    assert "Removed" not in notes and "An uncommitted edit" not in notes
    assert git(repo, "status", "--porcelain", "--untracked-files=no") == status  # the working tree is untouched
    assert not any((repo / "build" / "release").iterdir())  # the clone is gone


@pytest.mark.slow
def test_release_refuses_disagreeing_versions_and_a_moved_tag(two_tags: Path, capsys):
    code, _, err = release(two_tags, "1.2.0", capsys)
    assert code == 1
    assert 'mldeck/__init__.py:1: error: __version__ is "1.1.0", not "1.2.0": bump it' in err
    assert "CHANGELOG.md:1: error: no `## [1.2.0] - YYYY-MM-DD` section" in err
    assert err.rstrip().endswith("error: release 1.2.0 not ready; nothing written to dist/")
    code, _, err = release(two_tags, "1.0.0", capsys)
    assert code == 1 and "v1.0.0 is already a tag of " in err and "not of HEAD" in err
    code, _, err = release(two_tags, "1.2", capsys)
    assert code == 1 and "'1.2' is not a version: use X.Y.Z" in err
    assert not (two_tags / "dist" / "release-notes-v1.2.0.md").exists()


@pytest.mark.slow
def test_release_refuses_a_bump_smaller_than_the_changes(tmp_path: Path, capsys):
    repo = project_repo(tmp_path / "repo")
    git(repo, "tag", "v1.0.0")
    card(repo, 3).unlink()
    set_release(repo, "1.0.1", {"1.0.1": "2026-03-01", "1.0.0": "2026-01-01"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "drop a card", when=T0 + 60)
    code, _, err = release(repo, "1.0.1", capsys)
    assert code == 1
    assert "v1.0.0 → 1.0.1 is a patch release, but 1 note(s) removed" in err and "major bump (2.0.0)" in err
    assert not (repo / "dist").exists()


@pytest.mark.slow
def test_first_release_lists_every_note_as_new(tmp_path: Path, capsys):
    repo = project_repo(tmp_path / "repo")
    code, out, err = release(repo, "1.0.0", capsys)
    assert code == 0, err
    assert "v1.0.0 (not tagged yet)" in out and "against nothing (the first release: every note is new)" in out
    notes = (repo / "dist" / "release-notes-v1.0.0.md").read_text(encoding="utf-8")
    assert "## The questions\n\nThe first release: every note is new.\n\n### New (6)" in notes
    assert notes.count("\n- What") == 4 and "- Why normalise features? · 1 Basic" in notes


# --- CHANGELOG -----------------------------------------------------------------------------------

CHANGELOG = """# Changelog

## [Unreleased]

## [1.1.0] - 2026-02-01

### Fixed

- A fix that is
  wrapped over two lines.

## [1.0.0] - 2026-01-01

- First.

[1.1.0]: https://example.org/compare
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "CHANGELOG.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_changelog_sections_and_unwrap(tmp_path: Path):
    found = sections(CHANGELOG)
    assert [(s.name, s.date, s.line) for s in found] == [
        ("Unreleased", "", 3),
        ("1.1.0", "2026-02-01", 5),
        ("1.0.0", "2026-01-01", 12),
    ]
    section = release_section(_write(tmp_path, CHANGELOG), "1.1.0")
    assert section.entries == ["- A fix that is"]
    assert unwrap(section.body) == "### Fixed\n\n- A fix that is wrapped over two lines."
    assert release_section(_write(tmp_path, CHANGELOG), "1.0.0").body == "- First."  # link references end it
    assert unwrap("```\na\nb\n```\n| x |\n| y |") == "```\na\nb\n```\n| x |\n| y |"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (CHANGELOG.replace("1.1.0] - 2026-02-01", "1.1.0] - unreleased"), "5: error: date the 1.1.0 section"),
        (CHANGELOG.replace("1.1.0] - 2026-02-01", "1.1.0] - 2026-02-30"), "5: error: date the 1.1.0 section"),
        (
            CHANGELOG.replace("- A fix that is\n  wrapped over two lines.", "Nothing."),
            "the 1.1.0 section lists no change",
        ),
        (
            CHANGELOG.replace("## [Unreleased]\n", "## [Unreleased]\n\n- Still here.\n"),
            "3: error: Unreleased still lists 1",
        ),
        (CHANGELOG.replace("## [1.1.0] - 2026-02-01", "## 1.1.0"), "1: error: no `## [1.1.0] - YYYY-MM-DD` section"),
    ],
)
def test_changelog_not_ready_for_a_release(tmp_path: Path, text: str, message: str):
    with pytest.raises(DeckError) as info:
        release_section(_write(tmp_path, text), "1.1.0")
    assert any(message in str(p) for p in info.value.problems), info.value.problems


def test_the_real_changelog_has_an_unreleased_section_and_a_1_0_0_section():
    found = {s.name: s for s in sections((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))}
    assert "Unreleased" in found and "1.0.0" in found and found["1.0.0"].entries


def test_the_release_workflow_runs_the_rehearsal_and_publishes_what_it_writes():
    workflow = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    assert 'make release VERSION="${GITHUB_REF_NAME#v}"' in workflow
    assert '"dist/ml-interview-questions-$GITHUB_REF_NAME.apkg"' in workflow  # run.py: DECK_STEM-vX.Y.Z.apkg
    assert '--notes-file "dist/release-notes-$GITHUB_REF_NAME.md"' in workflow
    assert "fetch-depth: 0" in workflow  # the previous tag and the notes' mod times need history
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "$(PY) build_deck.py release $(VERSION)" in makefile
