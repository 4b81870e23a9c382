"""The SQLite schema and its migrations.

Imported metadata (``papers``) and the user's own state (``user_state``) live in
separate tables so an import can never overwrite a rating, status, note or queue
position. Each migration runs in one transaction together with the version bump.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from readq.store.upkeep import refresh_title_keys

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
    # 5: state history and triage log (statistics): triggers on user_state record every
    # change of status, rating, queue membership and dismissal, whatever writes it;
    # history_since says from when on the history is complete; paper_names (authors
    # and organisations, one row each) and paper_clock (a narrow row per paper: when
    # added, latest read / dismissed / queued), both kept by triggers, let the
    # figures avoid reading the wide papers rows
    """
    CREATE TABLE state_history (
        id INTEGER PRIMARY KEY,
        paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
        event TEXT NOT NULL CHECK (event IN ('read', 'unread', 'queued', 'unqueued',
                                             'dismissed', 'undismissed', 'rated')),
        value INTEGER,
        at TEXT NOT NULL
    );
    CREATE INDEX state_history_event ON state_history(event, at);
    CREATE INDEX state_history_paper ON state_history(paper_id, event, at);
    CREATE TRIGGER state_history_insert AFTER INSERT ON user_state
    BEGIN
        INSERT INTO state_history (paper_id, event, value, at)
        SELECT NEW.paper_id, 'read', NULL, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
        WHERE NEW.status = 'read';
        INSERT INTO state_history (paper_id, event, value, at)
        SELECT NEW.paper_id, 'rated', NEW.rating, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
        WHERE NEW.rating > 0;
        INSERT INTO state_history (paper_id, event, value, at)
        SELECT NEW.paper_id, 'queued', NULL, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
        WHERE NEW.queue_position IS NOT NULL;
        INSERT INTO state_history (paper_id, event, value, at)
        SELECT NEW.paper_id, 'dismissed', NULL, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
        WHERE NEW.dismissed = 1;
    END;
    CREATE TRIGGER state_history_status AFTER UPDATE OF status ON user_state
    WHEN OLD.status IS NOT NEW.status
    BEGIN
        INSERT INTO state_history (paper_id, event, at)
        VALUES (NEW.paper_id, NEW.status, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'));
    END;
    CREATE TRIGGER state_history_rating AFTER UPDATE OF rating ON user_state
    WHEN OLD.rating IS NOT NEW.rating
    BEGIN
        INSERT INTO state_history (paper_id, event, value, at)
        VALUES (NEW.paper_id, 'rated', NEW.rating,
                strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'));
    END;
    CREATE TRIGGER state_history_dismissed AFTER UPDATE OF dismissed ON user_state
    WHEN OLD.dismissed IS NOT NEW.dismissed
    BEGIN
        INSERT INTO state_history (paper_id, event, at)
        VALUES (NEW.paper_id, CASE WHEN NEW.dismissed THEN 'dismissed' ELSE 'undismissed' END,
                strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'));
    END;
    CREATE TRIGGER state_history_unqueued AFTER UPDATE OF queue_position ON user_state
    WHEN OLD.queue_position IS NOT NULL AND NEW.queue_position IS NULL
    BEGIN
        INSERT INTO state_history (paper_id, event, at)
        VALUES (NEW.paper_id, 'unqueued', strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'));
    END;
    CREATE TRIGGER state_history_queued AFTER UPDATE OF queue_position ON user_state
    WHEN OLD.queue_position IS NULL AND NEW.queue_position IS NOT NULL
    BEGIN
        INSERT INTO state_history (paper_id, event, at)
        SELECT NEW.paper_id, 'queued', strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
        WHERE NOT EXISTS (
            SELECT 1 FROM state_history h
            WHERE h.id = (SELECT MAX(id) FROM state_history WHERE paper_id = NEW.paper_id)
            AND h.event = 'unqueued'
            AND h.at >= strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now', '-5 seconds'));
        DELETE FROM state_history
        WHERE id = (SELECT MAX(id) FROM state_history WHERE paper_id = NEW.paper_id)
        AND event = 'unqueued'
        AND at >= strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now', '-5 seconds');
    END;
    CREATE TABLE triage_sessions (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        label TEXT NOT NULL DEFAULT '',
        papers INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE triage_log (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES triage_sessions(id) ON DELETE CASCADE,
        paper_id INTEGER,
        decision TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX triage_log_session ON triage_log(session_id);
    CREATE TABLE paper_names (
        kind TEXT NOT NULL CHECK (kind IN ('author', 'org')),
        name TEXT NOT NULL,
        paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
        PRIMARY KEY (kind, name, paper_id)
    ) WITHOUT ROWID;
    CREATE INDEX paper_names_paper ON paper_names(paper_id);
    INSERT OR IGNORE INTO paper_names (kind, name, paper_id)
    SELECT 'author', j.value, p.id FROM papers p, json_each(p.authors) j;
    INSERT OR IGNORE INTO paper_names (kind, name, paper_id)
    SELECT 'org', j.value, p.id FROM papers p, json_each(p.orgs) j;
    CREATE TABLE name_counts (
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        papers INTEGER NOT NULL,
        PRIMARY KEY (kind, name)
    ) WITHOUT ROWID;
    INSERT INTO name_counts (kind, name, papers)
    SELECT kind, name, COUNT(*) FROM paper_names GROUP BY kind, name;
    CREATE INDEX name_counts_papers ON name_counts(kind, papers);
    CREATE TRIGGER name_counts_add AFTER INSERT ON paper_names
    BEGIN
        INSERT INTO name_counts (kind, name, papers) VALUES (NEW.kind, NEW.name, 1)
        ON CONFLICT (kind, name) DO UPDATE SET papers = papers + 1;
    END;
    CREATE TRIGGER name_counts_remove AFTER DELETE ON paper_names
    BEGIN
        UPDATE name_counts SET papers = papers - 1 WHERE kind = OLD.kind AND name = OLD.name;
        DELETE FROM name_counts WHERE kind = OLD.kind AND name = OLD.name AND papers <= 0;
    END;
    CREATE TRIGGER paper_names_insert AFTER INSERT ON papers
    BEGIN
        INSERT OR IGNORE INTO paper_names (kind, name, paper_id)
        SELECT 'author', value, NEW.id FROM json_each(NEW.authors);
        INSERT OR IGNORE INTO paper_names (kind, name, paper_id)
        SELECT 'org', value, NEW.id FROM json_each(NEW.orgs);
    END;
    CREATE TRIGGER paper_names_authors AFTER UPDATE OF authors ON papers
    BEGIN
        DELETE FROM paper_names WHERE paper_id = NEW.id AND kind = 'author';
        INSERT OR IGNORE INTO paper_names (kind, name, paper_id)
        SELECT 'author', value, NEW.id FROM json_each(NEW.authors);
    END;
    CREATE TRIGGER paper_names_orgs AFTER UPDATE OF orgs ON papers
    BEGIN
        DELETE FROM paper_names WHERE paper_id = NEW.id AND kind = 'org';
        INSERT OR IGNORE INTO paper_names (kind, name, paper_id)
        SELECT 'org', value, NEW.id FROM json_each(NEW.orgs);
    END;
    CREATE TABLE paper_clock (
        paper_id INTEGER PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
        added_at TEXT NOT NULL,
        category TEXT,
        read_at TEXT,
        dismissed_at TEXT,
        queued_at TEXT
    );
    CREATE INDEX paper_clock_read ON paper_clock(read_at) WHERE read_at IS NOT NULL;
    CREATE INDEX paper_clock_added ON paper_clock(added_at);
    INSERT INTO paper_clock (paper_id, added_at, category)
    SELECT id, added_at, category FROM papers;
    CREATE TRIGGER paper_clock_insert AFTER INSERT ON papers
    BEGIN
        INSERT OR REPLACE INTO paper_clock (paper_id, added_at, category)
        VALUES (NEW.id, NEW.added_at, NEW.category);
    END;
    CREATE TRIGGER paper_clock_paper AFTER UPDATE OF added_at, category ON papers
    BEGIN
        UPDATE paper_clock SET added_at = NEW.added_at, category = NEW.category
        WHERE paper_id = NEW.id;
    END;
    CREATE TRIGGER paper_clock_event AFTER INSERT ON state_history
    WHEN NEW.event IN ('read', 'dismissed', 'queued')
    BEGIN
        UPDATE paper_clock SET
            read_at = CASE WHEN NEW.event = 'read' THEN NEW.at ELSE read_at END,
            dismissed_at = CASE WHEN NEW.event = 'dismissed' THEN NEW.at ELSE dismissed_at END,
            queued_at = CASE WHEN NEW.event = 'queued' THEN NEW.at ELSE queued_at END
        WHERE paper_id = NEW.paper_id;
    END;
    CREATE TRIGGER paper_clock_event_changed AFTER UPDATE OF at ON state_history
    BEGIN
        UPDATE paper_clock SET
            read_at = (SELECT MAX(at) FROM state_history
                       WHERE paper_id = NEW.paper_id AND event = 'read'),
            dismissed_at = (SELECT MAX(at) FROM state_history
                            WHERE paper_id = NEW.paper_id AND event = 'dismissed'),
            queued_at = (SELECT MAX(at) FROM state_history
                         WHERE paper_id = NEW.paper_id AND event = 'queued')
        WHERE paper_id = NEW.paper_id;
    END;
    CREATE TRIGGER paper_clock_event_removed AFTER DELETE ON state_history
    WHEN OLD.event IN ('read', 'dismissed', 'queued')
    BEGIN
        UPDATE paper_clock SET
            read_at = (SELECT MAX(at) FROM state_history
                       WHERE paper_id = OLD.paper_id AND event = 'read'),
            dismissed_at = (SELECT MAX(at) FROM state_history
                            WHERE paper_id = OLD.paper_id AND event = 'dismissed'),
            queued_at = (SELECT MAX(at) FROM state_history
                         WHERE paper_id = OLD.paper_id AND event = 'queued')
        WHERE paper_id = OLD.paper_id;
    END;
    INSERT OR IGNORE INTO settings (key, value)
    VALUES ('history_since', strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'));
    """,
    # 6: import actions (one `readq import` or one app action = one undoable import,
    #    grouping its per-file `imports` rows), resumable per-file imports (`finished`),
    #    and the metadata an import filled in on papers that existed before (for undo)
    """
    CREATE TABLE import_actions (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        backup TEXT,
        undone_at TEXT
    );
    ALTER TABLE imports ADD COLUMN action_id INTEGER REFERENCES import_actions(id);
    ALTER TABLE imports ADD COLUMN finished INTEGER NOT NULL DEFAULT 1;
    INSERT INTO import_actions (id, kind, started_at, finished_at)
        SELECT id, 'import', imported_at, imported_at FROM imports;
    UPDATE imports SET action_id = id;
    CREATE INDEX imports_action ON imports(action_id);
    CREATE TABLE import_fills (
        action_id INTEGER NOT NULL REFERENCES import_actions(id) ON DELETE CASCADE,
        paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
        before TEXT NOT NULL,
        PRIMARY KEY (action_id, paper_id)
    );
    """,
    # 7: recommendations (issue 14): papers the user said "not this" to (a negative decision);
    # papers by update time (the recommender's features follow changed papers)
    """
    CREATE TABLE not_this (
        paper_id INTEGER PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
        added_at TEXT NOT NULL
    );
    CREATE INDEX papers_updated ON papers(updated_at);
    """,
    # 8: undo of an import in chunks: an action whose undo started and did not finish
    #    is "being undone" (the next undo finishes it, with the same choice about
    #    papers the user gave state to)
    """
    ALTER TABLE import_actions ADD COLUMN undo_started_at TEXT;
    ALTER TABLE import_actions ADD COLUMN undo_keeps_touched INTEGER NOT NULL DEFAULT 0;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


class SchemaTooNew(RuntimeError):
    """The library was written by a newer readq."""


def schema_version(conn: sqlite3.Connection) -> int:
    """The library's schema version (``PRAGMA user_version``)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def written_by_older_readq(path: Path) -> bool:
    """Whether the store at ``path`` has an older schema (a read-only look; a missing
    or unreadable store is not: opening it says what is wrong)."""
    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            version = schema_version(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return 0 < version < SCHEMA_VERSION


def sql_statements(script: str) -> list[str]:
    """The statements of a migration (a trigger's body keeps its inner semicolons)."""
    statements: list[str] = []
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \t\n;"):
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip(" \t\n;"):
        statements.append(buffer.strip())
    return statements


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to date, one transaction per step, and the derived keys to the
    current rules (:mod:`readq.store.upkeep`); return the old version."""
    current = schema_version(conn)
    if current > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"this library was written by a newer readq (schema {current}, "
            f"this readq knows up to {SCHEMA_VERSION}); update readq to open it"
        )
    for version in range(current, SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in sql_statements(MIGRATIONS[version]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    refresh_title_keys(conn)  # keys stored under an older folding rule
    return current
