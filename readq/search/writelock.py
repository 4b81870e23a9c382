"""Whether another process is writing the search index, asked without loading Whoosh.

A command that changed one paper (a note) writes its search document itself only
when no indexer is at work: one that is (an import's indexer, a merge, the app)
takes the queued change when its batch is done, and opening the index (Whoosh and
numpy) would cost the command half a second of CPU for nothing. Whoosh's file
lock is an ``flock`` on this file (``whoosh.util.filelock.FcntlLock``).
"""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

WRITE_LOCK = "MAIN_WRITELOCK"  # the lock of the index named MAIN (readq.search.index)


def writer_active(directory: Path) -> bool:
    """Whether a process holds the index's write lock right now (False where the lock
    cannot be asked about without Whoosh: the caller then simply tries to write)."""
    try:
        import fcntl
    except ImportError:  # not a POSIX system
        return False
    try:
        fd = os.open(Path(directory) / WRITE_LOCK, os.O_WRONLY | os.O_NOFOLLOW)
    except OSError:
        return False  # no lock file: no writer yet
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        return exc.errno in (errno.EAGAIN, errno.EACCES)
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def wait_for_no_writer(directory: Path, timeout: float) -> bool:
    """Whether the index's write lock is free, or frees up within ``timeout`` seconds
    (a command writing its own change holds it for a moment; an indexer for seconds)."""
    deadline = time.monotonic() + timeout
    while writer_active(directory):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True
