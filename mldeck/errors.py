"""Errors that point at a place in a file. The CLI turns them into `path:line: message`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class Problem:
    """One finding about one place in one file."""

    path: Path | str
    line: int
    message: str
    level: str = "error"

    def __str__(self) -> str:
        if not str(self.path):  # not about a file: a usage problem
            return f"{self.level}: {self.message}"
        return f"{self.path}:{self.line}: {self.level}: {self.message}"


class DeckError(Exception):
    """A user-facing failure: one or more problems with the input."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__("\n".join(str(p) for p in self.problems))


def fail(path: Path | str, line: int, message: str) -> DeckError:
    """Shorthand: `raise fail(path, line, "what is wrong")`."""
    return DeckError(Problem(path, line, message))
