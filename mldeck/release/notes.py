"""A release's notes, for the people who study the deck: how to get it, what is in it, the
maintainers' summary from CHANGELOG.md, and note by note what changed since the last release."""

from __future__ import annotations

from ..diff.compare import DeckDiff
from ..diff.grouping import Bump
from ..diff.report import change_sections, counts_line

WHAT_TO_DO = {
    Bump.MAJOR: "**You need to act:** some notes were removed. Importing never deletes a note, so delete "
    "each one with the search given below.",
    Bump.MINOR: "New questions: importing adds them and updates the rest. Nothing to do by hand.",
    Bump.PATCH: "Corrections only: importing updates your notes. Nothing to do by hand.",
    Bump.NONE: "No note changed.",
}


def release_notes(
    version: str,
    deck_file: str,
    changelog: str,
    summary: list[str],
    diff: DeckDiff,
    previous: str | None,
    bump: Bump,
) -> str:
    lines = [
        f"# ML Interview Questions {version}",
        "",
        f"**Download `{deck_file}` below and open it with Anki**: *File → Import* in Anki desktop; in AnkiDroid "
        "and AnkiMobile, open the file. Importing it over an earlier version updates your notes in place and "
        "keeps your review history.",
        "",
        changelog.strip(),
        "",
        "## What is in the deck",
        "",
        *summary,
        "",
    ]
    if previous is None:
        lines += ["## The questions", "", "The first release: every note is new.", ""]
        lines += change_sections(diff, level=3)
    else:
        lines += [f"## What changed since {previous}", "", WHAT_TO_DO[bump], ""]
        if not diff.empty:
            lines += [counts_line(diff), "", *change_sections(diff, level=3)]
    return "\n".join(lines).rstrip("\n") + "\n"
