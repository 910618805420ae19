"""Formulas: found where arithmatex finds them, checked by MathJax 3.2.2 under node (all in one
run), by a structural check when node is missing (with one warning), and refused when they
reach outside the card. A broken formula stops lint and the build at its file and line."""

from __future__ import annotations

import html
import re
import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mldeck.entries import Entry, format_entry, read_entries, read_entry
from mldeck.render.markdown import Renderer, RenderError
from mldeck.render.media import MediaStore
from mldeck.sections import KEYS
from mldeck.tex import fallback, mathjax, simple
from mldeck.tex.check import check_entries
from mldeck.tex.extract import formulas
from mldeck.tex.hostile import hostile
from tests.helpers import ROOT, copy_project, run_cli

needs_mathjax = pytest.mark.skipif(mathjax.available() is not None, reason=str(mathjax.available()))


def card(n: int, answer: str) -> str:
    """A card file; the answer starts on line 12."""
    return format_entry(
        Entry.make(id=f"epam-{n}", source="epam", ref=str(n), difficulty="basic", topics=("fundamentals",),
                   answer_origin="deck", question=f"What is formula {n}?", answer=answer, key_point="A point.")
    )  # fmt: skip


def run(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return run_cli(root, *args, env=env, cwd=ROOT, timeout=300)


# --- where formulas are ---------------------------------------------------------------------------


def _rendered_tex(html_text: str) -> list[str]:
    return [
        html.unescape(m.group(2))[2:-2].strip()
        for m in re.finditer(r'<(span|div) class="arithmatex">(.*?)</\1>', html_text, re.S)
    ]


EXTRACTION_CASES = [
    "Inline $a+b$, a price of $5 and $10, and \\(c\\).",
    "Code `$not math$` and ``$`` and then $x$.",
    "```python\nprint('$x$')\n```\n\nAfter the fence $y_1$.",
    "$$\n\\frac{a}{b}\n$$\n\nText.\n\n\\[ x^2 \\]\n\n\\begin{align}\na &= b\n\\end{align}",
    "- item with $\\alpha$\n- another $\\beta$ here",
    "Escaped \\$5 and \\$6, then $z$.",
    "Spans lines: $a +\nb$ done.",
]


@pytest.mark.parametrize("text", EXTRACTION_CASES)
def test_formulas_are_found_where_arithmatex_finds_them(text: str):
    rendered = Renderer(MediaStore(ROOT)).render(text)
    assert [f.tex.strip() for f in formulas(text)] == _rendered_tex(rendered)


def _rendered(text: str) -> list[str]:
    try:
        return _rendered_tex(_RENDERER.render(text))
    except RenderError:  # a backtick run opened a fence with an unknown language: not about formulas
        assume(False)
        raise


PIECES = ["$", "$$", "\\", "\\(", "\\)", "\\[", "\\]", "a", "x^2", " ", "\n", "\n\n", "`", "{", "}", "\\frac"]


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_formulas_agree_with_arithmatex_on_any_paragraphs(text: str):
    """Random mixes of delimiters, escapes, code spans and paragraphs: the very same formulas."""
    assert [f.tex.strip() for f in formulas(text)] == _rendered(text)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([*PIECES, "- ", "    ", "1. ", "\n- ", "\n    "]), max_size=30).map("".join))
def test_formulas_in_lists_are_never_invented(text: str):
    """With lists and indented code too: every formula found is one arithmatex makes (lint
    never calls a formula broken that the deck does not have; a list's rare display math may
    be missed, and the sanitiser still neutralises hostile TeX there)."""
    theirs = iter(_rendered(text))
    assert all(any(f.tex.strip() == t for t in theirs) for f in formulas(text)), (formulas(text), _rendered(text))


_RENDERER = Renderer(MediaStore(ROOT))


@pytest.mark.parametrize("text", ["\\(" * 50_000, "$\\(" * 30_000, "$a$ " * 40_000, "\\(a\\) " * 40_000])
def test_formula_floods_are_found_in_linear_time(text: str):
    start = time.perf_counter()
    formulas(text)
    assert time.perf_counter() - start < 3


def test_every_formula_of_the_repository_is_found(tmp_path: Path):
    renderer = Renderer(MediaStore(ROOT))
    checked = 0
    for entry in read_entries(ROOT / "cards"):
        for key in KEYS:
            text = entry.text(key)
            if "$" not in text and "\\(" not in text and "\\[" not in text or "```mermaid" in text:
                continue
            if "```vega-lite" in text:
                continue
            assert [f.tex.strip() for f in formulas(text)] == _rendered_tex(renderer.render(text)), (entry.id, key)
            checked += 1
    assert checked > 50


def test_formula_lines_are_card_file_lines(tmp_path: Path):
    path = tmp_path / "c.md"
    path.write_text(card(1, "First line.\n\nSecond $a$ and\n$\\sqrt{x$ here."))
    report = check_entries([read_entry(path)])
    assert [(p.line, "Missing close brace" in p.message) for p in report.problems] == [(15, True)]


# --- MathJax and the fallback ---------------------------------------------------------------------

BROKEN = [
    ("\\sqrt{x", "Missing close brace"),
    ("x}", "Extra close brace or missing open brace"),
    ("x^2^3", "Double exponent: use braces to clarify"),
    ("x_1_2", "Double subscripts: use braces to clarify"),
    ("x^", "Missing superscript or subscript argument"),
    ("\\left( x", "Extra \\left or missing \\right"),
    ("x \\right)", "Missing \\left or extra \\right"),
    ("\\begin{aligned} a \\end{cases}", "\\begin{aligned} ended with \\end{cases}"),
    ("a & b", "Misplaced &"),
    ("#1", "You can't use 'macro parameter character #' in math mode"),
]
UNKNOWN_MACRO = ("\\sqrtt{x}", "Undefined control sequence \\sqrtt")
VALID = [
    "\\frac{a}{b}", "x_i^2", "x^{a}_{b}", "\\left( \\frac{1}{2} \\right)",
    "\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}",
    "\\hat\\theta_{\\text{MLE}} = \\arg\\max_\\theta p(D \\mid \\theta)", "\\color{red}{x}", "\\cancel{x}",
    "\\ce{H2O}", "\\coloneqq", "\\{ x \\}", "\\mathbb{E}[X]", "\\operatorname*{arg\\,max}_x f(x)",
    "\\begin{cases} 1 & x > 0 \\\\ 0 & \\text{else} \\end{cases}", "a^{b^{c}}", "\\sum_{i=1}^{n} x_i",
]  # fmt: skip


@needs_mathjax
def test_mathjax_reports_its_errors_and_accepts_valid_tex():
    tex = [t for t, _ in BROKEN] + [UNKNOWN_MACRO[0]] + VALID
    errors = mathjax.check_all([(t, False) for t in tex])
    assert errors[: len(BROKEN)] == [m for _, m in BROKEN]
    assert errors[len(BROKEN)] == UNKNOWN_MACRO[1]
    assert errors[len(BROKEN) + 1 :] == [None] * len(VALID)


def test_the_fallback_reports_what_mathjax_reports():
    assert [fallback.check(t) for t, _ in BROKEN] == [m for _, m in BROKEN]
    assert [fallback.check(t) for t in VALID] == [None] * len(VALID)


@needs_mathjax
def test_the_fallback_never_flags_what_mathjax_accepts():
    """On every formula of the deck and a corpus of variations: no false errors."""
    tex = [f.tex for e in read_entries(ROOT / "cards") for k in KEYS for f in formulas(e.text(k))]
    tex += [t.replace("{", "{ ").replace("^", " ^ ") for t in VALID] + ["x'^2", "\\{", "a \\\\ b", "{}^{14}C"]
    for t, error in zip(tex, mathjax.check_all([(t, False) for t in tex]), strict=True):
        if error is None:
            assert fallback.check(t) is None, t


@needs_mathjax
def test_the_whole_deck_is_checked_in_one_fast_node_run(monkeypatch):
    calls = []
    real = subprocess.run
    monkeypatch.setattr(mathjax.subprocess, "run", lambda *a, **k: calls.append(a) or real(*a, **k))
    entries = read_entries(ROOT / "cards")
    start = time.perf_counter()
    report = check_entries(entries)
    elapsed = time.perf_counter() - start
    assert report.problems == [] and report.count > 300 and report.engine == "MathJax 3.2.2"
    assert len(calls) == 1 and elapsed < 10


def test_a_second_check_runs_node_only_for_the_edited_entry(monkeypatch, tmp_path: Path):
    """With a cache folder, unchanged entries keep MathJax's verdict: one edit, one entry checked."""
    checked: list[int] = []
    real = mathjax.check_all
    monkeypatch.setattr(mathjax, "check_all", lambda todo: checked.append(len(todo)) or real(todo))
    entries = read_entries(ROOT / "cards")
    broken = next(e for e in entries if "$" in e.text("answer"))
    assert check_entries(entries, tmp_path).problems == [] and checked[-1] > 50
    assert check_entries(entries, tmp_path).problems == [] and len(checked) == 1  # nothing to check: no node
    edited = broken.replace(answer=broken.text("answer") + "\n\nthen $\\frac{1}{2}\\foo$ follows\n")
    report = check_entries([edited if e is broken else e for e in entries], tmp_path)
    mine = {(f.tex, f.display) for k in KEYS for f in formulas(edited.text(k)) if not simple.parses(f.tex)}
    assert len(checked) == 2 and checked[-1] == len(mine)  # the edited entry's formulas MathJax must see
    assert [p.path for p in report.problems] == [broken.path] and "MathJax" in report.problems[0].message
    again = check_entries([edited if e is broken else e for e in entries], tmp_path)
    assert len(checked) == 2 and [str(p) for p in again.problems] == [str(p) for p in report.problems]


# --- refused TeX ----------------------------------------------------------------------------------

HOSTILE_TEX = [
    "\\href{javascript:alert(1)}{x}", "\\url{https://tracker.example/x}", "\\style{background:url(https://e.x/p)}{x}",
    "\\class{nightMode}{x}", "\\cssId{answer}{x}", "\\data{x=1}{x}", "\\unicode{x263A}", "\\require{action}",
    "\\toggle{a}{b}\\endtoggle", "\\mathtip{x}{tip}", "\\texttip{x}{tip}", "\\def\\sqrt{x}", "\\newcommand{\\R}{x}",
    "\\renewcommand{\\frac}{x}", "\\let\\a\\b", "\\mmlToken{mi}[href=\"javascript:alert(1)\"]{x}",
    "\\bbox[background:url(https://e.x/p)]{x}", "\\text{javascript:alert(1)}", "\\DeclareMathOperator{\\x}{x}",
    "\\Newextarrow{\\x}{1,2}{0x21C4}", "\\setOptions[tex]{maxMacros=1}", "\\begingroup\\gdef\\x{y}\\endgroup",
    "\\DeclarePairedDelimiter\\abs{\\lvert}{\\rvert}", "\\mathtoolsset{showonlyrefs}", "\\definecolor{a}{RGB}{1,2,3}",
    "\\newtagform{x}{(}{)}",
]  # fmt: skip


@pytest.mark.parametrize("tex", HOSTILE_TEX)
def test_tex_that_reaches_outside_the_card_is_refused(tex: str):
    assert hostile(tex) is not None


@pytest.mark.parametrize("tex", VALID + ["\\bbox[yellow,5px]{x}", "\\textstyle x", "\\classification"])
def test_ordinary_tex_is_not_refused(tex: str):
    assert hostile(tex) is None


# --- end to end -------------------------------------------------------------------------------------


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = copy_project(tmp_path / "proj")
    (root / "cards" / "epam").mkdir(parents=True)
    (root / "cards/epam/001-ok.md").write_text(card(1, "Fine: $\\frac{a}{b}$."))
    return root


@pytest.mark.parametrize("env", [{}, {"MLDECK_NODE": "/nonexistent/node"}], ids=["mathjax", "fallback"])
def test_broken_latex_stops_lint_and_build(project: Path, env: dict, tmp_path: Path):
    # Its own cache: the suite's one would hold MathJax's verdicts on this card from the other run.
    env = {**env, "MLDECK_CACHE_DIR": str(tmp_path / "cache")}
    (project / "cards/epam/002-broken.md").write_text(card(2, "Intro.\n\nThe root $\\sqrt{x$ is broken."))
    lint = run(project, "lint", env=env)
    assert lint.returncode == 1 and "Traceback" not in lint.stderr
    assert "cards/epam/002-broken.md:14: error: formula `\\sqrt{x`: Missing close brace" in lint.stdout
    warnings = [line for line in lint.stderr.splitlines() if "without MathJax" in line]
    assert len(warnings) == (1 if "MLDECK_NODE" in env else 0)
    build = run(project, "build", "--quiet", env=env)
    assert build.returncode == 1 and "no deck written" in build.stderr
    assert f"{project}/cards/epam/002-broken.md:14: error: formula `\\sqrt{{x`: Missing close brace" in build.stderr
    assert not (project / "dist").exists()


def test_hostile_tex_stops_lint_and_build_at_its_line(project: Path):
    body = "\n\n".join(f"${t}$" if i % 2 else f"\\({t}\\)" for i, t in enumerate(HOSTILE_TEX))
    (project / "cards/epam/003-hostile.md").write_text(card(3, body))
    lint = run(project, "lint")
    lines = {int(m) for m in re.findall(r"^cards/epam/003-hostile\.md:(\d+): error: formula ", lint.stdout, re.M)}
    assert lines == {12 + 2 * i for i in range(len(HOSTILE_TEX))}, lint.stdout
    build = run(project, "build", "--quiet")
    assert build.returncode == 1 and build.stderr.count("003-hostile.md:") == len(HOSTILE_TEX)


def test_a_clean_project_builds_with_its_formulas(project: Path):
    proc = run(project, "build", "--quiet")
    assert proc.returncode == 0, proc.stderr


# --- formulas too plain to fail (mldeck/tex/simple.py): never a MathJax error let through ------------

SIMPLE_ATOMS = ["x", "7", " ", "+", "=", "(", ")", "[", "]", ",", "|", "{x}", "{}", "\\,", "\\{", "\\}", "\\|"]
NOT_SIMPLE = ["x'", "x^", "x_1_2", "x^a^b", "x^a_b^c", "{x", "x}", "\\foo", "\\text{a}", "\\left(x\\right)", "a & b",
              "a \\\\ b", "\\sqrt[3]{x}", "\\frac{a}", "^2", "é", "\\", "\\alphax", "\\hat", "x^\\frac12",
              "\\operatorname{arg max}", "\\operatorname*{argmax}", "\\mathbb"]  # fmt: skip


def _random_formulas(count: int, seed: int = 11) -> list[str]:
    """Strings from the simple grammar's pieces and its near misses, glued at random."""
    import random

    rng = random.Random(seed)
    pieces = SIMPLE_ATOMS + ["^", "_", "^{", "_{", "}", "{", "'", "\\\\", "&", "\n", "  ", "\\foo", "\\sqrt[2]"]
    pieces += [f"\\{w}" for w in sorted(simple.SYMBOLS | simple.NAMED)] + [
        f"\\{w}" for w in sorted(simple.ACCENTS | simple.TWO_ARGS)
    ]
    pieces += ["\\operatorname{argmax}", "\\operatorname{", "a", "b", "i", "1", "2"] * 3
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 9))) for _ in range(count)]


def test_plain_formulas_are_simple_and_near_misses_are_not():
    assert simple.parses("L = \\sum_i (y_i - \\hat y_{42})^2")
    assert simple.parses("\\frac{\\partial L}{\\partial w} = \\operatorname{argmax}_\\theta p(x \\mid \\theta)")
    assert all(simple.parses(f"x {a} y") for a in SIMPLE_ATOMS)
    assert [t for t in NOT_SIMPLE if simple.parses(t)] == []


@needs_mathjax
@pytest.mark.slow
def test_what_the_simple_grammar_accepts_mathjax_accepts():
    """Every macro the grammar lists, in every place it allows, and 4,000 random strings of its
    pieces: whatever `parses` says True for, MathJax 3.2.2 parses without an error."""
    tex = [f"\\{w}" for w in simple.SYMBOLS | simple.NAMED] + [f"x_\\{w}^\\{w}" for w in simple.SYMBOLS]
    tex += [f"\\{a}\\{w} \\frac\\{w}{{\\{w}}}" for w in simple.SYMBOLS for a in simple.ACCENTS]
    tex += [f"\\{w}_x^{{y}}" for w in simple.NAMED]
    tex += [f"\\{w}{{x}}" for w in simple.ACCENTS] + [f"\\{w} y" for w in simple.ACCENTS]
    tex += [f"\\{w}{{a}}{{b}}" for w in simple.TWO_ARGS] + [f"\\{w}12" for w in simple.TWO_ARGS]
    tex += [f"x {a}^x_{{y}}" for a in SIMPLE_ATOMS if a.strip()] + [f"{{x}}{a}" for a in SIMPLE_ATOMS]
    assert all(simple.parses(t) for t in tex), [t for t in tex if not simple.parses(t)]
    randoms = _random_formulas(4000)
    accepted = [t for t in randoms if simple.parses(t)]
    assert len(accepted) > 400  # the random strings reach the grammar, not only its near misses
    tex += accepted
    for display in (False, True):
        wrong = [(t, e) for t, e in zip(tex, mathjax.check_all([(t, display) for t in tex]), strict=True) if e]
        assert wrong == []
