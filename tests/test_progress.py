"""The progress line shows on a terminal for slow builds and stays silent in CI and pipes."""

from __future__ import annotations

import io
import sys

from mldeck.render.progress import Progress


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _run(monkeypatch, *, tty: bool, ci: bool, quiet: bool) -> str:
    stream = _Tty() if tty else io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    if ci:
        monkeypatch.setenv("CI", "true")
    else:
        monkeypatch.delenv("CI", raising=False)
    p = Progress(3, quiet=quiet, delay=0.0)
    for label in ("a-1", "a-2", "a-3"):
        p.step(label)
    p.done()
    return stream.getvalue()


def test_shown_on_a_terminal(monkeypatch):
    out = _run(monkeypatch, tty=True, ci=False, quiet=False)
    assert "rendering 3/3 a-3" in out and out.endswith("\r")


def test_silent_in_ci_in_pipes_and_with_quiet(monkeypatch):
    assert _run(monkeypatch, tty=True, ci=True, quiet=False) == ""
    assert _run(monkeypatch, tty=False, ci=False, quiet=False) == ""
    assert _run(monkeypatch, tty=True, ci=False, quiet=True) == ""
