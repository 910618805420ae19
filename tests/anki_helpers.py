"""Helpers to drive the official `anki` backend (the same one as Anki desktop) in tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.import_export_pb2 import IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER

from mldeck.build.notes import Filters
from mldeck.build.run import BuildOptions, build_deck


def fresh_collection(folder: Path) -> Collection:
    folder.mkdir(parents=True, exist_ok=True)
    return Collection(str(folder / "collection.anki2"))


def import_apkg(col: Collection, apkg: Path):
    """Import as Anki desktop does by default: update notes and note types if newer."""
    options = ImportAnkiPackageOptions(
        merge_notetypes=False,
        update_notes=IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
        update_notetypes=IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
        with_scheduling=False,
        with_deck_configs=False,
    )
    log = col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg), options=options)).log
    col.models._clear_cache()
    return log


def study_first_card(col: Collection, deck: str = "ML Interview Questions"):
    """Review the first card the scheduler offers, as a learner would: "Easy" on a new card
    graduates it to the review queue in one answer. Returns the reviewed card, reloaded.

    One answer only: a second answer on a card still in learning may find another card at the
    top of the queue (new cards interleave), which the v3 scheduler refuses."""
    col.decks.select(col.decks.id_for_name(deck))
    card = col.sched.getCard()
    assert card is not None, "no card to study"
    card.start_timer()
    col.sched.answerCard(card, 4)
    card = col.get_card(card.id)
    assert card.type == 2 and card.reps == 1, "the card did not graduate to review"
    return card


def build(root: Path, out: Path, **kwargs) -> Path:
    filters = Filters(
        frozenset(kwargs.pop("sources", ())),
        frozenset(kwargs.pop("difficulties", ())),
        frozenset(kwargs.pop("tags", ())),
    )
    build_deck(root, BuildOptions(out=out, quiet=True, filters=filters, **kwargs))
    return out


def git(root: Path, *args: str, when: int | None = None) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.org")  # fmt: skip
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"@{when} +0000"
    proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, env=env, check=True)
    return proc.stdout
