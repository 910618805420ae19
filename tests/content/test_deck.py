"""The repository's deck, imported into a fresh collection with the official `anki` backend
(built and imported once for the session: tests/conftest.py)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from mldeck.entries import read_entries
from mldeck.notetype.model import FIELDS, MODEL_ID, ROOT_DECK, deck_ids
from mldeck.sources import load_sources
from mldeck.validate import group_duplicates
from tests.anki_helpers import fresh_collection, import_apkg


@pytest.fixture(scope="module")
def project(real_deck) -> Path:
    return real_deck.root


@pytest.fixture(scope="module")
def apkg(real_deck) -> Path:
    return real_deck.apkg


@pytest.fixture(scope="module")
def expected(project: Path):
    groups, problems = group_duplicates(read_entries(project / "cards"))
    assert not problems
    complete = {k: g for k, g in groups.items() if g[0].answer_origin != "missing"}
    return complete


@pytest.fixture()
def col(real_collection):
    return real_collection


def test_counts(col, expected):
    assert col.note_count() == len(expected)
    assert col.card_count() == len(expected)
    assert len(col.first_log.new) == len(expected)
    assert not col.first_log.conflicting


def test_model_and_fields(col):
    model = col.models.get(MODEL_ID)
    assert model is not None
    assert [f["name"] for f in model["flds"]] == list(FIELDS)
    col.models.update_dict(model)  # raises on a broken template


def test_decks(col, expected):
    names = {d.name for d in col.decks.all_names_and_ids()}
    assert {f"{ROOT_DECK}::1 Basic", f"{ROOT_DECK}::2 Intermediate", f"{ROOT_DECK}::3 Advanced"} <= names
    advanced = col.find_cards(f'"deck:{ROOT_DECK}::3 Advanced"')
    assert len(advanced) == sum(1 for g in expected.values() if g[0].difficulty == "advanced")


def test_tags_and_fields_of_every_note(col, expected):
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        card_id = note["CardId"].split(", ")[0]
        group = expected[card_id]
        lead = group[0]
        assert f"ml-interview::difficulty::{lead.difficulty}" in note.tags
        for c in group:
            assert f"ml-interview::source::{c.source}" in note.tags
            for t in c.topics:
                assert f"ml-interview::topic::{t}" in note.tags
        assert f"ml-interview::kind::{lead.kind}" in note.tags
        assert note["Answer"].strip(), card_id
        assert note["KeyPoint"].strip(), card_id
        if lead.source == "deck":
            assert note["Attribution"] == "Question and answer written for this deck"
        else:
            assert f"question {lead.ref} ·" in note["Attribution"]
        assert ("answer from the article" if lead.answer_origin == "source" else "written for this deck") in (
            note["Attribution"]
        )
        assert "<script" not in "".join(note.fields).lower()


def test_specific_card(col):
    (nid,) = col.find_notes('"CardId:*epam-006*"')
    note = col.get_note(nid)
    assert note["Question"] == "Explain k-means clustering and its applications"
    assert note["Answer"].startswith("<p>K-means clustering is an unsupervised learning algorithm")
    assert note["AnswerLabel"] == "EPAM Anywhere’s answer (incomplete)"
    assert "EPAM Anywhere, “Machine learning interview questions”, question 6" in note["Attribution"]
    (nid,) = col.find_notes('"CardId:*upwork-001*"')
    up = col.get_note(nid)
    link = '<a href="https://www.upwork.com/resources/machine-learning-engineer-interview-questions">'
    (nid,) = col.find_notes('"CardId:upwork-011*"')
    assert link in col.get_note(nid)["Attribution"]  # an Upwork primary: the link is in the footer
    assert link in up["OtherSources"]  # folded into an EPAM note: with Upwork's answer
    assert "<p>Machine learning algorithms use supervised" in up["Context"]


def test_every_card_renders(col):
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        q, a = card.question(), card.answer()
        for side in (q, a):
            assert "{{" not in side and "error" not in side.lower()[:200], side[:300]
        assert card.note()["Question"] in a


def test_package_carries_the_fixed_ids(apkg: Path, project: Path, tmp_path: Path):
    import json
    import sqlite3

    with zipfile.ZipFile(apkg) as zf:
        (tmp_path / "c.db").write_bytes(zf.read("collection.anki2"))
    conn = sqlite3.connect(tmp_path / "c.db")
    decks, models = conn.execute("SELECT decks, models FROM col").fetchone()
    mids = {row[0] for row in conn.execute("SELECT DISTINCT mid FROM notes")}
    conn.close()
    for deck in json.loads(decks).values():
        if deck["name"] != "Default":
            assert deck["id"] == deck_ids(load_sources(project / "sources").values())[deck["name"]]
    assert set(json.loads(models)) == {str(MODEL_ID)} and mids == {MODEL_ID}


def test_media_present(col, apkg):
    check = col.media.check()
    assert not check.missing and not check.unused, (check.missing, check.unused)
    with zipfile.ZipFile(apkg) as zf:
        names = set(zf.namelist())
    assert names >= {"collection.anki2", "media"}


def test_math_reaches_anki_intact(col):
    notes = [col.get_note(n) for n in col.find_notes("")]
    html = "\n".join(f for n in notes for f in n.fields)
    inline = re.findall(r"\\\((.*?)\\\)", html)
    assert inline, "expected some inline math in the deck"
    assert "$" not in "".join(inline)


def test_reimport_changes_nothing(tmp_path: Path, apkg, expected):
    col = fresh_collection(tmp_path / "anki")
    import_apkg(col, apkg)
    try:
        log = import_apkg(col, apkg)
        assert not log.new and not log.updated and not log.conflicting
        assert col.note_count() == len(expected)
    finally:
        col.close()
