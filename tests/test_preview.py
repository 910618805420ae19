"""`build_deck.py preview`: the static card preview site.

Unit tests cover the Anki template subset, TeX -> MathML and the page's search text. The
browser tests build the preview of the fixed test corpus (tests/fixtures/project: 14 cards from
every source and level, with formulas, code and diagrams), open it from file:// in headless
Chromium (Debian's, driven by playwright) with no network, and use it as a person would:
filters, search, night mode, front/back. They test the page, not the repository's cards, whose
every note tests/content/test_phone_layout.py typesets with Anki's MathJax. They leave
screenshots of a code card and a diagram card, light and night, in
build/screenshots/preview-*.png for a person to look at.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

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

from .helpers import ROOT, copy_fixture, copy_project

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
    """The preview of a copy of the test corpus, built through the CLI; and its notes."""
    root = copy_fixture(tmp_path_factory.mktemp("preview") / "proj")
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


def test_each_card_links_to_its_file(site) -> None:
    out, prepared = site
    soup = BeautifulSoup((out / INDEX).read_text(encoding="utf-8"), "html.parser")
    paths = {e.id: e.path for e in prepared.cards}
    articles = soup.select("article.pv-card")
    assert len(articles) == len(prepared.notes)
    for article in articles:
        (link,) = article.select("a.pv-file")
        target = (out / unquote(link["href"])).resolve()
        assert target == paths[article["data-card-id"]].resolve() and target.is_file()
        assert link.get_text() == target.relative_to(out.parent.parent.resolve()).as_posix()


def _one_card(root: Path, name: str, answer: str) -> None:
    (root / "cards" / "epam").mkdir()
    (root / "cards" / "epam" / name).write_text(
        "---\nid: epam-007\nsource: epam\nref: 7\ndifficulty: basic\ntopics: [fundamentals]\n"
        f"answer_origin: deck\n---\n\n# What is $x$?\n\n{answer}\n\n## Key point\n\nIt is x.\n",
        encoding="utf-8",
    )


def test_with_the_repository_address_set_cards_link_to_the_forges_edit_page(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    _one_card(root, "007-a b#c.md", "The answer.")
    (root / "pyproject.toml").write_text('[project]\nname = "x"\nurls = { Repository = "https://github.com/o/r" }\n')
    result = build_preview(root, math="mathml")
    soup = BeautifulSoup(result.index.read_text(encoding="utf-8"), "html.parser")
    (link,) = soup.select("a.pv-file")
    assert link["href"] == "https://github.com/o/r/edit/main/cards/epam/007-a%20b%23c.md"
    assert link.get_text() == "Edit cards/epam/007-a b#c.md" and link["rel"] == ["noopener"]


def test_maths_by_mathjax_when_installed_else_mathml(tmp_path: Path, monkeypatch) -> None:
    from mldeck.preview import mathjax, site

    root = copy_project(tmp_path / "project")
    _one_card(root, "007-q.md", "$$\\begin{aligned} a &= b \\\\ c &= \\arg\\max_x f(x) \\end{aligned}$$")
    installed = mathjax.find_mathjax()
    if installed is not None:
        result = build_preview(root, tmp_path / "mj", math="auto")
        page = result.index.read_text(encoding="utf-8")
        assert result.mathjax == installed.version and result.math_problems == []
        assert '<script src="_mathjax/config.js"></script>' in page and "_mathjax/tex-chtml.js" in page
        assert "\\begin{aligned}" in page and "<math" not in page  # TeX, as Anki receives it
        assert (tmp_path / "mj" / "_mathjax" / "output" / "chtml" / "fonts" / "woff-v2").is_dir()
        assert (tmp_path / "mj" / "_mathjax" / "input" / "tex" / "extensions" / "mathtools.js").is_file()
    monkeypatch.setattr(site, "find_mathjax", lambda: None)
    result = build_preview(root, tmp_path / "ml", math="auto")
    page = result.index.read_text(encoding="utf-8")
    assert result.mathjax is None and "_mathjax" not in page and not (tmp_path / "ml" / "_mathjax").exists()
    assert result.math_problems == [] and "<math" in page and ">arg<" in page  # MathML, \arg converted
    with pytest.raises(DeckError, match="MathJax 3 is not installed"):
        build_preview(root, tmp_path / "none", math="mathjax")


# --- in the browser ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser_page(site, chromium):
    """The preview open in headless Chromium (the process's one: tests/conftest.py); console
    errors, page errors and requests recorded."""
    out, prepared = site
    errors: list[str] = []
    remote: list[str] = []
    context = chromium.new_context(viewport={"width": 1000, "height": 900}, color_scheme="light")
    page = context.new_page()
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("request", lambda r: None if r.url.startswith(("file:", "data:")) else remote.append(r.url))
    page.goto((out / INDEX).as_uri(), wait_until="load")
    _math_settled(page)
    yield page, prepared, errors, remote
    context.close()


def _visible(page) -> int:
    return page.locator("article.pv-card:visible").count()


def _math_settled(page) -> None:
    """Wait until MathJax (when the page has it) has typeset what is shown."""
    if page.get_attribute("body", "data-math") == "mathjax":
        page.wait_for_function("document.body.dataset.mathDone === 'yes'", timeout=60_000)


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
    other = "features"
    by_other = sum(other in _note_text(n) for n in notes)
    by_words = sum(word in _note_text(n) and other in _note_text(n) for n in notes)
    assert 0 < by_source < len(notes) and 0 < by_level < len(notes) and 0 < by_word < len(notes)
    assert 0 < by_words < by_other  # both words: fewer cards than the second word alone

    assert _set_filters(page, source=source) == by_source
    assert page.text_content("#pv-count") == f"{by_source} of {len(notes)} cards"
    assert _set_filters(page, difficulty="advanced") == by_level
    assert _set_filters(page, source=source, difficulty="advanced") == both
    assert _set_filters(page, topic=topic) == by_topic
    assert _set_filters(page, search=word.upper()) == by_word
    assert _set_filters(page, search=f"  {word}   {other.upper()} ") == by_words
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


def _option_counts(page, select: str) -> dict[str, int]:
    texts = page.eval_on_selector_all(f"{select} option", "os => os.map(o => [o.value, o.textContent])")
    return {value: int(re.search(r"\((\d+)\)$", text).group(1)) for value, text in texts}


@pytest.mark.browser
def test_filter_counts_follow_the_other_filters(browser_page) -> None:
    page, prepared, errors, _ = browser_page
    notes = prepared.notes
    n = len(notes)
    assert _set_filters(page) == n
    levels = _option_counts(page, "#pv-difficulty")
    assert levels[""] == n and levels["advanced"] == sum(x.difficulty == "advanced" for x in notes)
    source = sorted({s for x in notes for s in x.sources})[-1]
    _set_filters(page, source=source)
    in_source = [x for x in notes if source in x.sources]
    levels = _option_counts(page, "#pv-difficulty")
    assert levels[""] == len(in_source) < n
    for level in ("basic", "intermediate", "advanced"):
        assert levels.get(level, 0) == sum(x.difficulty == level for x in in_source)
    topics = _option_counts(page, "#pv-topic")
    assert topics[""] == len(in_source)
    assert all(topics[t] == sum(f"ml-interview::topic::{t}" in x.tags for x in in_source) for t in topics if t)
    assert _option_counts(page, "#pv-source")[""] == n  # a filter's own options ignore it
    _set_filters(page, source=source, difficulty="advanced")
    assert _option_counts(page, "#pv-source")[source] == sum(
        source in x.sources and x.difficulty == "advanced" for x in notes
    )
    _set_filters(page)
    assert errors == []


@pytest.mark.browser
def test_the_filters_live_in_the_url(browser_page) -> None:
    page, prepared, errors, _ = browser_page
    notes = prepared.notes
    source = sorted({s for x in notes for s in x.sources})[0]
    expected = _set_filters(page, source=source, difficulty="intermediate", search="model")
    assert page.url.endswith(f"#source={source}&difficulty=intermediate&q=model")
    other = page.context.new_page()
    other.goto(page.url)
    _math_settled(other)
    assert other.input_value("#pv-source") == source and other.input_value("#pv-difficulty") == "intermediate"
    assert other.input_value("#pv-search") == "model" and _visible(other) == expected
    other.goto(page.url.split("#")[0] + "#source=%3Cscript%3E&topic=nope&q=%3Cb%3Eb")
    assert other.input_value("#pv-source") == "" and other.input_value("#pv-topic") == ""
    assert other.input_value("#pv-search") == "<b>b" and other.locator("#pv-search b").count() == 0
    one = notes[0].entry_id
    other.goto(page.url.split("#")[0] + f"#card-{one}")  # a card anchor keeps its meaning
    assert other.url.endswith(f"#card-{one}") and _visible(other) == len(notes)
    other.close()
    _set_filters(page)
    assert "#" not in page.url
    assert errors == []


@pytest.mark.browser
def test_phone_toolbar_is_one_short_row(browser_page, site) -> None:
    """At 390x844 the toolbar was ~220 px (a quarter of the screen): now one row, filters on demand."""
    out, prepared = site
    phone = browser_page[0].context.browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        page = phone.new_page()
        page.goto((out / INDEX).as_uri())
        bar = page.locator("#pv-toolbar").bounding_box()
        assert bar["width"] <= 390 and bar["height"] <= 56, bar
        assert page.locator("#pv-search").is_visible() and page.locator("#pv-night").is_visible()
        assert not page.locator("#pv-source").is_visible()
        assert page.text_content("#pv-shown") == str(len(prepared.notes))
        assert page.locator("article.pv-card").first.bounding_box()["y"] < bar["height"] + 20
        page.click("#pv-more")
        assert page.get_attribute("#pv-more", "aria-expanded") == "true"
        assert page.locator("#pv-source").is_visible() and page.locator("#pv-topic").is_visible()
        page.select_option("#pv-difficulty", "advanced")
        shown = sum(x.difficulty == "advanced" for x in prepared.notes)
        assert page.text_content("#pv-shown") == f"{shown}/{len(prepared.notes)}"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390  # nothing sideways
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "preview-phone-toolbar.png"))
    finally:
        phone.close()


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
def test_math_is_typeset_by_mathjax_as_in_anki(browser_page) -> None:
    """Every formula on a shown card is typeset by MathJax 3 (CHTML, Anki's config), with its
    fonts, from the folder next to the page: `\\begin{aligned}` and `\\arg\\max` included."""
    page, prepared, errors, _ = browser_page
    if page.get_attribute("body", "data-math") != "mathjax":
        pytest.skip("MathJax is not installed (npm ci --prefix tools/mathjax): the preview shows MathML")
    in_answers = sum(n.fields[ANSWER].count('class="arithmatex"') for n in prepared.notes)
    if in_answers == 0:
        pytest.skip("no card's answer has math")
    _set_filters(page)
    _math_settled(page)
    found = page.evaluate(
        """() => {
          const raw = [], failed = [], hard = [];
          let typeset = 0, sized = 0, shown = 0;
          for (const host of document.querySelectorAll('.pv-back')) {
            const root = host.shadowRoot;
            for (const el of root.querySelectorAll('.arithmatex')) {
              const math = el.querySelector('mjx-container[jax="CHTML"]');
              if (!math) { raw.push(el.textContent); continue; }
              typeset++;
              if (math.querySelector('mjx-merror')) failed.push(el.outerHTML.slice(0, 200));
              if (!el.closest('details:not([open])')) {
                shown++;
                if (math.getBoundingClientRect().width > 0) sized++;
              }
            }
            const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            while (walk.nextNode()) {
              const node = walk.currentNode;
              const inCode = node.parentElement.closest('pre, code, mjx-container');
              if (!inCode && /\\\\[(\\[]/.test(node.data)) raw.push(node.data);
            }
          }
          const fonts = [...document.fonts].filter(f => f.family === 'MJXTEX' && f.status === 'loaded').length;
          return {typeset, sized, shown, raw, failed, fonts};
        }"""
    )
    assert found["raw"] == [] and found["failed"] == []  # every formula typeset, none in error
    assert found["typeset"] >= in_answers
    assert found["sized"] == found["shown"] > 0
    assert found["fonts"] == 1  # MathJax's TeX font, loaded from _mathjax/ beside the page
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
    imgs.evaluate_all("els => els.forEach(i => { const d = i.closest('details'); if (d) d.open = true; })")
    assert any(imgs.evaluate_all("els => els.map(i => i.getBoundingClientRect().height > 0)"))  # one theme's shows
    light, night = _shoot(page, note.entry_id, "diagram")  # the figure opened, for a person to look at
    assert light.read_bytes() != night.read_bytes()
    assert errors == []
