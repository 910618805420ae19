"""Cards -> note specs: fields, tags, deck, GUID and mod. Pure: no I/O, no genanki.

Cards with `duplicate_of` are folded into their target's note: the target's answer leads, the
other sources' answers follow (labelled), and every source appears in the attribution and tags.
Cards with no answer yet are skipped (the caller warns).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

from ..anki.model import FIELDS, GUID_NAMESPACE, TAG_ROOT, deck_name
from ..cards import Card
from ..errors import Problem
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
Render = Callable[[str, Card, str], str]


def guid_for(card_id: str) -> str:
    import genanki

    return genanki.guid_for(GUID_NAMESPACE, card_id)


def ref_label(card: Card) -> str:
    if card.section in ("general", "technical"):
        return f"{card.section} question {card.ref}"
    return f"question {card.ref}"


def attribution_html(card: Card, source: Source) -> str:
    title = html.escape(source.title)
    link = f'<a href="{html.escape(source.url)}">{title}</a>' if source.url else f"“{title}”"
    origin = "answer from the article" if card.answer_origin == "source" else "answer written for this deck"
    return f"{html.escape(source.publisher)}, {link}, {ref_label(card)} · {origin}"


def tags_for(cards: list[Card]) -> tuple[str, ...]:
    lead = cards[0]
    tags = {f"{TAG_ROOT}::difficulty::{lead.difficulty}", f"{TAG_ROOT}::origin::{lead.answer_origin}"}
    for c in cards:
        tags.add(f"{TAG_ROOT}::source::{c.source}")
        tags.update(f"{TAG_ROOT}::topic::{t}" for t in c.topics)
    return tuple(sorted(tags))


def group_duplicates(cards: list[Card]) -> tuple[dict[str, list[Card]], list[Problem]]:
    """Target id -> [target, folded…]; problems for dangling or chained duplicate_of."""
    by_id = {c.id: c for c in cards}
    groups: dict[str, list[Card]] = {c.id: [c] for c in cards if not c.duplicate_of}
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


def build_note(group: list[Card], sources: dict[str, Source], render: Render, split: str, mod: int) -> NoteSpec:
    lead = group[0]
    src = sources[lead.source]
    others = []
    for c in group[1:]:
        s = sources[c.source]
        head = (
            f"<h4>Also asked by {html.escape(s.publisher)} ({ref_label(c)}): {render(c.question, c, 'question')}</h4>"
        )
        body = render(c.answer, c, "answer") if c.answer else ""
        if c.editor_note:
            body += f'<div class="mld-label">Editor’s note</div>{render(c.editor_note, c, "editor_note")}'
        others.append(head + body)
    attribution = "<br>".join(attribution_html(c, sources[c.source]) for c in group)
    meta = " · ".join([lead.difficulty.capitalize(), *sorted({sources[c.source].publisher for c in group})])
    values = {
        "Question": _unwrap(render(lead.question, lead, "question")),
        "Answer": render(lead.answer, lead, "answer"),
        "AnswerLabel": html.escape(ORIGIN_LABEL[lead.answer_origin].format(publisher=src.publisher)),
        "EditorNote": render(lead.editor_note, lead, "editor_note") if lead.editor_note else "",
        "SourceAnswer": render(lead.source_answer, lead, "source_answer") if lead.source_answer else "",
        "OtherSources": "".join(others),
        "Context": render(lead.context, lead, "context") if lead.context else "",
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


def _unwrap(fragment: str) -> str:
    """A one-paragraph question without its <p> wrapper."""
    f = fragment.strip()
    if f.startswith("<p>") and f.endswith("</p>") and f.count("<p>") == 1:
        return f[3:-4]
    return f
