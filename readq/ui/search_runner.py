"""Running searches in the background, newest query only.

``run`` cancels the search before it (a search not yet started is skipped) and
tags each with a generation number: results of anything but the latest run are
dropped. Each result carries how many papers match in all. A malformed query
is reported as ``failed`` with ``QueryError``'s one-line message at once (it is
parsed on the GUI thread before the search is queued, so the error shows even
while the read lane is busy with counts); the caller keeps the previous
results on screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from readq.search.query import QueryError, parse_query
from readq.ui.highlight import plain_words
from readq.ui.tasks import READ, Task, TaskContext, TaskRunner

SEARCH_LIMIT = 1000


@dataclass
class SearchResult:
    """What a background search found (or why the query is malformed)."""

    generation: int
    ids: list[int] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    error: str = ""
    total: int = 0  # papers matching in all (ids holds at most SEARCH_LIMIT)


def search_job(generation: int, query: str, view: str, sort: str,
               descending: bool) -> object:
    """The background job: parse, search within ``view``, order, find words to highlight."""

    def job(ctx: TaskContext) -> SearchResult:
        try:
            parsed = parse_query(query)
        except QueryError as exc:
            return SearchResult(generation, error=str(exc))
        library = ctx.library
        try:
            ids, total = library.search_counted(parsed, limit=SEARCH_LIMIT, view=view)
        except QueryError as exc:
            return SearchResult(generation, error=str(exc))
        except Exception:  # the index may have been rebuilt under us: reopen, retry once
            ctx.reset_library()
            library = ctx.library
            ids, total = library.search_counted(parsed, limit=SEARCH_LIMIT, view=view)
        if sort:
            hits = set(ids)
            ids = [i for i in library.view_ids(view, sort=sort, descending=descending)
                   if i in hits]
        try:
            terms = library.terms_for_highlight(parsed)
        except Exception:  # highlighting is a nicety: fall back to the typed words
            terms = plain_words(query)
        return SearchResult(generation, ids, terms, total=total)

    return job


def warm_job(ctx: TaskContext) -> None:
    """Read what every search needs (paper ids, field lengths) before the first
    keystroke, so the first search answers as fast as the rest."""
    try:
        ctx.library.warm_index()
    except Exception:  # a missing or damaged index is reported by the search itself
        ctx.reset_library()


class SearchRunner(QObject):
    """Searches on the read lane; only the latest one's outcome is reported."""

    results = Signal(str, list, list, int)  # query, ids, words to highlight, matches in all
    failed = Signal(str, str)  # query, one-line message

    def __init__(self, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._task: Task | None = None
        self._generation = 0

    def warm(self) -> None:
        """Prepare the search index in the background (call once the window is up)."""
        self._runner.submit(warm_job, lane=READ, name="warm search")

    def run(self, query: str, view: str, sort: str = "", descending: bool = False) -> None:
        """Search in the background; earlier searches are dropped."""
        self.cancel()
        generation = self._generation
        try:
            parse_query(query)  # a fraction of a millisecond
        except QueryError as exc:  # said at once, even while the read lane is busy
            self.failed.emit(query, str(exc))
            return
        task = self._runner.submit(search_job(generation, query, view, sort, descending),
                                   lane=READ, name="search")
        self._task = task
        task.finished.connect(lambda result, q=query: self._on_finished(q, result))
        task.failed.connect(lambda message, g=generation, q=query: self._on_failed(g, q, message))

    def cancel(self) -> None:
        """Forget the running search (its results will be dropped)."""
        self._generation += 1
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def _on_finished(self, query: str, result: object) -> None:
        if not isinstance(result, SearchResult) or result.generation != self._generation:
            return  # stale: the user typed on
        self._task = None
        if result.error:
            self.failed.emit(query, result.error)
        else:
            self.results.emit(query, result.ids, result.terms, result.total)

    def _on_failed(self, generation: int, query: str, message: str) -> None:
        if generation == self._generation:
            self._task = None
            self.failed.emit(query, f"Search failed: {message}")
