"""The note model and the deck names/IDs.

IDs are fixed constants and field/template NAMES are append-only after the first release:
Anki fingerprints a note type by them, and a rename turns every re-imported note into a
"conflicting" one instead of an update. tests/test_model.py pins them.
"""

from __future__ import annotations

from importlib import resources

MODEL_ID = 1_607_392_319
MODEL_NAME = "ML Interview Question (mldeck)"
GUID_NAMESPACE = "mldeck"
TAG_ROOT = "ml-interview"
ROOT_DECK = "ML Interview Questions"

FIELDS = (
    "Question",
    "Answer",
    "AnswerLabel",
    "EditorNote",
    "SourceAnswer",
    "OtherSources",
    "Context",
    "Attribution",
    "Meta",
    "CardId",
)
TEMPLATE_NAME = "Question → Answer"
TEMPLATE_FILES = ("front.html", "back.html", "card.css", "highlight.css")

# Deck IDs, one per deck this project can emit. Never change one; add new ones.
DECK_IDS = {
    ROOT_DECK: 2_059_400_110,
    f"{ROOT_DECK}::1 Basic": 2_059_400_111,
    f"{ROOT_DECK}::2 Intermediate": 2_059_400_112,
    f"{ROOT_DECK}::3 Advanced": 2_059_400_113,
    f"{ROOT_DECK}::Upwork": 2_059_400_121,
    f"{ROOT_DECK}::Alldus": 2_059_400_122,
    f"{ROOT_DECK}::EPAM Anywhere": 2_059_400_123,
}
DIFFICULTY_DECKS = {"basic": "1 Basic", "intermediate": "2 Intermediate", "advanced": "3 Advanced"}
SOURCE_DECKS = {"upwork": "Upwork", "alldus": "Alldus", "epam": "EPAM Anywhere"}


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


def deck_name(split: str, difficulty: str, source: str) -> str:
    if split == "difficulty":
        return f"{ROOT_DECK}::{DIFFICULTY_DECKS[difficulty]}"
    if split == "source":
        return f"{ROOT_DECK}::{SOURCE_DECKS[source]}"
    return ROOT_DECK
