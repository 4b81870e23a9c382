"""The store: one SQLite connection (per thread) and every query readq runs.

Every value is bound; column names that vary (sorting) come from fixed
whitelists, never from user input. Writes that belong together run inside
``transaction()``. The queries views read (ids in order, counts, full rows) are
in :mod:`readq.store.reading`.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from readq.models import Record
from readq.store import user_state
from readq.store import turnstile
from readq.store import verdict
from readq.store.backup import copy_problem, make_backup
from readq.store.health import refuse_damaged
from readq.store.reading import ViewQueries, chunks, placeholders
from readq.store.schema import SCHEMA_VERSION, migrate, schema_version
from readq.text import title_key

BUSY_TIMEOUT_MS = 10_000
DEFAULT_KEEP = 10
STATE_FIELDS = ("status", "rating", "note", "queue_position", "dismissed")
FILLABLE = ("title", "authors", "authors_truncated", "orgs", "category", "published",
            "year_inferred", "has_code", "score", "arxiv_id", "journal_ref", "comments",
            "abstract")


WRITE_BUDGET_S = 30.0
ANALYSIS_LIMIT = 1000


class StoreBusy(sqlite3.OperationalError):
    """Another connection kept the write lock for longer than this store's budget."""


def is_busy(exc: BaseException) -> bool:
    """Whether an SQLite error means "another connection holds the lock"."""
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def now_iso() -> str:
    """The current UTC time, ISO 8601 with seconds."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store(ViewQueries):
    """The library's SQLite database. Not shared between threads: open one per thread."""

    def __init__(self, path: Path, *, readonly: bool = False,
                 busy_timeout_ms: int = BUSY_TIMEOUT_MS, query_only: bool = False,
                 write_budget_s: float = WRITE_BUDGET_S) -> None:
        self.path = path
        self.write_budget_s = write_budget_s
        before = verdict.identity(path)  # the file as the open's health check saw it
        if readonly:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None,
                                   timeout=busy_timeout_ms / 1000, factory=verdict.StoreConnection)
        else:
            conn = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout_ms / 1000,
                                   factory=verdict.StoreConnection)
        conn.own_change = self.own_change  # for code given only the connection
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            # ANALYZE and PRAGMA optimize sample at most this many rows per index: at
            # 30,000 papers a full ANALYZE held the write lock 0.12–0.3 s, this 2 ms
            conn.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
        self.conn = conn
        self.previous_version: int | None = None
        if not readonly:
            version = schema_version(conn)
            if 0 < version < SCHEMA_VERSION:  # an older library: keep a copy before upgrading
                make_backup(conn, self.backup_dir, "before-upgrade")
            self.previous_version = migrate(conn)
            if before is None:  # a new library: an empty store is sound
                verdict.record(path, None, verdict.identity(path))
            else:
                verdict.carry(path, before, verdict.identity(path))
        if query_only:  # a reading connection (the window's): writes are refused
            conn.execute("PRAGMA query_only = ON")

    @property
    def db(self) -> Any:
        """The connection as a ``sqlite_utils.Database`` (loaded on first use: the
        command line's writes start without it)."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    @property
    def backup_dir(self) -> Path:
        """Where backups of this store go."""
        return self.path.parent / "backups"

    def analyze(self) -> None:
        """Refresh the query planner's statistics (``ANALYZE``)."""
        self.conn.execute("ANALYZE")

    def close(self) -> None:
        """Close the connection (idempotent), letting SQLite refresh stale statistics."""
        with self.own_change():  # the last connection to close copies the log back
            try:
                self.conn.execute("PRAGMA busy_timeout = 0")  # never wait inside a turn
                self.conn.execute("PRAGMA optimize")
            except sqlite3.Error:
                pass  # read-only or busy: statistics can wait for another time
            try:
                self.conn.close()
            except sqlite3.ProgrammingError:
                pass

    def own_change(self) -> AbstractContextManager[None]:
        """Around something of readq's that may write the store file (a commit, a
        checkpoint, closing): a sound verdict follows the file."""
        return verdict.own_change(self.path)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any error (nested calls join the outer one)."""
        if self.conn.in_transaction:
            yield
            return
        self._begin()
        try:
            yield
            with self.own_change():  # a commit may copy the write-ahead log back
                self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:  # SQLite may have rolled back already (disk full)
                self.conn.execute("ROLLBACK")
            raise

    def _begin(self) -> None:
        """``BEGIN IMMEDIATE``, waiting its turn fairly within ``write_budget_s``; a
        store a full check found damaged is refused first (``StoreDamaged``)."""
        refuse_damaged(self.path)
        if not turnstile.acquire(self.conn, self.path, self.write_budget_s, is_busy):
            raise StoreBusy("the write lock did not come within "
                            f"{self.write_budget_s:.1f} s")

    def yield_to_waiters(self) -> None:
        """Between chunks of a long write: let a waiting writer go first."""
        turnstile.yield_to_waiters(self.path)

    def one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first column of the first row, or None."""
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def column(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """The first column of every row (read as plain tuples, not ``sqlite3.Row``:
        a view's 100,000 ids come in 61 ms instead of 75)."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        return [row[0] for row in cursor.execute(sql, params)]

    # --- matching -------------------------------------------------------------------

    def id_by_arxiv(self, arxiv_id: str) -> int | None:
        """The paper with this arXiv id (version ignored)."""
        return self.one("SELECT id FROM papers WHERE arxiv_id = ?", (arxiv_id,))

    def ids_by_title_key(self, key: str) -> list[int]:
        """Papers whose folded title equals ``key``."""
        return self.column("SELECT id FROM papers WHERE title_key = ? ORDER BY id", (key,))

    def band_candidates(self, bands: Sequence[int], *, limit: int = 40,
                        max_papers_per_band: int = 64) -> list[tuple[int, int]]:
        """``(paper id, bands shared)`` of papers sharing abstract bands, most shared first.

        A band value that many papers share says nothing about any one of them (an
        abstract of common words); such bands are left out, which keeps this a few
        index look-ups however large the library grows.
        """
        if not bands:
            return []
        marks = placeholders(len(bands))
        counts = dict(self.conn.execute(
            f"SELECT band, COUNT(*) FROM abstract_bands WHERE band IN ({marks}) GROUP BY band",
            tuple(bands),
        ).fetchall())
        useful = [b for b in bands if 0 < counts.get(b, 0) <= max_papers_per_band]
        if not useful:
            return []
        return [(int(r[0]), int(r[1])) for r in self.conn.execute(
            "SELECT paper_id, COUNT(*) FROM abstract_bands "
            f"WHERE band IN ({placeholders(len(useful))}) "
            "GROUP BY paper_id ORDER BY COUNT(*) DESC, paper_id LIMIT ?",
            (*useful, limit),
        )]

    def match_rows(self, ids: Sequence[int], *, untitled_only: bool = False
                   ) -> list[sqlite3.Row]:
        """The fields the merge compares, for candidate papers."""
        if not ids:
            return []
        untitled = "AND title IS NULL" if untitled_only else ""
        return self.conn.execute(
            "SELECT id, title, title_key, arxiv_id, published, abstract FROM papers "
            f"WHERE id IN ({placeholders(len(ids))}) {untitled}",
            tuple(ids),
        ).fetchall()

    # --- writing imported metadata ---------------------------------------------------

    def insert_paper(self, record: Record, title_key: str | None, bands: Sequence[int],
                     when: str) -> int:
        """Store a new paper, its empty user state, its bands; queue it for indexing."""
        cur = self.conn.execute(
            "INSERT INTO papers (arxiv_id, title, title_key, authors, first_author, "
            "authors_truncated, orgs, category, published, year_inferred, has_code, score, "
            "abstract, journal_ref, comments, added_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.arxiv_id, record.title, title_key, json.dumps(record.authors, ensure_ascii=False),
                record.authors[0] if record.authors else "", int(record.authors_truncated),
                json.dumps(record.orgs, ensure_ascii=False), record.category,
                record.published.isoformat() if record.published else None,
                int(record.year_inferred), int(record.has_code), record.score, record.abstract,
                record.journal_ref, record.comments, when, when,
            ),
        )
        paper_id = int(cur.lastrowid)
        self.conn.execute("INSERT INTO user_state (paper_id) VALUES (?)", (paper_id,))
        self.set_bands(paper_id, bands)
        self.enqueue_index([paper_id])
        return paper_id

    def set_bands(self, paper_id: int, bands: Sequence[int]) -> None:
        """Replace a paper's abstract bands."""
        self.conn.execute("DELETE FROM abstract_bands WHERE paper_id = ?", (paper_id,))
        self.conn.executemany(
            "INSERT INTO abstract_bands (band, paper_id) VALUES (?, ?)",
            [(band, paper_id) for band in bands],
        )

    def paper_fields(self, paper_id: int) -> dict[str, Any]:
        """The stored metadata of one paper (JSON columns decoded)."""
        row = self.conn.execute("SELECT * FROM papers WHERE id = ?", (paper_id,)).fetchone()
        if row is None:
            raise KeyError(paper_id)
        fields = dict(row)
        fields["authors"] = json.loads(fields["authors"])
        fields["orgs"] = json.loads(fields["orgs"])
        return fields

    def update_paper(self, paper_id: int, changes: dict[str, Any], when: str) -> None:
        """Write filled-in metadata fields (names from ``FILLABLE`` only)."""
        if not changes:
            return
        self.restore_fields(paper_id, changes, when)
        self.enqueue_index([paper_id])

    def restore_fields(self, paper_id: int, fields: dict[str, Any], when: str) -> None:
        """Write metadata fields (names from ``FILLABLE`` only) with what derives from
        them: an import filling them in, or its undo putting them back as they were."""
        values: dict[str, Any] = {}
        for name, value in fields.items():
            if name not in FILLABLE:
                raise ValueError(name)
            values[name] = json.dumps(value, ensure_ascii=False) if name in ("authors", "orgs") \
                else value
        if "authors" in fields:
            values["first_author"] = fields["authors"][0] if fields["authors"] else ""
        if "title" in fields:
            values["title_key"] = title_key(fields["title"])
        values["updated_at"] = when
        assignments = ", ".join(f"{name} = ?" for name in values)
        self.conn.execute(f"UPDATE papers SET {assignments} WHERE id = ?",
                          (*values.values(), paper_id))

    def add_sighting(self, paper_id: int, import_id: int, file: str, format: str,
                     index: int, when: str) -> bool:
        """Remember that ``file`` showed this paper as record ``index``; False if known."""
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO sightings (paper_id, import_id, file, format, record_index, "
            "imported_at) VALUES (?, ?, ?, ?, ?, ?)",
            (paper_id, import_id, file, format, index, when),
        )
        return cur.rowcount > 0

    def has_sighting(self, paper_id: int, file: str, format: str, index: int) -> bool:
        """Whether this exact sighting is already stored."""
        return self.one(
            "SELECT 1 FROM sightings WHERE paper_id = ? AND file = ? AND format = ? "
            "AND record_index = ?", (paper_id, file, format, index),
        ) is not None

    def add_possible_duplicate(self, paper_id: int, other_id: int, similarity: float,
                               when: str) -> None:
        """Ask the user whether two papers are one."""
        self.conn.execute(
            "INSERT OR IGNORE INTO possible_duplicates (paper_id, other_id, similarity, created_at) "
            "VALUES (?, ?, ?, ?)",
            (paper_id, other_id, similarity, when),
        )

    def insert_import(self, file: str, format: str, when: str,
                      action_id: int | None = None) -> int:
        """Start an import record (unfinished until ``finish_import``)."""
        cur = self.conn.execute(
            "INSERT INTO imports (file, format, imported_at, action_id, finished) "
            "VALUES (?, ?, ?, ?, 0)",
            (file, format, when, action_id),
        )
        return int(cur.lastrowid)

    def finish_import(self, import_id: int, counts: dict[str, int]) -> None:
        """Store the import's tallies."""
        self.conn.execute(
            "UPDATE imports SET records = ?, new = ?, merged = ?, unchanged = ?, "
            "possible_duplicates = ?, problems = ?, finished = 1 WHERE id = ?",
            (counts["records"], counts["new"], counts["merged"], counts["unchanged"],
             counts["possible_duplicates"], counts["problems"], import_id),
        )

    def delete_import(self, import_id: int) -> None:
        """Forget an import that brought nothing (a re-import)."""
        self.conn.execute("DELETE FROM imports WHERE id = ?", (import_id,))

    # --- index queue -------------------------------------------------------------------

    def enqueue_index(self, ids: Iterable[int]) -> None:
        """Mark papers whose search document must be (re)written."""
        self.conn.executemany("INSERT OR IGNORE INTO index_queue (paper_id) VALUES (?)",
                              [(i,) for i in ids])

    def pending_index(self, limit: int | None = None) -> list[int]:
        """Papers waiting to be indexed, oldest first."""
        if limit is None:
            return self.column("SELECT paper_id FROM index_queue ORDER BY paper_id")
        return self.column("SELECT paper_id FROM index_queue ORDER BY paper_id LIMIT ?", (limit,))

    def pending_count(self) -> int:
        """How many papers wait for the index."""
        return int(self.one("SELECT COUNT(*) FROM index_queue"))

    def dequeue_index(self, ids: Sequence[int]) -> None:
        """Papers now indexed."""
        with self.transaction():
            for part in chunks(list(ids)):
                self.conn.execute(
                    f"DELETE FROM index_queue WHERE paper_id IN ({placeholders(len(part))})",
                    tuple(part),
                )

    def index_rows(self, ids: Sequence[int]) -> list[sqlite3.Row]:
        """What the search index needs of each paper (missing ids are skipped)."""
        rows: list[sqlite3.Row] = []
        for part in chunks(list(ids)):
            rows.extend(self.conn.execute(
                "SELECT p.id, p.title, p.authors, p.orgs, p.abstract, p.category, p.published, "
                "p.arxiv_id, s.note FROM papers p JOIN user_state s ON s.paper_id = p.id "
                f"WHERE p.id IN ({placeholders(len(part))})",
                tuple(part),
            ))
        return rows

    def all_ids(self) -> list[int]:
        """Every paper id."""
        return self.column("SELECT id FROM papers ORDER BY id")

    def paper_count(self) -> int:
        """How many papers the library holds."""
        return int(self.one("SELECT COUNT(*) FROM papers"))

    # --- user state --------------------------------------------------------------------

    def states(self, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The user state of each paper, every kind of it (``user_state.KINDS``)."""
        return user_state.read_states(self.conn, ids)

    def set_state(self, ids: Sequence[int], field: str, value: Any) -> None:
        """Set one user-state field (status, rating, note, dismissed) on papers."""
        if field not in ("status", "rating", "note", "dismissed"):
            raise ValueError(field)
        when = now_iso()
        with self.transaction():
            for part in chunks(list(ids)):
                self.conn.execute(
                    f"UPDATE user_state SET {field} = ?, updated_at = ? "
                    f"WHERE paper_id IN ({placeholders(len(part))})",
                    (value, when, *part),
                )
            if field == "note":
                self.enqueue_index(ids)

    def restore_states(self, states: dict[int, dict[str, Any]]) -> None:
        """Put back states taken with ``states()`` (undo), queue order included."""
        with self.transaction():
            user_state.write_states(self.conn, states)
            self._write_queue(user_state.queue_order_with(self.queue_ids(), states))
            self.enqueue_index(list(states))

    # --- queue ---------------------------------------------------------------------------

    def queue_ids(self) -> list[int]:
        """The reading queue, first to read first."""
        return self.column(
            "SELECT paper_id FROM user_state WHERE queue_position IS NOT NULL "
            "ORDER BY queue_position"
        )

    def _write_queue(self, order: Sequence[int]) -> None:
        self.conn.execute("UPDATE user_state SET queue_position = NULL "
                          "WHERE queue_position IS NOT NULL")
        self.conn.executemany(
            "UPDATE user_state SET queue_position = ? WHERE paper_id = ?",
            [(position, pid) for position, pid in enumerate(order, start=1)],
        )

    def set_queue(self, order: Sequence[int]) -> None:
        """Replace the whole queue with ``order`` (1-based positions, no gaps)."""
        with self.transaction():
            self._write_queue(list(dict.fromkeys(order)))

    def imports(self) -> list[dict[str, Any]]:
        """Every import that brought something, newest first."""
        return [dict(r) for r in self.conn.execute(
            "SELECT * FROM imports ORDER BY id DESC"
        )]

    def possible_duplicate_rows(self, status: str = "open") -> list[dict[str, Any]]:
        """Pairs of papers that may be one, for the user to decide."""
        return [dict(r) for r in self.conn.execute(
            "SELECT * FROM possible_duplicates WHERE status = ? ORDER BY id", (status,)
        )]

    def integrity_ok(self) -> bool:
        """``PRAGMA quick_check`` says ok; the finding is remembered as the store's
        verdict (every write refuses a store found damaged)."""
        seen = verdict.identity(self.path)
        started = time.perf_counter()
        problem = copy_problem(self.conn)
        verdict.record(self.path, problem, seen, seconds=time.perf_counter() - started)
        return problem is None

    # --- settings ------------------------------------------------------------------------

    def setting(self, key: str, default: str | None = None) -> str | None:
        """A library setting (stored with the library, so it moves with it)."""
        value = self.one("SELECT value FROM settings WHERE key = ?", (key,))
        return default if value is None else str(value)

    def set_setting(self, key: str, value: str) -> None:
        """Store a library setting."""
        with self.transaction():
            self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))
