"""Every formula of every entry checked once: refused macros first (always), then MathJax
under node, or the structural fallback when MathJax cannot run; a formula too plain to fail
(simple.py, tested against MathJax) needs neither. Problems at file:line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..entries import Entry
from ..errors import Problem
from ..sections import KEYS
from . import fallback, mathjax, simple
from .cache import TexCache, entry_key
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


# What one entry's formulas need: (formulas found, [(line, tex, display, why refused or "")] of
# the refused ones and of those not too plain to fail). Made where the entry was parsed when a
# build parses in worker processes (mldeck/entry_cache.py), else here.
Scan = tuple[int, list[tuple[int, str, bool, str]]]


def scan_entry(entry: Entry) -> Scan:
    found, need = 0, []
    for key in KEYS:
        if not (text := entry.text(key)):
            continue
        for f in formulas(text):
            found += 1
            why = hostile(f.tex)
            if why or not simple.parses(f.tex):  # too plain to fail: no node for it
                need.append((entry.body_line(key, f.offset), f.tex, f.display, why or ""))
    return found, need


def _check(entries: list[Entry], scans: dict[str, Scan]) -> tuple[dict[int, list[Problem]], str, str, int]:
    """Problems per entry (by position in `entries`), the engine, why not MathJax, formulas found."""
    problems: dict[int, list[Problem]] = {n: [] for n in range(len(entries))}
    todo: list[tuple[int, int, str, bool]] = []
    found = 0
    for n, entry in enumerate(entries):
        scan = scans.get(entry.digest) if entry.digest else None
        count, need = scan if scan is not None else scan_entry(entry)
        found += count
        for line, tex, display, why in need:
            if why:
                problems[n].append(Problem(entry.path or entry.id, line, f"formula `{_shown(tex)}`: {why}"))
            else:
                todo.append((n, line, tex, display))
    if not todo:
        return problems, f"MathJax {mathjax.VERSION}", "", found
    distinct = list(dict.fromkeys((tex, display) for _, _, tex, display in todo))  # each formula once
    try:
        verdicts = dict(zip(distinct, mathjax.check_all(distinct), strict=True))
        engine, note = f"MathJax {mathjax.VERSION}", ""
    except mathjax.MathJaxUnavailable as exc:
        verdicts = {(tex, display): fallback.check(tex) for tex, display in distinct}
        engine = "the structural check"
        note = f"formulas checked without MathJax ({exc}): unknown macros are not caught"
    for n, line, tex, display in todo:
        if error := verdicts[tex, display]:
            where = entries[n].path or entries[n].id
            problems[n].append(Problem(where, line, f"formula `{_shown(tex)}`: {error} ({engine})"))
    return problems, engine, note, found


def check_entries(entries: list[Entry], cache: Path | None = None, scans: dict[str, Scan] | None = None) -> TexReport:
    """Check every formula of `entries` (their texts, test-only fences excluded). With a cache
    folder, entries whose texts MathJax already checked are not checked again; `scans` (by the
    entry's file digest) are `scan_entry` results made elsewhere."""
    store = TexCache(cache)
    keys = [entry_key(e) for e in entries] if store.path is not None else [""] * len(entries)
    known = {n: hit for n, e in enumerate(entries) if (hit := store.get(keys[n], e)) is not None}
    fresh = [n for n in range(len(entries)) if n not in known]
    found, engine, note, count = _check([entries[n] for n in fresh], scans or {})
    if not note:
        for i, n in enumerate(fresh):
            store.keep(keys[n], found[i])
        store.save()
    problems = [p for n in sorted(known) for p in known[n]] + [p for n in sorted(found) for p in found[n]]
    return TexReport(problems, engine, note, count)
