"""Every formula of a card text, where Python-Markdown's arithmatex finds it (generic mode,
smart dollars): `$…$` and `\\(…\\)` inline; a paragraph that is all `$$…$$`, `\\[…\\]` or
`\\begin{env}…\\end{env}` as display math. Fenced code and inline code spans hold none. Each
formula comes with its line in the text, so errors point at the card file's line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pymdownx.arithmatex import (
    RE_BRACKET_BLOCK,
    RE_BRACKET_INLINE,
    RE_DOLLAR_BLOCK,
    RE_SMART_DOLLAR_INLINE,
    RE_TEX_BLOCK,
)

from .. import fences

INLINE = re.compile(f"(?:{RE_SMART_DOLLAR_INLINE}|{RE_BRACKET_INLINE})")
BLOCK = re.compile(rf"(?s)^(?:{RE_DOLLAR_BLOCK}|{RE_BRACKET_BLOCK}|{RE_TEX_BLOCK})[ ]*$")
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)


@dataclass(frozen=True)
class Formula:
    tex: str
    display: bool
    offset: int  # 0-based line within the text


def _masked(text: str) -> str:
    """`text` with fenced code blanked and inline code spans turned to spaces (positions kept)."""
    lines = text.split("\n")
    for i in fences.code_lines(text):
        lines[i] = ""
    out = "\n".join(lines)
    return CODE_SPAN.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), out)


def formulas(text: str) -> list[Formula]:
    """The formulas of one Markdown text, in order."""
    if "$" not in text and "\\" not in text:
        return []
    masked = _masked(text)
    found: list[Formula] = []
    pos = 0
    for block in re.split(r"(\n[ \t]*\n)", masked):
        start, pos = pos, pos + len(block)
        body = block.strip()
        if not body:
            continue
        if m := BLOCK.match(body):
            math = m.group("math") or m.group("math2") or m.group("math3") or ""
            found.append(Formula(math, True, masked[: start + block.index(body[0])].count("\n")))
            continue
        for m in INLINE.finditer(block):
            if m.group(2):  # `$…$`
                found.append(Formula(m.group(3), False, masked[: start + m.start(2)].count("\n")))
            elif m.group(5):  # `\(…\)`
                found.append(Formula(m.group(6), False, masked[: start + m.start(5)].count("\n")))
    return found
