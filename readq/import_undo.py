"""Undoing an import action in short transactions, resumable after a kill.

"Undo import" removes the papers an action added and the sightings it brought,
and puts back the fields it filled in on papers that were there before; it
never touches the user's state on those. A large import (30,000 papers) would
hold the write lock for seconds in one transaction, so the undo runs in chunks
of about ``CHUNK_TARGET_S`` each, like the import itself:

1. outside any write transaction: which papers the action added, and whether
   the user has given any of them state (a reason to refuse, changing nothing);
2. the action is marked *being undone* (``undo_started_at``, and whether the
   user chose to keep touched papers): from here on the undo only goes forward;
3. added papers are deleted a chunk at a time — each one checked again inside
   its chunk: a paper another import has sighted since, or that the user has
   rated, noted, queued… since, is kept;
4. the fields it filled in are put back a chunk at a time (each restored row
   removed from ``import_fills`` in the same transaction);
5. its remaining sightings are deleted a chunk at a time, except those of kept
   papers; then its empty per-file imports go and the action is marked undone.

Every step is idempotent, so an undo that was killed (or failed) midway leaves
the action "being undone"; running the undo again finishes it, and the library
ends exactly as before the import.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from readq.merge import abstract_bands, opening_bands
from readq.store import actions
from readq.store.checkpoints import ChunkedCheckpoints
from readq.store.database import Store, now_iso, placeholders
from readq.text import content_words

CHUNK_TARGET_S = 0.015  # write-lock time aimed at per chunk
STEP = 4  # papers deleted between two looks at the clock (fills: twice, sightings: 32×)


@dataclass
class UndoneImport:
    """What undoing an import action did."""

    action_id: int
    removed: list[int]
    kept: list[int]
    restored: list[int]
    chunk_times: list[float] = field(default_factory=list)  # write-lock holds (benchmarks)


def undo_action(store: Store, action_id: int, *, keep_touched: bool,
                progress: Callable[[int, int], None] | None = None) -> UndoneImport:
    """Remove what an import action added, in chunks of bounded write-lock time.

    Papers it added that the user has since rated, read, noted, queued, dismissed
    or tagged are a reason to refuse (``PermissionError`` naming how many) unless
    ``keep_touched``: then they stay, with the sightings that brought them. An
    unknown or undone action is a ``LookupError``. An undo that was cut short is
    finished by calling this again (its first choice about touched papers holds).
    ``progress(done, total)`` follows the papers removed, after each chunk.
    """
    conn = store.conn
    row = conn.execute("SELECT undone_at, undo_started_at, undo_keeps_touched "
                       "FROM import_actions WHERE id = ?", (action_id,)).fetchone()
    if row is None or row["undone_at"] is not None:
        raise LookupError(action_id)
    keep_touched = keep_touched or bool(row["undo_keeps_touched"])
    added = actions.added_papers(conn, action_id)
    touched = actions.with_user_state(conn, added)
    if touched and not keep_touched:
        raise PermissionError(len(touched))
    done = UndoneImport(action_id, [], list(touched), [])
    # automatic checkpoints off from the first commit (one ran inside it after a big
    # import: 119 ms of write lock); passive ones between chunks instead
    with ChunkedCheckpoints(conn) as checkpoints:
        with store.transaction():
            if conn.execute("SELECT 1 FROM import_actions WHERE id = ? AND undone_at IS NULL",
                            (action_id,)).fetchone() is None:
                raise LookupError(action_id)
            actions.start_undo(conn, action_id, now_iso(), keep_touched)
        kept = set(touched)
        _Chunks(store, done, checkpoints, progress).run(
            action_id, [i for i in added if i not in kept])
    return done


class _Chunks:
    """The chunked steps 3–5 of one undo."""

    def __init__(self, store: Store, done: UndoneImport, checkpoints: ChunkedCheckpoints,
                 progress: Callable[[int, int], None] | None = None) -> None:
        self.store = store
        self.progress = progress
        self.done = done
        self.checkpoints = checkpoints
        self.when = now_iso()
        self.commit_estimate = 0.002
        self.state_condition = actions.user_state_condition(store.conn)

    def run(self, action_id: int, gone: list[int]) -> None:
        pending = deque(gone)  # taken from the front, a few at a time
        while pending:
            self._chunk(lambda: self._delete_papers(action_id, pending))
            if self.progress is not None:
                self.progress(len(gone) - len(pending), len(gone))
        while self._chunk(lambda: self._restore_fills(action_id)):
            pass
        kept = actions.added_papers(self.store.conn, action_id)
        self.done.kept = sorted(set(self.done.kept) | set(kept))
        while self._chunk(lambda: self._delete_sightings(action_id, kept)):
            pass
        self._chunk(lambda: self._finish(action_id))

    def _chunk(self, step: object) -> bool:
        """Run ``step`` (returning whether more is left) repeatedly in one transaction
        until the chunk's time is spent (its commit included, as last measured); then
        let a waiting writer go first."""
        budget = CHUNK_TARGET_S - min(self.commit_estimate, CHUNK_TARGET_S / 2)
        with self.store.transaction():
            locked = time.perf_counter()
            more = step()  # type: ignore[operator]
            while more and time.perf_counter() - locked < budget:
                more = step()  # type: ignore[operator]
            committing = time.perf_counter()
        done = time.perf_counter()
        self.commit_estimate = 0.8 * self.commit_estimate + 0.2 * (done - committing)
        self.done.chunk_times.append(done - locked)
        self.store.yield_to_waiters()
        self.checkpoints.between_chunks()
        return more

    def _delete_papers(self, action_id: int, pending: deque[int]) -> bool:
        part = [pending.popleft() for _ in range(min(STEP, len(pending)))]
        conn = self.store.conn
        still = actions.only_sighted_by(conn, action_id, part)
        # given state meanwhile: kept
        touched = set(actions.with_user_state(conn, still, self.state_condition))
        self.done.kept.extend(sorted(touched))
        gone = [i for i in still if i not in touched]
        if gone:
            conn.execute(f"DELETE FROM papers WHERE id IN ({placeholders(len(gone))})",
                         tuple(gone))
            self.store.enqueue_index(gone)
            self.done.removed.extend(gone)
        return bool(pending)

    def _restore_fills(self, action_id: int) -> bool:
        conn = self.store.conn
        rows = conn.execute("SELECT paper_id, before FROM import_fills WHERE action_id = ? "
                            "ORDER BY paper_id LIMIT ?", (action_id, STEP * 2)).fetchall()
        for paper_id, text in rows:
            before = json.loads(text)
            self.store.restore_fields(int(paper_id), before, self.when)
            if "abstract" in before:
                self.store.set_bands(int(paper_id),
                                     abstract_bands(content_words(before["abstract"] or ""))
                                     + opening_bands(before["abstract"]))
            self.store.enqueue_index([int(paper_id)])
            conn.execute("DELETE FROM import_fills WHERE action_id = ? AND paper_id = ?",
                         (action_id, paper_id))
            self.done.restored.append(int(paper_id))
        return len(rows) == STEP * 2

    def _delete_sightings(self, action_id: int, kept: Sequence[int]) -> bool:
        deleted = actions.delete_sightings(self.store.conn, action_id, kept, STEP * 32)
        return deleted == STEP * 32

    def _finish(self, action_id: int) -> bool:
        actions.finish_undo(self.store.conn, action_id, self.when)
        return False


def is_being_undone(conn: sqlite3.Connection, action_id: int) -> bool:
    """Whether an undo of this action was started and not finished."""
    row = conn.execute("SELECT undo_started_at, undone_at FROM import_actions WHERE id = ?",
                       (action_id,)).fetchone()
    return row is not None and row[0] is not None and row[1] is None
