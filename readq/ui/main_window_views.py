"""The main window's view, query and sort handling.

Which sidebar view is listed, the search applied to it and the list's sort,
and how they become the ids the list shows: loading a view, running a search in
the background, the "For you" order, the empty and welcome pages, the sidebar
counts and saved searches. Mixed into :class:`~readq.ui.main_window.MainWindow`;
the state itself is the window's :class:`~readq.ui.list_state.ListState`.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QInputDialog

from readq.search.query import QueryError, parse_query
from readq.ui.for_you import Ranking
from readq.ui.paper_model import QUEUE as QUEUE_COLUMN, READ as READ_COLUMN, TAGS
from readq.ui.sidebar import SidebarEntry
from readq.ui.tasks import READ
from readq.ui.views import count_job, empty_text, sidebar_groups, view_title

EXPLAIN_SETTLE_MS = 250  # the current paper's "For you" explanation waits this long
DETAIL_FALLBACK_MS = 100  # new results draw the detail pane after the list's paint, or now
# A library bigger than this reads a view's ids (sorted) off the GUI thread: at 100,000
# papers that read took 200-300 ms, a stall at every sort click, view switch and cleared
# search; a small library's read is a few milliseconds and shows in the same frame.
VIEW_READ_IN_BACKGROUND = 20_000


class ViewMixin:
    """Views, search, sort and the sidebar of :class:`MainWindow`."""

    # the query whose results the list shows while the detail pane waits for the
    # list's paint (None: the pane follows the current paper at once)
    _detail_after_paint: str | None = None
    _view_reads = 0  # counts view loads: a background read answers only if still the last

    # --- views -------------------------------------------------------------------------

    @property
    def view(self) -> str:
        """The library view listed (``inbox``, ``import:3``…)."""
        return self.list_state.view

    @property
    def query(self) -> str:
        """The search applied to the view ("" for none)."""
        return self.list_state.query

    def show_view(self, view: str) -> None:
        """Select a sidebar view by its library name (``inbox``, ``queue``…)."""
        if self.triage_active:
            self.leave_triage()
        self.sidebar.select_key(f"view:{view}" if ":" not in view else view)

    def _on_entry(self, entry: SidebarEntry) -> None:
        self.detail.flush_note()
        self.prefs.last_view = entry.key
        text = self.list_state.follow(entry)
        if text is not None:
            self.search.set_text(text, notify=False)
        if self.list_state.view == "queue":
            self.table.clear_sort()
        self.setWindowTitle(f"readq — {view_title(entry)}")
        self.load(keep=False)

    def load(self, keep: bool = True) -> None:
        """List the current view (a search runs in the background)."""
        self._view_reads += 1  # a reload still reading in the background is stale now
        self.search.setVisible(self.list_state.view != "stats")
        entry = self.list_state.entry
        self.filter_chip.show_filter(entry.label if entry is not None and
                                     entry.kind == "selection" else None)
        if self.list_state.view == "stats":
            self._show_statistics_page()
            return
        self._update_reorderable()
        if self.list_state.view == "duplicates" and not self.list_state.query:
            self._show_duplicates()
            return
        if self.list_state.query:
            self._run_search()
            return
        self.searches.cancel()  # results of a search still running are stale now
        self._set_terms([])
        if max(self.model.rowCount(), self.sidebar.papers_in_library()) \
                > VIEW_READ_IN_BACKGROUND:
            self._read_view_in_background(keep)
        else:
            self._show_view_ids(self.list_state.view_ids(self.library), keep)

    def load_in_background(self, keep: bool = True) -> None:
        """``load`` after another program changed the library (a terminal's import or
        rating): the view's ids are always read on the read lane, whatever the size,
        since this comes each time the other program's commits pause."""
        state = self.list_state
        if state.query or state.view in ("stats", "duplicates"):
            self.load(keep)
            return
        self._read_view_in_background(keep)

    def _read_view_in_background(self, keep: bool) -> None:
        """Read the view's ids (in its sort) on the read lane; show them if nothing
        newer was asked for meanwhile."""
        state = self.list_state
        self._view_reads += 1
        read, view = self._view_reads, state.view
        sort, descending = state.sort_key or "added", state.descending
        task = self.runner.submit(
            lambda ctx: ctx.library.view_ids(view, sort=sort, descending=descending),
            lane=READ, name="view")

        def arrived(ids: object) -> None:
            state = self.list_state  # nothing newer asked for, and the list still shows it
            if read != self._view_reads or not isinstance(ids, list) or state.view != view \
                    or state.query:
                return
            if self.triage_active:  # the list is hidden: reloaded when triage ends
                self._list_stale = True
                return
            self._show_view_ids(ids, keep)

        task.finished.connect(arrived)
        task.failed.connect(lambda _msg: read == self._view_reads and self.load(keep))

    def _show_view_ids(self, ids: list[int], keep: bool) -> None:
        for_you = self.list_state.for_you_order(self.inbox_for_you.isChecked())
        self._show_ids(self.for_you.arrange(ids) if for_you else ids, keep)
        if for_you:
            view = self.list_state.view
            self.for_you.rank(ids, lambda ranking: self._on_ranked(view, ranking), kind="list")

    def _on_ranked(self, view: str, ranking: Ranking) -> None:
        """A "For you" order arrived: show it if the list still shows that view."""
        state = self.list_state
        if view != state.view or state.query or state.sort_key or self.triage_active:
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
        self.list_state.query = ""
        self.search.set_text("", notify=False)
        self._select_after_load = [paper_id]
        if self.list_state.view == "all":
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
        if not self.list_state.query and self.library.paper_count() == 0:
            self.center.setCurrentWidget(self.welcome)
            return
        label = view_title(self.list_state.entry)
        if self.list_state.query:
            where = "" if self.list_state.view == "all" else f" in {label}"
            self.empty.show_message(f"No papers{where} match “{self.list_state.query}”",
                                    "Try fewer words, a prefix such as trans*, or a typo-tolerant "
                                    "word such as transfomer~.",
                                    "Search all papers" if self.list_state.view != "all" else "")
        else:
            title, text = empty_text(self.list_state.view, label)
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
        self.table.set_reorderable(self.list_state.reorderable)

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
        self.detail.show_paper(paper, later=self._detail_after_paint is not None)
        if self.for_you_panel.paper_id != paper["id"]:
            self.for_you_panel.clear(int(paper["id"]))
            self._explain_when_settled()

    def _explain_when_settled(self) -> None:
        """Ask for the current paper's "why" and similar papers once it has been current
        for ``EXPLAIN_SETTLE_MS``: typing a query changes the top paper at each result,
        and an explanation (hundreds of ms of Python at 100,000 papers) started at
        once would take the GIL from the list while it paints the results."""
        timer = getattr(self, "_explain_timer", None)
        if timer is None:
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.setInterval(EXPLAIN_SETTLE_MS)
            timer.timeout.connect(self._explain_current)
            self._explain_timer = timer
        timer.start()

    def _explain_current(self) -> None:
        paper_id = self.for_you_panel.paper_id
        if paper_id is not None and self.detail.paper_id == paper_id:
            self.for_you.explain(paper_id, self.for_you_panel.show_explanation)

    def _selection_status(self) -> None:
        count = len(self.table.selectionModel().selectedRows())
        total = self.model.rowCount()
        noun = "result" if self.list_state.query else "paper"
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
            self.table.set_empty_columns(empty_columns(counts))
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
        self.list_state.query = text
        self.list_state.query_from_saved = False
        if not text:
            self.search.clear_error()
            self.search.clear_count()
            self.workflow.dim_results(False)
            self.searches.cancel()
        self.load(keep=True)

    def _run_search(self) -> None:
        state = self.list_state
        self.searches.run(state.query, state.search_view, state.sort_key, state.descending)

    def _on_search_results(self, query: str, ids: list[int], terms: list[str],
                           total: int) -> None:
        if query != self.list_state.query:
            return
        self.search.clear_error()
        self.workflow.dim_results(False)
        self.search.show_count(len(ids), total)
        self._set_terms(terms, render=False)  # the current paper is drawn once, later
        self._detail_after_paint = query  # the list is painted first, the pane a frame later
        self._show_ids(ids, keep=True)
        if self.detail.pending and self.center.currentWidget() is self.table:
            QTimer.singleShot(DETAIL_FALLBACK_MS, self._show_detail_now)  # if no paint comes
        else:
            self._show_detail_now()

    def _detail_after_list_paint(self) -> None:
        """The list has painted new results: draw the current paper once this frame is
        done (the pane's text layout would otherwise delay the rows by a frame)."""
        if self._detail_after_paint is not None:
            QTimer.singleShot(0, self._show_detail_now)

    def _show_detail_now(self) -> None:
        query, self._detail_after_paint = self._detail_after_paint, None
        if query is None:
            return
        self.detail.flush()
        self.search_done.emit(query)

    def _on_search_failed(self, query: str, message: str) -> None:
        if query != self.list_state.query:
            return
        self.search.show_error(message)  # the previous results stay, dimmed
        self.workflow.dim_results(True)
        self.search_done.emit(query)

    def _set_terms(self, terms: list[str], render: bool = True) -> None:
        self._terms = list(terms)
        self.detail.set_terms(self._terms, render=render)

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


def empty_columns(counts: dict[str, int]) -> set[int]:
    """The list's columns with nothing in them in the whole library, from the sidebar's
    counts: nothing read, nothing queued, no tags."""
    empty = set()
    if counts.get("view:read") == 0:
        empty.add(READ_COLUMN)
    if counts.get("view:queue") == 0:
        empty.add(QUEUE_COLUMN)
    if not any(key.startswith("tag:") and count for key, count in counts.items()):
        empty.add(TAGS)
    return empty
