"""Queries about imports as a whole: what one import brought, and its name."""

from __future__ import annotations

import json
import sqlite3


def author_lists(conn: sqlite3.Connection, import_id: int) -> list[list[str]]:
    """The authors of every paper an import sighted (to name the import after them)."""
    return [json.loads(row[0]) for row in conn.execute(
        "SELECT p.authors FROM sightings s JOIN papers p ON p.id = s.paper_id "
        "WHERE s.import_id = ?", (import_id,))]


def set_name(conn: sqlite3.Connection, import_id: int, name: str) -> None:
    """Store an import's name."""
    conn.execute("UPDATE imports SET name = ? WHERE id = ?", (name, import_id))
