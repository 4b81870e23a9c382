"""Keeping the search index in step with the store, in the background.

``check_at_start`` runs once after the window is shown: index what is pending,
compare store and index, rebuild if they disagree. ``schedule_sync`` runs after
every change that queues papers for the index (notes, imports, undo); calls
made while a sync runs are folded into one more sync. Progress shows in a
status-bar label; ``synced`` fires when the index has caught up.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

from readq.library import CheckReport
from readq.ui.tasks import (
    CHILD_THRESHOLD,
    WRITE,
    Task,
    TaskContext,
    TaskRunner,
    child_available,
    merge_segments,
    run_index_child,
    sync_index,
)


def check_job(ctx: TaskContext) -> CheckReport | None:
    """Sync what is pending, check store and index agree, repair if they do not
    (``Library.sync_and_check``, in the child indexer when the library is big)."""
    library = ctx.library
    if child_available() and library.paper_count() >= CHILD_THRESHOLD:
        run_index_child(ctx, "check", "Checking the search index…")
        return None  # a big library is checked (and repaired) in a child process
    return library.sync_and_check(
        progress=lambda d, t: ctx.progress(d, t, "Bringing the search index up to date…"),
        should_cancel=ctx.cancelled)


class IndexKeeper(QObject):
    """Runs index checks and syncs on the write lane and reports on them."""

    synced = Signal()  # the index has caught up with the store
    message = Signal(str)  # something to tell the user in the status bar

    def __init__(self, runner: TaskRunner, status: QLabel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._status = status
        self._sync_task: Task | None = None
        self._again = False

    @property
    def busy(self) -> bool:
        """Whether a sync is running or queued."""
        return self._sync_task is not None

    def check_at_start(self) -> Task:
        """Check (and repair) the index in the background."""
        task = self._runner.submit(check_job, lane=WRITE, name="check-index")
        self._status.setText("Checking the search index…")
        task.progressed.connect(self._on_progress)
        task.finished.connect(self._on_check_done)
        task.failed.connect(lambda msg: self._on_failed("checked", msg))
        return task

    def schedule_sync(self) -> None:
        """Write pending papers to the index in the background (coalesced)."""
        if self._sync_task is not None:
            self._again = True
            return
        task = self._runner.submit(sync_index, lane=WRITE, name="sync-index")
        self._sync_task = task
        task.progressed.connect(self._on_progress)
        task.finished.connect(self._on_sync_done)
        task.failed.connect(self._on_sync_failed)

    def _on_progress(self, done: int, total: int, label: str) -> None:
        if total > 20 or not total:
            self._status.setText(f"{label} {done:,}/{total:,}" if total else label)

    def _on_sync_done(self, _written: object) -> None:
        self._sync_task = None
        self._status.setText("")
        if self._again:
            self._again = False
            self.schedule_sync()
            return
        self.synced.emit()
        # each sync leaves its own segment: merge the small ones once they pile up
        self._runner.submit(merge_segments, lane=WRITE, name="merge-index")

    def _on_sync_failed(self, message: str) -> None:
        self._sync_task = None
        self._on_failed("updated", message)

    def _on_check_done(self, report: object) -> None:
        if self._sync_task is None:
            self._status.setText("")
        if isinstance(report, CheckReport) and not report.store_ok:
            self.message.emit("The library store fails its integrity check: quit readq and "
                              "restore a backup (`readq backup --list`, `readq restore FILE`).")
        elif isinstance(report, CheckReport) and not report.in_step:
            self.message.emit("The search index was rebuilt.")
        self.synced.emit()

    def _on_failed(self, what: str, message: str) -> None:
        self._status.setText("")
        self.message.emit(f"The search index could not be {what}: {message}")
