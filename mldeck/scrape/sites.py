"""Which scraper reads which source, and the one call that turns a snapshot into questions."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..diagram_kinds import DIAGRAMS
from ..errors import fail
from ..sources import Source
from . import alldus, epam, upwork
from .blocks import Block, parse_blocks
from .records import Question, escape_block_start

MAX_SNAPSHOT = 8 * 1024 * 1024
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FENCE = re.compile(r"^\s*```\s*([^\s`]*)")  # the snapshot's code blocks (blocks.py)

Scraper = Callable[[list[Block], Path | str, int], list[Question]]
SCRAPERS: dict[str, Scraper] = {"upwork": upwork.scrape, "alldus": alldus.scrape, "epam": epam.scrape}


def scrape_text(source: Source, text: str, path: Path | str | None = None) -> list[Question]:
    """Questions from snapshot text of `source` (raises DeckError with file:line)."""
    path = path or source.snapshot
    if source.name not in SCRAPERS:
        raise fail(source.folder / "source.yaml", 1, f"no scraper for source {source.name!r}")
    check_snapshot(text, path)
    questions = SCRAPERS[source.name](parse_blocks(text), path, source.questions)
    return [replace(q, question=escape_block_start(q.question)) for q in questions]


def check_snapshot(text: str, path: Path | str) -> None:
    """What no card may carry, at its snapshot line: control characters (NUL; \\x1f is Anki's
    field separator) and fences no renderer knows (or diagrams, which would be credited to the
    article)."""
    if m := CONTROL.search(text):
        line = text[: m.start()].count("\n") + 1
        raise fail(path, line, f"control character U+{ord(m.group(0)):04X} in the snapshot: remove it")
    for n, line in enumerate(text.split("\n"), 1):
        fence = FENCE.match(line)
        if fence and (problem := _fence_problem(fence.group(1).lower())):
            raise fail(path, n, problem)


def _fence_problem(lang: str) -> str | None:
    if lang in DIAGRAMS:
        return f"a {lang} diagram in the snapshot would be credited to the article: drop the fence language"
    try:
        from ..render.code import known_language
    except ModuleNotFoundError:  # the scraper without the build's libraries: the reader still checks
        return None
    return None if known_language(lang) else f"unknown fence language {lang!r} in the snapshot"


def scrape_snapshot(source: Source) -> list[Question]:
    path = source.snapshot
    if not path.is_file():
        raise fail(path, 1, "snapshot missing")
    with path.open("rb") as fh:
        data = fh.read(MAX_SNAPSHOT + 1)
    if len(data) > MAX_SNAPSHOT:
        raise fail(path, 1, f"snapshot larger than {MAX_SNAPSHOT // (1024 * 1024)} MiB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(path, 1, f"snapshot is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    return scrape_text(source, text, path)
