"""`cards/<source>/scrape-lock.json`: what the scraper last wrote for each card id.

Per id: the hash of the whole file it wrote (`file`) and of each scraped field (`fields`). An
id in the lock with no card file is a card a person deleted: it is never recreated and its id
is retired. The file is read strictly, so one left broken by a merge conflict, or reshaped by
hand, is an error at its line instead of a traceback or a silent re-scrape.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..errors import fail

LOCK_NAME = "scrape-lock.json"
MAX_BYTES = 4 * 1024 * 1024
HASH = re.compile(r"^[0-9a-f]{0,64}$")


def _line_of_key(text: str, key: str) -> int:
    at = text.find(json.dumps(key))
    return text[:at].count("\n") + 1 if at >= 0 else 1


def parse_lock(text: str, path: Path) -> dict[str, dict]:
    """The lock's records by id; DeckError at the offending line."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        hint = "; a merge conflict left in? resolve it, or delete the file and run `make cards`"
        raise fail(path, exc.lineno, f"not valid JSON ({exc.msg}){hint if '<<<<' in text else ''}") from None
    except RecursionError:
        raise fail(path, 1, "JSON nested too deeply") from None
    if not isinstance(data, dict):
        raise fail(path, 1, f"expected a JSON object of card ids, not a {type(data).__name__}")
    for key, rec in data.items():
        ok = (
            isinstance(rec, dict)
            and isinstance(rec.get("file"), str)
            and HASH.match(rec["file"])
            and isinstance(rec.get("fields", {}), dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in rec.get("fields", {}).items())
        )
        if not ok:
            what = f'entry {key[:40]!r}: expected {{"file": hash, "fields": {{…}}}}'
            raise fail(path, _line_of_key(text, key), what)
    return data


def read_lock(path: Path) -> dict[str, dict]:
    """The lock beside a source's cards ({} when there is none)."""
    if not path.exists() and not path.is_symlink():
        return {}
    if not path.is_file():
        raise fail(path, 1, "not a regular file (a folder, a pipe or a broken symlink)")
    with path.open("rb") as fh:
        data = fh.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise fail(path, 1, f"larger than {MAX_BYTES // (1024 * 1024)} MiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(path, data[: exc.start].count(b"\n") + 1, f"not UTF-8 ({exc.reason})") from None
    return parse_lock(text, path)


def lock_text(lock: dict) -> str:
    return json.dumps(lock, indent=1, sort_keys=True) + "\n"
