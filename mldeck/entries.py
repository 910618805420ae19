"""Entry files: `cards/<source>/NNN-slug.md`, one per source question; the source of truth.

A card file is front matter between `---` lines, then `# question`, the answer, and optional
`## Context` / `## Editor's note` / `## Source answer` sections. The front matter is a strict
subset of YAML (``key: value``, ``key: [a, b]``, ``# comments``): no anchors, tags or nesting,
so a card can neither smuggle objects in nor blow up the reader, and every key has a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DeckError, Problem, fail
from .frontmatter import KEYS, parse_front_matter
from .taxonomy import ANSWER_ORIGINS, DIFFICULTIES, TOPICS

REQUIRED = ("id", "source", "ref", "difficulty", "topics", "answer_origin")
# Sections after the answer, in the order the writer puts them.
SECTIONS = {"editor_note": "Editor's note", "source_answer": "Source answer", "context": "Context"}
ID_RX = re.compile(r"^[a-z][a-z0-9]*-[a-z0-9]+$")
WORD_RX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
MAX_BYTES = 256 * 1024
# The Markdown texts of a card, each rendered to HTML by the build.
TEXT_FIELDS = ("question", "answer", "editor_note", "source_answer", "context")


@dataclass(frozen=True)
class Entry:
    id: str
    source: str
    ref: str
    difficulty: str
    topics: tuple[str, ...]
    answer_origin: str
    question: str
    answer: str = ""
    section: str | None = None
    duplicate_of: str | None = None
    context: str = ""
    editor_note: str = ""
    source_answer: str = ""
    path: Path | None = field(default=None, compare=False)
    # line numbers: front-matter keys, "question", "answer", and each section, for messages
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)


def _check(values: dict[str, object], where: dict[str, int], path: Path) -> list[Problem]:
    problems = []

    def bad(key: str, msg: str) -> None:
        problems.append(Problem(path, where.get(key, 1), msg))

    for key in REQUIRED:
        if key not in values or values[key] in ("", []):
            bad(key, f"front matter: missing {key!r}")
    for key in KEYS:
        if key in values and key != "topics" and isinstance(values[key], list):
            bad(key, f"front matter: {key!r} must be a single value, not a list")
    if isinstance(values.get("id"), str) and values["id"] and not ID_RX.match(values["id"]):
        bad("id", f"id {values['id']!r} must look like '<source>-<ref>' (lower case, digits, one '-')")
    if values.get("difficulty") and values["difficulty"] not in DIFFICULTIES:
        bad("difficulty", f"unknown difficulty {values['difficulty']!r} (one of: {', '.join(DIFFICULTIES)})")
    if values.get("answer_origin") and values["answer_origin"] not in ANSWER_ORIGINS:
        bad("answer_origin", f"unknown answer_origin {values['answer_origin']!r} ({', '.join(ANSWER_ORIGINS)})")
    topics = values.get("topics")
    if topics is not None and not isinstance(topics, list):
        bad("topics", "topics must be a list: topics: [a, b]")
    for t in topics if isinstance(topics, list) else []:
        if t not in TOPICS:
            bad("topics", f"unknown topic {t!r} (see docs/taxonomy.md)")
    for key in ("source", "section", "duplicate_of", "ref"):
        v = values.get(key)
        if isinstance(v, str) and v and not WORD_RX.match(v):
            bad(key, f"{key} {v!r} has characters other than letters, digits, '-', '_' and '.'")
    return problems


def _split_body(lines: list[str], start: int, path: Path) -> tuple[str, dict[str, str], dict[str, int]]:
    """Body lines -> question, {answer/sections: markdown}, line numbers."""
    heads = {v.lower(): k for k, v in SECTIONS.items()}
    parts: dict[str, list[str]] = {"answer": []}
    where: dict[str, int] = {}
    question = None
    current = "answer"
    fence, fence_line = None, 0
    for i in range(start, len(lines)):
        line, n = lines[i], i + 1
        stripped = line.strip()
        if m := re.match(r"^(`{3,}|~{3,})(.*)$", stripped):
            if fence is None:
                fence, fence_line = m.group(1), n
            elif m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not m.group(2).strip():
                fence = None
        if fence is None and question is None:
            if not stripped:
                continue
            if not line.startswith("# "):
                raise fail(path, n, "expected the question as a '# ' heading after the front matter")
            question = line[2:].strip()
            where["question"] = n
            continue
        if fence is None and line.startswith("## "):
            title = line[3:].strip().lower()
            if title not in heads:
                known = ", ".join(f"'## {v}'" for v in SECTIONS.values())
                raise fail(path, n, f"unknown section {line.strip()!r} (known: {known}; use ### inside answers)")
            current = heads[title]
            if current in parts:
                raise fail(path, n, f"section {line.strip()!r} appears twice")
            parts[current] = []
            where[current] = n
            continue
        if fence is None and line.startswith("# "):
            raise fail(path, n, "a second '# ' heading: one question per card file")
        if stripped and f"{current}:body" not in where:
            where[f"{current}:body"] = n
            where.setdefault(current, n)
        parts[current].append(line)
    if fence is not None:
        raise fail(path, fence_line, f"unterminated code fence: the {fence!r} opened here is never closed")
    if question is None:
        raise fail(path, len(lines) or 1, "missing the question ('# ' heading)")
    return question, {k: "\n".join(v).strip("\n").rstrip() for k, v in parts.items()}, where


def parse_entry(text: str, path: Path) -> Entry:
    """Parse a card file's text; raise DeckError with every problem found at its line."""
    lines = text.split("\n")
    values, where, body_start = parse_front_matter(lines, path)
    problems = _check(values, where, path)
    if problems:
        raise DeckError(problems)
    question, parts, body_where = _split_body(lines, body_start, path)
    where.update(body_where)
    if not question:
        raise fail(path, where["question"], "the question is empty")
    answer = parts["answer"]
    origin = str(values["answer_origin"])
    if origin == "missing" and answer:
        raise fail(path, where.get("answer", 1), "answer_origin is 'missing' but the card has an answer")
    return Entry(
        id=str(values["id"]),
        source=str(values["source"]),
        ref=str(values["ref"]),
        difficulty=str(values["difficulty"]),
        topics=tuple(values["topics"]),  # type: ignore[arg-type]
        answer_origin=origin,
        question=question,
        answer=answer,
        section=str(values["section"]) if values.get("section") else None,
        duplicate_of=str(values["duplicate_of"]) if values.get("duplicate_of") else None,
        context=parts.get("context", ""),
        editor_note=parts.get("editor_note", ""),
        source_answer=parts.get("source_answer", ""),
        path=path,
        lines=where,
    )


def read_entry(path: Path) -> Entry:
    """Read and parse one card file, with clear errors for unreadable files."""
    # A directory, FIFO or device named *.md would raise, block forever or never end: refuse it
    # before opening, and read at most one byte past the limit.
    if not path.is_file():
        raise fail(path, 1, "not a regular file (a directory, device, pipe or broken symlink)")
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise fail(path, 1, f"cannot read the card file: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise fail(path, 1, f"card file is larger than the limit of {MAX_BYTES} bytes")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise fail(path, 1, "card file is UTF-16: save it as UTF-8")
    if b"\0" in data:
        raise fail(path, 1, "card file is binary (contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise fail(path, line, f"card file is not UTF-8 ({exc.reason})") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise fail(path, 1, "card file is empty")
    return parse_entry(text, path)


def format_entry(card: Entry) -> str:
    """The canonical text of a card file (what the scraper writes)."""
    fm = [
        "---",
        f"id: {card.id}",
        f"source: {card.source}",
        f"ref: {card.ref}",
    ]
    if card.section:
        fm.append(f"section: {card.section}")
    fm += [
        f"difficulty: {card.difficulty}",
        f"topics: [{', '.join(card.topics)}]",
        f"answer_origin: {card.answer_origin}",
    ]
    if card.duplicate_of:
        fm.append(f"duplicate_of: {card.duplicate_of}")
    fm.append("---")
    body = [f"# {card.question}", ""]
    if card.answer:
        body += [card.answer, ""]
    for key, title in SECTIONS.items():
        value = getattr(card, key)
        if value:
            body += [f"## {title}", "", value, ""]
    return "\n".join(fm + [""] + body).rstrip("\n") + "\n"


def _candidates(cards_dir: Path) -> list[Path]:
    return sorted(p for p in cards_dir.glob("*/*.md") if p.name.lower() != "readme.md")


def entry_files(cards_dir: Path) -> list[Path]:
    """Every card file under `cards/`, sorted (README files excluded).

    Only regular files, so a caller that reads them all can't block on a pipe or read a device;
    `read_entries` reports the others as errors.
    """
    return [p for p in _candidates(cards_dir) if p.is_file()]


def _outside(path: Path, cards_dir: Path) -> bool:
    """True for a card file that is a symlink (or in a symlinked folder) leading out of cards/."""
    if not (path.is_symlink() or path.parent.is_symlink() or cards_dir.is_symlink()):
        return False  # the common case, two cheap lstat calls: nothing to resolve
    try:
        return not path.resolve().is_relative_to(cards_dir.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return True


def read_entries(cards_dir: Path) -> list[Entry]:
    """Read every card; collect all problems (bad files, duplicate ids) before raising."""
    cards, problems = scan_entries(cards_dir)
    if problems:
        raise DeckError(problems)
    return cards


def scan_entries(cards_dir: Path) -> tuple[list[Entry], list[Problem]]:
    """Every card that reads cleanly, and the problems of the rest (for lint, which goes on)."""
    cards: list[Entry] = []
    problems: list[Problem] = []
    seen: dict[str, Entry] = {}
    for path in _candidates(cards_dir):
        if path.is_file() and _outside(path, cards_dir):
            problems.append(Problem(path, 1, "card file is a symlink to a file outside cards/"))
            continue
        try:
            card = read_entry(path)
        except DeckError as exc:
            problems += exc.problems
            continue
        if card.source != path.parent.name:
            problems.append(
                Problem(
                    path, card.line_of("source"), f"source {card.source!r} but the file is in cards/{path.parent.name}/"
                )
            )
        key = card.id.lower()
        if key in seen:
            other = seen[key]
            problems.append(
                Problem(
                    path,
                    card.line_of("id"),
                    f"duplicate id {card.id!r}: also used by {other.path}:{other.line_of('id')}",
                )
            )
            continue
        seen[key] = card
        cards.append(card)
    return cards, problems
