"""Card files: round trip, and a precise `file:line` error for every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from mldeck.entries import Entry, format_entry, parse_entry, read_entries, read_entry
from mldeck.errors import DeckError

GOOD = """---
id: epam-006
source: epam
ref: 6
section: common
difficulty: basic
topics: [clustering]   # a comment
answer_origin: source
---

# Explain k-means clustering and its applications

K-means partitions data into $k$ clusters.

```python
# a heading-like line inside code is not a section
## nor is this
x = 1
```

## Editor's note

Use k-means++.

## Context

Why they ask.
"""


def write(tmp_path: Path, text: str, name: str = "006-k-means.md", source: str = "epam") -> Path:
    folder = tmp_path / "cards" / source
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_parse_good_card(tmp_path: Path):
    card = read_entry(write(tmp_path, GOOD))
    assert card.id == "epam-006" and card.topics == ("clustering",) and card.section == "common"
    assert card.question == "Explain k-means clustering and its applications"
    assert card.answer.startswith("K-means partitions") and "## nor is this" in card.answer
    assert card.text("editor_note") == "Use k-means++." and card.text("context") == "Why they ask."
    assert card.line_of("difficulty") == 6 and card.line_of("question") == 11


def test_format_then_parse_round_trips(tmp_path: Path):
    card = read_entry(write(tmp_path, GOOD))
    again = parse_entry(format_entry(card), Path("x.md"))
    assert again == card
    assert format_entry(again) == format_entry(card)


def test_crlf_and_bom_are_accepted(tmp_path: Path):
    path = tmp_path / "c.md"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode())
    assert read_entry(path).id == "epam-006"


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("difficulty: basic", "difficulty: easy", 6, "unknown difficulty 'easy'"),
        ("topics: [clustering]", "topics: [clusters]", 7, "unknown topic 'clusters'"),
        ("answer_origin: source", "answer_origin: article", 8, "unknown answer_origin"),
        ("id: epam-006\n", "", 1, "missing 'id'"),
        ("id: epam-006", "id: Epam 6", 2, "must look like"),
        ("section: common", "section: common\nsection: advanced", 6, "given twice"),
        ("ref: 6", "ref 6", 4, "expected 'key: value'"),
        ("ref: 6", "reference: 6", 4, "unknown key 'reference'"),
        ("ref: 6", "ref: &a 6", 4, "anchors, aliases, tags"),
        ("ref: 6", "ref: !!python/object:os.system 6", 4, "anchors, aliases, tags"),
        ("topics: [clustering]", "topics: [clustering", 7, "unterminated list"),
        ("topics: [clustering]", "topics: clustering", 7, "topics must be a list"),
        ("## Context", "## Contexts", 25, "unknown section '## Contexts'"),
        ("# Explain k-means", "Explain k-means", 11, "expected the question"),
        ("## Context\n\nWhy they ask.", "# Another question", 25, "one question per card file"),
        ("```\n\n## Editor", "\n## Editor", 15, "unterminated code fence"),
    ],
)
def test_bad_cards_name_the_line(tmp_path: Path, old: str, new: str, line: int, message: str):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(DeckError) as err:
        read_entry(path)
    problem = err.value.problems[0]
    assert message in problem.message
    assert problem.line == line, str(err.value)
    assert str(problem).startswith(f"{path}:{line}: error: ")


def test_front_matter_must_be_closed(tmp_path: Path):
    with pytest.raises(DeckError, match="not closed"):
        read_entry(write(tmp_path, "---\nid: epam-001\n"))


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "empty"), (b"\x00\x01\x02binary", "binary"), (b"---\nid: \xff\xfe\n---\n", "not UTF-8")],
)
def test_unreadable_files(tmp_path: Path, data: bytes, message: str):
    path = tmp_path / "c.md"
    path.write_bytes(data)
    with pytest.raises(DeckError, match=message):
        read_entry(path)


def test_missing_answer_origin_must_not_have_an_answer(tmp_path: Path):
    with pytest.raises(DeckError, match="'missing' but the card has an answer"):
        read_entry(write(tmp_path, GOOD.replace("answer_origin: source", "answer_origin: missing")))


def test_duplicate_ids_are_reported_with_both_places(tmp_path: Path):
    first = write(tmp_path, GOOD)
    second = write(tmp_path, GOOD, name="007-copy.md")
    with pytest.raises(DeckError) as err:
        read_entries(tmp_path / "cards")
    msg = str(err.value)
    assert f"{second}:2: error: duplicate id 'epam-006': also used by {first}:2" in msg


def test_ids_that_collide_after_normalisation(tmp_path: Path):
    write(tmp_path, GOOD)
    with pytest.raises(DeckError, match="must look like"):  # upper case is refused outright
        read_entries(write(tmp_path, GOOD.replace("epam-006", "EPAM-006"), name="x.md").parent.parent)


def test_source_must_match_folder(tmp_path: Path):
    write(tmp_path, GOOD, source="upwork")
    with pytest.raises(DeckError, match="source 'epam' but the file is in cards/upwork/"):
        read_entries(tmp_path / "cards")


def test_all_problems_are_collected(tmp_path: Path):
    write(tmp_path, GOOD.replace("difficulty: basic", "difficulty: easy"), name="a.md")
    write(tmp_path, GOOD.replace("epam-006", "epam-007").replace("topics: [clustering]", "topics: [x]"), name="b.md")
    with pytest.raises(DeckError) as err:
        read_entries(tmp_path / "cards")
    assert len(err.value.problems) == 2


def test_card_is_frozen():
    card = Entry("a-1", "a", "1", "basic", ("fundamentals",), "source", {"question": "Q?"})
    with pytest.raises(AttributeError):
        card.id = "b-1"  # type: ignore[misc]
