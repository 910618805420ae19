"""Question records (what a site scraper extracts) and helpers the site scrapers share."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import fail
from .blocks import Block


@dataclass(frozen=True)
class Question:
    """One source question as the article gives it."""

    source: str
    number: int
    question: str
    answer: str  # Markdown; "" when the article gives none
    line: int  # line of the question in the snapshot
    section: str | None = None
    context: str = ""
    dropped: tuple[str, ...] = field(default=())  # what was left out, for the summary


@dataclass(frozen=True)
class RawQuestion:
    number: int
    text: str
    line: int
    body: tuple[Block, ...]


def find_block(blocks: list[Block], pattern: str, path: Path | str, start: int = 0) -> int:
    """Index of the first block at or after `start` whose text matches `pattern`."""
    rx = re.compile(pattern, re.IGNORECASE)
    for i in range(start, len(blocks)):
        if rx.search(blocks[i].text):
            return i
    line = blocks[start].line if start < len(blocks) else 1
    raise fail(path, line, f"expected a line matching {pattern!r} after this point; the layout changed?")


def split_questions(blocks: Iterable[Block], kind: str = "numbered") -> list[RawQuestion]:
    """Group blocks into questions: each block of `kind` starts one, its followers are its body.

    Blocks before the first question are ignored (section introductions).
    """
    out: list[RawQuestion] = []
    current: tuple[Block, list[Block]] | None = None
    for b in blocks:
        if b.kind == kind:
            if current:
                out.append(RawQuestion(current[0].number or 0, current[0].text, current[0].line, tuple(current[1])))
            current = (b, [])
        elif current:
            current[1].append(b)
    if current:
        out.append(RawQuestion(current[0].number or 0, current[0].text, current[0].line, tuple(current[1])))
    return out


def check_numbering(questions: list[RawQuestion], first: int, count: int, path: Path | str, what: str) -> None:
    """Numbers must run first..first+count-1, each once, in order."""
    expected = first
    for q in questions:
        if q.number != expected:
            problem = "repeated" if q.number < expected else f"out of order (question {expected} missing?)"
            raise fail(path, q.line, f"{what}: question number {q.number} is {problem}")
        expected += 1
    if len(questions) != count:
        line = questions[-1].line if questions else 1
        raise fail(path, line, f"{what}: found {len(questions)} questions, expected {count}")


BLOCK_START = re.compile(r"^(#|`{3}|~{3})")


def escape_block_start(text: str) -> str:
    """A paragraph that would open a heading or a fence in the card file starts with a backslash
    instead (`# x` in an article is text: as a line of a card it would be a second question)."""
    return "\\" + text if BLOCK_START.match(text) else text


_TERM = re.compile(r"^([A-Z][\w\s\-()/'’,]{0,60}?):\s+(\S.*)$")


def list_item_md(block: Block) -> str:
    """An article's `  N. Term: explanation` item as a Markdown list item, term in bold."""
    text = block.text
    if m := _TERM.match(text):
        text = f"**{m.group(1)}:** {m.group(2)}"
    return f"{block.number}. {text}"


def body_markdown(blocks: Iterable[Block]) -> str:
    """Body blocks as Markdown: paragraphs apart, list items and bullets grouped into lists."""
    parts: list[str] = []
    prev_kind = None
    for b in blocks:
        if b.kind == "item":
            line = list_item_md(b)
        elif b.kind == "bullet":
            line = f"- {b.text}"
        elif b.kind == "url":
            line = f"- <{b.text}>"
        elif b.kind == "code":
            line = b.text
        else:
            line = escape_block_start(b.text)
        listy = b.kind in ("item", "bullet", "url")
        if parts and listy and prev_kind == b.kind:
            parts[-1] += "\n" + line
        else:
            parts.append(line)
        prev_kind = b.kind
    return "\n\n".join(parts)
