"""Ids no card has ever had: for `new` and for the scraper's genuinely new questions.

An id is used when the ledger has it, a scrape lock remembers it (the lock keeps the ids of
deleted cards), a file under cards/ has it (read leniently: a broken card still owns its id),
or any commit ever gave it to a card. A fresh id keeps the file-name rule (`<source>-<label>`,
CONTRIBUTING.md "Add a card"); when that id was used before, a letter follows the label
(`epam-009b`), so the number still says where the question sits in the article.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import DeckError
from .gitbase import ids_in_history
from .ledger import read_bytes_limited, read_ledger
from .scrape.lock import LOCK_NAME, read_lock

ID_LINE = re.compile(r"^id:[ \t]*['\"]?([^\s#'\"]+)", re.MULTILINE)
SUFFIXES = "bcdefghijklmnopqrstuvwxyz"
HEAD_BYTES = 4096


def markdown_files(cards_dir: Path) -> list[Path]:
    """Every *.md file under cards/ (any case, any depth), without following symlinked folders."""
    found = []
    for dirpath, dirnames, filenames in os.walk(cards_dir):
        dirnames.sort()
        found += [Path(dirpath) / n for n in sorted(filenames) if n.lower().endswith(".md")]
    return found


def ids_on_disk(cards_dir: Path) -> dict[str, Path]:
    """Id -> file for every card file that names one in its first lines, read leniently."""
    found: dict[str, Path] = {}
    for path in markdown_files(cards_dir):
        head = read_bytes_limited(path, HEAD_BYTES)
        if head and (m := ID_LINE.search(head.decode("utf-8", "replace"))):
            found.setdefault(m.group(1), path)
    return found


def lock_ids(cards_dir: Path) -> set[str]:
    """Every id a scrape lock remembers (unreadable locks are lint's to report)."""
    ids: set[str] = set()
    for lock in sorted(cards_dir.glob(f"*/{LOCK_NAME}")):
        try:
            ids.update(read_lock(lock))
        except DeckError:
            continue
    return ids


def used_ids(root: Path, history: bool = True) -> set[str]:
    """Every id that may never be given to a new question. Raises DeckError for a broken ledger."""
    ledger = read_ledger(root) or {}
    used = set(ledger) | lock_ids(root / "cards") | set(ids_on_disk(root / "cards"))
    if history:
        used |= ids_in_history(root)
    return {i.lower() for i in used}


def fresh_id(source: str, label: str, used: set[str]) -> str:
    """`<source>-<label>`, or with the first letter suffix that makes it never used."""
    base = f"{source}-{label}"
    if base not in used:
        return base
    for a in ("", *SUFFIXES):
        for b in SUFFIXES:
            candidate = f"{base}{a}{b}"
            if candidate not in used:
                return candidate
    raise ValueError(f"no fresh id left for {base}")


def next_number(source: str, used: set[str]) -> int:
    """One more than the highest number any id of `source` ever had (for the deck's own questions)."""
    numbers = [int(m.group(1)) for i in used if (m := re.fullmatch(rf"{re.escape(source)}-(\d{{1,6}})[a-z]*", i))]
    return max(numbers, default=0) + 1
