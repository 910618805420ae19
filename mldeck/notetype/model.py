"""The note model and the deck names/IDs.

IDs are fixed constants. The field and template NAMES are FROZEN at the first release (v1.0.0):
Anki fingerprints a note type by them, and any change, a rename, a removal or even an appended
field, makes every re-imported note "conflicting" instead of updated (Anki 26.9, default import
options), and "Merge note types" stamps the user's notes with the import time so nothing
updates either. New kinds of content go into the fields below as HTML sections; template text
and CSS may change freely (they update in place). tests/test_model.py pins the names.
Each source's subdeck name and id live in its sources/<name>/source.yaml.
"""

from __future__ import annotations

from importlib import resources

MODEL_ID = 1_607_392_319
MODEL_NAME = "ML Interview Question (mldeck)"
GUID_NAMESPACE = "mldeck"
TAG_ROOT = "ml-interview"
ROOT_DECK = "ML Interview Questions"

FIELDS = (
    "Question",  # the front: the deck's wording when the article's gives the answer away
    "KeyPoint",  # the answer in one or two sentences: first on the back, what a learner grades against
    "Answer",  # the answer that is right: the article's where it holds, else the deck's
    "AnswerLabel",  # whose answer it is
    "EditorNote",  # the correction or completion
    "SourceAnswer",  # the article's own answer when the deck's replaces it: <summary> + text, shown closed
    "OtherSources",  # folded notes: each other article's wording, what it adds, its answer (closed)
    "Context",  # why interviewers ask it (closed)
    "References",  # primary references, shown small
    "Attribution",  # where it came from: publisher, title, link, question number, whose answer
    "Meta",  # difficulty, publishers, kind
    "CardId",  # the card file ids: search "CardId:epam-006"
)
TEMPLATE_NAME = "Question → Answer"
TEMPLATE_FILES = ("front.html", "back.html", "card.css", "highlight.css")

# Deck IDs, one per deck this project can emit. Never change one; add new ones.
DECK_IDS = {
    ROOT_DECK: 2_059_400_110,
    f"{ROOT_DECK}::1 Basic": 2_059_400_111,
    f"{ROOT_DECK}::2 Intermediate": 2_059_400_112,
    f"{ROOT_DECK}::3 Advanced": 2_059_400_113,
}
DIFFICULTY_DECKS = {"basic": "1 Basic", "intermediate": "2 Intermediate", "advanced": "3 Advanced"}


def template_text(name: str) -> str:
    return resources.files("mldeck.notetype").joinpath(name).read_text(encoding="utf-8")


def template_paths() -> list[str]:
    """Repo-relative paths of the files that make the model (for its `mod` time)."""
    return [f"mldeck/notetype/{name}" for name in TEMPLATE_FILES]


def model_css() -> str:
    return template_text("card.css") + "\n" + template_text("highlight.css")


def make_model():
    import genanki

    return genanki.Model(
        MODEL_ID,
        MODEL_NAME,
        fields=[{"name": f} for f in FIELDS],
        templates=[{"name": TEMPLATE_NAME, "qfmt": template_text("front.html"), "afmt": template_text("back.html")}],
        css=model_css(),
        sort_field_index=0,
    )


def deck_name(split: str, difficulty: str, source_deck: str) -> str:
    """The deck a note goes to: by difficulty (default), by source (its subdeck name), or the root."""
    if split == "difficulty":
        return f"{ROOT_DECK}::{DIFFICULTY_DECKS[difficulty]}"
    if split == "source":
        return f"{ROOT_DECK}::{source_deck}"
    return ROOT_DECK


def deck_ids(sources) -> dict[str, int]:  # noqa: ANN001 - mldeck.sources.Source values
    """Every deck this project can emit, with its fixed id: the root, difficulty and source decks."""
    return DECK_IDS | {f"{ROOT_DECK}::{s.deck_name}": s.deck_id for s in sources}
