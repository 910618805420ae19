"""Card files: `cards/<source>/<label>-<slug>.md`, one per question: the source of truth.

An entry is what one card file holds: front matter between `---` lines, then `# question`, the
answer, and the `## ` sections of mldeck/sections.py (docs/card-format.md). "Entry", not "card":
in Anki a card is a unit of review, and one entry becomes one note (or folds into another's).
The front matter is a strict subset of YAML (``key: value``, ``key: [a, b]``, ``# comments``):
no anchors, tags or nesting, so a file can neither smuggle objects in nor blow up the reader,
and every key has a line.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import fences
from .errors import DeckError, Problem, fail
from .frontmatter import KEYS as FRONT_KEYS
from .frontmatter import parse_front_matter
from .sections import BY_HEADING, HEADED
from .sections import KEYS as SECTION_KEYS
from .taxonomy import ANSWER_ORIGINS, DIFFICULTIES, KINDS, TOPICS, VERDICTS

REQUIRED = ("id", "source", "ref", "difficulty", "topics", "answer_origin")
ID_RX = re.compile(r"^[a-z][a-z0-9]*-[a-z0-9]+$")
WORD_RX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
MAX_BYTES = 256 * 1024
MAX_REF_CHARS = 16
CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")  # NUL: "binary"; \x1f: Anki's field separator
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn")


@dataclass(frozen=True)
class Entry:
    id: str
    source: str
    ref: str
    difficulty: str
    topics: tuple[str, ...]
    answer_origin: str
    texts: Mapping[str, str] = field(default_factory=dict, hash=False)  # section key -> Markdown
    section: str | None = None
    verdict: str | None = None
    kind: str = "technical"
    duplicate_of: str | None = None
    path: Path | None = field(default=None, compare=False)
    # line numbers: front-matter keys, "question", each section and "<key>:body", for messages
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    # sha256 of the file's bytes when read from one ("" otherwise): what its texts and lines are
    # made from, so a cache can key on it instead of hashing them again (mldeck/tex/cache.py)
    digest: str = field(default="", compare=False)

    @classmethod
    def make(cls, **values: object) -> Entry:
        """An entry from keyword values, the section texts among them (question=…, answer=…)."""
        texts = {**values.pop("texts", {}), **{k: str(values.pop(k)) for k in list(values) if k in SECTION_KEYS}}  # type: ignore[dict-item]
        kept = {k: v for k, v in texts.items() if v or k in ("question", "answer")}  # as the reader keeps them
        return cls(**values, texts=kept)  # type: ignore[arg-type]

    def replace(self, **changes: object) -> Entry:
        """A copy with `changes`, section texts among them (answer="…"; "" removes a section)."""
        texts = dict(self.texts)
        for key in [k for k in changes if k in SECTION_KEYS]:
            texts[key] = str(changes.pop(key))
        kept = {k: v for k, v in texts.items() if v or k == "question"}
        return dataclasses.replace(self, texts=kept, digest="", **changes)  # no longer the file's

    def text(self, key: str) -> str:
        """The Markdown of one section (mldeck/sections.py), "" when the file has none."""
        return self.texts.get(key, "")

    @property
    def question(self) -> str:
        return self.texts.get("question", "")

    @property
    def answer(self) -> str:
        return self.texts.get("answer", "")

    @property
    def in_deck(self) -> bool:
        """True for an entry that is a note of its own: it has an answer and is not folded."""
        return self.answer_origin != "missing" and not self.duplicate_of

    @property
    def carries_article_answer(self) -> bool:
        return self.answer_origin == "source" or bool(self.text("source_answer"))

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)

    def body_line(self, key: str, offset: int = 0) -> int:
        """The file line `offset` lines into the text of section `key`."""
        if key == "question":
            return self.line_of("question")
        return self.lines.get(f"{key}:body", self.line_of(key)) + offset


def _check(values: dict[str, object], where: dict[str, int], path: Path) -> list[Problem]:
    problems = []

    def bad(key: str, msg: str) -> None:
        problems.append(Problem(path, where.get(key, 1), msg))

    behavioural = values.get("kind") == "behavioural"
    for key in REQUIRED:
        empty_ok = key == "topics" and behavioural and values.get(key) == []
        if key not in values or (values[key] in ("", []) and not empty_ok):
            bad(key, f"front matter: missing {key!r}" + (" (at least one topic)" if key == "topics" else ""))
    for key in FRONT_KEYS:
        if key in values and key != "topics" and isinstance(values[key], list):
            bad(key, f"front matter: {key!r} must be a single value, not a list")
    if isinstance(values.get("id"), str) and values["id"] and not ID_RX.match(values["id"]):
        bad("id", f"id {values['id']!r} must look like '<source>-<ref>' (lower case, digits, one '-')")
    for key, allowed in (("difficulty", DIFFICULTIES), ("answer_origin", ANSWER_ORIGINS), ("verdict", VERDICTS),
                         ("kind", KINDS)):  # fmt: skip
        value = values.get(key)
        if isinstance(value, str) and value and value not in allowed:
            bad(key, f"unknown {key} {value!r} (one of: {', '.join(allowed)})")
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
    if isinstance(values.get("ref"), str) and len(str(values["ref"])) > MAX_REF_CHARS:
        bad("ref", f"ref is longer than {MAX_REF_CHARS} characters")
    return problems


def _split_body(lines: list[str], start: int, path: Path) -> tuple[dict[str, str], dict[str, int]]:
    """Body lines -> {section key: markdown}, with line numbers; the question is the '# ' line."""
    body = "\n".join(lines[start:])
    for f in fences.scan(body):
        if not f.closed:
            raise fail(path, start + f.start + 1, "unterminated code fence: the one opened here is never closed")
    code = fences.code_lines(body)
    parts: dict[str, list[str]] = {"answer": []}
    where: dict[str, int] = {}
    question = None
    current = "answer"
    for i in range(start, len(lines)):
        line, n = lines[i], i + 1
        in_code = (i - start) in code
        if not in_code and question is None:
            if not line.strip():
                continue
            if not line.startswith("# "):
                raise fail(path, n, "expected the question as a '# ' heading after the front matter")
            question = line[2:].strip()
            where["question"] = n
            continue
        if not in_code and line.startswith("## "):
            section = BY_HEADING.get(line[3:].strip().lower())
            if section is None:
                known = ", ".join(f"'## {s.heading}'" for s in HEADED)
                raise fail(path, n, f"unknown section {line.strip()!r} (known: {known}; use ### inside a section)")
            current = section.key
            if current in parts:
                raise fail(path, n, f"section {line.strip()!r} appears twice")
            parts[current] = []
            where[current] = n
            continue
        if not in_code and line.startswith("# "):
            raise fail(path, n, "a second '# ' heading: one question per card file")
        if line.strip() and f"{current}:body" not in where:
            where[f"{current}:body"] = n
            where.setdefault(current, n)
        parts[current].append(line)
    if question is None:
        raise fail(path, len(lines) or 1, "missing the question ('# ' heading)")
    texts = {k: "\n".join(v).strip("\n").rstrip() for k, v in parts.items()}
    return {"question": question, **texts}, where


def parse_entry(text: str, path: Path, digest: str = "") -> Entry:
    """Parse a card file's text; raise DeckError with every problem found at its line."""
    lines = text.split("\n")
    values, where, body_start = parse_front_matter(lines, path)
    problems = _check(values, where, path)
    if problems:
        raise DeckError(problems)
    texts, body_where = _split_body(lines, body_start, path)
    where.update(body_where)
    if not texts["question"]:
        raise fail(path, where["question"], "the question is empty")
    origin = str(values["answer_origin"])
    if origin == "missing" and texts["answer"]:
        raise fail(path, where.get("answer", 1), "answer_origin is 'missing' but the card has an answer")
    return Entry(
        id=str(values["id"]),
        source=str(values["source"]),
        ref=str(values["ref"]),
        difficulty=str(values["difficulty"]),
        topics=tuple(values["topics"]),  # type: ignore[arg-type]
        answer_origin=origin,
        texts={k: v for k, v in texts.items() if v or k in ("question", "answer")},
        section=str(values["section"]) if values.get("section") else None,
        verdict=str(values["verdict"]) if values.get("verdict") else None,
        kind=str(values.get("kind") or "technical"),
        duplicate_of=str(values["duplicate_of"]) if values.get("duplicate_of") else None,
        path=path,
        lines=where,
        digest=digest,
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
    if m := CONTROL.search(text):
        line = text[: m.start()].count("\n") + 1
        what = "Anki's field separator" if m.group(0) == "\x1f" else "a control character"
        raise fail(path, line, f"control character U+{ord(m.group(0)):04X} ({what}): remove it")
    return parse_entry(text, path, hashlib.sha256(data).hexdigest())


def format_entry(entry: Entry) -> str:
    """The canonical text of a card file (what the scraper writes): sections in table order."""
    fm = ["---", f"id: {entry.id}", f"source: {entry.source}", f"ref: {entry.ref}"]
    if entry.section:
        fm.append(f"section: {entry.section}")
    fm += [
        f"difficulty: {entry.difficulty}",
        f"topics: [{', '.join(entry.topics)}]",
        f"answer_origin: {entry.answer_origin}",
    ]
    if entry.verdict:
        fm.append(f"verdict: {entry.verdict}")
    if entry.kind != "technical":
        fm.append(f"kind: {entry.kind}")
    if entry.duplicate_of:
        fm.append(f"duplicate_of: {entry.duplicate_of}")
    fm.append("---")
    body = [f"# {entry.question}", ""]
    if entry.answer:
        body += [entry.answer, ""]
    for section in HEADED:
        if value := entry.text(section.key):
            body += [f"## {section.heading}", "", value, ""]
    return "\n".join(fm + [""] + body).rstrip("\n") + "\n"


def _utf8_name(path: Path) -> bool:
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:  # the bytes of a non-UTF-8 name, kept as surrogates
        return False
    return True


def shown_path(path: Path) -> str:
    """A path as a message can print it (a non-UTF-8 name's bytes as \\xNN escapes)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def card_candidates(cards_dir: Path) -> list[Path]:
    """`cards/*/*.md` but README files, sorted: one directory scan per folder, no stat per file."""
    return [path for path, _ in _candidates(cards_dir)]


def _candidates(cards_dir: Path) -> list[tuple[Path, bool]]:
    """(path, is a symlink) of each `cards/*/*.md` but README files, sorted by folder and name;
    whether it is a symlink comes with the directory scan, at no cost."""
    found: list[tuple[Path, bool]] = []
    try:
        folders = sorted((d.name, d.path) for d in os.scandir(cards_dir) if d.name[0] != "." and d.is_dir())
    except OSError:
        return []
    for name, path in folders:
        try:
            files = sorted(
                (f.name, f.is_symlink()) for f in os.scandir(path) if f.name.endswith(".md") and f.name[0] != "."
            )
        except OSError:
            continue
        folder = cards_dir / name
        found += [(folder / n, link) for n, link in files if n.lower() != "readme.md"]
    return found


@dataclass(frozen=True)
class CardFiles:
    """The card files of one build: one directory scan and one stat a file, shared by the
    up-to-date check, the entry cache and the mod times (a 10,000-card rebuild makes 10,000
    stat calls, not 30,000)."""

    paths: list[Path]
    stats: dict[str, os.stat_result]  # str(path) -> its stat (symlinks followed); missing if it failed
    links: frozenset[str]  # str(path) of the files that are symlinks

    @classmethod
    def scan(cls, cards_dir: Path) -> CardFiles:
        found = _candidates(cards_dir)
        stats: dict[str, os.stat_result] = {}
        for path, _ in found:
            name = str(path)
            try:
                stats[name] = os.stat(name)
            except OSError:
                continue
        return cls([p for p, _ in found], stats, frozenset(str(p) for p, link in found if link))


def entry_files(cards_dir: Path) -> list[Path]:
    """Every card file under `cards/`, sorted (README files excluded).

    Only regular files with UTF-8 names, so a caller that reads them all can't block on a pipe,
    read a device or fail to print a name; `read_entries` reports the others as errors.
    """
    return [p for p in card_candidates(cards_dir) if os.path.isfile(p) and _utf8_name(p)]


def stray_files(cards_dir: Path) -> list[Problem]:
    """Markdown files the reader would skip without a word: card files live directly in
    cards/<source>/ and end in `.md` (lower case). Each one is an error naming the file."""
    problems = []
    for dirpath, dirnames, filenames in os.walk(cards_dir):
        dirnames.sort()
        depth = len(Path(dirpath).relative_to(cards_dir).parts)
        linked = [Path(dirpath) / d for d in dirnames if depth >= 1 and (Path(dirpath) / d).is_symlink()]
        for path in linked:  # a symlinked folder inside cards/<source>/ is neither walked nor read
            problems.append(Problem(shown_path(path), 1, "not read: a symlinked folder; card files live directly "
                                                         "in cards/<source>/"))  # fmt: skip
        for name in sorted(filenames):
            if not name.lower().rstrip(" .\t").endswith(MARKDOWN_SUFFIXES) or (depth == 1 and name.endswith(".md")):
                continue  # the common case first: no Path made for a card file
            if name.lower() in ("readme.md", "readme.markdown"):
                continue
            path = Path(dirpath) / name
            where = "cards/<source>/, not in cards/ itself" if depth == 0 else "directly in cards/<source>/"
            why = f"card files live {where}" if depth != 1 else "a card file's name ends in '.md' (lower case)"
            problems.append(Problem(shown_path(path), 1, f"not read: {why}; move or rename it"))
    return problems


def _outside(path: Path, cards_dir: Path, linked: dict[str, bool], files: CardFiles | None = None) -> bool:
    """True for a card file that is a symlink (or in a symlinked folder) leading out of cards/.

    `linked` remembers which folders are symlinks, so the common case costs one lstat a file,
    none when the build's scan (`files`) says which files are links (strings, not pathlib: this
    runs for every card of every build)."""
    name, top = str(path), str(cards_dir)
    parent = os.path.dirname(name)
    for folder in (top, parent):
        if folder not in linked:
            linked[folder] = os.path.islink(folder)
    link = name in files.links if files is not None else os.path.islink(name)
    if not (linked[top] or linked[parent] or link):
        return False  # nothing to resolve
    try:
        return not path.resolve().is_relative_to(cards_dir.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return True


def _outside_project(folder: Path) -> bool:
    try:
        return not folder.resolve().is_relative_to(folder.parent.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return True


def read_entries(cards_dir: Path, read: Callable[[Path], Entry] = read_entry) -> list[Entry]:
    """Read every card; collect all problems (bad files, duplicate ids) before raising."""
    cards, problems = scan_entries(cards_dir, read)
    if problems:
        raise DeckError(problems)
    return cards


def scan_entries(
    cards_dir: Path, read: Callable[[Path], Entry] = read_entry, files: CardFiles | None = None
) -> tuple[list[Entry], list[Problem]]:
    """Every card that reads cleanly, and the problems of the rest (for lint, which goes on).

    `read` parses one file: `read_entry`, or a cache in front of it (mldeck/entry_cache.py);
    `files`: the build's scan of cards/, when it has one."""
    cards: list[Entry] = []
    problems: list[Problem] = []
    seen: dict[str, Entry] = {}
    if cards_dir.is_symlink() and _outside_project(cards_dir):
        return [], [Problem(cards_dir, 1, "cards/ is a symlink to a folder outside the project")]
    problems += stray_files(cards_dir)
    linked: dict[str, bool] = {}
    for path in files.paths if files is not None else card_candidates(cards_dir):
        if not _utf8_name(path):
            problems.append(Problem(shown_path(path), 1, "the file name is not UTF-8: rename it"))
            continue
        if _outside(path, cards_dir, linked, files) and os.path.isfile(path):
            problems.append(Problem(path, 1, "card file is a symlink to a file outside cards/"))
            continue
        try:
            card = read(path)
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
