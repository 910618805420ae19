"""The id rules (CONTRIBUTING.md "What an id is"): lint errors that keep users' review history.

Compared: the cards, the id ledger (mldeck/ledger.py) and the base commit (HEAD, or the pull
request's base in CI: `lint --base`). An id that disappears must be retired in the ledger; a
retired id never comes back; an id that changes while its file or question stays is reported
with the old id; the ledger only grows. Without git, the ledger alone is checked; without a
ledger (a project that never released), only the base commit is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..entries import Entry, parse_entry
from ..errors import DeckError, Problem
from ..freshids import ID_LINE
from ..gitbase import GitUnavailable, commit_of, file_at, files_at, is_repository
from ..ledger import LEDGER_NAME, NEXT, Record, ledger_path, parse_ledger, question_key, read_ledger

ID_RULE = "an id never changes: every user's review history of the note hangs on it"


@dataclass(frozen=True)
class BaseCard:
    """A card file as the base commit has it."""

    id: str
    question: str


@dataclass(frozen=True)
class Base:
    ref: str
    cards: dict[str, BaseCard]  # path relative to the project -> card
    ledger: dict[str, Record] | None


def _base_card(path: str, data: bytes) -> BaseCard | None:
    text = data.decode("utf-8", "replace").replace("\r\n", "\n")
    try:
        entry = parse_entry(text, Path(path))
        return BaseCard(entry.id, entry.question)
    except DeckError:
        m = ID_LINE.search(text[:4096])
        return BaseCard(m.group(1), "") if m else None


def read_base(root: Path, ref: str | None) -> Base | None:
    """The base commit's cards and ledger, or None without git or without that ref."""
    if not ref:
        return None
    try:
        commit = commit_of(root, ref)
        files = files_at(root, commit, "cards")
        raw_ledger = file_at(root, commit, LEDGER_NAME)
    except GitUnavailable:
        return None
    cards = {p: c for p, data in files.items() if p.endswith(".md") and (c := _base_card(p, data))}
    try:
        ledger = parse_ledger(raw_ledger, Path(LEDGER_NAME)) if raw_ledger is not None else None
    except DeckError:
        ledger = None  # a broken base ledger: the current one is what is checked
    return Base(ref, cards, ledger)


def _rel(root: Path, entry: Entry) -> str:
    path = entry.path or Path()
    return path.relative_to(root).as_posix() if path.is_absolute() and path.is_relative_to(root) else str(path)


def _err(entry: Entry, message: str) -> Problem:
    return Problem(entry.path or entry.id, entry.line_of("id"), message)


def _changed(entry: Entry, old: str, where: str) -> Problem:
    return _err(entry, f"id changed from {old!r} to {entry.id!r} ({where}): {ID_RULE}. Put back 'id: {old}'")


@dataclass(frozen=True)
class Findings:
    problems: list[Problem]  # changed ids, retired ids back, a deleted ledger
    unrecorded: list[Entry]  # cards with a new id the ledger does not have yet
    explained: frozenset[str]  # old ids already reported as changed


def card_findings(root: Path, cards: list[Entry], ledger: dict[str, Record] | None, base: Base | None) -> Findings:
    """What each card's id says against the ledger and the base commit."""
    problems: list[Problem] = []
    unrecorded: list[Entry] = []
    explained: set[str] = set()
    present = {c.id: c for c in cards}
    for entry in cards:
        found = _id_change(root, entry, ledger, base, present)
        if found:
            problems.append(found[1])
            explained.add(found[0])
        elif ledger is not None and entry.id in ledger and not ledger[entry.id].live:
            rec = ledger[entry.id]
            problems.append(_err(entry, f"id {entry.id!r} was retired ({LEDGER_NAME}:{rec.line}): a retired id never "
                                        "comes back, users may still hold its old note. Give this card a fresh id "
                                        f"(python build_deck.py new {entry.source} \"…\")"))  # fmt: skip
        elif ledger is not None and entry.id not in ledger:
            unrecorded.append(entry)
    return Findings(problems, unrecorded, frozenset(explained))


def id_problems(
    root: Path, cards: list[Entry], base_ref: str | None = "HEAD", unreadable: frozenset[str] = frozenset()
) -> list[Problem]:
    """Every id-rule error; `unreadable`: ids of card files that failed to read (still present)."""
    lpath = ledger_path(root)
    try:
        ledger = read_ledger(root)
    except DeckError as exc:
        return exc.problems
    base = read_base(root, base_ref)
    problems: list[Problem] = []
    if base is None and base_ref not in (None, "HEAD") and is_repository(root):
        problems.append(Problem("", 0, f"--base {base_ref!r} is not a commit here: ids checked against the ledger "
                                       "only", "warning"))  # fmt: skip
    if ledger is None and base is not None and base.ledger is not None:
        return [Problem(lpath, 1, f"the id ledger was deleted (it is in {base.ref}): restore it, "
                                  f"git checkout {base.ref} -- {LEDGER_NAME}")]  # fmt: skip
    found = card_findings(root, cards, ledger, base)
    problems += found.problems + [
        _err(
            entry,
            f"new id {entry.id!r} is not in the id ledger ({LEDGER_NAME}): record it with "
            "'python build_deck.py ledger add' (`new` and `make cards` record theirs)",
        )  # fmt: skip
        for entry in found.unrecorded
    ]
    if ledger is not None:
        present = {c.id for c in cards} | set(unreadable) | found.explained
        problems += _disappeared(ledger, present, lpath) + _ledger_shrank(ledger, base, lpath)
    return problems


def _id_change(
    root: Path, entry: Entry, ledger: dict[str, Record] | None, base: Base | None, present: dict[str, Entry]
) -> tuple[str, Problem] | None:
    """(old id, problem) when this card's file or question had another id."""
    rel, key = _rel(root, entry), question_key(entry.question)
    if ledger is not None and entry.id not in ledger:
        for rec in ledger.values():
            if rec.live and rec.id not in present and rec.id.split("-")[0] == entry.source:
                if rec.file == rel:
                    return rec.id, _changed(entry, rec.id, f"{LEDGER_NAME}:{rec.line} records it for this file")
                if question_key(rec.question) == key:
                    return rec.id, _changed(entry, rec.id, f"{LEDGER_NAME}:{rec.line} records it for this question")
    if base is None or rel not in base.cards:
        return None
    old = base.cards[rel]
    if old.id == entry.id:
        return None
    if old.id not in present:
        return old.id, _changed(entry, old.id, f"{base.ref} has 'id: {old.id}' in this file")
    if old.question and question_key(old.question) == key:
        elsewhere = _rel(root, present[old.id])
        return old.id, _err(entry, f"this question had id {old.id!r} in {base.ref} (that id is now on {elsewhere}): "
                                   f"ids stay with their question, {ID_RULE}")  # fmt: skip
    return None


def _disappeared(ledger: dict[str, Record], present: set[str], lpath: Path) -> list[Problem]:
    def problem(rec: Record) -> Problem:
        what = "an id never disappears silently" if rec.since == NEXT else "a released id never disappears"
        message = (
            f"id {rec.id!r} is in the ledger but no card has it (it was {rec.file}: {rec.question[:60]!r}): "
            f"{what}. Restore the card, or retire the id for good: python build_deck.py ledger retire {rec.id}"
        )
        return Problem(lpath, rec.line, message)

    return [problem(rec) for rec in ledger.values() if rec.live and rec.id not in present]


def _ledger_shrank(ledger: dict[str, Record], base: Base | None, lpath: Path) -> list[Problem]:
    if base is None or base.ledger is None:
        return []
    problems = []
    for old in base.ledger.values():
        now = ledger.get(old.id)
        if now is None:
            problems.append(Problem(lpath, 1, f"id {old.id!r} was in the ledger in {base.ref} and its line is gone: "
                                              "the ledger only grows (retire an id, never delete it)"))  # fmt: skip
        elif not old.live and now.live:
            problems.append(Problem(lpath, now.line, f"id {old.id!r} was retired in {base.ref} and is live again: "
                                                     "a retired id never comes back"))  # fmt: skip
    return problems
