"""The sidebar: views with live counts, possible duplicates, saved searches, imports.

``SidebarModel`` is a two-level tree (group → entries) with two columns, the
name and the count. Its structure changes only when imports or saved searches
come and go; counts alone update in place. ``Sidebar`` is the tree view that
keeps the selection on the same entry (by key) across updates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTreeView, QWidget

from readq.ui.safe_document import plain_tooltip

ModelIndex = QModelIndex | QPersistentModelIndex

# (key, label, view, shortcut number, what the view is for)
VIEW_ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("inbox", "Inbox", "Unread papers you have not dismissed: triage them here."),
    ("for_you", "For you", "Unread papers you have not decided on, the ones you most likely "
                           "want first (learned on this computer from your stars, queue, "
                           "reads and dismissals)."),
    ("queue", "Queue", "Your reading queue, in order: drag or Ctrl+Up/Down to reorder."),
    ("read", "Read", "Papers you have marked read."),
    ("starred", "Starred", "Papers you rated 4 or 5 stars."),
    ("all", "All", "Every paper in the library."),
    ("new", "New since last import", "Papers the latest import brought for the first time."),
    ("dismissed", "Dismissed", "Papers you dismissed from the inbox (never deleted)."),
    ("notes", "With notes", "Papers you wrote a note on."),
)
VIEW_LABELS = {key: label for key, label, _ in VIEW_ENTRIES}
VIEW_PURPOSE = {key: purpose for key, _, purpose in VIEW_ENTRIES}

GROUP_LIBRARY = "Library"
GROUP_SAVED = "Saved searches"
GROUP_IMPORTS = "Imports"


@dataclass
class SidebarEntry:
    """One selectable line of the sidebar."""

    key: str  # "view:inbox", "duplicates", "saved:3", "import:7"
    label: str
    view: str  # the library view it lists
    kind: str = "view"  # view | duplicates | saved | import
    query: str = ""  # saved searches
    count: int | None = None
    tooltip: str = ""
    payload: dict[str, Any] = field(default_factory=dict)


def view_entries() -> list[SidebarEntry]:
    """The fixed views, in sidebar order (Ctrl+1… follow this order)."""
    return [SidebarEntry(f"view:{key}", label, key, tooltip=purpose)
            for key, label, purpose in VIEW_ENTRIES]


class SidebarModel(QAbstractItemModel):
    """Groups of entries; column 0 the name, column 1 the count."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._groups: list[tuple[str, list[SidebarEntry]]] = [(GROUP_LIBRARY, view_entries())]
        self._bold = QFont()
        self._bold.setBold(True)

    # --- contents --------------------------------------------------------------------

    def groups(self) -> list[tuple[str, list[SidebarEntry]]]:
        """The current groups (read only)."""
        return self._groups

    def entries(self) -> list[SidebarEntry]:
        """Every entry, top to bottom."""
        return [e for _, entries in self._groups for e in entries]

    def entry(self, key: str) -> SidebarEntry | None:
        """The entry with a key."""
        return next((e for e in self.entries() if e.key == key), None)

    def set_groups(self, groups: list[tuple[str, list[SidebarEntry]]]) -> None:
        """Replace the contents; counts-only changes update in place."""
        groups = [(name, entries) for name, entries in groups
                  if entries or name == GROUP_LIBRARY]
        old = [(name, [(e.key, e.label) for e in entries]) for name, entries in self._groups]
        new = [(name, [(e.key, e.label) for e in entries]) for name, entries in groups]
        if old == new:
            for g, (_, entries) in enumerate(groups):
                for r, entry in enumerate(entries):
                    current = self._groups[g][1][r]
                    if (current.count, current.tooltip, current.query) != \
                            (entry.count, entry.tooltip, entry.query):
                        self._groups[g][1][r] = entry
                        self.dataChanged.emit(self.index(r, 0, self.index(g, 0)),
                                              self.index(r, 1, self.index(g, 0)))
            return
        self.beginResetModel()
        self._groups = groups
        self.endResetModel()

    def set_counts(self, counts: dict[str, int]) -> None:
        """Update counts by entry key (one change signal per group: each one makes the
        view measure the count column again, row by row)."""
        for g, (_, entries) in enumerate(self._groups):
            changed = [r for r, entry in enumerate(entries)
                       if entry.key in counts and counts[entry.key] != entry.count]
            for r in changed:
                entries[r].count = counts[entries[r].key]
            if changed:
                parent = self.index(g, 0)
                self.dataChanged.emit(self.index(changed[0], 0, parent),
                                      self.index(changed[-1], 1, parent))

    def index_of(self, key: str) -> QModelIndex:
        """The model index (column 0) of an entry, invalid if absent."""
        for g, (_, entries) in enumerate(self._groups):
            for r, entry in enumerate(entries):
                if entry.key == key:
                    return self.index(r, 0, self.index(g, 0))
        return QModelIndex()

    def entry_at(self, index: ModelIndex) -> SidebarEntry | None:
        """The entry an index points at (None for group headers)."""
        if not index.isValid() or index.internalId() == 0:
            return None
        group = index.internalId() - 1
        if not 0 <= group < len(self._groups):
            return None
        entries = self._groups[group][1]
        return entries[index.row()] if 0 <= index.row() < len(entries) else None

    # --- QAbstractItemModel -----------------------------------------------------------

    def index(self, row: int, column: int, parent: ModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        if parent.internalId() != 0:
            return QModelIndex()
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, child: ModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not child.isValid() or child.internalId() == 0:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, 0)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self._groups[parent.row()][1])
        return 0

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 2

    def hasChildren(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return self.rowCount(parent) > 0

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.internalId() == 0:
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == 0:
            if not 0 <= index.row() < len(self._groups):
                return None
            if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
                return self._groups[index.row()][0]
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
            return None
        entry = self.entry_at(index)
        if entry is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return entry.label
            return "" if entry.count is None else f"{entry.count:,}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(entry.tooltip or entry.label)  # a tag's own name
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return entry.key
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < 2:
            return ("View", "Papers")[section]
        return None


class Sidebar(QTreeView):
    """The sidebar tree; emits ``entry_selected`` with the chosen entry."""

    entry_selected = Signal(object)
    delete_saved_search = Signal(int)
    rename_import = Signal(int, str)  # import id, its name now

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sidebar_model = SidebarModel(self)
        self.setModel(self.sidebar_model)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setItemsExpandable(False)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setAccessibleName("Views")
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.expandAll()
        self._current_key = ""
        self.sidebar_model.modelReset.connect(self._after_reset)
        self.selectionModel().currentRowChanged.connect(self._on_current)
        self.customContextMenuRequested.connect(self._context_menu)

    @property
    def current_key(self) -> str:
        """The key of the selected entry."""
        return self._current_key

    def papers_in_library(self) -> int:
        """The count of All as last shown (0 before the first counts arrive)."""
        entry = self.sidebar_model.entry("view:all")
        return (entry.count or 0) if entry is not None else 0

    def select_key(self, key: str) -> bool:
        """Select an entry by key (emits ``entry_selected`` if it changes)."""
        index = self.sidebar_model.index_of(key)
        if not index.isValid():
            return False
        self.setCurrentIndex(index)
        return True

    def _after_reset(self) -> None:
        self.expandAll()
        index = self.sidebar_model.index_of(self._current_key)
        if index.isValid():
            blocked = self.selectionModel().blockSignals(True)
            self.setCurrentIndex(index)
            self.selectionModel().blockSignals(blocked)
            self.viewport().update()
        elif self._current_key:
            self.select_key("view:all")

    def _on_current(self, current: QModelIndex, previous: QModelIndex) -> None:
        entry = self.sidebar_model.entry_at(current)
        if entry is None:
            return
        self._current_key = entry.key
        self.entry_selected.emit(entry)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        entry = self.sidebar_model.entry_at(self.currentIndex())
        if entry is not None and entry.kind == "saved" and \
                event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_saved_search.emit(int(entry.payload["id"]))
            return
        super().keyPressEvent(event)

    def _context_menu(self, pos: QPoint) -> None:
        entry = self.sidebar_model.entry_at(self.indexAt(pos))
        if entry is not None and entry.kind == "import":
            menu = QMenu(self)
            item = entry.payload
            menu.addAction("Rename this import…").triggered.connect(
                lambda: self.rename_import.emit(int(item["id"]), item.get("name") or item["file"]))
            menu.popup(self.viewport().mapToGlobal(pos))
            return
        if entry is None or entry.kind != "saved":
            return
        menu = QMenu(self)
        action = menu.addAction(f"Delete saved search “{entry.label}”")
        action.triggered.connect(lambda: self.delete_saved_search.emit(int(entry.payload["id"])))
        menu.popup(self.viewport().mapToGlobal(pos))
