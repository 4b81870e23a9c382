"""Every command of the app as a ``QAction`` with its shortcuts, and the menus.

One table (``SPECS``) says each action's text, shortcuts, menu and scope, so the
menus, the shortcuts and the cheat sheet never disagree. ``list``-scoped
actions use single keys (0–5, R, Q, X…): they are attached to the paper list
and the detail pane with ``WidgetWithChildrenShortcut``, so they never fire
while the user types in the search box or the note editor. ``triage``-scoped
actions are the keys of triage mode: attached the same way to the triage card
(never to the quick-note editor beside it).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget


@dataclass(frozen=True)
class ActionSpec:
    """What an action is called, its keys, where it lives."""

    name: str
    text: str
    keys: tuple[str, ...] = ()
    menu: str = ""
    scope: str = "window"  # window | list | triage
    tip: str = ""
    separator_before: bool = False


VIEW_KEYS = ("inbox", "queue", "read", "starred", "all", "new", "dismissed")

SPECS: tuple[ActionSpec, ...] = (
    ActionSpec("import", "&Import dumps…", ("Ctrl+O",), "&File", tip="Import listing dumps (*.txt)"),
    ActionSpec("paste", "&Paste dump from clipboard", ("Ctrl+Shift+V",), "&File",
               tip="Import the text on the clipboard"),
    ActionSpec("import_samples", "Import the &sample dumps", (), "&File"),
    ActionSpec("export", "&Export…", ("Ctrl+E",), "&File", separator_before=True,
               tip="Export the selected papers, this view or this search as BibTeX, "
                   "Markdown, CSV or JSON"),
    ActionSpec("backup_now", "&Back up now", (), "&File", separator_before=True,
               tip="Write a copy of the library to its backups folder"),
    ActionSpec("restore_backup", "&Restore a backup…", (), "&File",
               tip="Replace the library with one of its backups (the current state is "
                   "backed up first)"),
    ActionSpec("quit", "&Quit", ("Ctrl+Q",), "&File", separator_before=True),

    ActionSpec("undo", "&Undo", ("Ctrl+Z",), "&Edit"),
    ActionSpec("redo", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "&Edit"),
    ActionSpec("find", "&Search", ("Ctrl+F",), "&Edit", separator_before=True),
    ActionSpec("find_slash", "Search", ("/",), "", scope="list"),
    ActionSpec("save_search", "Save this &search…", ("Ctrl+S",), "&Edit"),
    ActionSpec("search_help", "Search s&yntax", (), "&Edit"),

    ActionSpec("rate_0", "Clear rating", ("0",), "&Paper", "list"),
    ActionSpec("rate_1", "Rate ★", ("1",), "&Paper", "list"),
    ActionSpec("rate_2", "Rate ★★", ("2",), "&Paper", "list"),
    ActionSpec("rate_3", "Rate ★★★", ("3",), "&Paper", "list"),
    ActionSpec("rate_4", "Rate ★★★★", ("4",), "&Paper", "list"),
    ActionSpec("rate_5", "Rate ★★★★★", ("5",), "&Paper", "list"),
    ActionSpec("toggle_read", "Toggle &read", ("R",), "&Paper", "list", separator_before=True),
    ActionSpec("toggle_queue", "Add to / remove from &queue", ("Q",), "&Paper", "list"),
    ActionSpec("dismiss", "&Dismiss / restore", ("X", "Del"), "&Paper", "list"),
    ActionSpec("move_up", "Move &up in queue", ("Ctrl+Up",), "&Paper", "list", separator_before=True),
    ActionSpec("move_down", "Move do&wn in queue", ("Ctrl+Down",), "&Paper", "list"),
    ActionSpec("open_note", "Edit &note", ("Return", "Enter"), "&Paper", "list",
               separator_before=True),
    ActionSpec("open_page", "&Open arXiv page", ("O",), "&Paper", "list"),
    ActionSpec("tag", "&Tag…", ("L",), "&Paper", "list", tip="Add tags to the selected papers"),
    ActionSpec("copy_title", "&Copy title and authors", ("Ctrl+C",), "&Paper", "list",
               separator_before=True),
    ActionSpec("copy_bibtex", "Copy as &BibTeX", ("Ctrl+Shift+C",), "&Paper", "list"),
    ActionSpec("copy_link", "Copy &link", ("Ctrl+Shift+L",), "&Paper", "list"),

    ActionSpec("triage", "&Triage these papers", ("T",), "&Go",
               tip="Go through the papers of this view (or the selected ones) one card at a "
                   "time, deciding each with one key"),
    ActionSpec("read_next", "Read &next in queue", ("N",), "&Go", "list",
               tip="Select the top of the reading queue"),
    *(ActionSpec(f"view_{key}", label, (f"Ctrl+{n}",), "&Go", separator_before=n == 1)
      for n, (key, label) in enumerate(zip(VIEW_KEYS, (
          "&Inbox", "&Queue", "&Read", "&Starred", "&All", "&New since last import",
          "&Dismissed")), start=1)),
    ActionSpec("focus_list", "Go to the paper &list", ("Alt+L",), "&Go", separator_before=True),

    ActionSpec("triage_queue", "Queue it, next paper", ("Q",), scope="triage"),
    *(ActionSpec(f"triage_rate_{n}", f"Rate {'★' * n}, next paper", (str(n),), scope="triage")
      for n in range(1, 6)),
    ActionSpec("triage_read", "Mark it read, next paper", ("R",), scope="triage"),
    ActionSpec("triage_dismiss", "Dismiss it (hidden from the inbox, kept), next paper",
               ("X", "Del"), scope="triage"),
    ActionSpec("triage_skip", "Skip it for now", ("S",), scope="triage"),
    ActionSpec("triage_not_this", "Not this: fewer papers like it “For you”, next paper",
               ("D",), scope="triage"),
    ActionSpec("triage_note", "Write a quick note (Esc saves it)", ("N",), scope="triage"),
    ActionSpec("triage_tag", "Tag it (Enter adds, Esc goes back to the card)", ("L",),
               scope="triage"),
    ActionSpec("triage_open", "Open it in the browser", ("O",), scope="triage"),
    ActionSpec("triage_next", "Next paper, deciding nothing", ("J", "Down", "Right"),
               scope="triage"),
    ActionSpec("triage_previous", "Previous paper", ("K", "Up", "Left"), scope="triage"),
    ActionSpec("triage_undo", "Undo the last decision (back to its card)", ("Z",),
               scope="triage"),
    ActionSpec("triage_leave", "Leave triage", ("Esc",), scope="triage"),

    ActionSpec("show_sidebar", "&Sidebar", ("Ctrl+Shift+S",), "&View"),
    ActionSpec("show_detail", "&Detail pane", ("Ctrl+Shift+D",), "&View"),
    ActionSpec("show_toolbar", "&Toolbar", (), "&View"),
    ActionSpec("zoom_in", "Zoom &in", ("Ctrl++", "Ctrl+="), "&View", separator_before=True),
    ActionSpec("zoom_out", "Zoom &out", ("Ctrl+-",), "&View"),
    ActionSpec("zoom_reset", "&Actual size", ("Ctrl+0",), "&View"),
    ActionSpec("statistics", "S&tatistics", ("Ctrl+I",), "&View", separator_before=True,
               tip="Charts of your backlog, reading rate, ratings and what fills the library"),

    ActionSpec("cheatsheet", "&Keyboard shortcuts", ("F1", "?"), "&Help"),
    ActionSpec("about", "&About readq", (), "&Help"),
)


class Actions:
    """The window's actions by name (``actions["rate_4"]``)."""

    def __init__(self, window: QMainWindow, list_widgets: list[QWidget],
                 triage_widgets: list[QWidget] | None = None) -> None:
        self._actions: dict[str, QAction] = {}
        self.specs = {spec.name: spec for spec in SPECS}
        for spec in SPECS:
            action = QAction(spec.text, window)
            action.setObjectName(f"action_{spec.name}")
            if spec.keys:
                action.setShortcuts([QKeySequence(k) for k in spec.keys])
            if spec.tip:
                action.setStatusTip(spec.tip)
            if spec.scope in ("list", "triage"):
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                for widget in (list_widgets if spec.scope == "list" else triage_widgets or []):
                    widget.addAction(action)
            else:
                window.addAction(action)
            self._actions[spec.name] = action

    def __getitem__(self, name: str) -> QAction:
        return self._actions[name]

    def items(self) -> list[tuple[ActionSpec, QAction]]:
        """Specs and actions in menu order."""
        return [(spec, self._actions[spec.name]) for spec in SPECS]

    def replace(self, name: str, action: QAction) -> None:
        """Use another action under a name (undo/redo come from the undo stack)."""
        old = self._actions[name]
        action.setShortcuts(old.shortcuts())
        action.setObjectName(old.objectName())
        for widget in old.associatedObjects():
            if isinstance(widget, QWidget):
                widget.removeAction(old)
                widget.addAction(action)
        old.deleteLater()
        self._actions[name] = action


def build_menus(window: QMainWindow, actions: Actions) -> dict[str, QMenu]:
    """The menu bar, from ``SPECS`` (actions without a menu are shortcuts only)."""
    menus: dict[str, QMenu] = {}
    for spec, action in actions.items():
        if not spec.menu:
            continue
        menu = menus.get(spec.menu)
        if menu is None:
            menu = window.menuBar().addMenu(spec.menu)
            menus[spec.menu] = menu
        if spec.separator_before:
            menu.addSeparator()
        menu.addAction(action)
    return menus
