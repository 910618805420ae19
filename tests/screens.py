"""Headless Chromium screenshots of cards as Anki shows them (model CSS, light and night).

Anki desktop puts `card` and, in night mode, `nightMode` on <body>; AnkiDroid uses
`night_mode`. The page here does the same with the card HTML the `anki` backend rendered.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
]


def card_page(html: str, css: str, night: bool) -> str:
    body_class = "card nightMode night_mode" if night else "card"
    bg = "#1e1e20" if night else "#ffffff"
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<style>html{{background:{bg}}}{css}</style></head>"
        f"<body class='{body_class}'>{html}</body></html>"
    )


def screenshot(page_html: str, out: Path, media: dict[str, bytes] | None = None, size=(420, 900)) -> Path:
    """Render `page_html` to a PNG at `out` with headless Chromium; media files sit beside the page."""
    if CHROMIUM is None:
        raise RuntimeError("chromium is not installed (apt-get install chromium)")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mldeck-shot-") as tmp:
        folder = Path(tmp)
        for name, data in (media or {}).items():
            (folder / name).write_bytes(data)
        page = folder / "card.html"
        page.write_text(page_html, encoding="utf-8")
        cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={folder / 'profile'}", f"--window-size={size[0]},{size[1]}",
               f"--screenshot={out}", page.as_uri()]  # fmt: skip
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if proc.returncode != 0 or not out.is_file():
            raise RuntimeError(f"chromium failed ({proc.returncode}): {proc.stderr[-800:]}")
    return out
