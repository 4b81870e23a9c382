"""The window's one write path: operations of the library service on the user lane.

``ops.run(fn, done)`` queues ``fn(library)`` on the task runner's ``USER`` lane
(a worker thread with its own write connection) and returns at once: the GUI
thread never writes and never waits for a lock. ``done(result)`` is called on
the GUI thread once the change is committed; a failure (a busy library, a
refused change) is logged with its traceback and shown as one line through
``failed``. Operations run in the order they were asked for.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from readq.library import Library
from readq.ui.tasks import USER, Task, TaskRunner

log = logging.getLogger(__name__)

Operation = Callable[[Library], Any]


class Operations(QObject):
    """Runs library operations off the GUI thread, in order, and reports back."""

    failed = Signal(str)  # one line for the status bar
    committed = Signal()  # an operation of this window's was committed

    def __init__(self, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner

    def run(self, fn: Operation, done: Callable[[Any], None] | None = None, *,
            name: str = "change", failed: Callable[[str], None] | None = None,
            progressed: Callable[[int, int], None] | None = None) -> Task:
        """Queue ``fn(library)``; ``done(result)`` / ``failed(message)`` on the GUI thread.

        With ``progressed``, a long change is called as ``fn(library, report)`` and
        each ``report(done, total)`` reaches ``progressed`` on the GUI thread."""
        if progressed is None:
            task = self._runner.submit(lambda ctx: fn(ctx.library), lane=USER, name=name)
        else:
            task = self._runner.submit(
                lambda ctx: fn(ctx.library, lambda d, t: ctx.progress(d, t, name)),  # type: ignore[call-arg]
                lane=USER, name=name)
            task.progressed.connect(lambda d, t, _label: progressed(d, t))
        task.finished.connect(lambda result: self._finished(result, done))
        task.failed.connect(lambda message: self._failed(name, message, failed))
        return task

    def _finished(self, result: Any, done: Callable[[Any], None] | None) -> None:
        self.committed.emit()
        if done is not None:
            done(result)

    def _failed(self, name: str, message: str, handler: Callable[[str], None] | None) -> None:
        log.warning("%s failed: %s", name, message)
        self.committed.emit()  # a refused change may still have been partly visible
        if handler is not None:
            handler(message)
        else:
            self.failed.emit(message)

    @property
    def busy(self) -> bool:
        """Whether changes are still being written."""
        return self._runner.busy(USER)
