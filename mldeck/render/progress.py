"""A one-line progress display on a terminal; silent in CI, in pipes, or with --quiet."""

from __future__ import annotations

import os
import sys
import time


class Progress:
    def __init__(self, total: int, quiet: bool = False, delay: float = 0.3):
        self.total = total
        self.count = 0
        self.start = time.monotonic()
        self.delay = delay
        self.enabled = not quiet and sys.stderr.isatty() and not os.environ.get("CI")
        self.shown = False

    def step(self, label: str) -> None:
        self.count += 1
        if self.enabled and time.monotonic() - self.start > self.delay:
            sys.stderr.write(f"\r  rendering {self.count}/{self.total} {label[:30]:<30}")
            sys.stderr.flush()
            self.shown = True

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * 60 + "\r")
            sys.stderr.flush()
