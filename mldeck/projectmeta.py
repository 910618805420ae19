"""The repository's address, read from its one place: `[project.urls] Repository` in pyproject.toml.

The README's download link, the preview's edit links and the release notes are made from it.
Until it is set, they fall back to links that need no address (a relative link, a local file).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import quote

from .errors import fail

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

PYPROJECT = "pyproject.toml"
URL_KEY = "Repository"
# https://host/owner/repo (GitLab allows subgroups): no query, fragment, quotes, spaces or "..".
_REPO_URL = re.compile(
    r"https://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d{1,5})?(?:/(?!\.+(?:/|$))[A-Za-z0-9_.-]+){2,6}/?"
)
DEFAULT_BRANCH = "main"


def repository_url(root: Path) -> str | None:
    """The repository address from root/pyproject.toml, or None when it is not set. A value
    that is not a plain https address of a repository raises DeckError naming the file."""
    path = root / PYPROJECT
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise fail(path, getattr(exc, "lineno", 0) or 0, f"not valid TOML ({exc})") from None
    urls = data.get("project", {}).get("urls", {})
    url = urls.get(URL_KEY) if isinstance(urls, dict) else None
    if url is None:
        return None
    if not isinstance(url, str) or not _REPO_URL.fullmatch(url):
        line = next((i for i, s in enumerate(text.splitlines(), 1) if s.strip().startswith(URL_KEY)), 0)
        raise fail(path, line, f"[project.urls] {URL_KEY} must look like https://github.com/OWNER/REPO")
    return url.rstrip("/")


def releases_url(repo: str | None) -> str:
    """The latest release's page; without an address, the link GitHub resolves from the README."""
    return f"{repo}/releases/latest" if repo else "../../releases/latest"


def edit_url(repo: str, rel_path: str, branch: str = DEFAULT_BRANCH) -> str | None:
    """The forge's "edit this file" page for a repo-relative, '/'-separated path, or None for an
    unknown forge."""
    host = repo.split("/")[2].lower()
    path = quote(rel_path, safe="/")
    if host == "github.com":
        return f"{repo}/edit/{branch}/{path}"
    if "gitlab" in host:
        return f"{repo}/-/edit/{branch}/{path}"
    if host in ("codeberg.org", "gitea.com") or "gitea" in host or "forgejo" in host:
        return f"{repo}/_edit/{branch}/{path}"
    return None
