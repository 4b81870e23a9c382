"""Waiting in a benchmark that drives the real window, the way the app's own event
loop waits.

``QTest.qWait`` keeps Python's interpreter lock while it processes events and
sleeps (PySide 6.11), so every worker thread of the window (the write lane storing
an import, the read lane searching) stands still while a benchmark waits with it:
a 100-paper import took 1.3 s to store that way and 0.24 s under a ``QEventLoop``,
which, like ``QApplication.exec``, lets other threads run while it sleeps.
"""

from __future__ import annotations

import time
from collections.abc import Callable


def spin(ms: int) -> None:
    """Process the window's events for ``ms`` milliseconds, as the app's loop would."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(max(0, int(ms)), loop.quit)
    loop.exec()


def spin_until(condition: Callable[[], bool], timeout_s: float, step_ms: int = 5) -> bool:
    """Process events until ``condition()`` holds (True) or ``timeout_s`` passes (False)."""
    deadline = time.perf_counter() + timeout_s
    while not condition():
        if time.perf_counter() > deadline:
            return False
        spin(step_ms)
    return True
