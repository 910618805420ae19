"""Where each previewed card's file is: an edit link on the forge when the repository's address
is set (pyproject.toml, [project.urls] Repository), else a link to the file on this disk."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ..projectmeta import edit_url


@dataclass(frozen=True)
class FileLink:
    label: str  # the repo-relative path, e.g. cards/epam/034-slug.md
    href: str
    edit: bool  # True: the forge's edit page; False: the local file


def file_link(card_file: Path, root: Path, site: Path, repo: str | None) -> FileLink:
    """The link from the page in `site` to `card_file` (a file under `root`)."""
    try:
        rel = card_file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        rel = card_file.name
    if repo and (url := edit_url(repo, rel)):
        return FileLink(rel, url, True)
    try:
        href = quote(Path(os.path.relpath(card_file, site)).as_posix(), safe="/")
    except ValueError:  # Windows: another drive; no relative path exists
        href = card_file.resolve().as_uri()
    return FileLink(rel, href, False)
