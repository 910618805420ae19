"""EPAM: 42 numbered questions in two sections ("common" 1-33, "advanced" 34-42). Answers are
paragraphs and indented numbered lists; six lines are alt text of lost images, and the code of
questions 10 and 34 was lost (34 keeps a bare "Code sample:")."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import fail
from .blocks import Block
from .records import Question, body_markdown, check_numbering, find_block, split_questions

COMMON = r"^Common machine learning interview questions and answers$"
ADVANCED = r"^Advanced machine learning interview questions and answers$"
END = r"^In conclusion,"
COMMON_COUNT = 33
LOST_CODE = re.compile(r"^Code sample:?$", re.IGNORECASE)


def _answer(raw_body: tuple[Block, ...], path: Path | str, number: int) -> tuple[str, tuple[str, ...]]:
    keep: list[Block] = []
    dropped: list[str] = []
    for b in raw_body:
        if b.kind == "caption":
            dropped.append(f"line {b.line}: image alt text {b.text!r}")
        elif b.kind == "paragraph" and LOST_CODE.match(b.text):
            dropped.append(f"line {b.line}: {b.text!r} with its code lost")
        elif b.kind in ("paragraph", "item", "bullet", "code"):
            keep.append(b)
        else:
            raise fail(path, b.line, f"question {number}: unexpected {b.kind} line {b.text!r} in the answer")
    return body_markdown(keep), tuple(dropped)


def scrape(blocks: list[Block], path: Path | str, expected: int) -> list[Question]:
    c = find_block(blocks, COMMON, path)
    a = find_block(blocks, ADVANCED, path, c)
    end = find_block(blocks, END, path, a)
    common = split_questions(blocks[c + 1 : a])
    check_numbering(common, 1, COMMON_COUNT, path, "epam common")
    advanced = split_questions(blocks[a + 1 : end])
    check_numbering(advanced, COMMON_COUNT + 1, expected - COMMON_COUNT, path, "epam advanced")
    out = []
    for section, raws in (("common", common), ("advanced", advanced)):
        for raw in raws:
            answer, dropped = _answer(raw.body, path, raw.number)
            out.append(Question("epam", raw.number, raw.text, answer, raw.line, section, "", dropped))
    return out
