"""Where the build keeps its caches and stamps, and how it knows it wrote them itself.

Everything under `build/` may come from anywhere: a pull request can commit a stamp, a deck or
a render cache, and `build/` itself may be a symlink to somewhere else. So:

- The cache folder is used only when it really is inside the checkout (`cache_dir`): a `build/`
  or `build/cache` that leads outside means no cache, never a read or write out there.
  `MLDECK_CACHE_DIR` names another folder on purpose (the test suite shares one).
- Every cache entry and stamp is sealed with an HMAC whose key only this copy of the folder
  has (`Seal`): 32 random bytes in `.key`, mixed with that file's device, inode and change
  time. A committed or copied key file has another inode and change time, so its seals do not
  verify and a poisoned entry is a cache miss, not content in the deck.
"""

from __future__ import annotations

import hashlib
import hmac
import marshal
import os
import secrets
import zlib
from pathlib import Path

from .fsio import write_atomic

KEY_FILE = ".key"
ENV = "MLDECK_CACHE_DIR"


def within(root: Path, path: Path) -> bool:
    """True when `path`, with every symlink resolved, is `root` or inside it."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return False


def cache_dir(root: Path) -> Path | None:
    """The folder for caches and stamps: `root/build/cache` when it stays inside `root`."""
    if env := os.environ.get(ENV):
        return Path(env)
    folder = root / "build" / "cache"
    return folder if within(root, folder) else None


class Seal:
    """Sign and check bytes with this cache folder's own key; no key (no folder) seals nothing."""

    def __init__(self, folder: Path | None):
        self.key = _load_key(folder) if folder is not None else None

    @property
    def usable(self) -> bool:
        return self.key is not None

    def sign(self, data: bytes) -> str:
        if self.key is None:
            return ""
        return hmac.new(self.key, data, hashlib.sha256).hexdigest()

    def check(self, data: bytes, mac: object) -> bool:
        return self.key is not None and isinstance(mac, str) and hmac.compare_digest(self.sign(data), mac)


def _load_key(folder: Path) -> bytes | None:
    path = folder / KEY_FILE
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not path.exists() and not path.is_symlink():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32))
        st = os.lstat(path)
        if not path.is_file() or path.is_symlink() or st.st_size != 32:
            return None
        secret = path.read_bytes()
    except OSError:
        return None
    where = f"{st.st_dev}:{st.st_ino}:{st.st_ctime_ns}".encode()
    return hashlib.sha256(secret + where).digest()


class SealedFile:
    """One cache file of plain data (marshal: no code runs when it is read), sealed with its
    folder's key and tagged with `version`: `load()` gives back what `save()` wrote here for
    this version, or None (no folder, a symlink, another version, a broken or foreign seal)."""

    def __init__(self, folder: Path | None, name: str, version: str, seal: Seal | None = None):
        self.path = folder / name if folder is not None else None
        self.seal = seal or Seal(folder)
        self.version = version

    @property
    def usable(self) -> bool:
        return self.path is not None and self.seal.usable and not self.path.is_symlink()

    def load(self) -> object | None:
        if not self.usable or not self.path.is_file():  # type: ignore[union-attr]
            return None
        try:
            data = self.path.read_bytes()  # type: ignore[union-attr]
            if not self.seal.check(data[64:], data[:64].decode("ascii")):
                return None
            version, payload = marshal.loads(data[64:])
        except (OSError, ValueError, EOFError, TypeError, UnicodeDecodeError):
            return None
        return payload if version == self.version else None

    def save(self, payload: object) -> None:
        """Write `payload` sealed; a failure only means no cache next time."""
        if not self.usable:
            return
        body = marshal.dumps((self.version, payload))
        try:
            write_atomic(self.path, self.seal.sign(body).encode("ascii") + body)  # type: ignore[arg-type]
        except OSError:
            pass


def shard_of(key: str, shards: int) -> int:
    return zlib.crc32(key.encode("utf-8", "surrogateescape")) % shards


def _shard_files(folder: Path | None, stem: str, version: str, shards: int) -> list[SealedFile]:
    """`stem`.0.bin … sealed with one reading of the folder's key."""
    seal = Seal(folder)
    return [SealedFile(folder, f"{stem}.{n:x}.bin", version, seal) for n in range(shards)]


class SealedShards:
    """Dicts of plain data that share their keys (say, a file's parse and its verdicts), kept
    in `SHARDS` sealed files by a hash of the key: `save` writes only the shards whose rows
    changed, so a build that changed one card of 10,000 rewrites one or two shards (a row whose
    key is its content leaves one shard and joins another), not the whole cache. A shard that is
    missing, foreign or of another version loads as empty."""

    SHARDS = 16

    def __init__(self, folder: Path | None, stem: str, version: str, maps: int = 1):
        self.files = _shard_files(folder, stem, version, self.SHARDS)
        self.path = self.files[0].path
        self.maps = maps
        self._loaded: list[tuple[dict, ...]] = []

    def _shard(self, key: str) -> int:
        return shard_of(key, self.SHARDS)

    def load(self) -> tuple[dict, ...]:
        merged: tuple[dict, ...] = tuple({} for _ in range(self.maps))
        self._loaded = []
        for file in self.files:
            part = file.load()
            ok = isinstance(part, tuple) and len(part) == self.maps and all(isinstance(m, dict) for m in part)
            shard: tuple[dict, ...] = part if ok else tuple({} for _ in range(self.maps))  # type: ignore[assignment]
            self._loaded.append(shard)
            for into, rows in zip(merged, shard, strict=True):
                into.update(rows)
        return merged

    def save(self, *maps: dict) -> None:
        """Keep `maps` (what this build used): shards equal to what was loaded are not written."""
        parts: list[tuple[dict, ...]] = [tuple({} for _ in range(self.maps)) for _ in range(self.SHARDS)]
        for m, rows in enumerate(maps):
            for key, value in rows.items():
                parts[self._shard(key)][m][key] = value
        for n, part in enumerate(parts):
            if n >= len(self._loaded) or part != self._loaded[n]:
                self.files[n].save(part)
        self._loaded = parts  # what the files hold now


class LazyShards:
    """One dict kept in sealed shards like `SealedShards`, each shard read only when a key in it
    is asked for: for the bulk of a cache that a build seldom needs (the texts of cards that
    did not change). `save` rewrites only the shards that get a new or changed row."""

    def __init__(self, folder: Path | None, stem: str, version: str):
        self.files = _shard_files(folder, stem, version, SealedShards.SHARDS)
        self._read: dict[int, dict] = {}

    def _shard(self, n: int) -> dict:
        if n not in self._read:
            part = self.files[n].load()
            self._read[n] = part if isinstance(part, dict) else {}
        return self._read[n]

    def get(self, key: str) -> object | None:
        return self._shard(shard_of(key, SealedShards.SHARDS)).get(key)

    def save(self, rows: dict[str, object], keep: set[str] | frozenset[str]) -> None:
        """Add `rows`; a shard that changes is written without the keys not in `keep`."""
        by_shard: dict[int, dict] = {}
        for key, value in rows.items():
            by_shard.setdefault(shard_of(key, SealedShards.SHARDS), {})[key] = value
        for n, new in by_shard.items():
            old = self._shard(n)
            part = {k: v for k, v in old.items() if k in keep} | new
            if part != old:
                self.files[n].save(part)
                self._read[n] = part
