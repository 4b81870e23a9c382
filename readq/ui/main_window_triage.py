"""The main window's side of triage mode, notes and index syncs.

Entering and leaving :class:`~readq.ui.triage_mode.TriagePage` (what T triages,
reloading the hidden list once when triage ends), saving notes, and bringing the
search index up to date without competing with triage. Mixed into
:class:`~readq.ui.main_window.MainWindow`.
"""

from __future__ import annotations

from readq.ui.views import view_title


class TriageMixin:
    """Triage mode, notes and index syncs of :class:`MainWindow`."""

    # --- triage mode -----------------------------------------------------------------------

    @property
    def triage_active(self) -> bool:
        """Triage mode is shown."""
        return self.pages.currentWidget() is self.triage_page

    def triage_scope(self) -> tuple[list[int], str]:
        """What T triages: the selected papers when several are selected, else the whole
        view (or search results) in list order."""
        if self.center.currentWidget() is not self.table:
            return [], ""
        label = view_title(self.list_state.entry)
        if self.list_state.query:
            label = f"“{self.list_state.query}” in {label}"
        if len(self.table.selectionModel().selectedRows()) > 1:
            ids = self.table.selected_ids()
            return ids, f"{len(ids)} selected papers"
        ids = self.model.ids
        undecided = self.library.undecided(ids)  # not rated, queued, read or dismissed yet
        if undecided and len(undecided) < len(ids):
            return undecided, f"{label} — {len(undecided)} undecided"
        return ids, label

    def start_triage(self, ids: list[int] | None = None, label: str = "") -> bool:
        """Open triage mode on papers (default: :meth:`triage_scope`)."""
        if ids is None:
            ids, label = self.triage_scope()
        if not ids:
            self.statusBar().showMessage("Nothing to triage here: choose a view with papers, "
                                         "or select some.", 6000)
            return False
        self.detail.flush_note()
        self.detail.show_paper(None)  # reloaded fresh (with any quick note) on the way back
        if self.cheatsheet is not None and self.cheatsheet.isVisible():
            self.cheatsheet.close()
        self.pages.setCurrentWidget(self.triage_page)
        self.statusBar().clearMessage()
        self.toolbar.hide()
        self.actions["triage"].setEnabled(False)
        if not self.triage_page.start(list(ids), label or "Triage"):
            self.leave_triage()
            return False
        self.triage_page.card.setFocus()
        return True

    def leave_triage(self) -> None:
        """Back to the list (reloaded if decisions changed it), on the paper last shown."""
        current = self.triage_page.stop()
        if not self.triage_active:
            return
        self.pages.setCurrentWidget(self.splitter)
        self.toolbar.setVisible(self.toolbar_wanted)
        self.actions["triage"].setEnabled(True)
        if self._sync_after_pause.isActive():
            self._sync_after_pause.stop()
            self.index_keeper.schedule_sync()
        if self._list_stale or current is not None:
            self._list_stale = False
            self._select_after_load = [current] if current is not None else []
            self.load(keep=True)
        self._show_current()
        self.table.setFocus()

    def _warm_up_triage(self) -> None:
        if not self._closed and not self.triage_active:
            self.triage_page.warm_up(self.pages.size())

    def _read_queue_after_triage(self) -> None:
        self.leave_triage()
        self.read_next()

    def _on_import_triage(self, ids: list[int]) -> None:
        if self.start_triage(ids, f"{len(ids)} new paper{'s' if len(ids) != 1 else ''}"):
            self.activateWindow()  # the summary dialog just closed: keys come here

    # --- notes and the index -------------------------------------------------------------

    def _save_note(self, paper_id: int, text: str) -> None:
        """Queue the note for writing (the editor goes on at once)."""
        editor = self.detail.note_editor
        self.triage.save_note(paper_id, text, self._on_note_saved,
                              lambda msg: editor.save_failed_later(paper_id, text, msg))

    def _on_note_saved(self, paper_id: int) -> None:
        self.model.invalidate([paper_id])
        self.refresh_counts()
        self.sync_index_soon()

    def sync_index_soon(self) -> None:
        """Bring the index up to date in the background: now, or — in triage mode — once
        the keys pause for ``TRIAGE_SYNC_PAUSE_MS`` (or triage ends), so a Whoosh
        writer never competes with painting the next card. What is pending stays
        queued in the store meanwhile, so nothing is lost if the app stops."""
        if self.triage_active:
            self._sync_after_pause.start()
        else:
            self.index_keeper.schedule_sync()

    def _on_indexed(self) -> None:
        if self.list_state.query:
            self.load(keep=True)
        self.refresh_counts()
        self.index_synced.emit()
