"""The indexing part of the library service: the Whoosh index follows the store.

Papers whose search document must be (re)written sit in the store's index
queue; ``sync_index`` writes them in committed chunks (a killed sync resumes),
``check`` compares store and index, ``sync_and_check`` is the one
check-and-repair path the CLI, the app and the child indexer share.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from readq import latex
from readq.search.query import ParsedQuery
from readq.service import Cancel, Progress, busy_as_error
from readq.store.database import Store

if TYPE_CHECKING:  # Whoosh and numpy load when the index is first used, not with the library
    from readq.search.index import IndexDoc, SearchIndex

log = logging.getLogger("readq.library")

SYNC_CHUNK = 10_000  # papers written to the index per commit (a killed sync resumes)
DEQUEUE_PIECE = 500  # papers checked and taken off the queue per transaction
OWN_CHANGE_LOCK_S = 0.25  # how long a command's own change waits for a busy index
SYNC_ROUNDS = 5  # a sync also takes what was queued while it ran, this many times


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


class IndexOps:
    """Indexing, as part of :class:`readq.library.Library`."""

    store: Store
    read_only: bool
    index_problem: str
    _index: SearchIndex | None
    index_dir: Path
    index: SearchIndex

    def sync_index(self, *, progress: Progress | None = None,
                   should_cancel: Cancel | None = None, queue_if_busy: bool = False) -> int:
        """Write every queued paper to the search index; return how many were handled.

        Papers go in chunks of ``SYNC_CHUNK``, each committed to the index and then
        taken off the store's queue, so a sync (or a rebuild) that is killed resumes
        where it stopped. A cancelled sync commits what it wrote and leaves the rest
        queued. With ``queue_if_busy`` an index locked by another process is not an
        error: the work stays queued for whoever holds it (or the next sync).
        """
        self.index  # noqa: B018 (opening it may queue every paper: a new or damaged index)
        done = 0
        total = 0
        seen: set[int] = set()  # a read-only library never takes papers off the queue
        try:
            for _round in range(SYNC_ROUNDS):  # work queued meanwhile (a note) joins in,
                # and so does a paper changed while it was written (still queued)
                pending = [i for i in self.store.pending_index() if i not in seen]
                if not pending:
                    break
                if self.read_only:
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
        except _index_busy():
            if not queue_if_busy:
                raise
            log.info("index busy: %d papers stay queued for the indexer", total - done)
        return self._synced(done, total, progress)

    def index_own_change(self, ids: Sequence[int]) -> bool:
        """Write the search documents of ``ids`` now — a command's own change (a note),
        never the backlog others queued (an import's papers: its indexer takes those,
        and indexing them here made a note wait a minute beside a big import).

        They are written whether or not another indexer already took them off the
        queue (it may have read the paper before this change was committed). When
        other papers wait in the queue (an import's, taken by its indexer or the next
        sync: the app's, `readq search`'s) or another process holds the index longer
        than ``OWN_CHANGE_LOCK_S``, the index is not even opened (Whoosh and numpy
        cost a loaded machine seconds): the papers stay queued. Returns whether they
        were written."""
        wanted = list(dict.fromkeys(int(i) for i in ids))
        if not wanted:
            return True
        from readq.search.writelock import wait_for_no_writer

        others_queued = self.store.pending_count() > len(wanted)  # an import's backlog
        if self._index is None and (others_queued or not wait_for_no_writer(
                self.index_dir, OWN_CHANGE_LOCK_S)):
            log.info("an indexer is at work: %d changed papers left queued for it", len(wanted))
            return False
        index = self.index  # a new or damaged index queues every paper: left queued
        patience = index.lock_timeout
        # a held lock means an indexer is at work, and it takes what is queued when
        # its batch is done: waiting out its batch would only delay the command
        index.lock_timeout = min(patience, OWN_CHANGE_LOCK_S)
        try:
            self._sync_part(wanted, len(wanted), 0, None, None)
        except _index_busy():
            log.info("index busy: %d changed papers stay queued for the indexer", len(wanted))
            return False
        finally:
            index.lock_timeout = patience
        return True

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
        read_as: dict[int, int] = {}  # each paper's row as written (see _dequeue_unchanged)

        def docs() -> Iterator[IndexDoc]:
            for start in range(0, len(part), 1000):
                piece = part[start:start + 1000]
                found = {row["id"]: row for row in self.store.index_rows(piece)}
                for paper_id in piece:
                    if paper_id in found:
                        handed.append(paper_id)
                        read_as[paper_id] = hash(tuple(found[paper_id]))
                        yield _index_doc(found[paper_id])
                    else:
                        gone.append(paper_id)

        def report(done: int) -> None:
            if progress:
                progress(offset + done, total)

        # a new segment, no merging (merge_index does that in the background)
        written = self.index.upsert(docs(), bulk=total > 2000, progress=report,
                                    should_cancel=should_cancel, merge=False)
        if gone:
            self.index.delete(gone, merge=False)
        if not self.read_only:
            self._dequeue_unchanged(handed[:written], read_as)
            self.store.dequeue_index(gone)
        return written + len(gone), written == len(handed)

    def _dequeue_unchanged(self, written: list[int], read_as: dict[int, int]) -> None:
        """Take written papers off the queue, except those changed since their rows were
        read: a note saved meanwhile found its paper queued already, so without this
        its new text would never reach the index. Checked and dequeued in one
        transaction per piece (no change slips in between; the write lock is held for
        milliseconds)."""
        for start in range(0, len(written), DEQUEUE_PIECE):
            piece = written[start:start + DEQUEUE_PIECE]
            with self.store.transaction():
                now = {row["id"]: hash(tuple(row)) for row in self.store.index_rows(piece)}
                self.store.dequeue_index([i for i in piece if now.get(i) == read_as[i]])

    def check(self, *, repair: bool = False, progress: Progress | None = None) -> CheckReport:
        """Compare store and index; with ``repair`` bring the index back in step.

        A readable index is mended in place (missing papers written, extra ones
        deleted, the queue drained); an unreadable one is rebuilt from the store.
        This is the one check-and-repair path (the CLI, the app's start-up check and
        the child indexer all use it); store health and index verification hook in here.
        """
        store_ok = self.store.integrity_ok()
        ids = set(self.store.all_ids())
        self.index  # noqa: B018 (opening it finds and clears a folder that is no index)
        from readq.search.verify import verify

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
                with busy_as_error(), self.store.transaction():
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

    def release_index(self) -> None:
        """Close the index (another process is about to write it); the next use opens
        it afresh. The store stays open, and backups being copied go on."""
        if self._index is not None:
            self._index.close()
            self._index = None

    def rebuild_index(self, *, progress: Progress | None = None,
                      should_cancel: Cancel | None = None) -> int:
        """Throw the index away and write it again from the store, in committed chunks
        (a cancelled or killed rebuild leaves the rest queued: the next sync finishes it)."""
        if self._index is not None:
            self._index.close()
            self._index = None
        from readq.search.verify import clear_folder, rebuild_started

        clear_folder(self.index_dir)  # readq's own files only (a file or link is set aside)
        with busy_as_error(), self.store.transaction():
            self.store.enqueue_index(self.store.all_ids())
        rebuild_started(self.index_dir)  # a restore's mark: the queue carries on from here
        return self.sync_index(progress=progress, should_cancel=should_cancel)

    def index_needs_merge(self) -> bool:
        """Whether the index's small segments have piled up (see :meth:`merge_index`)."""
        return self.index.needs_merge()

    def merge_index(self, *, force: bool = False) -> int:
        """Merge the index's small segments into one (syncs leave one segment each,
        unmerged, so papers are searchable at once); only when they have piled up,
        or with ``force`` (after a bulk import) whenever there are two or more.
        Returns how many segments were merged. Runs where no one waits: the child
        indexer or the app's write lane."""
        if not force and not self.index.needs_merge():
            return 0
        merged = self.index.merge_small()
        if merged:
            log.info("merged %d small index segments", merged)
        return merged

    def terms_for_highlight(self, query: ParsedQuery) -> list[str]:
        """The index terms a query matches, for highlighting."""
        return self.index.terms_for_highlight(query)

    def warm_index(self) -> None:
        """Read what every search needs (ids, field lengths) ahead of the first one."""
        self.index.warm()

    def pending_index_count(self) -> int:
        """How many papers wait for the search index."""
        return self.store.pending_count()


def _index_busy() -> type[Exception]:
    from readq.search.index import IndexBusy

    return IndexBusy


def _index_doc(row: sqlite3.Row) -> IndexDoc:
    from readq.search.index import IndexDoc

    published = row["published"]
    return IndexDoc(
        id=row["id"], title=latex.searchable(row["title"] or ""),
        authors=json.loads(row["authors"]), orgs=json.loads(row["orgs"]),
        abstract=latex.searchable(row["abstract"]), note=row["note"],
        category=row["category"], year=int(published[:4]) if published else None,
        arxiv_id=row["arxiv_id"],
    )
