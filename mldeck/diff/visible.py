"""What a learner sees of a note: each field's visible text under the name the card shows it by.

Release notes speak of "the key point" and "the editor's note", never of `KeyPoint` or
`EditorNote`. The names below follow the card's back (mldeck/notetype/back.html); a field this
table does not know is called "another part of the card", so a field name never leaks out.
"""

from __future__ import annotations

from html import unescape
from html.parser import HTMLParser

from .package import Note

# field -> what the card calls it. MAIN: what a learner reads on every review and grades against.
MAIN = {"Question": "Question", "KeyPoint": "Key point", "Answer": "Answer", "EditorNote": "Editor’s note"}
SECONDARY = {
    "SourceAnswer": "The article’s own answer",
    "OtherSources": "Other articles’ wording and answers",
    "Context": "Why interviewers ask it",
    "References": "References",
    "AnswerLabel": "Whose answer it is",
    "Attribution": "Where the question comes from",
    "Meta": "The line above the question",
    "CardId": "Card id",
}
UNKNOWN = "Another part of the card"


def learner_name(field: str) -> str:
    return MAIN.get(field) or SECONDARY.get(field) or UNKNOWN


class _Text(HTMLParser):
    """Visible text of an HTML fragment: no script or style; block ends become spaces."""

    SKIP = {"script", "style"}
    BREAKS = {"br", "p", "div", "li", "tr", "td", "th", "pre", "summary", "details", "h1", "h2", "h3", "h4"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.SKIP:
            self._skip += 1
        elif tag in self.BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        elif tag in self.BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(fragment: str) -> str:
    """The text of an HTML fragment as a reader sees it, whitespace collapsed."""
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    return " ".join(unescape("".join(parser.parts)).split())


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def note_sections(note: Note) -> dict[str, str]:
    """field name -> visible text, for every field of the note."""
    return {name: visible_text(note.field(name)) for name in note.note_type.fields}


def main_text(note: Note) -> str:
    return " ".join(visible_text(note.field(name)) for name in MAIN)
