"""Update round trip: build 1, study, edit a card and commit, build 2, import: history intact."""

from __future__ import annotations

import time
from pathlib import Path

from mldeck.entries import read_entries
from tests.anki_helpers import build, fresh_collection, git, import_apkg, study_first_card
from tests.helpers import copy_fixture


def test_update_keeps_review_history(tmp_path: Path):
    root = copy_fixture(tmp_path / "repo")
    t1 = int(time.time()) + 10_000  # later than any commit of the code itself, so card times decide
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "release 1", when=t1)
    apkg1 = build(root, tmp_path / "v1.apkg")

    col = fresh_collection(tmp_path / "anki")
    try:
        import_apkg(col, apkg1)
        count = col.note_count()
        card = study_first_card(col)
        before = (card.ivl, card.due, card.type, card.queue, card.reps)
        revlog = col.db.scalar("select count() from revlog where cid = ?", card.id)
        assert revlog == 1

        note = card.note()
        card_id = note["CardId"].split(", ")[0]
        (path,) = [c.path for c in read_entries(root / "cards") if c.id == card_id]
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        q_line = next(i for i, line in enumerate(lines) if line.startswith("# "))
        lines.insert(q_line + 2, "An extra first paragraph added in release 2.\n")
        path.write_text("\n".join(lines), encoding="utf-8")
        git(root, "commit", "-q", "-am", "release 2: improve one answer", when=t1 + 3600)
        apkg2 = build(root, tmp_path / "v2.apkg")

        log = import_apkg(col, apkg2)
        assert not log.conflicting and not log.new
        assert len(log.updated) == 1
        assert col.note_count() == count
        after = col.get_card(card.id)
        assert after.note()["Answer"].startswith("<p>An extra first paragraph added in release 2.</p>")
        assert (after.ivl, after.due, after.type, after.queue, after.reps) == before
        assert col.db.scalar("select count() from revlog where cid = ?", card.id) == revlog
    finally:
        col.close()


def test_same_commit_builds_identical_bytes(tmp_path: Path):
    root = copy_fixture(tmp_path / "repo")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "one", when=1_800_000_000)
    a = build(root, tmp_path / "a.apkg", force=True).read_bytes()
    for p in (root / "cards").rglob("*.md"):  # touching files must not matter for committed, clean files
        p.touch()
    b = build(root, tmp_path / "b.apkg", force=True).read_bytes()
    assert a == b


def test_note_mod_comes_from_the_card_commit(tmp_path: Path):
    import sqlite3
    import zipfile

    root = copy_fixture(tmp_path / "repo")
    git(root, "init", "-q")
    git(root, "add", "-A")
    t = int(time.time()) + 20_000
    git(root, "commit", "-q", "-m", "one", when=t)
    apkg = build(root, tmp_path / "a.apkg")
    with zipfile.ZipFile(apkg) as zf:
        (tmp_path / "c.db").write_bytes(zf.read("collection.anki2"))
    conn = sqlite3.connect(tmp_path / "c.db")
    mods = {row[0] for row in conn.execute("select mod from notes")}
    conn.close()
    assert mods == {t}
