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
    return nh3.clean(
        CONTROL.sub("\ufffd", html),
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=_attribute_filter,
    )


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
TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^>]*)>")
SKIPPED = frozenset({"code", "pre"})  # MathJax's skipHtmlTags among the allowed tags
VOID = frozenset({"br", "hr", "img"})
FORMULA = re.compile(r'\sclass="(?:[^"]*\s)?arithmatex(?:\s[^"]*)?"')


def anki_safe(html: str) -> str:
    """Sanitised HTML with Anki's non-HTML markup turned into text (see the module docstring).

    MathJax reads each run of text between two tags as one string, so each run is handled alone."""
    out: list[str] = []
    stack: list[tuple[str, bool, bool]] = []  # (tag, in code, in a formula)
    pos = 0
    for m in TAG.finditer(html):
        code, formula = stack[-1][1:] if stack else (False, False)
        out.append(_text(html[pos : m.start()], code, formula))
        tag = m.group(0)
        out.append(plain_anki_tags(tag) if "[" in tag else tag)
        name = m.group(2).lower()
        if m.group(1):
            while stack and stack.pop()[0] != name:
                pass
        elif name not in VOID:
            stack.append((name, code or name in SKIPPED, formula or bool(FORMULA.search(m.group(3)))))
        pos = m.end()
    code, formula = stack[-1][1:] if stack else (False, False)
    out.append(_text(html[pos:], code, formula))
    return "".join(out)


def _text(text: str, code: bool, formula: bool) -> str:
    if "[" in text:  # every Anki tag opens with one
        text = plain_anki_tags(text)
    if code or "\\" not in text:  # MathJax delimiters start with a backslash
        return text
    if formula and not hostile(html_lib.unescape(text)):
        return text
    return plain_math_delimiters(text)
