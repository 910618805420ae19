"""The one table of the texts a card file holds. Everything else derives from it: the entry
reader and writer, lint's budgets and link checks, the build's note fields, preview, dups and
the scraper's change detection. A new section is a new row here (and, if the back should show
it, a place in the note model's template: see mldeck/notetype/).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str  # the name of the text in an Entry: entry.text(key)
    heading: str | None  # its '## ' heading in the file; None for the question ('# ') and the answer (unheaded)
    label: str  # how messages name it
    budget: int | None  # most words of prose lint allows (docs/card-format.md), None: no limit
    scraped: bool = False  # the scraper writes it from the article
    shown_open: bool = True  # on the back with <details> closed (what a phone screen must fit)


SECTIONS: tuple[Section, ...] = (
    Section("question", None, "question", None, scraped=True),
    Section("answer", None, "answer", 150, scraped=True),
    Section("key_point", "Key point", "key point", 35),
    Section("editor_note", "Editor's note", "editor's note", 150),
    Section("source_answer", "Source answer", "source answer", None, shown_open=False),
    Section("source_question", "Source question", "source question", None, shown_open=False),
    Section("context", "Context", "context", None, scraped=True, shown_open=False),
    Section("references", "References", "references", None),
)
BY_KEY = {s.key: s for s in SECTIONS}
KEYS = tuple(s.key for s in SECTIONS)
HEADED = tuple(s for s in SECTIONS if s.heading)
BY_HEADING = {s.heading.lower(): s for s in HEADED if s.heading}
# The texts rendered as Markdown blocks; the question is rendered too, but unwrapped to one line.
BODY_KEYS = tuple(s.key for s in SECTIONS if s.key != "question")
