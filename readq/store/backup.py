"""Consistent copies of the store through SQLite's backup API, and restoring them.

Backups live in ``<library>/backups/`` as ``readq-YYYYMMDD-HHMMSS-<reason>.sqlite3``.
Every copy passes ``PRAGMA quick_check`` before it is kept (and counted in the
rotation); a copy that fails is dropped, and if the store itself fails the same check
its verdict becomes "damaged" (:mod:`readq.store.verdict`), which every write refuses.
Each reason is a class rotated on its own (``KEEP``): before-import 10, daily 7,
manual all, before-upgrade 3, before-restore 5 — so a burst of imports never
pushes out a daily or a manual backup. A restore first backs up the current store,
then copies the chosen file over it page by page (the live connection stays
valid), so a restore can itself be undone.

A before-import backup is a :class:`SnapshotBackup`: it opens its own read
connection and begins a read transaction *before* the import's first write. In
WAL mode that transaction sees the store as it was when it began, whatever is
committed later (SQLite's snapshot isolation), and the backup API reading through
that connection copies that snapshot — so the copy runs on a thread beside the
import instead of in front of it, and is still the library as it was before.
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from readq.safe_io import PRIVATE_DIR, PRIVATE_FILE, make_private, not_a_regular_file
from readq.store import verdict
from readq.store.schema import SCHEMA_VERSION

_NAME = re.compile(r"^readq-(\d{8}-\d{6})(?:-(\d+))?-([a-z-]+)\.sqlite3$")
STALE_PART_S = 600  # a ``.part`` file untouched this long was left by a killed copy
COPY_NICENESS = 5  # a copy beside an import yields the CPU to it (not starved: it is waited for)


KEEP: dict[str, int | None] = {
    "before-import": 10,
    "daily": 7,
    "manual": None,  # all: the user asked for each one
    "before-upgrade": 3,
    "before-restore": 5,
}
REASONS = {
    "before-import": "before an import",
    "daily": "daily",
    "manual": "made by you",
    "before-upgrade": "before an upgrade of readq",
    "before-restore": "before a restore",
}


class BackupError(Exception):
    """A backup or restore that cannot be done; ``str()`` is one readable line."""


def backups(folder: Path) -> list[Path]:
    """Backup files, newest first."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if _NAME.match(p.name)]
    return sorted(found, key=_order, reverse=True)


def _order(path: Path) -> tuple[str, int]:
    """When a backup was made: its second, then its number within that second."""
    match = _NAME.match(path.name)
    assert match
    return match[1], int(match[2] or 1)


def backup_reason(path: Path) -> str:
    """The class of a backup file (``before-import``, ``daily``…)."""
    match = _NAME.match(path.name)
    return match[3] if match else ""


def backup_time(path: Path) -> datetime | None:
    """When a backup was made (from its name)."""
    match = _NAME.match(path.name)
    return datetime.strptime(match[1], "%Y%m%d-%H%M%S") if match else None


def make_backup(conn: sqlite3.Connection, folder: Path, reason: str,
                keep: int | None = -1) -> Path:
    """Copy the database behind ``conn`` to a new file in ``folder``; then keep the
    newest ``keep`` backups of the same reason (default: ``KEEP[reason]``; None: all)."""
    if keep == -1:
        keep = KEEP.get(reason, 10)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        # numbered after every backup of the same second (of any class), so names
        # sort in the order the backups were made and are never reused
        made = [_order(p)[1] for p in folder.glob(f"readq-{stamp}-*.sqlite3")
                if _NAME.match(p.name)]
        n = max(made) + 1 if made else 1
        target = folder / (f"readq-{stamp}-{reason}.sqlite3" if n == 1
                           else f"readq-{stamp}-{n}-{reason}.sqlite3")
        # its own name: another copy may be under way beside this one
        partial = target.with_suffix(f".{os.getpid()}-{threading.get_ident()}.part")
        try:
            dest = sqlite3.connect(partial)
            try:
                conn.backup(dest)
                # one self-contained file: opening it never leaves -wal/-shm files beside it
                dest.execute("PRAGMA journal_mode = DELETE")
                finding = copy_problem(dest)  # a copy is kept only if it passes
            finally:
                dest.close()
            if finding is not None:
                raise _damaged_copy(conn, folder, finding)
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)  # a failed copy leaves nothing behind
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"could not write a backup in {folder}: {exc}") from None
    _remove_stale_parts(folder)
    if keep is not None:
        same = [p for p in backups(folder) if backup_reason(p) == reason]
        for old in same[max(keep, 1):]:
            old.unlink(missing_ok=True)
    return target


class BackupDamaged(BackupError):
    """The copy failed its integrity check (and was not kept); ``store_problem`` is the
    damage found in the store itself, if the store fails the same check."""

    def __init__(self, message: str, store_problem: str | None) -> None:
        super().__init__(message)
        self.store_problem = store_problem


def copy_problem(conn: sqlite3.Connection) -> str | None:
    """``PRAGMA quick_check`` of the database behind ``conn``: None if it passes."""
    try:
        rows = [str(row[0]) for row in conn.execute("PRAGMA quick_check(3)")]
    except sqlite3.DatabaseError as exc:
        return f"SQLite says: {exc}"
    return None if rows == ["ok"] else finding(rows)


def finding(rows: list[str]) -> str:
    """What ``PRAGMA quick_check`` reported, on one line: its first fault and how many
    more it listed (its rows hold line breaks, one fault a line)."""
    faults = [" ".join(line.split()) for row in rows
              for line in str(row).replace("*** in database main ***", "").splitlines()]
    faults = [fault for fault in faults if fault]
    if not faults:
        return "integrity check failed"
    more = len(faults) - 1
    return "integrity check: " + faults[0][:200] + (f" (and {more} more)" if more else "")


def _damaged_copy(source: sqlite3.Connection, folder: Path, finding: str) -> BackupDamaged:
    """The error for a copy that failed its check, after checking the store it came from
    (a damaged store gives a damaged copy; a sound one means the copy was spoilt on
    its way to the disk)."""
    store_problem = copy_problem(source)
    if store_problem is not None:
        store = _main_file(source)
        if store is not None:  # every write refuses it from now on
            verdict.record(store, store_problem, verdict.identity(store))
        return BackupDamaged(f"no backup was kept: the library store is damaged "
                             f"({store_problem})", store_problem)
    return BackupDamaged(f"the backup written in {folder} failed its integrity check "
                         f"({finding}) and was not kept; check the disk", None)


def _main_file(conn: sqlite3.Connection) -> Path | None:
    """The file of the main database behind ``conn`` (None: in memory)."""
    for _seq, name, file in conn.execute("PRAGMA database_list"):
        if name == "main" and file:
            return Path(file)
    return None


def _remove_stale_parts(folder: Path) -> None:
    """Remove ``.part`` files left by copies that were killed (not those still written)."""
    now = time.time()
    for stale in folder.glob("readq-*.part"):
        try:
            if now - stale.stat().st_mtime > STALE_PART_S:
                stale.unlink(missing_ok=True)
        except OSError:
            pass


class SnapshotBackup:
    """A backup of the store as it is when this is made, copied on its own thread.

    The constructor begins a read transaction on a connection of its own (the
    snapshot) and returns at once; the copy is written while the store goes on
    being written through other connections. ``wait`` gives its path or raises
    :class:`BackupError`."""

    def __init__(self, db_path: Path, folder: Path, reason: str,
                 keep: int | None = -1) -> None:
        self.path: Path | None = None
        self.error: BackupError | None = None
        self.seconds = 0.0  # how long the copy took
        try:
            conn = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False,
                                   timeout=30)
            try:
                wal = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal"
                conn.execute("PRAGMA query_only = 1")
                conn.execute("BEGIN")
                # the first read fixes the snapshot; nothing committed after it is seen
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.Error:
                conn.close()
                raise
        except sqlite3.Error as exc:
            raise BackupError(f"could not begin a backup of {db_path}: {exc}") from None
        self._conn = conn
        self._thread = threading.Thread(target=self._copy, args=(folder, reason, keep),
                                        name=f"readq-backup-{reason}")
        self._thread.start()  # not a daemon: a process that ends waits for its backup
        if not wal:  # without WAL a reader would keep writers out: copy first, as before
            self._thread.join()

    def _copy(self, folder: Path, reason: str, keep: int | None) -> None:
        started = time.perf_counter()
        _lower_priority()  # the import and the window come first
        try:
            self.path = make_backup(self._conn, folder, reason, keep)
            make_private(folder, PRIVATE_DIR)
            make_private(self.path, PRIVATE_FILE)
        except BackupError as exc:
            self.error = exc
        except Exception as exc:  # noqa: BLE001 (reported by wait(), never lost)
            self.error = BackupError(f"could not write a backup in {folder}: {exc}")
        finally:
            self.seconds = time.perf_counter() - started
            try:
                self._conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            self._conn.close()

    @property
    def done(self) -> bool:
        """Whether the copy has ended (written or failed)."""
        return not self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> Path:
        """The finished backup's path (waits for the copy); BackupError if it failed."""
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise BackupError("the backup is still being written")
        if self.error is not None:
            raise self.error
        assert self.path is not None
        return self.path


def _lower_priority() -> None:
    """Lower the calling thread's CPU priority by ``COPY_NICENESS`` (Linux, where a
    thread has its own nice value; elsewhere the copy keeps the process's priority)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        me = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, me,
                       min(19, os.getpriority(os.PRIO_PROCESS, me) + COPY_NICENESS))
    except OSError:
        pass


def record_action_backup(conn: sqlite3.Connection, action_id: int, path: str) -> None:
    """Note in an import action the backup made before it (in the caller's transaction)."""
    conn.execute("UPDATE import_actions SET backup = ? WHERE id = ?", (path, action_id))


def latest_backup_age(folder: Path) -> timedelta | None:
    """How old the newest backup is (None when there is none)."""
    found = backups(folder)
    if not found:
        return None
    match = _NAME.match(found[0].name)
    assert match
    return datetime.now() - datetime.strptime(match[1], "%Y%m%d-%H%M%S")


def check_backup_file(path: Path) -> int:
    """Verify that ``path`` is a readq store this version can open; return its schema."""
    problem = not_a_regular_file(path, what="backup file")  # a FIFO is never opened
    if problem:
        raise BackupError(problem)
    try:
        with open(path, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise BackupError(f"{path} is not a readq backup (not an SQLite database)")
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} is damaged (integrity check failed)")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable readq backup ({exc})") from None
    except OSError as exc:
        raise BackupError(f"{path}: {exc.strerror or exc}") from None
    if not {"papers", "user_state"} <= tables:
        raise BackupError(f"{path} is an SQLite database but not a readq library")
    if version > SCHEMA_VERSION:
        raise BackupError(f"{path} was written by a newer readq (schema {version}); "
                          "update readq to restore it")
    return version


def copy_as_is(conn: sqlite3.Connection, target: Path) -> None:
    """Copy the database behind ``conn`` to ``target`` page by page, unchecked (a
    damaged store kept aside before a restore; never a backup)."""
    try:
        dest = sqlite3.connect(target)
        try:
            conn.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
        make_private(target, PRIVATE_FILE)
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"could not copy the store to {target}: {exc}") from None


def restore_into(conn: sqlite3.Connection, path: Path) -> None:
    """Replace the database behind ``conn`` with the contents of ``path``."""
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        source.backup(conn)
    except sqlite3.Error as exc:
        raise BackupError(f"could not restore {path}: {exc}") from None
    finally:
        source.close()
