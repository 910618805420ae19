"""Headless Chromium screenshots of cards as Anki shows them (model CSS, light and night).

Anki desktop puts `card` and, in night mode, `nightMode` on <body>; AnkiDroid uses
`night_mode`. The page here does the same with the card HTML the `anki` backend rendered.

The browser is Debian's Chromium driven by playwright: `launch()` starts one, and the suite
shares one per process (the `chromium` fixture in tests/conftest.py) between the screenshots,
the preview tests and the phone-layout harness, instead of starting Chromium for every picture.
"""

from __future__ import annotations

import html
import os
import shutil
import tempfile
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
# Playwright adds --headless and --hide-scrollbars itself.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch(playwright):
    """Headless Chromium (Debian's) from a started playwright: `sync_playwright().start()`."""
    if CHROMIUM is None:
        raise RuntimeError("chromium is not installed (apt-get install chromium)")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)


def card_page(html: str, css: str, night: bool) -> str:
    body_class = "card nightMode night_mode" if night else "card"
    bg = "#1e1e20" if night else "#ffffff"
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<style>html{{background:{bg}}}{css}</style></head>"
        f"<body class='{body_class}'>{html}</body></html>"
    )


def screenshot(browser, page_html: str, out: Path, media: dict[str, bytes] | None = None, size=(420, 900)) -> Path:
    """Render `page_html` in a window of `size` CSS px (1 device px each) to a PNG at `out`, with
    `browser` (screens.launch); media files sit beside the page."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mldeck-shot-") as tmp:
        folder = Path(tmp)
        for name, data in (media or {}).items():
            (folder / name).write_bytes(data)
        page_file = folder / "card.html"
        page_file.write_text(page_html, encoding="utf-8")
        context = browser.new_context(viewport={"width": size[0], "height": size[1]}, device_scale_factor=1)
        try:
            page = context.new_page()
            page.goto(page_file.as_uri(), wait_until="load")
            page.screenshot(path=str(out), animations="disabled")
        finally:
            context.close()
    if not out.is_file():
        raise RuntimeError(f"chromium wrote no screenshot at {out}")
    return out


def need_browser() -> None:
    """Fail without Chromium (skip when MLDECK_SKIP_BROWSER is set): CI installs it."""
    import pytest

    if CHROMIUM is None:
        if os.environ.get("MLDECK_SKIP_BROWSER"):
            pytest.skip("no chromium and MLDECK_SKIP_BROWSER is set")
        pytest.fail("chromium is not installed: apt-get install chromium (or set MLDECK_SKIP_BROWSER=1)")


def screenshots_side_by_side(browser, pages: dict[Path, str], media: dict[str, bytes], size: tuple[int, int]) -> None:
    """One screenshot for many pages: each in an iframe of `size`, side by side, then cut apart."""
    from PIL import Image

    width, height = size
    frames = "".join(
        f'<iframe srcdoc="{html.escape(page, quote=True)}" width="{width}" height="{height}" '
        'style="border:0;display:block;float:left" scrolling="no"></iframe>'
        for page in pages.values()
    )
    grid = f"<!doctype html><html><body style='margin:0;width:{width * len(pages)}px'>{frames}</body></html>"
    with tempfile.TemporaryDirectory() as tmp:
        whole = screenshot(browser, grid, Path(tmp) / "grid.png", media=media, size=(width * len(pages), height))
        image = Image.open(whole)
        for n, out in enumerate(pages):
            out.parent.mkdir(parents=True, exist_ok=True)
            image.crop((n * width, 0, (n + 1) * width, height)).save(out)
