"""Text that Anki reads as markup although it is not HTML, and how to make it plain text.

In a field, Anki plays `[sound:x.mp3]`, speaks `[anki:tts]…[/anki:tts]`, and Anki desktop runs
LaTeX on `[latex]…[/latex]`, `[$]…[/$]` and `[$$]…[/$$]`; its MathJax typesets `\\(…\\)` and
`\\[…\\]` anywhere outside code. A card may *mention* these (a question about Anki, a LaTeX
answer written in prose); what reaches a field must not *be* them. A word joiner (U+2060,
invisible, kept through HTML escaping and unescaping) after the `[` or the backslash breaks
each pattern while the text reads the same. `\\x1f` separates fields in Anki's database: no
text may carry it.
"""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"
# What Anki's reviewer matches (rslib card_rendering and latex.rs; case-insensitive for LaTeX).
ANKI_TAG = re.compile(r"\[(?=/?(?:sound:|anki:|latex\]|\$\$?\]))", re.IGNORECASE)
MATH_DELIMITER = re.compile(r"\\(?=[(\[])")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def find_anki_markup(text: str) -> re.Match[str] | None:
    """The first Anki tag (`[sound:`, `[anki:`, `[latex]`, `[$]`, `[$$]`) in `text`."""
    return ANKI_TAG.search(text)


def plain_anki_tags(text: str) -> str:
    """`text` with every Anki tag opener broken by a word joiner: shown, never played or run."""
    return ANKI_TAG.sub("[" + WORD_JOINER, text)


def plain_math_delimiters(text: str) -> str:
    """`text` with `\\(` and `\\[` broken by a word joiner: MathJax leaves it as text."""
    return MATH_DELIMITER.sub("\\\\" + WORD_JOINER, text)


def anki_problem(value: str) -> str | None:
    """Why a plain value (source metadata, shown in fields) may not hold this text, or None."""
    if m := CONTROL.search(value):
        return f"control character U+{ord(m.group(0)):04X} (\\x1f is Anki's field separator)"
    if m := ANKI_TAG.search(value):
        return f"{value[m.start() : m.start() + 12]!r} is Anki markup (a sound, speech or LaTeX tag)"
    if MATH_DELIMITER.search(value):
        return "'\\(' or '\\[' would be typeset by Anki's MathJax"
    return None
