"""Notice changes other processes make to the library (``readq rate`` in a terminal
while the window is open) and refresh the window.

SQLite's ``PRAGMA data_version`` changes on a connection whenever *another*
connection commits; polling it ten times a second costs microseconds each time
and keeps what a terminal command stored within a tenth of a second of being seen.
A change is shown once the commits pause for one poll (an import commits its
chunks back to back: the window refreshes once they are in, not once per chunk),
and at least every ``REFRESH_GAP_MS`` while a long one goes on committing. A refresh
waits while the user is typing (note editor, search box) so it never moves the
cursor, and the note being written is saved first.

The window's own lanes commit on other connections too; those are not outside
changes (the window refreshes once per operation itself): while its own work
runs the watcher holds back, and ``acknowledge`` afterwards takes the current
version as seen.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

POLL_MS = 100
REFRESH_GAP_MS = 1000  # the longest a change waits while commits keep coming


class ExternalChanges(QObject):
    """Emit ``changed`` when the store was written by another connection."""

    changed = Signal()

    def __init__(self, data_version: Callable[[], int], busy: Callable[[], bool],
                 parent: QObject | None = None, interval_ms: int = POLL_MS,
                 refresh_gap_ms: int = REFRESH_GAP_MS) -> None:
        super().__init__(parent)
        self._data_version = data_version
        self._busy = busy
        self._seen = data_version()
        self._pending = False
        self._gap_s = refresh_gap_ms / 1000
        self._first_unseen = 0.0  # when the oldest change not yet shown was noticed
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)
        self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Stop polling when the watched window closes (its library closes with it)."""
        if event.type() == QEvent.Type.Close:
            self.stop()
        return False

    def poll(self) -> None:
        """Check once (also called by the timer)."""
        try:
            current = self._data_version()
        except sqlite3.ProgrammingError:  # the library was closed under us
            self.stop()
            return
        now = time.monotonic()
        quiet = current == self._seen  # no commit since the last poll
        if not quiet:
            self._seen = current
            if not self._pending:
                self._first_unseen = now
            self._pending = True
        if self._pending and not self._busy() \
                and (quiet or now - self._first_unseen >= self._gap_s):
            self._pending = False
            self.changed.emit()

    def acknowledge(self) -> None:
        """Take what is committed now as seen (the window's own changes)."""
        try:
            self._seen = self._data_version()
        except sqlite3.ProgrammingError:
            self.stop()
            return
        self._pending = False

    def stop(self) -> None:
        """Stop polling (on close)."""
        self._timer.stop()
