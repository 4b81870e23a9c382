"""WAL checkpoints kept out of a long chunked write's commits.

SQLite copies the write-ahead log back into the store (a *checkpoint*) inside the
commit that pushes the log past ``wal_autocheckpoint`` pages (1,000 by default).
During a 30,000-paper import that made an occasional commit take up to 0.4 s on a
busy disk — the writer's chunk, and every writer waiting behind it, paid for it.
A long chunked write (an import, the undo of one) therefore turns automatic
checkpoints off on its connection and runs a *passive* checkpoint between chunks
every ``EVERY_S`` — outside any transaction, so other writers can take the lock
meanwhile — and one at the end, then restores the setting. A checkpoint writes the
store file, so a store's connection carries its health verdict along
(``Store.own_change``, :mod:`readq.store.verdict`).
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import nullcontext
from types import TracebackType

EVERY_S = 0.5


class ChunkedCheckpoints:
    """``with ChunkedCheckpoints(conn) as checkpoints: … checkpoints.between_chunks()``."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.times: list[float] = []  # how long each checkpoint took (benchmarks)
        self._previous = 0
        self._last = 0.0

    def __enter__(self) -> ChunkedCheckpoints:
        self._previous = int(self.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
        self.conn.execute("PRAGMA wal_autocheckpoint = 0")
        self._last = time.perf_counter()
        return self

    def between_chunks(self) -> None:
        """A passive checkpoint if the last one is ``EVERY_S`` old (call with no
        transaction open)."""
        if time.perf_counter() - self._last >= EVERY_S:
            self.run()

    def run(self) -> None:
        """Copy what the log holds into the store without waiting for anyone."""
        started = time.perf_counter()
        own_change = getattr(self.conn, "own_change", None)  # the store's health verdict
        try:
            with own_change() if own_change is not None else nullcontext():
                self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.OperationalError:
            pass  # busy: the next one copies what this one could not
        self._last = time.perf_counter()
        self.times.append(self._last - started)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        try:
            self.conn.execute(f"PRAGMA wal_autocheckpoint = {self._previous}")
            if self._previous > 0 and not self.conn.in_transaction:
                self.run()
        except sqlite3.Error:
            pass  # a failing store (disk full…): the write's own error says so
