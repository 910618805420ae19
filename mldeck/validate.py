"""The rules an entry set must meet before anything is built: one set of errors for lint and
for the build, so a clean `make lint` means `make deck` will not stop on the cards, and a card
lint rejects never reaches a deck (docs/card-format.md, docs/lint.md).

Pure functions from entries (and the sources) to problems; the reader (entries.py) has
already rejected what cannot be parsed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import fences
from .diagram_kinds import DIAGRAMS
from .entries import Entry
from .errors import Problem
from .prose import word_count
from .sections import SECTIONS
from .sources import Source
from .taxonomy import FLAWED

MAX_REFERENCES = 3
LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+\S")


def _error(entry: Entry, line: int, message: str) -> Problem:
    return Problem(entry.path or entry.id, line, message)


def unknown_sources(entries: list[Entry], sources: dict[str, Source]) -> list[Problem]:
    """Entries whose `source` has no sources/<name>/ folder."""
    known = ", ".join(sources) or "none"
    return [
        _error(c, c.line_of("source"), f"unknown source {c.source!r} (known: {known})")
        for c in entries
        if c.source not in sources
    ]


def group_duplicates(entries: list[Entry]) -> tuple[dict[str, list[Entry]], list[Problem]]:
    """Primary id -> [primary, folded…]; problems for dangling or chained duplicate_of."""
    by_id = {c.id: c for c in entries}
    groups: dict[str, list[Entry]] = {c.id: [c] for c in entries if not c.duplicate_of}
    problems = []
    for c in entries:
        if not c.duplicate_of:
            continue
        primary = by_id.get(c.duplicate_of)
        if primary is None:
            problems.append(
                _error(c, c.line_of("duplicate_of"), f"duplicate_of {c.duplicate_of!r}: no card has that id")
            )
        elif primary.duplicate_of:
            problems.append(
                _error(
                    c,
                    c.line_of("duplicate_of"),
                    f"duplicate_of {c.duplicate_of!r} is itself folded into {primary.duplicate_of!r}: "
                    "point at the primary card",
                )
            )
        else:
            groups[primary.id].append(c)
    return groups, problems


def check_answer_present(entry: Entry) -> list[Problem]:
    if not entry.in_deck or entry.answer.strip():
        return []
    return [
        _error(
            entry,
            entry.line_of("question"),
            f"answer_origin is {entry.answer_origin!r} but the card has no answer: "
            "write one under the question, or set answer_origin: missing",
        )
    ]


def check_key_point(entry: Entry) -> list[Problem]:
    if entry.in_deck and not entry.text("key_point"):
        return [
            _error(
                entry,
                entry.line_of("question"),
                "no '## Key point': every card in the deck needs one or two sentences (at most 35 words) "
                "a learner can say aloud and grade",
            )
        ]
    return []


def check_budgets(entry: Entry) -> list[Problem]:
    """Words of prose per section (code, maths, URLs and captions not counted)."""
    problems = []
    for section in SECTIONS:
        text = entry.text(section.key)
        if section.budget is None or not text:
            continue
        words = word_count(text)
        if words > section.budget:
            problems.append(
                _error(
                    entry,
                    entry.line_of(section.key) if section.key != "answer" else entry.body_line("answer"),
                    f"{section.label} is {words} words of prose, over the limit of {section.budget}: "
                    "one idea per card; split the rest into cards of their own (docs/card-format.md)",
                )
            )
    return problems


def check_verdict(entry: Entry) -> list[Problem]:
    """The article's answer: judged, and never the visible answer when it is flawed (a folded
    entry's answer is shown closed, labelled with its verdict)."""
    if entry.carries_article_answer and not entry.verdict:
        return [
            _error(
                entry,
                entry.line_of("answer_origin"),
                "the card carries the article's answer: say what it is worth with 'verdict: correct | incomplete | "
                "misleading | wrong'",
            )
        ]
    if entry.verdict and not entry.carries_article_answer:
        return [_error(entry, entry.line_of("verdict"), "verdict given, but the card has no article answer to judge")]
    if entry.answer_origin == "source" and entry.verdict in FLAWED and not entry.duplicate_of:
        return [
            _error(
                entry,
                entry.line_of("verdict"),
                f"the article's answer is {entry.verdict}, so it may not be the answer a learner reads first: write "
                "the deck's answer (answer_origin: deck) and move the article's text to '## Source answer'",
            )
        ]
    return []


def check_article_figures(entry: Entry) -> list[Problem]:
    """Figures are drawn for the deck: under the article's label they would be credited to it."""
    if entry.answer_origin != "source":
        return []
    return [
        _error(
            entry,
            entry.body_line("answer", f.start),
            f"a {f.lang} figure inside the article's answer would be credited to the article: move it to the "
            "editor's note",
        )
        for f in fences.scan(entry.answer)
        if f.lang in DIAGRAMS
    ]


def check_references(entry: Entry, source: Source | None) -> list[Problem]:
    items = [line for line in entry.text("references").split("\n") if LIST_ITEM.match(line)]
    if source is not None and source.original and entry.in_deck and not items:
        return [
            _error(
                entry,
                entry.line_of("question"),
                "a question written for this deck cites its sources: add '## References' with one to three "
                "primary references as a list (paper and year, textbook chapter, official docs)",
            )
        ]
    if len(items) > MAX_REFERENCES:
        return [_error(entry, entry.line_of("references"), f"{len(items)} references: cite at most {MAX_REFERENCES}")]
    if entry.text("references") and not items:
        return [_error(entry, entry.line_of("references"), "write the references as a Markdown list ('- …')")]
    return []


def check_original(entry: Entry, source: Source | None) -> list[Problem]:
    if source is not None and source.original and entry.answer_origin == "source":
        return [_error(entry, entry.line_of("answer_origin"), "a question written for this deck has no article answer")]
    return []


def entry_problems(entry: Entry, source: Source | None) -> list[Problem]:
    """Every content error of one entry."""
    return (
        check_answer_present(entry)
        + check_key_point(entry)
        + check_budgets(entry)
        + check_verdict(entry)
        + check_article_figures(entry)
        + check_references(entry, source)
        + check_original(entry, source)
    )


def validate(
    entries: list[Entry],
    sources: dict[str, Source],
    check: Callable[[Entry, Source | None], list[Problem]] = entry_problems,
) -> tuple[dict[str, list[Entry]], list[Problem]]:
    """The note groups of an entry set and every error that stops a build. `check` finds one
    entry's own problems: `entry_problems`, or a cache in front of it (mldeck/entry_cache.py)."""
    groups, problems = group_duplicates(entries)
    problems = unknown_sources(entries, sources) + problems
    for entry in entries:
        problems += check(entry, sources.get(entry.source))
    return groups, problems
