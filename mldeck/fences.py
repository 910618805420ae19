"""The one fence scanner: where fenced blocks start and end in a Markdown text.

Every stage that needs to know what is code (the entry reader, lint, the renderer, the snippet
runner) asks this module, so they all agree. The rule is CommonMark's, with any indentation
(fences nest in list items): a fence opens with three or more backticks or tildes and an
optional info string, and closes on a line of the same character, at least as long, with
nothing after it. A line like "```mermaid" inside a ```text block is text.

The info string is a language and optional flags: ```` ```python test ```` is a test-only
block (run by `make test`, never shown on a card).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

OPEN = re.compile(r"^(\s*)(`{3,}|~{3,})\s*(.*?)\s*$")
TEST_FLAG = "test"


@dataclass(frozen=True)
class Fence:
    lang: str  # lower case; "" when the info string is empty
    flags: tuple[str, ...]  # the info string's other words
    start: int  # 0-based line of the opening fence
    end: int  # 0-based line of the closing fence; -1 when never closed
    body: str
    indent: int = 0

    @property
    def closed(self) -> bool:
        return self.end >= 0

    @property
    def test_only(self) -> bool:
        return TEST_FLAG in self.flags


def _closes(line: str, marker: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(marker) and not stripped.lstrip(marker[0]).strip()


def parse_info(info: str, marker: str) -> tuple[str, tuple[str, ...]] | None:
    """(language, flags) of an info string, or None when the line cannot open a fence
    (CommonMark: a backtick fence's info string may not contain a backtick)."""
    if marker[0] == "`" and "`" in info:
        return None
    words = info.split()
    return (words[0].lower() if words else ""), tuple(w.lower() for w in words[1:])


def scan(text: str) -> list[Fence]:
    """The fenced blocks of `text`, in order."""
    return list(_scanned(text)) if "```" in text or "~~~" in text else []


@lru_cache(maxsize=64)
def _scanned(text: str) -> tuple[Fence, ...]:
    """Each text is asked about several times in a row (reader, checks, renderer): scanned once.
    Fences are frozen, so the callers can share them."""
    return tuple(_scan(text.split("\n")))


def _scan(lines: list[str]) -> Iterator[Fence]:
    i = 0
    while i < len(lines):
        m = OPEN.match(lines[i])
        info = parse_info(m.group(3), m.group(2)) if m else None
        if m is None or info is None:
            i += 1
            continue
        marker, start = m.group(2), i
        j = i + 1
        while j < len(lines) and not _closes(lines[j], marker):
            j += 1
        closed = j < len(lines)
        yield Fence(info[0], info[1], start, j if closed else -1, "\n".join(lines[i + 1 : j]), len(m.group(1)))
        i = j + 1


def code_lines(text: str) -> set[int]:
    """0-based numbers of the lines that belong to a fence (its opening and closing lines too)."""
    found = scan(text)
    if not found:
        return set()
    out: set[int] = set()
    last = text.count("\n")
    for f in found:
        out.update(range(f.start, (f.end if f.closed else last) + 1))
    return out


def outside(text: str) -> Iterator[tuple[int, str]]:
    """(0-based line number, line) for each line that is not inside or on a fence."""
    inside = code_lines(text)
    for i, line in enumerate(text.split("\n")):
        if i not in inside:
            yield i, line


def without_test_blocks(text: str) -> str:
    """`text` with its test-only fences blanked (line numbers stay put)."""
    fences = [f for f in scan(text) if f.test_only]
    if not fences:
        return text
    lines = text.split("\n")
    for f in fences:
        for i in range(f.start, (f.end if f.closed else len(lines) - 1) + 1):
            lines[i] = ""
    return "\n".join(lines)
