"""Every ```python block in a card file runs and exits 0: code in answers is tested code.

A ```python test block right after it is appended and run with it: the checks that prove the
code works stay in the card file, and the card shows only the code to remember.
A block whose first line is exactly `# illustrative: not run` is a fragment and is skipped.
Each block runs in its own interpreter (this one, `sys.executable`) in a temporary directory,
from a file named like its card, so a traceback names the card file and its line.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from mldeck import fences
from tests.helpers import ROOT

CARDS = ROOT / "cards"
SKIP_MARKER = "# illustrative: not run"
TIMEOUT_S = 20


@dataclass(frozen=True)
class Snippet:
    path: Path
    line: int  # 1-based line of the opening fence
    code: str
    tests: int = 0  # how many ```python test blocks were appended

    @property
    def id(self) -> str:
        """`epam/010:L14`: the card's folder, the file name up to its first '-', the fence line."""
        return f"{self.path.parent.name}/{self.path.name.split('-', 1)[0]}:L{self.line}"

    @property
    def runnable(self) -> bool:
        first = self.code.split("\n", 1)[0]
        return first.strip() != SKIP_MARKER


def python_blocks(text: str, path: Path) -> list[Snippet]:
    """The ```python blocks of one card file, each with the ```python test blocks that follow it
    appended (a test block checks the code shown before it and is never shown on the card).

    The fences are found by mldeck.fences, the scanner the reader and the renderer use."""
    lines = text.replace("\r\n", "\n").split("\n")
    blocks: list[Snippet] = []
    for f in fences.scan("\n".join(lines)):
        if not f.closed:
            raise ValueError(f"{path}:{f.start + 1}: unterminated code fence")
        if f.lang != "python":
            continue
        if f.test_only and blocks:
            last = blocks[-1]
            # blank lines up to the test fence keep a traceback's line numbers those of the card file
            gap = "\n" * (f.start + 1 - last.line - last.code.count("\n"))
            blocks[-1] = Snippet(last.path, last.line, last.code + gap + f.body + "\n", last.tests + 1)
        elif f.test_only:
            raise ValueError(f"{path}:{f.start + 1}: a ```python test block with no ```python block before it")
        else:
            blocks.append(Snippet(path, f.start + 1, f.body + "\n"))
    return blocks


def all_snippets() -> list[Snippet]:
    return [s for p in sorted(CARDS.glob("*/*.md")) for s in python_blocks(p.read_text(encoding="utf-8"), p)]


SNIPPETS = all_snippets()
RUNNABLE = [s for s in SNIPPETS if s.runnable]


def test_parser_finds_python_blocks_only() -> None:
    text = "# q\n\n```text\n```python\n```\n\n```python\nx = 1\n\nassert x == 1\n```\n\n~~~python\ny = 2\n~~~\n"
    blocks = python_blocks(text, Path("cards/demo/007-x.md"))
    assert [(b.line, b.code) for b in blocks] == [(7, "x = 1\n\nassert x == 1\n"), (13, "y = 2\n")]
    assert blocks[0].id == "demo/007:L7"
    marked = python_blocks(f"```python\n{SKIP_MARKER}\nfoo(\n```\n", Path("cards/demo/008-y.md"))
    assert len(marked) == 1 and not marked[0].runnable


def test_test_blocks_run_with_the_code_before_them() -> None:
    text = "```python\ndef f():\n    return 1\n```\n\nText.\n\n```python test\nassert f() == 1\n```\n"
    [block] = python_blocks(text, Path("cards/demo/009-z.md"))
    assert block.tests == 1 and block.line == 1
    # the script puts the code's first line on card line block.line + 1, so the assert, on card
    # line 9 (after its fence on line 8), keeps its line number in a traceback
    assert block.code.split("\n")[9 - (block.line + 1)] == "assert f() == 1"
    with pytest.raises(ValueError, match="no ```python block before it"):
        python_blocks("```python test\nassert True\n```\n", Path("cards/demo/010-w.md"))


def test_code_cards_have_runnable_blocks() -> None:
    """Guard against a suite that passes by finding nothing."""
    ids = {s.id.split(":")[0] for s in RUNNABLE}
    assert {"epam/010", "epam/034"} <= ids, f"runnable blocks found only in: {sorted(ids)}"


@pytest.mark.parametrize("snippet", RUNNABLE, ids=[s.id for s in RUNNABLE])
def test_snippet_runs(snippet: Snippet, tmp_path: Path) -> None:
    where = f"{snippet.path.relative_to(CARDS.parent)}:{snippet.line}"
    # Blank lines up to the fence make a traceback's line numbers those of the card file.
    script = tmp_path / snippet.path.name
    script.write_text("\n" * snippet.line + snippet.code, encoding="utf-8")
    try:
        result = subprocess.run(
            [sys.executable, str(script)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{where}: the code block did not finish within {TIMEOUT_S} s", pytrace=False)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        pytest.fail(f"{where}: the code block exited {result.returncode}\n{output}", pytrace=False)
