"""The SQLite schema and its migrations.

Imported metadata (``papers``) and the user's own state (``user_state``) live in
separate tables so an import can never overwrite a rating, status, note or queue
position. Each migration runs in one transaction together with the version bump.
"""

from __future__ import annotations

import sqlite3

MIGRATIONS: list[str] = [
    # 1: the first schema
    """
    CREATE TABLE papers (
        id INTEGER PRIMARY KEY,
        arxiv_id TEXT UNIQUE,
        title TEXT,
        title_key TEXT,
        authors TEXT NOT NULL DEFAULT '[]',
        first_author TEXT NOT NULL DEFAULT '',
        authors_truncated INTEGER NOT NULL DEFAULT 0,
        orgs TEXT NOT NULL DEFAULT '[]',
        category TEXT,
        published TEXT,
        year_inferred INTEGER NOT NULL DEFAULT 0,
        has_code INTEGER NOT NULL DEFAULT 0,
        score REAL,
        abstract TEXT NOT NULL DEFAULT '',
        journal_ref TEXT,
        comments TEXT,
        added_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX papers_title_key ON papers(title_key);
    CREATE INDEX papers_title ON papers(title COLLATE NOCASE);
    CREATE INDEX papers_first_author ON papers(first_author COLLATE NOCASE);
    CREATE INDEX papers_published ON papers(published);
    CREATE INDEX papers_category ON papers(category);
    CREATE INDEX papers_added ON papers(added_at);
    CREATE TABLE user_state (
        paper_id INTEGER PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
        status TEXT NOT NULL DEFAULT 'unread' CHECK (status IN ('unread', 'read')),
        rating INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
        note TEXT NOT NULL DEFAULT '',
        queue_position INTEGER,
        dismissed INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT
    );
    CREATE INDEX user_state_status ON user_state(status, dismissed);
    CREATE INDEX user_state_rating ON user_state(rating);
    CREATE INDEX user_state_queue ON user_state(queue_position) WHERE queue_position IS NOT NULL;
    CREATE TABLE imports (
        id INTEGER PRIMARY KEY,
        file TEXT NOT NULL,
        format TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        records INTEGER NOT NULL DEFAULT 0,
        new INTEGER NOT NULL DEFAULT 0,
        merged INTEGER NOT NULL DEFAULT 0,
        unchanged INTEGER NOT NULL DEFAULT 0,
        possible_duplicates INTEGER NOT NULL DEFAULT 0,
        problems INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE sightings (
        id INTEGER PRIMARY KEY,
        paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
        import_id INTEGER REFERENCES imports(id),
        file TEXT NOT NULL,
        format TEXT NOT NULL,
        record_index INTEGER NOT NULL,
        imported_at TEXT NOT NULL,
        UNIQUE (paper_id, file, format, record_index)
    );
    CREATE INDEX sightings_import ON sightings(import_id);
    CREATE TABLE possible_duplicates (
        id INTEGER PRIMARY KEY,
        paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
        other_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
        similarity REAL NOT NULL,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'confirmed', 'rejected')),
        created_at TEXT NOT NULL,
        UNIQUE (paper_id, other_id)
    );
    CREATE TABLE abstract_bands (
        band INTEGER NOT NULL,
        paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE
    );
    CREATE INDEX abstract_bands_band ON abstract_bands(band);
    CREATE INDEX abstract_bands_paper ON abstract_bands(paper_id);
    CREATE TABLE index_queue (
        paper_id INTEGER PRIMARY KEY
    );
    CREATE TABLE saved_searches (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        query TEXT NOT NULL
    );
    """,
    # 2: library settings (backups to keep, …)
    """
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 3: tags, the user's own labels on papers (user state: imports never touch them)
    """
    CREATE TABLE paper_tags (
        paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        added_at TEXT NOT NULL,
        PRIMARY KEY (paper_id, tag)
    );
    CREATE INDEX paper_tags_tag ON paper_tags(tag);
    """,
    # 4: a readable name for each import (after its content; the user may rename it)
    """
    ALTER TABLE imports ADD COLUMN name TEXT;
    """,
    # 5: recommendations (issue 14): papers the user said "not this" to (a negative decision);
    # papers by update time (the recommender's features follow changed papers)
    """
    CREATE TABLE not_this (
        paper_id INTEGER PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
        added_at TEXT NOT NULL
    );
    CREATE INDEX papers_updated ON papers(updated_at);
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


class SchemaTooNew(RuntimeError):
    """The library was written by a newer readq."""


def schema_version(conn: sqlite3.Connection) -> int:
    """The library's schema version (``PRAGMA user_version``)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to date, one transaction per step; return the old version."""
    current = schema_version(conn)
    if current > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"this library was written by a newer readq (schema {current}, "
            f"this readq knows up to {SCHEMA_VERSION}); update readq to open it"
        )
    for version in range(current, SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in MIGRATIONS[version].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return current
