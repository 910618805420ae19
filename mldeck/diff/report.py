"""A DeckDiff -> Markdown for release notes and review. Pure.

Removed notes come first and loud: importing a package never deletes a note from a user's
collection, so each one is listed with the Anki browser search that finds it.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from .compare import DeckDiff, NoteChange, NoteTypeChange
from .package import ID_FIELD, Note

MAX_QUESTION = 160
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


class _Text(HTMLParser):
    """Visible text of an HTML fragment."""

    SKIP = {"script", "style"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.SKIP:
            self._skip += 1
        elif tag in ("br", "p", "div", "li"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def plain_text(fragment: str, limit: int = MAX_QUESTION) -> str:
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    text = " ".join(unescape("".join(parser.parts)).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


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


def _sorted(notes: list[Note]) -> list[Note]:
    return sorted(notes, key=lambda n: (note_label(n), n.guid))


def _removed(notes: list[Note], folded: dict[str, Note]) -> list[str]:
    n = len(notes)
    these, one = ("this note", "it") if n == 1 else (f"these {n} notes", "one")
    lines = [
        f"## ⚠️ Removed notes ({n}): delete by hand",
        "",
        f"> **Importing this version does not delete {these} from your collection.** To remove {one}, "
        "open *Browse* in Anki, paste its search into the search bar, select the note and choose *Notes → Delete*.",
        "",
    ]
    for note in _sorted(notes):
        line = f"- {code(anki_search(note))}: {note_question(note)}"
        if target := folded.get(note.guid):
            line += f" (its card is now part of note **{md_escape(note_label(target))}**)"
        lines.append(line)
    if n > 1:
        lines += ["", f"All of them at once: {code(' OR '.join(anki_search(note) for note in _sorted(notes)))}"]
    return lines + [""]


def _added(notes: list[Note]) -> list[str]:
    lines = [f"## Added notes ({len(notes)})", ""]
    for note in _sorted(notes):
        deck = f" ({code(', '.join(note.decks))})" if note.decks else ""
        lines.append(f"- **{md_escape(note_label(note))}**{deck}: {note_question(note)}")
    return lines + [""]


def change_summary(change: NoteChange) -> str:
    parts = []
    if change.fields:
        parts.append("fields " + ", ".join(code(f) for f in change.fields))
    tags = [code(f"+{t}") for t in change.tags_added] + [code(f"-{t}") for t in change.tags_removed]
    if tags:
        parts.append("tags " + " ".join(tags))
    if change.deck_changed:
        parts.append(f"deck {code(', '.join(change.old.decks))} → {code(', '.join(change.new.decks))}")
    return "; ".join(parts)


def _changed(changes: list[NoteChange]) -> list[str]:
    lines = [f"## Changed notes ({len(changes)})", ""]
    for change in sorted(changes, key=lambda c: (note_label(c.new), c.new.guid)):
        label = md_escape(note_label(change.new))
        lines.append(f"- **{label}**: {note_question(change.new)}  \n  {change_summary(change)}")
    return lines + [""]


def _note_type(change: NoteTypeChange) -> str:
    parts = []
    if change.renamed:
        parts.append(f"renamed from {code(change.old.name)}")
    if change.fields_added:
        parts.append("fields added " + ", ".join(code(f) for f in change.fields_added))
    if change.fields_removed:
        removed = ", ".join(code(f) for f in change.fields_removed)
        parts.append(
            f"**fields removed or renamed** {removed} (names are append-only: Anki would see conflicting notes)"
        )
    if change.templates_changed:
        parts.append("card template changed")
    if change.css_changed:
        parts.append("styling changed")
    return f"- {code(change.new.name)}: " + "; ".join(parts)


def render_markdown(diff: DeckDiff, old_label: str, new_label: str) -> str:
    lines = [f"# Deck changes: {md_escape(old_label)} → {md_escape(new_label)}", ""]
    if diff.empty:
        lines.append(f"No changes: both packages hold the same {diff.new_count} notes.")
        return "\n".join(lines) + "\n"
    counts = f"{len(diff.added)} added · {len(diff.changed)} changed · {len(diff.removed)} removed"
    lines += [f"**{counts}** ({diff.old_count} → {diff.new_count} notes)", ""]
    if diff.removed:
        lines += _removed(diff.removed, diff.folded)
    if diff.added:
        lines += _added(diff.added)
    if diff.changed:
        lines += _changed(diff.changed)
    if diff.note_types:
        lines += ["## Note type", "", *(_note_type(c) for c in diff.note_types), ""]
    return "\n".join(lines).rstrip("\n") + "\n"
