""" "Nothing changed" without rebuilding: a stamp per output, sealed by this checkout's cache key.

The stamp holds a hash of every input (the options, card files by size and change time, the
sources, media and code by content, and the git times that make `mod`) and the SHA-256 of the
deck it describes. It is believed only when its seal verifies (mldeck/localcache.py): a
stamp and deck committed to the repository, or copied from elsewhere, never do, so the build
runs. A corrupt stamp is no stamp.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..fsio import write_atomic
from ..localcache import Seal


class Stamps:
    def __init__(self, folder: Path | None):
        self.folder = folder / "stamps" if folder is not None else None
        self.seal = Seal(folder)

    def _path(self, out: Path) -> Path | None:
        if self.folder is None or not self.seal.usable:
            return None
        return self.folder / (hashlib.sha256(str(out).encode()).hexdigest()[:24] + ".json")

    def fresh(self, out: Path, key: str) -> bool:
        """True when `out` is the deck this checkout built from inputs hashing to `key`."""
        path = self._path(out)
        if path is None or not path.is_file() or path.is_symlink() or not out.is_file():
            return False
        try:
            saved = json.loads(path.read_bytes()[:4096])
            body = f"{saved['key']}|{saved['sha256']}|{out}".encode()
            if saved["key"] != key or not self.seal.check(body, saved["mac"]):
                return False
            return hashlib.sha256(out.read_bytes()).hexdigest() == saved["sha256"]
        except (OSError, ValueError, KeyError, TypeError):
            return False

    def record(self, out: Path, key: str) -> None:
        path = self._path(out)
        if path is None or path.is_symlink():
            return
        digest = hashlib.sha256(out.read_bytes()).hexdigest()
        mac = self.seal.sign(f"{key}|{digest}|{out}".encode())
        try:
            write_atomic(path, json.dumps({"key": key, "sha256": digest, "mac": mac}))
        except OSError:
            pass  # no stamp: the next build rebuilds
