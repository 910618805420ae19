"""A linear pre-scan that rejects what would stall Python-Markdown, before it sees the text.

Python-Markdown's inline patterns and its raw-HTML parser need quadratic (or worse) time for
long runs of unclosed openers: `![`, `[a](`, `$`, `<a `, `<http`, emphasis markers. A card
of them would stall the build for minutes or hours; no real card has more than a few in a
paragraph. So each paragraph (outside code) may hold only so many of each, the whole text only
so many `<`, and at most 64 `[` may be open at once. One pass over the text, and the error
names the line where the paragraph that breaks a limit starts.
"""

from __future__ import annotations

import re

from .. import fences

MAX_OPEN_BRACKETS = 64
# Per paragraph (outside code fences and `code spans`): the busiest real card has a tenth of these.
PARAGRAPH_LIMITS = {
    "<": 64,
    "$": 400,
    "*": 400,
    "_": 400,
    "~": 200,
    "`": 200,
    "](": 64,
    "![": 64,
    "(": 400,
    "&": 200,
    "\\": 2000,
}
TEXT_LIMITS = {"<": 200, "](": 400, "![": 200}
CODE_SPAN = re.compile(r"`[^`\n]*`")


def _paragraphs(text: str) -> list[tuple[int, str]]:
    """(first line, text) of each paragraph outside fences: runs of non-blank lines."""
    out: list[tuple[int, str]] = []
    lines: list[str] = []
    start = previous = -2
    for i, line in fences.outside(text):
        if lines and (not line.strip() or i != previous + 1):
            out.append((start, "\n".join(lines)))
            lines = []
        if line.strip():
            start = i if not lines else start
            lines.append(line)
            previous = i
    if lines:
        out.append((start, "\n".join(lines)))
    return out


def flood_problem(text: str) -> tuple[int, str] | None:
    """(line offset, message) for a text Markdown could not render in reasonable time, else None."""
    totals = dict.fromkeys(TEXT_LIMITS, 0)
    for start, para in _paragraphs(text):
        prose = CODE_SPAN.sub("", para)
        for token, limit in PARAGRAPH_LIMITS.items():
            if prose.count(token) > limit:
                return start, (
                    f"more than {limit} {token!r} in one paragraph: Markdown would take minutes to render it; "
                    f"escape them (\\{token[0]}) or put the text in a code block"
                )
        for token in TEXT_LIMITS:
            totals[token] += prose.count(token)
            if totals[token] > TEXT_LIMITS[token]:
                return start, f"more than {TEXT_LIMITS[token]} {token!r} in one text: split it or use a code block"
        if problem := _open_brackets(prose, start):
            return problem
    return None


def _open_brackets(prose: str, start: int) -> tuple[int, str] | None:
    """Unclosed or deeply nested `[`: Python-Markdown needs quadratic time for them. The line is
    the one where the first of them opened."""
    if prose.count("[") <= MAX_OPEN_BRACKETS:
        return None  # too few to nest that deep: no walk over the text
    opened = first = 0
    for pos, ch in enumerate(prose):
        if ch == "[":
            first = first if opened else pos
            opened += 1
            if opened > MAX_OPEN_BRACKETS:
                line = start + prose.count("\n", 0, first)
                return line, f"more than {MAX_OPEN_BRACKETS} '[' open at once: escape them as \\["
        elif ch == "]" and opened:
            opened -= 1
    return None
