"""A structural TeX check for when MathJax cannot run (no node, or the npm package missing):
the errors MathJax reports for unbalanced input, in MathJax's words. It cannot know which
macros exist; `make lint` says so once, and `make test` installs MathJax for the full check."""

from __future__ import annotations

import re

TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\\$|\S", re.S)
ALIGNED = ("align", "aligned", "matrix", "pmatrix", "bmatrix", "vmatrix", "Bmatrix", "Vmatrix", "smallmatrix",
           "array", "cases", "dcases", "rcases", "split", "gather", "eqnarray", "alignat", "multline",
           "subarray", "CD", "flalign", "xalignat", "xxalignat", "darray")  # fmt: skip
SCRIPTS = {"^": "Double exponent: use braces to clarify", "_": "Double subscripts: use braces to clarify"}


def _after_argument(toks: list[str], i: int) -> int:
    """The index after the argument that starts at toks[i] (a {group} or one token)."""
    if toks[i] != "{":
        return i + 1
    depth = 0
    for j in range(i, len(toks)):
        depth += {"{": 1, "}": -1}.get(toks[j], 0)
        if depth == 0:
            return j + 1
    return len(toks)


def _env_name(toks: list[str], i: int) -> str | None:
    """`name` of `\\begin{name}` whose `{` is toks[i]."""
    end = _after_argument(toks, i) if i < len(toks) and toks[i] == "{" else -1
    return "".join(toks[i + 1 : end - 1]) if end > i + 1 else None


def check(tex: str) -> str | None:
    """The first error MathJax would report for `tex` when it is structural; else None."""
    toks = TOKEN.findall(tex)
    depth, lefts, envs = 0, 0, []
    for i, t in enumerate(toks):
        if t in ("{", "}"):
            depth += 1 if t == "{" else -1
            if depth < 0:
                return "Extra close brace or missing open brace"
        elif t == "\\":
            return "Undefined control sequence \\"
        elif t == "#":
            return "You can't use 'macro parameter character #' in math mode"
        elif t in SCRIPTS:
            if i + 1 == len(toks) or toks[i + 1] in ("}", "&", "^", "_", "\\\\"):
                return "Missing superscript or subscript argument"
            j = _after_argument(toks, i + 1)
            if j + 1 < len(toks) and toks[j] in SCRIPTS and toks[j] != t:
                j = _after_argument(toks, j + 1)  # the other script: x^a_b
            if j < len(toks) and toks[j] == t:
                return SCRIPTS[t]
        elif t in ("\\left", "\\right"):
            lefts += 1 if t == "\\left" else -1
            if lefts < 0:
                return "Missing \\left or extra \\right"
        elif t in ("\\begin", "\\end"):
            name = _env_name(toks, i + 1)
            if name is None:
                return f"Missing argument for {t}"
            if t == "\\begin":
                envs.append(name)
            elif not envs:
                return f"Extra \\end{{{name}}}"
            elif (opened := envs.pop()) != name:
                return f"\\begin{{{opened}}} ended with \\end{{{name}}}"
        elif t == "&" and not any(e.rstrip("*") in ALIGNED for e in envs):
            return "Misplaced &"
    if depth > 0:
        return "Missing close brace"
    if lefts > 0:
        return "Extra \\left or missing \\right"
    return f"Missing \\end{{{envs[-1]}}}" if envs else None
