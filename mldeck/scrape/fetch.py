"""Online refresh: live page -> article body (BeautifulSoup) -> blocks -> snapshot text.

The new snapshot is written only when it parses into the source's expected questions, so a
404, a timeout, a changed layout or an empty page leaves the existing snapshot untouched.
"""

from __future__ import annotations

import time
from pathlib import Path

import requests
from bs4 import BeautifulSoup, NavigableString, Tag

from ..errors import DeckError
from ..fsio import write_atomic
from ..sources import Source
from ..textnorm import collapse_spaces, normalize_line
from .blocks import Block, render_snapshot
from .sites import scrape_text

USER_AGENT = "mldeck-fetch/0.1 (+https://github.com/; Anki deck builder; polite single request)"
TRANSIENT = {429, 500, 502, 503, 504}
MAX_BYTES = 8 * 1024 * 1024
CHROME = ("script", "style", "nav", "header", "footer", "aside", "form", "noscript", "svg", "button", "iframe")


class FetchError(Exception):
    """The page could not be fetched or read; the message says why."""


def fetch_html(url: str, timeout: float = 15.0, retries: int = 2, backoff: float = 0.5) -> str:
    """GET `url` with a User-Agent, timeouts, a size cap and retries on transient failures."""
    last = ""
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        try:
            return _get_once(url, timeout)
        except _Transient as exc:
            last = str(exc)
    raise FetchError(f"{url}: {last} (gave up after {retries + 1} attempts)")


class _Transient(Exception):
    pass


def _get_once(url: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout * 2
    try:
        with requests.get(url, headers={"User-Agent": USER_AGENT}, timeout=timeout, stream=True) as resp:
            if resp.status_code in TRANSIENT:
                raise _Transient(f"HTTP {resp.status_code}")
            if resp.status_code >= 400:
                raise FetchError(f"{url}: HTTP {resp.status_code} {resp.reason}")
            ctype = resp.headers.get("Content-Type", "")
            if "html" not in ctype.lower():
                raise FetchError(f"{url}: not an HTML page (Content-Type {ctype or 'missing'!r})")
            chunks, size = [], 0
            for chunk in resp.iter_content(65536):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise FetchError(f"{url}: page larger than {MAX_BYTES // 1024 // 1024} MB")
                if time.monotonic() > deadline:
                    raise _Transient(f"download took longer than {timeout * 2:.0f} s")
                chunks.append(chunk)
            body = b"".join(chunks)
            encoding = resp.encoding if "charset" in ctype.lower() else None
            return body.decode(encoding or "utf-8", errors="replace")
    except requests.TooManyRedirects:
        raise FetchError(f"{url}: too many redirects (a redirect loop?)") from None
    except requests.Timeout:
        raise _Transient(f"timed out after {timeout:.0f} s") from None
    except requests.ConnectionError as exc:
        raise _Transient(f"connection failed ({type(exc).__name__})") from None


def _text(el: Tag) -> str:
    return collapse_spaces(normalize_line(el.get_text(" ", strip=True)))


def _walk(el: Tag, out: list[Block]) -> None:
    for child in el.children:
        if isinstance(child, NavigableString) or not isinstance(child, Tag):
            continue
        name = child.name
        if name in CHROME:
            continue
        if name in ("h1", "h2", "h3", "h4", "h5", "h6", "p", "blockquote"):
            for img in child.find_all("img"):
                if img.get("alt"):
                    out.append(Block("caption", collapse_spaces(normalize_line(img["alt"])), 0))
            if text := _text(child):
                out.append(Block("paragraph", text, 0))
        elif name == "ol":
            start = int(child.get("start", 1) or 1)
            for i, li in enumerate(child.find_all("li", recursive=False)):
                if text := _text(li):
                    out.append(Block("item", text, 0, start + i))
        elif name == "ul":
            for li in child.find_all("li", recursive=False):
                if text := _text(li):
                    out.append(Block("bullet", text, 0))
        elif name == "pre":
            code = child.get_text()
            out.append(Block("code", "```\n" + code.strip("\n") + "\n```", 0))
        elif name == "img":
            if child.get("alt"):
                out.append(Block("caption", collapse_spaces(normalize_line(child["alt"])), 0))
        else:
            _walk(child, out)


def extract_blocks(html: str) -> list[Block]:
    """The article body's blocks: <article>, else <main>, else <body>; chrome removed."""
    soup = BeautifulSoup(html, "html.parser")
    root = soup.find("article") or soup.find("main") or soup.body or soup
    out: list[Block] = []
    _walk(root, out)
    return out


def page_to_snapshot(html: str) -> str:
    blocks = extract_blocks(html)
    if not any(b.kind != "caption" for b in blocks):
        raise FetchError("no article text found on the page")
    return render_snapshot(blocks)


def refresh_snapshot(source: Source, url: str | None = None, timeout: float = 15.0) -> tuple[Path, int]:
    """Fetch, extract, check that it scrapes, and only then replace the snapshot."""
    url = url or source.url
    if not url:
        raise FetchError(f"source {source.name!r} has no known URL; pass --url after confirming it")
    text = page_to_snapshot(fetch_html(url, timeout=timeout))
    try:
        questions = scrape_text(source, text, Path(f"<{url}>"))
    except DeckError as exc:
        raise FetchError(f"the page does not parse into the expected questions; snapshot kept:\n{exc}") from None
    write_atomic(source.snapshot, text)
    return source.snapshot, len(questions)
