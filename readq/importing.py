"""Storing parsed records: matching, merging, in short transactions of whole records.

A dump is stored in *chunks*: records are parsed, and their title keys and
abstract bands computed, outside any transaction; then records are merged and
committed together until the chunk has held the write lock for about
``CHUNK_TARGET_S`` (measured as it goes, the last commit's time included), so
a rating typed meanwhile waits at most that long. The write-ahead log is
copied back by passive checkpoints between chunks, never inside a commit. Each chunk commits the
import's tallies with it, so
a kill -9 leaves whole records and an unfinished import that the next import
of the same file resumes: records it already stored are skipped, the rest
stored, and the library converges to what one uninterrupted import gives.

Undoing an import action (:func:`readq.import_undo.undo_action`, in chunks too) removes the papers and the
sightings it added and puts back the fields it filled in on papers that were
there before; it never touches the user's state on those.
"""

from __future__ import annotations

import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from readq.import_undo import UndoneImport, undo_action
from readq.merge import (
    BANDS_FOR_NEAR_EQUAL,
    Match,
    abstract_bands,
    damaged_title_keys,
    fill_empty,
    judge_abstract_match,
    opening_bands,
)
from readq.models import DumpFormat, Problem, Record
from readq.parsing import no_records_error
from readq.store import actions
from readq.store.checkpoints import ChunkedCheckpoints
from readq.store.database import Store, now_iso
from readq.store.health import describe_error
from readq.text import content_words, title_key

CHUNK_TARGET_S = 0.015  # write-lock time aimed at per chunk, its commit included
MAX_CHUNK = 200  # records in one chunk at most
PREFETCH = 64  # records parsed (keys and bands computed) ahead, outside the lock
Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


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
    cancelled: bool = False
    action_id: int | None = None  # the import action it belonged to (for undo)
    unsure: dict[str, int] = field(default_factory=dict)  # boundary kind → records
    refused_empty: bool = False  # refused: most records empty (readq.empty_records)

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

    def counts(self) -> dict[str, int]:
        """The tallies kept in the ``imports`` row."""
        return {"records": self.records, "new": self.new, "merged": self.merged,
                "unchanged": self.unchanged, "possible_duplicates": self.possible_duplicates,
                "problems": len(self.errors)}


__all__ = ["FileReport", "Importer", "ChunkStat", "UndoneImport", "undo_action"]


class _Cancelled(Exception):
    pass


class _Prepared(NamedTuple):
    """A parsed record with what matching needs, computed before the lock is taken."""

    record: Record
    key: str | None
    words: frozenset[str]
    bands: list[int]


class _Context(NamedTuple):
    import_id: int
    file_name: str
    fmt: str
    when: str
    resumed: bool


@dataclass
class ChunkStat:
    """One committed chunk (benchmarks read these)."""

    records: int
    wait_s: float  # waiting for the write lock
    hold_s: float  # holding it: from BEGIN IMMEDIATE granted to COMMIT done
    commit_s: float
    cpu_s: float  # this thread's CPU time while holding it


class Importer:
    """Stores the records of one dump into a store, in chunks, for one import action."""

    def __init__(self, store: Store, action_id: int | None) -> None:
        self.store = store
        self.action_id = action_id
        self.longest_chunk_s = 0.0  # the longest write-lock hold (benchmarks read it)
        self.chunk_times: list[float] = []
        self.chunks: list[ChunkStat] = []
        self._commit_estimate = 0.002

    def store_items(self, kind: DumpFormat, items: Iterator[Record | Problem], file_name: str,
                    report: FileReport, progress: Progress | None = None,
                    should_cancel: Cancel | None = None,
                    late_problems: list[Problem] | None = None, expected: int = 0) -> FileReport:
        """Consume parsed items, committing chunks of whole records as it goes."""
        report.format = kind.value
        report.action_id = self.action_id
        when = now_iso()
        pending: deque[_Prepared] = deque()
        try:
            with ChunkedCheckpoints(self.store.conn) as checkpoints:
                import_id, resumed = self._begin(file_name, kind.value, when, report)
                parsed_all = False
                while True:
                    if should_cancel and should_cancel():
                        raise _Cancelled
                    if not parsed_all and len(pending) < PREFETCH:
                        parsed_all = self._prepare(items, pending, report)
                    if not pending and not parsed_all:
                        continue
                    context = _Context(import_id, file_name, kind.value, when, resumed)
                    last = self._store_chunk(pending, context, report, parsed_all,
                                             late_problems)
                    self._after_chunk(checkpoints)
                    if progress:
                        progress(report.records, max(expected, report.records))
                    if last:
                        break
        except _Cancelled:
            return self._stopped(report, "import cancelled")
        except sqlite3.Error as exc:  # disk full, read-only…: the cause, in one line
            return self._stopped(report, describe_error(exc, self.store.path.parent))
        return report

    def _prepare(self, items: Iterator[Record | Problem], pending: deque[_Prepared],
                 report: FileReport) -> bool:
        """Parse up to ``PREFETCH`` records and compute their keys and bands, outside
        any transaction; True once the items are used up."""
        while len(pending) < PREFETCH:
            item = next(items, None)
            if item is None:
                return True
            if isinstance(item, Problem):
                report.errors.append(item)
                continue
            words = content_words(item.abstract)
            bands = abstract_bands(words) + opening_bands(item.abstract)
            pending.append(_Prepared(item, title_key(item.title), words, bands))
        return False

    def _store_chunk(self, pending: deque[_Prepared], context: _Context, report: FileReport,
                     parsed_all: bool, late_problems: list[Problem] | None) -> bool:
        """One transaction: records from ``pending`` until the chunk's time is spent
        (its commit included, as last measured); True when it was the file's last."""
        conn = self.store.conn
        asked = time.perf_counter()
        stored = 0
        with self.store.transaction():
            locked = time.perf_counter()
            cpu_started = time.thread_time()
            budget = CHUNK_TARGET_S - min(self._commit_estimate, CHUNK_TARGET_S / 2)
            while pending and (stored == 0 or (time.perf_counter() - locked < budget
                                               and stored < MAX_CHUNK)):
                self._merge_record(pending.popleft(), context, report)
                stored += 1
            last = parsed_all and not pending
            if last:
                report.errors.extend(late_problems or [])
                report.errors.sort(key=lambda p: p.line)
                if not report.records:
                    raise no_records_error(DumpFormat(context.fmt), report.errors)
            actions.set_counts(conn, context.import_id, report.counts(), finished=last)
            if last and report.changed_nothing and not context.resumed:
                self.store.delete_import(context.import_id)
            elif last:
                report.import_id = context.import_id
            committing = time.perf_counter()
        done = time.perf_counter()
        wall, cpu = done - locked, time.thread_time() - cpu_started
        commit = done - committing
        self._commit_estimate = 0.8 * self._commit_estimate + 0.2 * commit
        self.longest_chunk_s = max(self.longest_chunk_s, wall)
        self.chunk_times.append(wall)
        self.chunks.append(ChunkStat(stored, locked - asked, wall, commit, cpu))
        return last

    def _after_chunk(self, checkpoints: ChunkedCheckpoints) -> None:
        """Between chunks: a waiting writer goes first; the write-ahead log is copied back
        into the store now and then (a passive checkpoint, not holding the write lock)."""
        self.store.yield_to_waiters()  # a rating typed meanwhile goes first
        checkpoints.between_chunks()

    def _begin(self, file_name: str, fmt: str, when: str,
               report: FileReport) -> tuple[int, bool]:
        """Start (or resume) the per-file import row."""
        conn = self.store.conn
        with self.store.transaction():
            old = actions.unfinished_import(conn, file_name, fmt)
            if old is not None:
                for key in ("records", "new", "merged", "unchanged", "possible_duplicates"):
                    setattr(report, key, int(old[key]))
                if self.action_id is not None:
                    actions.adopt_import(conn, int(old["id"]), self.action_id)
                report.import_id = int(old["id"])
                return int(old["id"]), True
            import_id = self.store.insert_import(file_name, fmt, when, self.action_id)
            report.import_id = import_id
            return import_id, False

    def _stopped(self, report: FileReport, why: str) -> FileReport:
        """A cancel or a failure: whole records stay; an import that stored none is forgotten."""
        stored = report.records
        if report.import_id is not None and not stored:
            try:
                with self.store.transaction():
                    if not self.store.one("SELECT 1 FROM sightings WHERE import_id = ? LIMIT 1",
                                          (report.import_id,)):
                        self.store.delete_import(report.import_id)
            except sqlite3.Error:
                pass  # left unfinished: the next import of the file resumes it
        if stored:
            core = why.replace("; nothing was changed", "")
            message = (f"{core} — stopped after {stored} records, which are stored whole; "
                       "importing the file again finishes it")
        elif "nothing was changed" in why:
            message = why
        else:
            message = f"{why}; nothing was changed"
        return FileReport(path=report.path, format=report.format, failed=message,
                          action_id=report.action_id, import_id=report.import_id,
                          cancelled=why == "import cancelled", new_ids=report.new_ids,
                          records=stored, new=report.new, merged=report.merged,
                          unchanged=report.unchanged,
                          possible_duplicates=report.possible_duplicates)

    def _merge_record(self, prepared: _Prepared, context: _Context,
                      report: FileReport) -> None:
        store = self.store
        record, key, words, bands = prepared
        import_id, file_name, fmt, when, resumed = context
        match = self._find(record, key, words, bands)
        if match.kind == "same" and match.paper_id is not None and resumed:
            seen_in = actions.sighting_import(store.conn, match.paper_id, file_name, fmt,
                                              record.index)
            if seen_in == import_id:
                return  # stored before the import was cut short, counted then
        report.records += 1
        if match.kind in ("new", "possible"):
            paper_id = store.insert_paper(record, key, bands, when)
            store.add_sighting(paper_id, import_id, file_name, fmt, record.index, when)
            report.new_ids.append(paper_id)
            if match.kind == "possible" and match.paper_id is not None:
                store.add_possible_duplicate(paper_id, match.paper_id, match.similarity, when)
                report.possible_duplicates += 1
            else:
                report.new += 1
            return
        assert match.paper_id is not None
        existing = store.paper_fields(match.paper_id)
        changes = fill_empty(existing, record)
        if changes.get("arxiv_id") and store.id_by_arxiv(changes["arxiv_id"]):
            del changes["arxiv_id"]
        if changes:
            actions.remember_fill(store.conn, self.action_id, match.paper_id,
                                  {name: existing[name] for name in changes})
        store.update_paper(match.paper_id, changes, when)
        if "abstract" in changes:
            store.set_bands(match.paper_id, bands)
        seen_before = store.has_sighting(match.paper_id, file_name, fmt, record.index)
        if not seen_before:
            store.add_sighting(match.paper_id, import_id, file_name, fmt, record.index, when)
        if changes or not seen_before:
            report.merged += 1
        else:
            report.unchanged += 1

    def _find(self, record: Record, key: str | None, words: frozenset[str],
              bands: list[int]) -> Match:
        store = self.store
        if record.arxiv_id:
            found = store.id_by_arxiv(record.arxiv_id)
            if found is not None:
                return Match("same", found, 1.0)
        # a title stored damaged by a bad decode is found under the key it was stored with
        for known_key in (key, *damaged_title_keys(record.title)) if key else ():
            for found in store.ids_by_title_key(known_key):
                row = store.match_rows([found])[0]
                if not (record.arxiv_id and row["arxiv_id"] and row["arxiv_id"] != record.arxiv_id):
                    return Match("same", found, 1.0)
        # An untitled record can be any paper with a similar abstract. A titled one can
        # be an untitled paper (an arXiv listing seen first) with a similar abstract,
        # or a differently titled one only with a near-equal abstract (the user then
        # decides) — which shares most bands, so others are not even compared.
        found = store.band_candidates(bands)
        if key:
            untitled = store.match_rows([i for i, _ in found], untitled_only=True)
            near = store.match_rows([i for i, shared in found
                                     if shared >= BANDS_FOR_NEAR_EQUAL])
            candidates = list({row["id"]: row for row in (*untitled, *near)}.values())
        else:
            candidates = store.match_rows([i for i, _ in found])
        return judge_abstract_match(record, words, candidates)
