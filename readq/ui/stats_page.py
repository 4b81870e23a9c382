"""The Statistics page: what the library holds and how the reading goes, as charts.

The window computes the figures in the background (``Library.statistics`` on
the read lane) and hands them to :meth:`StatsPage.set_figures`; the page only
draws. An empty library shows an explanation instead of empty charts. Clicking
a bar or point emits ``selection_requested(key, description)``: the window then
lists those papers (library view ``stats:<key>``).
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from readq.ui.empty_state import EmptyView
from readq.ui.stats_charts import Chart, ChartSpec, chart_specs

WIDE = 900  # two columns of charts from this width on


class StatsPage(QStackedWidget):
    """Charts of the figures, or an empty state."""

    selection_requested = Signal(str, str)
    drawn = Signal()  # new figures are on screen (tests)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statsPage")
        self.figures: dict[str, Any] | None = None
        self.charts: list[Chart] = []
        self.empty = EmptyView(self)
        self.empty.show_message(
            "No statistics yet",
            "Import a dump to fill the library. From then on readq records when you read, "
            "queue, rate and dismiss papers, and this page shows your backlog, your reading "
            "rate, your ratings and what fills the library.")
        self.loading = QLabel("Counting…", self)
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.loading.setEnabled(False)

        self.body = QWidget()
        self.heading = QLabel(self.body)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setWordWrap(True)
        self.grid = QGridLayout()
        self.grid.setSpacing(10)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.addWidget(self.heading)
        layout.addLayout(self.grid)
        layout.addStretch(1)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.body)
        for widget in (self.loading, self.empty, self.scroll):
            self.addWidget(widget)
        self.setCurrentWidget(self.loading)
        self._columns = 0
        self._pending: list[ChartSpec] = []  # specs of charts still to be made
        self._made = 0

    @property
    def ready(self) -> bool:
        """Figures have arrived and every chart shows them."""
        return self.figures is not None and not self._pending

    @property
    def showing_empty_state(self) -> bool:
        """The empty library's explanation is shown (no charts)."""
        return self.currentWidget() is self.empty

    def chart(self, name: str) -> Chart:
        """The chart of a spec name (``"backlog"``, ``"ratings"``…)."""
        return next(c for c in self.charts if c.spec.name == name)

    def set_figures(self, figures: dict[str, Any]) -> None:
        """Show new figures (from ``Library.statistics``)."""
        self.figures = figures
        totals = figures["totals"]
        if not totals["papers"]:
            self._pending = []
            self._clear()
            self.setCurrentWidget(self.empty)
            self.drawn.emit()
            return
        since = (figures.get("history_since") or "")[:10]
        self.heading.setText(
            f"<h2 style='margin:0'>Statistics</h2><p>{totals['papers']:,} papers · "
            f"{totals['inbox']:,} unread in the inbox · {totals['queued']:,} queued · "
            f"{totals['read']:,} read · {totals['rated']:,} rated · "
            f"{totals['dismissed']:,} dismissed"
            + (f"<br>Reading history since {html.escape(since)}: papers read earlier count "
               "as read, with no date." if since else "")
            + "<br>Hover a bar for its value; click it to list those papers.</p>")
        specs = chart_specs(figures)
        if self._pending:  # charts are being made: they take the newest figures at the end
            self._pending = specs
            return
        if [c.spec.name for c in self.charts] == [s.name for s in specs]:
            for chart, spec in zip(self.charts, specs):
                chart.spec = spec
                chart.draw()
            self.setCurrentWidget(self.scroll)
            self.drawn.emit()
            return
        # making a chart takes tens of milliseconds: one per turn of the event loop, so
        # the window stays responsive while the page fills
        self._clear()
        self._pending = specs
        self._made = 0
        QTimer.singleShot(0, self, self._make_next)  # dropped if the page goes

    def _make_next(self) -> None:
        specs = self._pending
        if not specs:
            return
        if self._made < len(specs):
            chart = Chart(specs[self._made])
            chart.selected.connect(self.selection_requested)
            self.charts.append(chart)
            self._made += 1
            self._lay_out(force=True)  # shown as it comes: no big paint at the end
            self.setCurrentWidget(self.scroll)
            QTimer.singleShot(0, self, self._make_next)  # dropped if the page goes
            return
        for chart, spec in zip(self.charts, specs):  # newer figures may have come meanwhile
            if chart.spec is not spec:
                chart.spec = spec
                chart.draw()
        self._pending = []
        self._columns = 0
        self._lay_out()
        self.setCurrentWidget(self.scroll)
        self.drawn.emit()

    def _clear(self) -> None:
        for chart in self.charts:
            self.grid.removeWidget(chart)
            chart.deleteLater()
        self.charts = []

    def _lay_out(self, force: bool = False) -> None:
        columns = 2 if self.width() >= WIDE else 1
        if (columns == self._columns and not force) or not self.charts:
            return
        self._columns = columns
        for chart in self.charts:
            self.grid.removeWidget(chart)
        wide = {"backlog", "imports"}  # weekly and per-import series get a whole row
        row = column = 0
        for chart in self.charts:
            span = columns if chart.spec.name in wide else 1
            if column + span > columns:
                row, column = row + 1, 0
            self.grid.addWidget(chart, row, column, 1, span)
            column += span
            if column >= columns:
                row, column = row + 1, 0
        for c in range(2):
            self.grid.setColumnStretch(c, 1 if c < columns else 0)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._lay_out()
