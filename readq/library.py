"""The library service: the one API the command line and the desktop app share.

A thin facade over small parts: importing (:mod:`readq.importing`, chunked
transactions of whole records, undoable per import action), indexing (the
Whoosh index, derived from the store), user state (ratings, notes, queue —
each change one read-modify-write transaction), backups (:mod:`readq.store.backup`,
rotated per class). SQL lives in :mod:`readq.store`.

Every write runs in one ``BEGIN IMMEDIATE`` transaction that waits its turn
(with backoff, within the store's budget); a library that stays busy longer is a
:class:`LibraryBusy` error with a readable message, never a raw ``sqlite3`` one.

A ``Library`` belongs to one thread: open another on the same folder for
background work. Hooks that must run when a library opens or is checked
(store health, index verification) go in :meth:`Library._on_open` and
:meth:`Library.check`.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from readq.backups import BackupOps
from readq.import_service import ANALYZE_AFTER, ImportAction, ImportOps
from readq.importing import FileReport, UndoneImport
from readq.index_service import CheckReport, IndexOps
from readq.models import EXPORT_KEYS
from readq.paths import library_dir_problem
from readq.search.query import ParsedQuery, QueryError, StateCondition, parse_query
from readq.service import BUSY_MESSAGE, Cancel, LibraryBusy, LibraryError, Progress, writes
from readq.store.database import BUSY_TIMEOUT_MS, WRITE_BUDGET_S, Store, StoreBusy, is_busy
from readq.store.health import (
    QUICK_CHECK_MAX_BYTES, StoreDamaged, check_store, describe_error, opened_here, protect)
from readq.store import schema as schema_sql
from readq.store import signals
from readq.store.signals import CANDIDATE_WHERE
from readq.store import stats as figures_sql
from readq.store import user_state as kinds
from readq.store.user_state import TAG_CONDITION_SQL
from readq.user_state import MergeUndo, UserStateOps, tag_name

__all__ = ["Library", "LibraryError", "LibraryBusy", "StoreDamaged", "FileReport", "CheckReport",
           "ImportAction", "MergeUndo", "UndoneImport", "writes", "to_export",
           "condition_sql", "VIEWS", "ANALYZE_AFTER", "Progress", "Cancel"]

log = logging.getLogger(__name__)

if TYPE_CHECKING:  # scikit-learn loads only when recommendations are asked for
    from readq.search.index import SearchIndex  # Whoosh: when the index is first used
    from readq.store.id_sets import IdSet  # numpy: with the first filtered search
    from readq.recommendations import Recommendation, Recommendations

VIEWS = {
    "inbox": ("s.status = 'unread' AND s.dismissed = 0", ()),
    "queue": ("s.queue_position IS NOT NULL", ()),
    "read": ("s.status = 'read'", ()),
    "starred": ("s.rating >= 4", ()),
    "all": ("1 = 1", ()),
    "dismissed": ("s.dismissed = 1", ()),
    # first seen in the latest import action (one command, dialog, drop or paste):
    # sighted in one of its files, and in no earlier action
    "new": ("p.id IN (SELECT s2.paper_id FROM sightings s2 JOIN imports i2 "
            "ON i2.id = s2.import_id WHERE i2.action_id = (SELECT MAX(action_id) FROM imports)) "
            "AND NOT EXISTS (SELECT 1 FROM sightings o JOIN imports oi ON oi.id = o.import_id "
            "WHERE o.paper_id = p.id "
            "AND oi.action_id < (SELECT MAX(action_id) FROM imports))", ()),
    "notes": ("s.note != ''", ()),
    "for_you": (CANDIDATE_WHERE, ()),  # ordered by the recommender (readq/recommendations.py)
}


def condition_sql(cond: StateCondition) -> tuple[str, tuple[Any, ...]]:
    """One user-state filter as SQL with bound values (operators from a fixed set)."""
    if cond.op not in ("=", ">=", "<=", ">", "<"):
        raise QueryError(f"unknown comparison {cond.op}")
    if cond.field == "status":
        sql, params = "s.status = ?", (str(cond.value),)
    elif cond.field == "rating":
        sql, params = f"s.rating {cond.op} ?", (int(cond.value),)
    elif cond.field == "queued":
        sql, params = ("s.queue_position IS NOT NULL" if cond.value else
                       "s.queue_position IS NULL"), ()
    elif cond.field == "code":
        sql, params = "p.has_code = ?", (int(bool(cond.value)),)
    elif cond.field == "tag":
        sql, params = TAG_CONDITION_SQL, (tag_name(str(cond.value)),)
    elif cond.field == "dismissed":
        sql, params = "s.dismissed = ?", (int(bool(cond.value)),)
    else:
        raise QueryError(f"unknown filter {cond.field}")
    return (f"NOT ({sql})" if cond.negated else sql), params


class Library(ImportOps, IndexOps, UserStateOps, BackupOps):
    """A readq library folder: ``library.sqlite3`` and ``index/``.

    A thin facade: importing (:class:`ImportOps`), indexing (:class:`IndexOps`),
    user state (:class:`UserStateOps`) and backups (:class:`BackupOps`) are its parts."""

    DB_NAME = "library.sqlite3"

    def __init__(self, root: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS,
                 write_budget_s: float = WRITE_BUDGET_S, read_only: bool = False,
                 index_lock_timeout: float = 10.0, short_writes: bool = False) -> None:
        self.root = Path(root)
        self.read_only = read_only
        self.index_lock_timeout = index_lock_timeout
        self.last_import_chunk_s = 0.0  # the longest write-lock hold of its imports
        self.import_chunk_times: list[float] = []  # every chunk's hold (benchmarks)
        self.pending_backups = []  # before-import copies still being written (ImportOps)
        unfit = library_dir_problem(self.root)
        if unfit:  # refused before anything is created
            raise LibraryError(unfit)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(f"cannot create the library folder {self.root}: "
                               f"{exc.strerror or exc}") from None
        # a damaged store raises StoreDamaged and is never written; a read-only open
        # (the window's, on the GUI thread) leaves a big store's full check to the first
        # writing open, which runs on a worker thread
        check_store(self.root, quick_check_max=QUICK_CHECK_MAX_BYTES if read_only else None)
        try:
            self.store = Store(self.root / self.DB_NAME, busy_timeout_ms=busy_timeout_ms,
                               write_budget_s=write_budget_s, query_only=read_only)
            opened_here(self.root)  # its header is never read again while it is open
            if short_writes:  # leave WAL checkpoints (and their fsync) to long writers
                self.store.conn.execute("PRAGMA wal_autocheckpoint = 0")
        except StoreBusy:
            raise LibraryBusy(BUSY_MESSAGE) from None
        except sqlite3.DatabaseError as exc:
            if is_busy(exc):
                raise LibraryBusy(BUSY_MESSAGE) from None
            raise LibraryError(describe_error(exc, self.root)) from None
        if not read_only:
            protect(self.root)  # folder 0700, files 0600
        self._index: SearchIndex | None = None
        self._allowed_cache: dict[tuple[str, tuple[Any, ...]], tuple[Any, IdSet]] = {}
        self.index_problem = ""  # damage found (and cleared) when the index was opened
        self._on_open()

    def _on_open(self) -> None:
        """Checks that run each time a library opens (the place for store-health hooks)."""

    # --- lifecycle ---------------------------------------------------------------------

    @property
    def index_dir(self) -> Path:
        """Where the derived search index lives."""
        return self.root / "index"

    @property
    def index(self) -> SearchIndex:
        """The search index, opened on first use (a corrupt one is recreated empty and
        every paper queued for indexing)."""
        if self._index is None:
            from readq.search.index import IndexCorrupt, SearchIndex
            from readq.search.verify import (
                clear_folder, needs_rebuild, prepare_folder, rebuild_started)

            fresh = prepare_folder(self.index_dir)  # refuses a folder of the user's own files
            marked = not self.read_only and needs_rebuild(self.index_dir)
            if marked:  # a restore replaced the store (perhaps killed before reindexing)
                clear_folder(self.index_dir)
                fresh = True
            index = SearchIndex(self.index_dir, lock_timeout=self.index_lock_timeout)
            try:
                index.open()
            except IndexCorrupt as exc:
                self.index_problem = str(exc)
                clear_folder(self.index_dir)  # readq's own files only
                index = SearchIndex(self.index_dir, lock_timeout=self.index_lock_timeout)
                index.open()
                fresh = True
            if (fresh or index.doc_count() == 0) and not self.read_only \
                    and self.store.paper_count():
                with self.store.transaction():  # a store moved alone: refill its index
                    self.store.enqueue_index(self.store.all_ids())
            if marked:
                rebuild_started(self.index_dir)  # the store's queue holds the rest
            self._index = index
        return self._index

    def close(self) -> None:
        """Release the index and the database (once the backups being copied are written)."""
        if not self.read_only:
            self.finish_backups()
        if self._index is not None:
            self._index.close()
            self._index = None
        self.store.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reading -----------------------------------------------------------------------

    def resolve(self, ref: str) -> int:
        """A paper named by numeric id or arXiv id (``2401.10020``, ``arXiv:2401.10020v2``)."""
        text = ref.strip()
        if text.isdigit() and "." not in text:
            if self.store.one("SELECT 1 FROM papers WHERE id = ?", (int(text),)):
                return int(text)
            raise LibraryError(f"no paper with id {text}")
        aid = text.removeprefix("arXiv:").removeprefix("arxiv:")
        aid = aid.split("v")[0] if "/" not in aid else aid
        found = self.store.id_by_arxiv(aid)
        if found is None:
            raise LibraryError(f"no paper with id or arXiv id {ref!r}")
        return found

    def _where(self, view: str, conditions: Sequence[StateCondition]
               ) -> tuple[str, tuple[Any, ...]]:
        """The SQL condition of a view plus state filters (values bound)."""
        where, params = self._view_where(view)
        for cond in conditions:
            sql, extra = condition_sql(cond)
            where, params = f"{where} AND {sql}", (*params, *extra)
        return where, params

    def view_ids(self, view: str = "all", *, sort: str = "added", descending: bool = False,
                 conditions: Sequence[StateCondition] = ()) -> list[int]:
        """Ids of a sidebar view (``inbox``, ``queue``, ``import:<id>``…), sorted in SQL."""
        where, params = self._where(view, conditions)
        if view == "queue" and sort == "added":
            sort = "queue"
        return self.store.list_ids(where, params, sort, descending)

    def view_count(self, view: str) -> int:
        """How many papers a view shows."""
        where, params = self._view_where(view)
        return self.store.count(where, params)

    def _view_where(self, view: str) -> tuple[str, tuple[Any, ...]]:
        if view.startswith("import:"):
            return ("p.id IN (SELECT paper_id FROM sightings WHERE import_id = ?)",
                    (int(view.split(":", 1)[1]),))
        if view == "duplicates":
            return ("p.id IN (SELECT paper_id FROM possible_duplicates WHERE status = 'open' "
                    "UNION SELECT other_id FROM possible_duplicates WHERE status = 'open')", ())
        if view.startswith("tag:"):
            return TAG_CONDITION_SQL, (tag_name(view.split(":", 1)[1]),)
        if view.startswith("stats:"):  # the papers behind a bar of the Statistics page
            try:
                return figures_sql.selection_where(view.split(":", 1)[1])
            except figures_sql.SelectionError as exc:
                raise LibraryError(str(exc)) from None
        if view not in VIEWS:
            raise LibraryError(f"unknown view {view!r}")
        return VIEWS[view]

    def search(self, query: str | ParsedQuery, *, limit: int | None = 200,
               view: str = "all") -> list[int]:
        """Paper ids matching the query, best first (raises ``QueryError`` if malformed)."""
        return self.search_counted(query, limit=limit, view=view)[0]

    def search_counted(self, query: str | ParsedQuery, *, limit: int | None = 200,
                       view: str = "all") -> tuple[list[int], int]:
        """The best ``limit`` paper ids for the query and how many match in all.

        The text part ranks in the index; the view and the state filters select
        the allowed papers in SQL, and the index ranks only those, in one pass.
        """
        from readq.search.verify import guarded

        parsed = parse_query(query) if isinstance(query, str) else query
        if not parsed.has_text:
            ids = self.view_ids(view, conditions=parsed.conditions, sort="added",
                                descending=True)
            return (ids[:limit] if limit is not None else ids), len(ids)
        if not parsed.conditions and view == "all":
            hits = guarded(self.index_dir, lambda: self.index.search_hits(parsed, limit=limit))
            return hits.ids, hits.total
        allowed = self._allowed_ids(view, parsed.conditions)
        if allowed.excluded:
            hits = guarded(self.index_dir, lambda: self.index.search_hits(
                parsed, limit=limit, excluded_ids=allowed.ids))
        else:
            hits = guarded(self.index_dir, lambda: self.index.search_hits(
                parsed, limit=limit, allowed_ids=allowed.ids))
        return hits.ids, hits.total

    def _allowed_ids(self, view: str, conditions: Sequence[StateCondition]) -> IdSet:
        """The papers a view and state filters let through (or, when they let most
        through, the few they exclude: :mod:`readq.store.id_sets`), remembered until
        the store changes: typing in the box asks again and again for the same view."""
        where, params = self._where(view, conditions)
        version = (self.store.one("PRAGMA data_version"), self.store.conn.total_changes)
        cache = self._allowed_cache
        hit = cache.get((where, params))
        if hit is not None and hit[0] == version:
            return hit[1]
        hint = None  # the smaller side last time (skips a count), unless it grew
        if hit is not None:
            hint = hit[1].excluded != (len(hit[1].ids) * 2 > hit[1].total)
        from readq.store.id_sets import fetch_id_set  # numpy: not for every command

        try:
            allowed = fetch_id_set(self.store.conn, where, params, excluded_hint=hint)
        except sqlite3.OperationalError as exc:
            if "paper_tags" not in str(exc):
                raise
            raise QueryError("tag: this library has no tags yet") from None
        if len(cache) >= 8 and (where, params) not in cache:
            cache.clear()
        cache[(where, params)] = (version, allowed)
        return allowed

    def papers(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        """Full rows (metadata, state, sightings) in the order of ``ids``."""
        return self.store.full_rows(ids)

    def paper(self, paper_id: int) -> dict[str, Any]:
        """One paper's full row."""
        rows = self.store.full_rows([paper_id])
        if not rows:
            raise LibraryError(f"no paper with id {paper_id}")
        return rows[0]

    def export_rows(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        """Papers as DESIGN.md §6 objects (keys exactly ``EXPORT_KEYS``)."""
        return [to_export(row) for row in self.store.full_rows(ids)]

    def imports(self) -> list[dict[str, Any]]:
        """Every import that brought something, newest first."""
        return self.store.imports()

    def paper_count(self) -> int:
        """How many papers the library holds."""
        return self.store.paper_count()

    def data_version(self) -> int:
        """Changes when another connection commits (``PRAGMA data_version``)."""
        return int(self.store.one("PRAGMA data_version"))

    # --- stats -------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """Counts for ``readq stats`` and the sidebar."""
        one = self.store.one
        return {
            "papers": self.store.paper_count(),
            "unread": self.view_count("inbox"),
            "read": self.view_count("read"),
            "queued": self.view_count("queue"),
            "starred": self.view_count("starred"),
            "rated": int(one("SELECT COUNT(*) FROM user_state WHERE rating > 0")),
            "dismissed": self.view_count("dismissed"),
            "with_notes": self.view_count("notes"),
            "imports": int(one("SELECT COUNT(*) FROM imports")),
            "sightings": int(one("SELECT COUNT(*) FROM sightings")),
            "possible_duplicates": int(one(
                "SELECT COUNT(*) FROM possible_duplicates WHERE status = 'open'")),
            "index_pending": self.store.pending_count(),
        }

    # --- recommendations (readq/recommendations.py) ------------------------------------

    @property
    def recommendations(self) -> Recommendations:
        """The recommender of this library (its features cached under ``recommend/``)."""
        if getattr(self, "_recommendations", None) is None:
            from readq.recommendations import Recommendations

            self._recommendations = Recommendations(self.store, self.root / "recommend")
        return self._recommendations

    def recommend(self, limit: int | None = 20, tag: str | None = None) -> list[Recommendation]:
        """Unread, undismissed, undecided papers, most likely wanted first; with a tag,
        more like that tag's papers."""
        tagged = None
        if tag is not None:
            finder = getattr(self, "tagged_ids", None)
            tagged = finder(tag) if finder is not None else []
            if not tagged:
                raise LibraryError(f"no papers are tagged {tag!r}")
        return self.recommendations.recommend(limit, tag=tag, tagged=tagged)

    @staticmethod
    def needs_upgrade(root: Path) -> bool:
        """Whether the library in ``root`` was written by an older readq (its store is
        upgraded when it is next opened: seconds on a big library)."""
        return schema_sql.written_by_older_readq(Path(root) / Library.DB_NAME)

    def similar(self, paper_id: int, limit: int = 5) -> list[Recommendation]:
        """The papers most like one paper, most similar first."""
        self.paper(paper_id)  # a clear error for an unknown id
        return self.recommendations.similar(paper_id, limit)

    @writes
    def set_not_this(self, ids: Sequence[int], on: bool = True) -> None:
        """Say "not this" to papers (a negative decision for recommendations), or undo it
        (plain SQL: the recommender itself is not loaded for it)."""
        with self.store.transaction():
            signals.set_not_this(self.store.conn, ids, on)

    def not_this_ids(self) -> set[int]:
        """Papers the user said "not this" to."""
        return signals.not_this_ids(self.store.conn)

    def statistics(self, weeks: int | None = None) -> dict[str, Any]:
        """Every figure of the Statistics page and ``readq stats`` (see ``store/stats.py``)."""
        return figures_sql.figures(self.store.conn, weeks=weeks)

    @writes
    def start_triage_log(self, label: str, papers: int) -> int:
        """Open a session in triage's own log (decisions per session, papers per minute)."""
        return figures_sql.start_triage_session(self.store.conn, label, papers)

    @writes
    def log_triage(self, session_id: int, paper_id: int | None, decision: str) -> None:
        """Log one triage decision (``queue``, ``rate``, ``read``, ``dismiss``, ``skip``) or
        ``undo`` in a session opened with :meth:`start_triage_log`."""
        figures_sql.log_triage_decision(self.store.conn, session_id, paper_id, decision)


def to_export(row: dict[str, Any]) -> dict[str, Any]:
    """A full row as the §6 export object."""
    item = {
        "id": row["id"], "arxiv_id": row["arxiv_id"], "title": row["title"],
        "authors": row["authors"], "authors_truncated": bool(row["authors_truncated"]),
        "orgs": row["orgs"], "category": row["category"], "published": row["published"],
        "year_inferred": bool(row["year_inferred"]), "has_code": bool(row["has_code"]),
        "score": row["score"], "abstract": row["abstract"], "journal_ref": row["journal_ref"],
        "comments": row["comments"],
        "sources": [{"file": s["file"], "format": s["format"], "index": s["record_index"]}
                    for s in row["sightings"]],
        **kinds.export_states(row),  # status, rating, note, queue_position, dismissed, tags
        "added_at": row["added_at"],
    }
    assert tuple(item) == EXPORT_KEYS
    return item
