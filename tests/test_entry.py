"""The everyday entry points: --version, `python -m mldeck`, the re-run in .venv, `make help`,
`make clean`/`distclean` and a broken .venv named with its one-line fix. No POSIX-only code."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mldeck import __version__
from mldeck.bootstrap import REQUIRED, RERUN_FLAG, Plan, plan, venv_python
from mldeck.cli import main

from .helpers import ROOT

BASE_PYTHON = Path(getattr(sys, "_base_executable", sys.executable))
MAKE = shutil.which("make")


def _run(cmd: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != RERUN_FLAG} | env
    return subprocess.run(cmd, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=120, check=False)


def _code_copy(dst: Path) -> Path:
    """build_deck.py and the mldeck package, without .venv: a fresh clone's code."""
    dst.mkdir(parents=True)
    shutil.copy(ROOT / "build_deck.py", dst / "build_deck.py")
    shutil.copytree(ROOT / "mldeck", dst / "mldeck", ignore=shutil.ignore_patterns("__pycache__"))
    return dst


# --- the version, in one place ---------------------------------------------------------------------


def test_version_is_written_once_and_read_by_pyproject():
    tomllib = pytest.importorskip("tomllib")
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"], "pyproject.toml must not repeat the version"
    assert pyproject["project"]["dynamic"] == ["version"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "mldeck.__version__"}
    found = re.findall(r'(?m)^__version__ = "([^"]+)"$', (ROOT / "mldeck" / "__init__.py").read_text("utf-8"))
    assert found == [__version__] and re.fullmatch(r"\d+\.\d+\.\d+", __version__)


def test_version_flag(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"build_deck.py {__version__}\n"


def test_python_dash_m_mldeck_runs_the_same_commands():
    proc = _run([sys.executable, "-m", "mldeck", "--version"], ROOT)
    assert proc.returncode == 0 and proc.stdout == f"python -m mldeck {__version__}\n"
    proc = _run([sys.executable, "-m", "mldeck", "--help"], ROOT)
    commands = "{scrape,fetch,build,lint,preview,diff,dups,release,readme,new,ledger}"
    assert proc.returncode == 0 and commands in proc.stdout


# --- outside the venv --------------------------------------------------------------------------------


def test_plan_runs_here_when_nothing_is_missing(tmp_path: Path):
    assert plan(["build"], ["build_deck.py"], None, tmp_path) == Plan()
    assert plan(["--version"], ["build_deck.py"], "markdown", tmp_path) == Plan()  # needs no dependency


def test_plan_without_a_venv_says_what_to_run(tmp_path: Path):
    step = plan(["--help"], ["build_deck.py"], "markdown", tmp_path, os_name="posix")
    assert not step.command and "\n" not in step.message
    assert "no module named 'markdown'" in step.message and "`make deck`" in step.message
    windows = plan(["--help"], ["build_deck.py"], "markdown", tmp_path, os_name="nt")
    assert r"py -m venv .venv && .venv\Scripts\python -m pip install --require-hashes -r requirements\deck.txt" in (
        windows.message
    )


def test_plan_reruns_with_the_venvs_python(tmp_path: Path):
    for os_name, python in (("posix", ".venv/bin/python"), ("nt", ".venv/Scripts/python.exe")):
        assert venv_python(tmp_path, os_name) == tmp_path / python
        (tmp_path / python).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / python).write_text("", encoding="utf-8")
        step = plan(["lint", "--quiet"], ["-m", "mldeck"], "nh3", tmp_path, os_name=os_name, running=Path("/usr"))
        assert step == Plan(command=(str(tmp_path / python), "-m", "mldeck", "lint", "--quiet"))


def test_plan_names_a_broken_venv_instead_of_looping(tmp_path: Path):
    (tmp_path / ".venv").mkdir()
    broken = plan(["build"], ["build_deck.py"], "markdown", tmp_path, os_name="posix")
    assert not broken.command and "is broken" in broken.message and "make distclean" in broken.message
    (tmp_path / ".venv" / "bin").mkdir()
    (tmp_path / ".venv" / "bin" / "python").write_text("", encoding="utf-8")
    for step in (
        plan(["build"], ["build_deck.py"], "markdown", tmp_path, os_name="posix", rerun=True),
        plan(["build"], ["build_deck.py"], "markdown", tmp_path, os_name="posix", running=tmp_path / ".venv"),
    ):
        assert not step.command and "lacks the dependencies" in step.message and "python3-venv" in step.message


def test_outside_any_venv_a_fresh_clone_prints_one_line(tmp_path: Path):
    code = _code_copy(tmp_path / "clone")
    for argv in (["--help"], ["build"]):
        proc = _run([str(BASE_PYTHON), "-S", "build_deck.py", *argv], code)  # -S: no site-packages at all
        assert proc.returncode == 2, proc.stderr
        assert proc.stdout == "" and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
        assert "set up .venv once with `make deck`" in proc.stderr
    proc = _run([str(BASE_PYTHON), "-S", "build_deck.py", "--version"], code)
    assert proc.returncode == 0 and proc.stdout == f"build_deck.py {__version__}\n"


@pytest.mark.skipif(not venv_python(ROOT).exists(), reason="this checkout has no .venv")
def test_outside_the_venv_the_entry_point_reruns_itself_inside(tmp_path: Path):
    for cmd in (["build_deck.py", "--help"], ["-m", "mldeck", "--help"]):
        proc = _run([str(BASE_PYTHON), "-S", *cmd], ROOT)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.startswith("usage: ") and "preview" in proc.stdout


# --- the Makefile ------------------------------------------------------------------------------------

needs_make = pytest.mark.skipif(MAKE is None or os.name == "nt", reason="the Makefile is for make and a POSIX shell")


def _makefile_targets() -> tuple[set[str], dict[str, str]]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    phony = {t for line in re.findall(r"(?m)^\.PHONY:(.*)$", text) for t in line.split()}
    documented = dict(re.findall(r"(?m)^([a-z][a-z-]*):[^#\n]*##\s*(.+)$", text))
    return phony, documented


@needs_make
def test_make_help_lists_every_command_from_its_comment():
    phony, documented = _makefile_targets()
    assert phony == set(documented), f"commands without a `##` comment: {sorted(phony - set(documented))}"
    for target in ("deck", "test", "format", "clean", "distclean", "release", "readme", "help"):
        assert target in documented
    proc = _run([MAKE, "--no-print-directory", "-C", str(ROOT), "help"], ROOT)
    assert proc.returncode == 0
    listed = dict(re.findall(r"(?m)^  ([a-z][a-z-]*)\s+(.+)$", proc.stdout))
    assert listed == {t: d.strip() for t, d in documented.items()}
    plain = _run([MAKE, "--no-print-directory", "-C", str(ROOT)], ROOT)
    assert plain.stdout == proc.stdout  # `make` alone shows the list


def _make_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    for name in ("Makefile", "pyproject.toml", "requirements/deck.txt", "requirements/dev.txt"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, folder / name)
    return folder


@needs_make
def test_clean_keeps_the_venv_and_distclean_removes_it(tmp_path: Path):
    folder = _make_copy(tmp_path)
    for d in ("build/cache", "dist", ".venv/bin", "tools/mathjax/node_modules/mathjax"):
        (folder / d).mkdir(parents=True)
    assert _run([MAKE, "-C", str(folder), "clean"], folder).returncode == 0
    assert not (folder / "build").exists() and not (folder / "dist").exists() and (folder / ".venv").is_dir()
    assert _run([MAKE, "-C", str(folder), "distclean"], folder).returncode == 0
    assert not (folder / ".venv").exists() and not (folder / "tools/mathjax/node_modules").exists()
    assert (folder / "Makefile").is_file()


@needs_make
def test_a_venv_without_pip_is_named_with_its_fix(tmp_path: Path):
    folder = _make_copy(tmp_path)
    subprocess.run([str(BASE_PYTHON), "-m", "venv", "--without-pip", str(folder / ".venv")], check=True)
    proc = _run([MAKE, "-C", str(folder), "deck"], folder)
    assert proc.returncode != 0
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: .venv has no pip (made without python3-venv?): "
        "install python3-venv, run 'make distclean', then make again"
    ]
    assert "No module named pip" not in proc.stderr


@needs_make
def test_a_venv_that_could_not_be_made_is_removed(tmp_path: Path):
    """Debian without python3-venv: `python3 -m venv` leaves a python without pip and exits 1."""
    folder = _make_copy(tmp_path)
    fake = tmp_path / "python-without-ensurepip"
    fake.write_text(
        '#!/bin/sh\nmkdir -p "$3/bin" && cp /bin/true "$3/bin/python"\necho "ensurepip is not available" >&2\nexit 1\n'
    )
    fake.chmod(0o755)
    proc = _run([MAKE, "-C", str(folder), "deck", f"PYTHON={fake}"], folder)
    assert proc.returncode != 0 and not (folder / ".venv").exists()
    assert "error: '" + str(fake) + " -m venv' failed: install python3-venv" in proc.stderr


# --- no POSIX-only code ------------------------------------------------------------------------------

POSIX_ONLY_MODULES = {"fcntl", "termios", "pwd", "grp", "resource", "pty", "tty"}
# Imports that only run on POSIX: the file must say so where it calls them (`os.name == "posix"`).
GUARDED = {("sandbox.py", "resource")}
POSIX_ONLY_TEXT = re.compile(r"""["'](?:/tmp\b|/dev/|/usr/|/bin/)|bin/python|os\.(?:system|getuid|geteuid|fork)\(""")


def test_the_code_has_no_posix_only_paths_or_calls():
    problems = []
    for path in sorted((ROOT / "mldeck").rglob("*.py")) + [ROOT / "build_deck.py"]:
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            guarded = {n for f, n in GUARDED if f == path.name and 'os.name == "posix"' in text}
            problems += [
                f"{path.name}:{node.lineno}: imports {n}"
                for n in names
                if n.split(".")[0] in POSIX_ONLY_MODULES - guarded
            ]
        for number, line in enumerate(text.splitlines(), 1):
            if POSIX_ONLY_TEXT.search(line):
                problems.append(f"{path.name}:{number}: {line.strip()}")
    assert problems == []


def test_required_modules_are_installed_here():
    from mldeck.bootstrap import missing_module

    assert missing_module() is None
    assert missing_module(("surely_not_a_module_xyzzy", *REQUIRED)) == "surely_not_a_module_xyzzy"
