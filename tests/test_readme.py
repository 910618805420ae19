"""The README's generated block (download link, counts, tags) is current and agrees with the
build; the repository's address comes from its one place in pyproject.toml."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mldeck.build.run import BuildOptions, prepare_notes
from mldeck.cli import main
from mldeck.errors import DeckError
from mldeck.notetype.model import DIFFICULTY_DECKS, ROOT_DECK
from mldeck.projectmeta import edit_url, releases_url, repository_url
from mldeck.release.readme import BEGIN, END, block
from mldeck.release.summary import from_cards
from tests.helpers import ROOT
from tests.test_diff import card_text, small_project


def test_the_readme_block_is_current(capsys):
    code = main(["readme", "--check"])
    assert code == 0, capsys.readouterr().err + "\nrun `make readme` and commit README.md"


def test_the_readme_first_screen_has_the_download_the_commands_and_the_contents():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_screen = text[: text.index("## ")]
    for needed in ("releases/latest", "make deck", "make test", "**Import it.**", "Leave something out",
                   "-tag:ml-interview::kind::behavioural", "review history", "1 Basic", "notes** in"):  # fmt: skip
        assert needed in first_screen, needed
    assert first_screen.index(BEGIN) < first_screen.index("make deck")


def test_summary_counts_agree_with_the_build():
    summary, _ = from_cards(ROOT)
    prepared = prepare_notes(ROOT, BuildOptions(quiet=True))
    assert summary.notes == len(prepared.notes)
    assert summary.skipped == len(prepared.skipped)
    decks = {f"{ROOT_DECK}::{d}": n for d, n in summary.subdecks}
    assert decks == {d: sum(n.deck == d for n in prepared.notes) for d in decks}
    assert sum(decks.values()) == len(prepared.notes)
    by_source = dict(summary.sources)
    assert by_source == {s: sum(s in n.sources for n in prepared.notes) for s in by_source}
    assert summary.card_files == sum(len(n.field("CardId").split(", ")) for n in prepared.notes)
    assert summary.merged == sum(", " in n.field("CardId") for n in prepared.notes)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = small_project(tmp_path / "project")
    (root / "README.md").write_text(f"# Deck\n\nIntro.\n\n{BEGIN}\nold\n{END}\n\n## More\n", encoding="utf-8")
    return root


def test_readme_command_rewrites_the_block_and_check_spots_a_stale_one(project: Path, capsys):
    assert main(["--root", str(project), "readme", "--check"]) == 1
    assert "README.md:5: the deck summary is out of date: run `make readme`" in capsys.readouterr().err
    assert main(["--root", str(project), "readme"]) == 0
    text = (project / "README.md").read_text(encoding="utf-8")
    assert text.startswith("# Deck\n\nIntro.\n\n" + BEGIN) and text.endswith(END + "\n\n## More\n")
    assert "**6 notes** in 1 subdecks by difficulty: *1 Basic* (6)." in text
    assert "](../../releases/latest)**" in text  # no address set: the link GitHub resolves itself
    assert main(["--root", str(project), "readme", "--check"]) == 0
    (project / "cards" / "epam" / "900-card.md").write_text(
        card_text(900, "Another?", difficulty="advanced"), encoding="utf-8"
    )
    assert main(["--root", str(project), "readme", "--check"]) == 1
    assert main(["--root", str(project), "readme"]) == 0
    assert "**7 notes** in 2 subdecks by difficulty: *1 Basic* (6), *3 Advanced* (1)." in (
        project / "README.md"
    ).read_text(encoding="utf-8")


def test_readme_without_markers_is_an_error_naming_the_file(project: Path, capsys):
    (project / "README.md").write_text("# Deck\n", encoding="utf-8")
    assert main(["--root", str(project), "readme"]) == 1
    assert "README.md:1: error: no generated block" in capsys.readouterr().err


def _pyproject(root: Path, urls: str) -> None:
    text = f'[project]\nname = "x"\ndynamic = ["version"]\n\n[project.urls]\nHomepage = "https://x.org"\n{urls}\n'
    (root / "pyproject.toml").write_text(text, encoding="utf-8")


def test_the_repository_address_comes_from_pyproject(project: Path):
    assert repository_url(project) is None  # no pyproject.toml
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n# Repository = "https://github.com/a/b"\n')
    assert repository_url(project) is None  # no [project.urls]
    _pyproject(project, 'Repository = "https://github.com/someone/ml-deck/"')
    assert repository_url(project) == "https://github.com/someone/ml-deck"
    assert "(https://github.com/someone/ml-deck/releases/latest)" in block(project)


@pytest.mark.parametrize(
    "url",
    [
        '"javascript:alert(1)"',
        '"http://github.com/a/b"',
        '"https://github.com/a"',
        '"https://github.com/a/b?x=1"',
        '"https://github.com/a/b\\" onclick=\\"x"',
        '"https://github.com/../b"',
        '"https://github.com/a b/c"',
        "42",
    ],
)
def test_a_bad_repository_address_is_an_error_with_file_and_line(project: Path, url: str):
    _pyproject(project, f"Repository = {url}")
    with pytest.raises(DeckError) as info:
        repository_url(project)
    (problem,) = info.value.problems
    line = (project / "pyproject.toml").read_text(encoding="utf-8").splitlines()[problem.line - 1]
    assert line.startswith("Repository = ") and "must look like https://github.com/OWNER/REPO" in problem.message


def test_forge_links():
    assert releases_url(None) == "../../releases/latest"
    path = "cards/epam/034-what is #1.md"
    assert (
        edit_url("https://github.com/o/r", path)
        == "https://github.com/o/r/edit/main/cards/epam/034-what%20is%20%231.md"
    )
    assert edit_url("https://gitlab.com/g/sub/r", "cards/a.md") == "https://gitlab.com/g/sub/r/-/edit/main/cards/a.md"
    assert edit_url("https://codeberg.org/o/r", "cards/a.md") == "https://codeberg.org/o/r/_edit/main/cards/a.md"
    assert edit_url("https://example.org/o/r", "cards/a.md") is None


def test_difficulty_decks_are_the_ones_the_readme_names():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert all(re.search(rf"\*{re.escape(d)}\*", text) for d in DIFFICULTY_DECKS.values())
