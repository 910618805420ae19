"""The note model's names are a contract with every user's collection; night mode stays legible."""

from __future__ import annotations

import re

from pygments.styles import get_style_by_name
from pygments.token import Whitespace

from mldeck.notetype import model
from mldeck.render.code import DARK_STYLE, LIGHT_STYLE, highlight_css
from mldeck.render.markdown import Renderer
from mldeck.render.media import MediaStore
from mldeck.sources import load_sources
from tests.helpers import ROOT

# FROZEN at the first release (v1.0.0). Anki fingerprints a note type by its field and template
# names: renaming, removing, reordering or even appending a field makes every re-imported note
# "conflicting" (Anki 26.9, default options), and "Merge note types" stamps the user's notes with
# the import time so nothing updates either. New content goes into these fields as HTML; template
# text and CSS may change (they update in place: tests/test_anki_update.py).
RELEASED_FIELDS = [
    "Question",
    "KeyPoint",
    "Answer",
    "AnswerLabel",
    "EditorNote",
    "SourceAnswer",
    "OtherSources",
    "Context",
    "References",
    "Attribution",
    "Meta",
    "CardId",
]


def test_field_and_template_names_are_frozen():
    assert list(model.FIELDS) == RELEASED_FIELDS
    assert model.TEMPLATE_NAME == "Question → Answer"
    m = model.make_model()
    assert [t["name"] for t in m.templates] == ["Question → Answer"]
    assert [f["name"] for f in m.fields] == RELEASED_FIELDS
    assert m.model_id == model.MODEL_ID and m.name == model.MODEL_NAME


def test_every_field_is_shown_by_the_templates():
    """A field the templates never show would be dead weight frozen forever."""
    templates = model.template_text("front.html") + model.template_text("back.html")
    for name in model.FIELDS:
        assert "{{" + name + "}}" in templates, name


def test_ids_are_fixed():
    assert model.MODEL_ID == 1_607_392_319
    assert model.GUID_NAMESPACE == "mldeck"
    assert model.DECK_IDS[model.ROOT_DECK] == 2_059_400_110
    assert len(set(model.DECK_IDS.values())) == len(model.DECK_IDS)
    for name in model.DIFFICULTY_DECKS.values():
        assert f"{model.ROOT_DECK}::{name}" in model.DECK_IDS
    ids = model.deck_ids(load_sources(ROOT / "sources").values())
    assert len(set(ids.values())) == len(ids) >= len(model.DECK_IDS) + 4
    assert ids[f"{model.ROOT_DECK}::EPAM Anywhere"] == 2_059_400_123  # never changes: users' subdecks


def test_guid_derives_from_the_card_id_only():
    import genanki

    from mldeck.build.notes import guid_for

    assert guid_for("epam-034") == genanki.guid_for("mldeck", "epam-034")
    assert guid_for("epam-034") != guid_for("epam-035")


def test_committed_highlight_css_is_current():
    committed = (ROOT / "mldeck" / "notetype" / "highlight.css").read_text(encoding="utf-8")
    assert committed == highlight_css(), (
        "regenerate: python -c 'from mldeck.render.code import highlight_css; "
        'open("mldeck/notetype/highlight.css","w").write(highlight_css())\''
    )


def _luminance(hex_color: str) -> float:
    h = hex_color.lstrip("#")
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = _luminance(a), _luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def _code_background(css: str, selector: str) -> str:
    m = re.search(re.escape(selector) + r"[^{]*\{[^}]*background:\s*(#[0-9a-fA-F]{6})", css)
    assert m, selector
    return m.group(1)


def test_every_token_is_legible_in_light_and_night_mode():
    css = model.template_text("card.css")
    light_bg = _code_background(css, ".card .highlight")
    dark_bg = _code_background(css, ".nightMode .card .highlight")
    for style_name, bg in ((LIGHT_STYLE, light_bg), (DARK_STYLE, dark_bg)):
        style = get_style_by_name(style_name)
        for token, spec in style:
            if spec["color"] and token not in Whitespace:
                ratio = contrast(spec["color"], bg)
                assert ratio >= 4.5, f"{style_name}: {token} #{spec['color']} on {bg}: {ratio:.2f}"


def test_night_rules_exist_for_both_anki_classes_and_code_html_has_no_inline_styles(tmp_path):
    css = model.model_css()
    for night in (".nightMode", ".night_mode"):
        assert f"{night} .highlight .k " in css and f"{night} .highlight .c1 " in css
    html = Renderer(MediaStore(tmp_path)).render("```python\nimport os  # comment\nx = 'a'\n```")
    assert 'class="highlight"' in html and "style=" not in html
    assert '<span class="kn">import</span>' in html
