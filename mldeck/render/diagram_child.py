"""The child process of sandbox.py: renders diagrams with the real engines, one JSON request a
line on stdin, one JSON answer a line on stdout. Every failure, a Rust panic included, becomes
an answer; the parent bounds time and memory."""

from __future__ import annotations

import json
import sys

from . import sandbox
from .diagrams import ENGINES


def _answer(request: dict) -> dict:
    engine = ENGINES.get(str(request.get("language")))
    if engine is None:
        return {"error": f"no renderer for {request.get('language')!r}"}
    try:
        svg = engine.render(str(request["source"]), str(request["theme"]))
    except ValueError as exc:
        return {"error": str(exc)}
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as exc:  # noqa: BLE001 - a Rust panic arrives as a BaseException
        return {"error": f"the renderer failed: {str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__}"}
    if len(svg.encode("utf-8")) > sandbox.MAX_SVG_BYTES:
        return {"error": f"the picture would be larger than {sandbox.MAX_SVG_BYTES >> 20} MiB: draw fewer marks"}
    return {"svg": svg}


def serve() -> None:
    """The child: one JSON request a line on stdin, one JSON answer a line on stdout."""
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        out.write(json.dumps(_answer(json.loads(line))).encode() + b"\n")
        out.flush()


if __name__ == "__main__":
    serve()
