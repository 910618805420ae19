"""Code highlighting: Pygments with class-based CSS, a light style and a dark one for Anki's
night mode (`.nightMode` on desktop/iOS, `.night_mode` on AnkiDroid). Inline styles would
leave some tokens dark-on-dark in night mode, so the HTML only carries classes."""

from __future__ import annotations

from functools import cache, lru_cache

import pygments
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import find_lexer_class_by_name, get_lexer_by_name
from pygments.util import ClassNotFound

from ..diagram_kinds import LANGUAGES

LIGHT_STYLE = "xcode"
DARK_STYLE = "github-dark"
CSS_CLASS = "highlight"
NIGHT = (".nightMode", ".night_mode")
# Fences that are not code but diagrams, rendered elsewhere.
DIAGRAM_LANGS = LANGUAGES


@cache
def known_language(lang: str) -> bool:
    """True for a fence language Pygments can highlight (or plain text/empty)."""
    if not lang or lang in ("text", "plain", "console-output"):
        return True
    try:
        find_lexer_class_by_name(lang)  # the class only: building a lexer compiles its rules
    except ClassNotFound:
        return False
    return True


@cache
def _lexer(lang: str) -> Lexer:
    """The lexer for a fence language (plain text for an unknown or empty one), built once."""
    try:
        return get_lexer_by_name(lang, stripnl=True) if lang else get_lexer_by_name("text", stripnl=True)
    except ClassNotFound:
        return get_lexer_by_name("text", stripnl=True)


@lru_cache(maxsize=1)
def _formatter() -> HtmlFormatter:
    return HtmlFormatter(cssclass=CSS_CLASS, wrapcode=True)


def highlight_block(source: str, lang: str) -> str:
    """A fenced code block as highlighted HTML: the same bytes pymdownx.highlight writes, without
    building a formatter (its style sheet) and looking the lexer up again for every block."""
    return pygments.highlight(source, _lexer(lang), _formatter()).rstrip("\n")


def highlight_css() -> str:
    """The CSS for highlighted code: light by default, dark under Anki's night-mode classes."""
    light = HtmlFormatter(style=LIGHT_STYLE, cssclass=CSS_CLASS)
    dark = HtmlFormatter(style=DARK_STYLE, cssclass=CSS_CLASS)
    parts = [
        f"/* Pygments {LIGHT_STYLE} (light) and {DARK_STYLE} (night mode); generated, do not edit */",
        light.get_style_defs(f".{CSS_CLASS}"),
        f".{CSS_CLASS} {{ color: {_text_color(LIGHT_STYLE)}; }}",
    ]
    for night in NIGHT:
        parts.append(dark.get_style_defs(f"{night} .{CSS_CLASS}"))
        parts.append(f"{night} .{CSS_CLASS} {{ color: {_text_color(DARK_STYLE)}; }}")
    return "\n".join(parts) + "\n"


def _text_color(style_name: str) -> str:
    from pygments.styles import get_style_by_name
    from pygments.token import Text

    style = get_style_by_name(style_name)
    color = style.style_for_token(Text)["color"]
    return f"#{color}" if color else ("#c9d1d9" if "dark" in style_name else "#000000")
