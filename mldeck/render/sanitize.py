"""The allow-list sanitiser every card's HTML passes through (nh3, the Rust ammonia crate).

Anki runs card JavaScript with access to local add-on APIs, so a pull request must not be
able to ship script: no <script>/<iframe>/<style>, no on* attributes, no javascript: or data:
URLs. What survives is the HTML that our Markdown renderer produces.

Images: an <img> may only show a file the deck packages (`mldeck-<hash>.<ext>`, see media.py).
The Markdown renderer rewrites `![](media/…)` to such names; raw HTML `<img src=…>` bypasses
that, so any other source (a web address that would track the reader, `../../etc/passwd`) is dropped.
"""

from __future__ import annotations

import nh3

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
    """Return `html` with everything outside the allow-list removed."""
    return nh3.clean(
        html,
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
    return value
