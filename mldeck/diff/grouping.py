"""A DeckDiff in a learner's terms: which notes were corrected, rewritten, moved or only
restyled, and the version bump the change calls for (the rules in CONTRIBUTING.md). Pure.

- removed: the note is gone from the deck (importing does not delete it: the learner must).
- new: a note the learner does not have yet.
- rewritten: most of the wording a learner grades against (question, key point, answer,
  editor's note) was replaced: less than REWRITE_BELOW of its words stay.
- corrected: any other change of the visible text.
- moved: the wording is the same; its difficulty, subdeck, topics or kind changed.
- restyled: the same words, formatted differently (HTML, code colours, diagrams).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from .compare import DeckDiff, NoteChange
from .package import Note
from .visible import main_text, note_sections
from .words import similarity

REWRITE_BELOW = 0.5
# Fields that follow a note's difficulty, kind and sources rather than its wording.
METADATA_FIELDS = ("Meta", "CardId")


class Kind(Enum):
    CORRECTED = "corrected"
    REWRITTEN = "rewritten"
    MOVED = "moved"
    RESTYLED = "restyled"


class Bump(Enum):
    NONE = 0
    PATCH = 1
    MINOR = 2
    MAJOR = 3


@dataclass(frozen=True)
class TextChange:
    field: str  # the note field (use visible.learner_name to show it)
    old: str  # visible text
    new: str


@dataclass(frozen=True)
class LearnerChange:
    change: NoteChange
    kind: Kind
    texts: tuple[TextChange, ...]  # visible-text changes, in field order

    @property
    def note(self) -> Note:
        return self.change.new


@dataclass
class Grouped:
    removed: list[Note] = field(default_factory=list)
    new: list[Note] = field(default_factory=list)
    by_kind: dict[Kind, list[LearnerChange]] = field(default_factory=lambda: {k: [] for k in Kind})

    def of(self, kind: Kind) -> list[LearnerChange]:
        return self.by_kind[kind]


def text_changes(change: NoteChange) -> tuple[TextChange, ...]:
    old, new = note_sections(change.old), note_sections(change.new)
    names = list(new) + [n for n in old if n not in new]
    return tuple(TextChange(n, old.get(n, ""), new.get(n, "")) for n in names if old.get(n, "") != new.get(n, ""))


def classify(change: NoteChange) -> LearnerChange:
    texts = text_changes(change)
    wording = [t for t in texts if t.field not in METADATA_FIELDS]
    if not wording:
        moved = change.tags_added or change.tags_removed or change.deck_changed or texts
        return LearnerChange(change, Kind.MOVED if moved else Kind.RESTYLED, texts)
    rewritten = similarity(main_text(change.old), main_text(change.new)) < REWRITE_BELOW
    return LearnerChange(change, Kind.REWRITTEN if rewritten else Kind.CORRECTED, texts)


def group(diff: DeckDiff) -> Grouped:
    grouped = Grouped(removed=list(diff.removed), new=list(diff.added))
    for change in diff.changed:
        learner = classify(change)
        grouped.by_kind[learner.kind].append(learner)
    return grouped


def suggest_bump(diff: DeckDiff) -> tuple[Bump, str]:
    """The smallest semver bump this change allows, and why (CONTRIBUTING.md, "Versions")."""
    if diff.removed:
        return Bump.MAJOR, f"{len(diff.removed)} note(s) removed: learners must delete them by hand"
    if any(c.fields_added or c.fields_removed or c.renamed for c in diff.note_types):
        return Bump.MAJOR, "the note type's fields or name changed: Anki would import conflicting notes"
    if diff.added:
        return Bump.MINOR, f"{len(diff.added)} new note(s)"
    if diff.changed or diff.note_types:
        return Bump.PATCH, "changes to existing notes only"
    return Bump.NONE, "nothing changed"


def parse_version(text: str) -> tuple[int, int, int] | None:
    """ "1.2.3" or "v1.2.3" -> (1, 2, 3); anything else -> None."""
    parts = text.removeprefix("v").split(".")
    if len(parts) != 3 or not all(p.isdigit() and (p == "0" or not p.startswith("0")) for p in parts):
        return None
    major, minor, patch = (int(p) for p in parts)
    return major, minor, patch


def bump_of(old: tuple[int, int, int], new: tuple[int, int, int]) -> Bump:
    """The bump from one version to a later one."""
    if new[0] != old[0]:
        return Bump.MAJOR
    if new[1] != old[1]:
        return Bump.MINOR
    return Bump.PATCH if new[2] != old[2] else Bump.NONE


def next_version(old: tuple[int, int, int], bump: Bump) -> str:
    major, minor, patch = old
    if bump is Bump.MAJOR:
        return f"{major + 1}.0.0"
    if bump is Bump.MINOR:
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}" if bump is Bump.PATCH else f"{major}.{minor}.{patch}"
