"""The incremental build's parts: one edited card costs one parse and one note, its caches are
rewritten a shard or two at a time, and card files parsed in worker processes read exactly as they do
in this one (tests/fixtures/project: 14 cards)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import mldeck.build.run
import mldeck.entry_cache
import mldeck.localcache
import mldeck.tex.check
import mldeck.tex.mathjax
import mldeck.workers
from mldeck.build.run import BuildOptions, prepare_notes
from mldeck.entries import CardFiles, scan_entries
from mldeck.entry_cache import EntryCache
from mldeck.errors import DeckError
from mldeck.localcache import SealedShards
from mldeck.sources import load_sources
from mldeck.tex.check import check_entries
from tests.helpers import copy_fixture

EDITED = "cards/epam/006-explain-k-means-clustering-and-its-applications.md"

# Every test starts from empty caches: the fixture's diagrams are drawn once a process (conftest.py).
pytestmark = pytest.mark.usefixtures("diagrams_memoized")


@pytest.fixture()
def project(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.delenv("MLDECK_CACHE_DIR", raising=False)  # the project's own build/cache
    return copy_fixture(tmp_path / "proj")


def edit(root: Path) -> None:
    path = root / EDITED
    path.write_text(path.read_text(encoding="utf-8").replace("## Key point\n", "## Key point\n\nEdited.\n", 1))


def test_one_edited_card_is_parsed_and_made_again_alone(project: Path, monkeypatch):
    parsed: list[str] = []
    real = mldeck.entry_cache.read_entry
    monkeypatch.setattr(mldeck.entry_cache, "read_entry", lambda p: parsed.append(p.name) or real(p))
    first = prepare_notes(project, BuildOptions(quiet=True))
    assert len(parsed) == 14 and first.rendered > 0
    parsed.clear()
    edit(project)
    again = prepare_notes(project, BuildOptions(quiet=True))
    assert parsed == [Path(EDITED).name]
    assert again.rendered == 1  # the key point: the only text that changed
    changed = [a.entry_id for a, b in zip(first.notes, again.notes, strict=True) if a.fields != b.fields]
    assert changed == ["epam-006"]


def test_an_edit_rewrites_one_shard_of_each_cache(project: Path):
    cache = project / "build" / "cache"
    prepare_notes(project, BuildOptions(quiet=True))
    shards = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.bin")}
    assert {n.split(".")[0] for n in shards} >= {"entries", "notes"}
    edit(project)
    for path in cache.glob("*.bin"):
        os.utime(path, ns=(1, 1))
    prepare_notes(project, BuildOptions(quiet=True))
    rewritten = [p.name.split(".")[0] for p in cache.glob("*.bin") if p.stat().st_mtime_ns != 1]
    # the entry cache is keyed by path: one shard; the note and formula caches by content, so
    # the edited card's old row leaves one shard and its new row joins another: two at most
    counts = {stem: rewritten.count(stem) for stem in ("entries", "entrytexts", "notes", "tex")}
    assert counts["entries"] == counts["entrytexts"] == 1, rewritten
    assert 1 <= counts["notes"] <= 2 and 1 <= counts["tex"] <= 2, rewritten


def test_the_texts_of_unchanged_cards_are_not_read_and_come_back_as_their_files_say(project: Path, monkeypatch):
    cache = project / "build" / "cache"
    prepare_notes(project, BuildOptions(quiet=True))
    edit(project)
    opened: list[str] = []
    real_load = mldeck.localcache.SealedFile.load
    monkeypatch.setattr(
        mldeck.localcache.SealedFile, "load", lambda self: opened.append(self.path.name) or real_load(self)
    )
    prepare_notes(project, BuildOptions(quiet=True))
    monkeypatch.undo()
    files = CardFiles.scan(project / "cards")
    from_files = scan_entries(project / "cards", mldeck.entry_cache.read_entry, files)[0]
    # the edited card's shard, to write it again, and those of cards with no answer yet (their texts
    # are checked in every build; they have no note to cache): no other
    wanted = [str(project / EDITED)] + [str(e.path) for e in from_files if e.answer_origin == "missing"]
    shards = {f"entrytexts.{mldeck.localcache.shard_of(name, 16):x}.bin" for name in wanted}
    assert sorted(n for n in opened if n.startswith("entrytexts.")) == sorted(shards)
    cached = scan_entries(project / "cards", EntryCache(cache, files.stats).read, files)[0]
    assert cached == from_files and [e.lines for e in cached] == [e.lines for e in from_files]
    for path in cache.glob("entrytexts.*.bin"):
        path.write_bytes(b"not a shard")
    reader = EntryCache(cache, files.stats)
    again = scan_entries(project / "cards", reader.read, files)[0]  # read from the files again
    assert again == from_files and [e.lines for e in again] == [e.lines for e in from_files]
    entry = reader.read(project / EDITED)
    edit(project)  # after the build looked at the file, before it needed the texts
    with pytest.raises(DeckError, match="changed while the build read it"):
        entry.text("answer")


def test_a_shard_changed_under_the_cache_is_dropped_alone(tmp_path: Path):
    store = SealedShards(tmp_path, "rows", "v1")
    store.load()
    rows = {f"key{n}": n for n in range(100)}
    store.save(rows)
    (victim,) = [p for p in tmp_path.glob("rows.*.bin")][:1]
    victim.write_bytes(victim.read_bytes()[:-1] + b"\0")
    (loaded,) = SealedShards(tmp_path, "rows", "v1").load()
    assert 0 < len(loaded) < 100 and all(rows[k] == v for k, v in loaded.items())
    (other_version,) = SealedShards(tmp_path, "rows", "v2").load()
    assert other_version == {}


def test_card_files_parsed_in_workers_read_as_they_do_here(project: Path, monkeypatch):
    broken = project / "cards" / "epam" / "950-broken.md"
    broken.write_text("---\nid: epam-950\nsource: epam\n---\n\nno question heading\n", encoding="utf-8")
    kmeans = (project / EDITED).read_text(encoding="utf-8")
    no_key_point = kmeans.split("## Key point")[0].replace("id: epam-006", "id: epam-951")
    no_key_point += "\n\nA refused formula $\\href{https://example.org}{x}$ and a plain one $x_i^2$.\n"
    (project / "cards" / "epam" / "951-no-key-point.md").write_text(no_key_point, encoding="utf-8")
    files = CardFiles.scan(project / "cards")
    here = scan_entries(project / "cards", EntryCache(None, files.stats).read, files)
    monkeypatch.setattr(mldeck.workers, "PARALLEL_FROM", 1)
    monkeypatch.setattr(mldeck.workers, "PARSE_PARALLEL_FROM", 1)
    monkeypatch.setattr(mldeck.workers, "cores", lambda: 2)
    reader = EntryCache(None, files.stats)
    with mldeck.workers.Workers() as workers:
        reader.prefetch(files, workers, project / "sources")
    assert len(reader.fresh) == 16  # every file, the broken one too, parsed in the workers
    assert len(reader.fresh_checks) == 15  # and every one that parsed, checked there
    there = scan_entries(project / "cards", reader.read, files)
    assert there == here and any("950-broken.md" in str(p.path) for p in there[1])
    sources = load_sources(project / "sources")
    serial = EntryCache(None, files.stats)
    scan_entries(project / "cards", serial.read, files)
    checked_here = [str(p) for e in here[0] for p in serial.check(e, sources.get(e.source))]
    monkeypatch.setattr(mldeck.entry_cache, "entry_problems", lambda *_: pytest.fail("checked again here"))
    checked_there = [str(p) for e in there[0] for p in reader.check(e, sources.get(e.source))]
    assert checked_there == checked_here and any("951-no-key-point.md" in p for p in checked_here)
    assert len(reader.formula_scans) == 15  # the formulas found where they were parsed
    monkeypatch.setattr(mldeck.tex.check, "scan_entry", lambda *_: pytest.fail("formulas found again here"))
    formulas_there = check_entries(there[0], None, reader.formula_scans)
    monkeypatch.undo()
    formulas_here = check_entries(here[0])
    assert [str(p) for p in formulas_there.problems] == [str(p) for p in formulas_here.problems]
    assert formulas_there.count == formulas_here.count > 0 and "\\href" in str(formulas_here.problems)


def test_a_copy_of_the_project_takes_its_notes_from_the_same_cache(tmp_path: Path, monkeypatch):
    """Notes and formula verdicts are cached by the card files' bytes, not their paths: a copy
    of the project (another checkout, or the test suite's many copies) sharing the cache folder
    renders nothing, makes no note again and starts no worker process (its card files are parsed
    in this one: too few to be worth spreading)."""
    monkeypatch.setenv("MLDECK_CACHE_DIR", str(tmp_path / "shared-cache"))
    first = prepare_notes(copy_fixture(tmp_path / "one"), BuildOptions(quiet=True))
    made: list[str] = []
    real = mldeck.build.run.build_note
    monkeypatch.setattr(mldeck.build.run, "build_note", lambda group, *a: made.append(group[0].id) or real(group, *a))
    node: list[int] = []
    monkeypatch.setattr(mldeck.tex.mathjax, "check_all", lambda todo: node.append(len(todo)) or [None] * len(todo))
    monkeypatch.setattr(mldeck.workers, "PARALLEL_FROM", 1)  # rendering would be spread, were there any
    monkeypatch.setattr(mldeck.workers, "cores", lambda: 2)
    monkeypatch.setattr(mldeck.workers, "ProcessPoolExecutor", lambda *a, **k: pytest.fail("workers started"))
    again = prepare_notes(copy_fixture(tmp_path / "two"), BuildOptions(quiet=True))  # its 14 files parsed here
    assert made == [] and node == [] and again.rendered == 0
    assert [n.fields for n in again.notes] == [n.fields for n in first.notes]


def test_a_note_is_made_as_soon_as_its_texts_are_rendered(project: Path, monkeypatch):
    """The build makes each note while the later texts are still being rendered (by the workers,
    in a cold build), not after all of them: its own work overlaps theirs."""
    from mldeck.render.cards import TextRenderer

    events: list[str] = []
    stream = TextRenderer.render_stream

    def recorded(self, texts):
        for text, result in stream(self, texts):
            events.append("rendered")
            yield text, result

    real_note = mldeck.build.run.build_note
    monkeypatch.setattr(TextRenderer, "render_stream", recorded)
    monkeypatch.setattr(mldeck.build.run, "build_note", lambda *a: events.append("note") or real_note(*a))
    prepared = prepare_notes(project, BuildOptions(quiet=True))
    assert events.count("note") == len(prepared.notes) > 1
    assert events.index("note") < len(events) - events[::-1].index("rendered") - 1  # a note before the last text
    assert events[-1] == "note"
    shutil.rmtree(project / "build" / "cache")  # the same notes when every text is rendered first
    monkeypatch.setattr(TextRenderer, "render_stream", lambda self, texts: iter(list(stream(self, texts))))
    assert prepare_notes(project, BuildOptions(quiet=True)).notes == prepared.notes


def test_a_cold_build_renders_while_it_validates(project: Path, monkeypatch):
    """The card files parsed in the workers go straight on to be rendered there, in one run of the
    workers begun before the build validates the cards, and the notes are the same as made here."""
    if mldeck.workers.cores() < 2:
        pytest.skip("one core: nothing is spread")
    monkeypatch.setattr(mldeck.workers, "PARALLEL_FROM", 1)
    monkeypatch.setattr(mldeck.workers, "PARSE_PARALLEL_FROM", 1)
    events: list[str] = []
    real_validate, real_map = mldeck.build.run.validate, mldeck.workers.Workers.map
    monkeypatch.setattr(mldeck.build.run, "validate", lambda *a: events.append("validate") or real_validate(*a))
    monkeypatch.setattr(
        mldeck.workers.Workers,
        "map",
        lambda s, fn, items, **k: events.append(fn.__name__) or real_map(s, fn, items, **k),
    )
    spread = prepare_notes(project, BuildOptions(quiet=True))
    assert events == ["_parse_row", "_worker_render", "validate"]
    shutil.rmtree(project / "build" / "cache")
    monkeypatch.setattr(mldeck.workers, "PARALLEL_FROM", 10**9)
    monkeypatch.setattr(mldeck.workers, "PARSE_PARALLEL_FROM", 10**9)
    assert prepare_notes(project, BuildOptions(quiet=True)).notes == spread.notes


def test_texts_read_back_from_the_files_are_kept_for_the_next_build(project: Path, monkeypatch):
    cache = project / "build" / "cache"
    prepare_notes(project, BuildOptions(quiet=True))
    for path in cache.glob("entrytexts.*.bin"):
        path.write_bytes(b"lost")
    for path in cache.glob("notes.*.bin"):
        path.unlink()  # every note made again: every text asked for, after the entry cache was saved
    parsed: list[str] = []
    real = mldeck.entry_cache.read_entry
    monkeypatch.setattr(mldeck.entry_cache, "read_entry", lambda p: parsed.append(p.name) or real(p))
    prepare_notes(project, BuildOptions(quiet=True))
    assert len(parsed) == 14  # each card file read again once, for its texts
    parsed.clear()
    for path in cache.glob("notes.*.bin"):
        path.unlink()
    prepare_notes(project, BuildOptions(quiet=True))
    assert parsed == []  # and kept


def test_a_cold_build_that_fails_validation_leaves_no_worker_running(project: Path, monkeypatch):
    import multiprocessing

    if mldeck.workers.cores() < 2:
        pytest.skip("one core: nothing is spread")
    monkeypatch.setattr(mldeck.workers, "PARALLEL_FROM", 1)
    monkeypatch.setattr(mldeck.workers, "PARSE_PARALLEL_FROM", 1)
    text = (project / EDITED).read_text(encoding="utf-8")
    (project / "cards" / "epam" / "952-same-id.md").write_text(text, encoding="utf-8")  # a duplicate id
    with pytest.raises(DeckError, match="epam-006"):
        prepare_notes(project, BuildOptions(quiet=True))
    assert multiprocessing.active_children() == []


def test_the_build_pauses_the_cycle_collector_and_gives_it_back(project: Path, monkeypatch):
    """A full collection walks every cached row (a fifth of a 10,000-card rebuild): paused while
    the build runs, on again after it, also when it fails."""
    import gc

    seen: list[bool] = []
    real = mldeck.build.run.prepare_notes
    monkeypatch.setattr(mldeck.build.run, "prepare_notes", lambda *a: seen.append(gc.isenabled()) or real(*a))
    assert gc.isenabled()
    mldeck.build.run.build_deck(project, BuildOptions(quiet=True))
    assert seen == [False] and gc.isenabled()
    (project / EDITED).write_text("not a card", encoding="utf-8")
    with pytest.raises(DeckError):
        mldeck.build.run.build_deck(project, BuildOptions(quiet=True))
    assert seen == [False, False] and gc.isenabled()
