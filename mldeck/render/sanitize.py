"""The allow-list sanitiser every card's HTML passes through (nh3, the Rust ammonia crate).

Anki runs card JavaScript with access to local add-on APIs, so a pull request must not be
able to ship script: no <script>/<iframe>/<style>, no on* attributes, no javascript: or data:
URLs. What survives is the HTML that our Markdown renderer produces.

Images: an <img> may only show a file the deck packages (`mldeck-<hash>.<ext>`, see media.py).
The Markdown renderer rewrites `![](media/…)` to such names; raw HTML `<img src=…>` bypasses
that, so any other source (a web address that would track the reader, `../../etc/passwd`) is dropped.

Then what Anki reads as markup although it is not HTML (mldeck/ankimarkup.py) is made plain
text: sound, speech and LaTeX tags everywhere, and MathJax delimiters wherever MathJax would look
(outside <code>/<pre> and outside the renderer's own formulas); a formula holding a macro that
reaches outside the card (mldeck/tex/hostile.py) is shown as text, never typeset. No class may
switch MathJax on inside code, and no control character (Anki's \\x1f) survives.
"""

from __future__ import annotations

import html as html_lib
import re

import nh3

from ..ankimarkup import CONTROL, plain_anki_tags, plain_math_delimiters
from ..tex.hostile import hostile
from .media import is_packaged_name

TAGS = {
    "p", "br", "hr", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "del", "ins",
    "sub", "sup", "small", "mark", "kbd", "code", "pre", "span", "div", "blockquote",
    "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "th", "td",
    "a", "img", "figure", "figcaption", "abbr",
}  # fmt: skip
ATTRIBUTES = {
    "*": {"class", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
    "abbr": {"title"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize(html: str) -> str:
    """Return `html` with everything outside the allow-list removed and Anki markup made text."""
    return anki_safe(_clean(html))


def _clean(html: str) -> str:
    """nh3's cleaning. The attribute filter (a Python call per attribute: every highlighted token
    has a class) only matters when the cleaned HTML has an <img> or a MathJax class, which it
    shows literally (nh3 escapes only &, <, >, quotes and no-break spaces in attribute values,
    never a letter), so it runs only then, on the same input: the result is the same as always
    filtering."""
    safe = CONTROL.sub("\ufffd", html)
    out = _PLAIN.clean(safe)
    low = out.lower()
    if "<img" in low or "mathjax" in low or "tex2jax" in low:
        out = _FILTERED.clean(safe)
    return out


_OPTIONS = {"tags": TAGS, "attributes": ATTRIBUTES, "url_schemes": URL_SCHEMES,
            "link_rel": "noopener noreferrer", "strip_comments": True}  # fmt: skip


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not is_packaged_name(value):
        return None
    if attribute == "class":  # mathjax_process would typeset inside <code>
        low = value.lower()
        if "mathjax" not in low and "tex2jax" not in low:
            return value  # the common case (every highlighted token has a class): no regex
        return " ".join(c for c in value.split() if not MATHJAX_CLASS.search(c)) or None
    return value


MATHJAX_CLASS = re.compile(r"(?i)mathjax|tex2jax")
_PLAIN = nh3.Cleaner(**_OPTIONS)
_FILTERED = nh3.Cleaner(**_OPTIONS, attribute_filter=_attribute_filter)
TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^>]*)>")
SKIPPED = frozenset({"code", "pre"})  # MathJax's skipHtmlTags among the allowed tags
VOID = frozenset({"br", "hr", "img"})
SPECIAL = re.compile(r"[\[\\]")  # what Anki tags and MathJax delimiters start with
FORMULA = re.compile(r'\sclass="(?:[^"]*\s)?arithmatex(?:\s[^"]*)?"')


def anki_safe(html: str) -> str:
    """Sanitised HTML with Anki's non-HTML markup turned into text (see the module docstring).

    MathJax reads each run of text between two tags as one string, so each run is handled alone.
    Only a run or tag holding "[" or a backslash can change; the others are copied as they are,
    and after the last of those characters the walk stops."""
    special = SPECIAL.search(html)
    if special is None:
        return html
    out: list[str] = []
    stack: list[tuple[str, bool, bool]] = []  # (tag, in code, in a formula)
    code = formula = False
    pos = done = 0  # `done`: how far `html` is already in `out`
    nxt = special.start()
    for m in TAG.finditer(html):
        if nxt == len(html):
            break  # nothing after here can change
        start, end = m.span()
        if nxt < end:  # this run or this tag holds a "[" or a backslash
            if nxt < start:
                text = _text(html[pos:start], code, formula)
                out.append(html[done:pos] + text)
                done = start
            tag = m.group(0)
            if "[" in tag:
                out.append(html[done:start] + plain_anki_tags(tag))
                done = end
            found = SPECIAL.search(html, end)
            nxt = found.start() if found is not None else len(html)
        name = m.group(2).lower()
        if m.group(1):
            while stack and stack.pop()[0] != name:
                pass
        elif name not in VOID:
            stack.append((name, code or name in SKIPPED, formula or bool(FORMULA.search(m.group(3)))))
        code, formula = stack[-1][1:] if stack else (False, False)
        pos = end
    if nxt < len(html):
        out.append(html[done:pos] + _text(html[pos:], code, formula))
    else:
        out.append(html[done:])
    return "".join(out)


def _text(text: str, code: bool, formula: bool) -> str:
    if "[" in text:  # every Anki tag opens with one
        text = plain_anki_tags(text)
    if code or "\\" not in text:  # MathJax delimiters start with a backslash
        return text
    if formula and not hostile(html_lib.unescape(text)):
        return text
    return plain_math_delimiters(text)
