"""Worker processes for one build: started once, on first use, and shared by the stages that
have enough work to spread (the entry cache parsing card files, the renderer rendering texts),
so a cold build pays the workers' start-up (each imports the render stack) once, not per stage.

"spawn", not fork: the diagram engines (QuickJS, Deno) run threads, and a forked child of a
process with threads can deadlock on a lock one of them held.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

PARALLEL_FROM = 200  # texts to render: below this many, worker start-up costs more than it saves
PARSE_PARALLEL_FROM = 1000  # card files to parse: each is a quarter of a text's work, and a build
# whose texts are all cached (a copy of the project, a moved checkout) would start workers for them alone
CHUNK = 50  # items per task sent to a worker: results come back a chunk at a time, so a small
# chunk lets the caller use the first results early and leaves little to do after the last


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class Workers:
    """A process pool started on the first `map` that is worth it; `close()` when done."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    def worth_it(self, items: int, parsing: bool = False) -> bool:
        return items >= (PARSE_PARALLEL_FROM if parsing else PARALLEL_FROM) and cores() > 1

    def map(self, fn: Callable[[Any], Any], items: list, parsing: bool = False) -> Iterator:
        """`fn` over `items` in the workers, results in order (in this process when few)."""
        if not self.worth_it(len(items), parsing):
            return map(fn, items)
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                cores(), mp_context=multiprocessing.get_context("spawn"), initializer=gc.disable
            )  # a worker makes few cycles and lives for one build: no collector passes over its caches
        return self._pool.map(fn, items, chunksize=max(1, min(CHUNK, len(items) // (cores() * 8))))

    def close(self) -> None:
        """Wait for the workers to stop; work not yet handed to one is dropped (a build that failed)."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
