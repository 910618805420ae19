"""Alldus: 5 general/competency questions with advice (their answers), then 25 technical
questions as an indented list with no answers."""

from __future__ import annotations

from pathlib import Path

from ..errors import fail
from .blocks import Block
from .records import Question, body_markdown, check_numbering, find_block, split_questions

GENERAL = r"^General/Competency Questions\.?$"
TECHNICAL = r"^Commonly Asked Technical Questions$"
AFTER = r"^Despite its length, this list"
GENERAL_COUNT = 5


def scrape(blocks: list[Block], path: Path | str, expected: int) -> list[Question]:
    g = find_block(blocks, GENERAL, path)
    t = find_block(blocks, TECHNICAL, path, g)
    end = find_block(blocks, AFTER, path, t)
    general = split_questions(blocks[g + 1 : t])
    check_numbering(general, 1, GENERAL_COUNT, path, "alldus general")
    technical = split_questions(blocks[t + 1 : end], kind="item")
    check_numbering(technical, 1, expected - GENERAL_COUNT, path, "alldus technical")
    out = []
    for raw in general:
        bad = [b for b in raw.body if b.kind not in ("paragraph", "url", "bullet")]
        if bad:
            raise fail(path, bad[0].line, f"general question {raw.number}: unexpected {bad[0].kind} line")
        out.append(Question("alldus", raw.number, raw.text, body_markdown(raw.body), raw.line, "general"))
    for raw in technical:
        if raw.body:
            raise fail(path, raw.body[0].line, f"technical question {raw.number}: unexpected text in the list")
        out.append(Question("alldus", raw.number, raw.text, "", raw.line, "technical"))
    return out
