"""Helpers shared by the app tests: waiting (always with a timeout) and reading state."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QEventLoop, QTimer

from readq.library import Library
from readq.ui.main_window import MainWindow

WAIT_MS = 15000


def settle(qtbot: Any, window: MainWindow) -> None:
    """Wait until no background job is queued or running."""
    qtbot.waitUntil(lambda: not window.runner.busy(), timeout=WAIT_MS)


def wait_counts(qtbot: Any, window: MainWindow, **expected: int) -> None:
    """Wait until the sidebar shows these counts (``inbox=161`` → ``view:inbox``)."""
    wanted = {f"view:{k}": v for k, v in expected.items()}

    def shown() -> bool:
        counts = window.counts()
        return all(counts.get(k) == v for k, v in wanted.items())

    qtbot.waitUntil(shown, timeout=WAIT_MS)


def focus_list(qtbot: Any, window: MainWindow) -> None:
    """Give the paper list the keyboard focus, as a click would."""
    window.activateWindow()
    window.table.setFocus()
    qtbot.waitUntil(lambda: window.table.hasFocus(), timeout=WAIT_MS)


def spin(ms: int) -> None:
    """Process events for ``ms`` milliseconds with the interpreter lock released while
    idle, as the app's loop does (``QTest.qWait`` keeps it: the window's worker
    threads would stand still meanwhile)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def written(window: MainWindow, timeout_ms: int = WAIT_MS) -> None:
    """Wait until the window's changes are written (they run off the GUI thread)."""
    deadline = time.monotonic() + timeout_ms / 1000
    while window.ops.busy:
        assert time.monotonic() < deadline, "the window's changes were not written in time"
        spin(5)


def state(window: MainWindow, paper_id: int) -> dict[str, Any]:
    """A paper's user state as stored, once the window's changes are written (read
    through a fresh library)."""
    written(window)
    with Library(window.root) as library:
        return library.snapshot([paper_id])[paper_id]


def apply(window: MainWindow, change: Any) -> Any:
    """Make a change as the window makes its own: ``change(library)`` on the window's
    user lane (its library is read-only on the GUI thread); wait until it is written."""
    results: list[Any] = []
    window.ops.run(change, results.append)
    written(window)
    spin(5)  # let the committed signal reach the window
    return results[0] if results else None
