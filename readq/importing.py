"""Storing parsed records: matching, merging, in short transactions of whole records.

A dump is stored in *chunks*: records are parsed outside any transaction, then
a handful of them are merged and committed together, the chunk sized so it
holds the write lock for about ``CHUNK_TARGET_S`` (a rating typed meanwhile
waits at most that long). Each chunk commits the import's tallies with it, so
a kill -9 leaves whole records and an unfinished import that the next import
of the same file resumes: records it already stored are skipped, the rest
stored, and the library converges to what one uninterrupted import gives.

Undoing an import action (:func:`undo_action`) removes the papers and the
sightings it added and puts back the fields it filled in on papers that were
there before; it never touches the user's state on those.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from readq.merge import (
    BANDS_FOR_NEAR_EQUAL,
    Match,
    abstract_bands,
    damaged_title_keys,
    fill_empty,
    judge_abstract_match,
)
from readq.models import DumpFormat, Problem, Record
from readq.parsing import no_records_error
from readq.store import actions
from readq.store.database import Store, now_iso
from readq.store.health import describe_error
from readq.text import content_words, title_key

CHUNK_TARGET_S = 0.015  # write-lock time aimed at per chunk
FIRST_CHUNK = 4
MAX_CHUNK = 200
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


class _Cancelled(Exception):
    pass


class Importer:
    """Stores the records of one dump into a store, in chunks, for one import action."""

    def __init__(self, store: Store, action_id: int | None) -> None:
        self.store = store
        self.action_id = action_id
        self.longest_chunk_s = 0.0  # the longest write-lock hold (benchmarks read it)
        self.chunk_times: list[float] = []

    def store_items(self, kind: DumpFormat, items: Iterator[Record | Problem], file_name: str,
                    report: FileReport, progress: Progress | None = None,
                    should_cancel: Cancel | None = None,
                    late_problems: list[Problem] | None = None, expected: int = 0) -> FileReport:
        """Consume parsed items, committing chunks of whole records as it goes."""
        report.format = kind.value
        report.action_id = self.action_id
        when = now_iso()
        conn = self.store.conn
        try:
            import_id, resumed = self._begin(file_name, kind.value, when, report)
            size = FIRST_CHUNK
            exhausted = False
            while not exhausted:
                if should_cancel and should_cancel():
                    raise _Cancelled
                batch: list[Record] = []
                for item in items:
                    if isinstance(item, Problem):
                        report.errors.append(item)
                        continue
                    batch.append(item)
                    if len(batch) >= size:
                        break
                else:
                    exhausted = True
                if not batch and not exhausted:
                    continue
                started = time.perf_counter()
                with self.store.transaction():
                    for record in batch:
                        self._merge_record(record, import_id, file_name, kind.value, when,
                                           report, resumed)
                    if exhausted:
                        report.errors.extend(late_problems or [])
                        report.errors.sort(key=lambda p: p.line)
                        if not report.records:
                            raise no_records_error(kind, report.errors)
                    actions.set_counts(conn, import_id, report.counts(), finished=exhausted)
                    if exhausted and report.changed_nothing and not resumed:
                        self.store.delete_import(import_id)
                    elif exhausted:
                        report.import_id = import_id
                spent = time.perf_counter() - started
                self.longest_chunk_s = max(self.longest_chunk_s, spent)
                self.chunk_times.append(spent)
                self.store.yield_to_waiters()  # a rating typed meanwhile goes first
                per_record = spent / max(1, len(batch))
                size = max(1, min(MAX_CHUNK, int(CHUNK_TARGET_S / max(per_record, 1e-6))))
                if progress:
                    progress(report.records, max(expected, report.records))
        except _Cancelled:
            return self._stopped(report, "import cancelled")
        except sqlite3.Error as exc:  # disk full, read-only…: the cause, in one line
            return self._stopped(report, describe_error(exc, self.store.path.parent))
        return report

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

    def _merge_record(self, record: Record, import_id: int, file_name: str, fmt: str,
                      when: str, report: FileReport, resumed: bool) -> None:
        store = self.store
        key = title_key(record.title)
        words = content_words(record.abstract)
        bands = abstract_bands(words)
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


@dataclass
class UndoneImport:
    """What undoing an import action did."""

    action_id: int
    removed: list[int]
    kept: list[int]
    restored: list[int]


def undo_action(store: Store, action_id: int, *, keep_touched: bool) -> UndoneImport:
    """Remove what an import action added (one transaction).

    Papers it added that the user has since rated, read, noted, queued, dismissed
    or tagged are a reason to refuse (``PermissionError`` naming how many) unless
    ``keep_touched``: then they stay, with the sightings that brought them.
    """
    conn = store.conn
    when = now_iso()
    with store.transaction():
        if conn.execute("SELECT 1 FROM import_actions WHERE id = ? AND undone_at IS NULL",
                        (action_id,)).fetchone() is None:
            raise LookupError(action_id)
        added = actions.added_papers(conn, action_id)
        touched = actions.with_user_state(conn, added)
        if touched and not keep_touched:
            raise PermissionError(len(touched))
        keep = touched
        gone = [i for i in added if i not in set(keep)]
        filled = actions.fills(conn, action_id)
        actions.forget_action(conn, action_id, keep, when)
        for start in range(0, len(gone), 900):
            part = gone[start:start + 900]
            conn.execute(f"DELETE FROM papers WHERE id IN ({', '.join('?' * len(part))})",
                         tuple(part))
        restored = []
        for paper_id, before in filled.items():
            if paper_id in set(gone):
                continue
            store.restore_fields(paper_id, before, when)
            if "abstract" in before:
                store.set_bands(paper_id, abstract_bands(content_words(before["abstract"] or "")))
            restored.append(paper_id)
        store.enqueue_index([*gone, *restored])
    return UndoneImport(action_id, gone, keep, restored)
