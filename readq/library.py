"""The library service: the one API the command line and the desktop app share.

It owns a store (SQLite, the source of truth) and a search index (Whoosh,
derived). Imports commit to the store first, in one transaction per file, and
queue the new papers for the index; ``sync_index`` brings the index up to date
(the CLI calls it before returning, the app runs it in the background).

A ``Library`` belongs to one thread: open another on the same folder for
background work.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from readq import latex
from readq.import_names import HEAD_CHARS, clean_name, import_name
from readq.merge import (
    BANDS_FOR_NEAR_EQUAL,
    Match,
    abstract_bands,
    damaged_title_keys,
    fill_empty,
    judge_abstract_match,
)
from readq.models import EXPORT_KEYS, DumpError, DumpFormat, ParseResult, Problem, Record
from readq.parsing import DumpSource, no_records_error, parse_text, stream_items
from readq.safe_io import PRIVATE_DIR, PRIVATE_FILE, make_private
from readq.search.index import IndexCorrupt, IndexDoc, SearchIndex
from readq.search.query import ParsedQuery, QueryError, StateCondition, parse_query
from readq.search.verify import clear_folder, guarded, prepare_folder, verify
from readq.store.backup import (
    BackupError,
    backups,
    check_backup_file,
    latest_backup_age,
    make_backup,
    restore_into,
)
from readq.store import stats as figures_sql
from readq.store import imports as store_imports
from readq.store import user_state
from readq.store.database import BUSY_TIMEOUT_MS, DEFAULT_KEEP, Store, now_iso
from readq.store.health import check_store, describe_error, protect
from readq.store.schema import migrate
from readq.store.signals import CANDIDATE_WHERE
from readq.store.user_state import TAG_CONDITION_SQL, TagError, normalise_tag
from readq.text import content_words, title_key

if TYPE_CHECKING:  # scikit-learn loads only when recommendations are asked for
    from readq.recommendations import Recommendation, Recommendations

ANALYZE_AFTER = 1000  # new papers in one import that make statistics worth refreshing
Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]

VIEWS = {
    "inbox": ("s.status = 'unread' AND s.dismissed = 0", ()),
    "queue": ("s.queue_position IS NOT NULL", ()),
    "read": ("s.status = 'read'", ()),
    "starred": ("s.rating >= 4", ()),
    "all": ("1 = 1", ()),
    "dismissed": ("s.dismissed = 1", ()),
    # first seen in the latest import: sighted there, and in no earlier import
    "new": ("p.id IN (SELECT paper_id FROM sightings "
            "WHERE import_id = (SELECT MAX(id) FROM imports)) "
            "AND NOT EXISTS (SELECT 1 FROM sightings o WHERE o.paper_id = p.id "
            "AND o.import_id < (SELECT MAX(id) FROM imports))", ()),
    "notes": ("s.note != ''", ()),
    "for_you": (CANDIDATE_WHERE, ()),  # ordered by the recommender (readq/recommendations.py)
}


UNDECIDED = ("s.rating = 0 AND s.queue_position IS NULL AND s.status = 'unread' "
             "AND s.dismissed = 0")


class LibraryError(Exception):
    """A failure to tell the user in one line (bad paper reference, bad value…)."""


@dataclass
class FileReport:
    """What importing one dump did (the ``import --json`` object)."""

    path: str
    format: str | None = None
    records: int = 0
    new: int = 0
    merged: int = 0
    unchanged: int = 0
    possible_duplicates: int = 0
    errors: list[Problem] = field(default_factory=list)
    failed: str | None = None
    import_id: int | None = None
    new_ids: list[int] = field(default_factory=list)
    unsure: dict[str, int] = field(default_factory=dict)  # boundary kind → records

    def as_json(self) -> dict[str, Any]:
        """The contract shape of DESIGN.md §5."""
        errors = [{"line": p.line, "message": p.message} for p in self.errors]
        if self.failed:
            errors.insert(0, {"line": 0, "message": self.failed})
        return {
            "path": self.path, "format": self.format, "records": self.records,
            "new": self.new, "merged": self.merged, "unchanged": self.unchanged,
            "possible_duplicates": self.possible_duplicates, "errors": errors,
            "unsure": self.unsure,
        }

    @property
    def changed_nothing(self) -> bool:
        """True for a re-import (or a failed one)."""
        return self.new == self.merged == self.possible_duplicates == 0


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
    index_problem: str = ""  # the damage found in the index, if any

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
    elif cond.field == "tag":
        sql, params = TAG_CONDITION_SQL, (_tag(str(cond.value)),)
    else:
        raise QueryError(f"unknown filter {cond.field}")
    return (f"NOT ({sql})" if cond.negated else sql), params


class Library:
    """A readq library folder: ``library.sqlite3`` and ``index/``."""

    DB_NAME = "library.sqlite3"

    def __init__(self, root: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.root = Path(root)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(f"cannot create the library folder {self.root}: "
                               f"{exc.strerror or exc}") from None
        check_store(self.root)  # a damaged store raises StoreDamaged and is never written
        try:
            self.store = Store(self.root / self.DB_NAME, busy_timeout_ms=busy_timeout_ms)
        except sqlite3.DatabaseError as exc:
            raise LibraryError(describe_error(exc, self.root)) from None
        protect(self.root)  # folder 0700, files 0600
        self._index: SearchIndex | None = None
        self.index_problem = ""  # damage found (and cleared) when the index was opened

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
            fresh = prepare_folder(self.index_dir)  # refuses a folder of the user's own files
            index = SearchIndex(self.index_dir)
            try:
                index.open()
            except IndexCorrupt as exc:
                self.index_problem = str(exc)
                clear_folder(self.index_dir)  # readq's own files only
                index = SearchIndex(self.index_dir)
                index.open()
                fresh = True
            if (fresh or index.doc_count() == 0) and self.store.paper_count():
                with self.store.transaction():  # a store moved alone: refill its index
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

    def import_paths(self, paths: Iterable[Path], *, format: DumpFormat | None = None,
                     progress: Progress | None = None,
                     should_cancel: Cancel | None = None) -> list[FileReport]:
        """Import files one by one; a file that fails is reported and changes nothing.

        A library that holds papers is backed up first."""
        if self.store.paper_count():
            self.backup("before-import")
        reports = []
        for path in paths:
            if should_cancel and should_cancel():
                break
            reports.append(self.import_file(Path(path), format=format, progress=progress,
                                            should_cancel=should_cancel))
        if sum(r.new for r in reports) >= ANALYZE_AFTER:
            self.store.analyze()  # the query planner's statistics follow the library's size
        return reports

    def import_file(self, path: Path, *, format: DumpFormat | None = None,
                    progress: Progress | None = None,
                    should_cancel: Cancel | None = None) -> FileReport:
        """Parse and store one dump file, streamed (memory does not grow with its size)."""
        report = FileReport(path=str(path))
        try:
            with DumpSource(Path(path)) as source:
                kind, items = stream_items(source.lines(), source.captured, format)
                report.unsure = items.unsure  # filled while the items are consumed
                total = max(1, source.size // 1500)  # progress estimate: ~1.5 kB a record
                report = self._store_items(kind, items, Path(path).name, report, progress,
                                           should_cancel, source.problems, total)
        except DumpError as exc:
            report.failed = str(exc)
            return report
        try:
            with open(path, "rb") as handle:
                head = handle.read(HEAD_CHARS).decode("utf-8", "replace")
        except OSError:
            head = ""
        self._name_import(report, head)
        return report

    def import_text(self, text: str, *, name: str = "clipboard",
                    format: DumpFormat | None = None, captured: date | None = None,
                    progress: Progress | None = None,
                    should_cancel: Cancel | None = None) -> FileReport:
        """Parse and store pasted text (year-less dates resolve against today)."""
        report = FileReport(path=name)
        try:
            parsed = parse_text(text, captured=captured or date.today(), format=format)
        except DumpError as exc:
            report.failed = str(exc)
            return report
        report = self.store_parsed(parsed, name, report, progress, should_cancel)
        self._name_import(report, text[:HEAD_CHARS])
        return report

    def _name_import(self, report: FileReport, head: str) -> None:
        """Name an import after what it holds (``import_names``), if it brought something."""
        if report.import_id is None or report.format is None:
            return
        authors = store_imports.author_lists(self.store.conn, report.import_id)
        self.rename_import(report.import_id, import_name(report.format, authors, head))

    def rename_import(self, import_id: int, name: str) -> str:
        """Give an import another name (shown in the sidebar); return the name kept."""
        cleaned = clean_name(name)
        if not cleaned:
            raise LibraryError("an import's name needs at least one letter")
        with self.store.transaction():
            store_imports.set_name(self.store.conn, import_id, cleaned)
        return cleaned

    def store_parsed(self, parsed: ParseResult, file_name: str, report: FileReport,
                     progress: Progress | None = None,
                     should_cancel: Cancel | None = None) -> FileReport:
        """Merge parsed records into the store in ONE transaction (all or nothing)."""
        items: list[Record | Problem] = [*parsed.records, *parsed.problems]
        report.unsure = dict(parsed.unsure)
        try:
            return self._store_items(parsed.format, iter(items), file_name, report, progress,
                                     should_cancel, [], len(parsed.records))
        except DumpError as exc:
            report.failed = str(exc)
            return report

    def _store_items(self, kind: DumpFormat, items: Iterator[Record | Problem], file_name: str,
                     report: FileReport, progress: Progress | None,
                     should_cancel: Cancel | None, late_problems: list[Problem],
                     expected: int) -> FileReport:
        """Consume parsed items inside one transaction; a failure or cancel rolls back."""
        report.format = kind.value
        when = now_iso()
        try:
            with self.store.transaction():
                import_id = self.store.insert_import(file_name, kind.value, when)
                for item in items:
                    if isinstance(item, Problem):
                        report.errors.append(item)
                        continue
                    if should_cancel and should_cancel():
                        raise _Cancelled
                    report.records += 1
                    self._merge_record(item, import_id, file_name, kind.value, when, report)
                    if progress and report.records % 200 == 0:
                        progress(report.records, max(expected, report.records))
                report.errors.extend(late_problems)
                report.errors.sort(key=lambda p: p.line)
                if not report.records:
                    raise no_records_error(kind, report.errors)
                if progress:
                    progress(report.records, report.records)
                counts = {"records": report.records, "new": report.new,
                          "merged": report.merged, "unchanged": report.unchanged,
                          "possible_duplicates": report.possible_duplicates,
                          "problems": len(report.errors)}
                if report.changed_nothing:
                    self.store.delete_import(import_id)
                else:
                    self.store.finish_import(import_id, counts)
                    report.import_id = import_id
        except _Cancelled:
            return FileReport(path=report.path, format=report.format,
                              failed="import cancelled; nothing was changed")
        except sqlite3.Error as exc:
            return FileReport(path=report.path, format=report.format,
                              failed=describe_error(exc, self.root))
        return report

    def _merge_record(self, record: Record, import_id: int, file_name: str, fmt: str,
                      when: str, report: FileReport) -> None:
        key = title_key(record.title)
        words = content_words(record.abstract)
        bands = abstract_bands(words)
        match = self._find(record, key, words, bands)
        if match.kind in ("new", "possible"):
            paper_id = self.store.insert_paper(record, key, bands, when)
            self.store.add_sighting(paper_id, import_id, file_name, fmt, record.index, when)
            report.new_ids.append(paper_id)
            if match.kind == "possible" and match.paper_id is not None:
                self.store.add_possible_duplicate(paper_id, match.paper_id, match.similarity, when)
                report.possible_duplicates += 1
            else:
                report.new += 1
            return
        assert match.paper_id is not None
        existing = self.store.paper_fields(match.paper_id)
        changes = fill_empty(existing, record)
        if changes.get("arxiv_id") and self.store.id_by_arxiv(changes["arxiv_id"]):
            del changes["arxiv_id"]
        self.store.update_paper(match.paper_id, changes, when)
        if "abstract" in changes:
            self.store.set_bands(match.paper_id, bands)
        seen_before = self.store.has_sighting(match.paper_id, file_name, fmt, record.index)
        if not seen_before:
            self.store.add_sighting(match.paper_id, import_id, file_name, fmt, record.index, when)
        if changes or not seen_before:
            report.merged += 1
        else:
            report.unchanged += 1

    def _find(self, record: Record, key: str | None, words: frozenset[str],
              bands: list[int]) -> Match:
        if record.arxiv_id:
            found = self.store.id_by_arxiv(record.arxiv_id)
            if found is not None:
                return Match("same", found, 1.0)
        # a title stored damaged by a bad decode is found under the key it was stored with
        for known_key in (key, *damaged_title_keys(record.title)) if key else ():
            for found in self.store.ids_by_title_key(known_key):
                row = self.store.match_rows([found])[0]
                if not (record.arxiv_id and row["arxiv_id"] and row["arxiv_id"] != record.arxiv_id):
                    return Match("same", found, 1.0)
        # An untitled record can be any paper with a similar abstract. A titled one can
        # be an untitled paper (an arXiv listing seen first) with a similar abstract,
        # or a differently titled one only with a near-equal abstract (the user then
        # decides) — which shares most bands, so others are not even compared.
        found = self.store.band_candidates(bands)
        if key:
            untitled = self.store.match_rows([i for i, _ in found], untitled_only=True)
            near = self.store.match_rows([i for i, shared in found
                                          if shared >= BANDS_FOR_NEAR_EQUAL])
            candidates = list({row["id"]: row for row in (*untitled, *near)}.values())
        else:
            candidates = self.store.match_rows([i for i, _ in found])
        return judge_abstract_match(record, words, candidates)

    # --- index -------------------------------------------------------------------------

    def sync_index(self, *, progress: Progress | None = None,
                   should_cancel: Cancel | None = None) -> int:
        """Write every queued paper to the search index; return how many were handled.

        One writer and one commit for the whole queue (rows are streamed from the
        store in chunks, so memory stays flat); a cancelled sync commits what it
        wrote and leaves the rest queued.
        """
        index = self.index  # opening it may queue every paper (a new or damaged index)
        pending = self.store.pending_index()
        total = len(pending)
        if not total:
            return 0
        handed: list[int] = []
        gone: list[int] = []

        def docs() -> Iterator[IndexDoc]:
            for start in range(0, total, 1000):
                part = pending[start : start + 1000]
                rows = {row["id"]: row for row in self.store.index_rows(part)}
                for paper_id in part:
                    if paper_id in rows:
                        handed.append(paper_id)
                        yield _index_doc(rows[paper_id])
                    else:
                        gone.append(paper_id)

        def report(done: int) -> None:
            if progress:
                progress(done, total)

        written = index.upsert(docs(), bulk=total > 2000, progress=report,
                                    should_cancel=should_cancel)
        if gone:
            self.index.delete(gone)
        self.store.dequeue_index(handed[:written] + gone)
        report(total if written == len(handed) else written)
        return written + len(gone)

    def check(self, *, repair: bool = False, progress: Progress | None = None) -> CheckReport:
        """Compare store and index; with ``repair`` bring the index back in step.

        A readable index is mended in place (missing papers written, extra ones
        deleted, the queue drained); an unreadable one is rebuilt from the store.
        """
        store_ok = self.store.integrity_ok()
        ids = set(self.store.all_ids())
        self.index  # noqa: B018 (opening it finds and clears a folder that is no index)
        found = verify(self.index_dir)  # every segment, sampled documents and postings
        problem = self.index_problem or (found.problem or "")
        self.index_problem = ""
        index_ok, indexed = (not problem), found.ids
        report = CheckReport(
            papers=len(ids), indexed=len(indexed), missing_from_index=len(ids - indexed),
            extra_in_index=len(indexed - ids), pending=self.store.pending_count(),
            store_ok=store_ok, index_ok=index_ok, index_problem=problem,
        )
        if repair and not report.in_step:
            if not index_ok:
                self.rebuild_index(progress=progress)
            else:
                with self.store.transaction():
                    self.store.enqueue_index(sorted((ids - indexed) | (indexed - ids)))
                self.sync_index(progress=progress)
        return report

    def rebuild_index(self, *, progress: Progress | None = None,
                      should_cancel: Cancel | None = None) -> int:
        """Throw the index away and write it again from the store (a cancelled rebuild
        leaves the rest queued: the next ``sync_index`` finishes it)."""
        if self._index is not None:
            self._index.close()
            self._index = None
        clear_folder(self.index_dir)  # readq's own files only (a file or link is set aside)
        with self.store.transaction():
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
        if view.startswith("tag:"):
            return TAG_CONDITION_SQL, (_tag(view.split(":", 1)[1]),)
        if view.startswith("stats:"):  # the papers behind a bar of the Statistics page
            try:
                return figures_sql.selection_where(view.split(":", 1)[1])
            except figures_sql.SelectionError as exc:
                raise LibraryError(str(exc)) from None
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
            return guarded(self.index_dir, lambda: self.index.search(parsed, limit=limit))
        where, params = self._where(view, parsed.conditions)
        window = max(limit or 0, 200) * 4
        while True:
            ranked = guarded(self.index_dir, lambda: self.index.search(
                parsed, limit=window if limit is not None else None))
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

    def restore(self, snapshot: dict[int, dict[str, Any]]) -> None:
        """Put back a snapshot (undo)."""
        self.store.restore_states(snapshot)

    def set_status(self, ids: Sequence[int], status: str) -> None:
        """Mark papers read or unread."""
        if status not in ("read", "unread"):
            raise LibraryError(f"status must be read or unread, not {status!r}")
        with self.store.transaction():
            self.store.set_state(ids, "status", status)
            if status == "read" and set(ids) & set(self.store.queue_ids()):
                self.queue_remove(ids)  # the queue is what is still to read

    def set_rating(self, ids: Sequence[int], rating: int) -> None:
        """Rate papers 0–5 (0 = unrated)."""
        if not isinstance(rating, int) or not 0 <= rating <= 5:
            raise LibraryError(f"a rating is a whole number from 0 to 5, not {rating!r}")
        self.store.set_state(ids, "rating", rating)

    def set_dismissed(self, ids: Sequence[int], dismissed: bool = True) -> None:
        """Hide papers from the inbox (never deletes them), or restore them."""
        self.store.set_state(ids, "dismissed", int(dismissed))

    def set_note(self, paper_id: int, text: str) -> None:
        """Replace a paper's Markdown note (queued for re-indexing)."""
        self.store.set_state([paper_id], "note", text)

    def queue(self) -> list[int]:
        """The reading queue in order."""
        return self.store.queue_ids()

    def unread_queue(self) -> list[int]:
        """The queue without papers already read (what "Read next" opens)."""
        return self.store.list_ids("s.queue_position IS NOT NULL AND s.status = 'unread'", (),
                                   "queue")

    def undecided(self, ids: Sequence[int]) -> list[int]:
        """Those of ``ids`` the user has not decided on yet (unrated, unqueued, unread,
        not dismissed), in the order given: what triage offers."""
        if len(ids) <= 2000:
            left = self.store.filter_ids(ids, UNDECIDED, ())
            return [i for i in ids if i in left]
        # a big view: one scan for the (usually fewer) decided papers, not 100 IN-lists
        decided = set(self.store.column(
            f"SELECT paper_id FROM user_state s WHERE NOT ({UNDECIDED})"))
        return [i for i in ids if i not in decided]

    def queue_add(self, ids: Sequence[int]) -> None:
        """Append papers to the end of the queue (already queued ones stay put)."""
        order = self.store.queue_ids()
        self.store.set_queue(order + [i for i in ids if i not in order])

    def queue_remove(self, ids: Sequence[int]) -> None:
        """Take papers off the queue."""
        drop = set(ids)
        self.store.set_queue([i for i in self.store.queue_ids() if i not in drop])

    # --- tags ----------------------------------------------------------------------------

    @staticmethod
    def normalise_tag(text: str) -> str:
        """A tag as it is stored (``LibraryError`` if it cannot be one)."""
        return _tag(text)

    def tags(self, paper_id: int) -> list[str]:
        """A paper's tags, sorted."""
        return user_state.read_tags(self.store.conn, [paper_id]).get(paper_id, [])

    def tagged_ids(self, tag: str) -> list[int]:
        """Papers carrying a tag (typed in any case), by id."""
        return user_state.tagged_ids(self.store.conn, _tag(tag))

    def all_tags(self) -> list[tuple[str, int]]:
        """Every tag in use and how many papers carry it, by name."""
        return user_state.all_tags(self.store.conn)

    def add_tags(self, ids: Sequence[int], tags: Iterable[str]) -> list[str]:
        """Tag papers (a bulk change in one transaction); return the tags as stored."""
        names = _tags(tags)
        with self.store.transaction():
            user_state.add_tags(self.store.conn, list(ids), names)
        return names

    def remove_tags(self, ids: Sequence[int], tags: Iterable[str]) -> list[str]:
        """Take tags off papers; return the tags as stored."""
        names = _tags(tags)
        with self.store.transaction():
            user_state.remove_tags(self.store.conn, list(ids), names)
        return names

    def set_tags(self, paper_id: int, tags: Iterable[str]) -> list[str]:
        """Make a paper's tags exactly ``tags``; return them as stored, sorted."""
        names = sorted(set(_tags(tags, allow_none=True)))
        with self.store.transaction():
            user_state.write_tags(self.store.conn, paper_id, names, now_iso())
        return names

    def queue_move(self, paper_id: int, position: int) -> None:
        """Move a queued paper to a 1-based position (clamped to the queue)."""
        order = self.store.queue_ids()
        if paper_id not in order:
            raise LibraryError(f"paper {paper_id} is not in the queue")
        order.remove(paper_id)
        position = max(1, min(position, len(order) + 1))
        order.insert(position - 1, paper_id)
        self.store.set_queue(order)

    def set_queue_order(self, order: Sequence[int]) -> None:
        """Replace the queue's order (drag and drop)."""
        self.store.set_queue(order)

    # --- duplicates --------------------------------------------------------------------

    def possible_duplicates(self) -> list[dict[str, Any]]:
        """Open pairs: ``{id, paper_id, other_id, similarity}``."""
        return self.store.possible_duplicate_rows()

    def reject_duplicate(self, pair_id: int) -> None:
        """The two papers are different: stop asking."""
        with self.store.transaction():
            self.store.conn.execute(
                "UPDATE possible_duplicates SET status = 'rejected' WHERE id = ?", (pair_id,))

    def confirm_duplicate(self, pair_id: int) -> int:
        """The two papers are one: merge the newer into the older; return the kept id.

        Metadata fills empty fields; the user's state is combined so nothing is lost
        (``user_state.combine_states``: read wins, the higher rating, notes joined, the
        earlier queue place, tags united).
        """
        row = self.store.conn.execute(
            "SELECT paper_id, other_id FROM possible_duplicates WHERE id = ? AND status = 'open'",
            (pair_id,)).fetchone()
        if row is None:
            raise LibraryError("that possible duplicate is no longer open")
        gone, kept = row["paper_id"], row["other_id"]
        when = now_iso()
        with self.store.transaction():
            source = self.store.paper_fields(gone)
            target = self.store.paper_fields(kept)
            record = _record_from_fields(source)
            changes = fill_empty(target, record)
            if changes.get("arxiv_id"):
                self.store.conn.execute("UPDATE papers SET arxiv_id = NULL WHERE id = ?", (gone,))
            self.store.update_paper(kept, changes, when)
            states = self.store.states([gone, kept])
            merged = user_state.combine_states(states[kept], states[gone])
            self.store.conn.execute(
                "UPDATE OR IGNORE sightings SET paper_id = ? WHERE paper_id = ?", (kept, gone))
            self.store.conn.execute(
                "UPDATE possible_duplicates SET status = 'confirmed' WHERE id = ?", (pair_id,))
            self.store.conn.execute(
                "DELETE FROM possible_duplicates WHERE id != ? AND (paper_id = ? OR other_id = ?)",
                (pair_id, gone, gone))
            order = [kept if i == gone else i for i in self.store.queue_ids()]
            self.store.conn.execute("DELETE FROM papers WHERE id = ?", (gone,))
            user_state.write_states(self.store.conn, {kept: merged})
            self.store.set_queue(order)  # the earlier of the two places, duplicates dropped
            self.store.enqueue_index([gone, kept])
        return kept

    # --- saved searches ----------------------------------------------------------------

    def saved_searches(self) -> list[dict[str, Any]]:
        """Named queries for the sidebar."""
        return [dict(r) for r in self.store.conn.execute(
            "SELECT id, name, query FROM saved_searches ORDER BY name COLLATE NOCASE")]

    def save_search(self, name: str, query: str) -> None:
        """Save (or replace) a named query; the query must parse."""
        parse_query(query)
        with self.store.transaction():
            self.store.conn.execute(
                "INSERT INTO saved_searches (name, query) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET query = excluded.query", (name, query))

    def delete_saved_search(self, search_id: int) -> None:
        """Forget a saved search."""
        with self.store.transaction():
            self.store.conn.execute("DELETE FROM saved_searches WHERE id = ?", (search_id,))

    # --- backups -----------------------------------------------------------------------

    @property
    def backups_to_keep(self) -> int:
        """How many backups are kept (a library setting, default 10)."""
        return int(self.store.setting("backups_to_keep", str(DEFAULT_KEEP)) or DEFAULT_KEEP)

    def set_backups_to_keep(self, keep: int) -> None:
        """Change how many backups are kept (at least 1)."""
        if keep < 1:
            raise LibraryError("keep at least one backup")
        self.store.set_setting("backups_to_keep", str(keep))

    def backup(self, reason: str = "manual") -> Path:
        """Write a consistent copy of the store to ``backups/``; return its path."""
        try:
            path = make_backup(self.store.conn, self.store.backup_dir, reason,
                               self.backups_to_keep)
            make_private(path.parent, PRIVATE_DIR)
            make_private(path, PRIVATE_FILE)
            return path
        except BackupError as exc:
            raise LibraryError(str(exc)) from None

    def backups(self) -> list[Path]:
        """Backup files, newest first."""
        return backups(self.store.backup_dir)

    def daily_backup(self) -> Path | None:
        """Back up if the newest backup is a day old (or there is none and papers exist)."""
        age = latest_backup_age(self.store.backup_dir)
        if self.store.paper_count() and (age is None or age.total_seconds() > 86_400):
            return self.backup("daily")
        return None

    def restore_backup(self, path: Path) -> Path:
        """Replace the library with a backup (the current state is backed up first and
        returned); the index is rebuilt from the restored store."""
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
        self.rebuild_index()
        return safety

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

    def similar(self, paper_id: int, limit: int = 5) -> list[Recommendation]:
        """The papers most like one paper, most similar first."""
        self.paper(paper_id)  # a clear error for an unknown id
        return self.recommendations.similar(paper_id, limit)

    def set_not_this(self, ids: Sequence[int], on: bool = True) -> None:
        """Say "not this" to papers (a negative decision for recommendations), or undo it."""
        self.recommendations.set_not_this(ids, on)
    def statistics(self, weeks: int = figures_sql.DEFAULT_WEEKS) -> dict[str, Any]:
        """Every figure of the Statistics page and ``readq stats`` (see ``store/stats.py``)."""
        return figures_sql.figures(self.store.conn, weeks=weeks)

    def start_triage_log(self, label: str, papers: int) -> int:
        """Open a session in triage's own log (decisions per session, papers per minute)."""
        return figures_sql.start_triage_session(self.store.conn, label, papers)

    def log_triage(self, session_id: int, paper_id: int | None, decision: str) -> None:
        """Log one triage decision (``queue``, ``rate``, ``read``, ``dismiss``, ``skip``) or
        ``undo`` in a session opened with :meth:`start_triage_log`."""
        figures_sql.log_triage_decision(self.store.conn, session_id, paper_id, decision)


class _Cancelled(Exception):
    pass


def _index_doc(row: sqlite3.Row) -> IndexDoc:
    published = row["published"]
    return IndexDoc(
        id=row["id"], title=latex.searchable(row["title"] or ""),
        authors=json.loads(row["authors"]), orgs=json.loads(row["orgs"]),
        abstract=latex.searchable(row["abstract"]), note=row["note"],
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


def _tag(text: str) -> str:
    try:
        return normalise_tag(text)
    except TagError as exc:
        raise LibraryError(str(exc)) from None


def _tags(tags: Iterable[str], *, allow_none: bool = False) -> list[str]:
    names = list(dict.fromkeys(_tag(t) for t in tags))
    if not names and not allow_none:
        raise LibraryError("name at least one tag")
    return names


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
        **user_state.export_states(row),  # status, rating, note, queue_position, dismissed, tags
        "added_at": row["added_at"],
    }
    assert tuple(item) == EXPORT_KEYS
    return item
