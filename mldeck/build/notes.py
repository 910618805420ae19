"""Cards -> note specs: fields, tags, deck, GUID and mod. Pure: no I/O, no genanki.

Cards with `duplicate_of` are folded into their target's note: the target's answer leads, the
other sources' questions, answers and editor's notes follow (labelled; a text that is a
near-identical copy of one already shown is named instead of repeated), and every source appears
in the attribution, the tags and the "why interviewers ask it" context.
Cards with no answer yet are skipped (the caller warns).
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..entries import Entry
from ..errors import Problem
from ..notetype.model import FIELDS, GUID_NAMESPACE, TAG_ROOT, deck_name
from ..sources import Source

ORIGIN_LABEL = {"source": "{publisher}’s answer", "deck": "Answer written for this deck"}


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
            topics = {t.rsplit("::", 1)[-1] for t in note.tags if "::topic::" in t}
            return bool(self.tags & (set(note.tags) | topics))
        return True


@dataclass(frozen=True)
class NoteSpec:
    guid: str
    card_id: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    deck: str
    difficulty: str
    sources: tuple[str, ...]
    mod: int


# (markdown, card, section key) -> HTML; raises DeckError with the card's file and line
Render = Callable[[str, Entry, str], str]


def guid_for(card_id: str) -> str:
    import genanki

    return genanki.guid_for(GUID_NAMESPACE, card_id)


def ref_label(card: Entry) -> str:
    if card.section in ("general", "technical"):
        return f"{card.section} question {card.ref}"
    return f"question {card.ref}"


def attribution_html(card: Entry, source: Source) -> str:
    title = html.escape(source.title)
    link = f'<a href="{html.escape(source.url)}">{title}</a>' if source.url else f"“{title}”"
    origin = "answer from the article" if card.answer_origin == "source" else "answer written for this deck"
    return f"{html.escape(source.publisher)}, {link}, {ref_label(card)} · {origin}"


def tags_for(cards: list[Entry]) -> tuple[str, ...]:
    lead = cards[0]
    tags = {f"{TAG_ROOT}::difficulty::{lead.difficulty}", f"{TAG_ROOT}::origin::{lead.answer_origin}"}
    for c in cards:
        tags.add(f"{TAG_ROOT}::source::{c.source}")
        tags.update(f"{TAG_ROOT}::topic::{t}" for t in c.topics)
    return tuple(sorted(tags))


def unknown_sources(cards: list[Entry], sources: dict[str, Source]) -> list[Problem]:
    """Problems for cards whose `source` has no sources/<name>/ folder."""
    known = ", ".join(sources) or "none"
    return [
        Problem(c.path or c.id, c.line_of("source"), f"unknown source {c.source!r} (known: {known})")
        for c in cards
        if c.source not in sources
    ]


def group_duplicates(cards: list[Entry]) -> tuple[dict[str, list[Entry]], list[Problem]]:
    """Target id -> [target, folded…]; problems for dangling or chained duplicate_of."""
    by_id = {c.id: c for c in cards}
    groups: dict[str, list[Entry]] = {c.id: [c] for c in cards if not c.duplicate_of}
    problems = []
    for c in cards:
        if not c.duplicate_of:
            continue
        target = by_id.get(c.duplicate_of)
        if target is None:
            problems.append(
                Problem(
                    c.path or c.id, c.line_of("duplicate_of"), f"duplicate_of {c.duplicate_of!r}: no card has that id"
                )
            )
        elif target.duplicate_of:
            problems.append(
                Problem(
                    c.path or c.id,
                    c.line_of("duplicate_of"),
                    f"duplicate_of {c.duplicate_of!r} is itself folded into {target.duplicate_of!r}: "
                    "point at the primary card",
                )
            )
        else:
            groups[target.id].append(c)
    return groups, problems


def build_note(group: list[Entry], sources: dict[str, Source], render: Render, split: str, mod: int) -> NoteSpec:
    """One note for a group: the primary card (group[0]) leads, folded cards follow in OtherSources."""
    lead = group[0]
    src = sources[lead.source]
    shown = [t for t in (lead.answer, lead.editor_note, lead.source_answer) if t]
    others = []
    for c in group[1:]:
        block, texts = other_source_html(c, lead, sources[c.source], render, shown)
        others.append(block)
        shown += texts
    attribution = "<br>".join(attribution_html(c, sources[c.source]) for c in group)
    meta = " · ".join([lead.difficulty.capitalize(), *sorted({sources[c.source].publisher for c in group})])
    values = {
        "Question": _unwrap(render(lead.question, lead, "question")),
        "Answer": render(lead.answer, lead, "answer"),
        "AnswerLabel": html.escape(ORIGIN_LABEL[lead.answer_origin].format(publisher=src.publisher)),
        "EditorNote": render(lead.editor_note, lead, "editor_note") if lead.editor_note else "",
        "SourceAnswer": render(lead.source_answer, lead, "source_answer") if lead.source_answer else "",
        "OtherSources": "".join(others),
        "Context": context_html(group, sources, render),
        "Attribution": attribution,
        "Meta": html.escape(meta),
        "CardId": html.escape(", ".join(c.id for c in group)),
    }
    return NoteSpec(
        guid=guid_for(lead.id),
        card_id=lead.id,
        fields=tuple(values[f] for f in FIELDS),
        tags=tags_for(group),
        deck=deck_name(split, lead.difficulty, lead.source),
        difficulty=lead.difficulty,
        sources=tuple(sorted({c.source for c in group})),
        mod=mod,
    )


# A folded card's text "adds nothing" when its words match a text already on the back this
# closely (difflib ratio over lower-case words, punctuation ignored): a copy with a few words changed.
NEAR_IDENTICAL = 0.9
FOLDED_SECTIONS = (("editor_note", "Editor’s note"), ("source_answer", "The article’s own answer"))


def _words(markdown: str) -> list[str]:
    return re.findall(r"\w+", markdown.casefold())


def adds_nothing(text: str, shown: list[str]) -> bool:
    """True when `text` is a near-identical copy of one of the texts already shown."""
    words = _words(text)
    return any(difflib.SequenceMatcher(None, words, _words(s), autojunk=False).ratio() >= NEAR_IDENTICAL for s in shown)


def other_source_html(
    card: Entry, lead: Entry, source: Source, render: Render, shown: list[str]
) -> tuple[str, list[str]]:
    """A folded card's block in OtherSources, and the texts it shows.

    Its question is quoted (or said to be word for word the lead's), then its answer, editor's
    note and the article's own answer, each labelled; a text that adds nothing is named, not repeated.
    """
    asked = f"Also asked by {html.escape(source.publisher)} ({ref_label(card)})"
    if _words(card.question) == _words(lead.question):
        head = f"<h4>{asked}, word for word</h4>"
    else:
        head = f"<h4>{asked}: “{_unwrap(render(card.question, card, 'question'))}”</h4>"
    parts, texts, same = [head], [], []
    if card.answer_origin == "missing":
        parts.append("<p>That article gives no answer.</p>")
    sections = [("answer", ORIGIN_LABEL.get(card.answer_origin, "").format(publisher=source.publisher))]
    for key, label in sections + list(FOLDED_SECTIONS):
        text = getattr(card, key)
        if not text:
            continue
        if adds_nothing(text, shown + texts):
            same.append(label)
            continue
        parts.append(f'<div class="mld-label">{html.escape(label)}</div>{render(text, card, key)}')
        texts.append(text)
    if same:
        what = ", ".join(html.escape(label) for label in same)
        parts.append(f"<p>Not repeated, being almost word for word what is shown above: {what}.</p>")
    return f'<div class="mld-other-source">{"".join(parts)}</div>', texts


def context_html(group: list[Entry], sources: dict[str, Source], render: Render) -> str:
    """The "why interviewers ask it" text of every card in the group that has one (only Upwork gives it).

    Context from a folded card is attributed, since the note's answer may come from another article.
    """
    blocks = []
    for c in group:
        if not c.context:
            continue
        body = render(c.context, c, "context")
        if c is not group[0]:
            body += f"<p>— {html.escape(sources[c.source].publisher)}, {ref_label(c)}</p>"
        blocks.append(body)
    return "".join(blocks)


def _unwrap(fragment: str) -> str:
    """A one-paragraph question without its <p> wrapper."""
    f = fragment.strip()
    if f.startswith("<p>") and f.endswith("</p>") and f.count("<p>") == 1:
        return f[3:-4]
    return f
