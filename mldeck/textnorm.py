"""Unicode and whitespace normalisation shared by the scrapers.

Typographic characters (curly quotes, dashes) are kept; what is normalised is invisible or
broken: NBSP and other odd spaces, zero-width characters, CRLF, trailing blanks, and text
that was decoded with the wrong codec (mojibake such as "itâ€™s").
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_MOJIBAKE = re.compile(r"[\u00c2\u00c3\u00e2][\u0080-\u00bf\u2018-\u203a\u0152-\u0178\u20ac\u2122]+")


def _repair_mojibake(text: str) -> str:
    def fix(match: re.Match[str]) -> str:
        chunk = match.group(0)
        try:
            return chunk.encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return chunk

    return _MOJIBAKE.sub(fix, text)


def normalize_line(line: str) -> str:
    """Normalise one line: NFC, no mojibake, plain spaces, no trailing blanks."""
    line = unicodedata.normalize("NFC", line)
    line = _repair_mojibake(line)
    line = _ZERO_WIDTH.sub("", line)
    line = _SPACES.sub(" ", line)
    return line.rstrip()


def normalize_text(text: str) -> list[str]:
    """Split a snapshot into normalised lines (CRLF/CR tolerated, BOM dropped)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [normalize_line(line) for line in text.split("\n")]


def collapse_spaces(text: str) -> str:
    """Inner runs of spaces become one space (for question and answer text)."""
    return re.sub(r" {2,}", " ", text).strip()
