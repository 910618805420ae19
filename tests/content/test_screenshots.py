"""Cards as a person sees them: headless Chromium screenshots, light and night, model CSS.

The PNGs land in build/screenshots/ for a person to look at; the test checks they were made
and that night mode really is dark with legible (light) code text, and light mode light.
Set MLDECK_SKIP_BROWSER=1 to skip on a machine without Chromium (CI installs it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mldeck.notetype.model import model_css
from tests.helpers import ROOT
from tests.screens import card_page, screenshot

pytestmark = pytest.mark.browser
SHOTS = ROOT / "build" / "screenshots"
CARDS = {"epam-034": "code", "alldus-t20": "math and code", "upwork-022": "editor's note and context"}


@pytest.fixture(scope="module")
def collection(real_collection, chromium):
    return real_collection


def _mean_luminance(png: Path, box=None) -> float:
    from PIL import Image

    img = Image.open(png).convert("L")
    if box:
        img = img.crop(box)
    hist = img.histogram()
    return sum(i * n for i, n in enumerate(hist)) / max(1, sum(hist))


@pytest.mark.parametrize("card_id", sorted(CARDS))
def test_card_screenshots_light_and_night(collection, chromium, card_id: str):
    (nid,) = collection.find_notes(f'"CardId:{card_id}*"')
    card = collection.get_note(nid).cards()[0]
    html = card.answer()
    media = {}
    media_dir = Path(collection.media.dir())
    for name in os.listdir(media_dir):
        media[name] = (media_dir / name).read_bytes()
    shots = {}
    for night in (False, True):
        out = SHOTS / f"{card_id}-{'night' if night else 'light'}.png"
        shots[night] = screenshot(chromium, card_page(html, model_css(), night), out, media=media, size=(420, 1000))
        assert out.stat().st_size > 5_000
    assert _mean_luminance(shots[False]) > 170  # a light page
    assert _mean_luminance(shots[True]) < 90  # a dark page, not white text boxes on it
