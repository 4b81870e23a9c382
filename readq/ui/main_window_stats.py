"""The main window's Statistics page: showing it, computing its figures in the
background (coalesced) and listing the papers behind a bar. Mixed into
:class:`~readq.ui.main_window.MainWindow`; the page itself is
:class:`~readq.ui.stats_page.StatsPage`, made on first show.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex

from readq.ui.sidebar import SidebarEntry
from readq.ui.tasks import READ


class StatisticsMixin:
    """The Statistics page of :class:`MainWindow`."""

    # --- statistics --------------------------------------------------------------------

    def show_statistics(self) -> None:
        """View ▸ Statistics: the page of charts (its sidebar entry)."""
        if self.triage_active:
            self.leave_triage()
        self.sidebar.select_key("stats")

    @property
    def statistics_shown(self) -> bool:
        """The Statistics page is on screen."""
        return self.stats_page is not None and self.center.currentWidget() is self.stats_page

    def _show_statistics_page(self) -> None:
        if self.stats_page is None:
            from readq.ui.stats_page import StatsPage  # pyqtgraph and numpy load here

            self.stats_page = StatsPage()
            self.stats_page.selection_requested.connect(self.show_stats_selection)
            self.center.addWidget(self.stats_page)
        self.searches.cancel()
        self.model.set_ids([])
        self.center.setCurrentWidget(self.stats_page)
        self._choose_page_for_stats()
        self.refresh_statistics()

    def _choose_page_for_stats(self) -> None:
        self.detail.setVisible(False)
        self.statusBar().clearMessage()
        self.view_loaded.emit()

    def refresh_statistics(self) -> None:
        """Recompute the figures in the background (coalesced) and redraw the page."""
        if self._stats_task is not None:
            self._stats_again = True
            return
        task = self.runner.submit(lambda ctx: ctx.library.statistics(), lane=READ,
                                  name="statistics")
        self._stats_task = task
        task.finished.connect(self._on_statistics)
        task.failed.connect(lambda msg: self._on_statistics(None, msg))

    def _on_statistics(self, figures: object, error: str = "") -> None:
        self._stats_task = None
        if self._stats_again:
            self._stats_again = False
            self.refresh_statistics()
            return
        if isinstance(figures, dict) and self.stats_page is not None:
            self.stats_page.set_figures(figures)
        elif error:
            self.statusBar().showMessage(f"The statistics could not be computed: {error}", 8000)

    def _stats_follow_changes(self) -> None:
        if self.statistics_shown:
            self.refresh_statistics()

    def show_stats_selection(self, key: str, description: str) -> None:
        """List the papers behind a bar of the Statistics page."""
        entry = SidebarEntry(f"stats:{key}", description, f"stats:{key}", kind="selection",
                             tooltip=description)
        blocked = self.sidebar.selectionModel().blockSignals(True)
        self.sidebar.setCurrentIndex(QModelIndex())  # Statistics can be chosen again
        self.sidebar.selectionModel().blockSignals(blocked)
        self.sidebar.viewport().update()
        if self.list_state.query:
            self.search.set_text("", notify=False)
            self.list_state.query = ""
        self.list_state.entry = entry
        self.list_state.view = entry.view
        self.setWindowTitle(f"readq — {description}")
        self.load(keep=False)
        self.table.setFocus()
