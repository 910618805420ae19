"""Findings -> lines of output and an exit status. Pure: no printing here."""

from __future__ import annotations

from pathlib import Path

from ..errors import Problem


def relative(problem: Problem, root: Path) -> Problem:
    """The problem with its path relative to `root` (as the pull request's diff shows it)."""
    path = Path(problem.path)
    if path.is_absolute() and path.is_relative_to(root):
        path = path.relative_to(root)
    message = problem.message.replace(f"{root.as_posix()}/", "")  # "also used by cards/…"
    return Problem(path.as_posix(), problem.line, message, problem.level)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(problem: Problem) -> str:
    """A GitHub Actions workflow command: the runner shows it on that line of the PR's diff."""
    return (
        f"::{problem.level} file={_escape_property(str(problem.path))},line={problem.line},"
        f"title={_escape_property('mldeck lint')}::{_escape_data(problem.message)}"
    )


def format_problems(problems: list[Problem], fmt: str) -> list[str]:
    if fmt == "github":
        return [github_line(p) for p in problems]
    return [str(p) for p in problems]


def summary(problems: list[Problem], files: int) -> str:
    errors = sum(p.level == "error" for p in problems)
    warnings = len(problems) - errors
    return f"{files} card files: {errors} error(s), {warnings} warning(s)"


def exit_status(problems: list[Problem], strict: bool) -> int:
    """1 when there are errors (or, with --strict, warnings); else 0."""
    if any(p.level == "error" for p in problems):
        return 1
    return 1 if strict and problems else 0
