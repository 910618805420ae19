"""Which scraper reads which source, and the one call that turns a snapshot into questions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import fail
from ..sources import Source
from . import alldus, epam, upwork
from .blocks import Block, parse_blocks
from .records import Question

Scraper = Callable[[list[Block], Path | str, int], list[Question]]
SCRAPERS: dict[str, Scraper] = {"upwork": upwork.scrape, "alldus": alldus.scrape, "epam": epam.scrape}


def scrape_text(source: Source, text: str, path: Path | str | None = None) -> list[Question]:
    """Questions from snapshot text of `source` (raises DeckError with file:line)."""
    path = path or source.snapshot
    if source.name not in SCRAPERS:
        raise fail(source.folder / "source.yaml", 1, f"no scraper for source {source.name!r}")
    return SCRAPERS[source.name](parse_blocks(text), path, source.questions)


def scrape_snapshot(source: Source) -> list[Question]:
    path = source.snapshot
    if not path.is_file():
        raise fail(path, 1, "snapshot missing")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(path, 1, f"snapshot is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    return scrape_text(source, text, path)
