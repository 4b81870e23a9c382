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
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QInputDialog,
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
from readq.library import FileReport, Library
from readq.logs import log_file
from readq.paths import samples_dir
from readq.search.query import QueryError, parse_query
from readq.ui.actions import VIEW_KEYS, Actions, build_menus
from readq.ui.cheatsheet import CheatSheet
from readq.ui.detail_pane import DetailPane
from readq.ui.duplicates_view import DuplicatesView
from readq.ui.empty_state import EmptyView, WelcomePanel
from readq.ui.flow_layout import CurrentStack
from readq.ui.for_you import ForYou, ForYouPanel, Ranking
from readq.ui.import_dialog import ImportController, ProgressPanel
from readq.ui.import_summary import ImportSummaryDialog
from readq.ui.index_keeper import IndexKeeper
from readq.ui.links import arxiv_abs_url, arxiv_search_url, open_url
from readq.ui.paper_model import PaperModel
from readq.ui.paper_table import PaperTable
from readq.ui.search_box import SearchBox
from readq.ui.search_runner import SearchRunner
from readq.ui.settings import WindowSettings
from readq.ui.sidebar import Sidebar, SidebarEntry
from readq.ui.operations import Operations
from readq.ui.tasks import READ, Task, TaskRunner
from readq.ui.triage import Triage
from readq.ui.triage_mode import TriagePage
from readq.ui.undo import ImportCommand, MergeCommand
from readq.ui.views import count_job, empty_text, sidebar_groups, view_title
from readq.ui.workflow import Workflow

if TYPE_CHECKING:
    from readq.ui.stats_page import StatsPage

log = logging.getLogger(__name__)

TRIAGE_SYNC_PAUSE_MS = 2500


class MainWindow(QMainWindow):
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
        self.prefs = WindowSettings(settings)
        self.runner = TaskRunner(self.root, self)
        self.ops = Operations(self.runner, self)
        self.undo_stack = QUndoStack(self)
        self._closed = False
        self._entry: SidebarEntry | None = None
        self._view = "inbox"
        self._query = ""
        self._query_from_saved = False
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
            self.resize(1360, 820)
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
        self.counts_updated.connect(self._stats_follow_changes)

        self.sidebar.entry_selected.connect(self._on_entry)
        self.sidebar.delete_saved_search.connect(self.delete_saved_search)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())
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

    # --- views -------------------------------------------------------------------------

    @property
    def view(self) -> str:
        """The library view listed (``inbox``, ``import:3``…)."""
        return self._view

    @property
    def query(self) -> str:
        """The search applied to the view ("" for none)."""
        return self._query

    def show_view(self, view: str) -> None:
        """Select a sidebar view by its library name (``inbox``, ``queue``…)."""
        if self.triage_active:
            self.leave_triage()
        self.sidebar.select_key(f"view:{view}" if ":" not in view else view)

    def _on_entry(self, entry: SidebarEntry) -> None:
        self.detail.flush_note()
        previous = self._entry
        self._entry = entry
        self.prefs.last_view = entry.key
        if entry.kind == "saved":
            self._view = "all"
            self._query = entry.query
            self._query_from_saved = True
            self.search.set_text(entry.query, notify=False)
        else:
            self._view = entry.view
            if self._query_from_saved and previous is not None and previous.kind == "saved" \
                    and self._query == previous.query:
                self._query = ""
                self.search.set_text("", notify=False)
            self._query_from_saved = False
        if self._view == "queue":
            self.table.clear_sort()
        self.setWindowTitle(f"readq — {view_title(entry)}")
        self.load(keep=False)

    def load(self, keep: bool = True) -> None:
        """List the current view (a search runs in the background)."""
        self.search.setVisible(self._view != "stats")
        if self._view == "stats":
            self._show_statistics_page()
            return
        self._update_reorderable()
        if self._view == "duplicates" and not self._query:
            self._show_duplicates()
            return
        if self._query:
            self._run_search()
            return
        self.searches.cancel()  # results of a search still running are stale now
        self._set_terms([])
        ids = self.library.view_ids(self._view, sort=self.model.sort_key or "added",
                                    descending=self.model.descending)
        for_you = not self.model.sort_key and (self._view == "for_you" or (
            self._view == "inbox" and self.inbox_for_you.isChecked()))
        self._show_ids(self.for_you.arrange(ids) if for_you else ids, keep)
        if for_you:
            view = self._view
            self.for_you.rank(ids, lambda ranking: self._on_ranked(view, ranking), kind="list")

    def _on_ranked(self, view: str, ranking: Ranking) -> None:
        """A "For you" order arrived: show it if the list still shows that view."""
        if view != self._view or self._query or self.model.sort_key or self.triage_active:
            return
        if not ranking.ready and ranking.note:
            self.statusBar().showMessage(ranking.note, 8000)
        at_top = self.table.currentIndex().row() <= 0  # else the user chose a paper: keep it
        self._show_ids(ranking.ids, keep=True)
        if at_top and self.model.rowCount():
            self.table.select_row(0)

    def open_paper(self, paper_id: int) -> None:
        """Select a paper in the list (in "All" when the list does not hold it)."""
        if paper_id in self.model.ids:
            self.table.select_ids([paper_id], paper_id)
            return
        self._query = ""
        self.search.set_text("", notify=False)
        self._select_after_load = [paper_id]
        if self._view == "all":
            self.load(keep=True)
        else:
            self.show_view("all")

    def _show_ids(self, ids: list[int], keep: bool) -> None:
        select, self._select_after_load = self._select_after_load, []
        self.table.reload(ids, keep=keep)
        if select:
            self.table.select_ids(select, select[0])
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.select_row(0)
        self._choose_page()
        self._show_current()
        self._selection_status()
        self.view_loaded.emit()

    def _choose_page(self) -> None:
        self._choose_center()
        self.detail.setVisible(self.center.currentWidget() not in (self.welcome,
                                                                   self.stats_page)
                               and self.detail_wanted)

    def _choose_center(self) -> None:
        if self.model.rowCount():
            self.center.setCurrentWidget(self.table)
            return
        if not self._query and self.library.paper_count() == 0:
            self.center.setCurrentWidget(self.welcome)
            return
        label = view_title(self._entry)
        if self._query:
            where = "" if self._view == "all" else f" in {label}"
            self.empty.show_message(f"No papers{where} match “{self._query}”",
                                    "Try fewer words, a prefix such as trans*, or a typo-tolerant "
                                    "word such as transfomer~.",
                                    "Search all papers" if self._view != "all" else "")
        else:
            title, text = empty_text(self._view, label)
            self.empty.show_message(title, text)
        self.center.setCurrentWidget(self.empty)

    def _show_duplicates(self) -> None:
        pairs = self.library.possible_duplicates()
        ids = sorted({p["paper_id"] for p in pairs} | {p["other_id"] for p in pairs})
        rows = {r["id"]: r for r in self.library.papers(ids)}
        self.duplicates.set_pairs(pairs, rows)
        self.model.set_ids([])
        self.center.setCurrentWidget(self.duplicates)
        self.detail.show_paper(None, "Decide for each pair whether it is one paper.")
        self.statusBar().showMessage(f"{len(pairs)} possible duplicate"
                                     f"{'s' if len(pairs) != 1 else ''} to review")
        self.view_loaded.emit()

    def _update_reorderable(self) -> None:
        self.table.set_reorderable(self._view == "queue" and not self._query
                                   and not self.model.sort_key)

    def _on_sort(self, key: str, descending: bool) -> None:
        self.load(keep=True)

    def _show_current(self) -> None:
        self._update_dismiss_text()
        if self.center.currentWidget() is not self.table:
            if self.center.currentWidget() is not self.duplicates:
                self.detail.show_paper(None)
            return
        row = self.table.currentIndex().row()
        if row < 0 or row >= self.model.rowCount():
            self.detail.show_paper(None)
            return
        paper = self.model.paper(row)
        self.detail.show_paper(paper)
        if self.for_you_panel.paper_id != paper["id"]:
            self.for_you_panel.clear(int(paper["id"]))
            self.for_you.explain(int(paper["id"]), self.for_you_panel.show_explanation)

    def _selection_status(self) -> None:
        count = len(self.table.selectionModel().selectedRows())
        total = self.model.rowCount()
        noun = "result" if self._query else "paper"
        text = f"{total:,} {noun}{'s' if total != 1 else ''}"
        if count > 1:
            text += f" · {count} selected"
        self.statusBar().showMessage(text)

    def focus_search(self) -> None:
        """Put the cursor in the search box (leaving triage mode first)."""
        if self.triage_active:
            self.leave_triage()
        self.search.focus()

    def _focus_list(self) -> None:
        if self.triage_active:
            self.leave_triage()
        self.table.setFocus()
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.select_row(0)

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
        if self._query:
            self.search.set_text("", notify=False)
            self._query = ""
        self._entry = entry
        self._view = entry.view
        self.setWindowTitle(f"readq — {description}")
        self.load(keep=False)
        self.table.setFocus()

    # --- sidebar -----------------------------------------------------------------------

    def _rebuild_sidebar(self) -> None:
        self.sidebar.sidebar_model.set_groups(sidebar_groups(self.library))
        self.refresh_counts()

    def refresh_counts(self) -> None:
        """Recount every sidebar entry in the background (coalesced)."""
        if self._counts_task is not None:
            self._counts_again = True
            return
        task = self.runner.submit(count_job(self.sidebar.sidebar_model.entries()),
                                  lane=READ, name="counts")
        self._counts_task = task
        task.finished.connect(self._on_counts)
        task.failed.connect(lambda _msg: self._on_counts({}))

    def _on_counts(self, counts: object) -> None:
        self._counts_task = None
        if isinstance(counts, dict):
            self.sidebar.sidebar_model.set_counts(counts)
        if self._counts_again:
            self._counts_again = False
            self.refresh_counts()
            return
        self.counts_updated.emit()

    def counts(self) -> dict[str, int | None]:
        """The counts the sidebar shows, by entry key."""
        return {e.key: e.count for e in self.sidebar.sidebar_model.entries()}

    # --- search ------------------------------------------------------------------------

    def _on_query(self, text: str) -> None:
        self._query = text
        self._query_from_saved = False
        if not text:
            self.search.clear_error()
            self.search.clear_count()
            self.workflow.dim_results(False)
            self.searches.cancel()
        self.load(keep=True)

    def _run_search(self) -> None:
        view = "all" if self._view == "duplicates" else self._view
        self.searches.run(self._query, view, self.model.sort_key, self.model.descending)

    def _on_search_results(self, query: str, ids: list[int], terms: list[str],
                           total: int) -> None:
        if query != self._query:
            return
        self.search.clear_error()
        self.workflow.dim_results(False)
        self.search.show_count(len(ids), total)
        self._set_terms(terms)
        self._show_ids(ids, keep=True)
        self.search_done.emit(query)

    def _on_search_failed(self, query: str, message: str) -> None:
        if query != self._query:
            return
        self.search.show_error(message)  # the previous results stay, dimmed
        self.workflow.dim_results(True)
        self.search_done.emit(query)

    def _set_terms(self, terms: list[str]) -> None:
        self._terms = list(terms)
        self.detail.set_terms(self._terms)

    def save_current_search(self) -> None:
        """Name the current query and keep it in the sidebar."""
        query = self.search.text().strip()
        if not query:
            self.statusBar().showMessage("Type a search first, then save it.", 6000)
            return
        try:
            parse_query(query)
        except QueryError as exc:  # said before asking for a name
            self.search.show_error(str(exc))
            self.statusBar().showMessage(f"This search cannot be saved: {exc}", 8000)
            return
        name, ok = QInputDialog.getText(self, "Save search", "Name:", text=query[:40])
        if ok and name.strip():
            self.save_search(name.strip(), query)

    def save_search(self, name: str, query: str) -> bool:
        """Keep a named query in the sidebar (False with a message if it is malformed)."""
        try:
            parse_query(query)
        except QueryError as exc:
            self.search.show_error(str(exc))
            return False
        self.ops.run(lambda lib: lib.save_search(name, query),
                     lambda _: self._rebuild_sidebar(), name="save search")
        return True

    def delete_saved_search(self, search_id: int) -> None:
        """Forget a saved search."""
        self.ops.run(lambda lib: lib.delete_saved_search(search_id),
                     lambda _: self._rebuild_sidebar(), name="delete saved search")

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
        if self._view != "queue" or self._query or self.model.sort_key:
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
        if self._query:
            self.search.set_text("", notify=False)
            self._query = ""
        if self._view != "queue":
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
        dismissed = self._view == "dismissed"
        if not dismissed and 0 <= row < self.model.rowCount():
            dismissed = bool(self.model.paper(row).get("dismissed"))
        self.actions["dismiss"].setText("&Restore to the inbox" if dismissed else "&Dismiss")

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
        label = view_title(self._entry)
        if self._query:
            label = f"“{self._query}” in {label}"
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
        if self._query:
            self.load(keep=True)
        self.refresh_counts()
        self.index_synced.emit()

    # --- import ----------------------------------------------------------------------------

    def _choose_files(self) -> None:
        self.imports.last_dir = self.imports.last_dir or self.prefs.last_import_dir
        if self.imports.choose_files():
            self.prefs.last_import_dir = self.imports.last_dir

    def import_samples(self) -> None:
        """Import the sample dumps shipped with readq."""
        folder = samples_dir()
        if folder is None:
            self.statusBar().showMessage("No sample dumps are installed.", 6000)
            return
        self.imports.import_paths(sorted(folder.glob("*.txt")), kind="samples")

    def _on_import_stored(self, report: FileReport) -> None:
        was_empty = self.center.currentWidget() is self.welcome
        self._rebuild_sidebar()
        self.load(keep=True)
        if was_empty and self.model.rowCount():
            self.table.select_row(0)
            self.table.setFocus()

    def _on_import_finished(self, reports: list[FileReport], cancelled: bool) -> None:
        self._rebuild_sidebar()  # the papers are listed since "stored": no second reload
        self.index_keeper.schedule_sync()
        self._push_import_undo(reports)
        if not reports:
            return
        note = "Papers already stored stay; the search index catches up in the background." \
            if cancelled else ""
        dialog = ImportSummaryDialog(reports, self, cancelled=cancelled, note=note)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.triage_requested.connect(self._on_import_triage)
        self.last_summary = dialog
        dialog.destroyed.connect(lambda *_: self._forget_summary(dialog))
        dialog.open()
        self.import_done.emit(reports)

    def _push_import_undo(self, reports: list[FileReport]) -> None:
        """One undo step for the import action, if it changed anything."""
        action = next((r.action_id for r in reports if r.action_id is not None
                       and (r.new or r.merged or r.possible_duplicates)), None)
        if action is None:
            return
        files = [Path(r.path).name for r in reports if not r.failed or r.records]
        text = f"Import {files[0]}" if len(files) == 1 else f"Import {len(files)} files"
        self.undo_stack.push(ImportCommand(self.ops, action, text, self._after_import_undo,
                                           self._import_undo_refused, self._keep_touched))

    def _after_import_undo(self) -> None:
        self.model.invalidate(self.model.ids)
        self._rebuild_sidebar()
        self.load(keep=True)
        self.index_keeper.schedule_sync()
        self.statusBar().showMessage("The import was undone.", 6000)

    def _import_undo_refused(self, message: str) -> None:
        self.undo_stack.redo()  # the import stays: so does its undo step
        self.statusBar().showMessage(f"The import was not undone: {message}", 10000)

    def _keep_touched(self, message: str) -> bool:
        return self.ask("Undo import", f"{message[:1].upper()}{message[1:]}.\n\nUndo the "
                        "import but keep those papers?")

    def backup_now(self) -> None:
        """File ▸ Back up now (a manual backup: those are all kept)."""
        self.ops.run(lambda lib: lib.backup("manual"),
                     lambda path: self.statusBar().showMessage(f"Backed up to {path}", 10000),
                     name="back up")

    def choose_backup(self) -> None:
        """File ▸ Restore…: pick a backup (reason and date listed), then restore it."""
        from readq.ui.backups_dialog import BackupsDialog

        dialog = BackupsDialog(self.library.backup_entries(), self)
        if dialog.exec() and dialog.chosen is not None:
            self.restore_from(dialog.chosen)

    def restore_from(self, path: Path) -> None:
        """Replace the library with a backup (the current state is backed up first)."""
        self.detail.flush_note()

        def restored(safety: object) -> None:
            self.undo_stack.clear()  # the changes it names are gone with the old state
            self.model.invalidate(self.model.ids)
            self._rebuild_sidebar()
            self.load(keep=False)
            self.statusBar().showMessage(f"Restored {Path(path).name}; the library as it was "
                                         f"is in {safety}", 10000)

        def restored_then_check(safety: object) -> None:
            restored(safety)
            self.index_keeper.check_at_start()  # the index follows the restored store

        self.ops.run(lambda lib: lib.restore_backup(path, rebuild=False), restored_then_check,
                     name="restore")

    def _forget_summary(self, dialog: ImportSummaryDialog) -> None:
        if self.last_summary is dialog:
            self.last_summary = None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        files = [p for p in paths if p.is_file()]
        if files:
            event.acceptProposedAction()
            self.imports.import_paths(files, kind="drop")

    # --- duplicates ------------------------------------------------------------------------

    def ask(self, title: str, text: str) -> bool:
        """A yes/no question (tests answer it by replacing this method)."""
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def confirm_duplicate(self, pair_id: int) -> bool:
        """Merge a possible duplicate pair into one paper, once the user agrees
        (one undo step that puts both papers back)."""
        self.detail.flush_note()
        if not self.ask("Merge two papers",
                        "Merge these two papers into one? Ratings, notes and sightings are "
                        "combined; Undo (Ctrl+Z) puts both back."):
            return False
        self.undo_stack.push(MergeCommand(self.ops, pair_id, "Merge duplicate papers",
                                          self._after_duplicate_decision))
        return True

    def reject_duplicate(self, pair_id: int) -> None:
        """Keep the two papers of a pair apart."""
        self.ops.run(lambda lib: lib.reject_duplicate(pair_id),
                     lambda _: self._after_duplicate_decision(), name="reject duplicate")

    def _after_duplicate_decision(self) -> None:
        self.model.invalidate(self.model.ids)
        self._rebuild_sidebar()
        self.index_keeper.schedule_sync()
        self.load(keep=self.sidebar.current_key != "duplicates")

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
        self.prefs.save_header(self.table.horizontalHeader())
        if self._entry is not None:
            self.prefs.last_view = self._entry.key
        self.prefs.sync()
        self.for_you.shutdown()
        self.runner.shutdown()
        self.workflow.zoom.restore_base()
        self.library.close()
