"""MathJax 3 next to the preview page, configured as Anki's reviewer configures it, so formulas
look as they will in Anki (`\\begin{aligned}`, `\\arg\\max` and all). Offline: the files come from
tools/mathjax/node_modules (`npm ci --prefix tools/mathjax`, which `make test` runs), never a CDN.
Without them the preview falls back to MathML (math.py).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]
DEFAULT_DIR = CHECKOUT / "tools" / "mathjax" / "node_modules" / "mathjax"
FOLDER = "_mathjax"  # next to index.html; media names never start with "_"
SCRIPT = f"{FOLDER}/tex-chtml.js"  # what Anki's reviewer loads (qt/aqt/reviewer.py)
CONFIG = f"{FOLDER}/config.js"
# Besides the combined script: the TeX extensions it loads on demand, and the CHTML fonts.
PARTS = ("es5/tex-chtml.js", "es5/input/tex/extensions", "es5/output/chtml/fonts/woff-v2")

# ts/mathjax/index.ts in Anki (23.10 and later), without its server paths: MathJax finds its
# extensions and fonts next to the script. Typesetting is started by the page (_preview.js),
# inside each card's shadow root.
CONFIG_JS = """// MathJax as Anki's reviewer configures it (ts/mathjax/index.ts); written by build_deck.py preview.
window.MathJax = {
  tex: {
    displayMath: [["\\\\[", "\\\\]"]],
    processEscapes: false,
    processEnvironments: false,
    processRefs: false,
    packages: { "[+]": ["noerrors", "mathtools"], "[-]": ["textmacros"] },
  },
  loader: { load: ["[tex]/noerrors", "[tex]/mathtools"] },
  startup: { typeset: false },
};
"""


@dataclass(frozen=True)
class MathJax:
    folder: Path  # node_modules/mathjax
    version: str


def find_mathjax(folder: Path = DEFAULT_DIR) -> MathJax | None:
    """The installed MathJax 3, or None when it is not (complete)."""
    if not all((folder / part).exists() for part in PARTS):
        return None
    try:
        version = str(json.loads((folder / "package.json").read_text(encoding="utf-8")).get("version", ""))
    except (OSError, ValueError):
        return None
    return MathJax(folder, version) if version.startswith("3.") else None


def copy_mathjax(mathjax: MathJax, site: Path) -> int:
    """Copy the script, its extensions and fonts into site/_mathjax, and the config; return the file count."""
    dest = site / FOLDER
    count = 0
    for part in PARTS:
        src, target = mathjax.folder / part, dest / Path(part).relative_to("es5")
        if src.is_dir():
            shutil.copytree(src, target)
            count += sum(1 for p in target.rglob("*") if p.is_file())
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)
            count += 1
    (site / CONFIG).write_text(CONFIG_JS, encoding="utf-8")
    return count + 1
