"""Formulas too plain to fail: a conservative grammar that MathJax 3.2.2 always parses, so the
build need not start node for them (most of a deck's formulas: `L = \\sum_i (y_i - \\hat y_i)^2`).

The grammar, over ASCII only:

    formula  := item*
    item     := atom [scripts]      at most one `^` and one `_` per atom, each with an argument
    atom     := letter | digit | space, tab or newline | one of `+-=<>()[],.;:!/|*` | `{` formula `}`
              | \\symbol | \\named | \\accent arg | \\frac-like arg arg | \\operatorname{letters}
              | \\, \\; \\! \\{ \\} \\|
    arg      := letter | digit | `{` formula `}` | \\symbol      (spaces before it are skipped)

Anything else (a prime, `&`, `\\\\`, `\\left`, `\\text`, environments, any macro not listed
here, a script without an argument, a double script, an unbalanced brace, non-ASCII) is
"not simple" and goes to MathJax as before. `parses` must never say True for a formula MathJax
rejects: tests/test_tex.py checks every listed macro and thousands of random formulas against
MathJax itself.
"""

from __future__ import annotations

GREEK = (
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi varpi rho "
    "varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi "
    "Psi Omega"
).split()
# Symbols: no argument, and each may be one.
SYMBOLS = frozenset(
    GREEK
    + (
        "sum prod int oint cdot times div pm mp le leq ge geq neq ne approx equiv sim simeq propto infty in notin "
        "to gets mapsto rightarrow leftarrow Rightarrow Leftarrow iff implies partial nabla forall exists "
        "subset subseteq supset supseteq cup cap setminus emptyset varnothing ell mid parallel perp circ "
        "bullet star ast quad qquad top bot langle rangle lfloor rfloor lceil rceil ll gg prime hbar Re Im"
    ).split()
)
# Operator names and dots: no argument, and never one themselves (`x_\\sin` is MathJax's
# "Missing open brace for subscript").
NAMED = frozenset("log ln exp sin cos tan sinh cosh tanh min max arg lim sup inf det dim ker Pr ldots cdots "
                  "dots vdots ddots".split())  # fmt: skip
ACCENTS = frozenset("hat bar tilde vec dot ddot widehat widetilde overline underline mathbf mathrm mathit "
                    "mathcal mathbb mathsf boldsymbol sqrt".split())  # fmt: skip
TWO_ARGS = frozenset("frac dfrac tfrac binom".split())
OPERATORS = frozenset("+-=<>()[],.;:!/|*")
CONTROL_SYMBOLS = frozenset(",;!{}|")
SPACES = frozenset(" \t\n")
MAX_CHARS = 2000


class _NotSimple(Exception):
    pass


class _Parser:
    def __init__(self, tex: str):
        self.s = tex
        self.i = 0

    def _peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def _word(self) -> str:
        """The control word or symbol after a backslash at self.i (consumed)."""
        start = self.i + 1
        end = start
        while end < len(self.s) and self.s[end].isascii() and self.s[end].isalpha():
            end += 1
        if end == start:  # a control symbol: one character
            if start >= len(self.s):
                raise _NotSimple
            end = start + 1
        self.i = end
        return self.s[start:end]

    def _skip_spaces(self) -> None:
        while self._peek() in SPACES and self.i < len(self.s):
            self.i += 1

    def _group(self) -> None:
        """`{` formula `}` at self.i."""
        self.i += 1
        self.formula(inside=True)
        if self._peek() != "}":
            raise _NotSimple
        self.i += 1

    def _arg(self) -> None:
        self._skip_spaces()
        c = self._peek()
        if c == "{":
            self._group()
        elif c.isascii() and c.isalnum():
            self.i += 1
        elif c == "\\":
            if self._word() not in SYMBOLS:
                raise _NotSimple
        else:
            raise _NotSimple

    def _atom(self) -> None:
        c = self._peek()
        if c == "{":
            self._group()
        elif c == "\\":
            word = self._word()
            if word in SYMBOLS or word in NAMED or (len(word) == 1 and word in CONTROL_SYMBOLS):
                pass
            elif word in ACCENTS:
                self._skip_spaces()
                if word == "sqrt" and self._peek() == "[":
                    raise _NotSimple  # the optional index: left to MathJax
                self._arg()
            elif word in TWO_ARGS:
                self._arg()
                self._arg()
            elif word == "operatorname":
                self._skip_spaces()
                end = self.s.find("}", self.i)
                name = self.s[self.i + 1 : end] if self._peek() == "{" and end > self.i + 1 else ""
                if not (name.isascii() and name.isalpha()):
                    raise _NotSimple
                self.i = end + 1
            else:
                raise _NotSimple
        elif c in SPACES or (c.isascii() and c.isalnum()) or c in OPERATORS:
            self.i += 1
        else:
            raise _NotSimple

    def formula(self, inside: bool = False) -> None:
        while self.i < len(self.s):
            c = self._peek()
            if c == "}":
                if inside:
                    return
                raise _NotSimple
            if c in "^_":
                raise _NotSimple  # a script with no atom before it
            self._atom()
            scripts = ""
            while True:
                self._skip_spaces()
                c = self._peek()
                if c not in ("^", "_"):
                    break
                if c in scripts:
                    raise _NotSimple  # a double script: MathJax's error
                scripts += c
                self.i += 1
                self._arg()


def parses(tex: str) -> bool:
    """True when `tex` is in the grammar above, so MathJax parses it without an error."""
    if len(tex) > MAX_CHARS or not tex.isascii():
        return False
    parser = _Parser(tex)
    try:
        parser.formula()
    except (_NotSimple, RecursionError):
        return False
    return parser.i == len(tex)
