"""Images that cards reference from `media/`: checked, and packaged under content-hashed names.

A card writes `![alt](media/roc.png)`. The deck gets `mldeck-<sha256 prefix>.png`: the name
changes whenever the bytes do (Anki never re-imports a changed file under an old name) and
never starts with `_` (Anki treats those as shared and never updates them). The file must be
what its name says, an SVG plain drawing (mldeck/imagecheck.py), and media/ inside the project.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..imagecheck import MAX_MEDIA, image_problem

EXTENSIONS = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


class MediaError(ValueError):
    """A bad image reference; the message says why."""


def packaged_name(data: bytes, suffix: str) -> str:
    return f"mldeck-{hashlib.sha256(data).hexdigest()[:20]}{suffix.lower()}"


PACKAGED = re.compile(r"mldeck-[0-9a-f]{20}(?:" + "|".join(re.escape(e) for e in sorted(EXTENSIONS)) + ")")


def is_packaged_name(src: str) -> bool:
    """True for a name `packaged_name` makes: the only image source a built field may carry."""
    return PACKAGED.fullmatch(src) is not None


class MediaStore:
    """Resolves `media/…` references and remembers what the deck must carry."""

    def __init__(self, root: Path):
        self.root = root
        self.media_dir = root / "media"
        self.files: dict[str, bytes] = {}  # packaged name -> bytes
        self._by_src: dict[str, str] = {}
        try:  # media/ symlinked out of the project would pack files from anywhere
            self.media_dir = self.media_dir.resolve()
            self._outside = not self.media_dir.is_relative_to(root.resolve())
        except (OSError, RuntimeError):  # a symlink loop
            self._outside = True

    def add_bytes(self, data: bytes, suffix: str) -> str:
        name = packaged_name(data, suffix)
        self.files[name] = data
        return name

    def resolve(self, src: str) -> str:
        """Packaged name for an image reference, or MediaError."""
        if src in self._by_src:
            return self._by_src[src]
        if SCHEME.match(src) or src.startswith("//"):
            raise MediaError(f"image {src!r}: only files from media/ are allowed (cards must work offline)")
        rel = src.lstrip("./")
        if not rel.startswith("media/"):
            raise MediaError(f"image {src!r}: must be a path under media/, e.g. media/roc.png")
        # A symlink loop, an over-long name or a NUL byte must be a message about this image,
        # not a traceback: resolve() raises RuntimeError/OSError/ValueError for them.
        try:
            path = (self.root / rel).resolve()
        except (OSError, RuntimeError, ValueError) as exc:
            raise MediaError(f"image {src[:80]!r}: not a usable path ({exc.__class__.__name__})") from None
        if self.media_dir not in path.parents:
            raise MediaError(f"image {src!r}: escapes the media/ folder")
        if self._outside:
            raise MediaError(f"image {src!r}: media/ is a symlink to a folder outside the project")
        if path.suffix.lower() not in EXTENSIONS:
            raise MediaError(f"image {src!r}: unsupported type (use {', '.join(sorted(EXTENSIONS))})")
        try:
            if not path.is_file():
                raise MediaError(f"image {src!r}: no such file in media/")
            with path.open("rb") as fh:
                data = fh.read(MAX_MEDIA + 1)
        except OSError as exc:
            raise MediaError(f"image {src[:80]!r}: cannot be read ({exc.strerror or exc})") from None
        if problem := image_problem(data, path.suffix):
            raise MediaError(f"image {src[:80]!r}: {problem}")
        name = self.add_bytes(data, path.suffix)
        self._by_src[src] = name
        return name
