"""Note specs -> the preview page's HTML. Pure: strings in, a string out.

Each card is an <article> carrying its source(s), difficulty, topics and searchable text as
data attributes for the filters. Its front and back are rendered with the note model's own
templates and sit in declarative shadow roots: the model CSS (linked inside each root) styles
the card exactly as in Anki and cannot leak into the page around it, nor the page into it.
The wrapper inside each root has the classes Anki puts on <body>: `card card1`, plus
`nightMode night_mode` in night mode (set by the page script).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..notetype.model import FIELDS, ROOT_DECK, TAG_ROOT
from ..taxonomy import DIFFICULTIES, TOPICS
from .links import FileLink
from .mathjax import CONFIG as MATHJAX_CONFIG
from .mathjax import SCRIPT as MATHJAX_SCRIPT
from .template import render

MODEL_CSS = "_model.css"  # media names never start with "_", so these cannot clash with a card's files
PAGE_CSS = "_preview.css"
PAGE_JS = "_preview.js"
SEARCH_FIELDS = FIELDS  # every field: a new one is searchable without a second list to update


@dataclass(frozen=True)
class PreviewCard:
    """One note as the page shows it: rendered sides plus what the filters need."""

    card_id: str
    deck: str
    difficulty: str
    sources: tuple[str, ...]
    topics: tuple[str, ...]
    front: str
    back: str
    search_text: str
    file: FileLink | None = None


def topics_of(tags: Iterable[str]) -> tuple[str, ...]:
    prefix = f"{TAG_ROOT}::topic::"
    return tuple(t[len(prefix) :] for t in tags if t.startswith(prefix))


def plain_text(fragment: str) -> str:
    """HTML fragment -> lower-case text with single spaces, for the search box."""
    text = html.unescape(re.sub(r"<[^>]*>", " ", fragment))
    return " ".join(text.split()).lower()


def preview_card(
    card_id: str,
    deck: str,
    difficulty: str,
    sources: tuple[str, ...],
    tags: tuple[str, ...],
    fields: Mapping[str, str],
    front_template: str,
    back_template: str,
    search_fields: Mapping[str, str] | None = None,
    file: FileLink | None = None,
) -> PreviewCard:
    """Render one note's sides; `search_fields` (default `fields`) feed the search text."""
    front = render(front_template, fields)
    back = render(back_template, fields, front_side=front)
    searchable = search_fields or fields
    text = " ".join(plain_text(searchable.get(f, "")) for f in SEARCH_FIELDS)
    return PreviewCard(card_id, deck, difficulty, sources, topics_of(tags), front, back, text, file)


def _options(label: str, choices: list[tuple[str, str, int]], total: int) -> str:
    """<option>s whose counts the page script keeps in step with the other filters (data-label)."""
    opts = [f'<option value="" data-label="{html.escape(label)}">{html.escape(label)} ({total})</option>']
    opts += [
        f'<option value="{html.escape(v)}" data-label="{html.escape(text)}">{html.escape(text)} ({n})</option>'
        for v, text, n in choices
    ]
    return "".join(opts)


def _file_link(link: FileLink | None) -> str:
    if link is None:
        return ""
    if link.edit:
        title, extra, verb = "Edit this card's file on the forge", ' target="_blank" rel="noopener"', "Edit "
    else:
        title, extra, verb = "This card's file: open it in your editor", "", ""
    href = html.escape(link.href, quote=True)
    return f'<a class="pv-file" href="{href}" title="{title}"{extra}>{verb}{html.escape(link.label)}</a>'


def _side(css_href: str, body: str, side: str, hidden: bool) -> str:
    return (
        f'<div class="pv-side pv-{side}"{" hidden" if hidden else ""}>'
        f'<template shadowrootmode="open"><link rel="stylesheet" href="{css_href}">'
        f'<div class="card card1"><div id="qa">{body}</div></div></template></div>'
    )


def _article(card: PreviewCard) -> str:
    deck = card.deck.removeprefix(ROOT_DECK).removeprefix("::") or ROOT_DECK
    chips = "".join(
        f'<button type="button" class="pv-topic" data-topic="{html.escape(t)}">{html.escape(t)}</button>'
        for t in card.topics
    )
    attrs = {
        "id": f"card-{card.card_id}",
        "data-card-id": card.card_id,
        "data-sources": " ".join(card.sources),
        "data-difficulty": card.difficulty,
        "data-topics": " ".join(card.topics),
        "data-search": f"{card.card_id.lower()} {card.search_text}",
    }
    attr_text = " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in attrs.items())
    return (
        f'<article class="pv-card" {attr_text}>'
        f'<header class="pv-card-head"><a class="pv-id" href="#card-{html.escape(card.card_id)}">'
        f"{html.escape(card.card_id)}</a>"
        f'<span class="pv-deck">{html.escape(deck)}</span><span class="pv-topics">{chips}</span>{_file_link(card.file)}'
        f'<button type="button" class="pv-flip" aria-pressed="false">Show front</button></header>'
        f"{_side(MODEL_CSS, card.front, 'front', hidden=True)}{_side(MODEL_CSS, card.back, 'back', hidden=False)}"
        "</article>"
    )


def _math_head(mathjax: str | None) -> str:
    if mathjax is None:
        return ""
    return f'<script src="{MATHJAX_CONFIG}"></script>\n<script src="{MATHJAX_SCRIPT}" defer></script>\n'


def page_html(
    cards: list[PreviewCard],
    publishers: Mapping[str, str],
    skipped: int = 0,
    title: str = "",
    mathjax: str | None = None,
) -> str:
    """The whole preview page. `publishers` maps a source name to its display name; `mathjax` is
    the MathJax version next to the page (None: the fields already hold MathML)."""
    title = title or f"{ROOT_DECK}: card preview"
    n = len(cards)
    by_source = Counter(s for c in cards for s in c.sources)
    by_level = Counter(c.difficulty for c in cards)
    by_topic = Counter(t for c in cards for t in c.topics)
    topic_order = [t for t in TOPICS if t in by_topic] + sorted(t for t in by_topic if t not in TOPICS)
    sources = _options("All sources", [(s, publishers.get(s, s), by_source[s]) for s in sorted(by_source)], n)
    levels = _options("All levels", [(d, d.capitalize(), by_level[d]) for d in DIFFICULTIES if by_level[d]], n)
    topics = _options("All topics", [(t, t, by_topic[t]) for t in topic_order], n)
    note = f" · {skipped} card(s) without an answer are left out, as in the deck" if skipped else ""
    maths = f"MathJax {mathjax}, as in Anki" if mathjax else "MathML (MathJax is not installed)"
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="stylesheet" href="{PAGE_CSS}">
{_math_head(mathjax)}<script src="{PAGE_JS}" defer></script>
</head>
<body class="pv-page" data-math="{"mathjax" if mathjax else "mathml"}">
<header class="pv-toolbar" id="pv-toolbar">
<div class="pv-bar">
<h1>{html.escape(title)}</h1>
<input type="search" id="pv-search" placeholder="Search cards or ids" aria-label="Search" autocomplete="off">
<button type="button" id="pv-more" aria-expanded="false" aria-controls="pv-controls">Filters
<span id="pv-shown">{n}</span></button>
<button type="button" id="pv-night" aria-pressed="false">Night</button>
</div>
<form class="pv-controls" id="pv-controls" role="search">
<label>Source <select id="pv-source">{sources}</select></label>
<label>Difficulty <select id="pv-difficulty">{levels}</select></label>
<label>Topic <select id="pv-topic">{topics}</select></label>
<button type="button" id="pv-sides" aria-pressed="false">Show fronts</button>
<p class="pv-status"><span id="pv-count">{n} of {n} cards</span>{html.escape(note)} · maths: {html.escape(maths)}</p>
</form>
</header>
<main id="pv-cards">
{chr(10).join(_article(c) for c in cards)}
<p id="pv-empty" hidden>No card matches these filters.</p>
</main>
</body>
</html>
"""
