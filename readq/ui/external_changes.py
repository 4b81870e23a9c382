"""Notice changes other processes make to the library (``readq rate`` in a terminal
while the window is open) and refresh the window.

SQLite's ``PRAGMA data_version`` changes on a connection whenever *another*
connection commits; polling it twice a second costs microseconds. A refresh
waits while the user is typing (note editor, search box) so it never moves the
cursor, and the note being written is saved first.

The window's own lanes commit on other connections too; those are not outside
changes (the window refreshes once per operation itself): while its own work
runs the watcher holds back, and ``acknowledge`` afterwards takes the current
version as seen.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

POLL_MS = 500


class ExternalChanges(QObject):
    """Emit ``changed`` when the store was written by another connection."""

    changed = Signal()

    def __init__(self, data_version: Callable[[], int], busy: Callable[[], bool],
                 parent: QObject | None = None, interval_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self._data_version = data_version
        self._busy = busy
        self._seen = data_version()
        self._pending = False
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
        if current != self._seen:
            self._seen = current
            self._pending = True
        if self._pending and not self._busy():
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
