"""Release notes in a learner's terms: word-level diffs, corrected / rewritten / moved / restyled,
the suggested version bump, and no internal field name anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from mldeck.diff.compare import diff_packages
from mldeck.diff.grouping import (
    Bump,
    Kind,
    bump_of,
    group,
    next_version,
    parse_version,
    suggest_bump,
)
from mldeck.diff.package import Note, NoteType, Package
from mldeck.diff.report import LONG_LIST, render_markdown
from mldeck.diff.visible import learner_name, visible_text
from mldeck.diff.words import md_escape, similarity, word_diff
from mldeck.notetype.model import FIELDS

NOTE_TYPE = NoteType(1, "ML Interview Question (mldeck)", FIELDS, 0, (("Card", "{{Question}}", "{{Answer}}"),), "")
ANSWER = (
    "<p>Overfitting is when a model memorises the noise in its training data, so it scores well there and "
    "badly on data it has not seen. Regularisation, more data and early stopping reduce it.</p>"
)


def note(guid: str = "g1", deck: str = "ML Interview Questions::1 Basic", tags: tuple[str, ...] = (), **fields) -> Note:
    values = {"Question": "What is overfitting?", "KeyPoint": "<p>Fitting noise, not signal.</p>", "Answer": ANSWER,
              "CardId": f"epam-{guid}"} | fields  # fmt: skip
    return Note(guid, NOTE_TYPE, values, tags or ("ml-interview::difficulty::basic",), (deck,))


def diff_of(old: list[Note], new: list[Note], note_type: NoteType = NOTE_TYPE):
    return diff_packages(
        Package(Path("old"), {1: NOTE_TYPE}, {n.guid: n for n in old}),
        Package(Path("new"), {1: note_type}, {n.guid: n for n in new}),
    )


# --- words ---------------------------------------------------------------------------------------


def test_word_diff_marks_removed_and_added_words_with_context():
    old = "the model memorises the noise in the training data and fails on unseen data in production"
    new = "the model learns the noise in the training data and fails on unseen data in production"
    assert word_diff(old, new) == "the model ~~memorises~~ **learns** the noise in the …"
    assert word_diff(old, old) == ""
    assert word_diff("", "all new") == "**all new**"


def test_word_diff_is_short_far_changes_are_separate_and_counted():
    old = " ".join(f"w{i}" for i in range(100))
    new = old.replace("w10 ", "X ").replace("w40 ", "Y ").replace("w70 ", "Z ").replace("w90 ", "V ")
    out = word_diff(old, new)
    assert out.count("~~") == 6 and "~~w10~~ **X**" in out and "~~w70~~ **Z**" in out
    assert out.endswith("and 1 more change(s)") and "w90" not in out
    long_insert = word_diff("a b", "a " + " ".join(["new"] * 60) + " b")
    assert "…(+36 words)" in long_insert and long_insert.count("new") == 24


def test_hostile_text_is_escaped_in_the_diff():
    out = word_diff("say hi", "say <script>alert(1)</script> **bold** [x](javascript:y) ~~z~~ | #")
    assert "<script>" not in out and "\\<script\\>" in out
    assert "\\*\\*bold\\*\\*" in out and "\\[x\\]" in out and "\\~\\~z\\~\\~" in out
    assert md_escape("a|b") == "a\\|b"


def test_similarity():
    assert similarity("a b c d", "a b c d") == 1.0
    assert similarity("", "") == 1.0
    assert similarity("a b c d", "w x y z") == 0.0
    assert 0.7 < similarity("a b c d e", "a b c d f") < 0.9


def test_visible_text_and_learner_names():
    assert visible_text("<p>a &amp; b</p><script>x()</script><style>p{}</style><li>c</li>") == "a & b c"
    assert visible_text("<details><summary>More</summary><p>Hidden</p></details>") == "More Hidden"
    assert [learner_name(f) for f in ("KeyPoint", "EditorNote", "OtherSources")] == [
        "Key point",
        "Editor’s note",
        "Other articles’ wording and answers",
    ]
    assert learner_name("SomeFutureField") == "Another part of the card"
    assert all(learner_name(f) != f or f in ("Question", "Answer", "References") for f in FIELDS)


# --- groups --------------------------------------------------------------------------------------


def test_a_few_words_changed_is_corrected_and_a_new_answer_is_rewritten():
    fixed = note(Answer=ANSWER.replace("memorises", "learns"))
    rewritten = note(
        "g2",
        Answer="<p>A different explanation entirely: variance dominates bias when capacity exceeds what the "
        "sample supports.</p>",
        KeyPoint="<p>Variance beats bias.</p>",
    )
    grouped = group(diff_of([note(), note("g2")], [fixed, rewritten]))
    (corrected,) = grouped.of(Kind.CORRECTED)
    (rewrite,) = grouped.of(Kind.REWRITTEN)
    assert corrected.note.guid == "g1" and [t.field for t in corrected.texts] == ["Answer"]
    assert rewrite.note.guid == "g2" and {t.field for t in rewrite.texts} == {"KeyPoint", "Answer"}


def test_same_words_other_metadata_is_moved_and_same_text_other_html_is_restyled():
    moved = note(deck="ML Interview Questions::3 Advanced", tags=("ml-interview::difficulty::advanced",),
                 Meta="Advanced · EPAM Anywhere")  # fmt: skip
    restyled = note("g2", Answer=ANSWER.replace("<p>", '<p class="x">'))
    grouped = group(diff_of([note(Meta="Basic · EPAM Anywhere"), note("g2")], [moved, restyled]))
    assert [c.note.guid for c in grouped.of(Kind.MOVED)] == ["g1"]
    assert [c.note.guid for c in grouped.of(Kind.RESTYLED)] == ["g2"]
    text = render_markdown(diff_of([note(Meta="Basic · EPAM Anywhere"), note("g2")], [moved, restyled]), "a", "b")
    assert "difficulty basic → advanced; subdeck 1 Basic → 3 Advanced" in text
    assert "## Restyled (1)\n\n1 note(s) look different but say the same" in text


def test_the_report_names_parts_as_the_card_does():
    old = note(EditorNote="", References="<p>Goodfellow et al.</p>", Context="<p>Why.</p>")
    new = note(EditorNote="<p><b>Correct but incomplete:</b> mention dropout.</p>", References="<p>Bishop.</p>",
               Context="<p>Because.</p>", KeyPoint="<p>Fitting the noise, not the signal.</p>")  # fmt: skip
    text = render_markdown(diff_of([old], [new]), "v1.2.3", "HEAD")
    assert "- **What is overfitting?** · `epam-g1`" in text
    assert "  - Key point: Fitting **the** noise, not **the** signal." in text
    assert "  - Editor’s note, new: “Correct but incomplete: mention dropout.”" in text
    assert "  - Also changed: why interviewers ask it, references" in text
    for field in FIELDS:
        if learner_name(field) != field:
            assert field not in text, field


def test_long_lists_are_folded():
    new = [note(f"n{i:03d}", Question=f"Question {i}?") for i in range(LONG_LIST + 1)]
    text = render_markdown(diff_of([], new), "nothing", "v1.0.0")
    assert f"<details><summary>{LONG_LIST + 1} new questions</summary>" in text
    assert "- Question 0? · 1 Basic" in text and text.count("\n- Question") == LONG_LIST + 1


# --- version bump --------------------------------------------------------------------------------


def test_suggested_bump_follows_the_semver_rules():
    base = [note(), note("g2")]
    assert suggest_bump(diff_of(base, base))[0] is Bump.NONE
    assert suggest_bump(diff_of(base, [note(Answer="<p>x</p>"), note("g2")]))[0] is Bump.PATCH
    assert suggest_bump(diff_of(base, [*base, note("g3")]))[0] is Bump.MINOR
    assert suggest_bump(diff_of(base, [note(), note("g3")]))[0] is Bump.MAJOR  # one removed, one new
    renamed = NoteType(1, "ML Interview Question (mldeck)", (*FIELDS, "Extra"), 0, NOTE_TYPE.templates, "")
    bump, why = suggest_bump(diff_of(base, base, renamed))
    assert bump is Bump.MAJOR and "fields" in why


@pytest.mark.parametrize(
    ("text", "parsed"),
    [("1.2.3", (1, 2, 3)), ("v0.10.0", (0, 10, 0)), ("1.2", None), ("01.2.3", None), ("1.2.3-rc1", None), ("", None)],
)
def test_parse_version(text, parsed):
    assert parse_version(text) == parsed


def test_next_version_and_bump_of():
    assert next_version((1, 2, 3), Bump.MAJOR) == "2.0.0"
    assert next_version((1, 2, 3), Bump.MINOR) == "1.3.0"
    assert next_version((1, 2, 3), Bump.PATCH) == "1.2.4"
    assert bump_of((1, 2, 3), (2, 0, 0)) is Bump.MAJOR
    assert bump_of((1, 2, 3), (1, 3, 0)) is Bump.MINOR
    assert bump_of((1, 2, 3), (1, 2, 4)) is Bump.PATCH
