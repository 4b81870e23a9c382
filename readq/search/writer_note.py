"""Who holds the index's write lock, so a writer kept waiting can say whom it waits for.

Whoosh's lock (``MAIN_WRITELOCK``, an ``flock``) says nothing about its holder, and
a lock held by a process that is still running — the child indexer of an import
that was killed, finishing the import's queue on its own — left ``readq check
--repair`` saying only "another process is updating the index". The writer that
takes the lock notes in ``readq-index-writer`` its process id, what it is doing
(``ROLE``, set by the child indexer for its mode) and since when this process has
been writing; ``describe`` turns that note into words, if its process still runs.
"""

from __future__ import annotations

import json
import os
import time
from datetime import datetime
from pathlib import Path

NOTE_NAME = "readq-index-writer"
ROLE: str | None = None  # what this process does to the index ("indexing an import"…)
_since: float | None = None  # when this process first took the index's write lock


def note_holder(folder: Path) -> None:
    """Note that this process holds the write lock of the index in ``folder``."""
    global _since
    if _since is None:
        _since = time.time()
    text = json.dumps({"pid": os.getpid(), "role": ROLE or "readq", "since": _since})
    try:
        fd = os.open(Path(folder) / NOTE_NAME,
                     os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError:
        pass  # the note only helps a message: the lock itself is what matters


def describe(folder: Path) -> str | None:
    """"process 123 (indexing an import), writing since 01:02:03 — 4 min ago", or None
    when no running process left a note."""
    try:
        data = json.loads((Path(folder) / NOTE_NAME).read_text(encoding="utf-8"))
        pid, role, since = int(data["pid"]), str(data["role"]), float(data["since"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if pid == os.getpid() or not _running(pid):
        return None
    started = datetime.fromtimestamp(since).strftime("%H:%M:%S")
    return f"process {pid} ({role}), writing since {started} — {_ago(time.time() - since)}"


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: it runs
    return True


def _ago(seconds: float) -> str:
    if seconds < 90:
        return f"{max(0, int(seconds))} s ago"
    if seconds < 5400:
        return f"{int(seconds // 60)} min ago"
    return f"{seconds / 3600:.1f} h ago"
