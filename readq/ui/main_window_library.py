"""The main window's library-wide handlers: backups, restoring one, and the
decisions on possible duplicate pairs (merge, undoable, or keep apart), with the
yes/no question they ask. Mixed into :class:`~readq.ui.main_window.MainWindow`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from readq.ui.undo import MergeCommand


class LibraryMixin:
    """Backups, restore and duplicate decisions of :class:`MainWindow`."""

    # --- backups -------------------------------------------------------------------------

    def backup_now(self) -> None:
        """File ▸ Back up now (a manual backup: those are all kept)."""
        self.ops.run(lambda lib: lib.backup("manual"),
                     lambda path: self.statusBar().showMessage(f"Backed up to {path}", 10000),
                     name="back up")

    def choose_backup(self) -> None:
        """File ▸ Restore…: pick a backup (reason and date listed), then restore it."""
        from readq.ui.backups_dialog import BackupsDialog

        dialog = BackupsDialog(self.library.backup_entries(), self)
        if dialog.exec() and dialog.chosen is not None:
            self.restore_from(dialog.chosen)

    def restore_from(self, path: Path) -> None:
        """Replace the library with a backup (the current state is backed up first)."""
        self.detail.flush_note()

        def restored(safety: object) -> None:
            self.undo_stack.clear()  # the changes it names are gone with the old state
            self.model.invalidate(self.model.ids)
            self._rebuild_sidebar()
            self.load(keep=False)
            self.statusBar().showMessage(f"Restored {Path(path).name}; the library as it was "
                                         f"is in {safety}", 10000)

        def restored_then_check(safety: object) -> None:
            restored(safety)
            self.index_keeper.check_at_start()  # the index follows the restored store

        self.ops.run(lambda lib: lib.restore_backup(path, rebuild=False), restored_then_check,
                     name="restore")

    # --- duplicates ------------------------------------------------------------------------

    def ask(self, title: str, text: str) -> bool:
        """A yes/no question (tests answer it by replacing this method)."""
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def confirm_duplicate(self, pair_id: int) -> bool:
        """Merge a possible duplicate pair into one paper, once the user agrees
        (one undo step that puts both papers back)."""
        self.detail.flush_note()
        if not self.ask("Merge two papers",
                        "Merge these two papers into one? Ratings, notes and sightings are "
                        "combined; Undo (Ctrl+Z) puts both back."):
            return False
        self.undo_stack.push(MergeCommand(self.ops, pair_id, "Merge duplicate papers",
                                          self._after_duplicate_decision))
        return True

    def reject_duplicate(self, pair_id: int) -> None:
        """Keep the two papers of a pair apart."""
        self.ops.run(lambda lib: lib.reject_duplicate(pair_id),
                     lambda _: self._after_duplicate_decision(), name="reject duplicate")

    def _after_duplicate_decision(self) -> None:
        self.model.invalidate(self.model.ids)
        self._rebuild_sidebar()
        self.index_keeper.schedule_sync()
        self.load(keep=self.sidebar.current_key != "duplicates")
