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
from .math import mathml_fields
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


def preview_cards(prepared: Prepared, math_problems: list[str] | None = None) -> list[PreviewCard]:
    """Every prepared note rendered front and back with the model's templates, math as MathML."""
    front, back = template_text("front.html"), template_text("back.html")
    cards = []
    for note in prepared.notes:
        raw = dict(zip(FIELDS, note.fields, strict=True))
        fields = {name: mathml_fields(value, math_problems) for name, value in raw.items()}
        cards.append(
            preview_card(note.entry_id, note.deck, note.difficulty, note.sources, note.tags, fields, front, back, raw)
        )
    return cards


def _asset(name: str) -> str:
    return resources.files("mldeck.preview").joinpath("assets", name).read_text(encoding="utf-8")


def write_site(prepared: Prepared, out: Path) -> PreviewResult:
    """Render `prepared` into the folder `out` (replacing an earlier preview there)."""
    if out.is_symlink():  # replacing it would delete or write wherever it points
        raise fail(out, 0, "is a symlink: the preview is written only to a real folder; remove the link")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise fail(out, 0, "exists and is not a preview site; choose another --out or remove it")
    problems: list[str] = []
    cards = preview_cards(prepared, problems)
    publishers = {name: s.publisher for name, s in prepared.sources.items()}
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        (tmp / MARKER).write_text("made by `build_deck.py preview`; rebuilt whole each time\n", encoding="utf-8")
        (tmp / INDEX).write_text(page_html(cards, publishers, len(prepared.skipped)), encoding="utf-8")
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
    return PreviewResult(out / INDEX, len(cards), len(prepared.media), len(prepared.skipped), problems)


def build_preview(root: Path, out: Path | None = None, opts: BuildOptions | None = None) -> PreviewResult:
    """cards/ under `root` -> a static preview site (default: root/build/preview). Raises DeckError."""
    prepared = prepare_notes(root, opts or BuildOptions(quiet=True))
    return write_site(prepared, out or root / "build" / "preview")
