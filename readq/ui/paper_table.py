"""The paper list: a ``QTableView`` over :class:`PaperModel` with multi-select.

It keeps the selection on the same papers across reloads (a view refresh
after a change), or on the row where a paper that left the view was, so
triage flows: dismiss one, the next is selected. In the queue view it allows
drag and drop to reorder.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QPoint, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from readq.ui.paper_model import (
    AUTHORS,
    CATEGORY,
    CODE,
    COLUMNS,
    DATE,
    QUEUE,
    RATING,
    READ,
    TITLE,
    PaperModel,
    RatingRole,
)
from readq.ui.star_widget import StarDelegate

DEFAULT_WIDTHS = {TITLE: 300, AUTHORS: 170, DATE: 86, CATEGORY: 42, RATING: 74, READ: 40,
                  CODE: 42, QUEUE: 46}


class PaperTable(QTableView):
    """The list of papers of the current view or search."""

    def __init__(self, model: PaperModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paper_model = model
        self.setModel(model)
        self.setObjectName("paperTable")
        self.setAccessibleName("Papers")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setTabKeyNavigation(False)
        self.setItemDelegateForColumn(RATING, StarDelegate(RatingRole, self))
        vertical = self.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSortIndicatorShown(True)
        header.setSortIndicatorClearable(True)
        header.setSectionsClickable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setMinimumSectionSize(28)
        for column, width in DEFAULT_WIDTHS.items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        header.sortIndicatorChanged.connect(self._on_sort_indicator)
        self.setDragDropOverwriteMode(False)
        self.setDropIndicatorShown(True)
        self.set_reorderable(False)

    # --- selection ---------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        """Ids of the selected papers, in list order (the current one if none)."""
        rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
        if not rows and self.currentIndex().isValid():
            rows = [self.currentIndex().row()]
        return [self.paper_model.id_at(r) for r in rows if r < self.paper_model.rowCount()]

    def current_id(self) -> int | None:
        """The paper with the focus, if any."""
        index = self.currentIndex()
        if not index.isValid() or index.row() >= self.paper_model.rowCount():
            return None
        return self.paper_model.id_at(index.row())

    def select_row(self, row: int) -> None:
        """Make one row current and selected (clamped; nothing if the list is empty)."""
        count = self.paper_model.rowCount()
        if count == 0:
            return
        row = max(0, min(row, count - 1))
        index = self.paper_model.index(row, 0)
        self.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.scrollTo(index)

    def select_ids(self, ids: Sequence[int], current: int | None) -> bool:
        """Select papers by id, ``current`` getting the focus; False if none is shown."""
        model = self.paper_model
        rows = [r for r in (model.row_of(i) for i in ids) if r >= 0]
        if not rows:
            return False
        selection = QItemSelection()
        for row in rows:
            selection.select(model.index(row, 0), model.index(row, len(COLUMNS) - 1))
        current_row = model.row_of(current) if current is not None else -1
        if current_row < 0:
            current_row = rows[0]
        selection_model = self.selectionModel()
        selection_model.setCurrentIndex(model.index(current_row, 0),
                                        QItemSelectionModel.SelectionFlag.NoUpdate)
        selection_model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.scrollTo(model.index(current_row, 0))
        return True

    def reload(self, ids: Sequence[int], keep: bool = True) -> None:
        """Show other ids, keeping the selection on the same papers where possible."""
        selected = self.selected_ids() if keep else []
        current = self.current_id() if keep else None
        old_row = self.currentIndex().row()
        self.paper_model.set_ids(ids)
        if keep and self.select_ids(selected, current):
            return
        if keep and old_row >= 0:
            self.select_row(old_row)

    # --- queue drag and drop -----------------------------------------------------------

    def set_reorderable(self, enabled: bool) -> None:
        """Allow dragging rows to reorder (the queue view in its own order)."""
        self.paper_model.reorderable = enabled
        self.setDragEnabled(enabled)
        self.setAcceptDrops(enabled)
        self.viewport().setAcceptDrops(enabled)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove if enabled
                             else QAbstractItemView.DragDropMode.NoDragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)

    def _header_menu(self, pos: QPoint) -> None:
        """Right-click on the header: show or hide columns (the title always stays)."""
        header = self.horizontalHeader()
        menu = QMenu(self)
        for column, (name, _key) in enumerate(COLUMNS):
            if column == TITLE:
                continue
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.toggled.connect(lambda on, c=column: header.setSectionHidden(c, not on))
        menu.popup(header.mapToGlobal(pos))

    def _on_sort_indicator(self, column: int, order: Qt.SortOrder) -> None:
        self.paper_model.sort(column, order)

    def clear_sort(self) -> None:
        """Back to the view's own order (no sort indicator)."""
        header = self.horizontalHeader()
        blocked = header.blockSignals(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.blockSignals(blocked)
        self.paper_model.sort_key = ""
        self.paper_model.descending = False
