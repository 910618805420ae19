"""Lint a project: every problem the build would stop on, plus content warnings, in one pass.

Unlike the build, lint does not stop at the first stage that fails: it reads every card it
can, then checks sources, `duplicate_of` targets, rendering (fences, math, images) and
content on the cards that read cleanly.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..entries import MAX_BYTES, Entry, scan_entries
from ..errors import DeckError, Problem
from ..render.cards import media_folder_problems, problems_at, render_texts
from ..sections import KEYS
from ..sources import load_sources
from ..validate import entry_problems, group_duplicates, unknown_sources
from .checks import check_card, check_folds


def render_problems(root: Path, cards: list[Entry]) -> list[Problem]:
    """Render every text of every card as the build does; problems at the card files' lines.

    Renders through the build's cache (build/cache/), so a lint after a build renders nothing.
    """
    if problems := media_folder_problems(root):
        return problems
    texts = [(c, key, text) for c in cards for key in KEYS if (text := c.text(key))]
    run = render_texts(root, [t for _, _, t in texts])
    return [p for card, key, text in texts for p in problems_at(run[text], card, key)]


FRONT_MATTER_ID = re.compile(r"^id:\s*[\"']?([A-Za-z0-9_.-]+)", re.MULTILINE)


def ids_of_unreadable(cards: list[Entry], problems: list[Problem]) -> set[str]:
    """The ids that card files which failed to read seem to have (an `id:` line, best effort).

    So that a card folded into a broken card is not also reported as pointing at nothing.
    """
    read = {c.path for c in cards}
    ids = set()
    for path in {Path(p.path) for p in problems} - read:
        try:
            if not path.is_file() or path.stat().st_size > MAX_BYTES:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        ids.update(FRONT_MATTER_ID.findall(text.split("\n---", 1)[0]))
    return ids


def dangling_folds(cards: list[Entry], unreadable: set[str]) -> list[Problem]:
    """`duplicate_of` problems, less those whose target is a card that failed to read."""
    _, problems = group_duplicates(cards)
    folded = {(str(c.path), c.line_of("duplicate_of")): c.duplicate_of for c in cards if c.duplicate_of}
    return [p for p in problems if folded.get((str(p.path), p.line)) not in unreadable]


def lint_project(root: Path) -> list[Problem]:
    """Every problem in the project's cards, sorted by file and line; errors and warnings."""
    cards, problems = scan_entries(root / "cards")
    try:
        sources = load_sources(root / "sources")
        problems += unknown_sources(cards, sources)
    except DeckError as exc:
        problems += exc.problems
        sources = {}
    for card in cards:
        problems += entry_problems(card, sources.get(card.source))
    problems += dangling_folds(cards, ids_of_unreadable(cards, problems)) + check_folds(cards)
    problems += render_problems(root, cards)
    for card in cards:
        problems += check_card(card, root / "media")
    unique = {(str(p.path), p.line, p.level, p.message): p for p in problems}
    return [unique[k] for k in sorted(unique, key=lambda k: (k[0], k[1], k[2] != "error", k[3]))]
