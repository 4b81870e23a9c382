"""The paper list: a ``QTableView`` over :class:`PaperModel` with multi-select.

It keeps the selection on the same papers across reloads (a view refresh
after a change), or on the row where a paper that left the view was, so
triage flows: dismiss one, the next is selected. In the queue view it allows
drag and drop to reorder.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QPaintEvent, QResizeEvent
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
    TAGS,
    TITLE,
    PaperModel,
    RatingRole,
)
from readq.ui.column_fit import ColumnNeed, share_width
from readq.ui.star_widget import MAX_STARS, StarDelegate

DEFAULT_WIDTHS = {TITLE: 300, AUTHORS: 170, DATE: 86, CATEGORY: 42, RATING: 84, READ: 40,
                  CODE: 42, QUEUE: 46, TAGS: 120}
# What each column typically holds, measured to fit it (never by scanning the rows,
# which would fetch every paper of a 100,000-paper view).
SAMPLE_TEXT = {AUTHORS: "Firstname Lastname, Firstna", DATE: "2024-12-31",
               CATEGORY: "Cat.", READ: "Read", CODE: "Code", QUEUE: "#999",
               TAGS: "#reinforcement"}
HIDDEN_AT_FIRST = (CATEGORY, CODE)  # the header's menu shows them
# left out when the list has no room, least wanted first (the detail pane shows them)
DROP_ORDER = (CATEGORY, CODE, TAGS, QUEUE, READ)


class PaperTable(QTableView):
    """The list of papers of the current view or search."""

    painted = Signal()  # the rows on screen were just drawn

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
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Interactive)  # see
        # keep_title_readable: the title takes the rest, but never less than a third
        for column in HIDDEN_AT_FIRST:
            header.setSectionHidden(column, True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        header.sortIndicatorChanged.connect(self._on_sort_indicator)
        self._fitting = False
        self._natural: dict[int, int] = {}  # widths that show each column's content
        self._given: dict[int, int] = {}  # the widths readq last gave them
        self._auto: set[int] = set()  # columns still at readq's width (not the user's)
        self._empty: set[int] = set()  # columns with nothing in them (the window says)
        self._dropped: list[int] = []  # left out for now: no room
        self._pinned: set[int] = set()  # shown from the header menu: never left out
        header.sectionResized.connect(self._on_section_resized)
        self.setDragDropOverwriteMode(False)
        self.setDropIndicatorShown(True)
        self.set_reorderable(False)

    # --- keys ----------------------------------------------------------------------------

    def keyboardSearch(self, search: str) -> None:
        """Off: Qt's type-to-find reads every row (seconds at 100,000 papers), and the
        list's letters are commands (R, Q, X, L…)."""

    def moveCursor(self, action: QAbstractItemView.CursorAction,
                   modifiers: Qt.KeyboardModifier) -> QModelIndex:
        """Home/End (with or without Ctrl) go to the first/last paper, not column."""
        count = self.paper_model.rowCount()
        if count and action in (QAbstractItemView.CursorAction.MoveEnd,
                                QAbstractItemView.CursorAction.MoveHome):
            row = count - 1 if action == QAbstractItemView.CursorAction.MoveEnd else 0
            column = max(0, self.currentIndex().column())
            return self.paper_model.index(row, column)
        return super().moveCursor(action, modifiers)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """A plain key of the list's own actions (0–5, R, Q…) that its shortcut did not
        take — typed while the window was inactive — still does what the action says,
        instead of falling through to the table."""
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if modifiers in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier) \
                and event.text().strip():
            pressed = QKeySequence(event.key())
            widget = self.parentWidget()
            while widget is not None and not widget.isWindow():
                for action in widget.actions():
                    if action.isEnabled() and action.shortcutContext() == \
                            Qt.ShortcutContext.WidgetWithChildrenShortcut and any(
                                key.matches(pressed) == QKeySequence.SequenceMatch.ExactMatch
                                for key in action.shortcuts()):
                        event.accept()
                        QTimer.singleShot(0, action.trigger)
                        return
                widget = widget.parentWidget()
        super().keyPressEvent(event)

    # --- columns -----------------------------------------------------------------------

    def fit_columns(self) -> None:
        """Size the columns to what they hold at the current font (and never narrower than
        their header with its sort arrow); the title takes the rest. Row height follows
        the font too."""
        metrics = self.fontMetrics()
        pad = 18
        star = min(metrics.height(), 13)
        contents = {column: metrics.horizontalAdvance(sample) + pad
                    for column, sample in SAMPLE_TEXT.items()}
        contents[RATING] = int(star * 1.15 * MAX_STARS) + 12
        self._natural = {column: max(width, self.header_need(column))
                         for column, width in contents.items()}
        self._auto = set(self._natural)  # readq's widths, until the user drags one
        self._given = {}
        self.verticalHeader().setDefaultSectionSize(metrics.height() + 10)
        self.keep_title_readable()

    def header_need(self, column: int) -> int:
        """The width that shows a column's header text whole, sort arrow included."""
        return self.horizontalHeader().sectionSizeFromContents(column).width()

    def set_empty_columns(self, columns: set[int]) -> None:
        """Columns with nothing in them in the whole library (no tags, none read…): they
        shrink to their header and are the first left out when room is short."""
        if columns != self._empty:
            self._empty = set(columns)
            self.keep_title_readable()

    def _floor(self, column: int) -> int:
        floor_text = {AUTHORS: "Firstname Last", TAGS: "#to-read"}.get(column)
        natural = self._natural.get(column, self.header_need(column))
        if floor_text is None:
            return natural
        wanted = self.fontMetrics().horizontalAdvance(floor_text) + 16
        return min(natural, max(wanted, self.header_need(column)))

    def keep_title_readable(self) -> None:
        """The title takes the width the other columns leave, and never less than
        :data:`~readq.ui.column_fit.TITLE_SHARE` of the list: a narrow list (or a big
        zoom) first narrows the authors and tags — only while they have readq's width,
        never one the user chose — then leaves out, for now, the columns that matter
        least (empty ones first), rather than scrolling sideways."""
        header = self.horizontalHeader()
        avail = self.viewport().width()
        if avail <= 0 or self._fitting:
            return
        self._fitting = True
        try:
            for column in self._dropped:
                header.setSectionHidden(column, False)
            self._dropped = []
            for column in list(self._auto):  # sized by the user, or remembered: theirs
                if column in self._given and not header.isSectionHidden(column) \
                        and header.sectionSize(column) != self._given[column]:
                    self._auto.discard(column)
            needs: dict[int, ColumnNeed] = {}
            for column in range(len(COLUMNS)):
                if column == TITLE or header.isSectionHidden(column):
                    continue
                mine = column in self._auto
                empty = column in self._empty
                natural = self.header_need(column) if empty and mine else \
                    self._natural.get(column, header.sectionSize(column)) if mine else \
                    header.sectionSize(column)
                needs[column] = ColumnNeed(
                    natural=natural, floor=min(natural, self._floor(column)),
                    fixed=not mine, droppable=column in DROP_ORDER and column not in
                    self._pinned, empty=empty)
            fit = share_width(avail, needs, list(DROP_ORDER))
            for column in fit.dropped:
                header.setSectionHidden(column, True)
            self._dropped = list(fit.dropped)
            for column, width in fit.widths.items():
                if column in self._auto:
                    header.resizeSection(column, width)
                    self._given[column] = width
            header.resizeSection(TITLE, fit.title)
        finally:
            self._fitting = False

    def restore_dropped(self) -> None:
        """Show again the columns left out for room (before the header state is saved,
        so a left-out column is not remembered as hidden by the user)."""
        header = self.horizontalHeader()
        for column in self._dropped:
            header.setSectionHidden(column, False)
        self._dropped = []

    def _on_section_resized(self, column: int, _old: int, _new: int) -> None:
        if self._fitting:
            return
        self._auto.discard(column)  # the user's width from now on
        if column != TITLE:
            self.keep_title_readable()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self.painted.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.keep_title_readable()

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
            action.toggled.connect(lambda on, c=column: self._choose_column(c, on))
        menu.popup(header.mapToGlobal(pos))

    def _choose_column(self, column: int, shown: bool) -> None:
        """The header menu's choice: a column shown there stays, even when room is short."""
        if column in self._dropped:
            self._dropped.remove(column)
        if shown:
            self._pinned.add(column)
        else:
            self._pinned.discard(column)
        self.horizontalHeader().setSectionHidden(column, not shown)
        self.keep_title_readable()

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
