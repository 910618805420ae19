"""A DeckDiff -> Markdown release notes a learner understands. Pure.

Removed notes come first and loud: importing a package never deletes a note from a user's
collection, so each is listed with the Anki browser search that finds it. Then, per changed
note, its question and a short word-level diff of what the card shows (key point, answer,
editor's note), grouped as corrected / rewritten / new / moved; notes that only look
different are counted. Parts of the card are named as the card names them, never by field.
"""

from __future__ import annotations

import re

from .compare import DeckDiff, NoteChange, NoteTypeChange
from .grouping import Grouped, Kind, LearnerChange, group, next_version, parse_version, suggest_bump
from .package import ID_FIELD, Note
from .visible import MAIN, learner_name, shorten, visible_text
from .words import md_escape, word_diff

MAX_QUESTION = 160
MAX_QUOTE = 240  # characters quoted of a new or rewritten text
LONG_LIST = 25  # longer lists of notes are folded behind <details>
SILENT_FIELDS = ("Meta", "CardId")  # shown as moves (difficulty, subdeck) or merges, not as text


def plain_text(fragment: str, limit: int = MAX_QUESTION) -> str:
    return shorten(visible_text(fragment), limit)


def code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def note_label(note: Note) -> str:
    return plain_text(note.field(ID_FIELD)) or note.guid


def note_question(note: Note) -> str:
    return md_escape(plain_text(note.sort_value)) or "(empty question)"


def anki_search(note: Note) -> str:
    """The Anki browser search that finds this note: its id field, else its sort field."""
    name = ID_FIELD if ID_FIELD in note.note_type.fields else note.note_type.fields[note.note_type.sort_field]
    value = plain_text(note.field(name), limit=10_000)
    escaped = re.sub(r'([\\"*_])', r"\\\1", value)
    return f'"{name}:{escaped}"'


def subdeck(deck: str) -> str:
    return deck.split("::", 1)[1] if "::" in deck else deck


def _sorted(notes: list[Note]) -> list[Note]:
    return sorted(notes, key=lambda n: (note_label(n), n.guid))


def _heading(level: int, text: str) -> list[str]:
    return [f"{'#' * level} {text}", ""]


def _fold(lines: list[str], what: str) -> list[str]:
    if len(lines) <= LONG_LIST:
        return lines
    return [f"<details><summary>{what}</summary>", "", *lines, "", "</details>"]


def _removed(notes: list[Note], folded: dict[str, Note], level: int) -> list[str]:
    n = len(notes)
    these, one = ("this note", "it") if n == 1 else (f"these {n} notes", "one")
    lines = _heading(level, f"⚠️ Removed ({n}): delete by hand") + [
        f"> **Importing this version does not delete {these} from your collection.** To remove {one}, "
        "open *Browse* in Anki, paste its search into the search bar, select the note and choose *Notes → Delete*.",
        "",
    ]
    for note in _sorted(notes):
        line = f"- {code(anki_search(note))}: {note_question(note)}"
        if target := folded.get(note.guid):
            line += f" (merged into the note “{note_question(target)}”, which keeps its reviews)"
        lines.append(line)
    if n > 1:
        lines += ["", f"All of them at once: {code(' OR '.join(anki_search(note) for note in _sorted(notes)))}"]
    return lines + [""]


def _new(notes: list[Note], level: int) -> list[str]:
    items = []
    for note in sorted(notes, key=lambda n: (n.decks, note_label(n), n.guid)):  # by subdeck
        where = f" · {md_escape(', '.join(subdeck(d) for d in note.decks))}" if note.decks else ""
        items.append(f"- {note_question(note)}{where}")
    return _heading(level, f"New ({len(notes)})") + _fold(items, f"{len(notes)} new questions") + [""]


def _tag_moves(change: NoteChange) -> list[str]:
    """Tag changes as `difficulty basic → advanced`, `topics + a, − b`."""

    def split(tags: tuple[str, ...]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for t in tags:
            parts = t.split("::")
            out.setdefault(parts[-2] if len(parts) > 1 else "tag", set()).add(parts[-1])
        return out

    added, removed = split(change.tags_added), split(change.tags_removed)
    moves = []
    for space in sorted(set(added) | set(removed)):
        plus, minus = sorted(added.get(space, ())), sorted(removed.get(space, ()))
        if len(plus) == len(minus) == 1 and space in ("difficulty", "kind", "origin"):
            moves.append(f"{space} {minus[0]} → {plus[0]}")
        else:
            moves.append(f"{space}s " + ", ".join([f"+ {p}" for p in plus] + [f"− {m}" for m in minus]))
    if change.deck_changed:
        old, new = ", ".join(map(subdeck, change.old.decks)), ", ".join(map(subdeck, change.new.decks))
        moves.append(f"subdeck {old} → {new}")
    return [md_escape(m) for m in moves]


def _text_lines(learner: LearnerChange) -> list[str]:
    lines, also = [], []
    for t in learner.texts:
        if t.field in SILENT_FIELDS:
            continue
        name = learner_name(t.field)
        if t.field not in MAIN:
            also.append(name[0].lower() + name[1:])
        elif not t.new:
            lines.append(f"  - {name}: removed")
        elif not t.old:
            lines.append(f"  - {name}, new: “{md_escape(shorten(t.new, MAX_QUOTE))}”")
        elif learner.kind is Kind.REWRITTEN:
            lines.append(f"  - {name}, now: “{md_escape(shorten(t.new, MAX_QUOTE))}”")
        else:
            lines.append(f"  - {name}: {word_diff(t.old, t.new)}")
    if also:
        lines.append(f"  - Also changed: {', '.join(also)}")
    return lines


def _changed(kind: Kind, title: str, changes: list[LearnerChange], level: int) -> list[str]:
    items = []
    for learner in sorted(changes, key=lambda c: (note_label(c.note), c.note.guid)):
        moves = _tag_moves(learner.change)
        head = f"- **{note_question(learner.note)}** · {code(note_label(learner.note))}"
        if kind is Kind.MOVED:
            items.append(f"{head}: {'; '.join(moves) or 'its card id line changed'}")
            continue
        items += [head, *_text_lines(learner)]
        if moves:
            items.append(f"  - Moved: {'; '.join(moves)}")
    return _heading(level, f"{title} ({len(changes)})") + _fold(items, f"{len(changes)} notes") + [""]


def _note_types(changes: list[NoteTypeChange], level: int) -> list[str]:
    lines = _heading(level, "How cards look")
    for change in changes:
        if change.fields_added or change.fields_removed or change.renamed:
            lines.append(
                "- ⚠️ **The note type changed its fields or name.** Anki will import these notes as conflicting "
                "copies instead of updating yours: this release must not be imported over an earlier one."
            )
        if change.templates_changed or change.css_changed:
            lines.append("- The card layout changed: every card looks a little different; no wording changed.")
    return lines + [""]


TITLES = {
    Kind.CORRECTED: "Corrected",
    Kind.REWRITTEN: "Rewritten",
    Kind.MOVED: "Moved or retagged",
}


def change_sections(diff: DeckDiff, level: int = 2) -> list[str]:
    """The body of the notes: one section per group that has notes, removed first."""
    grouped: Grouped = group(diff)
    lines: list[str] = []
    if grouped.removed:
        lines += _removed(grouped.removed, diff.folded, level)
    for kind in (Kind.CORRECTED, Kind.REWRITTEN):
        if grouped.of(kind):
            lines += _changed(kind, TITLES[kind], grouped.of(kind), level)
    if grouped.new:
        lines += _new(grouped.new, level)
    if grouped.of(Kind.MOVED):
        lines += _changed(Kind.MOVED, TITLES[Kind.MOVED], grouped.of(Kind.MOVED), level)
    if restyled := grouped.of(Kind.RESTYLED):
        lines += _heading(level, f"Restyled ({len(restyled)})")
        lines += [f"{len(restyled)} note(s) look different but say the same: formatting, code colours or diagrams.", ""]
    if diff.note_types:
        lines += _note_types(diff.note_types, level)
    return lines


def counts_line(diff: DeckDiff) -> str:
    grouped = group(diff)
    counts = [("removed", len(grouped.removed))]
    counts += [(k.value, len(grouped.of(k))) for k in (Kind.CORRECTED, Kind.REWRITTEN)]
    counts += [("new", len(grouped.new))] + [(k.value, len(grouped.of(k))) for k in (Kind.MOVED, Kind.RESTYLED)]
    shown = " · ".join(f"{n} {what}" for what, n in counts if n)
    return f"**{shown}** ({diff.old_count} → {diff.new_count} notes)"


def bump_line(diff: DeckDiff, old_label: str) -> str:
    bump, why = suggest_bump(diff)
    old = parse_version(old_label)
    target = f": {old_label} → {next_version(old, bump)}" if old else ""
    return f"Suggested version bump: **{bump.name.lower()}**{target} ({why}; the rules are in CONTRIBUTING.md)."


def render_markdown(diff: DeckDiff, old_label: str, new_label: str) -> str:
    lines = [f"# Deck changes: {md_escape(old_label)} → {md_escape(new_label)}", ""]
    if diff.empty:
        lines.append(f"No changes: both packages hold the same {diff.new_count} notes.")
        return "\n".join(lines) + "\n"
    lines += [counts_line(diff), "", bump_line(diff, old_label), ""]
    lines += change_sections(diff)
    return "\n".join(lines).rstrip("\n") + "\n"
