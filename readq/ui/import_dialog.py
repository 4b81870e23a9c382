"""Importing dumps from the app: file dialog, dropped files, the clipboard, samples.

One dialog, drop or paste is one *import action* (one backup before it, one
"New since last import", one undo step). It runs on the write lane of the task
runner: each file is stored in short transactions of whole records (a rating
typed meanwhile waits one chunk at most) and announced with a ``stored`` event,
so new papers show up at once. A big dump is indexed alongside, in the child
indexer, as its chunks are committed (the second core); then the index catches
up with the rest (``sync_index``) with progress, and its small segments are
merged in the background (``merge_segments``). A progress bar
and a Cancel button live in the status bar; at the end ``finished`` carries the
reports for the summary dialog.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from readq.indexing import ConcurrentIndexer, index_alongside
from readq.library import FileReport
from readq.ui.tasks import (
    CHILD_THRESHOLD,
    WRITE,
    Task,
    TaskContext,
    TaskRunner,
    child_available,
    merge_segments,
    sync_index,
)

FILE_FILTER = "Listing dumps (*.txt);;All files (*)"


class ProgressPanel(QWidget):
    """A label, a progress bar and a Cancel button, for the status bar."""

    cancel = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # names the user's files
        self.bar = QProgressBar(self)
        self.bar.setFixedWidth(180)
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cancel_button.clicked.connect(self.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.hide()

    def show_progress(self, label: str, done: int, total: int, cancellable: bool = True) -> None:
        """Show (or update) the panel; ``total`` 0 means "busy, amount unknown"."""
        self.label.setText(label)
        self.bar.setRange(0, max(total, 0))
        self.bar.setValue(min(done, total) if total else 0)
        self.cancel_button.setVisible(cancellable)
        self.show()


def clipboard_name(now: datetime | None = None) -> str:
    """The name of a pasted dump: ``clipboard 2024-03-19 14:05``."""
    return f"clipboard {(now or datetime.now()):%Y-%m-%d %H:%M}"


class ImportController(QObject):
    """Starts imports and reports their progress and outcome."""

    stored = Signal(object)  # a FileReport whose papers are now in the store
    indexed = Signal()
    finished = Signal(list, bool)  # reports, cancelled
    message = Signal(str)  # for the status bar

    def __init__(self, runner: TaskRunner, panel: ProgressPanel, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self._runner = runner
        self._panel = panel
        self._parent = parent_widget
        self._task: Task | None = None
        self.last_dir = ""
        panel.cancel.connect(self.cancel)

    @property
    def running(self) -> bool:
        """Whether an import is under way."""
        return self._task is not None

    def choose_files(self) -> list[Path]:
        """Ask for dump files (multi-select) and import them."""
        names, _ = QFileDialog.getOpenFileNames(self._parent, "Import listing dumps",
                                                self.last_dir, FILE_FILTER)
        paths = [Path(n) for n in names]
        if paths:
            self.last_dir = str(paths[0].parent)
            self.import_paths(paths)
        return paths

    def paste(self) -> bool:
        """Import the clipboard's text (False if it holds none)."""
        text = QGuiApplication.clipboard().text()
        if not text.strip():
            self.message.emit("The clipboard holds no text to import.")
            return False
        return self.import_text(text, clipboard_name())

    def import_paths(self, paths: Sequence[Path], kind: str = "dialog") -> bool:
        """Import files in the background, as one import action."""
        paths = [Path(p) for p in paths]
        if not paths:
            return False

        def job(ctx: TaskContext) -> list[FileReport]:
            reports: list[FileReport] = []
            alongside = child_available() and index_alongside(paths)
            # a big dump is indexed in the child indexer as its chunks are stored
            with (ConcurrentIndexer(ctx.root) if alongside else nullcontext()), \
                    ctx.library.import_action(kind) as action:
                for n, path in enumerate(paths, start=1):
                    if ctx.cancelled():
                        break
                    label = f"Importing {path.name} ({n} of {len(paths)})…"
                    ctx.progress(0, 0, label)
                    reports += ctx.library.import_paths(
                        [path], progress=lambda d, t, label=label: ctx.progress(d, t, label),
                        should_cancel=ctx.cancelled, action=action)
                    ctx.event("stored", reports[-1])
            return _index(ctx, reports)

        return self._start(job, f"Importing {len(paths)} file{'s' if len(paths) != 1 else ''}…")

    def import_text(self, text: str, name: str) -> bool:
        """Import pasted text in the background."""

        def job(ctx: TaskContext) -> list[FileReport]:
            label = f"Importing {name}…"
            with ctx.library.import_action("paste") as action:
                report = ctx.library.import_text(
                    text, name=name, progress=lambda d, t: ctx.progress(d, t, label),
                    should_cancel=ctx.cancelled, action=action)
            ctx.event("stored", report)
            return _index(ctx, [report])

        return self._start(job, f"Importing {name}…")

    def cancel(self) -> None:
        """Stop the import (files already stored stay; the rest is not touched)."""
        if self._task is not None:
            self._task.cancel()
            self._panel.show_progress("Cancelling…", 0, 0, cancellable=False)

    def _start(self, job: object, label: str) -> bool:
        if self._task is not None:
            self.message.emit("An import is already running; wait for it or cancel it.")
            return False
        self._panel.show_progress(label, 0, 0)
        task = self._runner.submit(job, lane=WRITE, name="import")  # type: ignore[arg-type]
        self._task = task
        task.progressed.connect(self._on_progress)
        task.evented.connect(self._on_event)
        task.finished.connect(self._on_finished)
        task.failed.connect(self._on_failed)
        return True

    def _on_progress(self, done: int, total: int, label: str) -> None:
        if self._task is not None and not self._task.is_cancelled():
            self._panel.show_progress(label, done, total)

    def _on_event(self, name: str, payload: object) -> None:
        if name == "stored":
            self.stored.emit(payload)
        elif name == "indexed":
            self.indexed.emit()
        elif name == "backup failed":
            self.message.emit(f"{payload}"[:1].upper() + f"{payload}"[1:])

    def _on_finished(self, reports: object) -> None:
        task, self._task = self._task, None
        self._panel.hide()
        cancelled = bool(task and task.is_cancelled())
        self.finished.emit(list(reports or []), cancelled)

    def _on_failed(self, message: str) -> None:
        self._task = None
        self._panel.hide()
        self.message.emit(f"Import failed: {message}")
        self.finished.emit([], False)


def _index(ctx: TaskContext, reports: list[FileReport]) -> list[FileReport]:
    """Bring the index up to date after storing (skipped if the user cancelled)."""
    if not ctx.cancelled():
        sync_index(ctx, after_import=True)
        ctx.event("indexed")
    # the before-import backup was copied beside storing and indexing: note it now
    for problem in ctx.library.finish_backups():
        ctx.event("backup failed", problem)
    if not ctx.cancelled():  # small segments merged in the background, after a big import
        merge_segments(ctx, force=sum(r.new for r in reports) >= CHILD_THRESHOLD)
    return reports
