"""The `new` and `ledger` commands: a card with a never-used id, and the id ledger's upkeep."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    n = sub.add_parser("new", help="a new card file with a never-used id (recorded in the id ledger)")
    n.add_argument("source", help="the folder under sources/ (deck: a question written for this deck)")
    n.add_argument("question", help="the question, one line")
    n.add_argument("--ref", help="an article's question: its number in the article")
    n.add_argument("--section", help="an article's question: its section, when the article has sections")
    n.set_defaults(func=run_new)
    led = sub.add_parser("ledger", help="the id ledger (id-ledger.jsonl): record, retire, stamp ids")
    act = led.add_subparsers(dest="action", required=True)
    act.add_parser("add", help="record every card id the ledger does not have yet").set_defaults(func=run_add)
    r = act.add_parser("retire", help="let ids go for good: their cards were deleted (never to be reused)")
    r.add_argument("ids", nargs="+", metavar="ID")
    r.add_argument("--note", default="", help="why (shown in the ledger)")
    r.set_defaults(func=run_retire)
    s = act.add_parser("stamp", help="at a release: ids marked 'next' get the release's version")
    s.add_argument("version", help="the release tag, e.g. v1.1.0")
    s.set_defaults(func=run_stamp)


def run_new(args: argparse.Namespace) -> int:
    from .newcard import create_card

    card = create_card(args.root, args.source, args.question, args.ref, args.section)
    rel = card.path.relative_to(args.root)
    print(f"{rel}: new card {card.entry_id}" + ("" if card.recorded else " (this project has no id ledger)"))
    for other in card.similar:
        print(f"warning: {other.relative_to(args.root)} asks the same question (fold with duplicate_of?)",
              file=sys.stderr)  # fmt: skip
    print("next: write the answer and the sections, check difficulty and topics, then `make lint`", file=sys.stderr)
    return 0


def run_add(args: argparse.Namespace) -> int:
    from .entries import read_entries
    from .ledger import add_records, read_ledger, record_for, write_ledger
    from .lint.ids import card_findings, read_base

    ledger = read_ledger(args.root) or {}
    cards = read_entries(args.root / "cards")
    found = card_findings(args.root, cards, ledger, read_base(args.root, "HEAD"))
    if found.problems:
        for p in found.problems:
            print(p, file=sys.stderr)
        print("error: fix these ids first; nothing recorded", file=sys.stderr)
        return 1
    new = [record_for(c.id, c.path.relative_to(args.root).as_posix(), c.question) for c in found.unrecorded if c.path]
    write_ledger(args.root, add_records(ledger, new).values())
    print(f"recorded {len(new)} new id(s)" + (f": {', '.join(r.id for r in new)}" if new else ""))
    return 0


def run_retire(args: argparse.Namespace) -> int:
    from .entries import read_entries
    from .ledger import read_ledger, retire, write_ledger

    ledger = read_ledger(args.root)
    if ledger is None:
        print("error: this project has no id ledger (id-ledger.jsonl)", file=sys.stderr)
        return 1
    holders = {c.id: c for c in read_entries(args.root / "cards")}
    if still := [i for i in args.ids if i in holders]:
        for i in still:
            print(f"error: {holders[i].path}: still has id {i!r}: delete the card (or fold it) first", file=sys.stderr)
        return 1
    write_ledger(args.root, retire(ledger, args.ids, args.note).values())
    print(f"retired {', '.join(args.ids)}: these ids are never used again")
    return 0


def run_stamp(args: argparse.Namespace) -> int:
    from .ledger import NEXT, read_ledger, stamp, write_ledger

    ledger = read_ledger(args.root)
    if ledger is None:
        print("error: this project has no id ledger (id-ledger.jsonl)", file=sys.stderr)
        return 1
    count = sum(r.since == NEXT for r in ledger.values())
    write_ledger(args.root, stamp(ledger, args.version).values())
    print(f"{count} id(s) first released in {args.version}")
    return 0
