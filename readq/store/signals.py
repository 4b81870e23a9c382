"""The queries the recommender needs: paper text, the user's decisions, "not this".

SQL for recommendations lives here (the recommender itself never sees SQL).
Every value is bound.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from readq.store.database import chunks, now_iso, placeholders

# unread, undismissed papers not yet decided on (not queued, not rated)
CANDIDATE_WHERE = ("s.status = 'unread' AND s.dismissed = 0 AND s.queue_position IS NULL "
                   "AND s.rating = 0")


@dataclass(frozen=True)
class PaperText:
    """What the features are made of, for one paper."""

    id: int
    title: str
    abstract: str
    authors: list[str]
    published: str | None
    added_at: str


@dataclass(frozen=True)
class StateRow:
    """One paper's user state, as far as the recommender cares."""

    id: int
    status: str
    rating: int
    has_note: bool
    queued: bool
    dismissed: bool
    not_this: bool


def papers_stamp(conn: sqlite3.Connection) -> tuple[int, int, str]:
    """Changes whenever papers are added, removed or their text filled in."""
    # one aggregate a query: each MAX is then one step down its index
    count = conn.execute("SELECT COUNT(*) FROM papers").fetchone()[0]
    last = conn.execute("SELECT MAX(id) FROM papers").fetchone()[0]
    updated = conn.execute("SELECT MAX(updated_at) FROM papers").fetchone()[0]
    return int(count), int(last or 0), str(updated or "")


def paper_texts(conn: sqlite3.Connection, ids: Sequence[int] | None = None,
                batch: int = 5000) -> Iterator[PaperText]:
    """Papers' text in id order (all of them, or ``ids``), streamed in batches."""
    sql = "SELECT id, title, abstract, authors, published, added_at FROM papers"
    if ids is None:
        cursor = conn.execute(sql + " ORDER BY id")
        while rows := cursor.fetchmany(batch):
            yield from (_text(r) for r in rows)
        return
    for part in chunks(sorted(ids)):
        for r in conn.execute(sql + f" WHERE id IN ({placeholders(len(part))}) ORDER BY id",
                              tuple(part)):
            yield _text(r)


def _text(r: sqlite3.Row | tuple) -> PaperText:
    return PaperText(id=int(r[0]), title=r[1] or "", abstract=r[2] or "",
                     authors=json.loads(r[3] or "[]"), published=r[4], added_at=r[5] or "")


def decision_states(conn: sqlite3.Connection) -> list[StateRow]:
    """Every paper the user has said something about (rated, queued, read, noted,
    dismissed, "not this")."""
    rows = conn.execute(
        "SELECT s.paper_id, s.status, s.rating, s.note != '', s.queue_position IS NOT NULL, "
        "s.dismissed, n.paper_id IS NOT NULL FROM user_state s "
        "LEFT JOIN not_this n ON n.paper_id = s.paper_id "
        "WHERE s.status = 'read' OR s.rating > 0 OR s.note != '' "
        "OR s.queue_position IS NOT NULL OR s.dismissed = 1 OR n.paper_id IS NOT NULL")
    return [StateRow(int(r[0]), r[1], int(r[2]), bool(r[3]), bool(r[4]), bool(r[5]),
                     bool(r[6])) for r in rows]


def candidate_ids(conn: sqlite3.Connection, within: Sequence[int] | None = None) -> list[int]:
    """Papers worth recommending: unread, undismissed, not queued, not rated."""
    sql = ("SELECT p.id FROM papers p JOIN user_state s ON s.paper_id = p.id "
           f"WHERE {CANDIDATE_WHERE}")
    if within is None:  # newest first: the order of ties
        return [int(r[0]) for r in conn.execute(sql + " ORDER BY p.added_at DESC, p.id DESC")]
    found: list[int] = []
    for part in chunks(list(within)):
        found.extend(int(r[0]) for r in conn.execute(
            sql + f" AND p.id IN ({placeholders(len(part))})", tuple(part)))
    return found


def not_this_ids(conn: sqlite3.Connection) -> set[int]:
    """Papers marked "not this"."""
    return {int(r[0]) for r in conn.execute("SELECT paper_id FROM not_this")}


def set_not_this(conn: sqlite3.Connection, ids: Sequence[int], on: bool) -> None:
    """Mark or unmark papers "not this" (the caller holds the transaction)."""
    when = now_iso()
    for part in chunks(list(ids)):
        if on:
            conn.executemany("INSERT OR IGNORE INTO not_this (paper_id, added_at) "
                             "SELECT id, ? FROM papers WHERE id = ?",
                             [(when, i) for i in part])
        else:
            conn.execute(f"DELETE FROM not_this WHERE paper_id IN ({placeholders(len(part))})",
                         tuple(part))


def all_paper_ids(conn: sqlite3.Connection) -> set[int]:
    """Every paper id."""
    return {int(r[0]) for r in conn.execute("SELECT id FROM papers")}


def ids_updated_since(conn: sqlite3.Connection, stamp: str) -> list[int]:
    """Papers added or filled in at or after an ``updated_at`` stamp."""
    return [int(r[0]) for r in conn.execute(
        "SELECT id FROM papers WHERE updated_at >= ?", (stamp,))]
