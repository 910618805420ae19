"""Every formula of every entry checked once: refused macros first (always), then MathJax
under node, or the structural fallback when MathJax cannot run. Problems at file:line."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..entries import Entry
from ..errors import Problem
from ..sections import KEYS
from . import fallback, mathjax
from .extract import formulas
from .hostile import hostile


@dataclass(frozen=True)
class TexReport:
    problems: list[Problem] = field(default_factory=list)
    engine: str = ""  # what checked the formulas
    note: str = ""  # why MathJax did not run ("" when it did)
    count: int = 0


def _shown(tex: str) -> str:
    flat = " ".join(tex.split())
    return flat if len(flat) <= 60 else flat[:57] + "…"


def check_entries(entries: list[Entry]) -> TexReport:
    """Check every formula of `entries` (their texts, test-only fences excluded)."""
    problems: list[Problem] = []
    todo: list[tuple[Entry, int, str, bool]] = []
    found = 0
    for entry in entries:
        for key in KEYS:
            if not (text := entry.text(key)):
                continue
            for f in formulas(text):
                found += 1
                line = entry.body_line(key, f.offset)
                if why := hostile(f.tex):
                    problems.append(Problem(entry.path or entry.id, line, f"formula `{_shown(f.tex)}`: {why}"))
                else:
                    todo.append((entry, line, f.tex, f.display))
    try:
        errors = mathjax.check_all([(tex, display) for _, _, tex, display in todo])
        engine, note = f"MathJax {mathjax.VERSION}", ""
    except mathjax.MathJaxUnavailable as exc:
        errors = [fallback.check(tex) for _, _, tex, _ in todo]
        engine = "the structural check"
        note = f"formulas checked without MathJax ({exc}): unknown macros are not caught"
    for (entry, line, tex, _), error in zip(todo, errors, strict=True):
        if error:
            problems.append(Problem(entry.path or entry.id, line, f"formula `{_shown(tex)}`: {error} ({engine})"))
    return TexReport(problems, engine, note, found)
