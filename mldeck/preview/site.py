"""Write the preview site: build/preview/index.html, its CSS and script, and the cards' media.

The site is built in a temporary folder beside the target and swapped in whole, so a reader
never sees half a site. A target folder that is not an earlier preview (no marker file) is
never deleted.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..build.run import BuildOptions, Prepared, prepare_notes
from ..errors import fail
from ..notetype.model import FIELDS, model_css, template_text
from ..projectmeta import repository_url
from .links import FileLink, file_link
from .math import mathml_fields
from .mathjax import MathJax, copy_mathjax, find_mathjax
from .page import MODEL_CSS, PAGE_CSS, PAGE_JS, PreviewCard, page_html, preview_card

MARKER = ".mldeck-preview"
INDEX = "index.html"


@dataclass(frozen=True)
class PreviewResult:
    index: Path
    cards: int
    media: int
    skipped: int
    math_problems: list[str] = field(default_factory=list)
    mathjax: str | None = None  # the MathJax version that typesets the page; None: MathML


def preview_cards(
    prepared: Prepared,
    math_problems: list[str] | None = None,
    mathml: bool = True,
    links: dict[str, FileLink] | None = None,
) -> list[PreviewCard]:
    """Every prepared note rendered front and back with the model's templates; math as MathML,
    or (`mathml=False`) as TeX for MathJax, as Anki receives it."""
    front, back = template_text("front.html"), template_text("back.html")
    cards = []
    for note in prepared.notes:
        raw = dict(zip(FIELDS, note.fields, strict=True))
        fields = {name: mathml_fields(value, math_problems) for name, value in raw.items()} if mathml else raw
        link = (links or {}).get(note.entry_id)
        cards.append(preview_card(note.entry_id, note.deck, note.difficulty, note.sources, note.tags, fields,
                                  front, back, raw, link))  # fmt: skip
    return cards


def card_links(prepared: Prepared, root: Path, site: Path) -> dict[str, FileLink]:
    """Entry id -> the link to its card file (an edit link when the repository's address is set)."""
    repo = repository_url(root)
    return {e.id: file_link(e.path, root, site, repo) for e in prepared.cards if e.path}


def _asset(name: str) -> str:
    return resources.files("mldeck.preview").joinpath("assets", name).read_text(encoding="utf-8")


def write_site(
    prepared: Prepared, out: Path, root: Path | None = None, mathjax: MathJax | None = None
) -> PreviewResult:
    """Render `prepared` into the folder `out` (replacing an earlier preview there). With `mathjax`
    the page typesets TeX as Anki does; without, formulas are MathML. `root`: the project, for
    the links to card files."""
    if out.is_symlink():  # replacing it would delete or write wherever it points
        raise fail(out, 0, "is a symlink: the preview is written only to a real folder; remove the link")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise fail(out, 0, "exists and is not a preview site; choose another --out or remove it")
    problems: list[str] = []
    links = card_links(prepared, root, out) if root else None
    cards = preview_cards(prepared, problems, mathml=mathjax is None, links=links)
    publishers = {name: s.publisher for name, s in prepared.sources.items()}
    version = mathjax.version if mathjax else None
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        (tmp / MARKER).write_text("made by `build_deck.py preview`; rebuilt whole each time\n", encoding="utf-8")
        page = page_html(cards, publishers, len(prepared.skipped), mathjax=version)
        (tmp / INDEX).write_text(page, encoding="utf-8")
        if mathjax:
            copy_mathjax(mathjax, tmp)
        (tmp / MODEL_CSS).write_text(model_css(), encoding="utf-8")
        (tmp / PAGE_CSS).write_text(_asset("preview.css"), encoding="utf-8")
        (tmp / PAGE_JS).write_text(_asset("preview.js"), encoding="utf-8")
        for name, data in sorted(prepared.media.items()):
            (tmp / name).write_bytes(data)
        tmp.chmod(0o755)
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return PreviewResult(out / INDEX, len(cards), len(prepared.media), len(prepared.skipped), problems, version)


def build_preview(
    root: Path, out: Path | None = None, opts: BuildOptions | None = None, math: str = "auto"
) -> PreviewResult:
    """cards/ under `root` -> a static preview site (default: root/build/preview). `math`: "auto"
    (MathJax when installed, else MathML), "mathjax" (DeckError without it) or "mathml". Raises DeckError."""
    mathjax = find_mathjax() if math in ("auto", "mathjax") else None
    if math == "mathjax" and mathjax is None:
        raise fail("tools/mathjax", 0, "MathJax 3 is not installed: run `npm ci --prefix tools/mathjax`")
    prepared = prepare_notes(root, opts or BuildOptions(quiet=True))
    return write_site(prepared, out or root / "build" / "preview", root, mathjax)
