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

import functools
import json
import logging
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from readq.importing import FileReport, Importer, UndoneImport, undo_action
from readq.merge import fill_empty
from readq.models import EXPORT_KEYS, DumpError, DumpFormat, ParseResult, Record
from readq.parsing import DumpSource, parse_text, stream_items
from readq.search.index import IndexBusy, IndexCorrupt, IndexDoc, SearchIndex
from readq.search.query import ParsedQuery, QueryError, StateCondition, parse_query
from readq.store import actions as action_sql
from readq.store import rows
from readq.store.backup import (
    KEEP,
    REASONS,
    BackupError,
    backup_reason,
    backup_time,
    backups,
    check_backup_file,
    latest_backup_age,
    make_backup,
    restore_into,
)
from readq.store.database import (
    BUSY_TIMEOUT_MS,
    WRITE_BUDGET_S,
    Store,
    StoreBusy,
    is_busy,
    now_iso,
)
from readq.store.schema import migrate

log = logging.getLogger(__name__)
T = TypeVar("T")

ANALYZE_AFTER = 1000
SYNC_CHUNK = 10_000  # papers written to the index per commit (a killed sync resumes)
SYNC_ROUNDS = 5  # a sync also takes what was queued while it ran, this many times  # new papers in one import that make statistics worth refreshing
Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]

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
}


class LibraryError(Exception):
    """A failure to tell the user in one line (bad paper reference, bad value…)."""


class LibraryBusy(LibraryError):
    """Another readq (an import, the app) kept the library busy past the wait budget."""


BUSY_MESSAGE = ("the library is busy (another readq is writing to it, e.g. an import); "
                "nothing was changed — try again in a moment")


def writes(method: Callable[..., T]) -> Callable[..., T]:
    """A library operation that writes: busy or failing SQLite becomes a one-line error."""

    @functools.wraps(method)
    def run(self: Library, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except StoreBusy:
            raise LibraryBusy(BUSY_MESSAGE) from None
        except sqlite3.OperationalError as exc:
            if is_busy(exc):
                raise LibraryBusy(BUSY_MESSAGE) from None
            log.exception("writing the library failed")
            raise LibraryError(f"the library could not be written ({exc}); "
                               "nothing was changed") from None

    return run


@dataclass
class ImportAction:
    """One import as the user sees it (a command, a dialog, a drop, a paste)."""

    id: int
    kind: str
    backup: Path | None


@dataclass
class MergeUndo:
    """Everything a confirmed merge changed, to put it back exactly."""

    pair_id: int
    kept: int
    gone: int
    rows: dict[str, list[dict[str, Any]]]


@dataclass
class CheckReport:
    """What ``check`` found."""

    papers: int
    indexed: int
    missing_from_index: int
    extra_in_index: int
    pending: int
    store_ok: bool
    index_ok: bool

    @property
    def in_step(self) -> bool:
        """Store and index agree."""
        return (self.store_ok and self.index_ok and not self.missing_from_index
                and not self.extra_in_index and not self.pending)


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
    elif cond.field == "dismissed":
        sql, params = "s.dismissed = ?", (int(bool(cond.value)),)
    else:
        raise QueryError(f"unknown filter {cond.field}")
    return (f"NOT ({sql})" if cond.negated else sql), params


class Library:
    """A readq library folder: ``library.sqlite3`` and ``index/``."""

    DB_NAME = "library.sqlite3"

    def __init__(self, root: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS,
                 write_budget_s: float = WRITE_BUDGET_S, read_only: bool = False,
                 index_lock_timeout: float = 10.0) -> None:
        self.root = Path(root)
        self.read_only = read_only
        self.index_lock_timeout = index_lock_timeout
        self.last_import_chunk_s = 0.0  # the longest write-lock hold of the last import
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(f"cannot create the library folder {self.root}: "
                               f"{exc.strerror or exc}") from None
        try:
            self.store = Store(self.root / self.DB_NAME, busy_timeout_ms=busy_timeout_ms,
                               write_budget_s=write_budget_s, query_only=read_only)
        except StoreBusy:
            raise LibraryBusy(BUSY_MESSAGE) from None
        except sqlite3.DatabaseError as exc:
            if is_busy(exc):
                raise LibraryBusy(BUSY_MESSAGE) from None
            raise LibraryError(f"cannot open the library in {self.root}: {exc}") from None
        self._index: SearchIndex | None = None
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
            index = SearchIndex(self.index_dir, lock_timeout=self.index_lock_timeout)
            try:
                index.open()
            except IndexCorrupt:
                shutil.rmtree(self.index_dir, ignore_errors=True)
                index = SearchIndex(self.index_dir, lock_timeout=self.index_lock_timeout)
                index.open()
                if not self.read_only:
                    with self.store.transaction():
                        self.store.enqueue_index(self.store.all_ids())
            self._index = index
        return self._index

    def close(self) -> None:
        """Release the index and the database."""
        if self._index is not None:
            self._index.close()
            self._index = None
        self.store.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- import ------------------------------------------------------------------------

    @contextmanager
    def import_action(self, kind: str = "import") -> Iterator[ImportAction]:
        """One import as the user sees it: one backup first (if there is anything to
        lose), one entry in "New since last import", one undo step."""
        backup = self.backup("before-import") if self.store.paper_count() else None
        with self._busy_as_error(), self.store.transaction():
            action_id = action_sql.start_action(self.store.conn, kind, now_iso(),
                                                str(backup) if backup else None)
        action = ImportAction(action_id, kind, backup)
        try:
            yield action
        finally:
            try:
                with self._busy_as_error(), self.store.transaction():
                    action_sql.finish_action(self.store.conn, action_id, now_iso())
            except LibraryError:
                log.warning("could not mark import action %s finished", action_id)

    @writes
    def import_paths(self, paths: Iterable[Path], *, format: DumpFormat | None = None,
                     progress: Progress | None = None,
                     should_cancel: Cancel | None = None,
                     action: ImportAction | None = None) -> list[FileReport]:
        """Import files as one import action; a file that fails is reported, and what
        it stored before failing stays whole (importing it again finishes it)."""
        if action is None:
            with self.import_action() as own:
                return self.import_paths(paths, format=format, progress=progress,
                                         should_cancel=should_cancel, action=own)
        reports = []
        for path in paths:
            if should_cancel and should_cancel():
                break
            reports.append(self.import_file(Path(path), format=format, progress=progress,
                                            should_cancel=should_cancel, action=action))
        if sum(r.new for r in reports) >= ANALYZE_AFTER:
            self.store.analyze()  # the query planner's statistics follow the library's size
        return reports

    def import_file(self, path: Path, *, format: DumpFormat | None = None,
                    progress: Progress | None = None,
                    should_cancel: Cancel | None = None,
                    action: ImportAction | None = None) -> FileReport:
        """Parse and store one dump file, streamed (memory does not grow with its size)."""
        report = FileReport(path=str(path))
        try:
            with DumpSource(Path(path)) as source:
                kind, items = stream_items(source.lines(), source.captured, format)
                total = max(1, source.size // 1500)  # progress estimate: ~1.5 kB a record
                return self._store_items(kind, items, Path(path).name, report, progress,
                                         should_cancel, source.problems, total, action)
        except DumpError as exc:
            report.failed = str(exc)
            return report

    def import_text(self, text: str, *, name: str = "clipboard",
                    format: DumpFormat | None = None, captured: date | None = None,
                    progress: Progress | None = None,
                    should_cancel: Cancel | None = None,
                    action: ImportAction | None = None) -> FileReport:
        """Parse and store pasted text (year-less dates resolve against today)."""
        report = FileReport(path=name)
        try:
            parsed = parse_text(text, captured=captured or date.today(), format=format)
        except DumpError as exc:
            report.failed = str(exc)
            return report
        return self.store_parsed(parsed, name, report, progress, should_cancel, action)

    def store_parsed(self, parsed: ParseResult, file_name: str, report: FileReport,
                     progress: Progress | None = None,
                     should_cancel: Cancel | None = None,
                     action: ImportAction | None = None) -> FileReport:
        """Merge parsed records into the store (chunks of whole records)."""
        items: list[Any] = [*parsed.records, *parsed.problems]
        try:
            return self._store_items(parsed.format, iter(items), file_name, report, progress,
                                     should_cancel, [], len(parsed.records), action)
        except DumpError as exc:
            report.failed = str(exc)
            return report

    def _store_items(self, kind: DumpFormat, items: Iterator[Any], file_name: str,
                     report: FileReport, progress: Progress | None,
                     should_cancel: Cancel | None, late_problems: list[Any],
                     expected: int, action: ImportAction | None) -> FileReport:
        if action is None:
            with self.import_action() as own:
                return self._store_items(kind, items, file_name, report, progress,
                                         should_cancel, late_problems, expected, own)
        importer = Importer(self.store, action.id)
        try:
            return importer.store_items(kind, items, file_name, report, progress,
                                        should_cancel, late_problems, expected)
        except DumpError:
            self._forget_empty_import(report)
            raise
        finally:
            self.last_import_chunk_s = max(self.last_import_chunk_s, importer.longest_chunk_s)

    def _forget_empty_import(self, report: FileReport) -> None:
        if report.import_id is None:
            return
        with self.store.transaction():
            if not self.store.one("SELECT 1 FROM sightings WHERE import_id = ? LIMIT 1",
                                  (report.import_id,)):
                self.store.delete_import(report.import_id)

    @contextmanager
    def _busy_as_error(self) -> Iterator[None]:
        try:
            yield
        except StoreBusy:
            raise LibraryBusy(BUSY_MESSAGE) from None
        except sqlite3.OperationalError as exc:
            if is_busy(exc):
                raise LibraryBusy(BUSY_MESSAGE) from None
            raise LibraryError(f"the library could not be written ({exc})") from None

    def import_actions(self) -> list[dict[str, Any]]:
        """Import actions (with their files), newest first."""
        return action_sql.action_rows(self.store.conn)

    def latest_import_action(self) -> int | None:
        """The import action "New since last import" shows."""
        return action_sql.latest_action(self.store.conn)

    @writes
    def undo_import(self, action_id: int, *, keep_touched: bool = False) -> UndoneImport:
        """Remove the papers and sightings an import action added and put back what it
        filled in on papers that were there before (never the user's state on those).

        Refused with a message if papers it added got user state since, unless
        ``keep_touched`` (those papers then stay)."""
        try:
            return undo_action(self.store, action_id, keep_touched=keep_touched)
        except LookupError:
            raise LibraryError("that import was already undone") from None
        except PermissionError as exc:
            n = exc.args[0]
            raise LibraryError(
                f"{n} paper{'s' if n != 1 else ''} from this import "
                f"{'have' if n != 1 else 'has'} your ratings, notes, tags or queue places "
                "since; undoing the import would lose them") from None

    # --- index -------------------------------------------------------------------------

    def sync_index(self, *, progress: Progress | None = None,
                   should_cancel: Cancel | None = None, queue_if_busy: bool = False) -> int:
        """Write every queued paper to the search index; return how many were handled.

        Papers go in chunks of ``SYNC_CHUNK``, each committed to the index and then
        taken off the store's queue, so a sync (or a rebuild) that is killed resumes
        where it stopped. A cancelled sync commits what it wrote and leaves the rest
        queued. With ``queue_if_busy`` an index locked by another process is not an
        error: the work stays queued for whoever holds it (or the next sync).
        """
        done = 0
        total = 0
        seen: set[int] = set()
        try:
            for _round in range(SYNC_ROUNDS):  # work queued meanwhile (a note) joins in
                pending = [i for i in self.store.pending_index() if i not in seen]
                if not pending:
                    break
                seen.update(pending)
                total += len(pending)
                for start in range(0, len(pending), SYNC_CHUNK):
                    if should_cancel and should_cancel():
                        return self._synced(done, total, progress)
                    part = pending[start:start + SYNC_CHUNK]
                    written, complete = self._sync_part(part, total, done, progress,
                                                        should_cancel)
                    done += written
                    if not complete:
                        return self._synced(done, total, progress)
        except IndexBusy:
            if not queue_if_busy:
                raise
            log.info("index busy: %d papers stay queued for the indexer", total - done)
        return self._synced(done, total, progress)

    @staticmethod
    def _synced(done: int, total: int, progress: Progress | None) -> int:
        if progress and total:
            progress(done, total)
        return done

    def _sync_part(self, part: list[int], total: int, offset: int,
                   progress: Progress | None, should_cancel: Cancel | None
                   ) -> tuple[int, bool]:
        handed: list[int] = []
        gone: list[int] = []

        def docs() -> Iterator[IndexDoc]:
            for start in range(0, len(part), 1000):
                piece = part[start:start + 1000]
                found = {row["id"]: row for row in self.store.index_rows(piece)}
                for paper_id in piece:
                    if paper_id in found:
                        handed.append(paper_id)
                        yield _index_doc(found[paper_id])
                    else:
                        gone.append(paper_id)

        def report(done: int) -> None:
            if progress:
                progress(offset + done, total)

        written = self.index.upsert(docs(), bulk=total > 2000, progress=report,
                                    should_cancel=should_cancel)
        if gone:
            self.index.delete(gone)
        if not self.read_only:
            self.store.dequeue_index(handed[:written] + gone)
        return written + len(gone), written == len(handed)

    def check(self, *, repair: bool = False, progress: Progress | None = None) -> CheckReport:
        """Compare store and index; with ``repair`` bring the index back in step.

        A readable index is mended in place (missing papers written, extra ones
        deleted, the queue drained); an unreadable one is rebuilt from the store.
        This is the one check-and-repair path (the CLI, the app's start-up check and
        the child indexer all use it); store health and index verification hook in here.
        """
        store_ok = self.store.integrity_ok()
        ids = set(self.store.all_ids())
        index_ok = True
        try:
            indexed = self.index.indexed_ids()
        except Exception:  # an unreadable index is what check exists to find
            index_ok, indexed = False, set()
        report = CheckReport(
            papers=len(ids), indexed=len(indexed), missing_from_index=len(ids - indexed),
            extra_in_index=len(indexed - ids), pending=self.store.pending_count(),
            store_ok=store_ok, index_ok=index_ok,
        )
        if repair and not report.in_step:
            if not index_ok:
                self.rebuild_index(progress=progress)
            else:
                with self._busy_as_error(), self.store.transaction():
                    self.store.enqueue_index(sorted((ids - indexed) | (indexed - ids)))
                self.sync_index(progress=progress)
        return report

    def sync_and_check(self, *, progress: Progress | None = None,
                       should_cancel: Cancel | None = None) -> CheckReport:
        """What runs at start: index what is pending, then check and repair."""
        if self.store.pending_count():
            self.sync_index(progress=progress, should_cancel=should_cancel)
        if should_cancel and should_cancel():
            return self.check()
        return self.check(repair=True, progress=progress)

    def rebuild_index(self, *, progress: Progress | None = None,
                      should_cancel: Cancel | None = None) -> int:
        """Throw the index away and write it again from the store, in committed chunks
        (a cancelled or killed rebuild leaves the rest queued: the next sync finishes it)."""
        if self._index is not None:
            self._index.close()
            self._index = None
        shutil.rmtree(self.index_dir, ignore_errors=True)
        with self._busy_as_error(), self.store.transaction():
            self.store.enqueue_index(self.store.all_ids())
        return self.sync_index(progress=progress, should_cancel=should_cancel)

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
        if view not in VIEWS:
            raise LibraryError(f"unknown view {view!r}")
        return VIEWS[view]

    def search(self, query: str | ParsedQuery, *, limit: int | None = 200,
               view: str = "all") -> list[int]:
        """Paper ids matching the query, best first (raises ``QueryError`` if malformed).

        The text part ranks in the index; state filters and the view are applied in
        SQL to a window of the ranking that widens until ``limit`` hits survive.
        """
        parsed = parse_query(query) if isinstance(query, str) else query
        if parsed.text is None:
            ids = self.view_ids(view, conditions=parsed.conditions, sort="added",
                                descending=True)
            return ids[:limit] if limit is not None else ids
        if not parsed.conditions and view == "all":
            return self.index.search(parsed, limit=limit)
        where, params = self._where(view, parsed.conditions)
        window = max(limit or 0, 200) * 4
        while True:
            ranked = self.index.search(parsed, limit=window if limit is not None else None)
            allowed = self.store.filter_ids(ranked, where, params)
            hits = [i for i in ranked if i in allowed]
            exhausted = limit is None or len(ranked) < window
            if exhausted or len(hits) >= limit:
                return hits[:limit] if limit is not None else hits
            window *= 8

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

    # --- user state --------------------------------------------------------------------

    def snapshot(self, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The user state of papers, to undo a change with ``restore``."""
        return self.store.states(ids)

    @writes
    def apply_with_snapshot(self, ids: Sequence[int], change: Callable[[], object], *,
                            with_queue: bool = False) -> dict[int, dict[str, Any]]:
        """Snapshot papers' state (and the queue's) then apply ``change``, in one
        transaction; the snapshot is what undo puts back."""
        with self.store.transaction():
            wanted = list(ids) + (self.store.queue_ids() if with_queue else [])
            before = self.store.states(list(dict.fromkeys(wanted)))
            change()
            return before

    @writes
    def restore(self, snapshot: dict[int, dict[str, Any]]) -> None:
        """Put back a snapshot (undo)."""
        self.store.restore_states(snapshot)

    @writes
    def restore_keeping_notes(self, snapshot: dict[int, dict[str, Any]]) -> None:
        """Undo a state change: put back a snapshot, except the notes, which keep what
        they say now (one transaction; papers gone since are skipped)."""
        with self.store.transaction():
            current = self.store.states(list(snapshot))
            before = {pid: {**state, "note": current[pid]["note"]}
                      for pid, state in snapshot.items() if pid in current}
            self.store.restore_states(before)

    @writes
    def set_status(self, ids: Sequence[int], status: str) -> None:
        """Mark papers read or unread."""
        if status not in ("read", "unread"):
            raise LibraryError(f"status must be read or unread, not {status!r}")
        self.store.set_state(ids, "status", status)

    @writes
    def set_rating(self, ids: Sequence[int], rating: int) -> None:
        """Rate papers 0–5 (0 = unrated)."""
        if not isinstance(rating, int) or not 0 <= rating <= 5:
            raise LibraryError(f"a rating is a whole number from 0 to 5, not {rating!r}")
        self.store.set_state(ids, "rating", rating)

    @writes
    def set_dismissed(self, ids: Sequence[int], dismissed: bool = True) -> None:
        """Hide papers from the inbox (never deletes them), or restore them."""
        self.store.set_state(ids, "dismissed", int(dismissed))

    @writes
    def set_note(self, paper_id: int, text: str) -> None:
        """Replace a paper's Markdown note (queued for re-indexing)."""
        self.store.set_state([paper_id], "note", text)

    def queue(self) -> list[int]:
        """The reading queue in order."""
        return self.store.queue_ids()

    @writes
    def queue_add(self, ids: Sequence[int]) -> None:
        """Append papers to the end of the queue (already queued ones stay put)."""
        with self.store.transaction():  # read and write in one transaction: no lost update
            order = self.store.queue_ids()
            self.store.set_queue(order + [i for i in ids if i not in set(order)])

    @writes
    def queue_remove(self, ids: Sequence[int]) -> None:
        """Take papers off the queue."""
        drop = set(ids)
        with self.store.transaction():
            self.store.set_queue([i for i in self.store.queue_ids() if i not in drop])

    @writes
    def queue_move(self, paper_id: int, position: int) -> None:
        """Move a queued paper to a 1-based position (clamped to the queue)."""
        with self.store.transaction():
            order = self.store.queue_ids()
            if paper_id not in order:
                raise LibraryError(f"paper {paper_id} is not in the queue")
            order.remove(paper_id)
            position = max(1, min(position, len(order) + 1))
            order.insert(position - 1, paper_id)
            self.store.set_queue(order)

    @writes
    def queue_shift(self, ids: Sequence[int], step: int) -> bool:
        """Move queued papers one place up (-1) or down (+1), keeping their order;
        False if nothing moved."""
        with self.store.transaction():
            order = self.store.queue_ids()
            chosen = [i for i in order if i in set(ids)]
            new = list(order)
            for pid in (chosen if step < 0 else reversed(chosen)):
                i = new.index(pid)
                j = i + step
                if 0 <= j < len(new) and new[j] not in chosen:
                    new[i], new[j] = new[j], new[i]
            if new == order:
                return False
            self.store.set_queue(new)
            return True

    @writes
    def set_queue_order(self, order: Sequence[int]) -> None:
        """Replace the queue's order (drag and drop)."""
        self.store.set_queue(order)

    # --- duplicates --------------------------------------------------------------------

    def possible_duplicates(self) -> list[dict[str, Any]]:
        """Open pairs: ``{id, paper_id, other_id, similarity}``."""
        return self.store.possible_duplicate_rows()

    @writes
    def reject_duplicate(self, pair_id: int) -> None:
        """The two papers are different: stop asking."""
        with self.store.transaction():
            self.store.conn.execute(
                "UPDATE possible_duplicates SET status = 'rejected' WHERE id = ?", (pair_id,))

    def confirm_duplicate(self, pair_id: int) -> int:
        """The two papers are one: merge the newer into the older; return the kept id."""
        return self.merge_duplicate(pair_id).kept

    @writes
    def merge_duplicate(self, pair_id: int) -> MergeUndo:
        """Merge a possible duplicate pair (the newer paper into the older) and return
        what :meth:`undo_merge` needs to put both back exactly.

        Metadata fills empty fields; the user's state is combined so nothing is lost
        (read wins, the higher rating wins, notes are joined, the queue place kept).
        """
        with self.store.transaction():
            row = self.store.conn.execute(
                "SELECT paper_id, other_id FROM possible_duplicates "
                "WHERE id = ? AND status = 'open'", (pair_id,)).fetchone()
            if row is None:
                raise LibraryError("that possible duplicate is no longer open")
            gone, kept = row["paper_id"], row["other_id"]
            saved = rows.save_papers(self.store.conn, [gone, kept])
            self._merge(pair_id, gone, kept)
        return MergeUndo(pair_id, kept, gone, saved)

    def _merge(self, pair_id: int, gone: int, kept: int) -> None:
        when = now_iso()
        source = self.store.paper_fields(gone)
        target = self.store.paper_fields(kept)
        record = _record_from_fields(source)
        changes = fill_empty(target, record)
        if changes.get("arxiv_id"):
            self.store.conn.execute("UPDATE papers SET arxiv_id = NULL WHERE id = ?", (gone,))
        self.store.update_paper(kept, changes, when)
        states = self.store.states([gone, kept])
        merged = _combine_states(states[kept], states[gone])
        self.store.conn.execute(
            "UPDATE OR IGNORE sightings SET paper_id = ? WHERE paper_id = ?", (kept, gone))
        self.store.conn.execute(
            "UPDATE possible_duplicates SET status = 'confirmed' WHERE id = ?", (pair_id,))
        self.store.conn.execute(
            "DELETE FROM possible_duplicates WHERE id != ? AND (paper_id = ? OR other_id = ?)",
            (pair_id, gone, gone))
        order = [kept if i == gone else i for i in self.store.queue_ids()]
        self.store.conn.execute("DELETE FROM papers WHERE id = ?", (gone,))
        self.store.conn.execute(
            "UPDATE user_state SET status = ?, rating = ?, note = ?, dismissed = ?, "
            "updated_at = ? WHERE paper_id = ?",
            (merged["status"], merged["rating"], merged["note"], merged["dismissed"],
             when, kept))
        self.store.set_queue(order)  # the earlier of the two places, duplicates dropped
        self.store.enqueue_index([gone, kept])

    @writes
    def undo_merge(self, undo: MergeUndo) -> None:
        """Put both papers of a merge back as they were, with all their state and
        sightings (the rest of the queue keeps any change made since)."""
        with self.store.transaction():
            if self.store.one("SELECT 1 FROM papers WHERE id = ?", (undo.gone,)):
                raise LibraryError("that merge was already undone")
            positions = rows.put_back(self.store.conn, undo.rows, [undo.gone, undo.kept])
            order = self.store.queue_ids()
            for position, pid in sorted((p, pid) for pid, p in positions.items()
                                        if p is not None):
                order.insert(min(position - 1, len(order)), pid)
            self.store.set_queue(order)
            self.store.enqueue_index([undo.gone, undo.kept])

    # --- saved searches ----------------------------------------------------------------

    def saved_searches(self) -> list[dict[str, Any]]:
        """Named queries for the sidebar."""
        return [dict(r) for r in self.store.conn.execute(
            "SELECT id, name, query FROM saved_searches ORDER BY name COLLATE NOCASE")]

    @writes
    def save_search(self, name: str, query: str) -> None:
        """Save (or replace) a named query; the query must parse."""
        parse_query(query)
        with self.store.transaction():
            self.store.conn.execute(
                "INSERT INTO saved_searches (name, query) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET query = excluded.query", (name, query))

    @writes
    def delete_saved_search(self, search_id: int) -> None:
        """Forget a saved search."""
        with self.store.transaction():
            self.store.conn.execute("DELETE FROM saved_searches WHERE id = ?", (search_id,))

    # --- backups -----------------------------------------------------------------------

    @property
    def backups_to_keep(self) -> int:
        """How many before-import backups are kept (a library setting, default 10;
        daily, manual, before-upgrade and before-restore backups rotate on their own)."""
        default = KEEP["before-import"] or 10
        return int(self.store.setting("backups_to_keep", str(default)) or default)

    @writes
    def set_backups_to_keep(self, keep: int) -> None:
        """Change how many before-import backups are kept (at least 1)."""
        if keep < 1:
            raise LibraryError("keep at least one backup")
        self.store.set_setting("backups_to_keep", str(keep))

    def backup(self, reason: str = "manual") -> Path:
        """Write a consistent copy of the store to ``backups/``; return its path.

        Backups rotate per reason, so imports never push out the others."""
        keep = self.backups_to_keep if reason == "before-import" else KEEP.get(reason, 10)
        try:
            return make_backup(self.store.conn, self.store.backup_dir, reason, keep)
        except BackupError as exc:
            raise LibraryError(str(exc)) from None

    def backups(self) -> list[Path]:
        """Backup files, newest first."""
        return backups(self.store.backup_dir)

    def backup_entries(self) -> list[dict[str, Any]]:
        """Backups, newest first: ``{path, reason, reason_text, made_at, size}``."""
        entries = []
        for path in self.backups():
            try:
                size = path.stat().st_size
            except OSError:
                size = 0
            reason = backup_reason(path)
            entries.append({"path": path, "reason": reason, "made_at": backup_time(path),
                            "reason_text": REASONS.get(reason, reason or "unknown"),
                            "size": size})
        return entries

    def daily_backup(self) -> Path | None:
        """Back up if the newest backup is a day old (or there is none and papers exist)."""
        age = latest_backup_age(self.store.backup_dir)
        if self.store.paper_count() and (age is None or age.total_seconds() > 86_400):
            return self.backup("daily")
        return None

    @writes
    def restore_backup(self, path: Path, *, rebuild: bool = True) -> Path:
        """Replace the library with a backup (the current state is backed up first and
        returned); the index is rebuilt from the restored store (or, without
        ``rebuild``, every paper is queued for a check to bring it in step)."""
        try:
            check_backup_file(Path(path))
        except BackupError as exc:
            raise LibraryError(str(exc)) from None
        safety = self.backup("before-restore")
        try:
            restore_into(self.store.conn, Path(path))
        except BackupError as exc:
            raise LibraryError(str(exc)) from None
        migrate(self.store.conn)
        if rebuild:
            self.rebuild_index()
        else:
            with self.store.transaction():
                self.store.enqueue_index(self.store.all_ids())
        return safety

    def terms_for_highlight(self, query: ParsedQuery) -> list[str]:
        """The index terms a query matches, for highlighting."""
        return self.index.terms_for_highlight(query)

    def paper_count(self) -> int:
        """How many papers the library holds."""
        return self.store.paper_count()

    def pending_index_count(self) -> int:
        """How many papers wait for the search index."""
        return self.store.pending_count()

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


def _index_doc(row: sqlite3.Row) -> IndexDoc:
    published = row["published"]
    return IndexDoc(
        id=row["id"], title=row["title"] or "", authors=json.loads(row["authors"]),
        orgs=json.loads(row["orgs"]), abstract=row["abstract"], note=row["note"],
        category=row["category"], year=int(published[:4]) if published else None,
        arxiv_id=row["arxiv_id"],
    )


def _record_from_fields(fields: dict[str, Any]) -> Record:
    return Record(
        index=0, line=0, title=fields["title"], authors=fields["authors"],
        authors_truncated=bool(fields["authors_truncated"]), orgs=fields["orgs"],
        category=fields["category"],
        published=date.fromisoformat(fields["published"]) if fields["published"] else None,
        year_inferred=bool(fields["year_inferred"]), has_code=bool(fields["has_code"]),
        score=fields["score"], arxiv_id=fields["arxiv_id"], journal_ref=fields["journal_ref"],
        comments=fields["comments"], abstract=fields["abstract"],
    )


def _combine_states(kept: dict[str, Any], gone: dict[str, Any]) -> dict[str, Any]:
    notes = [n for n in (kept["note"].strip(), gone["note"].strip()) if n]
    return {
        "status": "read" if "read" in (kept["status"], gone["status"]) else "unread",
        "rating": max(kept["rating"], gone["rating"]),
        "note": "\n\n".join(dict.fromkeys(notes)),
        "dismissed": int(kept["dismissed"] and gone["dismissed"]),
    }


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
        "status": row["status"], "rating": row["rating"], "note": row["note"],
        "queue_position": row["queue_position"], "dismissed": bool(row["dismissed"]),
        "added_at": row["added_at"],
    }
    assert tuple(item) == EXPORT_KEYS
    return item
