"""What the command line says when the disk fills after a command stored its change.

A note or an import is committed to the store first and written to the search
index afterwards. If the disk fills while indexing, the change is kept: the store
holds it and the index's queue still names it, so the index catches up at a later
command. The user is told that in one line naming the library folder and what was
kept, as the store's own messages do (``store.health.describe_error``), instead of
a bare "No space left on device".
"""

from __future__ import annotations

import errno
import logging
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from readq.library import Library

log = logging.getLogger("readq.cli")


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` says the disk (or the user's quota) is full."""
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    if isinstance(exc, sqlite3.Error):
        return getattr(exc, "sqlite_errorname", "") == "SQLITE_FULL" \
            or "disk is full" in str(exc).lower()
    return False


def disk_full_message(root: Path, kept: str) -> str:
    """One line: the disk holding the library is full, ``kept`` is kept, what to do."""
    return (f"the disk holding the library {root} is full: {kept}, but not searchable "
            "yet — free some space; the search index catches up at the next command")


def index_stored_change(library: Library, kept: str, *, only: Sequence[int] | None = None,
                        **sync: Any) -> str | None:
    """Bring the search index up to date after a change the store already holds
    (``sync`` goes to ``Library.sync_index``; with ``only``, just those papers are
    written: ``Library.index_own_change``). None when done; if the disk is full,
    the line to show (the change stays queued for the index)."""
    try:
        if only is not None:
            library.index_own_change(only)
        else:
            library.sync_index(**sync)
    except (OSError, sqlite3.Error) as exc:
        if not is_disk_full(exc):
            raise
        log.warning("the search index could not be updated: the disk is full", exc_info=True)
        return disk_full_message(library.root, kept)
    return None
