"""A library opened twice in one process keeps SQLite's locks on its store.

Closing any file descriptor of a file drops every POSIX lock the process holds on it
(https://www.sqlite.org/howtocorrupt.html, 2.2), so the store's header is read with
``open()`` only before this process has the store open. A new library's store is made
by SQLite, not read: the next open in the process (a worker thread's library) read its
header then and dropped the locks of the connection already open. Another process
closing its own connection (the child indexer) then took the store for unused and
deleted its write-ahead log, and the window's library read pages of other tables as
papers (status = an import's file name, rating = its format).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from readq.library import Library
from readq.store.health import store_path
from tests.helpers import PROFILE, all_dumps

# what the child indexer does to the store, in a process of its own: open, write, close
OTHER_PROCESS = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode = WAL")
conn.execute("DELETE FROM index_queue")
conn.close()
"""


def test_a_new_library_opened_again_keeps_its_store_whole(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    reader = Library(root, read_only=True)  # the window's: it makes the new store
    writer = Library(root)  # a worker thread's, opened while the window's is open
    try:
        writer.import_paths(all_dumps(tmp_path / "dumps", (PROFILE,)))
        ids = reader.view_ids("all", sort="id")
        assert len(ids) == 50
        subprocess.run([sys.executable, "-c", OTHER_PROCESS, str(store_path(root))],
                       check=True, timeout=60)
        log_kept = Path(f"{store_path(root)}-wal").exists()  # this process still uses it
        writer.close()  # as the write lane does after the child indexer
        writer = Library(root)  # was: "disk I/O error"
        writer.set_note(ids[0], "wombat")
        rows = reader.papers(ids)
        assert [r["note"] for r in rows] == ["wombat"] + [""] * 49
        assert {r["status"] for r in rows} == {"unread"}
        assert {r["rating"] for r in rows} == {0}
        assert {r["dismissed"] for r in rows} == {0}
        assert log_kept
    finally:
        writer.close()
        reader.close()
