"""The everyday workflow around the list, installed on the main window.

What it adds, each with a small hook into :class:`~readq.ui.main_window.MainWindow`:

- **tags**: the detail pane's tag box (for the current paper, or every selected
  one), key L to type tags, a tag box under the triage card (L there too), the
  sidebar's Tags section kept in step, completion from the library's tags;
- the **right-click menu** on papers and **copying** (title and authors, BibTeX,
  links) to the clipboard;
- **File ▸ Export…** (:mod:`readq.ui.export_dialog`);
- the **View** menu: show or hide the sidebar, the detail pane and the toolbar,
  and **zoom** (:mod:`readq.ui.zoom`), remembered;
- Esc in the note editor gives the keys back to the list.

Every change goes through the window's undoable :class:`~readq.ui.triage.Triage`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QPoint, QSettings, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsOpacityEffect,
    QInputDialog,
    QLabel,
    QMenu,
)

from readq.ui.export_dialog import ExportDialog
from readq.ui.paper_menu import bibtex, build_paper_menu, links, title_and_authors
from readq.ui.tag_editor import TagBox
from readq.ui.views import view_title
from readq.ui.zoom import Zoom

if TYPE_CHECKING:
    from readq.ui.main_window import MainWindow

PANES_KEY = "view/hidden_panes"
EXPORT_DIR_KEY = "export/last_dir"


class Workflow(QObject):
    """Tags, context menu, copy, export, View menu and zoom for one main window."""

    def __init__(self, window: MainWindow, settings: QSettings) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.export_dialog: ExportDialog | None = None
        self.last_menu: QMenu | None = None
        self._known_tags: list[str] = []
        a = window.actions

        # tags in the detail pane and on the keyboard
        box = window.detail.tag_box
        box.add_requested.connect(lambda tags: self.add_tags(window._detail_ids(), tags))
        box.remove_requested.connect(lambda tags: self.remove_tags(window._detail_ids(), tags))
        box.done.connect(window.table.setFocus)
        a["tag"].triggered.connect(self.open_tag_box)
        window.table.selectionModel().selectionChanged.connect(lambda *_: self._tag_target())

        # tags in triage: a box under the card, opened with L
        page = window.triage_page
        self.triage_tags = TagBox(page, caption="Tags")
        self.triage_tags.setObjectName("triageTagBox")
        self.triage_tags.setMaximumWidth(page.centre.max_width)
        self.triage_tags.setMinimumWidth(min(480, page.centre.max_width))
        self.triage_tags.hide()
        page_layout = page.layout()
        page_layout.insertWidget(page_layout.indexOf(page.note_box), self.triage_tags, 0,
                                 Qt.AlignmentFlag.AlignHCenter)
        self.triage_tags.add_requested.connect(self._triage_add)
        self.triage_tags.done.connect(self.close_triage_tags)
        a["triage_tag"].triggered.connect(self.open_triage_tags)
        self._triage_paper: int | None = None
        page.card_shown.connect(self._on_card)

        # the sidebar's Tags section and completion follow every change (and undo)
        window.undo_stack.indexChanged.connect(lambda _i: self.tags_changed())
        # changes are written on the user lane: look again once each one is committed
        window.ops.committed.connect(lambda: self.tags_changed())
        self.tags_changed(rebuild=False)

        # imports are renamed from the sidebar's right-click menu
        window.sidebar.rename_import.connect(self.rename_import)

        # the end of a triage pass starts with a clean status line
        page.finished.connect(window.statusBar().clearMessage)

        # right-click menu and copying
        window.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        window.table.customContextMenuRequested.connect(self.show_paper_menu)
        a["copy_title"].triggered.connect(self.copy_selection_or_title)
        a["copy_bibtex"].triggered.connect(lambda: self.copy(bibtex, "BibTeX", export=True))
        a["copy_link"].triggered.connect(lambda: self.copy(links, "link"))
        a["export"].triggered.connect(self.open_export)

        # Esc in the note editor: back to the list (the note is saved on leaving)
        escape = QShortcut(QKeySequence("Esc"), window.detail.note_editor.editor)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)
        escape.activated.connect(window.table.setFocus)

        # View menu: panes and zoom
        self.zoom = Zoom(settings, window)
        self.zoom.on_change(self._after_zoom)
        a["zoom_in"].triggered.connect(self.zoom.zoom_in)
        a["zoom_out"].triggered.connect(self.zoom.zoom_out)
        a["zoom_reset"].triggered.connect(self.zoom.reset)
        hidden = str(settings.value(PANES_KEY, "") or "").split(",")
        for name, widget in (("sidebar", window.sidebar), ("detail", window.detail),
                             ("toolbar", window.toolbar)):
            action = a[f"show_{name}"]
            action.setCheckable(True)
            action.setChecked(name not in hidden)
            action.toggled.connect(lambda on, n=name: self.show_pane(n, on))
            if name in hidden:
                self.show_pane(name, False)
        window.table.fit_columns()

    # --- tags ---------------------------------------------------------------------------

    def add_tags(self, ids: list[int], tags: list[str]) -> bool:
        """Tag papers (undoable), then keep the sidebar and completion in step."""
        if not ids:
            self.window.statusBar().showMessage("Select a paper first.", 6000)
            return False
        return self.window.triage.add_tags(ids, tags)

    def remove_tags(self, ids: list[int], tags: list[str]) -> bool:
        """Take tags off papers (undoable)."""
        return self.window.triage.remove_tags(ids, tags)

    def open_tag_box(self) -> None:
        """L in the list: type tags for the selected papers."""
        window = self.window
        if not window._detail_ids():
            window.statusBar().showMessage("Select a paper first, then press L to tag it.", 6000)
            return
        if not window.detail.isVisible():
            window.actions["show_detail"].setChecked(True)
        self._tag_target()
        window.detail.tag_box.focus_input()

    def _tag_target(self) -> None:
        self.window.detail.tag_box.set_target_count(len(self.window._detail_ids()))

    def tags_changed(self, rebuild: bool = True) -> None:
        """After a change: offer the library's tags; rebuild the sidebar if the set changed."""
        if self.window._closed:
            return
        names = [name for name, _count in self.window.library.all_tags()]
        self.window.detail.tag_box.set_known(names)
        self.triage_tags.set_known(names)
        if names != self._known_tags:
            self._known_tags = names
            if rebuild:
                self.window._rebuild_sidebar()

    def open_triage_tags(self) -> None:
        """L in triage: a tag box for the card's paper (Enter adds, Esc back to the card)."""
        paper = self.window.triage_page.card.paper_id
        if paper is None or self.window.triage_page.showing_summary:
            return
        self.window.triage_page.keep_card()  # a ranking arriving now must not swap it
        self._triage_paper = paper
        self.triage_tags.set_tags(self.window.library.tags(paper))
        self.triage_tags.show()
        self.triage_tags.focus_input()

    def _on_card(self, paper_id: int) -> None:
        if paper_id != self._triage_paper:  # another card: the box was for the last one
            self.close_triage_tags(refocus=False)

    def close_triage_tags(self, refocus: bool = True) -> None:
        """Hide the triage tag box; the card gets the keys back."""
        if not self.triage_tags.isVisible():
            return
        self._triage_paper = None
        self.triage_tags.hide()
        if refocus:
            self.window.triage_page.card.setFocus()

    def _triage_add(self, tags: list[str]) -> None:
        paper = self.window.triage_page.card.paper_id
        if paper is not None and self.add_tags([paper], tags):
            self.triage_tags.set_tags(self.window.library.tags(paper))
            self.window.triage_page.refresh()

    def rename_import(self, import_id: int, current: str) -> None:
        """Ask for an import's new name."""
        name, ok = QInputDialog.getText(self.window, "Rename import", "Name:", text=current)
        if not ok:
            return
        self.window.ops.run(lambda lib: lib.rename_import(import_id, name),
                            lambda _: self.window._rebuild_sidebar(), name="rename import")

    def dim_results(self, dim: bool) -> None:
        """A malformed query dims the previous results (they no longer match the box).
        The effect is installed only while dimmed: a list with any graphics effect,
        even a disabled one, is not opaque, so each repaint of it would repaint
        everything behind it too (twice the work per frame)."""
        viewport = self.window.table.viewport()
        if dim == self.results_dimmed:
            return
        if dim:
            effect = QGraphicsOpacityEffect(viewport)
            effect.setOpacity(0.4)
            viewport.setGraphicsEffect(effect)
        else:
            viewport.setGraphicsEffect(None)  # Qt deletes the effect

    @property
    def results_dimmed(self) -> bool:
        """The list is shown dimmed."""
        return self.window.table.viewport().graphicsEffect() is not None

    # --- context menu and clipboard -------------------------------------------------------

    def show_paper_menu(self, pos: QPoint) -> QMenu | None:
        """Right-click on the list: the frequent actions for the papers under the mouse."""
        table = self.window.table
        index = table.indexAt(pos)
        if index.isValid() and index.row() not in {i.row() for i in
                                                   table.selectionModel().selectedRows()}:
            table.select_row(index.row())
        ids = self.window.selected_ids()
        if not ids:
            return None
        tags = sorted({t for row in self.window.library.papers(ids) for t in row["tags"]})
        menu = build_paper_menu(self.window.actions, tags,
                                lambda tag: self.remove_tags(self.window.selected_ids(), [tag]),
                                self.open_export, table)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_menu = menu
        menu.popup(table.viewport().mapToGlobal(pos))
        return menu

    def copy_selection_or_title(self) -> str:
        """Ctrl+C: text selected in the detail pane if any, else title and authors."""
        focus = QApplication.focusWidget()
        if isinstance(focus, QLabel) and focus.hasSelectedText():
            QGuiApplication.clipboard().setText(focus.selectedText())
            return focus.selectedText()
        return self.copy(title_and_authors, "title and authors")

    def copy(self, render: Any, what: str, export: bool = False) -> str:
        """Put the selected papers on the clipboard as ``render`` writes them."""
        ids = self.window.selected_ids()
        if not ids:
            self.window.statusBar().showMessage("Select a paper first.", 6000)
            return ""
        library = self.window.library
        text = render(library.export_rows(ids) if export else library.papers(ids))
        QGuiApplication.clipboard().setText(text)
        noun = "paper" if len(ids) == 1 else f"{len(ids)} papers"
        self.window.statusBar().showMessage(f"Copied {what} of {noun}.", 6000)
        return text

    # --- export -------------------------------------------------------------------------

    def open_export(self) -> ExportDialog:
        """File ▸ Export…: the selection or what the list shows."""
        window = self.window
        selected = window.selected_ids()
        label = view_title(window.list_state.entry)
        if window.query:
            label = f"The search “{window.query}” in {label}"
        else:
            label = f"Everything in {label}"
        dialog = ExportDialog(window.runner, selected, window.model.ids, label,
                              str(self.settings.value(EXPORT_DIR_KEY, "") or ""), window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.exported.connect(self._exported)
        self.export_dialog = dialog
        dialog.destroyed.connect(lambda *_: setattr(self, "export_dialog", None))
        dialog.open()
        return dialog

    def _exported(self, count: int, path: str) -> None:
        self.settings.setValue(EXPORT_DIR_KEY, str(Path(path).parent))
        self.window.statusBar().showMessage(
            f"Exported {count} paper{'s' if count != 1 else ''} to {path}", 10000)

    # --- panes and zoom -----------------------------------------------------------------

    def show_pane(self, name: str, visible: bool) -> None:
        """View ▸ Sidebar / Detail pane / Toolbar (remembered)."""
        window = self.window
        if name == "sidebar":
            window.sidebar.setVisible(visible)
        elif name == "detail":
            window.detail_wanted = visible
            window._choose_page()
        else:
            window.toolbar_wanted = visible
            if not window.triage_active:
                window.toolbar.setVisible(visible)
        hidden = [n for n in ("sidebar", "detail", "toolbar")
                  if not window.actions[f"show_{n}"].isChecked()]
        self.settings.setValue(PANES_KEY, ",".join(hidden))

    def _after_zoom(self) -> None:
        window = self.window
        window.table.fit_columns()
        window.detail.rescale_fonts()
        window.triage_page.card.rescale_fonts()
