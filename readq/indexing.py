"""Index while storing: a child process that keeps the search index catching up.

A bulk import is bound by the index (Whoosh is pure Python), not the store. On a
multi-core machine ``ConcurrentIndexer`` lets the index catch up in a second
process while the caller stores the next dump, so importing many dumps takes
about as long as indexing them alone. The store's index queue is the hand-over:
the child indexes whatever is queued and committed, and whatever it has not
reached when it is stopped stays queued for the next sync.

    with ConcurrentIndexer(root):
        library.import_paths(paths)
    library.sync_index()   # whatever the child had not reached
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from types import TracebackType
from typing import Any

IDLE_WAIT_S = 0.2
# The child waits this long for the importer's write transaction (one per dump).
CHILD_BUSY_TIMEOUT_MS = 10 * 60 * 1000


def _index_loop(root: str, stop: Any) -> None:
    """Child process: sync the index until told to stop and nothing is left."""
    from readq.library import Library

    try:
        with Library(Path(root), busy_timeout_ms=CHILD_BUSY_TIMEOUT_MS) as library:
            while True:
                written = library.sync_index()
                if not written:
                    if stop.is_set():
                        return
                    stop.wait(IDLE_WAIT_S)
    except KeyboardInterrupt:
        return


class ConcurrentIndexer:
    """Run index catch-up in a child process for the duration of a ``with`` block."""

    def __init__(self, root: Path) -> None:
        context = multiprocessing.get_context("spawn")  # never fork a process with threads
        self._stop = context.Event()
        self._process = context.Process(target=_index_loop, args=(str(root), self._stop),
                                        name="readq-indexer", daemon=True)

    def __enter__(self) -> ConcurrentIndexer:
        self._process.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop.set()
        if exc_type is not None:
            self._process.terminate()  # the queue keeps what was not indexed
        self._process.join()
