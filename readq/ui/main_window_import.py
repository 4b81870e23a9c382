"""The main window's import handling: File ▸ Import, the sample dumps, drag and
drop, the import summary and the one undo step of each import. Mixed into
:class:`~readq.ui.main_window.MainWindow`; the work itself runs in
:class:`~readq.ui.import_dialog.ImportController`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from readq.library import FileReport
from readq.paths import samples_dir
from readq.ui.import_summary import ImportSummaryDialog
from readq.ui.undo import ImportCommand


class ImportMixin:
    """Imports (menu, samples, drag and drop) and their undo, of :class:`MainWindow`."""

    # --- import ----------------------------------------------------------------------------

    def _choose_files(self) -> None:
        self.imports.last_dir = self.imports.last_dir or self.prefs.last_import_dir
        if self.imports.choose_files():
            self.prefs.last_import_dir = self.imports.last_dir

    def import_samples(self) -> None:
        """Import the sample dumps shipped with readq."""
        folder = samples_dir()
        if folder is None:
            self.statusBar().showMessage("No sample dumps are installed.", 6000)
            return
        self.imports.import_paths(sorted(folder.glob("*.txt")), kind="samples")

    def _on_import_stored(self, report: FileReport) -> None:
        was_empty = self.center.currentWidget() is self.welcome
        self._rebuild_sidebar()
        self.load(keep=True)
        if was_empty and self.model.rowCount():
            self.table.select_row(0)
            self.table.setFocus()

    def _on_import_finished(self, reports: list[FileReport], cancelled: bool) -> None:
        # The papers are listed, the sidebar rebuilt and the counts refreshed since
        # "stored", and the import's own sync has indexed them ("indexed" refreshed
        # the search): nothing to reload again. Only an import that stopped early
        # (cancelled, or failed before announcing a file) leaves work to catch up.
        if cancelled or not reports:
            self._rebuild_sidebar()
            self.index_keeper.schedule_sync()
        self._push_import_undo(reports)
        if not reports:
            return
        note = "Papers already stored stay; the search index catches up in the background." \
            if cancelled else ""
        dialog = ImportSummaryDialog(reports, self, cancelled=cancelled, note=note)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.triage_requested.connect(self._on_import_triage)
        self.last_summary = dialog
        dialog.destroyed.connect(lambda *_: self._forget_summary(dialog))
        dialog.open()
        self.import_done.emit(reports)

    def _push_import_undo(self, reports: list[FileReport]) -> None:
        """One undo step for the import action, if it changed anything."""
        action = next((r.action_id for r in reports if r.action_id is not None
                       and (r.new or r.merged or r.possible_duplicates)), None)
        if action is None:
            return
        files = [Path(r.path).name for r in reports if not r.failed or r.records]
        text = f"Import {files[0]}" if len(files) == 1 else f"Import {len(files)} files"
        self.undo_stack.push(ImportCommand(self.ops, action, text, self._after_import_undo,
                                           self._import_undo_refused, self._keep_touched,
                                           self._import_undo_progress))

    def _import_undo_progress(self, done: int, total: int) -> None:
        """The status bar while an import is being undone (papers removed so far)."""
        label = f"Undoing the import: {done:,} of {total:,} papers removed…" if total \
            else "Undoing the import…"
        self.progress.show_progress(label, done, total, cancellable=False)

    def _after_import_undo(self) -> None:
        self.progress.hide()
        self.model.invalidate(self.model.ids)
        self._rebuild_sidebar()
        self.load(keep=True)
        self.index_keeper.schedule_sync()
        self.statusBar().showMessage("The import was undone.", 6000)

    def _import_undo_refused(self, message: str) -> None:
        self.progress.hide()
        self.undo_stack.redo()  # the import stays: so does its undo step
        self.statusBar().showMessage(f"The import was not undone: {message}", 10000)

    def _keep_touched(self, message: str) -> bool:
        self.progress.hide()  # nothing is being undone while the question is open
        return self.ask("Undo import", f"{message[:1].upper()}{message[1:]}.\n\nUndo the "
                        "import but keep those papers?")

    def _forget_summary(self, dialog: ImportSummaryDialog) -> None:
        if self.last_summary is dialog:
            self.last_summary = None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        files = [p for p in paths if p.is_file()]
        if files:
            event.acceptProposedAction()
            self.imports.import_paths(files, kind="drop")
