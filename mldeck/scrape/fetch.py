"""Online refresh: live page -> article body (BeautifulSoup) -> blocks -> snapshot text.

The new snapshot is written only when it parses into the source's expected questions, so a
404, a timeout, a changed layout or an empty page leaves the existing snapshot untouched.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import requests
import urllib3
from bs4 import BeautifulSoup, CData, NavigableString, Tag

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
# Tags that sit inside a line of text: their text joins its neighbours as written ("<a>x</a>," -> "x,").
INLINE = frozenset(
    "a abbr b bdi bdo cite code data del dfn em i ins kbd mark q s samp small span strong sub sup time u var".split()
)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
BAD_URL = (requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema, requests.exceptions.InvalidURL)


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
            for chunk in _arriving(resp):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise FetchError(f"{url}: page larger than {MAX_BYTES:,} bytes")
                if time.monotonic() > deadline:
                    raise _Transient(f"download took longer than {timeout * 2:g} s")
                chunks.append(chunk)
            body = b"".join(chunks)
            encoding = resp.encoding if "charset" in ctype.lower() else None
            return body.decode(encoding or "utf-8", errors="replace")
    except BAD_URL as exc:
        raise FetchError(f"{url}: not a valid web address ({exc})") from None
    except requests.TooManyRedirects:
        raise FetchError(f"{url}: too many redirects (a redirect loop?)") from None
    except (requests.Timeout, urllib3.exceptions.ReadTimeoutError):
        raise _Transient(f"timed out after {timeout:g} s") from None
    except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:  # refused, reset, cut short
        raise _Transient(f"connection failed ({type(exc).__name__})") from None


def _arriving(resp: requests.Response) -> Iterator[bytes]:
    """The body in pieces as they arrive, so the deadline is checked while a slow server drips
    (iter_content blocks until a whole chunk is in). read1 needs urllib3 >= 2.3."""
    read1 = getattr(resp.raw, "read1", None)
    if read1 is None:
        yield from resp.iter_content(65536)
        return
    while piece := read1(65536, decode_content=True):
        yield piece


def _clean(text: str) -> str:
    """One line of page text; control characters (NUL, Anki's \\x1f) are dropped, never written."""
    return collapse_spaces(normalize_line(re.sub(r"\s+", " ", CONTROL.sub("", text))))


def _strings(el: Tag) -> Iterator[str]:
    for node in el.children:
        if isinstance(node, Tag):
            if node.name not in CHROME:  # e.g. a permalink icon or a "copy" button in a heading
                yield "" if node.name in INLINE else " "
                yield from _strings(node)
        elif type(node) in (NavigableString, CData):  # not comments
            yield str(node)


def _text(el: Tag) -> str:
    """One line: inline tags join their neighbours as written, other tags and line breaks in
    the HTML source are spaces."""
    return _clean("".join(_strings(el)))


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
                    out.append(Block("caption", _clean(img["alt"]), 0))
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
                out.append(Block("caption", _clean(child["alt"]), 0))
        else:
            _walk(child, out)


def _root(soup: BeautifulSoup) -> Tag:
    """The fullest <article> (else <main>) outside the chrome, so teaser cards in a "related"
    rail are passed over and an empty article stays empty; else <body>."""
    for name in ("article", "main"):
        found = [el for el in soup.find_all(name) if not any(p.name in CHROME for p in el.parents)]
        if found:
            return max(found, key=lambda el: len(el.get_text(strip=True)))
    return soup.body if soup.body is not None else soup


def extract_blocks(html: str) -> list[Block]:
    """The article body's blocks: <article>, else <main>, else <body>; chrome removed."""
    soup = BeautifulSoup(html, "html.parser")
    root = _root(soup)
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
    if source.original:
        raise FetchError(f"source {source.name!r} is written for this deck: there is no page to fetch")
    url = url or source.url
    if not url:
        raise FetchError(f"source {source.name!r} has no known URL; pass --url after confirming it")
    text = page_to_snapshot(fetch_html(url, timeout=timeout))
    try:
        questions = scrape_text(source, text, f"<{url}>")
    except DeckError as exc:
        raise FetchError(f"the page does not parse into the expected questions; snapshot kept:\n{exc}") from None
    write_atomic(source.snapshot, text)
    return source.snapshot, len(questions)
