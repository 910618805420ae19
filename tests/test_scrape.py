"""Scrapers: counts, exact question texts, clean answers, sections and error paths."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mldeck.errors import DeckError
from mldeck.scrape.blocks import parse_blocks
from mldeck.scrape.sites import scrape_snapshot, scrape_text
from mldeck.sources import load_sources
from tests.helpers import ROOT

SOURCES = {name: s for name, s in load_sources(ROOT / "sources").items() if not s.original}


@pytest.fixture(scope="module")
def scraped():
    return {name: scrape_snapshot(src) for name, src in SOURCES.items()}


def oracle_questions(name: str) -> list[str]:
    """Question texts read from the raw snapshot with nothing but a regex (an independent check)."""
    text = (ROOT / "sources" / name / "snapshot.txt").read_text(encoding="utf-8")
    if name == "alldus":
        general = text.split("General/Competency Questions.")[1].split("Commonly Asked Technical Questions")[0]
        technical = text.split("Commonly Asked Technical Questions")[1].split("Despite its length")[0]
        found = re.findall(r"^\d+\. (.+)$", general, re.M) + re.findall(r"^  \d+\. (.+)$", technical, re.M)
    elif name == "upwork":
        body = text.split("Evaluating machine learning engineer interview answers")[0]
        found = re.findall(r"^\d+\. (.+)$", body, re.M)
    else:
        body = text.split("Common machine learning interview questions and answers")[1].split("In conclusion")[0]
        found = re.findall(r"^\d+\. (.+)$", body, re.M)
    return [re.sub(r"\s+", " ", q.replace("\u00a0", " ")).strip() for q in found]


def test_counts(scraped):
    assert {k: len(v) for k, v in scraped.items()} == {"upwork": 38, "alldus": 30, "epam": 42}
    assert sum(len(v) for v in scraped.values()) == 110


@pytest.mark.parametrize("name", ["upwork", "alldus", "epam"])
def test_question_texts_match_the_article(scraped, name):
    assert [q.question for q in scraped[name]] == oracle_questions(name)


def test_exact_question_texts_spot_checks(scraped):
    up, al, ep = scraped["upwork"], scraped["alldus"], scraped["epam"]
    assert up[0].question == "Explain supervised versus unsupervised learning"
    assert up[7].question == "What’s the difference between batch gradient descent and stochastic gradient descent?"
    assert up[37].question == "How do you handle situations where the model’s performance starts to degrade over time?"
    assert al[0].question == "In layman’s terms, explain what Machine Learning is?"
    assert al[1].question == (
        "Have you read any interesting papers on Machine Learning recently?/"
        "What developments in the field do you find exciting?"
    )
    assert al[26].question == "What is the difference between Numpty and Pandas?"  # the article's typo kept
    assert al[29].question == "What is the difference between Gradient Boosting & Random Forest?"
    assert ep[9].question == "Write a Python function to compute the Euclidean distance between two points"
    assert ep[41].question.startswith("What is a capsule network (CapsNet)")


def test_sections_and_numbers(scraped):
    assert [(q.section, q.number) for q in scraped["alldus"][:6]] == [("general", i) for i in range(1, 6)] + [
        ("technical", 1)
    ]
    assert {q.section for q in scraped["epam"][:33]} == {"common"}
    assert {q.section for q in scraped["epam"][33:]} == {"advanced"}
    assert [q.number for q in scraped["epam"]] == list(range(1, 43))
    assert all(q.section is None for q in scraped["upwork"])


def test_missing_answers_are_exactly_the_known_ones(scraped):
    missing = {(q.source, q.section, q.number) for qs in scraped.values() for q in qs if not q.answer}
    expected = {("alldus", "technical", n) for n in range(1, 26)} | {("epam", "common", 10), ("epam", "advanced", 34)}
    assert missing == expected


CHROME = [
    "Table of contents",
    "Download PDF",
    "Latest articles",
    "X Icon",
    "Author Spotlight",
    "Skip To Main Content",
    "written byContent Strategist",
    "find me a job",
    "editorial policy",
    "Read More",
    "related articles",
    "Code sample",
    "interview questions and answers",
    "interview prep",
    "ML coding interview questions",
    "Red flags",
]
LEAD_INS = re.compile(
    r"^(A good answer|Listen for|Look for|A satisfactory|Possible answer|Correct answer|Responses like|"
    r"Qualified ML engineers|An example of|Successful interviewees|Here’s an example|Good response)",
)


def test_answers_are_clean(scraped):
    for qs in scraped.values():
        for q in qs:
            for text in (q.answer, q.context):
                for chrome in CHROME:
                    assert chrome.lower() not in text.lower(), (q.source, q.number, chrome)
                assert "\u00a0" not in text and all("  " not in line for line in text.split("\n"))
            assert not LEAD_INS.match(q.answer), (q.source, q.number, q.answer[:40])


def test_upwork_context_and_answer_are_split(scraped):
    q1 = scraped["upwork"][0]
    assert q1.context.startswith("Machine learning algorithms use supervised or unsupervised learning")
    assert q1.answer == (
        "Supervised learning involves using labeled data to train machine learning algorithms. Unsupervised "
        "learning entails using unlabelled datasets, allowing algorithms to identify hidden patterns without "
        "human assistance."
    )
    q3 = scraped["upwork"][2]  # no colon lead-in: "Responses like X may show …"
    assert q3.answer.startswith("Filling in missing entries with calculated values and removing corrupted entries.")
    assert "may show" not in q3.answer and "Other good answers can include" in q3.answer
    assert all(q.context and q.answer for q in scraped["upwork"])


def test_epam_lists_become_markdown_and_alt_text_is_dropped(scraped):
    ep = {q.number: q for q in scraped["epam"]}
    assert "\n1. **Bagging:** Combines multiple models" in ep[4].answer
    assert "\n3. **Stacking:**" in ep[4].answer
    assert ep[11].answer.endswith("Return the average of the 'k' nearest instances' labels for regression.")
    dropped = [d for q in scraped["epam"] for d in q.dropped]
    assert sum("image alt text" in d for d in dropped) == 6
    assert ep[34].answer == "" and ep[10].answer == ""


def test_alldus_general_advice_is_the_answer(scraped):
    al = scraped["alldus"]
    assert al[1].answer.endswith("- <https://www.jmlr.org/>\n- <https://www.nature.com/subjects/machine-learning>")
    assert al[4].answer.startswith("The competency-based question is a fixture of interviews")
    assert al[4].answer.endswith("from which you can build an answer.")


def _variant(text: str) -> str:
    """CRLF line ends, extra blank lines, trailing blanks and NBSPs: the same article."""
    out = []
    for line in text.split("\n"):
        out.append(line.replace(" ", "\u00a0", 1) + "   " if line.strip() else line)
        out.append("")
    return "\r\n".join(out)


@pytest.mark.parametrize("name", ["upwork", "alldus", "epam"])
def test_whitespace_variants_give_the_same_questions(scraped, name):
    src = SOURCES[name]
    text = src.snapshot.read_text(encoding="utf-8")
    again = scrape_text(src, "\ufeff" + _variant(text))

    def content(qs):
        return [(q.number, q.section, q.question, q.answer, q.context) for q in qs]

    assert content(again) == content(scraped[name])


def _break(name: str, old: str, new: str, count: int = 1) -> str:
    text = SOURCES[name].snapshot.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, count)


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        ("epam", "\n12. Describe the main", "\n11. Describe the main", "question number 11 is repeated"),
        ("epam", "\n12. Describe the main", "\nDescribe the main", "question 12 missing"),
        ("upwork", "\n38. How do you handle", "\nHow do you handle", "found 37 questions, expected 38"),
        ("alldus", "  7. What is Object", "  8. What is Object", "out of order"),
        ("epam", "Advanced machine learning interview questions and answers\n", "Advanced stuff\n", "expected a line"),
        ("upwork", "A good answer could be: Supervised", "Supervised", "no model-answer lead-in"),
    ],
)
def test_broken_snapshots_fail_with_file_and_line(name, old, new, message):
    text = _break(name, old, new)
    with pytest.raises(DeckError) as err:
        scrape_text(SOURCES[name], text)
    msg = str(err.value)
    assert message in msg
    assert re.search(rf"sources/{name}/snapshot\.txt:\d+: error: ", msg)


def test_repeated_number_names_the_line():
    text = _break("epam", "\n12. Describe the main", "\n11. Describe the main")
    line = (
        text.split("\n").index("11. Describe the main challenges associated with working with imbalanced datasets") + 1
    )
    with pytest.raises(DeckError) as err:
        scrape_text(SOURCES["epam"], text)
    assert err.value.problems[0].line == line


def test_blocks_kinds():
    blocks = parse_blocks(
        "Title line\n\n1. A question?\n\nA paragraph.\n  1. Item: one\n• bullet\nhttps://x.org/\n"
        "K-means clustering in ML coding interview questions\n```python\nx = 1\n```\n"
    )
    assert [b.kind for b in blocks] == ["heading", "numbered", "paragraph", "item", "bullet", "url", "caption", "code"]
    assert blocks[1].number == 1 and blocks[1].line == 3
    assert blocks[-1].text == "```python\nx = 1\n```"


def test_mojibake_is_repaired():
    from mldeck.textnorm import normalize_line

    assert normalize_line("itâ€™s a\u00a0test ") == "it’s a test"
    assert normalize_line("“quoted” — dash") == "“quoted” — dash"


def test_unknown_source_metadata(tmp_path: Path):
    from mldeck.sources import load_source

    (tmp_path / "nosuch").mkdir()
    with pytest.raises(DeckError, match="missing source metadata"):
        load_source(tmp_path / "nosuch")
