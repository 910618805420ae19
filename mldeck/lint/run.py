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
from ..ledger import NEXT, read_ledger
from ..localcache import cache_dir
from ..render.cards import media_folder_problems, problems_at, render_texts
from ..scrape.lock import LOCK_NAME, read_lock
from ..sections import KEYS
from ..sources import load_sources
from ..tex.check import check_entries
from ..validate import entry_problems, group_duplicates, unknown_sources
from .checks import check_card, check_folds
from .ids import id_problems


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


def lock_problems(cards_dir: Path) -> list[Problem]:
    """A scrape lock broken by a merge conflict (or reshaped by hand) at its line."""
    problems: list[Problem] = []
    for lock in sorted(cards_dir.glob(f"*/{LOCK_NAME}")):
        try:
            read_lock(lock)
        except DeckError as exc:
            problems += exc.problems
    return problems


def released_ids(root: Path) -> frozenset[str]:
    """Ids a release already carried (the ledger's, not `next`): their numbers are history."""
    try:
        ledger = read_ledger(root) or {}
    except DeckError:
        return frozenset()
    return frozenset(i for i, r in ledger.items() if r.since != NEXT)


def lint_project(root: Path, base: str | None = "HEAD") -> list[Problem]:
    """Every problem in the project's cards, sorted by file and line; errors and warnings.

    `base`: the git ref the id rules compare with (HEAD; in CI, the pull request's base)."""
    cards, problems = scan_entries(root / "cards")
    problems += lock_problems(root / "cards")
    try:
        sources = load_sources(root / "sources")
        problems += unknown_sources(cards, sources)
    except DeckError as exc:
        problems += exc.problems
        sources = {}
    for card in cards:
        problems += entry_problems(card, sources.get(card.source))
    unreadable = frozenset(ids_of_unreadable(cards, problems))
    problems += dangling_folds(cards, unreadable) + check_folds(cards)
    problems += id_problems(root, cards, base, unreadable)
    problems += render_problems(root, cards)
    tex = check_entries(cards, cache_dir(root))
    problems += tex.problems + ([Problem("", 0, tex.note, "warning")] if tex.note else [])
    released = released_ids(root)
    for card in cards:
        problems += check_card(card, root / "media", released)
    unique = {(str(p.path), p.line, p.level, p.message): p for p in problems}
    return [unique[k] for k in sorted(unique, key=lambda k: (k[0], k[1], k[2] != "error", k[3]))]
