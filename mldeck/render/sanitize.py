"""The allow-list sanitiser every card's HTML passes through (nh3, the Rust ammonia crate).

Anki runs card JavaScript with access to local add-on APIs, so a pull request must not be
able to ship script: no <script>/<iframe>/<style>, no on* attributes, no javascript: or data:
URLs. What survives is the HTML that our Markdown renderer produces.
"""

from __future__ import annotations

import nh3

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
    )
