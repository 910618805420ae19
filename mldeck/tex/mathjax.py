"""Run MathJax 3.2.2 under node on many formulas at once (tools/mathjax/texcheck.js).

One node process for the whole deck: starting MathJax costs ~0.15 s, a formula well under a
millisecond. `available()` says why it cannot run (no node, the npm package not installed),
so the caller can fall back and say so."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

TOOLS = Path(__file__).resolve().parents[2] / "tools" / "mathjax"
SCRIPT = TOOLS / "texcheck.js"
PACKAGE = TOOLS / "node_modules" / "mathjax" / "package.json"
VERSION = "3.2.2"
TIMEOUT = 120.0


class MathJaxUnavailable(Exception):
    """MathJax could not check the formulas; the message says why."""


def node_binary() -> str | None:
    return os.environ.get("MLDECK_NODE") or shutil.which("node")


def available() -> str | None:
    """None when MathJax can run, else why not."""
    node = node_binary()
    if not node or not Path(node).is_file():
        return "node is not installed"
    if not SCRIPT.is_file() or not PACKAGE.is_file():
        return "the MathJax npm package is not installed (npm ci --prefix tools/mathjax; `make test` does it)"
    try:
        version = json.loads(PACKAGE.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError):
        version = None
    if version != VERSION:
        return f"tools/mathjax has MathJax {version}, not the pinned {VERSION} (npm ci --prefix tools/mathjax)"
    return None


def check_all(formulas: list[tuple[str, bool]]) -> list[str | None]:
    """MathJax's error for each (tex, display), None where it parses; MathJaxUnavailable else."""
    if not formulas:
        return []
    if why := available():
        raise MathJaxUnavailable(why)
    data = json.dumps([{"tex": tex, "display": display} for tex, display in formulas]).encode()
    try:
        proc = subprocess.run(
            [node_binary() or "node", str(SCRIPT)], input=data, capture_output=True, timeout=TIMEOUT, cwd=TOOLS
        )
    except subprocess.TimeoutExpired:
        raise MathJaxUnavailable(f"MathJax took longer than {TIMEOUT:g} s") from None
    except OSError as exc:
        raise MathJaxUnavailable(f"node could not start ({exc.strerror or exc})") from None
    try:
        out = json.loads(proc.stdout) if proc.returncode == 0 else None
    except ValueError:
        out = None
    if not isinstance(out, list) or len(out) != len(formulas):
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
        raise MathJaxUnavailable(f"MathJax failed ({detail[0][:200]})")
    return [e if isinstance(e, str) else None for e in out]
