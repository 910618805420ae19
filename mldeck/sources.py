"""Metadata of the source articles: `sources/<name>/source.yaml` beside the snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import fail

REQUIRED = ("name", "publisher", "title", "url", "author", "questions")


@dataclass(frozen=True)
class Source:
    name: str
    publisher: str
    title: str
    url: str
    date: str
    author: str
    questions: int
    licence: str
    folder: Path

    @property
    def snapshot(self) -> Path:
        return self.folder / "snapshot.txt"


def load_source(folder: Path) -> Source:
    meta_path = folder / "source.yaml"
    if not meta_path.is_file():
        raise fail(meta_path, 1, "missing source metadata file")
    try:
        data = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 1
        raise fail(meta_path, line, f"malformed YAML: {exc}") from None
    if not isinstance(data, dict):
        raise fail(meta_path, 1, "expected a mapping of metadata keys")
    for key in REQUIRED:
        if key not in data:
            raise fail(meta_path, 1, f"missing key {key!r}")
    if data["name"] != folder.name:
        raise fail(meta_path, 1, f"name {data['name']!r} differs from folder {folder.name!r}")
    return Source(
        name=str(data["name"]),
        publisher=str(data["publisher"]),
        title=str(data["title"]),
        url=str(data.get("url") or ""),
        date=str(data.get("date") or ""),
        author=str(data["author"]),
        questions=int(data["questions"]),
        licence=str(data.get("licence") or ""),
        folder=folder,
    )


def load_sources(root: Path) -> dict[str, Source]:
    """All sources under `root` (the repo's `sources/`), by name."""
    return {p.name: load_source(p) for p in sorted(root.iterdir()) if p.is_dir()}
