"""Entry front matter: a strict subset of YAML (`key: value`, `key: [a, b]`, `# comments`).

No anchors, aliases, tags, blocks or nesting, so a card can neither smuggle objects in nor
blow up the reader, and every key has a line number for error messages.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import fail

KEYS = ("id", "source", "ref", "section", "difficulty", "topics", "answer_origin", "verdict", "kind", "duplicate_of")


def _scalar(raw: str) -> str:
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
        return raw[1:-1]
    return raw


def _strip_comment(value: str) -> str:
    return re.sub(r"\s+#.*$", "", value).strip()


def parse_front_matter(lines: list[str], path: Path) -> tuple[dict[str, object], dict[str, int], int]:
    """Parse the front matter; return (values, key lines, index of the first body line)."""
    if not lines or lines[0].strip() != "---":
        raise fail(path, 1, "card must start with '---' front matter")
    values: dict[str, object] = {}
    where: dict[str, int] = {}
    for i in range(1, len(lines)):
        line = lines[i]
        n = i + 1
        if line.strip() == "---":
            return values, where, i + 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.match(r"^([A-Za-z_][A-Za-z0-9_]*):(.*)$", line)
        if not m:
            raise fail(path, n, f"front matter: expected 'key: value', got {line.strip()[:60]!r}")
        key, value = m.group(1), _strip_comment(m.group(2))
        if key not in KEYS:
            raise fail(path, n, f"front matter: unknown key {key!r} (known: {', '.join(KEYS)})")
        if key in values:
            raise fail(path, n, f"front matter: key {key!r} given twice")
        if value[:1] in "&*!|>{":
            raise fail(path, n, f"front matter: {key!r}: anchors, aliases, tags and blocks are not allowed")
        if value.startswith("["):
            if not value.endswith("]"):
                raise fail(path, n, f"front matter: {key!r}: unterminated list")
            values[key] = [_scalar(v) for v in value[1:-1].split(",") if v.strip()]
        else:
            values[key] = _scalar(value)
        where[key] = n
    raise fail(path, 1, "front matter is not closed by a '---' line")
