"""The main window: sidebar, paper list, detail pane, search, import, undo, triage.

The window owns the GUI thread's :class:`~readq.library.Library`, opened
read-only, for quick small reads (a view's ids, a page of rows), and a
:class:`~readq.ui.tasks.TaskRunner` for the rest: every change goes through
:class:`~readq.ui.operations.Operations` to the user lane (its own write
connection), imports and index syncs to the write lane, searches and sidebar
counts to the read lane. The GUI thread never writes. It opens before any heavy work; the index is
checked and brought up to date in the background after the window is shown.

Searching applies to the view selected in the sidebar (choose *All* to search
everything; a saved search always searches All).

Triage mode (T, the toolbar, or the import summary's "Triage N new papers")
swaps the whole window body for :class:`~readq.ui.triage_mode.TriagePage`: one
card at a time, decided with single keys through the same undoable actions as
the list. While it is shown the hidden list is not reloaded after each decision
(the sidebar counts are); it is reloaded once when triage ends.

The window's behaviour is grouped by concern in mixins, each in its own module:
views, search and the sidebar (:mod:`~readq.ui.main_window_views`), the
Statistics page (:mod:`~readq.ui.main_window_stats`), triage mode, notes and
index syncs (:mod:`~readq.ui.main_window_triage`), imports
(:mod:`~readq.ui.main_window_import`), and backups and duplicates
(:mod:`~readq.ui.main_window_library`). This module builds the window, wires it
and holds the undoable state changes, help and closing.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from readq import __version__
from readq.library import Library
from readq.logs import log_file
from readq.paths import samples_dir
from readq.ui.actions import VIEW_KEYS, Actions, build_menus
from readq.ui.cheatsheet import CheatSheet
from readq.ui.detail_pane import DetailPane
from readq.ui.duplicates_view import DuplicatesView
from readq.ui.empty_state import EmptyView, WelcomePanel
from readq.ui.filter_chip import FilterChip
from readq.ui.flow_layout import CurrentStack
from readq.ui.for_you import ForYou, ForYouPanel
from readq.ui.import_dialog import ImportController, ProgressPanel
from readq.ui.import_summary import ImportSummaryDialog
from readq.ui.index_keeper import IndexKeeper
from readq.ui.list_state import ListState
from readq.ui.main_window_import import ImportMixin
from readq.ui.main_window_library import LibraryMixin
from readq.ui.main_window_stats import StatisticsMixin
from readq.ui.main_window_triage import TriageMixin
from readq.ui.main_window_views import ViewMixin
from readq.ui.links import arxiv_abs_url, arxiv_search_url, open_url
from readq.ui.paper_model import PaperModel
from readq.ui.paper_table import PaperTable
from readq.ui.search_box import SearchBox
from readq.ui.search_runner import SearchRunner
from readq.ui.settings import WindowSettings
from readq.ui.sidebar import Sidebar
from readq.ui.operations import Operations
from readq.ui.tasks import Task, TaskRunner
from readq.ui.triage import Triage
from readq.ui.triage_mode import TriagePage
from readq.ui.workflow import Workflow

if TYPE_CHECKING:
    from readq.ui.stats_page import StatsPage

log = logging.getLogger(__name__)

TRIAGE_SYNC_PAUSE_MS = 2500


class MainWindow(ViewMixin, StatisticsMixin, TriageMixin, ImportMixin, LibraryMixin,
                 QMainWindow):
    """readq's main window on one library folder."""

    view_loaded = Signal()  # the list shows the current view / search results
    search_done = Signal(str)  # results (or an error) for this query are shown
    counts_updated = Signal()
    import_done = Signal(list)  # FileReports, after the summary is shown
    index_synced = Signal()

    def __init__(self, library_root: Path, settings: QSettings, *,
                 start_background: bool = True) -> None:
        super().__init__()
        self.root = Path(library_root)
        self.library = Library(self.root, read_only=True)  # LibraryError goes to the caller
        self.prefs = WindowSettings(settings, self.root)
        self.runner = TaskRunner(self.root, self)
        self.ops = Operations(self.runner, self)
        self.undo_stack = QUndoStack(self)
        self._closed = False
        self._terms: list[str] = []
        self._select_after_load: list[int] = []
        self._counts_task: Task | None = None
        self._counts_again = False
        self.last_summary: ImportSummaryDialog | None = None
        self.cheatsheet: CheatSheet | None = None
        self._list_stale = False
        self.stats_page: StatsPage | None = None  # made on first show (pyqtgraph loads then)
        self._stats_task: Task | None = None
        self._stats_again = False
        self._sync_after_pause = QTimer(self)
        self._sync_after_pause.setSingleShot(True)
        self._sync_after_pause.setInterval(TRIAGE_SYNC_PAUSE_MS)
        self._sync_after_pause.timeout.connect(lambda: self.index_keeper.schedule_sync())

        self.setWindowTitle("readq")  # the app's display name is not added (see ui/app.py)
        self.setAcceptDrops(True)
        self._build_widgets()
        self.list_state = ListState(self.model)  # view, query and sort of the list
        self.actions = Actions(self, [self.center, self.detail.info], [self.triage_page.card])
        self.actions.replace("undo", self.undo_stack.createUndoAction(self, "&Undo"))
        self.actions.replace("redo", self.undo_stack.createRedoAction(self, "&Redo"))
        for name in ("triage_undo", "triage_leave"):  # also on the end summary
            self.triage_page.summary.addAction(self.actions[name])
        self.menus = build_menus(self, self.actions)
        self.toolbar = self._build_toolbar()
        self.detail_wanted = True  # View ▸ Detail pane
        self.toolbar_wanted = True  # View ▸ Toolbar
        self._connect()
        self.workflow = Workflow(self, settings)  # tags, context menu, export, View menu

        if not self.prefs.restore_window(self):
            # a first start: 1360×820, never larger than the screen's free area
            screen = QApplication.primaryScreen()
            free = screen.availableGeometry() if screen is not None else None
            self.resize(min(1360, free.width()) if free else 1360,
                        min(820, free.height()) if free else 820)
        self.prefs.restore_splitter("main", self.splitter)
        self.prefs.restore_splitter("detail", self.detail.splitter)
        self.prefs.restore_header(self.table.horizontalHeader())
        header = self.table.horizontalHeader()
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.model.sort_requested.connect(self._on_sort)

        self._rebuild_sidebar()
        if not self.sidebar.select_key(self.prefs.last_view):
            self.sidebar.select_key("view:inbox")
        self.table.setFocus()
        if start_background:
            QTimer.singleShot(0, self.index_keeper.check_at_start)
        # render the hidden triage page once while idle, so T opens it at once
        QTimer.singleShot(400, self, self._warm_up_triage)

    # --- construction ------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.model = PaperModel(self.library.papers, self)
        self.table = PaperTable(self.model)
        self.sidebar = Sidebar()
        self.sidebar.setMinimumWidth(170)
        self.detail = DetailPane(self._save_note)
        self.search = SearchBox()
        self.welcome = WelcomePanel(samples_dir() is not None)
        self.empty = EmptyView()
        self.duplicates = DuplicatesView()
        self.center = CurrentStack()  # as narrow as the page shown
        for widget in (self.table, self.empty, self.welcome, self.duplicates):
            self.center.addWidget(widget)

        middle = QWidget()
        layout = QVBoxLayout(middle)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.search)
        self.filter_chip = FilterChip()  # a Statistics bar's filter, and the way back
        self.filter_chip.escape_in(self.table)
        layout.addWidget(self.filter_chip)
        layout.addWidget(self.center, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([230, 760, 400])
        self.splitter.setChildrenCollapsible(False)

        self.progress = ProgressPanel()
        self.index_status = QLabel()
        self.index_status.setEnabled(False)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.index_status)
        self.imports = ImportController(self.runner, self.progress, self)
        self.index_keeper = IndexKeeper(self.runner, self.index_status, self)
        self.searches = SearchRunner(self.runner, self)
        self.searches.warm()  # ids and field lengths read before the first keystroke
        self.triage = Triage(self.library, self.ops, self.undo_stack, self._state_changed,
                             self.detail.flush_note, self)
        self.triage_page = TriagePage(self.library, self.triage, self.undo_stack)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.splitter)
        self.pages.addWidget(self.triage_page)
        self.setCentralWidget(self.pages)
        # "For you": rankings and explanations on a lane of their own
        self.for_you = ForYou(self.root, self)
        self.triage_page.for_you = self.for_you
        self.for_you_panel = ForYouPanel()
        info = self.detail.info.layout()
        info.insertWidget(info.indexOf(self.detail.abstract), self.for_you_panel.why)
        info.insertWidget(info.indexOf(self.detail.sightings), self.for_you_panel)
        self.inbox_for_you = QAction("Order the Inbox “&For you”", self)
        self.inbox_for_you.setCheckable(True)
        self.inbox_for_you.setStatusTip("List the Inbox with the papers you most likely want "
                                        "first (else: newest first, or by the sorted column)")
        self.triage_in_list_order = QAction("Triage in &list order", self)
        self.triage_in_list_order.setCheckable(True)
        self.triage_in_list_order.setStatusTip("Triage the papers in the list's order instead "
                                               "of “For you” (best first)")

    def _build_toolbar(self) -> QToolBar:
        toolbar = QToolBar("Toolbar", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setFloatable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.toggleViewAction().setEnabled(False)
        a = self.actions
        for name, text in (("import", "Import…"), ("paste", "Paste"), ("triage", "Triage"),
                           ("read_next", "Read next")):
            toolbar.addAction(a[name])
            button = toolbar.widgetForAction(a[name])
            if button is not None:
                keys = a[name].shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                a[name].setIconText(text)  # kept when the action changes: no shifting
                button.setToolTip(f"{a[name].statusTip() or text}"
                                  + (f" ({keys})" if keys else ""))
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        return toolbar

    def _connect(self) -> None:
        a = self.actions
        a["import"].triggered.connect(self._choose_files)
        a["paste"].triggered.connect(self.imports.paste)
        a["import_samples"].triggered.connect(self.import_samples)
        a["quit"].triggered.connect(self.close)
        a["backup_now"].triggered.connect(self.backup_now)
        a["restore_backup"].triggered.connect(self.choose_backup)
        a["find"].triggered.connect(self.focus_search)
        a["find_slash"].triggered.connect(self.focus_search)
        a["save_search"].triggered.connect(self.save_current_search)
        a["search_help"].triggered.connect(self.search.show_help)
        for n in range(6):
            a[f"rate_{n}"].triggered.connect(lambda _=False, n=n: self.rate(n))
        a["toggle_read"].triggered.connect(lambda: self.triage.toggle_read(self.selected_ids()))
        a["toggle_queue"].triggered.connect(
            lambda: self.triage.toggle_queued(self.selected_ids()))
        a["dismiss"].triggered.connect(lambda: self.triage.toggle_dismissed(self.selected_ids()))
        a["move_up"].triggered.connect(lambda: self.move_in_queue(-1))
        a["move_down"].triggered.connect(lambda: self.move_in_queue(1))
        a["open_note"].triggered.connect(self.detail.note_editor.focus_editor)
        a["open_page"].triggered.connect(self.open_page)
        a["read_next"].triggered.connect(self.read_next)
        a["triage"].triggered.connect(lambda: self.start_triage())
        page = self.triage_page
        a["triage_queue"].triggered.connect(page.queue)
        for n in range(1, 6):
            a[f"triage_rate_{n}"].triggered.connect(lambda _=False, n=n: page.rate(n))
        a["triage_read"].triggered.connect(page.mark_read)
        a["triage_dismiss"].triggered.connect(page.dismiss)
        a["triage_skip"].triggered.connect(page.skip)
        a["triage_not_this"].triggered.connect(page.not_this)
        self.menus["&Go"].addAction(self.inbox_for_you)
        self.menus["&Go"].addAction(self.triage_in_list_order)
        self.triage_in_list_order.toggled.connect(
            lambda listed: setattr(self.triage_page, "order_for_you", not listed))
        self.inbox_for_you.toggled.connect(lambda _: self.load(keep=True))
        self.for_you_panel.open_requested.connect(self.open_paper)
        a["triage_note"].triggered.connect(page.open_note)
        a["triage_open"].triggered.connect(page.open_page)
        a["triage_next"].triggered.connect(lambda: page.move(1))
        a["triage_previous"].triggered.connect(lambda: page.move(-1))
        a["triage_undo"].triggered.connect(page.undo_last)
        a["triage_leave"].triggered.connect(self.leave_triage)
        page.leave_requested.connect(self.leave_triage)
        page.read_queue_requested.connect(self._read_queue_after_triage)
        page.note_saved.connect(self._on_note_saved)
        page.message.connect(lambda m: self.statusBar().showMessage(m, 6000))
        for key in VIEW_KEYS:
            a[f"view_{key}"].triggered.connect(lambda _=False, k=key: self.show_view(k))
        a["focus_list"].triggered.connect(self._focus_list)
        a["cheatsheet"].triggered.connect(self.show_cheatsheet)
        a["about"].triggered.connect(self.show_about)
        a["statistics"].triggered.connect(self.show_statistics)
        self.filter_chip.cleared.connect(self.show_statistics)
        self.counts_updated.connect(self._stats_follow_changes)

        self.sidebar.entry_selected.connect(self._on_entry)
        self.sidebar.delete_saved_search.connect(self.delete_saved_search)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())
        self.table.painted.connect(self._detail_after_list_paint)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_status())
        self.table.doubleClicked.connect(lambda *_: self.detail.note_editor.focus_editor())
        self.model.reorder_requested.connect(self.triage.reorder)
        self.search.query_changed.connect(self._on_query)
        self.search.leave.connect(self._focus_list)
        self.detail.rate_requested.connect(lambda n: self.rate(n, self._detail_ids()))
        self.detail.read_requested.connect(
            lambda read: self.triage.set_read(self._detail_ids(), read))
        self.detail.queue_requested.connect(
            lambda add: self.triage.set_queued(self._detail_ids(), add))
        self.detail.note_editor.save_failed.connect(
            lambda msg: self.statusBar().showMessage(f"The note could not be saved: {msg}"))
        self.ops.failed.connect(lambda m: self.statusBar().showMessage(m, 10000))
        self.welcome.import_samples.connect(self.import_samples)
        self.welcome.import_files.connect(self._choose_files)
        self.welcome.paste.connect(self.imports.paste)
        self.empty.action_clicked.connect(lambda: self.show_view("all"))
        self.duplicates.confirm.connect(self.confirm_duplicate)
        self.duplicates.reject.connect(self.reject_duplicate)
        self.imports.stored.connect(self._on_import_stored)
        self.imports.indexed.connect(self._on_indexed)
        self.imports.finished.connect(self._on_import_finished)
        self.imports.message.connect(lambda m: self.statusBar().showMessage(m, 8000))
        self.index_keeper.synced.connect(self._on_indexed)
        self.index_keeper.message.connect(lambda m: self.statusBar().showMessage(m, 10000))
        self.searches.results.connect(self._on_search_results)
        self.searches.failed.connect(self._on_search_failed)
        self.triage.message.connect(lambda m: self.statusBar().showMessage(m, 6000))

    # --- state changes (undoable) --------------------------------------------------------

    def selected_ids(self) -> list[int]:
        """The papers actions apply to."""
        if self.center.currentWidget() is not self.table:
            return []
        return self.table.selected_ids()

    def _detail_ids(self) -> list[int]:
        paper = self.detail.paper_id
        selected = self.selected_ids()
        if paper is not None and paper in selected:
            return selected
        return [paper] if paper is not None else []

    def _state_changed(self, ids: list[int], select: list[int]) -> None:
        self.model.invalidate(ids)
        if self.triage_active:  # the list is hidden: reload it once, when triage ends
            self._list_stale = True
            self.triage_page.state_changed(ids)
        else:
            self._select_after_load = list(select)
            self.load(keep=True)
        self.refresh_counts()
        self.sync_index_soon()  # restore() queues its papers for the index

    def rate(self, rating: int, ids: list[int] | None = None) -> None:
        """Rate the selected papers (0 clears)."""
        self.triage.rate(self.selected_ids() if ids is None else ids, rating)

    def move_in_queue(self, step: int) -> None:
        """Move the selected queued papers one place up (-1) or down (+1)."""
        if not self.list_state.reorderable:
            self.statusBar().showMessage(
                "Reorder in the Queue view, in queue order (no search, no sorting).", 6000)
            return
        self.triage.move(self.selected_ids(), step)

    def read_next(self) -> None:
        """Open the first paper of the reading queue not read yet."""
        unread = self.library.unread_queue()
        if not unread:
            self.statusBar().showMessage("The queue is empty: press Q on a paper to queue it."
                                         if not self.library.queue() else
                                         "Every paper in the queue is read.", 6000)
            return
        if self.list_state.query:
            self.search.set_text("", notify=False)
            self.list_state.query = ""
        if self.list_state.view != "queue":
            self.show_view("queue")
        else:
            self.load(keep=True)
        if not self.table.select_ids(unread[:1], unread[0]):
            self.table.select_row(0)
        self.table.setFocus()

    def open_page(self) -> None:
        """Open the current paper's arXiv page (or an arXiv title search)."""
        row = self.table.currentIndex().row()
        if row < 0:
            return
        paper = self.model.paper(row)
        url = arxiv_abs_url(paper["arxiv_id"]) if paper.get("arxiv_id") else \
            arxiv_search_url(paper.get("title") or (paper.get("abstract") or "")[:80])
        if not open_url(url):
            QGuiApplication.clipboard().setText(url)
            self.statusBar().showMessage(f"No web browser could be opened; the link is on the "
                                         f"clipboard: {url}", 10000)

    def _update_dismiss_text(self) -> None:
        """X restores a dismissed paper: the menu says which it will do."""
        row = self.table.currentIndex().row()
        dismissed = self.list_state.view == "dismissed"
        if not dismissed and 0 <= row < self.model.rowCount():
            dismissed = bool(self.model.paper(row).get("dismissed"))
        self.actions["dismiss"].setText("&Restore to the inbox" if dismissed else "&Dismiss")

    # --- help ------------------------------------------------------------------------------

    def show_cheatsheet(self) -> None:
        """Show every keyboard shortcut."""
        if self.cheatsheet is None:
            self.cheatsheet = CheatSheet(self.actions, self)
        if self.cheatsheet.isVisible():
            self.cheatsheet.raise_()
        else:
            self.cheatsheet.show()

    def about_text(self) -> str:
        """The About box's text."""
        return (f"<h3>readq {__version__}</h3><p>A reading queue for research papers.</p>"
                f"<p>Library: <code>{self.root}</code></p>"
                f"<p>Log: <code>{log_file()}</code></p>"
                f"<p>Press {QKeySequence('F1').toString(QKeySequence.SequenceFormat.NativeText)}"
                " for the keyboard shortcuts.</p>")

    def show_about(self) -> None:
        """Help ▸ About: version and library location."""
        QMessageBox.about(self, "About readq", self.about_text())

    # --- closing ---------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Save the note and the settings, stop background work, close the library."""
        if self._closed:
            return
        self._closed = True
        if self.triage_active:
            self.triage_page.stop()  # saves a quick note being typed
            self.pages.setCurrentWidget(self.splitter)
            self.toolbar.setVisible(self.toolbar_wanted)  # remembered as the user left it
        if not self.detail.flush_note():
            self.detail.flush_note()  # one retry (e.g. the database was busy)
        self.prefs.save_window(self)
        self.prefs.save_splitter("main", self.splitter)
        self.prefs.save_splitter("detail", self.detail.splitter)
        self.table.restore_dropped()
        self.prefs.save_header(self.table.horizontalHeader())
        if self.list_state.entry is not None:
            self.prefs.last_view = self.list_state.entry.key
        self.prefs.sync()
        self.for_you.shutdown()
        self.runner.shutdown()
        self.workflow.zoom.restore_base()
        self.library.close()
