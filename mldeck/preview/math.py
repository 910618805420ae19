"""TeX in note fields -> MathML, so the preview shows formulas without MathJax or a network.

Fields carry math the way Anki's MathJax expects it: `\\(...\\)` in `<span class="arithmatex">`
and `\\[...\\]` in `<div class="arithmatex">`, HTML-escaped. Browsers render MathML natively;
the TeX stays on the <math> element as `alttext`. A formula the converter cannot read is left
as TeX and reported, so the preview never hides a broken formula.
"""

from __future__ import annotations

import html
import re
from xml.etree.ElementTree import Element

from latex2mathml.converter import convert_to_element

_MATH = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.DOTALL)
_DELIMITERS = {"span": (r"\(", r"\)"), "div": (r"\[", r"\]")}
# An unknown command comes out of the converter as text such as `\arg`: treat it as a failure.
_LEFT_OVER = re.compile(r">[^<]*?(\\[A-Za-z]+)")
# TeX puts a thin space between an operator name and an ordinary symbol (`\log q`); MathML doesn't.
_FUNCTION = re.compile(
    r"(<mi>(?:arg|cos|cosh|det|dim|exp|inf|ker|lim|ln|log|max|min|Pr|sin|sinh|sup|tan|tanh)</mi>)"
    r"(?=<m(?:i|n|sub|sup|subsup|frac|sqrt|row)\b)"
)
THIN_SPACE = '<mspace width="0.1667em"></mspace>'
# Operator names MathJax knows and the converter does not.
_OPERATORS = re.compile(r"\\(arg)(?![A-Za-z])")
# The MathML the converter writes; anything else (and any markup inside a text) is escaped, so
# `\text{<img onerror=…>}` shows as text: an element inside <mtext> would be parsed as HTML.
MATHML_TAGS = frozenset(
    "math semantics annotation mrow mi mn mo ms mtext mspace msub msup msubsup mfrac msqrt mroot mstyle "
    "mtable mtr mtd mlabeledtr munder mover munderover mpadded mphantom menclose merror mmultiscripts "
    "mprescripts none maligngroup malignmark".split()
)
_ATTRIBUTE = re.compile(r"^[a-z][a-z-]{0,30}$")
_CHAR_REF = re.compile(r"&amp;(#x[0-9A-Fa-f]{1,6};|#[0-9]{1,7};)")


def _escape(text: str, quote: bool) -> str:
    """Escape `text`, keeping the numeric character references the converter writes (`&#x003B8;`)."""
    return _CHAR_REF.sub(r"&\1", html.escape(text, quote=quote))


def _serialise(el: Element, out: list[str]) -> None:
    tag = el.tag.rsplit("}", 1)[-1]
    if tag not in MATHML_TAGS:
        raise ValueError(f"unexpected element <{tag[:20]}>")
    attrs = "".join(f' {k}="{_escape(str(v), True)}"' for k, v in el.attrib.items() if _ATTRIBUTE.match(k))
    out.append(f"<{tag}{attrs}>{_escape(el.text or '', False)}")
    for child in el:
        _serialise(child, out)
        out.append(_escape(child.tail or "", False))
    out.append(f"</{tag}>")


def tex_to_mathml(tex: str, display: bool) -> str:
    """One formula (no delimiters) -> a <math> element; raises ValueError when it cannot."""
    try:
        root = convert_to_element(_OPERATORS.sub(r"\\operatorname{\1}", tex), display="block" if display else "inline")
        parts: list[str] = []
        _serialise(root, parts)
    except Exception as exc:  # the converter raises many kinds for bad or unknown TeX
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise ValueError(f"cannot convert {tex!r} ({reason})") from exc
    out = "".join(parts)
    left = _LEFT_OVER.search(out)
    if left:
        raise ValueError(f"cannot convert {tex!r} (unknown command {left.group(1)})")
    out = _FUNCTION.sub(lambda m: m.group(1) + THIN_SPACE, out)
    return out.replace("<math ", f'<math alttext="{html.escape(tex, quote=True)}" ', 1)


def mathml_fields(fragment: str, problems: list[str] | None = None) -> str:
    """Replace every arithmatex formula in an HTML fragment by MathML; append failures to `problems`."""

    def swap(m: re.Match[str]) -> str:
        tag, body = m.group(1), html.unescape(m.group(2)).strip()
        start, end = _DELIMITERS[tag]
        if not (body.startswith(start) and body.endswith(end)):
            return m.group(0)
        try:
            math = tex_to_mathml(body[len(start) : -len(end)].strip(), display=tag == "div")
        except ValueError as exc:
            if problems is not None:
                problems.append(str(exc))
            return m.group(0)
        return f'<{tag} class="arithmatex">{math}</{tag}>'

    return _MATH.sub(swap, fragment)
