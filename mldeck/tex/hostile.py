"""TeX that reaches outside its card, refused wherever it appears (lint, build, sanitiser).

MathJax in Anki's reviewer runs with the `require`, `autoload` and `newcommand` extensions:
`\\href{javascript:…}` is a live link, `\\style`/`\\class`/`\\cssId`/`\\data` and `\\mmlToken`
set attributes and styles (a remote `url()` is a tracking pixel), `\\unicode` picks fonts,
`\\require` loads more extensions, `\\toggle`/`\\mathtip`/`\\texttip` make interactive math, and
a definition (`\\def`, `\\newcommand`, mathtools' `\\DeclarePairedDelimiter`, `\\definecolor`, …)
changes every formula shown after it in the session, on other cards too. None of them is needed for an interview answer.
"""

from __future__ import annotations

import re

REFUSED = (
    "href", "url", "style", "class", "cssId", "data", "mmlToken", "unicode", "require",
    "toggle", "mathtip", "texttip", "def", "gdef", "edef", "xdef", "let", "global", "newcommand",
    "renewcommand", "providecommand", "newenvironment", "renewenvironment", "DeclareMathOperator",
    "Newextarrow", "setOptions", "begingroup", "endgroup", "futurelet", "expandafter", "definecolor",
    "DeclarePairedDelimiter", "DeclarePairedDelimiterX", "DeclarePairedDelimiterXPP", "mathtoolsset",
    "newtagform", "renewtagform", "usetagform", "newgathered", "renewgathered", "tagformat",
)  # fmt: skip
MACRO = re.compile(r"\\(" + "|".join(sorted(REFUSED, key=len, reverse=True)) + r")(?![A-Za-z])")
SCHEME = re.compile(r"(?i)\b(?:javascript|vbscript|data|file)\s*:|url\s*\(|expression\s*\(|@import")
BBOX_STYLE = re.compile(r"\\bbox\s*\[[^\]]*[:;]")


def hostile(tex: str) -> str | None:
    """Why `tex` may not reach a card, or None."""
    if m := MACRO.search(tex):
        return (
            f"\\{m.group(1)} is not allowed in a formula (it reaches outside the card: links, styles, "
            "extensions or definitions that leak into other cards)"
        )
    if BBOX_STYLE.search(tex):
        return "\\bbox with a CSS style is not allowed in a formula (colour and padding are)"
    if m := SCHEME.search(tex):
        return f"{m.group(0).strip()!r} is not allowed in a formula (a script, data or remote address)"
    return None
