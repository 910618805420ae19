"""Hostile content, end to end: what Anki reads as markup although it is not HTML (sound, speech
and LaTeX tags, MathJax delimiters and macros, Anki's field separator), source metadata that
reaches the deck description and every back, and HTML inside MathML on the preview page. Each
case is refused at its file and line, or builds into fields that hold nothing live."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from mldeck.notetype.model import FIELDS
from mldeck.preview.math import MATHML_TAGS, mathml_fields
from mldeck.tex.hostile import hostile
from tests.helpers import copy_project, run_cli
from tests.test_hostile import DECK, card_text, unsafe

pytestmark = pytest.mark.slow  # many CLI runs over a hostile corpus: `make test` and CI run it, `make check` does not

# --- what a field must never carry live -----------------------------------------------------------

AV_TAG = re.compile(r"\[(?:sound:|anki:)", re.IGNORECASE)  # what Anki plays or speaks
LATEX_TAG = re.compile(r"\[(?:latex|\$\$?)\]", re.IGNORECASE)  # what Anki desktop runs LaTeX on
SKIPPED = {"code", "pre"}


class _Runs(HTMLParser):
    """Text runs as MathJax sees them: (text, inside code, inside an arithmatex element)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []
        self.runs: list[tuple[str, bool, bool]] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "hr", "img"):
            return
        code, math = self.stack[-1][1:] if self.stack else (False, False)
        classes = (dict(attrs).get("class") or "").split()
        self.stack.append(
            (tag, code or tag in SKIPPED or "mathjax_process" in classes, math or "arithmatex" in classes)
        )

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        code, math = self.stack[-1][1:] if self.stack else (False, False)
        self.runs.append((data, code, math))


def live_markup(field: str) -> list[str]:
    """What in a field Anki would play, speak, run LaTeX on, or typeset as a hostile formula."""
    found = [m.group(0) for m in AV_TAG.finditer(field)] + [m.group(0) for m in LATEX_TAG.finditer(field)]
    parser = _Runs()
    parser.feed(field)
    parser.close()
    for text, code, math in parser.runs:
        if code:
            continue
        typeset = [m.group(1) or m.group(2) or "" for m in re.finditer(r"\\\((.*?)\\\)|\\\[(.*?)\\\]", text, re.S)]
        if math and any(why := hostile(tex) for tex in typeset):
            found.append(f"typeset: {why}")
        elif not math and re.search(r"\\[(\[]", text):
            found.append(f"a formula outside the renderer's: {text[:60]!r}")
    return found


def notes_of(apkg: Path, tmp: Path) -> list[list[str]]:
    with zipfile.ZipFile(apkg) as zf:
        (tmp / "c.db").write_bytes(zf.read("collection.anki2"))
    conn = sqlite3.connect(tmp / "c.db")
    rows = [flds.split("\x1f") for (flds,) in conn.execute("select flds from notes")]
    decks = json.loads(conn.execute("select decks from col").fetchone()[0])
    conn.close()
    (tmp / "c.db").unlink()
    return rows + [[d.get("desc", "") for d in decks.values()]]


def png_bytes() -> bytes:
    """A valid 1x1 PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0\0")) + chunk(b"IEND", b"")


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = copy_project(tmp_path / "proj")
    (root / "media" / "ok.png").write_bytes(png_bytes())
    (root / "cards" / "epam").mkdir()
    (root / "cards/epam/900-base.md").write_text(card_text(900))
    return root


def build_ok(root: Path, tmp: Path) -> list[list[str]]:
    proc = run_cli(root, "build", "--quiet")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    return notes_of(root / DECK, tmp)


def refused_at(root: Path, path: str, line: int, message: str) -> None:
    """Lint and build both stop with `path:line: error: …message…`; no deck is written."""
    lint = run_cli(root, "lint")
    assert lint.returncode == 1 and "Traceback" not in lint.stderr, lint.stdout + lint.stderr
    assert re.search(rf"^{re.escape(path)}:{line}: error: .*{re.escape(message)}", lint.stdout, re.M), lint.stdout
    build = run_cli(root, "build", "--quiet")
    assert build.returncode == 1 and "Traceback" not in build.stderr, build.stderr
    assert re.search(rf"{re.escape(path)}:{line}: error: .*{re.escape(message)}", build.stderr), build.stderr
    assert not (root / DECK).exists()


# --- Anki markup in card texts: shown as text ---------------------------------------------------------

ANKI_MARKUP = [
    "[sound:pwned.mp3]", "[SOUND:x.mp3]", "[anki:tts lang=en_US]spoken[/anki:tts]", "[anki:play:a:0]",
    "[latex]\\immediate\\write18{touch PWNED}[/latex]", "[LaTeX]x[/LaTeX]", "[$]\\frac{a}{b}[/$]",
    "[$$]x[/$$]", "\\\\(\\\\href{javascript:alert(1)}{smuggled}\\\\)", "\\\\[\\\\style{color:red}{x}\\\\]",
    "`[sound:in-code.mp3]`", "[link [sound:a.mp3]](https://example.org/[sound:b.mp3])",
    "![alt [sound:c.mp3]](media/ok.png)",
    '<span class="arithmatex">\\\\(\\\\href{javascript:alert(1)}{raw}\\\\)</span>',
    '<code class="mathjax_process">\\\\(x\\\\)</code>',
    "| a | [sound:cell.mp3] |\n|---|---|\n| \\\\(x\\\\) | [latex]y[/latex] |",
]  # fmt: skip


def test_anki_markup_in_every_text_reaches_no_field_live(project: Path, tmp_path: Path):
    body = "\n\n".join(ANKI_MARKUP)
    text = card_text(901, answer=f"Start.\n\n{body}", question="What does [sound:q.mp3] \\\\(x\\\\) do?",
                     editor_note=body, context=body, key_point="Key [sound:k.mp3] point.")  # fmt: skip
    text += "\n```python\n# [sound:block.mp3] \\(\\href{javascript:alert(1)}{x}\\)\nx = 1\n```\n"
    (project / "cards/epam/901-markup.md").write_text(text.replace("[sound:https", "[https"))
    rows = build_ok(project, tmp_path)
    note = next(r for r in rows if r[-1] == "epam-901")
    assert len(note) == len(FIELDS)  # no \x1f smuggled into a field
    for field in note:
        assert live_markup(field) == [], field
        assert unsafe(field) == [], field
    shown = " ".join(note)
    assert "sound:pwned.mp3" in shown and "write18" in shown  # shown as text, not dropped


def test_lint_points_at_anki_markup(project: Path):
    (project / "cards/epam/901-markup.md").write_text(card_text(901, answer="Plays [sound:x.mp3] here."))
    lint = run_cli(project, "lint")
    assert "cards/epam/901-markup.md:12: warning: '[sound:x.mp3' is Anki markup" in lint.stdout


@pytest.mark.parametrize(
    "raw, line",
    [(b"\x1f", 12), (b"\x07", 12), (b"\x0b", 12), (b"\x7f", 12), (b"\x1b[31m", 12)],
    ids=["unit-separator", "bell", "vertical-tab", "delete", "escape"],
)
def test_control_characters_in_a_card_are_refused(project: Path, raw: bytes, line: int):
    data = card_text(902, answer="An answer with X inside.").encode().replace(b"with X", b"with " + raw)
    (project / "cards/epam/902-control.md").write_bytes(data)
    refused_at(project, "cards/epam/902-control.md", line, f"control character U+{raw[0]:04X}")


def test_a_control_character_in_the_question_is_refused_at_its_line(project: Path):
    (project / "cards/epam/903-q.md").write_text(card_text(903, question="What is \x1f this?"))
    refused_at(project, "cards/epam/903-q.md", 10, "Anki's field separator")


# --- formulas that reach outside the card: refused at their line ----------------------------------------

HOSTILE_MATH = [
    ("$\\href{javascript:alert(1)}{x}$", "\\href"),
    ("$$\\style{background:url(https://tracker.example/p)}{x}$$", "\\style"),
    ("\\(\\class{nightMode}{x}\\)", "\\class"),
    ("\\[\\cssId{qa}{x}\\]", "\\cssId"),
    ("\\begin{align}\\unicode{x263A}\\end{align}", "\\unicode"),
    ("- item $\\require{action}$", "\\require"),
    ("| a |\n|---|\n| $\\url{https://tracker.example}$ |", "\\url"),
    ("[$\\def\\x{y}$](https://example.org)", "\\def"),
    ('$\\mmlToken{mi}[href="javascript:alert(1)"]{x}$', "\\mmlToken"),
    ("$\\bbox[background-image:url(https://e.example/p)]{x}$", "\\bbox"),
    ("$\\text{javascript:alert(1)}$", "'javascript:'"),
    ('<span class="arithmatex">\\(\\data{x=1}{y}\\)</span>', "\\data"),
    ('<code class="mathjax_process">\\(\\href{javascript:alert(1)}{code}\\)</code>', "\\href"),
    ("[$]\\input{/etc/passwd}[/$]", "Undefined control sequence \\input"),
]


@pytest.mark.parametrize("tex, message", HOSTILE_MATH, ids=[m for _, m in HOSTILE_MATH])
def test_hostile_formulas_are_refused_at_their_line(project: Path, tex: str, message: str):
    (project / "cards/epam/904-math.md").write_text(card_text(904, answer=f"Intro.\n\n{tex}"))
    line = 14 + (2 if tex.startswith("| a |") else 0)
    refused_at(project, "cards/epam/904-math.md", line, message)


# --- source metadata: refused, or escaped wherever it is shown -------------------------------------------


def edit_source(root: Path, key: str, value: str) -> int:
    """Set `key:` in sources/epam/source.yaml to the raw YAML `value`; return its line."""
    meta = root / "sources/epam/source.yaml"
    lines = meta.read_text().split("\n")
    i = next(n for n, line in enumerate(lines) if line.startswith(f"{key}:"))
    lines[i] = f"{key}: {value}"
    meta.write_text("\n".join(lines))
    return i + 1


REFUSED_META = [
    ("url", '"javascript:alert(1)"', "must be an https:// address"),
    ("url", "'https://example.org/\" onmouseover=\"alert(1)'", "must be an https:// address"),
    ("url", '"https://example.org/<img src=x onerror=alert(1)>"', "must be an https:// address"),
    ("publisher", '"EPAM [sound:x.mp3]"', "is Anki markup"),
    ("title", '"A \\\\(\\\\href{javascript:alert(1)}{title}\\\\)"', "typeset by Anki's MathJax"),
    ("author", '"a\\x1fb"', "control character U+001F"),
    ("author", '"a\\u0000b"', "control character U+0000"),
    ("title", '"[latex]x[/latex]"', "is Anki markup"),
    ("publisher", "'" + "x" * 3000 + "'", "longer than 2000 characters"),
]


@pytest.mark.parametrize("key, value, message", REFUSED_META, ids=[f"{k}-{m[:12]}" for k, _, m in REFUSED_META])
def test_source_metadata_that_would_reach_a_field_live_is_refused(project: Path, key: str, value: str, message: str):
    line = edit_source(project, key, value)
    refused_at(project, "sources/epam/source.yaml", line, message)


def test_html_in_source_metadata_is_escaped_in_the_description_and_every_back(project: Path, tmp_path: Path):
    edit_source(project, "publisher", "'<img src=x onerror=alert(1)> \"Quote\" & Co'")
    edit_source(project, "title", "'Title\" onmouseover=\"alert(1)'")
    edit_source(project, "author", "'<script>alert(1)</script>'")
    edit_source(project, "url", "'https://example.org/a?b=1&c=\"2'".replace('"', ""))
    rows = build_ok(project, tmp_path)
    description = rows[-1]
    for field in [f for r in rows for f in r]:
        assert unsafe(field) == [], field
        assert "<img" not in field and "<script" not in field
    assert any("&lt;img src=x onerror=alert(1)&gt;" in d for d in description)
    attribution = rows[0][FIELDS.index("Attribution")]
    assert "Title&quot; onmouseover=&quot;alert(1)" in attribution and 'href="https://example.org/a?b=1&amp;c=2"' in (
        attribution
    )


# --- the preview page: no HTML inside MathML -------------------------------------------------------------

MXSS = [
    "\\text{<img src=x onerror=alert(1)>}",
    "\\text{<mglyph><style><img src=x onerror=alert(1)></style></mglyph>}",
    "\\mathrm{</math><img src=x onerror=alert(1)>}",
    "\\text{<!--><img src=x onerror=alert(1)>-->}",
    "\\text{<svg onload=alert(1)>}",
    "\\text{&lt;script&gt;alert(1)&lt;/script&gt;}",
    "\\text{<a href=javascript:alert(1)>x</a>}",
    '\\color{red" onmouseover="alert(1)}{x}',
]


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)


@pytest.mark.parametrize("tex", MXSS)
def test_html_inside_a_formula_never_reaches_the_preview_as_markup(tex: str):
    import html as html_lib

    field = f'<span class="arithmatex">{html_lib.escape(chr(92) + "(" + tex + chr(92) + ")")}</span>'
    out = mathml_fields(field)
    parser = _Attributes()
    parser.feed(out)
    assert parser.tags <= MATHML_TAGS | {"span"}, out
    assert not [a for a in parser.attributes if a.startswith("on") or a in ("href", "src", "style")], out


def test_the_preview_page_carries_no_html_from_a_formula(project: Path):
    (project / "cards/epam/905-mxss.md").write_text(card_text(905, answer="$" + "$ and $".join(MXSS[:5]) + "$"))
    proc = run_cli(project, "preview", "--quiet")
    assert proc.returncode == 0, proc.stderr
    page = (project / "build/preview/index.html").read_text()
    parser = _Attributes()
    parser.feed(page)
    assert not [a for a in parser.attributes if a.startswith("on")]
    assert "img" not in parser.tags and "svg" not in parser.tags and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_preview_refuses_a_symlinked_output(project: Path, tmp_path: Path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "keep.txt").write_text("mine")
    (project / "build").mkdir()
    (project / "build/preview").symlink_to(outside)
    proc = run_cli(project, "preview", "--quiet")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "is a symlink" in proc.stderr
    assert sorted(p.name for p in outside.iterdir()) == ["keep.txt"]
    shutil.rmtree(project / "build", ignore_errors=True)
