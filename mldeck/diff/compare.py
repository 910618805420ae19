"""Two packages -> what changed. Pure: notes are matched by GUID, as Anki's importer does."""

from __future__ import annotations

from dataclasses import dataclass, field

from .package import Note, NoteType, Package


@dataclass(frozen=True)
class NoteChange:
    old: Note
    new: Note
    fields: tuple[str, ...]  # names of the fields whose content changed, in field order
    tags_added: tuple[str, ...]
    tags_removed: tuple[str, ...]

    @property
    def deck_changed(self) -> bool:
        return self.old.decks != self.new.decks


@dataclass(frozen=True)
class NoteTypeChange:
    old: NoteType
    new: NoteType
    fields_added: tuple[str, ...]
    fields_removed: tuple[str, ...]  # a removed or renamed field: Anki sees a different note type
    renamed: bool
    templates_changed: bool
    css_changed: bool


@dataclass
class DeckDiff:
    added: list[Note] = field(default_factory=list)
    removed: list[Note] = field(default_factory=list)
    changed: list[NoteChange] = field(default_factory=list)
    note_types: list[NoteTypeChange] = field(default_factory=list)
    folded: dict[str, Note] = field(default_factory=dict)  # removed GUID -> the new note that took its card id
    old_count: int = 0
    new_count: int = 0

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.note_types)


def compare_notes(old: Note, new: Note) -> NoteChange | None:
    """What changed in one note (None when nothing did). A field absent on one side counts as empty."""
    names = list(new.note_type.fields) + [n for n in old.note_type.fields if n not in new.note_type.fields]
    fields = tuple(n for n in names if old.field(n) != new.field(n))
    added = tuple(t for t in new.tags if t not in old.tags)
    removed = tuple(t for t in old.tags if t not in new.tags)
    if not (fields or added or removed or old.decks != new.decks):
        return None
    return NoteChange(old, new, fields, added, removed)


def compare_note_types(old: NoteType, new: NoteType) -> NoteTypeChange | None:
    change = NoteTypeChange(
        old,
        new,
        fields_added=tuple(f for f in new.fields if f not in old.fields),
        fields_removed=tuple(f for f in old.fields if f not in new.fields),
        renamed=old.name != new.name,
        templates_changed=old.templates != new.templates,
        css_changed=old.css != new.css,
    )
    touched = (change.fields_added, change.fields_removed, change.renamed, change.templates_changed, change.css_changed)
    return change if any(touched) else None


def diff_packages(old: Package, new: Package) -> DeckDiff:
    result = DeckDiff(old_count=len(old.notes), new_count=len(new.notes))
    result.added = [n for g, n in new.notes.items() if g not in old.notes]
    result.removed = [n for g, n in old.notes.items() if g not in new.notes]
    by_card_id = {i: note for note in new.notes.values() for i in note.card_ids}
    for note in result.removed:
        if target := next((by_card_id[i] for i in note.card_ids if i in by_card_id), None):
            result.folded[note.guid] = target
    for guid, note in new.notes.items():
        if guid in old.notes and (change := compare_notes(old.notes[guid], note)):
            result.changed.append(change)
    for mid, note_type in new.note_types.items():
        if mid in old.note_types and (change := compare_note_types(old.note_types[mid], note_type)):
            result.note_types.append(change)
    return result
