"""Every note's back as Anki shows it, measured in headless Chromium on a phone and a desktop.

What is reproduced, and where it comes from (ankitects/anki):

- the card HTML is `card.answer()` from the official `anki` backend (template output with the
  note type's CSS in a leading <style>), media names escaped as the reviewer does
  (`col.media.escape_media_filenames`);
- the page is the reviewer's (qt/aqt/reviewer.py `revHtml`, qt/aqt/webview.py `stdHtml`):
  `<html class="night-mode">` at night, `<body class="card card1 nightMode night_mode">`
  (aqt/theme.py `body_classes_for_card_ord`), the card HTML inside `<div id="qa">`, plus the
  layout rules of css/webview.css and css/reviewer.css (body margin, `overflow-wrap`, `img`
  max-width/max-height, Anki's --canvas/--fg colours);
- MathJax is 3.2 `tex-chtml.js` (the reviewer's `js/vendor/mathjax/tex-chtml.js`) from
  tools/mathjax (npm `mathjax@3.2.2`), configured as ts/mathjax/index.ts does: display math
  `\\[…\\]` (inline `\\(…\\)` is MathJax's default), processEscapes/Environments/Refs off,
  packages `[+] noerrors, mathtools`, `[-] textmacros`, no startup typeset; then, as
  ts/reviewer/index.ts `_updateQA` does, `MathJax.typesetPromise([qa])`. Output is CommonHTML.
  Everything is served from a local server on 127.0.0.1 under Anki's own paths
  (`/_anki/js/mathjax.js`, `/_anki/js/vendor/mathjax/…`, media at the root); any other request
  is aborted, so nothing comes from a CDN.

For speed every note goes on ONE page, typeset once: each note sits in its own
`div.anki-html` (the <html> of its own reviewer page) holding a `div.anki-body.card.card1`
(its <body>) holding a `div#qa`. Rules of the note type CSS that name `body`, `html` or `:root`
are rewritten to those stand-ins with the same specificity. `single_card_page()` builds the real
one-card page; on a few notes the harness also loads it (in iframes) and the test checks that
both give the same layout. MathJax's own state is the reviewer's in a session (WARMUP_TEX).

Then, for each viewport (390x844 and 1000x800 CSS px, light and night; laid out at 2x like
a phone), page JavaScript measures every note: its height with <details> closed (as a learner
first sees it) and open, and with every <details> open: content wider than the screen (the
page scrolls sideways; also when only MathJax's invisible assistive MathML is wider), formulas
wider than the box that shows them (a box that scrolls sideways with no scrollbar on a phone:
the rest of the formula is simply not seen), MathJax errors and undefined macros, TeX left
untypeset, broken images and images not in the package, code blocks that scroll sideways, and
the rendered width of SVG diagrams, whose smallest label size follows from the SVG file.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from tests.helpers import ROOT, copy_project
from tests.screens import CHROMIUM, launch

ASSETS = ROOT / "tools" / "mathjax" / "node_modules"  # npm ci --prefix tools/mathjax (make does it)
MATHJAX_DIR = ASSETS / "mathjax" / "es5"
ROBOTO_DIR = ASSETS / "@fontsource" / "roboto"
MATHJAX_SCRIPT = "tex-chtml.js"  # what qt/aqt/reviewer.py loads (the card layout screen uses -full)
SHOTS = ROOT / "build" / "screens" / "layout"
CARD_ID_FIELD = "CardId"
MIN_LABEL_PX = 11.0  # the target for diagram text on a phone
# A phone's screen: text is laid out at 2x (2 and 3 measure the same; 1x rounds glyph advances).
DEVICE_SCALE_FACTOR = 2


@dataclass(frozen=True)
class Viewport:
    width: int
    height: int
    night: bool

    @property
    def label(self) -> str:
        return f"{self.width}x{self.height} {'night' if self.night else 'light'}"

    @property
    def slug(self) -> str:
        return f"{self.width}-{'night' if self.night else 'light'}"


PHONE = Viewport(390, 844, False)
PHONE_NIGHT = Viewport(390, 844, True)
DESKTOP = Viewport(1000, 800, False)
DESKTOP_NIGHT = Viewport(1000, 800, True)
VIEWPORTS = (PHONE, PHONE_NIGHT, DESKTOP, DESKTOP_NIGHT)

# Hard failures (the test asserts there are none) and what is only reported.
OVERFLOW = "wider than the screen"
CUT_FORMULA = "cut formula"
MATHJAX_ERROR = "MathJax error"
UNTYPESET = "TeX not typeset"
BROKEN_IMAGE = "broken image"
# The page scrolls sideways though every visible formula fits: MathJax's assistive MathML
# (invisible, absolutely placed at the formula's left) is wider than the CHTML formula. One rule
# in the note type CSS ends it: HIDDEN_MATHML_FIX.
HIDDEN_OVERFLOW = "sideways scroll from MathJax's hidden MathML"
HIDDEN_MATHML_FIX = "mjx-assistive-mml { right: 0 !important; }"
HARD = (OVERFLOW, HIDDEN_OVERFLOW, CUT_FORMULA, MATHJAX_ERROR, UNTYPESET, BROKEN_IMAGE)
CUT_CODE = "code scrolls sideways"
CUT_BOX = "box scrolls sideways"  # a table, say: the rest is hidden behind a sideways scroll
SCROLLING = (CUT_CODE, CUT_BOX)


# --- the deck, as the anki backend renders it ------------------------------------------------------


@dataclass(frozen=True)
class Note:
    card_id: str  # the note's CardId field (folded notes: "a, b")
    html: str  # card.answer() without the leading <style> of the note type CSS
    css: str  # the note type CSS


@dataclass(frozen=True)
class Deck:
    notes: tuple[Note, ...]
    media_dir: Path
    media: frozenset[str]
    build_seconds: float = 0.0


def build_apkg(out: Path, root: Path = ROOT) -> Path:
    """`python build_deck.py build --output OUT` in a copy of the project, its render cache
    seeded from build/cache (entries are keyed by content hash; the copy is thrown away)."""
    with tempfile.TemporaryDirectory(prefix="mldeck-layout-") as tmp:
        proj = copy_project(Path(tmp) / "proj", with_cards=True) if root == ROOT else root
        if root == ROOT and (ROOT / "build" / "cache").is_dir():
            shutil.copytree(ROOT / "build" / "cache", proj / "build" / "cache")
        build = [sys.executable, str(ROOT / "build_deck.py"), "--root", str(proj), "build"]
        cmd = [*build, "--quiet", "--output", str(out)]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if proc.returncode != 0 or not out.is_file():
            raise RuntimeError(f"build failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return out


def load_deck(folder: Path, apkg: Path | None = None) -> Deck:
    """Build the deck (or take `apkg`), import it into a fresh collection, take every card's back."""
    from tests.anki_helpers import fresh_collection, import_apkg

    t = time.perf_counter()
    apkg = apkg or build_apkg(folder / "deck.apkg")
    col = fresh_collection(folder / "anki")
    try:
        import_apkg(col, apkg)
        notes = []
        for cid in col.find_cards(""):
            card = col.get_card(cid)
            note = card.note()
            css = card.note_type()["css"]
            html = card.answer()
            prefix = f"<style>{css}</style>"
            if html.startswith(prefix):  # the CSS goes once into the page's head instead
                html = html[len(prefix) :]
            html = col.media.escape_media_filenames(html)
            card_id = note[CARD_ID_FIELD] if CARD_ID_FIELD in note else f"note {note.id}"
            notes.append(Note(_plain(card_id), html, css))
        media_dir = Path(col.media.dir())
    finally:
        col.close()
    notes.sort(key=lambda n: n.card_id)
    return Deck(tuple(notes), media_dir, frozenset(os.listdir(media_dir)), time.perf_counter() - t)


def _plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").strip()


# --- Anki's page --------------------------------------------------------------------------------

# ts/mathjax/index.ts (Anki 23.10 and later; served as /_anki/js/mathjax.js).
ANKI_MATHJAX_CONFIG = """
window.MathJax = {
  tex: {
    displayMath: [["\\\\[", "\\\\]"]],
    processEscapes: false,
    processEnvironments: false,
    processRefs: false,
    packages: { "[+]": ["noerrors", "mathtools"], "[-]": ["textmacros"] },
  },
  loader: {
    load: ["[tex]/noerrors", "[tex]/mathtools"],
    paths: { mathjax: "/_anki/js/vendor/mathjax" },
  },
  startup: { typeset: false },
};
"""

# The layout rules of css/webview.css + css/reviewer.css (qt/aqt/data/web/css/webview.scss,
# ts/reviewer/reviewer.scss) and webview.py standard_css; colours from aqt/colors.py (CANVAS,
# FG, FG_LINK). On the shared page scope_selectors() points html/body/:root at the stand-ins.
ANKI_REVIEWER_CSS = """
:root { --canvas: #f5f5f5; --fg: #020202; --fg-link: #1d4ed8; }
:root[class*=night-mode] { --canvas: #2c2c2c; --fg: #fcfcfc; --fg-link: #bfdbfe; }
* { box-sizing: content-box; }
body { color: var(--fg); background: var(--canvas); margin: 2em; overscroll-behavior: none; }
a { color: var(--fg-link); text-decoration: none; }
hr { background-color: #d4d4d4; }
body { margin: 20px; overflow-wrap: break-word; }
body.nightMode { background-color: var(--canvas); color: var(--fg); }
img { max-width: 100%; max-height: 95vh; }
li { text-align: start; }
pre { text-align: left; }
"""

# Stand-ins for one note on the shared page, with the specificity of what they replace.
_STANDIN = {"html": "div:where(.anki-html)", "body": "div:where(.anki-body)", ":root": ".anki-html"}
_REAL = {"html": "html", "body": "body", ":root": ":root"}
_SELECTOR_WORD = re.compile(r"(?<![\w.#:-])(html|body|:root)(?![\w-])")


def scope_selectors(css: str, names: dict[str, str]) -> str:
    """Replace html/body/:root in the selectors (never in declarations) of `css`."""
    out, start = [], 0
    for i, ch in enumerate(css):
        if ch == "{":  # what precedes a { is a selector list or an @-rule's prelude
            prelude = css[start:i]
            if not prelude.lstrip().startswith("@"):
                prelude = _SELECTOR_WORD.sub(lambda m: names[m.group(1)], prelude)
            out.append(prelude + "{")
            start = i + 1
        elif ch == "}":
            out.append(css[start : i + 1])
            start = i + 1
    out.append(css[start:])
    return "".join(out)


# The phone's system font. The card CSS asks for -apple-system, "Segoe UI", Roboto, …: a phone
# has San Francisco (iOS) or Roboto (Android), while Linux Chromium would fall back to DejaVu Sans,
# about 10 % wider, and notes would measure ~9 % taller than on a phone. Roboto (npm
# @fontsource/roboto, pinned with MathJax) is what Android uses and close to San Francisco.
PHONE_FONT_WEIGHTS = ("400", "400-italic", "600", "600-italic", "700", "700-italic")
PHONE_FONT = "".join(f"<link rel='stylesheet' href='/_fonts/roboto/{w}.css'>" for w in PHONE_FONT_WEIGHTS)


def _head(css: str, names: dict[str, str]) -> str:
    return (
        "<meta charset='utf-8'><title>layout</title>"
        f"{PHONE_FONT}"
        f"<style>{scope_selectors(ANKI_REVIEWER_CSS, names)}</style>"
        f"<style>{scope_selectors(css, names)}</style>"
        f"<style>{LAYOUT_CSS}</style>"
        "<script src='/_anki/js/mathjax.js'></script>"
        f"<script src='/_anki/js/vendor/mathjax/{MATHJAX_SCRIPT}'></script>"
    )


# The shared page only: each note is its own block formatting context, like a document.
LAYOUT_CSS = """
html.layout-page, html.layout-page > body { margin: 0; padding: 0; background: #808080; }
.anki-html { display: flow-root; position: relative; background: var(--canvas); }
html.layout-solo .anki-html:not(.layout-shown) { display: none; }
.layout-fold { position: absolute; left: 0; right: 0; height: 0; border-top: 2px dashed #e0245e;
  pointer-events: none; z-index: 9; }
.layout-fold span { position: absolute; right: 4px; top: 2px; font: 11px sans-serif; color: #fff;
  background: #e0245e; padding: 0 3px; }
"""


def body_classes(night: bool) -> str:
    """aqt/theme.py body_classes_for_card_ord (minus the platform class: isWin/isMac/isLin)."""
    return "card card1" + (" nightMode night_mode" if night else "")


def single_card_page(note: Note, night: bool = False) -> str:
    """The reviewer's page for one card, as Anki desktop builds it."""
    return (
        f"<!doctype html><html class='{'night-mode' if night else ''}' dir='ltr'><head>"
        f"{_head(note.css, _REAL)}</head><body class='{body_classes(night)}'>"
        "<div id='_mark' hidden>&#x2605;</div><div id='_flag' hidden>&#x2691;</div>"
        f"<div id='qa' data-card-id='{escape(note.card_id)}'>{note.html}</div></body></html>"
    )


# MathJax 3 adds the CSS of a kind of node the first time it typesets one, and msubsup's CSS
# (`mjx-script { padding-right: .05em }`) widens every subscript on the page after it, by up to
# 3 % of a formula. Anki's reviewer page lives for the whole session, so once a learner has seen
# one formula with a sub- and superscript, every later card is laid out the wider way. The
# harness measures that steady state: this formula is typeset off-screen with the notes.
WARMUP_TEX = r"\(a_1^2\)"


def deck_page(notes: Iterable[Note]) -> str:
    """Every note on one page, each in its own stand-in <html>/<body> (light; JS switches)."""
    notes = list(notes)
    css = {n.css for n in notes}
    if len(css) != 1:
        raise ValueError(f"one note type CSS per page, got {len(css)}")
    parts = [
        f"<!doctype html><html class='layout-page'><head>{_head(css.pop(), _STANDIN)}</head><body>",
        f"<div id='layout-warmup' style='position:absolute;left:-9999px;top:0'>{WARMUP_TEX}</div>",
    ]
    for i, n in enumerate(notes):
        parts.append(
            f"<div class='anki-html' id='note-{i}' data-card-id='{escape(n.card_id)}'>"
            f"<div class='anki-body {body_classes(False)}'><div id='qa'>{n.html}</div></div></div>"
        )
    parts.append("</body></html>")
    return "".join(parts)


# --- a local server under Anki's paths ----------------------------------------------------------


class _Handler(http.server.SimpleHTTPRequestHandler):
    site: Path
    pages: dict[str, str]

    def translate_path(self, path: str) -> str:
        rel = unquote(urlsplit(path).path).lstrip("/")
        if rel.startswith("_anki/js/vendor/mathjax/"):
            base, rel = MATHJAX_DIR, rel.removeprefix("_anki/js/vendor/mathjax/")
        elif rel.startswith("_fonts/roboto/"):
            base, rel = ROBOTO_DIR, rel.removeprefix("_fonts/roboto/")
        else:
            base = self.site
        target = (base / rel).resolve()
        if base.resolve() not in target.parents and target != base.resolve():
            return str(self.site / "__nothing__")
        return str(target)

    def do_GET(self) -> None:
        name = urlsplit(self.path).path.lstrip("/")
        if name == "_anki/js/mathjax.js" or name in self.pages:
            body = (ANKI_MATHJAX_CONFIG if name == "_anki/js/mathjax.js" else self.pages[name]).encode()
            self.send_response(200)
            ctype = "text/javascript" if name.endswith(".js") else "text/html; charset=utf-8"
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, *args) -> None:  # quiet
        pass


@contextmanager
def serve(media_dir: Path, pages: dict[str, str]) -> Iterator[str]:
    """Serve media at the root, MathJax under /_anki/, and `pages`; yield the base URL."""
    handler = type("Handler", (_Handler,), {"site": media_dir, "pages": pages})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(media_dir)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


# --- measuring in the browser -------------------------------------------------------------------

# Typeset as ts/reviewer/index.ts does, then wait for images and fonts.
TYPESET_JS = """
async () => {
  // a phone's font is there from the start: MathJax sizes formulas to the text's x-height
  await Promise.all(['400 16px Roboto', 'italic 400 16px Roboto', '600 16px Roboto', '700 16px Roboto']
      .map(f => document.fonts.load(f)));
  await MathJax.startup.promise;
  MathJax.typesetClear();
  let error = null;
  try {
    await MathJax.typesetPromise(Array.from(document.querySelectorAll('[id=qa], #layout-warmup')));
  } catch (e) { error = String(e && e.message || e); }
  await Promise.all(Array.from(document.images).map(img => img.complete ? null :
      new Promise(done => { img.addEventListener('load', done); img.addEventListener('error', done); })));
  await document.fonts.ready;
  window.__tex = new Map();
  let count = 0;
  for (const item of MathJax.startup.document.math) {
    count++;
    if (item.typesetRoot) window.__tex.set(item.typesetRoot, (item.display ? '\\\\[' : '\\\\(') + item.math +
        (item.display ? '\\\\]' : '\\\\)'));
  }
  return {error, version: MathJax.version, math: count};
}
"""

SET_NIGHT_JS = """
(night) => {
  for (const h of document.querySelectorAll('.anki-html')) {
    h.classList.toggle('night-mode', night);
    const b = h.querySelector('.anki-body');
    b.classList.toggle('nightMode', night);
    b.classList.toggle('night_mode', night);
    // Anki's body is the page's body: its background fills the whole window
    h.style.background = '';
    const bg = getComputedStyle(b).backgroundColor;
    if (bg !== 'rgba(0, 0, 0, 0)') h.style.background = bg;
  }
}
"""

MEASURE_JS = """
async ({open}) => {
  const vw = document.documentElement.clientWidth;
  // does `el` clip (or scroll) what is wider than it? overflow does nothing on inline boxes
  const clipsX = el => {
    const s = getComputedStyle(el);
    return s.overflowX !== 'visible' && !['inline', 'contents', 'none'].includes(s.display);
  };
  const short = (s, n) => { s = s.replace(/\\s+/g, ' ').trim(); return s.length > n ? s.slice(0, n - 1) + '…' : s; };
  const texOf = el => { const c = el.closest('mjx-container'); return c && window.__tex.get(c) || null; };
  const mjxText = el => {
    let s = '';
    for (const n of el.querySelectorAll('mjx-c, mjx-utext')) {
      if (n.tagName === 'MJX-UTEXT') { s += n.textContent; continue; }
      const m = Array.from(n.classList).map(c => /^mjx-c([0-9A-F]+)$/.exec(c)).find(Boolean);
      if (m) s += String.fromCodePoint(parseInt(m[1], 16));
    }
    return s;
  };
  const describe = el => {
    const inner = el.querySelectorAll('mjx-container');  // a wrapper of one formula: name the TeX
    const only = inner.length === 1 && el.textContent.trim() === inner[0].textContent.trim() ? inner[0] : el;
    const tex = texOf(only);
    if (tex) return 'formula ' + short(tex, 90);
    const tag = el.tagName.toLowerCase() + (el.classList.length ? '.' + el.classList[0] : '');
    return '<' + tag + '> "' + short(el.textContent || el.getAttribute('src') || '', 50) + '"';
  };
  const details = Array.from(document.querySelectorAll('details'));
  const wasOpen = details.map(d => d.open);
  if (open) details.forEach(d => { d.open = true; });
  await document.fonts.ready;
  const out = [];
  for (const frame of document.querySelectorAll('.anki-html')) {
    const rec = {card_id: frame.dataset.cardId, height: frame.getBoundingClientRect().height,
                 scroll_width: frame.scrollWidth, viewport: vw, overflow: [], hidden_overflow: [],
                 cut_formulas: [], cut_code: [], cut_boxes: [], errors: [], untypeset: [], images: [], features: {}};
    // content wider than the screen: the outermost elements past the right edge, outside scroll
    // boxes. MathJax's assistive MathML (invisible, absolutely placed) is reported on its own.
    if (frame.scrollWidth > vw + 1) {
      const walk = el => {
        for (const child of el.children) {
          if (child.tagName === 'MJX-ASSISTIVE-MML') continue;
          const r = child.getBoundingClientRect();
          if (r.width > 0 && r.right > vw + 1) {
            rec.overflow.push(describe(child) + ' reaches ' + Math.round(r.right) + ' px');
            continue;
          }
          if (!clipsX(child)) walk(child);
        }
      };
      walk(frame);
      if (!rec.overflow.length) {
        for (const mml of frame.querySelectorAll('mjx-assistive-mml')) {
          const r = mml.getBoundingClientRect();
          if (r.right > vw + 1) {
            rec.hidden_overflow.push('page scrolls ' + Math.round(frame.scrollWidth - vw) + ' px: ' + describe(mml) +
                ' fits, its hidden MathML reaches ' + Math.round(r.right) + ' px');
          }
        }
      }
      if (!rec.overflow.length && !rec.hidden_overflow.length) {
        rec.overflow.push('content ' + frame.scrollWidth + ' px wide');
      }
    }
    for (const mjx of frame.querySelectorAll('mjx-container')) {
      const math = mjx.querySelector('mjx-math') || mjx;
      const r = math.getBoundingClientRect();
      if (r.width === 0) continue;  // not shown (closed <details>, hidden variant)
      let box = math.parentElement;
      while (box && box !== frame && !clipsX(box)) box = box.parentElement;
      if (box && box !== frame) {
        const br = box.getBoundingClientRect();
        const left = br.left + box.clientLeft, right = left + box.clientWidth;
        if (r.right > right + 1 || r.left < left - 1) {
          rec.cut_formulas.push(short(window.__tex.get(mjx) || '?', 90) + ': ' + Math.round(r.width) +
              ' px wide, its box shows ' + Math.round(box.clientWidth) + ' px');
        }
      }
    }
    for (const err of frame.querySelectorAll('mjx-merror')) {
      const msg = err.getAttribute('data-mjx-error') || err.getAttribute('title') || mjxText(err);
      rec.errors.push(short(msg, 80) + ' in ' + short(texOf(err) || '?', 90));
    }
    for (const red of frame.querySelectorAll('mjx-mtext[style*="color: red"], mjx-mtext[style*="color:red"]')) {
      rec.errors.push('undefined macro ' + short(mjxText(red), 40) + ' in ' + short(texOf(red) || '?', 90));
    }
    const skip = 'SCRIPT,NOSCRIPT,STYLE,TEXTAREA,PRE,CODE,ANNOTATION,ANNOTATION-XML,MJX-CONTAINER';
    const texts = document.createTreeWalker(frame, NodeFilter.SHOW_TEXT);
    for (let t = texts.nextNode(); t; t = texts.nextNode()) {
      if (t.parentElement.closest(skip.toLowerCase())) continue;
      const m = /\\\\[(\\[]/.exec(t.data);
      if (m) rec.untypeset.push(short(t.data.slice(Math.max(0, m.index - 10)), 70));
    }
    // other boxes that scroll sideways (code, tables): the formulas among them are cut formulas
    for (const box of frame.querySelectorAll('*')) {
      if (box.tagName.startsWith('MJX') || box.clientWidth === 0 || box.scrollWidth <= box.clientWidth + 1) continue;
      if (!clipsX(box)) continue;
      const pre = box.tagName === 'PRE' ? box : box.querySelector('pre');
      if (pre) {
        const lines = pre.textContent.split('\\n');
        const longest = Math.max(...lines.map(l => l.length));
        const fits = Math.floor(longest * box.clientWidth / box.scrollWidth);
        rec.cut_code.push('longest line ' + longest + ' chars, ' + box.clientWidth + ' px show about ' + fits +
            ': "' + short(lines.find(l => l.length === longest), 50) + '"');
      } else {
        // a box whose formula sticks out is reported above, as a cut formula
        const right = box.getBoundingClientRect().right;
        const cutMath = Array.from(box.querySelectorAll('mjx-math'))
            .some(m => m.getBoundingClientRect().right > right + 1);
        if (!cutMath) {
          rec.cut_boxes.push(describe(box) + ': ' + box.scrollWidth + ' px wide, shows ' + box.clientWidth + ' px');
        }
      }
    }
    for (const img of frame.querySelectorAll('img')) {
      const r = img.getBoundingClientRect();
      rec.images.push({src: img.getAttribute('src') || '', complete: img.complete, natural_width: img.naturalWidth,
                       width: r.width, cls: img.className});
    }
    rec.features = {
      display_math: frame.querySelectorAll('mjx-container[display="true"]').length,
      inline_math: frame.querySelectorAll('mjx-container:not([display="true"])').length,
      code: frame.querySelectorAll('pre').length,
      images: frame.querySelectorAll('img').length,
      details: frame.querySelectorAll('details').length,
    };
    out.push(rec);
  }
  if (open) details.forEach((d, i) => { d.open = wasOpen[i]; });
  return out;
}
"""


@dataclass(frozen=True)
class Problem:
    card_id: str
    kind: str
    detail: str
    viewports: tuple[str, ...]

    def __str__(self) -> str:
        where = f" at {', '.join(self.viewports)}" if self.viewports else ""
        return f"{self.card_id}: {self.kind}{where}: {self.detail}"


@dataclass
class NoteLayout:
    card_id: str
    height: float = 0.0  # 390x844 light, <details> closed
    height_open: float = 0.0  # the same with every <details> open
    features: dict = field(default_factory=dict)
    label_px: float | None = None  # smallest diagram label at 390 px (light and night variants)
    label_image: str = ""


@dataclass
class LayoutResult:
    notes: list[NoteLayout]
    problems: list[Problem]
    mathjax: dict
    seconds: dict[str, float]
    screenshots: list[Path] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    crosscheck: list = field(default_factory=list)

    def hard(self, kind: str | None = None) -> list[Problem]:
        return [p for p in self.problems if p.kind in HARD and (kind is None or p.kind == kind)]

    def of_kind(self, kind: str) -> list[Problem]:
        return [p for p in self.problems if p.kind == kind]

    def heights(self) -> list[float]:
        return [n.height for n in self.notes]

    def share_within(self, screens: float, vp: Viewport = PHONE) -> float:
        limit = screens * vp.height
        return sum(h <= limit for h in self.heights()) / max(1, len(self.notes))

    def over(self, screens: float, vp: Viewport = PHONE) -> list[NoteLayout]:
        return sorted((n for n in self.notes if n.height > screens * vp.height), key=lambda n: -n.height)

    def small_labels(self, minimum: float = MIN_LABEL_PX) -> list[NoteLayout]:
        small = [n for n in self.notes if n.label_px is not None and n.label_px < minimum - 0.05]
        return sorted(small, key=lambda n: n.label_px or 0)


class Browser:
    """Headless Chromium (Debian's) driven by playwright, with every non-local request aborted:
    a context of its own in `browser` (a started playwright Browser, left open by close()), or in
    one it launches."""

    def __init__(self, device_scale_factor: float = DEVICE_SCALE_FACTOR, browser=None):
        self.remote: list[str] = []  # requests off this machine (aborted)
        self.failed: list[str] = []  # responses >= 400
        self.errors: list[str] = []  # page errors and console errors
        self._pw = None
        if browser is None:
            from playwright.sync_api import sync_playwright

            if CHROMIUM is None:
                raise RuntimeError("chromium is not installed (apt-get install chromium)")
            self._pw = sync_playwright().start()
            try:
                browser = launch(self._pw)
            except BaseException:
                self._pw.stop()
                raise
        self.browser = browser
        self.context = browser.new_context(
            viewport={"width": PHONE.width, "height": PHONE.height}, device_scale_factor=device_scale_factor
        )
        self.context.route("**/*", self._route)

    def reset(self) -> None:
        self.remote.clear()
        self.failed.clear()
        self.errors.clear()

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1:", "data:", "blob:", "about:")):
            route.continue_()
        else:
            self.remote.append(url)
            route.abort()

    def open(self, url: str):
        page = self.context.new_page()
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        page.on("response", lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.goto(url, wait_until="load")
        return page

    def close(self) -> None:
        self.context.close()
        if self._pw is not None:
            self.browser.close()
            self._pw.stop()


def typeset(page) -> dict:
    info = page.evaluate(TYPESET_JS)
    if info.get("error"):
        raise RuntimeError(f"MathJax typeset failed: {info['error']}")
    return info


HEIGHTS_JS = "() => Array.from(document.querySelectorAll('.anki-html'), f => f.getBoundingClientRect().height)"


def measure_page(page, vp: Viewport) -> list[dict]:
    """Records of every note on the page at viewport `vp`: checked with every <details> open,
    `height` with them as the card has them (closed), `height_open` with them open."""
    page.set_viewport_size({"width": vp.width, "height": vp.height})
    page.evaluate(SET_NIGHT_JS, vp.night)
    heights = page.evaluate(HEIGHTS_JS)
    records = page.evaluate(MEASURE_JS, {"open": True})
    for rec, height in zip(records, heights, strict=True):
        rec["height_open"], rec["height"] = rec["height"], height
    return records


def measure(
    deck: Deck, shots: Path | None = None, crosscheck: bool = True, browser: Browser | None = None
) -> LayoutResult:
    """Render every note of `deck` at every viewport and collect layouts and problems.

    `crosscheck`: also open a few varied notes on the reviewer's own one-card page and keep
    both sets of figures (LayoutResult.crosscheck). `shots`: write screenshots there.
    `browser`: use this one (its pages are closed after, the browser is left open)."""
    seconds = {"build + import": deck.build_seconds}
    t = time.perf_counter()
    picks: list[str] = []
    pages = {"deck.html": deck_page(deck.notes)}
    own = browser is None
    browser = browser or Browser()
    browser.reset()
    try:
        with serve(deck.media_dir, pages) as base:
            page = browser.open(base + "deck.html")
            seconds["load"] = time.perf_counter() - t
            t = time.perf_counter()
            info = typeset(page)
            seconds["typeset"] = time.perf_counter() - t
            t = time.perf_counter()
            records = {vp: measure_page(page, vp) for vp in VIEWPORTS}
            seconds["measure"] = time.perf_counter() - t
            rows: list = []
            if crosscheck:
                t = time.perf_counter()
                picks = crosscheck_picks(records[PHONE])
                by_id = {n.card_id: n for n in deck.notes}
                rows = crosscheck_rows(browser, base, pages, page, [by_id[c] for c in picks])
                seconds["cross-check"] = time.perf_counter() - t
            shot_paths: list[Path] = []
            if shots is not None:
                t = time.perf_counter()
                shot_paths = screenshot_notes(page, records[PHONE], shots)
                seconds["screenshots"] = time.perf_counter() - t
            page.close()
    finally:
        if own:
            browser.close()
    result = _collect(deck, records)
    result.mathjax = info
    result.seconds = seconds
    result.screenshots = shot_paths
    result.crosscheck = rows
    result.page_errors = list(browser.errors)
    for url in browser.remote:
        result.problems.append(Problem("(page)", BROKEN_IMAGE, f"request off this machine aborted: {url}", ()))
    for line in browser.failed:
        result.problems.append(Problem("(page)", BROKEN_IMAGE, f"not served: {line}", ()))
    return result


def _collect(deck: Deck, records: dict[Viewport, list[dict]]) -> LayoutResult:
    found: dict[tuple[str, str, str], list[str]] = {}

    def add(card_id: str, kind: str, detail: str, vp: Viewport) -> None:
        found.setdefault((card_id, kind, detail), []).append(vp.label)

    notes = {n.card_id: NoteLayout(n.card_id) for n in deck.notes}
    for vp, recs in records.items():
        for rec in recs:
            cid = rec["card_id"]
            note = notes[cid]
            if vp == PHONE:
                note.height = rec["height"]
                note.height_open = rec["height_open"]
                note.features = rec["features"]
            for what in rec["overflow"]:
                add(cid, OVERFLOW, what, vp)
            for what in rec["cut_formulas"]:
                add(cid, CUT_FORMULA, what, vp)
            for what in rec["errors"]:
                add(cid, MATHJAX_ERROR, what, vp)
            for what in rec["untypeset"]:
                add(cid, UNTYPESET, f'"{what}"', vp)
            for what in rec["hidden_overflow"]:
                add(cid, HIDDEN_OVERFLOW, what, vp)
            for what in rec["cut_code"]:
                add(cid, CUT_CODE, what, vp)
            for what in rec["cut_boxes"]:
                add(cid, CUT_BOX, what, vp)
            for img in rec["images"]:
                src = img["src"]
                name = unquote(src)
                if not src.startswith("data:") and name not in deck.media:
                    add(cid, BROKEN_IMAGE, f"{src!r} is not in the package's media", vp)
                elif img["complete"] and img["natural_width"] == 0:
                    add(cid, BROKEN_IMAGE, f"{src!r} does not load", vp)
                elif vp.width == PHONE.width and img["width"] > 0 and name.lower().endswith(".svg"):
                    px = label_px(deck.media_dir / name, img["width"])
                    if px is not None and (note.label_px is None or px < note.label_px):
                        note.label_px, note.label_image = px, name
    problems = [Problem(c, k, d, tuple(dict.fromkeys(v))) for (c, k, d), v in found.items()]
    problems.sort(key=lambda p: (HARD.index(p.kind) if p.kind in HARD else 99, p.card_id, p.detail))
    return LayoutResult(list(notes.values()), problems, {}, {})


# --- diagram labels -----------------------------------------------------------------------------

_FONT_SIZE = re.compile(r"font-size\s*:\s*([\d.]+)\s*(px|pt|em|rem|%)?", re.I)
_FONT_SHORTHAND = re.compile(r"(?:^|;)\s*font\s*:[^;]*?([\d.]+)\s*(px|pt|em|rem|%)", re.I)
_SCALE = re.compile(r"scale\(\s*([\d.eE+-]+)(?:[\s,]+([\d.eE+-]+))?\s*\)")
_MATRIX = re.compile(r"matrix\(\s*([\d.eE+-]+)[\s,]+([\d.eE+-]+)")


def _size(value: str, unit: str | None, inherited: float) -> float:
    v = float(value)
    unit = (unit or "px").lower()
    if unit == "pt":
        return v * 4 / 3
    if unit in ("em", "rem"):
        return v * (inherited if unit == "em" else 16.0)
    if unit == "%":
        return v / 100 * inherited
    return v


def _own_font_size(el: ET.Element, inherited: float) -> float:
    size = inherited
    style = el.get("style") or ""
    m = _FONT_SHORTHAND.search(style)
    if m:
        size = _size(m.group(1), m.group(2), inherited)
    m = _FONT_SIZE.search(style)
    if m:
        size = _size(m.group(1), m.group(2), inherited)
    elif el.get("font-size"):
        m = re.match(r"\s*([\d.]+)\s*(px|pt|em|rem|%)?", el.get("font-size") or "")
        if m:
            size = _size(m.group(1), m.group(2), inherited)
    return size


def _own_scale(el: ET.Element) -> float:
    transform = el.get("transform") or ""
    scale = 1.0
    for m in _SCALE.finditer(transform):
        sx = float(m.group(1))
        sy = float(m.group(2)) if m.group(2) else sx
        scale *= min(abs(sx), abs(sy))
    for m in _MATRIX.finditer(transform):
        scale *= (float(m.group(1)) ** 2 + float(m.group(2)) ** 2) ** 0.5
    return scale


@functools.lru_cache(maxsize=512)
def svg_text_sizes(path: Path) -> tuple[float, float] | None:
    """(smallest font size of any text, in user units times its transforms' scale; viewBox width)."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError):
        return None
    sizes: list[float] = []

    def walk(el: ET.Element, inherited: float, scale: float) -> None:
        size = _own_font_size(el, inherited)
        scale *= _own_scale(el)
        if (el.text or "").strip():
            sizes.append(size * scale)
        for child in el:
            if child.tag.rsplit("}", 1)[-1] != "style":
                walk(child, size, scale)

    walk(root, 16.0, 1.0)
    for style in root.iter("{http://www.w3.org/2000/svg}style"):  # class rules: take the smallest
        sizes += [_size(v, u, 16.0) for v, u in _FONT_SIZE.findall(style.text or "")]
    if not sizes:
        return None
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        width = float(box[2])
    else:
        width = float(re.match(r"[\d.]+", root.get("width") or "0").group() or 0)  # type: ignore[union-attr]
    return (min(sizes), width) if width > 0 else None


# The same figure from the browser: each SVG opened as a document, every text's computed
# font-size times its transform's scale, in user units (the test compares the two).
SVG_TEXT_JS = """
() => {
  const svg = document.documentElement;
  const vb = svg.viewBox.baseVal;
  const userPerPx = vb && vb.width ? vb.width / svg.width.baseVal.value : 1;
  let min = Infinity;
  for (const t of document.querySelectorAll('text, tspan, foreignObject *')) {
    if (!t.textContent.trim() || (t.children.length && t.tagName !== 'text')) continue;
    const m = t.getCTM ? t.getCTM() : t.closest('foreignObject').getCTM();
    min = Math.min(min, parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b) * userPerPx);
  }
  return min;
}
"""


def svg_text_sizes_in_browser(browser: Browser, media_dir: Path, names: Iterable[str]) -> dict[str, float]:
    """{svg name: smallest text size in user units} as Chromium computes it."""
    with serve(media_dir, {}) as base:
        page = browser.context.new_page()
        found = {}
        for name in names:
            page.goto(base + name)
            found[name] = page.evaluate(SVG_TEXT_JS)
        page.close()
    return found


def label_px(svg: Path, rendered_width: float) -> float | None:
    """Smallest label of `svg` in CSS px when the image is drawn `rendered_width` px wide."""
    found = svg_text_sizes(svg)
    if found is None:
        return None
    size, width = found
    return size * rendered_width / width


# --- screenshots ---------------------------------------------------------------------------------


def pick_notes(records: list[dict], count: int = 12) -> list[str]:
    """Varied notes: a cut formula, a sideways page, formulas, code, diagrams, a folded note,
    <details>, the tallest and the shortest; then notes around the median height."""
    by_height = sorted(records, key=lambda r: r["height"])
    picks: list[str] = []

    def take(test, tallest: bool = False) -> None:
        pool = [r for r in (reversed(by_height) if tallest else by_height) if test(r) and r["card_id"] not in picks]
        if pool and len(picks) < count:
            picks.append(pool[0]["card_id"])

    def diagram(r: dict) -> bool:
        return any(i["src"].lower().endswith(".svg") for i in r["images"])

    take(lambda r: r["cut_formulas"])
    take(lambda r: r["overflow"] or r["hidden_overflow"])
    take(lambda r: r["features"]["display_math"])
    take(lambda r: r["features"]["inline_math"] and not r["features"]["display_math"])
    take(lambda r: r["features"]["code"])
    take(lambda r: r["cut_code"])
    take(diagram)
    take(diagram, tallest=True)
    take(lambda r: "," in r["card_id"])
    take(lambda r: r["features"]["details"])
    take(lambda r: True, tallest=True)
    take(lambda r: True)
    middle = len(by_height) // 2
    for r in sorted(by_height, key=lambda r: abs(by_height.index(r) - middle)):
        take(lambda x, cid=r["card_id"]: x["card_id"] == cid)
    return picks


def crosscheck_picks(records: list[dict], count: int = 3) -> list[str]:
    """A few notes that between them have display and inline formulas, code, a diagram,
    <details> and several sources (a folded note): each pick covers the most still missing."""
    tests = {
        "display math": lambda r: r["features"]["display_math"],
        "inline math": lambda r: r["features"]["inline_math"],
        "code": lambda r: r["features"]["code"],
        "diagram": lambda r: any(i["src"].lower().endswith(".svg") for i in r["images"]),
        "details": lambda r: r["features"]["details"],
        "folded": lambda r: "," in r["card_id"],
    }
    missing, picks = set(tests), []
    while missing and len(picks) < count:
        best = max(records, key=lambda r: (sum(bool(tests[k](r)) for k in missing), -r["height"]))
        covered = {k for k in missing if tests[k](best)}
        if not covered:
            break
        picks.append(best["card_id"])
        missing -= covered
    by_formulas = sorted(records, key=lambda r: -(r["features"]["display_math"] + r["features"]["inline_math"]))
    picks += [r["card_id"] for r in by_formulas if r["card_id"] not in picks][: count - len(picks)]
    return picks


def screenshot_notes(page, phone_records: list[dict], out: Path, card_ids: list[str] | None = None) -> list[Path]:
    """PNG of each picked note at every viewport, a dashed line where the first screen ends."""
    card_ids = card_ids or pick_notes(phone_records)
    if out.is_dir():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    index = {r["card_id"]: i for i, r in enumerate(phone_records)}
    paths = []
    page.evaluate("() => document.documentElement.classList.add('layout-solo')")
    for cid in card_ids:
        frame = page.locator(f"#note-{index[cid]}")
        frame.evaluate("f => f.classList.add('layout-shown')")
        for vp in VIEWPORTS:
            page.set_viewport_size({"width": vp.width, "height": vp.height})
            page.evaluate(SET_NIGHT_JS, vp.night)
            frame.evaluate(FOLD_JS, vp.height)
            path = out / f"{_slug(cid)}-{vp.slug}.png"
            page.screenshot(path=str(path), full_page=True, animations="disabled")
            frame.evaluate("f => f.querySelector('.layout-fold').remove()")
            paths.append(path)
        frame.evaluate("f => f.classList.remove('layout-shown')")
    page.evaluate("() => document.documentElement.classList.remove('layout-solo')")
    return paths


FOLD_JS = """
(frame, h) => {
  const d = document.createElement('div');
  d.className = 'layout-fold';
  d.style.top = h + 'px';
  d.innerHTML = '<span>' + h + ' px: end of the first screen</span>';
  frame.appendChild(d);
}
"""


def _slug(card_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", card_id).strip("_")


# --- the cross-check: one shared page vs Anki's own single-card page --------------------------------

SINGLE_NIGHT_JS = """
(night) => {
  document.documentElement.classList.toggle('night-mode', night);
  document.body.classList.toggle('nightMode', night);
  document.body.classList.toggle('night_mode', night);
}
"""

SINGLE_JS = """
() => {
  const qa = document.getElementById('qa');
  return {height: document.documentElement.getBoundingClientRect().height,
          scroll_width: document.documentElement.scrollWidth,
          math: Array.from(qa.querySelectorAll('mjx-math')).map(m => Math.round(m.getBoundingClientRect().width)),
          bg: getComputedStyle(document.body).backgroundColor, color: getComputedStyle(document.body).color};
}
"""

SHARED_JS = """
(cid) => {
  const f = Array.from(document.querySelectorAll('.anki-html')).find(f => f.dataset.cardId === cid);
  const b = f.querySelector('.anki-body');
  return {height: f.getBoundingClientRect().height, scroll_width: f.scrollWidth,
          math: Array.from(f.querySelectorAll('mjx-math')).map(m => Math.round(m.getBoundingClientRect().width)),
          bg: getComputedStyle(b).backgroundColor, color: getComputedStyle(b).color};
}
"""


def crosscheck_rows(browser: Browser, base: str, pages: dict[str, str], shared, notes: list[Note]) -> list:
    """[(card_id, viewport, shared page, one-card page fresh, one-card page after WARMUP_TEX)].

    Each note also gets the real one-card page (single_card_page) in an <iframe> of the
    viewport's size, all loading at once. Night is switched there as Anki does: `night-mode`
    on <html> (webview.py on_theme_did_change), `nightMode night_mode` on <body>."""
    for i, n in enumerate(notes):
        pages[f"card-{i}.html"] = single_card_page(n)
    frames_html = "".join(
        f"<iframe name='card-{i}' src='card-{i}.html' style='border:0'></iframe>" for i in range(len(notes))
    )
    pages["cards.html"] = f"<!doctype html><html><body style='margin:0'>{frames_html}</body></html>"
    host = browser.open(base + "cards.html")
    frames = [host.frame(name=f"card-{i}") for i in range(len(notes))]
    for frame in frames:
        typeset(frame)
    figures: dict[tuple[str, Viewport, str], dict] = {}
    # The shared page is the same in both passes, so it is measured in the first only: a new
    # viewport lays out every note again (1.5 s). It was left at the last of VIEWPORTS.
    for state in ("fresh", "warm"):
        if state == "warm":
            for frame in frames:
                frame.evaluate(WARMUP_JS, WARMUP_TEX)
        for vp in (DESKTOP_NIGHT, PHONE):
            if state == "fresh":
                shared.set_viewport_size({"width": vp.width, "height": vp.height})
                shared.evaluate(SET_NIGHT_JS, vp.night)
            host.evaluate(
                "([w, h]) => document.querySelectorAll('iframe').forEach(f => { f.style.width = w + 'px';"
                " f.style.height = h + 'px'; })",
                [vp.width, vp.height],
            )
            for n, frame in zip(notes, frames, strict=True):
                frame.evaluate(SINGLE_NIGHT_JS, vp.night)
                figures[(n.card_id, vp, state)] = frame.evaluate(SINGLE_JS)
                if state == "fresh":
                    figures[(n.card_id, vp, "shared")] = shared.evaluate(SHARED_JS, n.card_id)
    host.close()
    return [
        (n.card_id, vp, *(figures[(n.card_id, vp, state)] for state in ("shared", "fresh", "warm")))
        for vp in (PHONE, DESKTOP_NIGHT)
        for n in notes
    ]


WARMUP_JS = """
async (tex) => {
  const d = document.createElement('div');
  d.style.position = 'absolute';
  d.style.left = '-9999px';
  d.innerHTML = tex;
  document.body.appendChild(d);
  await MathJax.typesetPromise([d]);
}
"""


def crosscheck_line(result: LayoutResult) -> str:
    if not result.crosscheck:
        return ""

    def most(key, rows, pick) -> float:
        return max(
            (abs(x - y) for *_, a, b in rows for x, y in zip(pick(a)[key], pick(b)[key], strict=False)), default=0
        )

    rows = [(s, f, w) for _, _, s, f, w in result.crosscheck]
    dh = max(abs(s["height"] - w["height"]) for s, _, w in rows)
    fresh = max((s_ - f_ for s, f, _ in rows for s_, f_ in zip(s["math"], f["math"], strict=False)), default=0)
    warm = max((abs(s_ - w_) for s, _, w in rows for s_, w_ in zip(s["math"], w["math"], strict=False)), default=0)
    ids = sorted({c for c, *_ in result.crosscheck})
    return (
        f"shared page vs Anki's one-card page ({'; '.join(ids)}): height differs by at most {dh:.1f} px;"
        f" formula widths by {warm} px (by {fresh} px on a fresh reviewer page, before MathJax has seen"
        " a sub- and superscript)"
    )


# --- the report's figures -----------------------------------------------------------------------


def summary_lines(result: LayoutResult, tallest: int = 10) -> list[str]:
    heights = result.heights()
    n = len(result.notes)
    one, two = result.share_within(1), result.share_within(2)
    lines = [
        f"notes measured: {n} at {', '.join(vp.label for vp in VIEWPORTS)}"
        f" (MathJax {result.mathjax.get('version', '?')}, {result.mathjax.get('math', 0)} formulas)",
        f"visible height at {PHONE.width}x{PHONE.height}, <details> closed: median {statistics.median(heights):.0f} px,"
        f" max {max(heights):.0f} px",
        f"within one screen (<= {PHONE.height} px): {one:.0%} ({round(one * n)}/{n})   target >= 90%",
        f"within two screens (<= {2 * PHONE.height} px): {two:.0%} ({round(two * n)}/{n})   target 100%",
        "",
        f"the {tallest} tallest notes at {PHONE.width} px (details closed / open, screens):",
    ]
    for note in sorted(result.notes, key=lambda x: -x.height)[:tallest]:
        lines.append(
            f"  {note.card_id:<28} {note.height:6.0f} px  {note.height_open:6.0f} px  {note.height / PHONE.height:4.1f}"
        )
    small = result.small_labels()
    lines += ["", f"diagram labels under {MIN_LABEL_PX:.0f} px at {PHONE.width} px: {len(small)}"]
    for note in small:
        lines.append(f"  {note.card_id:<28} {note.label_px:5.1f} px  ({note.label_image})")
    labelled = [x for x in result.notes if x.label_px is not None]
    if labelled:
        lowest = min(labelled, key=lambda x: x.label_px or 0)
        lines.append(
            f"  ({len(labelled)} notes with diagrams; smallest label {lowest.label_px:.1f} px in {lowest.card_id})"
        )
    hard = result.hard()
    lines += ["", f"failures: {len(hard)}"]
    lines += [f"  {p}" for p in hard]
    if result.of_kind(HIDDEN_OVERFLOW):
        lines.append(f"  ({HIDDEN_OVERFLOW}: the note type CSS rule `{HIDDEN_MATHML_FIX}` ends these)")
    scrolling = result.of_kind(CUT_CODE) + result.of_kind(CUT_BOX)
    lines += ["", f"code blocks and tables that scroll sideways (reported, not failed): {len(scrolling)}"]
    lines += [f"  {p}" for p in scrolling]
    return lines


def timing_line(result: LayoutResult) -> str:
    return "timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items())
