"""The store's remembered health verdict, kept beside it in ``.library.sqlite3.verdict``.

A full ``PRAGMA quick_check`` reads every page: about 8 ms per MB here, so seconds
on a 100,000-paper store — too slow for every command. So the last full check's
finding is remembered together with the store file's *identity* (inode, size,
modification time, read with ``stat``, never by opening the store:
closing a file descriptor would drop SQLite's locks in this process). While the
identity is the one the verdict was made for, the verdict stands:

- "damaged" is final until a restore (or a new full check of a changed file);
- "sound" holds while only readq changes the file. SQLite writes the store file
  itself only when it copies the write-ahead log back (a checkpoint: at a commit,
  between an import's chunks, when the last connection closes); after each, the
  connection that ran it *carries* the verdict to the new identity — only if the
  verdict was for the identity it saw just before, so a change made by anything
  else in between is never vouched for;
- anything else — the file written by another program, replaced, a readq process
  killed between its checkpoint and carrying the verdict, a library from before
  verdicts existed — leaves the verdict unknown, and the next open checks in full.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

VERDICT_NAME = ".library.sqlite3.verdict"
LOCK_NAME = ".library.sqlite3.verdict-turn"
# inode, size, modification time (not the change time: setting the file's mode, as
# every open does, changes that)
Identity = tuple[int, int, int]

_lock = threading.Lock()  # one read-modify-write of the verdict at a time in a process
_cache: dict[str, tuple[tuple[int, int, int], Verdict | None]] = {}


@dataclass(frozen=True)
class Verdict:
    """What the last full check of the store found, and for which file."""

    identity: Identity
    problem: str | None  # None: the store passed
    checked_at: str  # ISO time of the full check the verdict comes from
    seconds: float  # how long that check took


def identity(store: Path) -> Identity | None:
    """The store file as ``stat`` sees it (None if it cannot be seen)."""
    try:
        info = os.stat(store)
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)


def verdict_path(store: Path) -> Path:
    """Where the verdict of ``store`` is kept."""
    return Path(store).parent / VERDICT_NAME


def read(store: Path) -> Verdict | None:
    """The remembered verdict of ``store`` (None if there is none or it is unreadable);
    parsed again only when the file changed."""
    path = verdict_path(store)
    try:
        info = os.stat(path)
    except OSError:
        return None
    key = (info.st_ino, info.st_size, info.st_mtime_ns)
    cached = _cache.get(str(path))
    if cached is not None and cached[0] == key:
        return cached[1]
    found: Verdict | None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        found = Verdict(tuple(int(x) for x in data["identity"]),  # type: ignore[arg-type]
                        data["problem"] if data["problem"] is None else str(data["problem"]),
                        str(data["checked_at"]), float(data["seconds"]))
        if len(found.identity) != 3:
            found = None
    except (OSError, ValueError, KeyError, TypeError):
        found = None  # unreadable: unknown, the next open checks in full
    _cache[str(path)] = (key, found)
    return found


def standing(store: Path) -> Verdict | None:
    """The verdict if it was made for the store file as it is now, else None."""
    found = read(store)
    if found is not None and found.identity == identity(store):
        return found
    return None


def known_damage(store: Path) -> str | None:
    """The damage a full check found, whatever happened to the file since (a damaged
    store is written again only after a restore or a full check that passes)."""
    found = read(store)
    return found.problem if found is not None else None


def record(store: Path, problem: str | None, seen: Identity | None, *,
           checked_at: str | None = None, seconds: float = 0.0) -> None:
    """Remember a full check's finding for the file identity ``seen`` (taken before
    the check began); nothing is remembered for a file that could not be seen."""
    if seen is None:
        return
    with _lock:
        _write(store, Verdict(seen, problem, checked_at or _now(), seconds))


def carry(store: Path, before: Identity | None, after: Identity | None) -> bool:
    """After readq's own change of the file (``before`` → ``after``): keep a sound
    verdict made for ``before`` standing for ``after``. True if carried."""
    if before is None or after is None or before == after:
        return False
    with _lock:
        found = read(store)
        if found is None or found.problem is not None or found.identity != before:
            return False
        _write(store, Verdict(after, None, found.checked_at, found.seconds))
    return True


@contextmanager
def own_change(store: Path) -> Iterator[None]:
    """Around something of readq's that may write the store file (a commit, a
    checkpoint, closing a connection): ``carry`` the verdict to the file after it.

    Such changes take turns across threads and processes (an ``flock`` on a file of
    their own, never on the store): a checkpoint of another readq between this one's
    "before" and its checkpoint would otherwise leave the verdict behind, unknown, and
    the next open would check the whole store again. Only what never waits for an
    SQLite lock runs inside (a commit of a transaction that holds the write lock, a
    passive checkpoint, closing)."""
    with _turn(store):
        before = identity(store)
        try:
            yield
        finally:
            carry(store, before, identity(store))


@contextmanager
def _turn(store: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # not on this platform: a rare race only costs a full check
        yield
        return
    try:
        fd = os.open(Path(store).parent / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW,
                     0o600)
    except OSError:  # a read-only folder: nothing is carried there anyway
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the turn


class StoreConnection(sqlite3.Connection):
    """A store's connection, carrying its ``own_change`` for code given only the
    connection (the chunked checkpoints of :mod:`readq.store.checkpoints`)."""

    own_change: Any = None


def forget(store: Path) -> None:
    """Drop the verdict (the store was replaced: the next open checks in full)."""
    try:
        verdict_path(store).unlink()
    except FileNotFoundError:
        pass
    _cache.pop(str(verdict_path(store)), None)


def _write(store: Path, found: Verdict) -> None:
    path = verdict_path(store)
    partial = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.part")
    text = json.dumps({"identity": list(found.identity), "problem": found.problem,
                       "checked_at": found.checked_at, "seconds": round(found.seconds, 3)})
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(partial, path)
    except OSError:
        partial.unlink(missing_ok=True)  # a read-only folder: the verdict stays unknown
        return
    _cache.pop(str(path), None)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
