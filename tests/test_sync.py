"""`make cards`: idempotent, never overwrites an edit, reports conflicts, atomic."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mldeck.cli import main
from tests.helpers import ROOT, copy_project, snapshot_tree


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = copy_project(tmp_path / "proj")
    assert main(["--root", str(root), "scrape"]) == 0
    return root


def card(root: Path, source: str, prefix: str) -> Path:
    (path,) = (root / "cards" / source).glob(f"{prefix}-*.md")
    return path


def edit_snapshot(root: Path, source: str, old: str, new: str) -> None:
    snap = root / "sources" / source / "snapshot.txt"
    text = snap.read_text(encoding="utf-8")
    assert old in text
    snap.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_first_scrape_writes_110_cards(project: Path):
    files = sorted(project.glob("cards/*/*.md"))
    assert len(files) == 110
    assert len(list(project.glob("cards/*/scrape-lock.json"))) == 3


def test_scrape_twice_changes_nothing(project: Path, capsys):
    before = snapshot_tree(project)
    assert main(["--root", str(project), "scrape"]) == 0
    assert snapshot_tree(project) == before
    out = capsys.readouterr().out
    assert "0 new, 0 updated, 38 unchanged" in out


def test_repo_cards_are_in_sync_with_the_scraper(tmp_path: Path):
    """The committed cards/ is what the scraper plus hand edits produce: re-scraping changes nothing."""
    root = copy_project(tmp_path / "proj", with_cards=True)
    before = snapshot_tree(root / "cards")
    assert main(["--root", str(root), "scrape", "--strict"]) == 0
    assert snapshot_tree(root / "cards") == before


def test_untouched_card_follows_the_article(project: Path):
    edit_snapshot(project, "epam", "K-means is used in customer segmentation", "K-means is used in market segmentation")
    assert main(["--root", str(project), "scrape"]) == 0
    assert "K-means is used in market segmentation" in card(project, "epam", "006").read_text(encoding="utf-8")


def test_edited_card_is_kept_when_the_article_did_not_change(project: Path, capsys):
    path = card(project, "upwork", "016")
    edited = path.read_text(encoding="utf-8").replace("difficulty: intermediate", "difficulty: advanced")
    path.write_text(edited, encoding="utf-8")
    capsys.readouterr()
    assert main(["--root", str(project), "scrape", "--strict"]) == 0
    assert path.read_text(encoding="utf-8") == edited
    assert "1 edited by hand (kept), 0 conflicts" in capsys.readouterr().out


def test_edited_card_is_never_overwritten_and_the_conflict_is_reported(project: Path, capsys):
    path = card(project, "epam", "006")
    edited = path.read_text(encoding="utf-8") + "\n## Editor's note\n\nk-means++ seeding helps.\n"
    path.write_text(edited, encoding="utf-8")
    edit_snapshot(project, "epam", "K-means is used in customer segmentation", "K-means is used in market segmentation")
    capsys.readouterr()
    assert main(["--root", str(project), "scrape"]) == 0  # reported, not fatal by default
    captured = capsys.readouterr()
    assert path.read_text(encoding="utf-8") == edited
    assert f"CONFLICT {path}: edited by hand, and the article changed (answer)" in captured.out
    assert "[-customer-] {+market+}" in captured.out  # what upstream changed, word by word
    assert main(["--root", str(project), "scrape", "--strict"]) == 1  # still reported, now fatal
    assert path.read_text(encoding="utf-8") == edited


def test_deleted_card_is_not_recreated_and_new_questions_are_added(project: Path, capsys):
    card(project, "upwork", "005").unlink()
    edit_snapshot(project, "alldus", "Ask what projects", "Ask what projects")  # no-op edit is fine
    capsys.readouterr()
    assert main(["--root", str(project), "scrape"]) == 0
    assert not list((project / "cards" / "upwork").glob("005-*.md"))
    assert "1 deleted (not recreated)" in capsys.readouterr().out


def test_bad_snapshot_writes_nothing_anywhere(project: Path, capsys):
    for p in project.glob("cards/*/*"):
        p.unlink()
    edit_snapshot(project, "upwork", "\n38. How do you handle", "\n37. How do you handle")
    assert main(["--root", str(project), "scrape"]) == 1
    err = capsys.readouterr().err
    assert "sources/upwork/snapshot.txt:" in err and "question number 37 is repeated" in err
    assert not list(project.glob("cards/*/*"))  # epam and alldus parsed fine but were not written either


def test_unknown_source_is_an_error(project: Path, capsys):
    assert main(["--root", str(project), "scrape", "--source", "nosuch"]) == 1
    assert "unknown source(s) nosuch" in capsys.readouterr().err


def test_entry_point_runs_as_a_script(project: Path):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "build_deck.py"), "--root", str(project), "scrape", "--source", "alldus"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "alldus: 30 questions" in proc.stdout
    assert "no answer in the article (25)" in proc.stdout
