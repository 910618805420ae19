"""`build_deck.py preview`: the static card preview site.

Unit tests cover the Anki template subset, TeX -> MathML and the page's search text. The
browser tests build the preview from a temporary copy of the project, open it from file:// in
headless Chromium (Debian's, driven by playwright) with no network, and use it as a person
would: filters, search, night mode, front/back. They leave screenshots of a code card and a
diagram card, light and night, in build/screenshots/preview-*.png for a person to look at.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from mldeck.build.run import BuildOptions, prepare_notes
from mldeck.cli import main
from mldeck.errors import DeckError
from mldeck.notetype.model import FIELDS
from mldeck.preview.math import mathml_fields
from mldeck.preview.page import plain_text
from mldeck.preview.site import INDEX, MARKER, build_preview
from mldeck.preview.template import TemplateError, field_is_empty, render

from .helpers import ROOT, copy_project

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = ROOT / "build" / "screenshots"
ANSWER = FIELDS.index("Answer")
DIAGRAM_IMG = re.compile(r'<img\b[^>]*\bclass="[^"]*diagram', re.IGNORECASE)


# --- the template renderer -----------------------------------------------------------------------

BACK = "{{FrontSide}}<hr id=answer>{{Answer}}{{#Context}}<aside>{{Context}}</aside>{{/Context}}"


def test_field_is_inserted_as_html_unescaped() -> None:
    assert render("<div>{{Question}}</div>", {"Question": "<b>x &lt; y</b>"}) == "<div><b>x &lt; y</b></div>"


def test_section_shows_only_when_the_field_has_content() -> None:
    assert render(BACK, {"Answer": "A", "Context": "why"}, front_side="Q") == "Q<hr id=answer>A<aside>why</aside>"
    assert render(BACK, {"Answer": "A", "Context": ""}, front_side="Q") == "Q<hr id=answer>A"


def test_whitespace_br_and_empty_divs_count_as_empty_like_anki() -> None:
    for empty in ("", "  \n", "<br>", "<div><br/></div>", " <BR /> "):
        assert field_is_empty(empty), empty
        assert render("{{#F}}shown{{/F}}", {"F": empty}) == ""
    assert not field_is_empty("<p>x</p>")
    assert not field_is_empty("0")


def test_inverted_section_and_nesting() -> None:
    tpl = "{{^Context}}none{{/Context}}{{#A}}[{{#B}}{{B}}{{/B}}{{^B}}-{{/B}}]{{/A}}"
    assert render(tpl, {"Context": "", "A": "a", "B": "b"}) == "none[b]"
    assert render(tpl, {"Context": "c", "A": "a", "B": ""}) == "[-]"
    assert render(tpl, {"Context": "c", "A": "", "B": "b"}) == ""


def test_front_side_is_the_rendered_front() -> None:
    fields = {"Question": "What is <i>PCA</i>?", "Answer": "A projection.", "Context": ""}
    front = render("<div class=q>{{Question}}</div>", fields)
    back = render(BACK, fields, front_side=front)
    assert back.startswith("<div class=q>What is <i>PCA</i>?</div><hr id=answer>A projection.")
    with pytest.raises(TemplateError, match="FrontSide"):
        render("{{FrontSide}}", fields)  # the front has no FrontSide


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{Nope}}", "no such field"),
        ("{{text:Question}}", "not supported"),
        ("{{#Question}}x", "never closed"),
        ("{{#Question}}x{{/Answer}}", "closes"),
        ("x{{/Answer}}", "closes nothing"),
    ],
)
def test_template_errors_are_raised_not_rendered(template: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        render(template, {"Question": "q", "Answer": "a"})


def test_the_models_own_templates_render_with_every_field() -> None:
    from mldeck.notetype.model import template_text

    fields = dict.fromkeys(FIELDS, "")
    fields.update(Question="Q?", Answer="<p>A.</p>", Attribution="From X")
    front = render(template_text("front.html"), fields)
    back = render(template_text("back.html"), fields, front_side=front)
    assert "Q?" in front and "A." not in front
    assert back.startswith(front) and "<p>A.</p>" in back and "From X" in back
    assert "Why interviewers ask it" not in back  # empty Context section dropped
    fields["Context"] = "<p>Because.</p>"
    assert "Why interviewers ask it" in render(template_text("back.html"), fields, front_side=front)


# --- math and search text ------------------------------------------------------------------------


def test_tex_becomes_mathml_inline_and_display() -> None:
    field = (
        r'<p>Loss <span class="arithmatex">\(x &lt; \frac{1}{n}\)</span>.</p>'
        r'<div class="arithmatex">\[\sum_i w_i^2\]</div><pre><code>re.compile(r"\(")</code></pre>'
    )
    problems: list[str] = []
    out = mathml_fields(field, problems)
    assert problems == []
    soup = BeautifulSoup(out, "html.parser")
    inline, block = soup.select("span.arithmatex math"), soup.select("div.arithmatex math")
    assert len(inline) == 1 and inline[0].get("display") == "inline" and inline[0].find("mfrac")
    assert inline[0]["alttext"] == r"x < \frac{1}{n}"  # unescaped before conversion, kept as alt text
    assert inline[0].find("mo", string="<")
    assert len(block) == 1 and block[0].get("display") == "block"
    assert r're.compile(r"\(")' in soup.get_text()  # code is left alone


def test_tex_the_converter_cannot_read_is_kept_and_reported() -> None:
    problems: list[str] = []
    field = r'<span class="arithmatex">\(x^\)</span> and <span class="arithmatex">\(y\)</span>'
    out = mathml_fields(field, problems)
    assert r'<span class="arithmatex">\(x^\)</span>' in out
    assert out.count("<math") == 1
    assert len(problems) == 1 and "x^" in problems[0]


def test_unknown_commands_are_reported_and_function_names_get_a_thin_space() -> None:
    problems: list[str] = []
    out = mathml_fields(r'<span class="arithmatex">\(\sgn\max_x f\)</span>', problems)
    assert "<math" not in out and problems and r"unknown command \sgn" in problems[0]
    assert "<math" in mathml_fields(r'<span class="arithmatex">\(\arg\max_x f\)</span>')  # MathJax knows \arg
    out = mathml_fields(r'<span class="arithmatex">\(-\log q(y)\)</span>')
    assert '<mi>log</mi><mspace width="0.1667em"></mspace><mi>q</mi>' in out


def test_plain_text_for_search() -> None:
    assert plain_text("<p>K-Means&nbsp;<b>clustering</b></p>\n<p>Second</p>") == "k-means clustering second"


# --- the site ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    """The preview of a temporary copy of the project, built through the CLI; and its notes."""
    root = copy_project(tmp_path_factory.mktemp("preview"), with_cards=True)
    assert main(["--root", str(root), "preview", "--quiet"]) == 0
    prepared = prepare_notes(root, BuildOptions(quiet=True))
    assert prepared.notes, "the project has no notes to preview"
    return root / "build" / "preview", prepared


def test_site_files_and_media(site) -> None:
    out, prepared = site
    names = {p.name for p in out.iterdir()}
    assert {INDEX, MARKER, "_model.css", "_preview.css", "_preview.js"} <= names
    assert set(prepared.media) <= names
    for name, data in prepared.media.items():
        assert (out / name).read_bytes() == data
    page = (out / INDEX).read_text(encoding="utf-8")
    assert page.count('<article class="pv-card"') == len(prepared.notes)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page.split('<main id="pv-cards">')[0])


def test_rebuild_replaces_an_earlier_preview_but_not_other_folders(tmp_path: Path, site) -> None:
    out, _ = site
    (out / "stale.svg").write_text("old", encoding="utf-8")
    root = out.parent.parent
    build_preview(root)
    assert not (out / "stale.svg").exists() and (out / INDEX).is_file()
    other = tmp_path / "mine"
    other.mkdir()
    (other / "keep.txt").write_text("precious", encoding="utf-8")
    with pytest.raises(DeckError, match="not a preview site"):
        build_preview(root, other)
    assert (other / "keep.txt").read_text(encoding="utf-8") == "precious"


# --- in the browser ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser_page(site):
    """The preview open in headless Chromium; console errors, page errors and requests recorded."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    out, prepared = site
    errors: list[str] = []
    remote: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1000, "height": 900}, color_scheme="light")
        page = context.new_page()
        page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
        page.on("request", lambda r: None if r.url.startswith(("file:", "data:")) else remote.append(r.url))
        page.goto((out / INDEX).as_uri(), wait_until="load")
        yield page, prepared, errors, remote
        context.close()
        browser.close()


def _visible(page) -> int:
    return page.locator("article.pv-card:visible").count()


def _set_filters(page, source: str = "", difficulty: str = "", topic: str = "", search: str = "") -> int:
    page.select_option("#pv-source", source)
    page.select_option("#pv-difficulty", difficulty)
    page.select_option("#pv-topic", topic)
    page.fill("#pv-search", search)
    return _visible(page)


def _set_night(page, on: bool) -> None:
    if ("nightMode" in (page.get_attribute("body", "class") or "")) != on:
        page.click("#pv-night")


def _note_text(note) -> str:
    return " ".join(BeautifulSoup(f, "html.parser").get_text(" ") for f in note.fields).lower()


@pytest.mark.browser
def test_page_loads_offline_without_errors_and_shows_every_card(browser_page) -> None:
    page, prepared, errors, remote = browser_page
    assert errors == []
    assert remote == []
    n = len(prepared.notes)
    assert _set_filters(page) == n
    assert page.text_content("#pv-count") == f"{n} of {n} cards"
    assert page.locator(".pv-back .card #qa").count() == n  # the shadow roots were attached and styled by the model
    size = page.locator(".pv-back .card").first.evaluate("el => getComputedStyle(el).fontSize")
    assert size == "18px"  # the model's .card rule applies inside the shadow root


@pytest.mark.browser
def test_filters_and_search_show_the_matching_cards(browser_page) -> None:
    page, prepared, errors, _ = browser_page
    notes = prepared.notes
    source = sorted({s for n in notes for s in n.sources})[-1]
    by_source = sum(source in n.sources for n in notes)
    by_level = sum(n.difficulty == "advanced" for n in notes)
    both = sum(source in n.sources and n.difficulty == "advanced" for n in notes)
    topic = Counter(t for n in notes for t in n.tags if "::topic::" in t).most_common()[-1][0].rsplit("::", 1)[-1]
    by_topic = sum(f"ml-interview::topic::{topic}" in n.tags for n in notes)
    word = "gradient"
    by_word = sum(word in _note_text(n) for n in notes)
    by_words = sum(word in _note_text(n) and "boosting" in _note_text(n) for n in notes)
    assert 0 < by_source < len(notes) and 0 < by_level < len(notes) and 0 < by_word < len(notes)

    assert _set_filters(page, source=source) == by_source
    assert page.text_content("#pv-count") == f"{by_source} of {len(notes)} cards"
    assert _set_filters(page, difficulty="advanced") == by_level
    assert _set_filters(page, source=source, difficulty="advanced") == both
    assert _set_filters(page, topic=topic) == by_topic
    assert _set_filters(page, search=word.upper()) == by_word
    assert _set_filters(page, search=f"  {word}   boosting ") == by_words
    assert _set_filters(page, search="no-card-says-this-xyzzy") == 0
    assert page.locator("#pv-empty").is_visible()
    one = notes[0].entry_id
    assert _set_filters(page, search=one) == 1
    assert page.locator(f'article[data-card-id="{one}"]').is_visible()
    assert _set_filters(page) == len(notes)
    assert not page.locator("#pv-empty").is_visible()
    # a topic chip on a card filters by that topic
    chip = page.locator(f'article.pv-card .pv-topic[data-topic="{topic}"]').first
    chip.click()
    assert page.input_value("#pv-topic") == topic and _visible(page) == by_topic
    _set_filters(page)
    assert errors == []


@pytest.mark.browser
def test_night_toggle_sets_ankis_body_classes_on_page_and_cards(browser_page) -> None:
    page, _, errors, _ = browser_page
    _set_night(page, False)
    card = page.locator(".pv-back .card").first
    light_bg = card.evaluate("el => getComputedStyle(el).backgroundColor")
    page.click("#pv-night")
    body = (page.get_attribute("body", "class") or "").split()
    assert "nightMode" in body and "night_mode" in body
    assert {"card", "nightMode", "night_mode"} <= set((card.get_attribute("class") or "").split())
    night_bg = card.evaluate("el => getComputedStyle(el).backgroundColor")
    assert night_bg != light_bg and night_bg == "rgb(30, 30, 32)"  # the model's night colour
    page.click("#pv-night")
    assert "nightMode" not in (page.get_attribute("body", "class") or "")
    assert "nightMode" not in (card.get_attribute("class") or "")
    assert errors == []


@pytest.mark.browser
def test_front_and_back(browser_page) -> None:
    page, prepared, errors, _ = browser_page
    _set_filters(page)
    article = page.locator("article.pv-card").first
    assert article.locator(".pv-back").is_visible() and not article.locator(".pv-front").is_visible()
    assert article.locator(".pv-back hr#answer").count() == 1
    article.locator(".pv-flip").click()
    assert article.locator(".pv-front").is_visible() and not article.locator(".pv-back").is_visible()
    assert article.locator(".pv-front hr#answer").count() == 0
    article.locator(".pv-flip").click()
    page.click("#pv-sides")  # every card to its front
    assert page.locator(".pv-front:visible").count() == len(prepared.notes)
    assert page.locator(".pv-back:visible").count() == 0
    page.click("#pv-sides")
    assert page.locator(".pv-back:visible").count() == len(prepared.notes)
    assert errors == []


@pytest.mark.browser
def test_math_is_rendered_as_mathml(browser_page) -> None:
    page, prepared, errors, _ = browser_page
    expected = sum(n.fields[ANSWER].count('class="arithmatex"') for n in prepared.notes)
    if expected == 0:
        pytest.skip("no card's answer has math")
    _set_filters(page)
    found = page.evaluate(
        """() => {
          const raw = [];
          let math = 0, sized = 0, answerMath = 0;
          for (const host of document.querySelectorAll('.pv-back')) {
            const root = host.shadowRoot;
            math += root.querySelectorAll('.arithmatex math').length;
            answerMath += root.querySelectorAll('.mld-answer .arithmatex math').length;
            for (const m of root.querySelectorAll('math')) if (m.getBoundingClientRect().width > 0) sized++;
            for (const el of root.querySelectorAll('.arithmatex')) {
              if (!el.querySelector('math')) raw.push(el.textContent);
            }
            const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            while (walk.nextNode()) {
              const node = walk.currentNode;
              if (!node.parentElement.closest('pre, code') && /\\\\[(\\[]/.test(node.data)) raw.push(node.data);
            }
          }
          return {math, sized, answerMath, raw};
        }"""
    )
    assert found["raw"] == []
    assert found["answerMath"] == expected
    assert found["sized"] == found["math"] > 0
    assert errors == []


def _shoot(page, card_id: str, name: str) -> list[Path]:
    """Screenshots of one card, light then night, as build/screenshots/preview-<name>-<mode>.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert _set_filters(page, search=card_id) >= 1
    page.set_viewport_size({"width": 1000, "height": 4000})  # the whole card without scrolling under the toolbar
    page.evaluate("window.scrollTo(0, 0)")
    article = page.locator(f'article[data-card-id="{card_id}"]')
    paths = []
    for mode in ("light", "night"):
        _set_night(page, mode == "night")
        path = SHOTS / f"preview-{name}-{mode}.png"
        article.screenshot(path=str(path))
        assert path.stat().st_size > 5_000
        paths.append(path)
    _set_night(page, False)
    page.set_viewport_size({"width": 1000, "height": 900})
    _set_filters(page)
    return paths


@pytest.mark.browser
def test_screenshot_code_card(browser_page) -> None:
    page, prepared, errors, _ = browser_page
    code = [n for n in prepared.notes if 'class="highlight"' in n.fields[ANSWER]]
    assert code, "no card has a highlighted code block"
    note = min(code, key=lambda n: len(n.fields[ANSWER]))
    article = page.locator(f'article[data-card-id="{note.entry_id}"]')
    assert article.locator(".pv-back .highlight pre").count() >= 1
    light, night = _shoot(page, note.entry_id, "code")
    assert light.read_bytes() != night.read_bytes()
    assert errors == []


@pytest.mark.browser
def test_screenshot_diagram_card(browser_page) -> None:
    page, prepared, errors, _ = browser_page
    diagrams = [n for n in prepared.notes if DIAGRAM_IMG.search(n.fields[ANSWER])]
    if not diagrams:
        pytest.skip("no card's Answer has an <img class=…diagram…> yet: diagram screenshots not taken")
    note = diagrams[0]
    imgs = page.locator(f'article[data-card-id="{note.entry_id}"] .pv-back img[class*="diagram"]')
    assert imgs.count() >= 1
    loaded = imgs.evaluate_all("els => els.map(i => i.complete && i.naturalWidth > 0)")
    assert all(loaded), "a diagram picture did not load from the preview folder"
    light, night = _shoot(page, note.entry_id, "diagram")
    assert light.read_bytes() != night.read_bytes()
    assert errors == []
