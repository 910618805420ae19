"""What a reader reads: the prose of a card's Markdown, without code, maths, captions, markup or addresses.

Used for the word budgets (a 40-line code sample is not a long answer) and to look for links
and raw HTML only where Markdown would treat them as such (not inside code).
"""

from __future__ import annotations

import re

from . import fences

INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
DISPLAY_MATH_LINE = re.compile(r"^\$\$")
CAPTION = re.compile(r"^Figure:\s")
INLINE_MATH = re.compile(r"\$\$.+?\$\$|(?<![\\$])\$(?=\S)(?:\\\$|[^$])+?(?<=\S)\$")
IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
AUTOLINK = re.compile(r"<(?:https?|mailto):[^>\s]*>|\bhttps?://\S+")
HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")
WORD = re.compile(r"[^\W_]+(?:['’\-.][^\W_]+)*")


def prose_lines(markdown: str) -> list[tuple[int, str]]:
    """(0-based line offset, text) for each line outside fenced code, display math and figure
    captions (the `Figure:` paragraph after a diagram), inline code removed."""
    out: list[tuple[int, str]] = []
    math = caption = False
    for i, line in fences.outside(markdown):
        stripped = line.strip()
        if CAPTION.match(stripped):
            caption = True
        if caption:
            caption = bool(stripped)
            continue
        if DISPLAY_MATH_LINE.match(stripped):
            # `$$ … $$` on one line is inline-sized; a lone `$$` opens or closes a block
            if not (len(stripped) > 2 and stripped.endswith("$$")):
                math = not math
            continue
        if math:
            continue
        out.append((i, INLINE_CODE.sub(" ", line) if "`" in line else line))
    return out


def prose_text(markdown: str) -> str:
    """The readable words of `markdown`: link text kept; code, math, images, URLs and tags dropped."""
    kept = []
    for _, line in prose_lines(markdown):  # each pattern only where it can match (10,000 cards a build)
        if "$" in line:
            line = INLINE_MATH.sub(" ", line)
        if "](" in line:
            line = IMAGE.sub(" ", line)
            line = LINK.sub(r"\1", line)
        if "http" in line or "mailto" in line:
            line = AUTOLINK.sub(" ", line)
        if "<" in line:
            line = HTML_TAG.sub(" ", line)
        if TABLE_RULE.match(line):
            continue
        kept.append(LIST_MARK.sub("", line))
    return "\n".join(kept)


def word_count(markdown: str) -> int:
    """Words of prose in `markdown` ("bias-variance", "don't" and "e.g" count as one)."""
    return len(WORD.findall(prose_text(markdown)))
