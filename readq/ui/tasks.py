"""Background work for the app: the one helper every long job goes through.

Two *lanes*, each a ``QThread`` with one worker that owns its own
:class:`~readq.library.Library` (a Library and its SQLite connection belong to
one thread, so a worker opens its own on the same folder and closes it when
the lane stops):

- ``WRITE`` runs imports, index syncs and rebuilds one after another, so the
  process never has two index writers;
- ``READ`` runs searches and sidebar counts, so typing never waits for an
  import.

A job is a plain function ``fn(ctx: TaskContext) -> result``. It never touches
widgets: it reports through ``ctx.progress`` / ``ctx.event`` and its return
value, which the runner re-emits as the :class:`Task`'s signals **on the GUI
thread**. ``task.cancel()`` asks the job to stop (``ctx.cancelled()``); a job
cancelled before it starts is skipped, which is how stale searches are dropped.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from readq.library import Library
from readq.ui.qtcompat import emit

log = logging.getLogger(__name__)

WRITE = "write"
READ = "read"
LANES = (WRITE, READ)


class TaskContext:
    """What a background job may use: its lane's library, progress, events, cancel."""

    def __init__(self, task: Task, worker: _Worker) -> None:
        self._task = task
        self._worker = worker

    @property
    def library(self) -> Library:
        """The lane's own library (opened in the worker thread on first use)."""
        return self._worker.library()

    def progress(self, done: int, total: int, label: str = "") -> None:
        """Report progress (re-emitted as ``Task.progressed`` on the GUI thread)."""
        emit(self._worker.progressed, self._task, int(done), int(total), label)

    def event(self, name: str, payload: Any = None) -> None:
        """Report a milestone such as ``"stored"`` (``Task.evented`` on the GUI thread)."""
        emit(self._worker.evented, self._task, name, payload)

    def cancelled(self) -> bool:
        """True once the GUI asked this job to stop."""
        return self._task.is_cancelled()

    def reset_library(self) -> None:
        """Close and forget the lane's library (the next use reopens it)."""
        self._worker.reset()


Job = Callable[[TaskContext], Any]


class Task(QObject):
    """A handle on one background job; its signals arrive on the GUI thread."""

    progressed = Signal(int, int, str)
    evented = Signal(str, object)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, fn: Job, name: str, lane: str) -> None:
        super().__init__()
        self.fn = fn
        self.name = name
        self.lane = lane
        self.done = False
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the job to stop (or not to start)."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        """Whether ``cancel`` was called."""
        return self._cancel.is_set()


class _Worker(QObject):
    """Lives in a lane's thread; runs jobs in order with the lane's own library."""

    progressed = Signal(object, int, int, str)
    evented = Signal(object, str, object)
    completed = Signal(object, object)
    errored = Signal(object, str)

    def __init__(self, root: Path) -> None:
        super().__init__()
        self._root = root
        self._library: Library | None = None

    def library(self) -> Library:
        if self._library is None:
            self._library = Library(self._root)
        return self._library

    def reset(self) -> None:
        if self._library is not None:
            try:
                self._library.close()
            except Exception:  # closing a broken library must not hide the first error
                log.exception("closing a worker library failed")
            self._library = None

    @Slot(object)
    def run(self, task: Task) -> None:
        if task.is_cancelled():
            emit(self.completed, task, None)
            return
        try:
            result = task.fn(TaskContext(task, self))
        except Exception as exc:  # reported to the GUI as one line, logged in full
            log.exception("background task %s failed", task.name)
            self.reset()  # a failed job may leave the library in a bad state
            message = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            emit(self.errored, task, message)
            return
        emit(self.completed, task, result)

    @Slot()
    def close(self) -> None:
        self.reset()


class TaskRunner(QObject):
    """Submits jobs to the two lanes and relays their signals to the GUI thread."""

    _dispatch_write = Signal(object)
    _dispatch_read = Signal(object)
    _close_all = Signal()
    activity = Signal()  # a job started or ended: refresh "busy" indicators

    def __init__(self, root: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.root = Path(root)
        self._closed = False
        self._pending: dict[str, list[Task]] = {lane: [] for lane in LANES}
        self._threads: dict[str, QThread] = {}
        self._workers: dict[str, _Worker] = {}
        for lane, dispatch in ((WRITE, self._dispatch_write), (READ, self._dispatch_read)):
            thread = QThread(self)
            thread.setObjectName(f"readq-{lane}")
            worker = _Worker(self.root)
            worker.moveToThread(thread)
            dispatch.connect(worker.run)
            self._close_all.connect(worker.close)
            worker.progressed.connect(self._on_progress)
            worker.evented.connect(self._on_event)
            worker.completed.connect(self._on_completed)
            worker.errored.connect(self._on_errored)
            thread.start()
            self._threads[lane] = thread
            self._workers[lane] = worker

    def submit(self, fn: Job, *, lane: str = WRITE, name: str = "") -> Task:
        """Queue ``fn`` on a lane; connect to the returned task's signals right away."""
        if lane not in LANES:
            raise ValueError(lane)
        task = Task(fn, name or getattr(fn, "__name__", "task"), lane)
        if self._closed:
            task.cancel()
            task.done = True
            return task
        self._pending[lane].append(task)
        emit((self._dispatch_write if lane == WRITE else self._dispatch_read), task)
        emit(self.activity)
        return task

    def busy(self, lane: str | None = None) -> bool:
        """Whether jobs are queued or running (on one lane or any)."""
        lanes = LANES if lane is None else (lane,)
        return any(self._pending[name] for name in lanes)

    def pending(self, lane: str) -> list[Task]:
        """Jobs not yet finished on a lane, oldest first."""
        return list(self._pending[lane])

    def shutdown(self, timeout_ms: int = 30000) -> None:
        """Cancel what is queued, close the workers' libraries, stop the threads."""
        if self._closed:
            return
        self._closed = True
        for tasks in self._pending.values():
            for task in tasks:
                task.cancel()
        emit(self._close_all)
        for thread in self._threads.values():
            thread.quit()
        for lane, thread in self._threads.items():
            if not thread.wait(timeout_ms):
                log.error("the %s lane did not stop in time", lane)

    # --- relays (GUI thread) ----------------------------------------------------------

    def _finish(self, task: Task) -> bool:
        task.done = True
        try:
            self._pending[task.lane].remove(task)
        except ValueError:
            pass
        emit(self.activity)
        return not self._closed

    @Slot(object, int, int, str)
    def _on_progress(self, task: Task, done: int, total: int, label: str) -> None:
        if not self._closed and not task.is_cancelled():
            emit(task.progressed, done, total, label)

    @Slot(object, str, object)
    def _on_event(self, task: Task, name: str, payload: object) -> None:
        if not self._closed:
            emit(task.evented, name, payload)

    @Slot(object, object)
    def _on_completed(self, task: Task, result: object) -> None:
        if self._finish(task):
            emit(task.finished, result)

    @Slot(object, str)
    def _on_errored(self, task: Task, message: str) -> None:
        if self._finish(task):
            emit(task.failed, message)
