"""`scrape`: every source's snapshot -> card files, all parsed before anything is written."""

from __future__ import annotations

from pathlib import Path

from ..errors import fail
from ..freshids import used_ids
from ..ledger import add_records, read_ledger, record_for, write_ledger
from ..sources import Source
from .records import Question
from .sites import scrape_snapshot
from .sync import SyncReport, apply, card_label, plan_source


def scrape_all(
    sources: dict[str, Source], cards_dir: Path, only: list[str] | None = None
) -> list[tuple[SyncReport, Source, list[Question]]]:
    """Scrape the chosen sources, then write their cards. Raises DeckError before any write."""
    unknown = sorted(set(only or []) - set(sources))
    if unknown:
        raise fail("sources/", 1, f"unknown source(s) {', '.join(unknown)} (known: {', '.join(sources)})")
    if original := sorted(name for name in only or [] if sources[name].original):
        what = f"{', '.join(original)}: questions written for this deck, by hand; there is nothing to scrape"
        raise fail(sources[original[0]].folder / "source.yaml", 1, what)
    chosen = [s for name, s in sources.items() if (not only or name in only) and not s.original]
    for s in chosen:
        check_inside(cards_dir, cards_dir / s.name)
    scraped = [(s, scrape_snapshot(s)) for s in chosen]  # all parse, or nothing is written
    root = cards_dir.parent
    ledger = read_ledger(root)
    used = used_ids(root)
    plans = [(cards_dir / s.name, s, qs, *plan_source(qs, cards_dir / s.name, s, used, ledger)) for s, qs in scraped]
    results = []
    for folder, source, qs, report, writes, lock in plans:
        apply(folder, writes, lock)
        results.append((report, source, qs))
    new = [record_for(i, p.relative_to(root).as_posix(), q) for r, _, _ in results for i, (p, q) in r.new_ids.items()]
    if ledger is not None and new:
        write_ledger(root, add_records(ledger, new).values())
    return results


def check_inside(cards_dir: Path, folder: Path) -> None:
    """The scraper writes only inside the project: no cards/ or cards/<source> symlinked out of it."""
    root = cards_dir.parent.resolve()
    for path in (cards_dir, folder):
        if path.is_symlink() or (path.exists() and not path.resolve().is_relative_to(root)):
            raise fail(path, 1, "is a symlink: the scraper writes card files only inside the project")
        if path.exists() and not path.is_dir():
            raise fail(path, 1, "is not a folder: card files go in cards/<source>/")


def summary(results: list[tuple[SyncReport, Source, list[Question]]]) -> list[str]:
    lines = []
    for report, source, qs in results:
        lines.append(
            f"{report.source}: {len(qs)} questions; {len(report.created)} new, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged, {len(report.kept)} edited by hand (kept), "
            f"{len(report.conflicts)} conflicts, {len(report.deleted)} deleted (not recreated)"
        )
        missing = [card_label(q, source) for q in qs if not q.answer]
        if missing:
            lines.append(f"  no answer in the article ({len(missing)}): {', '.join(missing)}")
        for q in qs:
            for d in q.dropped:
                lines.append(f"  left out of {card_label(q, source)}: {d}")
        for m in report.moved:
            lines.append(f"  moved in the article, same id: {m}")
        for g in report.gone:
            lines.append(f"  no longer in the article (card kept): {g}")
        for c in report.conflicts:
            lines.append(f"  CONFLICT {c}")
    return lines
