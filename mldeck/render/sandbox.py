"""Diagram engines in a child process, bounded in time and memory.

mermaid-render (QuickJS) and vl-convert (Deno/V8) run a card's diagram source in embedded
JavaScript engines. A hostile spec can make them loop (a regex in a Vega expression), exhaust
memory (a sequence of a million points: V8 aborts the whole process) or panic (Rust). In a
child process each of these becomes a message about the diagram, not a dead or stuck build:

- time: no answer within `TIMEOUT` seconds -> the child is killed, the diagram is refused;
- memory: the child's data limit (`RLIMIT_DATA`, which counts what V8 and QuickJS actually
  allocate; V8 reserves tens of GiB of address space up front, so an `RLIMIT_AS` low enough
  to matter would stop it starting) -> the child dies, the diagram is refused;
- output: an SVG over `MAX_SVG_BYTES` is refused in the child.

One child (diagram_child.py) serves a whole build, a JSON request and answer a line, and is started
again after a failure.
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
import threading

TIMEOUT = 30.0  # seconds per diagram, start-up of the engines included
MEMORY = 1 << 30  # bytes of data the child may allocate
MAX_SVG_BYTES = 2 << 20


def _limit_memory() -> None:  # runs in the child before exec (POSIX only: Windows has no rlimits)
    import resource

    resource.setrlimit(resource.RLIMIT_DATA, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _read_line(stream, timeout: float) -> tuple[bool, bytes]:
    """(ready, line): one line from `stream` within `timeout` seconds, on every OS (a thread, as
    select() does not take pipes on Windows). Not ready: the caller kills the child, which ends
    the read."""
    out: list[bytes] = []
    reader = threading.Thread(target=lambda: out.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return (not reader.is_alive(), out[0] if out else b"")


class Sandbox:
    """`render(language, source, theme) -> SVG text`; ValueError with a message for any failure."""

    def __init__(self, timeout: float | None = None):
        self.timeout = timeout
        self.proc: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHONSTARTUP")}
        return subprocess.Popen(
            [sys.executable, "-m", "mldeck.render.diagram_child"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            preexec_fn=_limit_memory if os.name == "posix" else None,  # noqa: PLW1509 - no reader thread outlives its child
            env=env,
        )

    def render(self, language: str, source: str, theme: str) -> str:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = self._start()
        proc = self.proc
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(json.dumps({"language": language, "source": source, "theme": theme}).encode() + b"\n")
            proc.stdin.flush()
        except OSError:
            self.close()
            raise ValueError(f"the {language} renderer could not be started") from None
        timeout = self.timeout if self.timeout is not None else TIMEOUT
        ready, line = _read_line(proc.stdout, timeout)
        if not line:
            crashed = bool(ready)
            self.close()
            if crashed:
                raise ValueError(f"the {language} renderer crashed on this diagram (out of memory, or an internal "
                                 "error): make it smaller or simpler")  # fmt: skip
            raise ValueError(f"the {language} renderer took more than {timeout:g} s: make the diagram simpler")
        reply = json.loads(line)
        if "error" in reply:
            raise ValueError(str(reply["error"]))
        return str(reply["svg"])

    def close(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            for stream in (self.proc.stdin, self.proc.stdout):
                if stream is not None:
                    stream.close()
            self.proc = None


_SHARED: Sandbox | None = None


def shared() -> Sandbox:
    """The process's one sandbox (a child is started on first use, ended at exit)."""
    global _SHARED
    if _SHARED is None:
        _SHARED = Sandbox()
        atexit.register(_SHARED.close)
    return _SHARED
