"""Lint a project: every problem the build would stop on, plus content warnings, in one pass.

Unlike the build, lint does not stop at the first stage that fails: it reads every card it
can, then checks sources, `duplicate_of` targets, rendering (fences, math, images) and
content on the cards that read cleanly.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

from ..build.notes import group_duplicates
from ..build.render_cards import CardRenderer, make_diagram_renderer, render_version
from ..cards import MAX_BYTES, Card, scan_cards
from ..errors import DeckError, Problem
from ..render.media import MediaStore
from ..sources import Source, load_sources
from .checks import check_card, check_folds

RENDERED = ("question", "answer", "editor_note", "source_answer", "context")


def unknown_sources(cards: list[Card], sources: dict[str, Source]) -> list[Problem]:
    known = ", ".join(sources) or "none"
    return [
        Problem(c.path or c.id, c.line_of("source"), f"unknown source {c.source!r} (known: {known})")
        for c in cards
        if c.source not in sources
    ]


def render_problems(root: Path, cards: list[Card]) -> list[Problem]:
    """Render every text of every card as the build does; problems at the card files' lines.

    Renders through the build's cache (build/cache/), so a lint after a build renders nothing.
    """
    media = MediaStore(root)
    cache = root / "build" / "cache"
    render = CardRenderer(
        root, media, cache / "render.sqlite", render_version(), partial(make_diagram_renderer, cache / "diagrams", True)
    )
    texts = [(c, key, getattr(c, key)) for c in cards for key in RENDERED if getattr(c, key)]
    problems: list[Problem] = []
    try:
        try:
            render.prefetch([t for _, _, t in texts])
        except RecursionError:
            pass  # one text nests too deep for Markdown: find it below, one at a time
        for card, key, text in texts:
            try:
                render(text, card, key)
            except RecursionError:
                line = card.line_of("question") if key == "question" else card.line_of(f"{key}:body")
                problems.append(Problem(card.path or card.id, line, "Markdown nests too deeply to render"))
    finally:
        render.close()
    return render.problems + problems


FRONT_MATTER_ID = re.compile(r"^id:\s*[\"']?([A-Za-z0-9_.-]+)", re.MULTILINE)


def ids_of_unreadable(cards: list[Card], problems: list[Problem]) -> set[str]:
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


def dangling_folds(cards: list[Card], unreadable: set[str]) -> list[Problem]:
    """`duplicate_of` problems, less those whose target is a card that failed to read."""
    _, problems = group_duplicates(cards)
    folded = {(str(c.path), c.line_of("duplicate_of")): c.duplicate_of for c in cards if c.duplicate_of}
    return [p for p in problems if folded.get((str(p.path), p.line)) not in unreadable]


def lint_project(root: Path) -> list[Problem]:
    """Every problem in the project's cards, sorted by file and line; errors and warnings."""
    cards, problems = scan_cards(root / "cards")
    try:
        problems += unknown_sources(cards, load_sources(root / "sources"))
    except DeckError as exc:
        problems += exc.problems
    problems += dangling_folds(cards, ids_of_unreadable(cards, problems)) + check_folds(cards)
    problems += render_problems(root, cards)
    for card in cards:
        problems += check_card(card, root / "media")
    unique = {(str(p.path), p.line, p.level, p.message): p for p in problems}
    return [unique[k] for k in sorted(unique, key=lambda k: (k[0], k[1], k[2] != "error", k[3]))]
