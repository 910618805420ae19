"""Upwork: 38 numbered questions; per question a "why ask it" paragraph (the card's context)
and a model answer introduced by a lead-in phrase that changes every time."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import fail
from .blocks import Block
from .records import Question, body_markdown, check_numbering, find_block, split_questions

# A lead-in is a short clause before the first colon that speaks of an answer or a response
# ("A good answer could be:", "Listen for a response like:", "ML engineers should answer like
# this:", "Successful interviewees should say something like:", "Possible answer:", ...).
LEAD_INS = re.compile(r"^[A-Z][^:.]{0,80}?\b(?:answers?|responses?|say)\b[^:.]{0,40}:\s*")
# Question 3 has no colon: "Responses like X may show a person’s proficiency in …. Other …"
RESPONSES_LIKE = re.compile(r"^Responses like (?P<keep>.+?) may show [^.]*\.\s*", re.IGNORECASE)


def strip_lead_in(text: str) -> str | None:
    """The answer without its lead-in, or None when the paragraph has no lead-in."""
    if m := RESPONSES_LIKE.match(text):
        keep = m.group("keep")
        rest = text[m.end() :]
        return (keep[0].upper() + keep[1:] + ". " + rest).strip()
    if m := LEAD_INS.match(text):
        rest = text[m.end() :]
        return rest[0].upper() + rest[1:] if rest else None
    return None


def _split(number: int, body: tuple[Block, ...], path: Path | str, line: int) -> tuple[str, str]:
    for i, block in enumerate(body):
        if block.kind == "paragraph" and (answer := strip_lead_in(block.text)) is not None:
            rest = [Block(b.kind, b.text, b.line, b.number) for b in body[i + 1 :]]
            answer_md = "\n\n".join(filter(None, [answer, body_markdown(rest)]))
            return body_markdown(body[:i]), answer_md
    raise fail(path, line, f"question {number}: no model-answer lead-in found (e.g. 'A good answer could be:')")


def scrape(blocks: list[Block], path: Path | str, expected: int) -> list[Question]:
    end = find_block(blocks, r"^Evaluating machine learning engineer interview answers$", path)
    raws = split_questions(blocks[:end])  # what precedes question 1 is the intro
    check_numbering(raws, 1, expected, path, "upwork")
    out = []
    for raw in raws:
        stray = [b for b in raw.body if b.kind not in ("paragraph", "item", "bullet")]
        if stray:
            raise fail(path, stray[0].line, f"question {raw.number}: unexpected {stray[0].kind} line in the answer")
        context, answer = _split(raw.number, raw.body, path, raw.line)
        out.append(Question("upwork", raw.number, raw.text, answer, raw.line, None, context))
    return out
