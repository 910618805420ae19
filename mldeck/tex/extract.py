"""Every formula of a card text, where Python-Markdown's arithmatex finds it (generic mode,
smart dollars): `$…$` and `\\(…\\)` inline; a paragraph that is all `$$…$$`, `\\[…\\]` or
`\\begin{env}…\\end{env}` as display math. Fenced code and inline code spans hold none. Each
formula comes with its line in the text, so errors point at the card file's line.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from pymdownx.arithmatex import RE_BRACKET_BLOCK, RE_DOLLAR_BLOCK, RE_TEX_BLOCK

from .. import fences

BLOCK = re.compile(rf"(?s)^(?:{RE_DOLLAR_BLOCK}|{RE_BRACKET_BLOCK}|{RE_TEX_BLOCK})[ ]*$")
NEWLINE = re.compile("\n")
CANDIDATE = re.compile(r"[$\\]")
STASHED = "\x02\x03"  # Python-Markdown's placeholders: a formula never spans a code span
NEVER_CLOSED = -2
INDENTED = re.compile(r"^(?: {4}|\t)")
LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d+[.)])[ \t]")
EMPTY_ITEM = re.compile(r"(?m)^ {0,3}(?:[-*+]|\d+[.)])[ \t]*$")
MARKERS = re.compile(r"^(?:[ \t]*(?:[-*+]|\d+[.)])[ \t]+)+")  # `- - 1. ` nested list items on one line


@dataclass(frozen=True)
class Formula:
    tex: str
    display: bool
    offset: int  # 0-based line within the text


def _without_fences(text: str) -> str:
    """`text` with fenced code blanked (line numbers kept)."""
    lines = text.split("\n")
    for i in fences.code_lines(text):
        lines[i] = ""
    return "\n".join(lines)


def _code_spans(block: str) -> list[tuple[int, int]]:
    """(start, end) of each inline code span in a paragraph, as Python-Markdown finds them
    (BacktickInlineProcessor's regex backtracks: an unescaped run of n backticks opens with its
    first k of them, for the largest k <= n such that a later run of exactly k backticks exists,
    and closes at the first such run), in linear time: each run tries at most its own length."""
    runs = [(m.start(), m.end()) for m in re.finditer(r"`+", block)]
    by_length: dict[int, list[int]] = {}
    for k, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(k)
    spans: list[tuple[int, int]] = []
    done = 0
    for k, (run_start, run_end) in enumerate(runs):
        if run_start < done:
            continue
        begin = next((i for i in range(run_start, run_end) if i == 0 or block[i - 1] != "\\"), run_end)
        ticks = run_end - begin
        if not ticks:
            continue
        close = None
        for length in range(ticks, 0, -1):
            same = by_length.get(length, [])
            at = bisect.bisect_right(same, k)
            if at < len(same):
                close = same[at]
                break
        if close is not None:
            spans.append((begin, runs[close][1]))
            done = runs[close][1]
    return spans


def _spans_stashed(block: str) -> str:
    """A paragraph with each inline code span turned into a placeholder of the same length
    (\\x02, spaces, \\x03; newlines kept): what arithmatex's inline patterns see."""
    chars = list(block)
    for start, end in _code_spans(block):
        for i in range(start, end):
            chars[i] = "\n" if block[i] == "\n" else " "
        chars[start], chars[end - 1] = "\x02", "\x03"
    return "".join(chars)


def _dollar(block: str, i: int) -> int:
    """End of the smart-dollar formula opening at block[i] (the closing `$`), or -1.

    arithmatex: `\\$(?!\\s)((?:\\\\.|[^\\\\$\\x02\\x03])+?)(?<!\\s)\\$`; it stops at the next `$`."""
    j = i + 1
    if j >= len(block) or block[j].isspace():
        return -1
    k = j
    while k < len(block):
        ch = block[k]
        if ch == "\\":
            k += 2
            continue
        if ch in STASHED:
            return -1
        if ch == "$":
            return k if k > j and not block[k - 1].isspace() else -1
        k += 1
    return -1


def _bracket(block: str, i: int) -> int:
    """Start of the `\\)` closing the formula opened by `\\(` at block[i]; -1 when it does not
    match here, NEVER_CLOSED when no `\\)` follows at all.

    arithmatex: `\\\\\\(((?:\\\\[^)]|[^\\\\\\x02\\x03])+?)\\\\\\)`."""
    k = i + 2
    while k < len(block):
        ch = block[k]
        if ch == "\\":
            if block.startswith(")", k + 1):
                return k if k > i + 2 else -1
            k += 2
            continue
        if ch in STASHED:
            return -1
        k += 1
    return NEVER_CLOSED


def _backslashes_before(block: str, i: int) -> int:
    n = 0
    while i - n > 0 and block[i - n - 1] == "\\":
        n += 1
    return n


def _inline(block: str) -> list[tuple[int, str]]:
    """(start, tex) of each inline formula, scanning once: the same matches as arithmatex's
    regular expressions without their quadratic time on a flood of unclosed `\\(`."""
    found: list[tuple[int, str]] = []
    i, brackets_open = 0, True  # once a `\\(` finds no close, no later one can (the scans align)
    last, run = -2, 0  # the last backslash looked at, and the backslashes up to and with it
    while (m := CANDIDATE.search(block, i)) is not None:  # only `$` and `\\` can start one
        i = m.start()
        ch = block[i]
        before = run if last == i - 1 else _backslashes_before(block, i)
        if ch == "\\":
            last, run = i, before + 1
        escaped = before % 2 == 1  # an even run is escaped backslashes
        if ch == "$" and not escaped and (end := _dollar(block, i)) >= 0:
            found.append((i, block[i + 1 : end]))
            i = end + 1
            continue
        if ch == "\\" and brackets_open and not escaped and block.startswith("(", i + 1):
            end = _bracket(block, i)
            if end >= 0:
                found.append((i, block[i + 2 : end]))
                i = end + 2
                continue
            brackets_open = end != NEVER_CLOSED
        i += 1
    return found


def _items(block: str, indented: bool) -> list[tuple[int, str]]:
    """(offset, text) of each list item of a block (the whole block when it is no list): each
    item's content is a block of its own to Markdown, so `- $$x$$` is display math."""
    if indented or not LIST_ITEM.match(block.lstrip("\n")):
        return [(0, block)]
    ordered = block.lstrip("\n").lstrip(" ")[:1].isdigit()  # Python-Markdown: a `- ` line inside
    marker = r"\d+[.)]" if ordered else r"[-*+]"  # an ordered item continues it, and vice versa
    starts = [m.start() for m in re.finditer(rf"(?m)^ {{0,3}}{marker}[ \t]", block)]
    return [(a, block[a:b]) for a, b in zip(starts, starts[1:] + [len(block)], strict=True)]


def formulas(text: str) -> list[Formula]:
    """The formulas of one Markdown text, in order."""
    if "$" not in text and "\\" not in text:
        return []
    masked = _without_fences(text)
    breaks = [m.start() for m in NEWLINE.finditer(masked)]  # not a loop over every character

    def line_at(index: int) -> int:
        return bisect.bisect_left(breaks, index)

    found: list[Formula] = []
    pos, in_list = 0, False
    for block in re.split(r"(\n[ \t]*\n)", masked):
        start, pos = pos, pos + len(block)
        if not block.strip():
            continue
        indented = INDENTED.match(block.lstrip("\n")) is not None
        if (indented and not in_list) or EMPTY_ITEM.search(block):
            continue  # an indented code block; or a block an empty list item breaks up (formulas missed, none invented)
        in_list = bool(LIST_ITEM.match(block.lstrip("\n"))) or (in_list and indented)
        for at, part in _items(block, indented):
            body = re.sub(r"(?m)^ {1,4}", "", part.strip("\n")) if in_list else part.strip("\n")
            if m := BLOCK.match(MARKERS.sub("", body, count=1)):
                math = m.group("math") or m.group("math2") or m.group("math3") or ""
                found.append(Formula(math, True, line_at(start + at + len(part) - len(part.lstrip()))))
                continue
            for offset, tex in _inline(_spans_stashed(part)):
                found.append(Formula(tex, False, line_at(start + at + offset)))
    return found
