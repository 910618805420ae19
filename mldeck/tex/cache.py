"""The formula check's results per entry, so a build with one edited card checks that card's
formulas only (no node start, no extraction for the rest).

`tex.*.bin` in the cache folder map a hash of an entry's texts and line numbers to the
problems MathJax found there, as plain data (marshal), sealed with the folder's key
(mldeck/localcache.py) and tagged with a hash of the checker's code and MathJax's version, so
a new checker or MathJax re-checks everything. Only MathJax's verdicts are kept: the
structural fallback's are not, so installing MathJax later checks every formula again.
"""

from __future__ import annotations

import hashlib
import marshal
from pathlib import Path

from ..entries import Entry
from ..errors import Problem
from ..localcache import SealedShards
from . import mathjax

STEM = "tex"  # tex.0.bin … tex.f.bin
Found = list[tuple[int, str]]  # (line, message) of each problem


def checker_version() -> str:
    h = hashlib.sha256(mathjax.VERSION.encode())
    package = Path(__file__).resolve().parents[1]  # the checker, and what finds formulas and lines
    extra = [package / name for name in ("entries.py", "fences.py", "sections.py")] + [mathjax.SCRIPT]
    for path in sorted(Path(__file__).parent.glob("*.py")) + extra:
        h.update(path.name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b""))
    return h.hexdigest()[:16]


def entry_key(entry: Entry) -> str:
    """The entry's texts and their line numbers: what its problems depend on. Not its path (a
    problem is placed at the entry's file when it is read back), so copies of a card share it.
    An entry read from a file has its bytes' digest, which makes both: no hashing again."""
    if entry.digest:
        return "file:" + entry.digest
    return hashlib.sha256(marshal.dumps((sorted(entry.texts.items()), sorted(entry.lines.items())))).hexdigest()


class TexCache:
    def __init__(self, folder: Path | None):
        self.file = SealedShards(folder, STEM, checker_version())
        self.path = self.file.path
        (self.rows,) = self.file.load()
        self.kept: dict[str, Found] = {}

    def get(self, key: str, entry: Entry) -> list[Problem] | None:
        """The problems remembered for `entry` (its `entry_key` is `key`), None when unknown."""
        found = self.rows.get(key)
        if found is None:
            return None
        self.kept[key] = found
        return [Problem(entry.path or entry.id, line, message) for line, message in found]

    def keep(self, key: str, problems: list[Problem]) -> None:
        self.kept[key] = [(p.line, p.message) for p in problems]

    def save(self) -> None:
        if self.kept != self.rows:
            self.file.save(self.kept)
