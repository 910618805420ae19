"""A short word-level diff of two texts, as Markdown: ~~removed words~~ **added words**, with a
few words of context around each change and long runs cut. Pure."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

CONTEXT = 4  # words kept either side of a change
MAX_HUNKS = 3  # changes shown per text; the rest are counted
MAX_RUN = 24  # words shown of one removed or added run
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")


def md_escape(text: str) -> str:
    """Text that Markdown shows as is (no emphasis, links, HTML or tables)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def words(text: str) -> list[str]:
    return text.split()


def similarity(old: str, new: str) -> float:
    """How much of the wording stays: 1.0 identical, 0.0 nothing in common (difflib over words)."""
    a, b = words(old), words(new)
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


Op = tuple[str, tuple[str, ...], tuple[str, ...]]  # (difflib tag, old words, new words)


@dataclass(frozen=True)
class Hunk:
    """Nearby changes with up to CONTEXT unchanged words around them."""

    ops: tuple[Op, ...]
    cut_before: bool  # more text precedes it
    cut_after: bool  # more text follows it


def hunks(old: str, new: str, context: int = CONTEXT) -> list[Hunk]:
    """The changes from `old` to `new`; changes closer than 2 x `context` words share a hunk."""
    a, b = words(old), words(new)
    if a == b:
        return []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    found = []
    for group in matcher.get_grouped_opcodes(context):
        ops = tuple((tag, tuple(a[i1:i2]), tuple(b[j1:j2])) for tag, i1, i2, j1, j2 in group)
        found.append(Hunk(ops, group[0][1] > 0, group[-1][2] < len(a)))
    return found


def _run(run: tuple[str, ...], mark: str) -> str:
    if not run:
        return ""
    more = f" …(+{len(run) - MAX_RUN} words)" if len(run) > MAX_RUN else ""
    return f"{mark}{md_escape(' '.join(run[:MAX_RUN]))}{more}{mark}"


def render_hunk(h: Hunk) -> str:
    parts = ["…" if h.cut_before else ""]
    for tag, old, new in h.ops:
        if tag == "equal":
            parts.append(md_escape(" ".join(old)))
        else:
            parts += [_run(old, "~~"), _run(new, "**")]
    parts.append("…" if h.cut_after else "")
    return " ".join(p for p in parts if p)


def word_diff(old: str, new: str, max_hunks: int = MAX_HUNKS) -> str:
    """`…context ~~old words~~ **new words** context…` per change, " · "-separated; "" when equal."""
    found = hunks(old, new)
    shown = [render_hunk(h) for h in found[:max_hunks]]
    if len(found) > max_hunks:
        shown.append(f"and {len(found) - max_hunks} more change(s)")
    return " · ".join(shown)
