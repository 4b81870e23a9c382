"""Consistent copies of the store through SQLite's backup API, and restoring them.

Backups live in ``<library>/backups/`` as ``readq-YYYYMMDD-HHMMSS-<reason>.sqlite3``;
only the newest ``keep`` are kept. A restore first backs up the current store,
then copies the chosen file over it page by page (the live connection stays
valid), so a restore can itself be undone.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from readq.store.schema import SCHEMA_VERSION

_NAME = re.compile(r"^readq-(\d{8}-\d{6})(?:-\d+)?-([a-z-]+)\.sqlite3$")


class BackupError(Exception):
    """A backup or restore that cannot be done; ``str()`` is one readable line."""


def backups(folder: Path) -> list[Path]:
    """Backup files, newest first."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if _NAME.match(p.name)]
    return sorted(found, key=lambda p: p.name, reverse=True)


def make_backup(conn: sqlite3.Connection, folder: Path, reason: str, keep: int) -> Path:
    """Copy the database behind ``conn`` to a new file in ``folder``; prune to ``keep``."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = folder / f"readq-{stamp}-{reason}.sqlite3"
        n = 1
        while target.exists():
            n += 1
            target = folder / f"readq-{stamp}-{n}-{reason}.sqlite3"
        partial = target.with_suffix(".part")
        dest = sqlite3.connect(partial)
        try:
            conn.backup(dest)
            # a backup is one self-contained file: opening it later must not
            # leave -wal/-shm files beside it in the backups folder
            dest.execute("PRAGMA journal_mode=DELETE")
        finally:
            dest.close()
        partial.replace(target)
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(f"could not write a backup in {folder}: {exc}") from None
    for old in backups(folder)[max(keep, 1):]:
        old.unlink(missing_ok=True)
    return target


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
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
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


def restore_into(conn: sqlite3.Connection, path: Path) -> None:
    """Replace the database behind ``conn`` with the contents of ``path``."""
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        source.backup(conn)
    except sqlite3.Error as exc:
        raise BackupError(f"could not restore {path}: {exc}") from None
    finally:
        source.close()
