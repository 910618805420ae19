"""CHANGELOG.md (Keep a Changelog): the section a release ships, and the checks that it is ready.

A release X.Y.Z needs a heading `## [X.Y.Z] - YYYY-MM-DD` with a real date and at least one
entry, and an `## [Unreleased]` section with no entries left (they move under the release).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import DeckError, Problem, fail

CHANGELOG = "CHANGELOG.md"
_HEADING = re.compile(r"^## \[(?P<name>[^\]]+)\](?:\s+-\s+(?P<date>\S+))?\s*$")


@dataclass(frozen=True)
class Section:
    name: str  # "1.0.0" or "Unreleased"
    date: str
    line: int  # 1-based line of its heading
    body: str  # the Markdown under the heading, stripped

    @property
    def entries(self) -> list[str]:
        return [s for s in self.body.splitlines() if re.match(r"\s*[-*] \S", s)]


def sections(text: str) -> list[Section]:
    found: list[tuple[str, str, int, list[str]]] = []
    for number, line in enumerate(text.splitlines(), 1):
        m = _HEADING.match(line)
        if m:
            found.append((m["name"], m["date"] or "", number, []))
        elif line.startswith("## ") or re.match(r"^\[[^\]]+\]:\s", line):
            found.append(("", "", number, []))  # another kind of heading, or link references: ends a section
        elif found:
            found[-1][3].append(line)
    return [Section(n, d, no, "\n".join(body).strip()) for n, d, no, body in found if n]


def release_section(path: Path, version: str) -> Section:
    """The section of `version`, checked as ready to ship. Raises DeckError naming the lines."""
    if not path.is_file():
        raise fail(path, 1, f"no {CHANGELOG}: add one with a `## [{version}] - YYYY-MM-DD` section")
    found = {s.name.lower(): s for s in sections(path.read_text(encoding="utf-8"))}
    problems = []
    section = found.get(version)
    if section is None:
        raise fail(path, 1, f"no `## [{version}] - YYYY-MM-DD` section: move the Unreleased entries under one")
    if not _is_date(section.date):
        when = datetime.date.today().isoformat()
        problems.append(Problem(path, section.line, f"date the {version} section: `## [{version}] - {when}`"))
    if not section.entries:
        problems.append(Problem(path, section.line, f"the {version} section lists no change"))
    unreleased = found.get("unreleased")
    if unreleased is not None and unreleased.entries:
        problems.append(
            Problem(
                path,
                unreleased.line,
                f"Unreleased still lists {len(unreleased.entries)} change(s): move them under [{version}]",
            )  # fmt: skip
        )
    if problems:
        raise DeckError(problems)
    return section


_BLOCK_START = re.compile(r"(?:[-*+]|\d+[.)])\s|#|\||>|```|<")


def unwrap(markdown: str) -> str:
    """Join hard-wrapped lines of paragraphs and list items: GitHub shows every newline of a
    release's notes as a line break. Code blocks, headings, tables and quotes are kept."""
    out: list[str] = []
    in_code = False
    for line in markdown.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            in_code = not in_code
        prev = out[-1].strip() if out else ""
        if in_code or not stripped or not prev or _BLOCK_START.match(stripped) or prev.startswith(("#", "|", "```")):
            out.append(line)
        else:
            out[-1] = f"{out[-1].rstrip()} {stripped}"
    return "\n".join(out)


def _is_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text))
