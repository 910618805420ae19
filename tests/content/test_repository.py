"""The repository's own cards: they read, round-trip through the writer, and pass `make lint`."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from mldeck.entries import format_entry, parse_entry, read_entries
from tests.helpers import ROOT

LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?P<level>error|warning): (?P<message>.+)$")


def test_every_repo_card_round_trips():
    for card in read_entries(ROOT / "cards"):
        assert parse_entry(format_entry(card), Path("x.md")) == card, card.path


def test_the_repository_cards_have_no_errors(real_project: Path):
    """`make lint` on the real cards, through the entry point: no errors (warnings are allowed)."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "build_deck.py"), "--root", str(real_project), "lint"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert all(LINE.match(line) and LINE.match(line)["level"] == "warning" for line in proc.stdout.splitlines())
