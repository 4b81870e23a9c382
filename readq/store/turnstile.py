"""Fair turns at the write lock between a long writer and short ones.

SQLite's busy handler polls with growing sleeps, so a writer that commits in
short chunks can keep winning the race for the lock against a waiting one
(a rating typed in the window, ``readq rate`` in a terminal). A waiting writer
therefore leaves a mark — an empty file in ``<library>/.writers-waiting/``,
removed once it holds the lock — and polls every millisecond; a long writer
calls :func:`yield_to_waiters` between its chunks and pauses while marks are
there (at most ``MAX_YIELD_S``), so the waiting writer goes first. Marks left
by a killed process are ignored once older than ``STALE_S``. Works across
threads and processes; if the folder cannot be written, writers just poll.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from readq.safe_io import PRIVATE_DIR, PRIVATE_FILE, make_private

POLL_S = 0.001
MAX_YIELD_S = 0.25
STALE_S = 10.0
FOLDER = ".writers-waiting"


def _folder(db_path: Path) -> Path:
    return Path(db_path).parent / FOLDER


def acquire(conn: sqlite3.Connection, db_path: Path, budget_s: float,
            is_busy: Callable[[BaseException], bool]) -> bool:
    """``BEGIN IMMEDIATE`` on ``conn``, waiting fairly up to ``budget_s``; False if
    the lock did not come in time. Other SQLite errors are raised.

    The first try does not wait: SQLite's own busy handler sleeps in growing steps
    (up to 100 ms) without leaving a mark, so a long writer would never yield to it."""
    previous = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
    conn.execute("PRAGMA busy_timeout = 0")  # poll ourselves, every millisecond
    try:
        return _begin_now(conn, is_busy) or \
            _wait_turn(conn, db_path, time.monotonic() + budget_s, is_busy)
    finally:
        conn.execute(f"PRAGMA busy_timeout = {previous}")


def _begin_now(conn: sqlite3.Connection, is_busy: Callable[[BaseException], bool]) -> bool:
    """One try at ``BEGIN IMMEDIATE``: False if another writer holds the lock."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if not is_busy(exc):
            raise
        return False
    return True


def _wait_turn(conn: sqlite3.Connection, db_path: Path, deadline: float,
               is_busy: Callable[[BaseException], bool]) -> bool:
    """Leave a mark for the long writer and poll until the lock comes or ``deadline``."""
    mark: Path | None = _folder(db_path) / f"{os.getpid()}-{threading.get_ident()}"
    try:
        mark.parent.mkdir(mode=PRIVATE_DIR, exist_ok=True)
        make_private(mark.parent, PRIVATE_DIR)  # made with the umask's mode by older readq
        mark.touch(mode=PRIVATE_FILE)
    except OSError:
        mark = None
    try:
        while not _begin_now(conn, is_busy):
            if time.monotonic() >= deadline:
                return False
            time.sleep(POLL_S)
        return True
    finally:
        if mark is not None:
            try:
                mark.unlink()
            except OSError:
                pass


def waiting(db_path: Path) -> bool:
    """Whether another writer is waiting for the lock (stale marks are cleared)."""
    folder = _folder(db_path)
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return False
    now = time.time()
    live = False
    for entry in entries:
        try:
            if now - entry.stat().st_mtime > STALE_S:
                os.unlink(entry.path)
            else:
                live = True
        except OSError:
            continue
    return live


def yield_to_waiters(db_path: Path) -> float:
    """Between two chunks of a long write: let waiting writers go first; return how
    long this waited."""
    started = time.monotonic()
    while waiting(db_path) and time.monotonic() - started < MAX_YIELD_S:
        time.sleep(POLL_S)
    return time.monotonic() - started
