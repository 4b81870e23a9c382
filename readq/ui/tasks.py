"""Background work for the app: the one helper every long job goes through.

Three *lanes*, each a ``QThread`` with one worker that owns its own
:class:`~readq.library.Library` (a Library and its SQLite connection belong to
one thread, so a worker opens its own on the same folder and closes it when
the lane stops):

- ``USER`` runs the user's own changes — ratings, notes, queue moves, undo,
  merges — one after another on its own write connection. They are short, and
  an import commits in short chunks, so a change waits at most one chunk (the
  window never writes on the GUI thread and never waits at all). At shutdown
  this lane is drained, never cancelled: a note typed just before quitting is
  written.
- ``WRITE`` runs imports, index syncs and rebuilds one after another, so the
  process never has two index writers;
- ``READ`` runs searches and sidebar counts on a read-only connection, so
  typing never waits for an import.

A job is a plain function ``fn(ctx: TaskContext) -> result``. It never touches
widgets: it reports through ``ctx.progress`` / ``ctx.event`` and its return
value, which the runner re-emits as the :class:`Task`'s signals **on the GUI
thread**. ``task.cancel()`` asks the job to stop (``ctx.cancelled()``); a job
cancelled before it starts is skipped, which is how stale searches are dropped.

Big index work (a sync of thousands of papers, a rebuild) is handed by its
write-lane job to a child process (:func:`run_index_child`): Whoosh is pure
Python, and in a thread of the app it would take the GIL and up to 256 MB from
the window. The lane's thread just relays the child's progress.
"""

from __future__ import annotations

import json
import logging
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from readq.indexing import child_command
from readq.library import Library

log = logging.getLogger(__name__)

WRITE = "write"
READ = "read"
USER = "user"
LANES = (USER, WRITE, READ)
DRAIN_TIMEOUT_S = 10.0  # how long quitting waits for the user's last changes
# A lane running Python (an import merging records) hands the GIL back this often,
# so the GUI thread — which gives it up at every call into Qt — never waits long.
GIL_SWITCH_S = 0.001

# Index work bigger than this runs in the child indexer (``readq.indexing``).
CHILD_THRESHOLD = 2000


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
        self._worker.progressed.emit(self._task, int(done), int(total), label)

    def event(self, name: str, payload: Any = None) -> None:
        """Report a milestone such as ``"stored"`` (``Task.evented`` on the GUI thread)."""
        self._worker.evented.emit(self._task, name, payload)

    def cancelled(self) -> bool:
        """True once the GUI asked this job to stop."""
        return self._task.is_cancelled()

    def reset_library(self) -> None:
        """Close and forget the lane's library (the next use reopens it)."""
        self._worker.reset()

    @property
    def root(self) -> Path:
        """The library folder."""
        return self._worker.root


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

    def __init__(self, root: Path, read_only: bool = False, short_writes: bool = False) -> None:
        super().__init__()
        self.root = root
        self.read_only = read_only
        self.short_writes = short_writes
        self._library: Library | None = None

    def library(self) -> Library:
        if self._library is None:
            self._library = Library(self.root, read_only=self.read_only,
                                    short_writes=self.short_writes)
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
            self.completed.emit(task, None)
            return
        try:
            result = task.fn(TaskContext(task, self))
        except Exception as exc:  # reported to the GUI as one line, logged in full
            log.exception("background task %s failed", task.name)
            self.reset()  # a failed job may leave the library in a bad state
            message = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            self.errored.emit(task, message)
            return
        self.completed.emit(task, result)

    @Slot()
    def close(self) -> None:
        self.reset()


class TaskRunner(QObject):
    """Submits jobs to the two lanes and relays their signals to the GUI thread."""

    _dispatch_write = Signal(object)
    _dispatch_read = Signal(object)
    _dispatch_user = Signal(object)
    _close_all = Signal()
    activity = Signal()  # a job started or ended: refresh "busy" indicators

    def __init__(self, root: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.root = Path(root)
        self._closed = False
        sys.setswitchinterval(min(sys.getswitchinterval(), GIL_SWITCH_S))
        self._pending: dict[str, list[Task]] = {lane: [] for lane in LANES}
        self._threads: dict[str, QThread] = {}
        self._workers: dict[str, _Worker] = {}
        self._dispatch = {WRITE: self._dispatch_write, READ: self._dispatch_read,
                          USER: self._dispatch_user}
        for lane, dispatch in self._dispatch.items():
            thread = QThread(self)
            thread.setObjectName(f"readq-{lane}")
            worker = _Worker(self.root, read_only=lane == READ, short_writes=lane == USER)
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
        self._dispatch[lane].emit(task)
        self.activity.emit()
        return task

    def busy(self, lane: str | None = None) -> bool:
        """Whether jobs are queued or running (on one lane or any)."""
        lanes = LANES if lane is None else (lane,)
        return any(self._pending[name] for name in lanes)

    def pending(self, lane: str) -> list[Task]:
        """Jobs not yet finished on a lane, oldest first."""
        return list(self._pending[lane])

    def shutdown(self) -> None:
        """Cancel what is queued, close the workers' libraries, stop the threads.

        A running job stops at its next cancellation check (an index batch at
        most); this waits for it, because a thread must never be destroyed
        while it runs.
        """
        if self._closed:
            return
        if self._pending[USER]:  # the user's changes are written, never dropped
            drained = threading.Event()
            self._dispatch_user.emit(Task(lambda ctx: drained.set(), "drain", USER))
            if not drained.wait(DRAIN_TIMEOUT_S):
                log.error("quitting before the user's last changes were written")
        self._closed = True
        for lane, tasks in self._pending.items():
            for task in tasks:
                if lane != USER:
                    task.cancel()
        self._close_all.emit()
        for thread in self._threads.values():
            thread.quit()
        for lane, thread in self._threads.items():
            if not thread.wait(5000):
                log.warning("waiting for the %s lane to finish its current step", lane)
                thread.wait()

    # --- relays (GUI thread) ----------------------------------------------------------

    def _finish(self, task: Task) -> bool:
        task.done = True
        try:
            self._pending[task.lane].remove(task)
        except ValueError:
            pass
        self.activity.emit()
        return not self._closed

    @Slot(object, int, int, str)
    def _on_progress(self, task: Task, done: int, total: int, label: str) -> None:
        if not self._closed and not task.is_cancelled():
            task.progressed.emit(done, total, label)

    @Slot(object, str, object)
    def _on_event(self, task: Task, name: str, payload: object) -> None:
        if not self._closed:
            task.evented.emit(name, payload)

    @Slot(object, object)
    def _on_completed(self, task: Task, result: object) -> None:
        if self._finish(task):
            task.finished.emit(result)

    @Slot(object, str)
    def _on_errored(self, task: Task, message: str) -> None:
        if self._finish(task):
            task.failed.emit(message)


def child_available() -> bool:
    """Whether index jobs can run in a child process here (POSIX pipes and signals)."""
    return os.name == "posix"


def run_index_child(ctx: TaskContext, mode: str, label: str) -> int:
    """Run the child indexer (``sync`` or ``check``) and relay its progress.

    Called from a write-lane job: the lane's thread only waits on the pipe, so
    the GUI keeps the GIL. Cancelling the task interrupts the child.
    """
    command, env = child_command(ctx.root, mode)
    # the child writes the index: this lane reopens it afterwards (closing the whole
    # library here would first wait for a before-import backup being copied)
    ctx.library.release_index()
    state = {"written": 0, "label": label}

    def handle(line: str) -> None:
        message = json.loads(line)
        if "progress" in message:
            done, total = message["progress"]
            ctx.progress(done, total, state["label"])
        elif message.get("stage") == "rebuild":
            state["label"] = "Rebuilding the search index…"
            ctx.progress(0, 0, state["label"])
        elif "result" in message:
            state["written"] = int(message["result"])

    interrupted = False
    with tempfile.TemporaryFile("w+") as errors, subprocess.Popen(
        command,
        stdout=subprocess.PIPE, stderr=errors, text=True, env=env,
    ) as child, selectors.DefaultSelector() as selector:
        assert child.stdout is not None
        selector.register(child.stdout, selectors.EVENT_READ)
        while child.poll() is None:
            if ctx.cancelled() and not interrupted:
                child.send_signal(signal.SIGINT)
                interrupted = True
            if selector.select(timeout=0.1):
                line = child.stdout.readline()
                if line:
                    handle(line)
        for line in child.stdout:  # whatever is left once it has exited
            handle(line)
        code = child.wait()
        errors.seek(0)
        error = errors.read().strip()
    if code not in (0, 130, -signal.SIGINT):
        raise RuntimeError(error.splitlines()[-1] if error else f"index process failed ({code})")
    return int(state["written"])


IMPORT_CHILD_THRESHOLD = 20  # papers: after an import, index them in the child from here


def sync_index(ctx: TaskContext, label: str = "Indexing for search…", *,
               after_import: bool = False) -> int:
    """Bring the index up to date from a write-lane job: in a child process if it is
    big, or after an import of more than a few papers (Whoosh's writing is CPU-bound
    Python, ~9 ms a paper: in this process it would share the interpreter lock with
    the window for a second or more, which then pauses and paints late); a handful
    of papers (a note, a triage decision) in this thread."""
    threshold = IMPORT_CHILD_THRESHOLD if after_import else CHILD_THRESHOLD
    if child_available() and ctx.library.pending_index_count() >= threshold:
        return run_index_child(ctx, "sync", label)
    # an index held by another readq (an import in a terminal) is not an error: the
    # papers stay queued, and that process or the next sync writes them
    return ctx.library.sync_index(progress=lambda d, t: ctx.progress(d, t, label),
                                  should_cancel=ctx.cancelled, queue_if_busy=True)


def merge_segments(ctx: TaskContext, *, force: bool = False) -> int:
    """Merge the index's small segments from a write-lane job, after the papers are
    searchable (``Library.merge_index``: syncs leave their segments unmerged); in
    the child indexer where there is one, so the window keeps the GIL. Without
    ``force`` only when they have piled up."""
    if ctx.cancelled() or not (force or ctx.library.index_needs_merge()):
        return 0
    if child_available():
        return run_index_child(ctx, "merge", "Tidying the search index…")
    return ctx.library.merge_index(force=force)
