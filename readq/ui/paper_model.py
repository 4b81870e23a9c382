"""The paper list model: ids only, rows fetched lazily in chunks with a small cache.

Like Anki's browser table, the model holds the ordered list of paper ids that a
view (or a search) produced and asks the library for full rows only when the
view paints them, ``CHUNK`` at a time (a 100,000-paper view reads the rows on
screen, not the list). The text of a row's cells is worked out once per fetched
row and ``data()``/``flags()`` answer from plain ints, so a repaint costs Qt's
drawing, not Python per cell. Sorting is a new SQL query for the ids
(``sort_requested``), never a Python sort of loaded rows. In the queue view
(natural order, no search) rows can be dragged to reorder the queue.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont

from readq import latex
from readq.ui.safe_document import plain_tooltip

ModelIndex = QModelIndex | QPersistentModelIndex

CHUNK = 60  # rows read at a time: a screenful and a bit (about 30 rows show at once)
CACHE_LIMIT = 3000
MIME_IDS = "application/x-readq-paper-ids"

# (header, sort key)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Title", "title"),
    ("Authors", "authors"),
    ("Date", "published"),
    ("Cat.", "category"),
    ("Rating", "rating"),
    ("Read", "status"),
    ("Code", "code"),
    ("Queue", "queue"),
    ("Tags", "tags"),
)
TITLE, AUTHORS, DATE, CATEGORY, RATING, READ, CODE, QUEUE, TAGS = range(len(COLUMNS))

IdRole = Qt.ItemDataRole.UserRole + 1
RatingRole = Qt.ItemDataRole.UserRole + 2
RowRole = Qt.ItemDataRole.UserRole + 3

# roles and alignments as plain ints: data() is called ~1,500 times per repaint, and
# comparing against Qt's enum members costs more than the rest of the call
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_FONT = int(Qt.ItemDataRole.FontRole.value)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole.value)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole.value)
_ID = int(IdRole)
_RATING = int(RatingRole)
_ROW = int(RowRole)
_ANSWERED = frozenset({_DISPLAY, _TOOLTIP, _FONT, _ALIGN, _ACCESSIBLE, _ID, _RATING, _ROW})
_CENTER = int(Qt.AlignmentFlag.AlignCenter.value)
_LEFT = int((Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value)
_CENTERED = frozenset({READ, CODE, QUEUE, CATEGORY})
_ITEM_FLAGS = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
               | Qt.ItemFlag.ItemNeverHasChildren)
_DRAG_FLAGS = _ITEM_FLAGS | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled

RowFetcher = Callable[[Sequence[int]], list[dict[str, Any]]]
AUTHORS_UNKNOWN = "Authors unknown"  # one wording wherever a dump gave no authors


def display_title(row: dict[str, Any], words: int = 10) -> tuple[str, bool]:
    """The title to show and whether it is a stand-in (untitled arXiv papers)."""
    title = (row.get("title") or "").strip()
    if title:
        return latex.plain(title), False
    abstract = (row.get("abstract") or "").split()
    opening = " ".join(abstract[:words]) + ("…" if len(abstract) > words else "")
    if row.get("arxiv_id"):
        return f"arXiv:{row['arxiv_id']} — {opening}", True
    return opening or "(untitled)", True


def short_authors(row: dict[str, Any], count: int = 2) -> str:
    """The first authors, then "et al." when there are more (or the dump cut them)."""
    authors = row.get("authors") or []
    text = ", ".join(authors[:count])
    if authors and (len(authors) > count or row.get("authors_truncated")):
        text += " et al."
    return text


class PaperModel(QAbstractTableModel):
    """Rows are paper ids; cells are read from lazily fetched library rows."""

    sort_requested = Signal(str, bool)  # sort key ("" = natural order), descending
    reorder_requested = Signal(list, list)  # new queue order, the ids dragged

    def __init__(self, fetch_rows: RowFetcher, parent: Any = None) -> None:
        super().__init__(parent)
        self._fetch_rows = fetch_rows
        self._ids: list[int] = []
        self._rows: dict[int, dict[str, Any]] = {}
        self._cells: dict[int, tuple[tuple[str, ...], bool]] = {}  # texts, stand-in title
        self._italic = QFont()
        self._italic.setItalic(True)
        self.sort_key = ""
        self.descending = False
        self._reorderable = False
        self._flags = _ITEM_FLAGS
        self.rows_fetched = 0  # rows read from the library since the model was made

    @property
    def reorderable(self) -> bool:
        """Rows can be dragged to reorder (the queue in its own order)."""
        return self._reorderable

    @reorderable.setter
    def reorderable(self, enabled: bool) -> None:
        self._reorderable = enabled
        self._flags = _DRAG_FLAGS if enabled else _ITEM_FLAGS

    # --- contents --------------------------------------------------------------------

    @property
    def ids(self) -> list[int]:
        """The ids shown, in order."""
        return list(self._ids)

    def set_ids(self, ids: Sequence[int]) -> None:
        """Show another list of papers (cached rows are dropped: they may be stale)."""
        self.beginResetModel()
        self._ids = list(ids)
        self._rows.clear()
        self._cells.clear()
        self.endResetModel()

    def invalidate(self, ids: Sequence[int] | None = None) -> None:
        """Forget cached rows (all, or some) and repaint them."""
        if ids is None:
            self._rows.clear()
            self._cells.clear()
            if self._ids:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(len(self._ids) - 1, len(COLUMNS) - 1))
            return
        wanted = set(ids)
        for paper_id in wanted:
            self._rows.pop(paper_id, None)
            self._cells.pop(paper_id, None)
        for row, paper_id in enumerate(self._ids):
            if paper_id in wanted:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def row_of(self, paper_id: int) -> int:
        """The row showing a paper, or -1."""
        try:
            return self._ids.index(paper_id)
        except ValueError:
            return -1

    def id_at(self, row: int) -> int:
        """The paper id on a row."""
        return self._ids[row]

    def paper(self, row: int) -> dict[str, Any]:
        """The full library row of a paper on a row (fetched if needed)."""
        paper_id = self._ids[row]
        cached = self._rows.get(paper_id)
        if cached is None:
            start = row - row % CHUNK
            chunk = self._ids[start : start + CHUNK]
            if len(self._rows) + len(chunk) > CACHE_LIMIT:
                self._rows.clear()
                self._cells.clear()
            for item in self._fetch_rows(chunk):
                self._rows[item["id"]] = item
            self.rows_fetched += len(chunk)
            cached = self._rows.get(paper_id)
            if cached is None:  # deleted meanwhile (e.g. a confirmed duplicate)
                cached = {"id": paper_id, "title": "(removed)", "authors": [], "abstract": "",
                          "rating": 0, "status": "read", "has_code": 0,
                          "queue_position": None, "published": None, "category": None}
                self._rows[paper_id] = cached
        return cached

    # --- QAbstractTableModel -----------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section][0]
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"Sort by {COLUMNS[section][0].lower()} (click again to reverse, "\
                       "a third time for the view's own order)"
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ANSWERED:  # most of the roles a view asks for
            return None
        row_number = index.row()  # -1 for an invalid index
        if not 0 <= row_number < len(self._ids):
            return None
        if role == _ID:
            return self._ids[row_number]
        column = index.column()
        if role == _ALIGN:
            return _CENTER if column in _CENTERED else _LEFT
        if role == _DISPLAY or role == _ACCESSIBLE:
            return self._row_cells(row_number)[0][column]
        if role == _FONT:
            return self._italic if column == TITLE and self._row_cells(row_number)[1] else None
        row = self.paper(row_number)
        if role == _ROW:
            return row
        if role == _RATING:
            return int(row.get("rating") or 0)
        tip = self._tooltip(row, column)
        return plain_tooltip(tip) if tip else tip  # titles are imported text

    def _row_cells(self, row_number: int) -> tuple[tuple[str, ...], bool]:
        """A row's cell texts (and whether its title is a stand-in), worked out once."""
        paper_id = self._ids[row_number]
        cells = self._cells.get(paper_id)
        if cells is None:
            row = self.paper(row_number)
            cells = (tuple(self._text(row, c) for c in range(len(COLUMNS))),
                     display_title(row)[1])
            self._cells[paper_id] = cells
        return cells

    def _text(self, row: dict[str, Any], column: int) -> str:
        if column == TITLE:
            return display_title(row)[0]
        if column == AUTHORS:
            return short_authors(row)
        if column == DATE:
            return row.get("published") or ""
        if column == CATEGORY:
            return row.get("category") or ""
        if column == RATING:
            rating = int(row.get("rating") or 0)
            return "★" * rating if rating else ""
        if column == READ:
            return "✓" if row.get("status") == "read" else ""
        if column == CODE:
            return "</>" if row.get("has_code") else ""
        if column == QUEUE:
            position = row.get("queue_position")
            return f"#{position}" if position else ""
        if column == TAGS:
            return " ".join(f"#{tag}" for tag in row.get("tags") or [])
        return ""

    def _tooltip(self, row: dict[str, Any], column: int) -> str | None:
        if column == TITLE:
            return display_title(row, words=40)[0]
        if column == AUTHORS:
            return ", ".join(row.get("authors") or []) or None
        if column == RATING:
            rating = int(row.get("rating") or 0)
            return f"{rating} of 5 stars" if rating else "Not rated"
        if column == READ:
            return "Read" if row.get("status") == "read" else "Unread"
        if column == CODE:
            return "Code available" if row.get("has_code") else None
        if column == QUEUE:
            position = row.get("queue_position")
            return f"Position {position} in the reading queue" if position else None
        if column == TAGS:
            return ", ".join(row.get("tags") or []) or None
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            if self._reorderable:
                return Qt.ItemFlag.ItemIsDropEnabled
            return Qt.ItemFlag.NoItemFlags
        return self._flags

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Ask the owner to re-query the ids in SQL (column -1: the view's own order)."""
        key = COLUMNS[column][1] if 0 <= column < len(COLUMNS) else ""
        descending = order == Qt.SortOrder.DescendingOrder and bool(key)
        if (key, descending) == (self.sort_key, self.descending):
            return  # already in this order (QTableView.sortByColumn asks twice)
        self.sort_key = key
        self.descending = descending
        self.sort_requested.emit(key, self.descending)

    # --- drag and drop (queue reordering) ---------------------------------------------

    def mimeTypes(self) -> list[str]:
        return [MIME_IDS]

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        data = QMimeData()
        payload = ",".join(str(self._ids[r]) for r in rows)
        data.setData(MIME_IDS, QByteArray(payload.encode("ascii")))
        return data

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                        parent: ModelIndex) -> bool:
        return self.reorderable and data.hasFormat(MIME_IDS) and \
            action in (Qt.DropAction.MoveAction, Qt.DropAction.CopyAction)

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: ModelIndex) -> bool:
        """Reorder: the dragged ids go before ``row`` (or before ``parent``'s row)."""
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        raw = bytes(data.data(MIME_IDS).data()).decode("ascii")
        moved = [int(x) for x in raw.split(",") if x.strip().isdigit()]
        moved = [i for i in moved if i in set(self._ids)]
        if not moved:
            return False
        if row < 0:
            row = parent.row() if parent.isValid() else len(self._ids)
        before = self._ids[:row]
        after = self._ids[row:]
        keep = set(moved)
        order = [i for i in before if i not in keep] + moved + [i for i in after if i not in keep]
        if order == self._ids:
            return False
        self.reorder_requested.emit(order, moved)  # the owner stores it, re-queries the ids
        return True
