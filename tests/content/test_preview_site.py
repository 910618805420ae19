"""The repository's cards in `build_deck.py preview` (the page itself is tested on the fixed
corpus in tests/test_preview.py): one card on the page for each note, its pictures beside it,
every formula readable by the MathML fallback (the page without MathJax installed)."""

from __future__ import annotations

import re
from pathlib import Path

from mldeck.build.run import BuildOptions, prepare_notes
from mldeck.preview.site import build_preview


def test_the_preview_of_the_real_cards_shows_every_note_and_its_pictures(real_deck, tmp_path: Path) -> None:
    notes = prepare_notes(real_deck.root, BuildOptions(quiet=True)).notes
    result = build_preview(real_deck.root, tmp_path / "preview", math="mathml")
    assert result.math_problems == []  # with MathJax installed the TeX is passed on unconverted
    page = result.index.read_text(encoding="utf-8")
    shown = re.findall(r'<article class="pv-card"[^>]*\bdata-card-id="([^"]+)"', page)
    assert sorted(shown) == sorted(n.entry_id for n in notes)
    pictures = set(re.findall(r'<img\b[^>]*\bsrc="([^"/:]+)"', page))
    assert pictures and all((tmp_path / "preview" / name).is_file() for name in pictures)
