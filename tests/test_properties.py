"""Property-based tests (hypothesis): the card format round-trips, and the renderer is safe.

What the card strategy generates, and what it leaves out on purpose:

- front matter: every value the reader accepts (ids shaped `<letters>-<alnum>`, word-like
  source/ref/section/duplicate_of, any difficulty, origin and non-empty topic list);
- the question: one line of arbitrary Unicode (any script, emoji, control characters,
  Unicode line separators such as U+2028, '#', '---', backticks), without surrounding
  whitespace: the format trims it;
- answer and sections: lines of arbitrary Unicode, and fenced code blocks (``` or ~~~, with
  an info string) whose lines may be anything that does not close the fence, including
  `# ` and `## ` headings and `---`, which must stay code.

Excluded, because they change what the file means rather than break the reader: prose lines
starting with `# ` or `## ` (the question and section headings of the format), prose lines that
open a fence (``` or ~~~ after whitespace), leading blank lines and trailing whitespace of a
section (not significant), CR (a line end in a file) and lone surrogates (not UTF-8). The
file-level property also leaves out NUL, which the reader refuses as binary.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mldeck.entries import Entry, format_entry, parse_entry, read_entry
from mldeck.render.markdown import Renderer, RenderError
from mldeck.render.media import MediaStore
from mldeck.sections import BODY_KEYS
from mldeck.taxonomy import ANSWER_ORIGINS, DIFFICULTIES, KINDS, TOPICS, VERDICTS
from tests.test_hostile import unsafe

pytestmark = pytest.mark.slow  # hundreds of generated cards: `make test` and CI run it, `make check` does not

# Examples per test. The "repeatable" profile (make test, CI) draws the same ones every run, so a
# few dozen cards (a draw costs ~15 ms, and more as Hypothesis mutates) already reach every
# tricky part (test_the_strategy_reaches_the_tricky_parts); `HYPOTHESIS_PROFILE=explore` draws
# new ones, five times as many.
SCALE = 5 if os.environ.get("HYPOTHESIS_PROFILE") == "explore" else 1
SETTINGS = settings(max_examples=100 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- cards --------------------------------------------------------------------------------------

WORD = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,11}", fullmatch=True)
CHARS = st.characters(exclude_categories=("Cs", "Cc"))  # control characters: refused by the reader
LINE = st.text(CHARS, max_size=40)


def _is_heading(line: str) -> bool:
    return line.startswith(("# ", "## "))


def _opens_fence(line: str) -> bool:
    return re.match(r"^(`{3,}|~{3,})", line.strip()) is not None


prose_line = LINE.filter(lambda s: not _is_heading(s) and not _opens_fence(s))


@st.composite
def fenced_block(draw) -> str:
    marker = draw(st.sampled_from(["`", "~"])) * draw(st.integers(3, 5))
    info = draw(st.text(CHARS, max_size=12).filter(lambda s: marker[0] not in s))

    def closes(line: str) -> bool:  # CommonMark: the same character, at least as many, nothing after
        s = line.strip()
        run = len(s) - len(s.lstrip(marker[0]))
        return run >= len(marker) and not s[run:].strip()

    body = draw(st.lists(st.one_of(LINE, st.sampled_from(["# not a question", "## Context", "---"])), max_size=5))
    body = [line for line in body if not closes(line)]
    return "\n".join([marker + info, *body, marker])


def _trim(text: str) -> str:
    return text.strip("\n").rstrip()


section_text = st.lists(st.one_of(prose_line, prose_line, fenced_block(), st.just("")), max_size=8).map(
    lambda lines: _trim("\n".join(lines))
)
question_text = LINE.map(str.strip).filter(bool)


@st.composite
def cards(draw, chars_ok=lambda text: True) -> Entry:
    origin = draw(st.sampled_from(ANSWER_ORIGINS))
    text = section_text.filter(chars_ok)
    return Entry.make(
        id=draw(st.from_regex(r"[a-z][a-z0-9]{0,7}-[a-z0-9]{1,6}", fullmatch=True)),
        source=draw(WORD),
        ref=draw(WORD),
        difficulty=draw(st.sampled_from(DIFFICULTIES)),
        topics=tuple(draw(st.lists(st.sampled_from(list(TOPICS)), min_size=1, max_size=4, unique=True))),
        answer_origin=origin,
        question=draw(question_text.filter(chars_ok)),
        answer="" if origin == "missing" else draw(text),
        section=draw(st.none() | WORD),
        duplicate_of=draw(st.none() | WORD),
        verdict=draw(st.none() | st.sampled_from(VERDICTS)),
        kind=draw(st.sampled_from(KINDS)),
        **{key: draw(text) for key in BODY_KEYS if key != "answer"},
    )


@SETTINGS
@given(cards())
def test_format_then_parse_gives_the_same_card(card: Entry):
    text = format_entry(card)
    again = parse_entry(text, Path("cards/x/card.md"))
    assert again == card
    assert format_entry(again) == text  # the canonical text is a fixed point


@settings(SETTINGS, max_examples=50 * SCALE)
@given(cards(chars_ok=lambda text: "\0" not in text))
def test_written_card_files_read_back(card: Entry):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "card.md"
        path.write_text(format_entry(card), encoding="utf-8")
        assert read_entry(path) == card


def test_the_strategy_reaches_the_tricky_parts():
    """Guard against a strategy that silently stopped generating fences and headings in code."""
    seen = set()

    @settings(max_examples=20 * SCALE, deadline=None, database=None)  # all three show within 10
    @given(cards())
    def collect(card: Entry):
        for part in card.texts.values():
            if re.search(r"^(```|~~~)", part, re.MULTILINE):
                seen.add("fence")
            if re.search(r"^## Context$", part, re.MULTILINE):
                seen.add("heading in code")
        if card.answer_origin == "missing":
            seen.add("missing")

    collect()
    assert seen == {"fence", "heading in code", "missing"}


# --- the renderer -------------------------------------------------------------------------------

MARKDOWN_BITS = [
    "*", "**", "_", "`", "```", "~~~", "$", "$$", "\\", "[", "]", "(", ")", "![", "](", "<", ">", "</", "&", "&#",
    ";", "\"", "'", "=", " on", "\n", "\n\n", "    ", "- ", "1. ", "> ", "# ", ": ", "~~", "<!--", "-->",
]  # fmt: skip
URLS = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
    "java&#115;cript:alert(1)", "&#106;avascript&#58;alert(1)", "data:text/html,<script>alert(1)</script>",
    "data:image/png;base64,iVBORw0KGgo=", "vbscript:msgbox(1)", "file:///etc/passwd", "//evil.example/x",
    "media/pic.png", "./media/pic.png", "media/../x.png", "../../etc/passwd", "https://example.org/a?b=c",
    "mailto:a@b.c",
]  # fmt: skip
TAGS = ["script", "ScRiPt", "img", "IMG", "svg", "iframe", "a", "p", "div", "span", "style", "object", "math", "x",
        "details", "body", "input", "video", "template", "noscript", "base", "meta", "link", "form"]  # fmt: skip
ATTRS = ["onerror", "onload", "onclick", "ONMOUSEOVER", "href", "src", "style", "title", "class", "xlink:href",
         "srcdoc", "formaction", "action", "data", "align"]  # fmt: skip

short = st.text(max_size=8)
url = st.sampled_from(URLS) | short
quote = st.sampled_from(["", "'", '"'])
constructs = st.one_of(
    st.builds("[{}]({})".format, short, url),
    st.builds("![{}]({})".format, short, url),
    st.builds("[{}][r]\n\n[r]: {}\n".format, short, url),
    st.builds("<{}>".format, url),
    st.builds(lambda tag, attr, q, value, body: f"<{tag} {attr}={q}{value}{q}>{body}</{tag}>",
              st.sampled_from(TAGS), st.sampled_from(ATTRS), quote, url | st.just("alert(1)"), short),
    st.builds(lambda tag, attr, value: f"<{tag} {attr}={value}>", st.sampled_from(TAGS), st.sampled_from(ATTRS), url),
    st.builds("```{}\n{}\n```\n".format, st.sampled_from(["", "python", "html", "text"]), short),
    st.builds("`{}`".format, short),
    st.builds("${}$".format, short),
    st.builds("$$\n{}\n$$".format, short),
    st.builds("&#{};".format, st.integers(0, 0x10FFFF).map(str) | st.sampled_from(["x6A", "106", "0000106", "x3C"])),
)  # fmt: skip
markdown_text = st.lists(
    st.one_of(constructs, constructs, st.text(max_size=8), st.sampled_from(MARKDOWN_BITS)), max_size=25
).map("".join)


@pytest.fixture(scope="module")
def renderer(tmp_path_factory) -> Renderer:
    root = tmp_path_factory.mktemp("props")
    (root / "media").mkdir()
    (root / "media" / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return Renderer(MediaStore(root))


@settings(SETTINGS, max_examples=100 * SCALE)
@given(text=markdown_text)
def test_renderer_raises_only_render_error_and_emits_no_script(renderer: Renderer, text: str):
    """Any Markdown: sanitised HTML or a RenderError. "javascript:" may appear as text a reader
    sees (escaped, harmless); what may not appear is script: a <script>, an on…= attribute, a
    javascript:/data: URL in an attribute, or an image that is not packaged media."""
    try:
        html = renderer.render(text)
    except RenderError:
        return
    assert "<script" not in html.lower()
    assert unsafe(html) == [], html
