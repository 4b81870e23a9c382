"""Whole papers as rows: saved before a change that removes one (a merge), put back
exactly on undo — metadata, user state, sightings, abstract bands, possible
duplicates, tags and "not this" marks, with their original ids.

Both functions expect the caller's transaction.
"""

from __future__ import annotations

import sqlite3
from typing import Any

# table -> the column naming the paper (possible_duplicates has two)
_TABLES = {
    "papers": ("id",),
    "user_state": ("paper_id",),
    "sightings": ("paper_id",),
    "abstract_bands": ("paper_id",),
    "possible_duplicates": ("paper_id", "other_id"),
    "paper_tags": ("paper_id",),
    "import_fills": ("paper_id",),
    "not_this": ("paper_id",),
}


def _tables(conn: sqlite3.Connection) -> list[str]:
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return [t for t in _TABLES if t in present]


def save_papers(conn: sqlite3.Connection, ids: list[int]) -> dict[str, list[dict[str, Any]]]:
    """Every row that belongs to these papers, by table."""
    marks = ", ".join("?" * len(ids))
    saved: dict[str, list[dict[str, Any]]] = {}
    for table in _tables(conn):
        where = " OR ".join(f"{col} IN ({marks})" for col in _TABLES[table])
        params = tuple(ids) * len(_TABLES[table])
        saved[table] = [dict(r) for r in conn.execute(
            f"SELECT * FROM {table} WHERE {where}", params)]
    return saved


def put_back(conn: sqlite3.Connection, saved: dict[str, list[dict[str, Any]]],
             ids: list[int]) -> dict[int, int | None]:
    """Replace these papers by their saved rows; return their saved queue positions
    (the caller puts them back in the queue, which may have changed since)."""
    marks = ", ".join("?" * len(ids))
    conn.execute(f"DELETE FROM papers WHERE id IN ({marks})", tuple(ids))  # cascades
    positions: dict[int, int | None] = {}
    existing = {r[0] for r in conn.execute("SELECT id FROM papers")} | set(ids)
    for table in _tables(conn):
        for row in saved.get(table, []):
            if table == "user_state":
                positions[row["paper_id"]] = row["queue_position"]
                row = {**row, "queue_position": None}
            if any(row[col] not in existing for col in _TABLES[table]):
                continue  # a pair with a paper removed since
            cols = ", ".join(row)
            conn.execute(f"INSERT OR REPLACE INTO {table} ({cols}) "
                         f"VALUES ({', '.join('?' * len(row))})", tuple(row.values()))
    return positions
