"""Diagram fences: every one in cards/ renders (as the deck's build drew it), deterministically,
into a deck that carries exactly the pictures its notes use; bad fences fail the build at their
line; night mode shows the dark variant. Screenshots of three diagram cards land in build/screenshots/."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from mldeck import fences
from mldeck.localcache import cache_dir
from mldeck.notetype.model import model_css
from mldeck.render.cards import make_diagram_renderer
from mldeck.render.code import DIAGRAM_LANGS
from mldeck.render.diagrams import THEMES, DiagramCache
from mldeck.render.markdown import take_captions
from mldeck.render.media import MediaStore
from tests.anki_helpers import fresh_collection, import_apkg
from tests.helpers import ROOT
from tests.screens import card_page, screenshots_side_by_side

CARDS = ROOT / "cards"
SHOTS = ROOT / "build" / "screenshots"
MAX_SVG_BYTES = 50_000
LOST_EPAM_PICTURES = ("006", "011", "014", "017", "020", "042")


@dataclass(frozen=True)
class CardFence:
    path: Path
    line: int  # 1-based line of the opening fence in the card file
    lang: str
    source: str
    caption: str

    @property
    def id(self) -> str:
        return f"{self.path.parent.name}/{self.path.name.split('-', 1)[0]}:L{self.line}"


def card_fences() -> list[CardFence]:
    out = []
    for path in sorted(CARDS.glob("*/*.md")):
        text = path.read_text(encoding="utf-8")
        _, captions = take_captions(text)
        for f in fences.scan(text):
            if f.lang in DIAGRAM_LANGS:
                caption = captions["\n".join(ln.strip() for ln in f.body.strip().split("\n"))].pop(0)
                out.append(CardFence(path, f.start + 1, f.lang, f.body, caption))
    return out


FENCES = card_fences()


def render_all(cache: DiagramCache, order: list[CardFence]) -> dict[tuple[str, str], bytes]:
    """Every fence of `order` in both themes."""
    return {(f.id, theme): cache.svg(f.lang, f.source, theme) for f in order for theme in THEMES}


@pytest.fixture(scope="module")
def rendered(real_deck, tmp_path_factory) -> dict[tuple[str, str], bytes]:
    """Every fence in both themes as the deck's build drew it: read back from the render cache
    that building `real_deck` filled (a fence it lacks is drawn now)."""
    cache = make_diagram_renderer(cache_dir(real_deck.root), True, MediaStore(tmp_path_factory.mktemp("media")))
    assert isinstance(cache, DiagramCache), "the diagram engines are not installed"
    return render_all(cache, FENCES)


# --- the diagrams in cards/ ---------------------------------------------------------------------


def test_cards_have_the_diagrams_the_issue_asks_for():
    ids = {f.path.name.split("-", 1)[0] for f in FENCES if f.path.parent.name == "epam"}
    assert set(LOST_EPAM_PICTURES) <= ids, "the six pictures the EPAM article lost"
    assert len(FENCES) >= 18
    assert {f.path.parent.name for f in FENCES} >= {"upwork", "alldus", "epam"}
    assert {f.lang for f in FENCES} == {"mermaid", "vega-lite"}
    for f in FENCES:
        assert len(f.caption) >= 30, f"{f.id}: needs a 'Figure: …' caption (text alternative)"


@pytest.mark.parametrize("fence", FENCES, ids=lambda f: f.id)
def test_every_card_diagram_renders_to_a_small_sized_svg(rendered, fence: CardFence):
    for theme in THEMES:
        data = rendered[(fence.id, theme)]
        assert len(data) < MAX_SVG_BYTES, f"{fence.id} {theme}: {len(data)} bytes"
        root = ET.fromstring(data)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        width, height = root.get("width", ""), root.get("height", "")
        assert width.isdigit() and height.isdigit(), (width, height)
        assert 100 <= int(width) <= 640, f"{fence.id}: {width}px wide is unreadable at phone width"
        text = data.decode("utf-8")
        assert not re.search(r"<script|<foreignObject|<image|href=\"(?!#)|url\((?!#)", text)
    assert rendered[(fence.id, "light")] != rendered[(fence.id, "dark")]


def sample(rendered: dict[tuple[str, str], bytes]) -> list[CardFence]:
    """The first and the last fence of each language, and every fence whose pictures carry
    element ids (Vega numbers its clip paths and gradients with a per-process counter, which
    the tidying renumbers: the ids are where a leak would show)."""
    out: list[CardFence] = []
    for lang in sorted({f.lang for f in FENCES}):
        of_lang = [f for f in FENCES if f.lang == lang]
        out += [of_lang[-1], of_lang[0]] if len(of_lang) > 1 else of_lang
    with_ids = [f for f in FENCES if any(b' id="' in rendered[(f.id, theme)] for theme in THEMES)]
    return list(dict.fromkeys(out + with_ids))


def test_renders_are_byte_identical_across_runs(rendered, tmp_path: Path):
    """Drawn again here with no cache (another process than the build's, in another order): a
    per-process counter or a time in the output would show."""
    order = sample(rendered)
    assert any(b' id="' in rendered[(f.id, "light")] for f in order)
    again = render_all(DiagramCache(None, MediaStore(tmp_path)), order)
    for key, data in again.items():
        assert data == rendered[key], f"{key}: drawing the same source twice gave different bytes"


# --- pieces --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(real_deck):
    return real_deck.root, real_deck.apkg


def referenced_media(apkg: Path, tmp: Path) -> tuple[dict[str, str], set[str]]:
    """(the package's media map, the names its note fields reference)."""
    with zipfile.ZipFile(apkg) as zf:
        media_map = json.loads(zf.read("media"))
        (tmp / "c.db").write_bytes(zf.read("collection.anki2"))
        for index in media_map:
            assert zf.getinfo(index).file_size > 0
    conn = sqlite3.connect(tmp / "c.db")
    fields = [row[0] for row in conn.execute("select flds from notes")]
    conn.close()
    return media_map, {src for f in fields for src in re.findall(r'src="([^"]+)"', f)}


def test_deck_carries_every_referenced_svg_and_nothing_else(built, tmp_path: Path):
    _, apkg = built
    media_map, used = referenced_media(apkg, tmp_path)
    names = set(media_map.values())
    svgs = {n for n in used if n.endswith(".svg")}
    assert names == used
    assert len(svgs) == 2 * len(FENCES)  # a light and a dark picture for every fence
    col = fresh_collection(tmp_path / "anki")
    try:
        import_apkg(col, apkg)
        check = col.media.check()
        assert not check.missing and not check.unused, (check.missing, check.unused)
        assert svgs <= set(os.listdir(col.media.dir()))
    finally:
        col.close()


SHOT_CARDS = ("epam-006", "epam-020", "alldus-t04")


@pytest.mark.browser
def test_screenshots_of_diagram_cards_light_and_night(built, chromium, tmp_path: Path):
    from PIL import Image

    _, apkg = built
    col = fresh_collection(tmp_path / "anki")
    try:
        import_apkg(col, apkg)
        media_dir = Path(col.media.dir())
        media = {name: (media_dir / name).read_bytes() for name in os.listdir(media_dir)}
        pages = {}
        for card_id in SHOT_CARDS:
            (nid,) = col.find_notes(f'"CardId:{card_id}*"')
            answer = col.get_note(nid).cards()[0].answer()
            assert answer.count('class="mld-diagram-') == 2
            for night in (False, True):
                pages[SHOTS / f"diagram-{card_id}-{'night' if night else 'light'}.png"] = card_page(
                    answer, model_css(), night
                )
        screenshots_side_by_side(chromium, pages, media, size=(420, 1500))
        for out in pages:
            gray = Image.open(out).convert("L")
            mean = sum(i * n for i, n in enumerate(gray.histogram())) / (gray.width * gray.height)
            assert (mean < 90) if "-night" in out.name else (mean > 170), (out, mean)
    finally:
        col.close()
