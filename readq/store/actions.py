"""SQL of import actions: grouping per-file imports, resuming them, undoing them.

One ``readq import`` command, or one import in the app (a file dialog, a drop,
a paste), is one *action* (``import_actions``); each file it reads is one row of
``imports`` pointing at it. A per-file import commits in chunks and stays
``finished = 0`` until its last record is in, so an import that was killed is
found again and resumed by the next import of the same file. ``import_fills``
keeps, per action and paper, the metadata fields an import filled in on a paper
that existed before — what "Undo import" puts back. An action whose undo was
started and not finished (``undo_started_at`` set, ``undone_at`` not) is *being
undone*: running the undo again finishes it (:mod:`readq.import_undo`).

Every function takes the connection and expects the caller's transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from readq.store.reading import chunks, placeholders

DEFAULT_STATE_SQL = ("s.status != 'unread' OR s.rating != 0 OR s.note != '' "
                     "OR s.queue_position IS NOT NULL OR s.dismissed != 0")


def start_action(conn: sqlite3.Connection, kind: str, when: str,
                 backup: str | None = None) -> int:
    """Record the start of an import action; return its id."""
    cur = conn.execute(
        "INSERT INTO import_actions (kind, started_at, backup) VALUES (?, ?, ?)",
        (kind, when, backup))
    return int(cur.lastrowid)


def finish_action(conn: sqlite3.Connection, action_id: int, when: str) -> None:
    """Mark an action done (an action that brought nothing is forgotten)."""
    if conn.execute("SELECT 1 FROM imports WHERE action_id = ? LIMIT 1",
                    (action_id,)).fetchone() is None:
        conn.execute("DELETE FROM import_actions WHERE id = ?", (action_id,))
    else:
        conn.execute("UPDATE import_actions SET finished_at = ? WHERE id = ?", (when, action_id))


def unfinished_import(conn: sqlite3.Connection, file: str, format: str) -> sqlite3.Row | None:
    """The import of this file that was cut short (to resume), if any."""
    return conn.execute(
        "SELECT * FROM imports WHERE file = ? AND format = ? AND finished = 0 "
        "ORDER BY id DESC LIMIT 1", (file, format)).fetchone()


def adopt_import(conn: sqlite3.Connection, import_id: int, action_id: int) -> None:
    """A resumed import belongs to the action that finishes it."""
    conn.execute("UPDATE imports SET action_id = ? WHERE id = ?", (action_id, import_id))


def start_import(conn: sqlite3.Connection, action_id: int | None, file: str, format: str,
                 when: str) -> int:
    """A per-file import, unfinished until ``set_counts(..., finished=True)``."""
    cur = conn.execute(
        "INSERT INTO imports (file, format, imported_at, action_id, finished) "
        "VALUES (?, ?, ?, ?, 0)", (file, format, when, action_id))
    return int(cur.lastrowid)


def set_counts(conn: sqlite3.Connection, import_id: int, counts: dict[str, int],
               finished: bool) -> None:
    """Store a per-file import's tallies so far (committed with each chunk)."""
    conn.execute(
        "UPDATE imports SET records = ?, new = ?, merged = ?, unchanged = ?, "
        "possible_duplicates = ?, problems = ?, finished = ? WHERE id = ?",
        (counts["records"], counts["new"], counts["merged"], counts["unchanged"],
         counts["possible_duplicates"], counts["problems"], int(finished), import_id))


def sighting_import(conn: sqlite3.Connection, paper_id: int, file: str, format: str,
                    index: int) -> int | None:
    """Which import stored this exact sighting (None if it is not stored)."""
    row = conn.execute(
        "SELECT import_id FROM sightings WHERE paper_id = ? AND file = ? AND format = ? "
        "AND record_index = ?", (paper_id, file, format, index)).fetchone()
    return None if row is None else int(row[0] or 0)


def remember_fill(conn: sqlite3.Connection, action_id: int | None, paper_id: int,
                  before: dict[str, Any]) -> None:
    """Keep what an import is about to fill in on an existing paper (first time only)."""
    if action_id is None or not before:
        return
    row = conn.execute("SELECT before FROM import_fills WHERE action_id = ? AND paper_id = ?",
                       (action_id, paper_id)).fetchone()
    if row is None:
        conn.execute("INSERT INTO import_fills (action_id, paper_id, before) VALUES (?, ?, ?)",
                     (action_id, paper_id, json.dumps(before, ensure_ascii=False)))
        return
    known = json.loads(row[0])
    merged = {**before, **known}  # the oldest value of each field wins
    conn.execute("UPDATE import_fills SET before = ? WHERE action_id = ? AND paper_id = ?",
                 (json.dumps(merged, ensure_ascii=False), action_id, paper_id))


def latest_action(conn: sqlite3.Connection) -> int | None:
    """The newest import action that brought something and was not undone."""
    row = conn.execute("SELECT MAX(action_id) FROM imports").fetchone()
    return None if row is None or row[0] is None else int(row[0])


def action_rows(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every import action with its files, newest first."""
    actions = [dict(r) for r in conn.execute(
        "SELECT * FROM import_actions WHERE undone_at IS NULL ORDER BY id DESC")]
    for action in actions:
        action["imports"] = [dict(r) for r in conn.execute(
            "SELECT * FROM imports WHERE action_id = ? ORDER BY id", (action["id"],))]
    return actions


def added_papers(conn: sqlite3.Connection, action_id: int) -> list[int]:
    """Papers this action brought into the library: every sighting of theirs is its own."""
    return [int(r[0]) for r in conn.execute(
        "SELECT DISTINCT s.paper_id FROM sightings s JOIN imports i ON i.id = s.import_id "
        "WHERE i.action_id = ? AND NOT EXISTS (SELECT 1 FROM sightings o "
        "LEFT JOIN imports oi ON oi.id = o.import_id WHERE o.paper_id = s.paper_id "
        "AND (oi.action_id IS NULL OR oi.action_id != ?)) ORDER BY s.paper_id",
        (action_id, action_id))]


def user_state_condition(conn: sqlite3.Connection) -> str:
    """The SQL condition on ``user_state s`` that a paper has user state: rated, read,
    noted, queued, dismissed, tagged or said "not this" to (tables as this store has)."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                         "AND name IN ('paper_tags', 'not_this')")}
    return DEFAULT_STATE_SQL + "".join(
        f" OR EXISTS (SELECT 1 FROM {table} t WHERE t.paper_id = s.paper_id)"
        for table in sorted(tables))


def with_user_state(conn: sqlite3.Connection, ids: list[int],
                    condition: str | None = None) -> list[int]:
    """Which of these papers have user state (``condition``: from
    :func:`user_state_condition`, read once by a caller that asks often)."""
    condition = condition or user_state_condition(conn)
    found: list[int] = []
    for part in chunks(ids):
        found += [int(r[0]) for r in conn.execute(
            f"SELECT s.paper_id FROM user_state s WHERE s.paper_id IN "
            f"({placeholders(len(part))}) AND ({condition})", tuple(part))]
    return found


def start_undo(conn: sqlite3.Connection, action_id: int, when: str,
               keep_touched: bool) -> None:
    """Mark an action *being undone* (kept on a resumed undo, with its first choice)."""
    conn.execute(
        "UPDATE import_actions SET undo_started_at = COALESCE(undo_started_at, ?), "
        "undo_keeps_touched = MAX(undo_keeps_touched, ?) WHERE id = ?",
        (when, int(keep_touched), action_id))


def only_sighted_by(conn: sqlite3.Connection, action_id: int, ids: list[int]) -> list[int]:
    """Those of ``ids`` that still exist and were sighted by this action only."""
    if not ids:
        return []
    return [int(r[0]) for r in conn.execute(
        f"SELECT p.id FROM papers p WHERE p.id IN ({placeholders(len(ids))}) AND NOT EXISTS ("
        "SELECT 1 FROM sightings o LEFT JOIN imports oi ON oi.id = o.import_id "
        "WHERE o.paper_id = p.id AND (oi.action_id IS NULL OR oi.action_id != ?)) "
        "ORDER BY p.id", (*ids, action_id))]


def delete_sightings(conn: sqlite3.Connection, action_id: int, keep: Sequence[int],
                     limit: int) -> int:
    """Delete up to ``limit`` of the action's sightings (not those of papers in ``keep``);
    return how many went."""
    not_kept = f"AND s.paper_id NOT IN ({', '.join('?' * len(keep))})" if keep else ""
    cur = conn.execute(
        "DELETE FROM sightings WHERE id IN (SELECT s.id FROM sightings s "
        "JOIN imports i ON i.id = s.import_id "
        f"WHERE i.action_id = ? {not_kept} LIMIT ?)", (action_id, *keep, limit))
    return cur.rowcount


def finish_undo(conn: sqlite3.Connection, action_id: int, when: str) -> None:
    """The action's per-file imports left without sightings go; the action is undone."""
    conn.execute("DELETE FROM imports WHERE action_id = ? AND NOT EXISTS "
                 "(SELECT 1 FROM sightings s WHERE s.import_id = imports.id)", (action_id,))
    conn.execute("DELETE FROM import_fills WHERE action_id = ?", (action_id,))
    conn.execute("UPDATE import_actions SET undone_at = ? WHERE id = ?", (when, action_id))
