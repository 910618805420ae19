"""Run the entry point with the project's dependencies, or say in one line how to get them.

`python build_deck.py …` (or `python -m mldeck …`) started by a Python that lacks the
dependencies (a system Python, a fresh clone) re-runs itself with `.venv`'s Python when that
exists, and otherwise prints one line naming the command that sets it up, instead of a
traceback. Standard library only: this runs before the dependencies are known to be there.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent  # the folder that holds the mldeck package
# A few of the build's dependencies: if one is missing, the install is incomplete.
REQUIRED = ("markdown", "pymdownx", "genanki", "nh3", "yaml", "pygments")
RERUN_FLAG = "MLDECK_REEXEC"  # set on the re-run, so a broken .venv cannot loop
SETUP_POSIX = "make deck"
SETUP_WINDOWS = (
    r"py -m venv .venv && .venv\Scripts\python -m pip install --require-hashes -r requirements\deck.txt"
    r" && .venv\Scripts\python -m pip install --no-deps -e ."
)


@dataclass(frozen=True)
class Plan:
    """What to do: run here (`command` and `message` empty), re-run with `command`, or stop with `message`."""

    command: tuple[str, ...] = ()
    message: str = ""


def venv_python(checkout: Path, os_name: str = os.name) -> Path:
    """Where a venv made with `python -m venv .venv` keeps its Python."""
    if os_name == "nt":
        return checkout / ".venv" / "Scripts" / "python.exe"
    return checkout / ".venv" / "bin" / "python"


def missing_module(names: tuple[str, ...] = REQUIRED) -> str | None:
    """The first of `names` this Python cannot import, or None."""
    for name in names:
        if importlib.util.find_spec(name) is None:
            return name
    return None


def _setup_hint(os_name: str) -> str:
    return SETUP_WINDOWS if os_name == "nt" else SETUP_POSIX


def plan(
    argv: list[str],
    launch: list[str],
    missing: str | None,
    checkout: Path = CHECKOUT,
    os_name: str = os.name,
    rerun: bool = False,
    running: Path | None = None,
) -> Plan:
    """Decide how to run. `launch` is how this process was started (script path or `-m mldeck`),
    `missing` the dependency this Python lacks, `running` this Python's prefix (sys.prefix)."""
    if missing is None or argv == ["--version"]:
        return Plan()
    venv = checkout / ".venv"
    python = venv_python(checkout, os_name)
    hint = _setup_hint(os_name)
    if not venv.exists():
        return Plan(message=f"error: no module named {missing!r}: set up .venv once with `{hint}`, then run this again")
    if not python.exists():
        return Plan(message=f"error: {venv} is broken (no {python.relative_to(checkout)}): "
                            f"run `make distclean` (or delete .venv), then `{hint}`")  # fmt: skip
    inside = running is not None and running.resolve() == venv.resolve()
    if rerun or inside:
        return Plan(message=f"error: .venv lacks the dependencies (no module named {missing!r}): run `{hint}`; if "
                            "pip itself is missing, install python3-venv and run `make distclean` first")  # fmt: skip
    return Plan(command=(str(python), *launch, *argv))


def ensure_dependencies(argv: list[str], launch: list[str]) -> None:
    """Return when this Python can run the command; otherwise re-run it in .venv or exit 2 with one line."""
    step = plan(argv, launch, missing_module(), rerun=bool(os.environ.get(RERUN_FLAG)), running=Path(sys.prefix))
    if step.message:
        print(step.message, file=sys.stderr)
        raise SystemExit(2)
    if not step.command:
        return
    env = dict(os.environ, **{RERUN_FLAG: "1"})
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "nt":  # Windows has no exec that keeps the console: run it and pass on its exit code
        raise SystemExit(subprocess.call(list(step.command), env=env))
    os.execve(step.command[0], list(step.command), env)
