"""Shared test helpers: a temporary copy of the project to run the pipeline in, and the command
line run on it in this process (`run_cli`) or as a new one (`run_script`)."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import BinaryIO

ROOT = Path(__file__).resolve().parent.parent


def copy_project(dst: Path, with_cards: bool = False) -> Path:
    """Copy sources/ (and optionally cards/ and media/) into `dst`; return `dst`."""
    shutil.copytree(ROOT / "sources", dst / "sources")
    if with_cards:
        shutil.copytree(ROOT / "cards", dst / "cards")
    else:
        (dst / "cards").mkdir()
    if (ROOT / "media").is_dir():
        shutil.copytree(ROOT / "media", dst / "media")
    else:
        (dst / "media").mkdir()
    return dst


def snapshot_tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


FIXTURE = Path(__file__).resolve().parent / "fixtures" / "project"


def copy_fixture(dst: Path) -> Path:
    """Copy the fixed test corpus (tests/fixtures/project: sources, 14 cards, media) into `dst`."""
    shutil.copytree(FIXTURE, dst, ignore=shutil.ignore_patterns("build", "dist", "README.md"))
    return dst


def run_cli(
    root: Path, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """`python build_deck.py --root ROOT ARGS` in this process: the same exit code, stdout and
    stderr (captured at the file descriptors, so a child's output is included; encoded as a
    UTF-8 pipe would be), `env` set and `cwd` (default ROOT) entered for the call only.

    An exception the command does not turn into a message propagates and fails the test (the
    child would have printed a traceback). About 0.4 s a call cheaper than a subprocess, which
    re-imports the whole stack; `run_script` is the real entry point, for the tests that prove it.
    """
    from mldeck.cli import main

    cmd = [sys.executable, str(ROOT / "build_deck.py"), "--root", str(root), *args]
    with ExitStack() as stack:
        out, err = (stack.enter_context(tempfile.TemporaryFile()) for _ in range(2))
        stack.enter_context(_environment(env or {}))
        stack.enter_context(_chdir(cwd or root))
        stack.enter_context(deadline(timeout, lambda: subprocess.TimeoutExpired(cmd, timeout)))  # as subprocess.run
        with _redirected(out, err):
            try:
                code = main(["--root", str(root), *args])
            except SystemExit as exc:  # argparse: --help, --version, a usage error
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        texts = []
        for f in (out, err):
            f.seek(0)
            texts.append(f.read().decode("utf-8"))  # strict, as subprocess.run(text=True) decodes
    return subprocess.CompletedProcess(cmd, code, texts[0], texts[1])


def run_script(
    root: Path, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """`python build_deck.py --root ROOT ARGS` in a new process: the real entry point."""
    return subprocess.run(
        [sys.executable, str(ROOT / "build_deck.py"), "--root", str(root), *args],
        capture_output=True, text=True, timeout=timeout, cwd=cwd or root, env={**os.environ, **(env or {})},
    )  # fmt: skip


@contextmanager
def _environment(changes: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in changes}
    os.environ.update(changes)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextmanager
def _chdir(folder: Path) -> Iterator[None]:  # contextlib.chdir, which needs Python 3.11
    saved = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(saved)


@contextmanager
def deadline(seconds: float, expired: Callable[[], BaseException] | None = None) -> Iterator[None]:
    """Fail instead of hanging: `expired()` is raised after `seconds` (TimeoutError unless given),
    by SIGALRM, which interrupts Python code and blocking reads (main thread only; elsewhere, or
    without setitimer, no limit)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(_signum, _frame):
        raise expired() if expired is not None else TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _redirected(out: BinaryIO, err: BinaryIO) -> Iterator[None]:
    """fds 1 and 2 and sys.stdout/sys.stderr into `out` and `err`, encoded as a child writing to a
    pipe would: UTF-8, stdout with this interpreter's handler (the same locale decides it for the
    child: surrogateescape under C.UTF-8), stderr with backslashreplace."""
    streams = (sys.stdout, sys.stderr)
    for s in streams:
        s.flush()
    saved = (os.dup(1), os.dup(2))
    wrappers = [
        io.TextIOWrapper(
            open(os.dup(f.fileno()), "wb", buffering=0), encoding="utf-8", errors=errors, write_through=True
        )
        for f, errors in ((out, sys.__stdout__.errors if sys.__stdout__ else "strict"), (err, "backslashreplace"))
    ]
    os.dup2(out.fileno(), 1)
    os.dup2(err.fileno(), 2)
    sys.stdout, sys.stderr = wrappers
    try:
        yield
    finally:
        for w in wrappers:
            w.flush()
        sys.stdout, sys.stderr = streams
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in saved:
            os.close(fd)
        for w in wrappers:
            w.close()
