"""Snapshot text -> a stream of typed blocks, each with its 1-based line number.

A snapshot holds one paragraph a line, as the articles were captured. The block kinds:

- ``numbered``: ``N. text`` at the start of the line (a question, in all three articles)
- ``item``: an indented ``  N. text`` (a list inside an answer, or alldus' technical list)
- ``bullet``: a ``•``, ``-`` or ``*`` bullet
- ``url``: a line that is only a web address
- ``code``: a fenced block (```), as written by the online fetcher from ``<pre>``
- ``caption``: probably the alt text of a lost image (``[image: …]`` from the fetcher, or an
  SEO-style line with no end punctuation that mentions interview questions/prep)
- ``heading``: any other short line without end punctuation
- ``paragraph``: everything else
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..textnorm import collapse_spaces, normalize_text

NUMBERED = re.compile(r"^(\d{1,3})\.\s+(\S.*)$")
ITEM = re.compile(r"^\s+(\d{1,3})\.\s+(\S.*)$")
BULLET = re.compile(r"^\s*[•\-*]\s+(\S.*)$")
URL = re.compile(r"^https?://\S+$")
IMAGE = re.compile(r"^\[image:\s*(.*)\]$")
SEO_CAPTION = re.compile(r"interview (questions|prep)", re.IGNORECASE)
END_PUNCT = tuple(".?!:;)\"'”’")
HEADING_MAX = 110


@dataclass(frozen=True)
class Block:
    kind: str
    text: str
    line: int
    number: int | None = None


def _classify(raw: str, line: int) -> Block:
    if m := ITEM.match(raw):
        return Block("item", collapse_spaces(m.group(2)), line, int(m.group(1)))
    text = collapse_spaces(raw)
    if m := NUMBERED.match(text):
        return Block("numbered", m.group(2), line, int(m.group(1)))
    if m := BULLET.match(raw):
        return Block("bullet", collapse_spaces(m.group(1)), line)
    if URL.match(text):
        return Block("url", text, line)
    if m := IMAGE.match(text):
        return Block("caption", m.group(1), line)
    if not text.endswith(END_PUNCT) and len(text) <= HEADING_MAX:
        kind = "caption" if SEO_CAPTION.search(text) else "heading"
        return Block(kind, text, line)
    return Block("paragraph", text, line)


def parse_blocks(text: str) -> list[Block]:
    """Split normalised snapshot text into blocks; blank lines only separate."""
    blocks: list[Block] = []
    lines = normalize_text(text)
    i = 0
    while i < len(lines):
        raw = lines[i]
        if raw.strip().startswith("```"):
            start = i
            body: list[str] = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith("```"):
                body.append(lines[i])
                i += 1
            lang = raw.strip()[3:].strip()
            blocks.append(Block("code", f"```{lang}\n" + "\n".join(body) + "\n```", start + 1))
            i += 1
            continue
        if raw.strip():
            blocks.append(_classify(raw, i + 1))
        i += 1
    return blocks


def render_snapshot(blocks: list[Block]) -> str:
    """Blocks back to snapshot text (used by the online fetcher to write a snapshot)."""
    out: list[str] = []
    for b in blocks:
        if b.kind == "numbered":
            out.append(f"{b.number}. {b.text}")
        elif b.kind == "item":
            out.append(f"  {b.number}. {b.text}")
        elif b.kind == "bullet":
            out.append(f"  • {b.text}")
        elif b.kind == "caption":
            out.append(f"[image: {b.text}]")
        else:
            out.append(b.text)
    return "\n\n".join(out) + "\n"
