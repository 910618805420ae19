"""Entries -> note specs: fields, tags, deck, GUID and mod. Pure: no I/O.

The back of a note reads in this order (docs/card-format.md): the key point, the answer that
is right (the article's where it holds, else the deck's), the editor's note, then one line
naming the other articles that ask the same question (entries folded in with `duplicate_of`)
and only what they add; closed behind <details>: their wording and answers, the article's own
answer when the deck's replaces it, and "why interviewers ask it". References and the
attribution come last. A folded text that is a near copy of one already on the back is named,
not repeated. Entries with no answer yet are skipped (the caller warns).
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..entries import Entry
from ..notetype.model import FIELDS, GUID_NAMESPACE, TAG_ROOT, deck_name
from ..sources import Source

DECK_ANSWER = "Answer written for this deck"


@dataclass(frozen=True)
class Filters:
    sources: frozenset[str] = frozenset()
    difficulties: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()  # topic names or full tags

    def keep(self, note: NoteSpec) -> bool:
        if self.sources and not (self.sources & set(note.sources)):
            return False
        if self.difficulties and note.difficulty not in self.difficulties:
            return False
        if self.tags:
            leaves = {t.rsplit("::", 1)[-1] for t in note.tags}
            return bool(self.tags & (set(note.tags) | leaves))
        return True

    @property
    def active(self) -> bool:
        return bool(self.sources or self.difficulties or self.tags)

    def describe(self) -> str:
        parts = [f"{k} {', '.join(sorted(v))}" for k, v in self._parts() if v]
        return "; ".join(parts) or "none"

    def slug(self) -> str:
        """A file-name part naming the filter: "source-upwork-difficulty-basic", "" when none."""
        words = [w for k, v in self._parts() if v for w in (k, *sorted(v))]
        return re.sub(r"[^a-z0-9]+", "-", "-".join(words).lower()).strip("-")[:80]

    def _parts(self) -> tuple[tuple[str, frozenset[str]], ...]:
        return (("source", self.sources), ("difficulty", self.difficulties), ("tag", self.tags))


@dataclass(frozen=True)
class NoteSpec:
    guid: str
    entry_id: str  # the primary entry's id
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    deck: str
    difficulty: str
    sources: tuple[str, ...]
    mod: int
    media: tuple[str, ...] = ()  # the packaged media files its fields show

    def field(self, name: str) -> str:
        return self.fields[FIELDS.index(name)]

    def with_mod(self, mod: int) -> NoteSpec:
        """This note with `mod` (twice as fast as dataclasses.replace, which 10,000 notes feel)."""
        s = self
        return NoteSpec(s.guid, s.entry_id, s.fields, s.tags, s.deck, s.difficulty, s.sources, mod, s.media)


# (markdown, entry, section key) -> HTML; raises DeckError with the entry's file and line
Render = Callable[[str, Entry, str], str]


def guid_for(entry_id: str) -> str:
    import genanki

    return genanki.guid_for(GUID_NAMESPACE, entry_id)


def answer_label(entry: Entry, source: Source) -> str:
    """Whose answer the visible answer is."""
    if entry.answer_origin != "source":
        return DECK_ANSWER
    return f"{source.publisher}’s answer" + (" (incomplete)" if entry.verdict == "incomplete" else "")


def attribution_html(entry: Entry, source: Source, render: Render, with_wording: bool = True) -> str:
    """Where an entry comes from and whose answer it is, plus the article's own wording when the
    front rewords it. (A folded entry's is in the note's other-sources block.)"""
    if source.original:
        return "Question and answer written for this deck"
    title = html.escape(source.title)
    link = f'<a href="{html.escape(source.url)}">{title}</a>' if source.url else f"“{title}”"
    origin = "answer from the article" if entry.answer_origin == "source" else "answer written for this deck"
    line = (
        f"{html.escape(source.publisher)}, {link}, {html.escape(source.ref_label(entry.ref, entry.section))} · {origin}"
    )
    if with_wording and (asked := entry.text("source_question")):
        line += f"<br>Asked in the article as: “{_unwrap(render(asked, entry, 'source_question'))}”"
    return line


def tags_for(group: list[Entry]) -> tuple[str, ...]:
    lead = group[0]
    tags = {
        f"{TAG_ROOT}::difficulty::{lead.difficulty}",
        f"{TAG_ROOT}::origin::{lead.answer_origin}",
        f"{TAG_ROOT}::kind::{lead.kind}",
    }
    for c in group:
        tags.add(f"{TAG_ROOT}::source::{c.source}")
        tags.update(f"{TAG_ROOT}::topic::{t}" for t in c.topics)
    return tuple(sorted(tags))


def meta_text(group: list[Entry], sources: dict[str, Source]) -> str:
    lead = group[0]
    parts = [lead.difficulty.capitalize(), *sorted({sources[c.source].publisher for c in group})]
    if lead.kind != "technical":
        parts.append(lead.kind.capitalize())
    return " · ".join(parts)


def build_note(group: list[Entry], sources: dict[str, Source], render: Render, split: str, mod: int) -> NoteSpec:
    """One note for a group: the primary entry (group[0]) leads, folded entries follow."""
    lead = group[0]
    src = sources[lead.source]
    shown = [t for key in ("key_point", "answer", "editor_note", "source_answer") if (t := lead.text(key))]

    def part(key: str) -> str:
        return render(lead.text(key), lead, key) if lead.text(key) else ""

    source_answer = part("source_answer")
    values = {
        "Question": _unwrap(render(lead.question, lead, "question")),
        "KeyPoint": part("key_point"),
        "Answer": part("answer"),
        "AnswerLabel": html.escape(answer_label(lead, src)),
        "EditorNote": part("editor_note"),
        "SourceAnswer": f"<summary>{_answer_title(lead, src, 'source_answer')}</summary>{source_answer}"
        if source_answer
        else "",
        "OtherSources": other_sources_html(group, sources, render, shown),
        "Context": context_html(group, sources, render),
        "References": "".join(render(c.text("references"), c, "references") for c in group if c.text("references")),
        "Attribution": attribution_html(lead, src, render),
        "Meta": html.escape(meta_text(group, sources)),
        "CardId": html.escape(", ".join(c.id for c in group)),
    }
    fields = tuple(values[f] for f in FIELDS)
    return NoteSpec(
        guid=guid_for(lead.id),
        entry_id=lead.id,
        fields=fields,
        tags=tags_for(group),
        deck=deck_name(split, lead.difficulty, src.deck_name),
        difficulty=lead.difficulty,
        sources=tuple(sorted({c.source for c in group})),
        mod=mod,
        media=media_in(fields),
    )


PACKAGED_SRC = re.compile(r'\ssrc="(mldeck-[0-9a-f]{20}\.\w+)"')


def media_in(fields: tuple[str, ...]) -> tuple[str, ...]:
    """The packaged media files the fields show (images and diagrams), sorted."""
    return tuple(sorted({m for f in fields for m in PACKAGED_SRC.findall(f)}))


# A folded entry's text "adds nothing" when its words match a text already on the back this
# closely (difflib ratio over lower-case words, punctuation ignored): a copy with a few words changed.
NEAR_IDENTICAL = 0.9


def _words(markdown: str) -> list[str]:
    return re.findall(r"\w+", markdown.casefold())


def adds_nothing(text: str, shown: list[str]) -> bool:
    """True when `text` is a near-identical copy of one of the texts already shown."""
    words = _words(text)
    return any(difflib.SequenceMatcher(None, words, _words(s), autojunk=False).ratio() >= NEAR_IDENTICAL for s in shown)


def other_sources_html(group: list[Entry], sources: dict[str, Source], render: Render, shown: list[str]) -> str:
    """The folded entries of a note: one visible line with each other article's wording of the
    question, then one closed <details> with, per article, its attribution, its answer and its
    editor's note (styled as one). A text that is a near copy of one already on the back is
    named, not repeated."""
    lead, folded = group[0], group[1:]
    if not folded:
        return ""
    asked, inside = [], []
    for c in folded:
        src = sources[c.source]
        who = f"{html.escape(src.publisher)} ({html.escape(_ref(c, sources))})"
        if _words(c.question) == _words(lead.question):
            asked.append(f"{who}, word for word")
        else:
            asked.append(f"{who}: “{_unwrap(render(c.question, c, 'question'))}”")
        inside.append(f'<p class="mld-asked">{attribution_html(c, src, render, with_wording=False)}</p>')
        if c.answer_origin == "missing":
            inside.append("<p>That article gives no answer.</p>")
        same = []
        for key in ("answer", "source_answer", "editor_note"):
            text = c.text(key)
            if not text:
                continue
            if adds_nothing(text, shown):
                same.append(FOLDED_LABELS[key])
                continue
            shown.append(text)
            body = render(text, c, key)
            if key == "editor_note":
                inside.append(f'<div class="mld-editor-note"><div class="mld-label">Editor’s note</div>{body}</div>')
            else:
                inside.append(f'<div class="mld-label">{_answer_title(c, src, key)}</div>{body}')
        if same:
            inside.append(
                f'<p class="mld-same">Not repeated, being almost word for word what is shown: {", ".join(same)}.</p>'
            )
    return (
        f'<p class="mld-also">Also asked by {"; ".join(asked)}.</p>'
        f"<details><summary>The other articles’ answers</summary>{''.join(inside)}</details>"
    )


FOLDED_LABELS = {
    "answer": "its answer",
    "source_answer": "the article’s own answer",
    "editor_note": "its editor’s note",
}


def _ref(entry: Entry, sources: dict[str, Source]) -> str:
    return sources[entry.source].ref_label(entry.ref, entry.section)


def _answer_title(entry: Entry, source: Source, key: str) -> str:
    if key == "source_answer" or entry.answer_origin == "source":
        verdict = f" ({entry.verdict})" if entry.verdict and entry.verdict != "correct" else ""
        return html.escape(f"{source.publisher}’s {'own ' if key == 'source_answer' else ''}answer{verdict}")
    return html.escape(f"{DECK_ANSWER} to {source.publisher}’s wording")


def context_html(group: list[Entry], sources: dict[str, Source], render: Render) -> str:
    """The "why interviewers ask it" text of every entry in the group that has one (only Upwork
    gives it); a folded entry's is attributed, since the note's answer may come from another article."""
    blocks = []
    for c in group:
        if not c.text("context"):
            continue
        body = render(c.text("context"), c, "context")
        if c is not group[0]:
            src = sources[c.source]
            body += f"<p>— {html.escape(src.publisher)}, {html.escape(src.ref_label(c.ref, c.section))}</p>"
        blocks.append(body)
    return "".join(blocks)


def _unwrap(fragment: str) -> str:
    """A one-paragraph text without its <p> wrapper."""
    f = fragment.strip()
    if f.startswith("<p>") and f.endswith("</p>") and f.count("<p>") == 1:
        return f[3:-4]
    return f
