"""The store's queries for views: which papers a view (or a search's state filter)
shows, in which order, how many, and their full rows for exports.

Part of :class:`readq.store.database.Store` (a mixin over its connection). Every
value is bound; the WHERE clauses come from the library's own filters and the
ORDER BY from ``SORT_COLUMNS``, never from user input.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from readq.store import user_state

SORT_COLUMNS = {
    "title": "p.title COLLATE NOCASE",
    "authors": "p.first_author COLLATE NOCASE",
    "published": "p.published",
    "category": "p.category",
    "rating": "s.rating",
    "status": "s.status",
    "code": "p.has_code",
    "added": "p.added_at",
    "queue": "s.queue_position",
    "id": "p.id",
    "tags": "(SELECT MIN(tag) FROM paper_tags t WHERE t.paper_id = p.id)",
}


def chunks(items: Sequence[int], size: int = 900) -> Iterator[Sequence[int]]:
    """Slices small enough for SQLite's bound-parameter limit."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def placeholders(n: int) -> str:
    """``?, ?, ?`` for ``n`` bound values."""
    return ", ".join("?" * n)


class ViewQueries:
    """Reading views, as part of the store."""

    conn: sqlite3.Connection

    if TYPE_CHECKING:  # the store's
        def one(self, sql: str, params: Sequence[Any] = ()) -> Any: ...
        def column(self, sql: str, params: Sequence[Any] = ()) -> list[Any]: ...

    def list_ids(self, where: str, params: Sequence[Any], sort: str = "added",
                 descending: bool = False, limit: int | None = None) -> list[int]:
        """Paper ids matching a WHERE clause built by the library (values bound)."""
        order = SORT_COLUMNS[sort]
        direction = "DESC" if descending else "ASC"
        sql = (f"SELECT p.id FROM papers p JOIN user_state s ON s.paper_id = p.id "
               f"WHERE {where} ORDER BY {order} {direction}, p.id {direction}")
        if limit is not None:
            sql += " LIMIT ?"
            params = (*params, limit)
        return self.column(sql, params)

    def filter_ids(self, ids: Sequence[int], where: str, params: Sequence[Any]) -> set[int]:
        """Which of ``ids`` match a WHERE clause built by the library."""
        found: set[int] = set()
        for part in chunks(list(ids)):
            found.update(self.column(
                "SELECT p.id FROM papers p JOIN user_state s ON s.paper_id = p.id "
                f"WHERE p.id IN ({placeholders(len(part))}) AND ({where})",
                (*part, *params),
            ))
        return found

    def ids_where(self, where: str, params: Sequence[Any]) -> list[int]:
        """Every paper id matching a WHERE clause built by the library, unordered
        (one string from SQLite, split in Python: fast for 100,000 ids)."""
        joined = self.one(
            "SELECT group_concat(p.id) FROM papers p JOIN user_state s ON s.paper_id = p.id "
            f"WHERE {where}", params,
        )
        return [int(x) for x in joined.split(",")] if joined else []

    def count(self, where: str, params: Sequence[Any]) -> int:
        """How many papers match a WHERE clause built by the library."""
        return int(self.one(
            "SELECT COUNT(*) FROM papers p JOIN user_state s ON s.paper_id = p.id "
            f"WHERE {where}", params,
        ))

    def full_rows(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        """Papers with their state and sightings, in the order of ``ids``."""
        by_id: dict[int, dict[str, Any]] = {}
        for part in chunks(list(ids)):
            marks = placeholders(len(part))
            for row in self.conn.execute(
                "SELECT p.*, s.status, s.rating, s.note, s.queue_position, s.dismissed "
                f"FROM papers p JOIN user_state s ON s.paper_id = p.id WHERE p.id IN ({marks})",
                tuple(part),
            ):
                item = dict(row)
                item["authors"] = json.loads(item["authors"])
                item["orgs"] = json.loads(item["orgs"])
                item["sightings"] = []
                item["tags"] = []
                by_id[item["id"]] = item
            for row in self.conn.execute(
                "SELECT paper_id, file, format, record_index, imported_at FROM sightings "
                f"WHERE paper_id IN ({marks}) ORDER BY imported_at, id", tuple(part),
            ):
                by_id[row["paper_id"]]["sightings"].append(dict(row))
        for paper_id, tags in user_state.read_tags(self.conn, list(by_id)).items():
            by_id[paper_id]["tags"] = tags
        return [by_id[i] for i in ids if i in by_id]

