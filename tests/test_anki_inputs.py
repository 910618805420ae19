"""Every input of a note reaches a user's collection (a real Anki backend, default import options).

A note's `mod` is the newest commit over everything its fields are made from: its card file, the
`source.yaml` of its source, the `media/` files it shows, the code and templates that make it,
and the dependency lock. For each kind: import the previous build, review the note, change and
commit that input, rebuild, import: the note is updated and its review history is intact. The
model too: a CSS-only change updates the note type in place. And the control: a change that
moves no input's commit time does not reach the user, which is why `mod` must cover them all.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest

from mldeck.entries import Entry, format_entry
from mldeck.notetype import model
from tests.anki_helpers import build, fresh_collection, git, import_apkg, study_first_card
from tests.helpers import ROOT

pytestmark = pytest.mark.slow
PICTURE = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def card(n: int, answer: str) -> str:
    entry = Entry.make(id=f"epam-{n:03d}", source="epam", ref=str(n), difficulty="basic", topics=("fundamentals",),
                       answer_origin="deck", question=f"Input question {n}?", answer=answer,
                       key_point="A key point.")  # fmt: skip
    return format_entry(entry)


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch) -> Path:
    """A project that holds its own copy of the code and lock (so their commits count), in git."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("MLDECK_CACHE_DIR", raising=False)
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "sources", root / "sources")
    shutil.copytree(ROOT / "mldeck", root / "mldeck", ignore=shutil.ignore_patterns("__pycache__"))
    if (ROOT / "requirements").is_dir():
        shutil.copytree(ROOT / "requirements", root / "requirements")
    (root / "media").mkdir()
    (root / "media" / "pic.png").write_bytes(PICTURE)
    (root / "cards" / "epam").mkdir(parents=True)
    (root / "cards" / "epam" / "001-a.md").write_text(card(1, "See the picture.\n\n![a picture](media/pic.png)"))
    (root / "cards" / "epam" / "002-b.md").write_text(card(2, "Another answer."))
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "release 1", when=T1)
    return root


T1 = int(time.time()) + 50_000  # later than any commit of the real code


def release(repo: Path, tmp: Path, name: str) -> Path:
    """A build from cold: the caches key on the running code's files, which these tests patch."""
    shutil.rmtree(repo / "build", ignore_errors=True)
    return build(repo, tmp / f"{name}.apkg", code_root=repo)


def change_card(repo: Path) -> None:
    path = repo / "cards" / "epam" / "001-a.md"
    path.write_text(path.read_text().replace("See the picture.", "See the picture, now explained."))


def change_source(repo: Path) -> None:
    path = repo / "sources" / "epam" / "source.yaml"
    path.write_text(re.sub(r"^title: .*$", "title: A revised title", path.read_text(), count=1, flags=re.M))


def change_media(repo: Path) -> None:
    (repo / "media" / "pic.png").write_bytes(PICTURE + b"\x01")


def change_code(repo: Path) -> None:
    with (repo / "mldeck" / "build" / "notes.py").open("a") as fh:
        fh.write("\n# a change to how notes are made\n")


def change_lock(repo: Path) -> None:
    lock = repo / "requirements" / "deck.txt"
    lock.parent.mkdir(exist_ok=True)
    with lock.open("a") as fh:
        fh.write("# a library upgraded\n")


INPUTS = {"card": change_card, "source.yaml": change_source, "media": change_media, "code": change_code,
          "lock": change_lock}  # fmt: skip
NEW_LABEL = "Answer written for this deck (revised code)"


@pytest.mark.parametrize("kind", INPUTS)
def test_a_committed_change_to_any_input_updates_the_note(repo: Path, tmp_path: Path, monkeypatch, kind: str):
    col = fresh_collection(tmp_path / "anki")
    try:
        import_apkg(col, release(repo, tmp_path, "v1"))
        count = col.note_count()
        studied = study_first_card(col)
        assert studied.note()["CardId"] == "epam-001"
        history = (studied.ivl, studied.due, studied.type, studied.queue, studied.reps)
        before = dict(studied.note().items())
        INPUTS[kind](repo)
        if kind in ("code", "lock"):  # the new code (or library) renders differently
            monkeypatch.setattr("mldeck.build.notes.DECK_ANSWER", NEW_LABEL)
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"change the {kind}", when=T1 + 3600)
        log = import_apkg(col, release(repo, tmp_path, "v2"))
        assert not log.conflicting and not log.new
        assert col.note_count() == count
        after = col.get_card(studied.id)
        assert dict(after.note().items()) != before, "the note was not updated"
        assert studied.nid in {n.id.nid for n in log.updated}
        assert (after.ivl, after.due, after.type, after.queue, after.reps) == history
        assert col.db.scalar("select count() from revlog where cid = ?", studied.id) == 1
    finally:
        col.close()


def test_a_change_no_input_records_does_not_reach_the_user(repo: Path, tmp_path: Path, monkeypatch):
    """The control: new output under the old `mod` is ignored by Anki."""
    col = fresh_collection(tmp_path / "anki")
    try:
        import_apkg(col, release(repo, tmp_path, "v1"))
        studied = study_first_card(col)
        before = dict(studied.note().items())
        monkeypatch.setattr("mldeck.build.notes.DECK_ANSWER", NEW_LABEL)
        log = import_apkg(col, release(repo, tmp_path, "v2"))
        assert not log.updated
        assert dict(col.get_card(studied.id).note().items()) == before
    finally:
        col.close()


def test_a_css_only_change_updates_the_note_type_in_place(repo: Path, tmp_path: Path, monkeypatch):
    col = fresh_collection(tmp_path / "anki")
    try:
        import_apkg(col, release(repo, tmp_path, "v1"))
        studied = study_first_card(col)
        history = (studied.ivl, studied.due, studied.reps)
        types = [(m["id"], m["name"]) for m in col.models.all()]
        css = repo / "mldeck" / "notetype" / "card.css"
        css.write_text(css.read_text() + "\n.mld-revised { color: teal; }\n")
        real = model.template_text
        monkeypatch.setattr(model, "template_text", lambda name: real(name) + (
            "\n.mld-revised { color: teal; }\n" if name == "card.css" else ""))  # fmt: skip
        git(repo, "commit", "-q", "-am", "restyle", when=T1 + 3600)
        log = import_apkg(col, release(repo, tmp_path, "v2"))
        assert not log.conflicting and not log.new
        assert [(m["id"], m["name"]) for m in col.models.all()] == types, "a second note type appeared"
        notetype = col.models.by_name(model.MODEL_NAME)
        assert ".mld-revised" in notetype["css"]
        after = col.get_card(studied.id)
        assert (after.ivl, after.due, after.reps) == history
        assert col.db.scalar("select count() from revlog where cid = ?", studied.id) == 1
    finally:
        col.close()
