"""The dependency lock: exact versions with hashes, one set for every Python the deck supports,
and the libraries that render notes are the ones the tests run with."""

from __future__ import annotations

import re
from importlib import metadata

from mldeck.render.cards import RENDER_LIBRARIES
from tests.helpers import ROOT

REQUIREMENT = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)\s*(;[^\\]*)?\\?$")


def pins(path: str) -> dict[str, list[tuple[str, str]]]:
    """name -> [(version, marker)] of a lock file written by `make lock`."""
    found: dict[str, list[tuple[str, str]]] = {}
    lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if m := REQUIREMENT.match(line):
            assert i + 1 < len(lines) and lines[i + 1].strip().startswith("--hash=sha256:"), f"{line}: no hash"
            found.setdefault(m[1].lower(), []).append((m[2], (m[3] or "").strip()))
    return found


def test_the_deck_lock_pins_every_render_library_once_for_every_python():
    deck = pins("requirements/deck.txt")
    for name in (*RENDER_LIBRARIES, "genanki", "pyyaml"):
        assert deck.get(name.lower(), [("", "")])[0][0], f"{name} is not in the lock"
        assert len(deck[name.lower()]) == 1 and not deck[name.lower()][0][1], f"{name}: one version, no marker"


def test_the_dev_lock_agrees_with_the_deck_lock():
    deck, dev = pins("requirements/deck.txt"), pins("requirements/dev.txt")
    assert {k: v for k, v in dev.items() if k in deck} == deck


def test_the_tests_run_with_the_locked_render_libraries():
    deck = pins("requirements/deck.txt")
    for name in RENDER_LIBRARIES:
        assert metadata.version(name) == deck[name.lower()][0][0], f"{name}: run `make test` to install the lock"
