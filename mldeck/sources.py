"""The sources of the deck's questions: `sources/<name>/source.yaml` (and, for an article, the
snapshot beside it). Everything the pipeline knows about a source comes from that file: who
publishes it, its subdeck's name and fixed id, how its questions are labelled, and its
sections. Adding a source means adding its folder (and, for an article, its scraper).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .ankimarkup import anki_problem
from .errors import DeckError, Problem, fail

REQUIRED = ("name", "publisher", "title", "url", "author", "deck")
MAX_BYTES = 64 * 1024
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # \x1f is Anki's field separator
NAME_RX = re.compile(r"^[a-z][a-z0-9]*$")
LABEL_RX = re.compile(r"^[a-z]?$")
MAX_VALUE = 2000  # characters in one value
MAX_DEPTH = 32  # nested lists and mappings in a source file (PyYAML's composer recurses: 1 s to fail at ~1,000)


@dataclass(frozen=True)
class Section:
    """One of an article's own sections: the id label prefix and how a card names its questions."""

    label: str  # "t" -> ids alldus-t04; "" -> ids epam-034
    name: str  # "technical question" -> "technical question 4"


@dataclass(frozen=True)
class Source:
    name: str
    publisher: str
    title: str
    url: str
    date: str
    author: str
    questions: int  # how many questions the article asks (0 for the deck's own questions)
    licence: str
    folder: Path
    deck_name: str = ""  # the subdeck with --split source
    deck_id: int = 0  # fixed forever, like the note model's id
    original: bool = False  # questions written for this deck: no article, no snapshot, no scraper
    sections: dict[str, Section] = field(default_factory=dict, compare=False, hash=False)

    @property
    def snapshot(self) -> Path:
        return self.folder / "snapshot.txt"

    def label(self, number: int, section: str | None) -> str:
        """The per-source part of a question's id: `034`, or `t04` in a lettered section."""
        prefix = self.sections[section].label if section in self.sections else ""
        return f"{prefix}{number:02d}" if prefix else f"{number:03d}"

    def ref_label(self, ref: str, section: str | None) -> str:
        """How the back names a question: "question 34", "technical question 4"."""
        name = self.sections[section].name if section in self.sections else "question"
        return f"{name} {ref}"


class _NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without anchors and aliases (an alias bomb in a source file is an error, not a
    MemoryError), nested at most MAX_DEPTH deep (an error at its line, not a deep recursion)."""

    depth = 0

    def fetch_flow_collection_start(self, TokenClass):  # noqa: ANN001, N803 - PyYAML's signature
        if self.flow_level >= MAX_DEPTH:  # "[[[[…" fails here, before the scanner's quadratic work
            raise yaml.scanner.ScannerError(None, None, f"nested more than {MAX_DEPTH} deep", self.get_mark())
        return super().fetch_flow_collection_start(TokenClass)

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "aliases are not allowed", self.peek_event().start_mark)
        if self.depth >= MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, f"nested more than {MAX_DEPTH} deep", self.peek_event().start_mark
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _read(meta_path: Path) -> tuple[dict, str]:
    if not meta_path.is_file():
        raise fail(meta_path, 1, "missing source metadata file (or not a regular file)")
    data = meta_path.read_bytes()[: MAX_BYTES + 1]
    if len(data) > MAX_BYTES:
        raise fail(meta_path, 1, f"larger than {MAX_BYTES // 1024} KiB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(meta_path, data[: exc.start].count(b"\n") + 1, f"not UTF-8 ({exc.reason})") from None
    if m := CONTROL.search(text):
        line = text[: m.start()].count("\n") + 1
        raise fail(
            meta_path, line, f"control character U+{ord(m.group(0)):04X} (Anki reads \\x1f as a field separator)"
        )
    try:
        loaded = yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 1
        raise fail(meta_path, line, f"malformed YAML: {getattr(exc, 'problem', None) or exc}") from None
    except RecursionError:
        raise fail(meta_path, 1, "malformed YAML: nested too deeply") from None
    except ValueError:  # a number of thousands of digits: Python refuses to convert it
        m = re.search(r"\d{1000,}", text)
        line = text[: m.start()].count("\n") + 1 if m else 1
        raise fail(meta_path, line, "malformed YAML: a number with thousands of digits") from None
    if not isinstance(loaded, dict):
        raise fail(meta_path, 1, "expected a mapping of metadata keys")
    for key, value in _strings(loaded):
        if why := anki_problem(value):  # escapes such as "\x1f" pass the raw-text check above
            raise fail(meta_path, _line_of(text, key), f"{key!r}: {why}")
        if len(value) > MAX_VALUE:
            raise fail(meta_path, _line_of(text, key), f"{key!r}: longer than {MAX_VALUE} characters")
    return loaded, text


def _strings(data: object, key: str = "", depth: int = 0) -> list[tuple[str, str]]:
    """(top-level key, text) for every string in the loaded YAML, keys included."""
    if depth > 8:
        return [(key, "")]
    if isinstance(data, str):
        return [(key, data)]
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in _strings(k, str(k) if not depth else key, depth + 1)
                + _strings(v, str(k) if not depth else key, depth + 1)]  # fmt: skip
    if isinstance(data, list):
        return [p for v in data for p in _strings(v, key, depth + 1)]
    return []


def _line_of(text: str, key: str) -> int:
    m = re.search(rf"^{re.escape(key)}\s*:", text, re.MULTILINE)
    return text[: m.start()].count("\n") + 1 if m else 1


def load_source(folder: Path) -> Source:
    meta_path = folder / "source.yaml"
    data, text = _read(meta_path)
    problems: list[Problem] = []

    def bad(key: str, message: str) -> None:
        problems.append(Problem(meta_path, _line_of(text, key), message))

    def string(key: str) -> str:
        value = data.get(key)
        if value is None:
            return ""
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            bad(key, f"{key!r} must be text")
            return ""
        return str(value)

    for key in REQUIRED:
        if key not in data:
            bad(key, f"missing key {key!r}")
    if data.get("name") != folder.name:
        bad("name", f"name {data.get('name')!r} differs from the folder name {folder.name!r}")
    if not NAME_RX.match(folder.name):
        bad("name", f"source name {folder.name!r}: lower-case letters and digits only (it starts every id)")
    url = string("url")
    if url and not re.match(r"^https://[^\s\"'<>]+$", url):
        bad("url", f"url {url[:60]!r} must be an https:// address (or empty when unknown)")
    original = data.get("original", False) is True
    questions = data.get("questions", 0)
    if not isinstance(questions, int) or isinstance(questions, bool) or not 0 <= questions <= 10_000:
        bad("questions", f"questions must be a whole number of questions, not {str(questions)[:30]!r}")
        questions = 0
    if not original and not questions:
        bad("questions", "an article needs 'questions': how many it asks (the scraper checks it)")
    deck = data.get("deck")
    if not (isinstance(deck, dict) and isinstance(deck.get("name"), str) and deck["name"].strip()
            and isinstance(deck.get("id"), int) and not isinstance(deck.get("id"), bool)
            and 1 << 30 < deck["id"] < 1 << 53):  # fmt: skip
        bad("deck", "deck must be {name: <subdeck name>, id: <a fixed id, a large whole number>}")
        deck = {"name": folder.name, "id": 0}
    if "::" in deck["name"]:
        bad("deck", "the deck name may not contain '::' (Anki's subdeck separator)")
    sections = _sections(data.get("sections"), bad)
    if problems:
        raise DeckError(problems)
    return Source(
        name=folder.name,
        publisher=string("publisher"),
        title=string("title"),
        url=url,
        date=string("date"),
        author=string("author"),
        questions=questions,
        licence=string("licence"),
        folder=folder,
        deck_name=deck["name"].strip(),
        deck_id=deck["id"],
        original=original,
        sections=sections,
    )


def _sections(raw: object, bad) -> dict[str, Section]:  # noqa: ANN001
    if raw is None:
        return {}
    out: dict[str, Section] = {}
    if not isinstance(raw, dict):
        bad("sections", "sections must map a section name to {label: <letter>, name: <how a question is named>}")
        return out
    for key, value in raw.items():
        ok = isinstance(value, dict) and isinstance(value.get("name"), str) and value["name"].strip()
        label = value.get("label", "") if isinstance(value, dict) else None
        if not ok or not isinstance(label, str) or not LABEL_RX.match(label):
            bad("sections", f"section {str(key)[:30]!r}: needs a name and a one-letter label (or none)")
            continue
        out[str(key)] = Section(label, value["name"].strip())
    return out


def load_sources(root: Path) -> dict[str, Source]:
    """All sources under `root` (the repo's `sources/`), by name; every problem of every file."""
    if not root.is_dir():
        raise fail(root, 1, "the sources/ folder is missing: it holds one folder per source (see CONTRIBUTING.md)")
    sources: dict[str, Source] = {}
    problems: list[Problem] = []
    inside = root.resolve()
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if folder.is_symlink() and not folder.resolve().is_relative_to(inside):
            problems.append(Problem(folder, 1, "a source folder that is a symlink out of sources/: not read"))
            continue
        try:
            sources[folder.name] = load_source(folder)
        except DeckError as exc:
            problems += exc.problems
    seen: dict[int, str] = {}
    for s in sources.values():
        if s.deck_id in seen:
            problems.append(Problem(s.folder / "source.yaml", 1, f"deck id {s.deck_id} is also {seen[s.deck_id]}'s"))
        seen[s.deck_id] = s.name
    if problems:
        raise DeckError(problems)
    return sources
