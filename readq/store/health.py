"""Is the store safe to open? Checked before SQLite writes anything to it.

``check_store(root)`` runs at every open, before the store is opened for writing:

- the file's header and size agree (an SQLite header, whole pages, no fewer pages than
  the header counts — a truncated copy is caught here);
- a store that is empty or missing where a library existed (backups or a search
  index are there) is damage, not a new library;
- a small store (``QUICK_CHECK_MAX_BYTES``) also passes ``PRAGMA quick_check`` on a
  read-only connection; larger ones get it from ``readq check`` and the app's
  background check.

The file itself is read (header) only the first time a process opens a library:
closing a file descriptor drops every POSIX lock the process holds on that file,
SQLite's included, so it must not happen while this process has the store open
(https://www.sqlite.org/howtocorrupt.html, 2.2). Later opens in the same process
only look at the file's size, and so does every open of a store this process made.

A damaged store is never written, replaced or deleted: ``StoreDamaged`` says what is
wrong and names the newest backup that passes its own check. ``restore_over_damaged``
keeps the damaged files aside (``damaged-<time>/``) and puts a backup in their place.
``describe_error`` turns an SQLite or OS error into one line naming the cause (disk
full, read-only, damaged, busy) and the folder.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import stat
from datetime import datetime
from pathlib import Path

from readq.safe_io import PRIVATE_DIR, PRIVATE_FILE, make_private
from readq.store.backup import BackupError, backups, check_backup_file

STORE_NAME = "library.sqlite3"
SIDE_FILES = ("-wal", "-shm", "-journal")
QUICK_CHECK_MAX_BYTES = 16 * 1024 * 1024  # ≈ 0.1 s of quick_check on this machine
_MAGIC = b"SQLite format 3\x00"
_checked_here: set[tuple[str, int]] = set()  # stores this process has read and found sound


class StoreDamaged(Exception):
    """The store cannot be used as it is; ``str()`` is one line that says what to do."""

    def __init__(self, store: Path, problem: str, backup: Path | None) -> None:
        self.store, self.problem, self.backup = store, problem, backup
        if backup is not None:
            advice = f"restore the newest good backup with `readq restore {backup}`"
        else:
            advice = ("no good backup exists; move the file somewhere safe before "
                      "starting a new library")
        super().__init__(f"the library store {store} is damaged ({one_line(problem)}); it "
                         f"was left untouched — {advice}")


def one_line(problem: str) -> str:
    """A problem report (SQLite's integrity check gives one line per fault) as one line:
    the first fault and how many more; ``StoreDamaged.problem`` keeps them all."""
    parts = [part.strip() for part in problem.replace("*** in database main ***", "")
             .splitlines()]
    parts = [part for part in parts if part]
    if not parts:
        return problem.strip()
    if len(parts) > 1 and parts[0].endswith(":"):
        parts[0:2] = [f"{parts[0]} {parts[1]}"]
    more = len(parts) - 1
    return parts[0] + (f" (and {more} more)" if more else "")


def store_path(root: Path) -> Path:
    """The store file of a library folder."""
    return Path(root) / STORE_NAME


def find_problem(root: Path, *, quick_check_max: int = QUICK_CHECK_MAX_BYTES) -> str | None:
    """What is wrong with the store of ``root`` (None when it looks sound or is new)."""
    path = store_path(root)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return "missing, where a library was: its backups are here" if _has_backups(
            root) else None
    except OSError as exc:
        return None if exc.errno in (errno.EACCES, errno.EPERM) else (exc.strerror or str(exc))
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    if info.st_size == 0:
        if _wal_size(path) > 0:
            return None  # everything is still in the write-ahead log: SQLite recovers it
        if _has_backups(root) or _has_index(root):
            return "empty, 0 bytes, where a library was"
        return None
    key = (str(path.resolve()), info.st_ino)
    if key in _checked_here:
        return None  # read once already: reading it again could drop SQLite's locks
    problem = _header_problem(path, info.st_size)
    if problem is None and info.st_size <= quick_check_max:
        problem = quick_check(path)
    if problem is None:
        _checked_here.add(key)
    return problem


def opened_here(root: Path) -> None:
    """Note that this process now has the store of ``root`` open: it is never read
    with ``open()`` again here. ``find_problem`` only remembers the stores it read, and
    a store that did not exist yet (a new library, created by SQLite) was not read: the
    next open — a worker thread's connection — read its header and, closing that file,
    dropped the locks of the connection already open, so another process (the child
    indexer) took the store for unused and deleted its write-ahead log under this one."""
    path = store_path(root)
    try:
        _checked_here.add((str(path.resolve()), os.stat(path).st_ino))
    except OSError:
        pass  # gone again or unreadable: the next open checks it as usual


def check_store(root: Path) -> None:
    """Raise ``StoreDamaged`` (naming the newest good backup) if the store is damaged."""
    problem = find_problem(root)
    if problem is not None:
        raise StoreDamaged(store_path(root), problem, newest_good_backup(root))


def quick_check(path: Path) -> str | None:
    """``PRAGMA quick_check`` on a read-only connection: None if ok, else the finding."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            result = [row[0] for row in conn.execute("PRAGMA quick_check(3)")]
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return None  # busy, locked, an I/O hiccup, no access: not proof of damage
    except sqlite3.DatabaseError as exc:  # "malformed", "not a database"
        return f"SQLite says: {exc}"
    if result == ["ok"]:
        return None
    return "integrity check: " + "; ".join(str(r) for r in result)[:200]


def newest_good_backup(root: Path) -> Path | None:
    """The newest backup in ``root/backups`` that passes its integrity check."""
    for candidate in backups(Path(root) / "backups"):
        try:
            check_backup_file(candidate)
        except BackupError:
            continue
        return candidate
    return None


def backup_list(root: Path) -> list[Path]:
    """Backups of ``root``, newest first, read without opening the store."""
    return backups(Path(root) / "backups")


def restore_over_damaged(root: Path, backup: Path) -> Path:
    """Keep the damaged store aside and put ``backup`` in its place; return the aside folder.

    Nothing is deleted: the damaged store and its side files move to
    ``damaged-<time>/``. The backup is copied to a private temporary file and renamed
    into place, so the library is never left without a whole store.
    """
    root, backup = Path(root), Path(backup)
    try:
        check_backup_file(backup)
    except BackupError as exc:
        problem = find_problem(root) or "it fails its checks"
        raise StoreDamaged(store_path(root), f"{problem}; and the chosen backup cannot be "
                           f"used: {exc}", newest_good_backup(root)) from None
    aside = root / f"damaged-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
    n = 1
    while aside.exists():
        n += 1
        aside = root / f"damaged-{datetime.now().strftime('%Y%m%d-%H%M%S')}-{n}"
    aside.mkdir(mode=PRIVATE_DIR)
    target = store_path(root)
    partial = root / f".{STORE_NAME}.restoring"
    shutil.copyfile(backup, partial)
    os.chmod(partial, PRIVATE_FILE)
    for suffix in ("", *SIDE_FILES):
        source = Path(f"{target}{suffix}")
        if source.exists() or source.is_symlink():
            os.replace(source, aside / source.name)
    os.replace(partial, target)
    return aside


def describe_error(exc: BaseException, root: Path) -> str:
    """One line naming the cause of a failed read or write of the library in ``root``."""
    text = str(exc)
    low = text.lower()
    code = getattr(exc, "errno", None)
    if "disk is full" in low or "disk full" in low or code == errno.ENOSPC or \
            getattr(exc, "sqlite_errorname", "") == "SQLITE_FULL":
        return (f"the disk holding the library {root} is full; nothing was changed — "
                "free some space and try again")
    writing = ("readonly" in low or "read-only" in low or "unable to open" in low
               or code in (errno.EROFS, errno.EACCES, errno.EPERM))
    read_only = _read_only_reason(Path(root)) if writing else None
    if read_only or (writing and "unable to open" not in low):
        return (f"the library {root} is read-only ({read_only or text}); nothing was "
                "changed — check the folder's permissions or the disk")
    if "malformed" in low or "not a database" in low or "corrupt" in low:
        backup = newest_good_backup(root)
        hint = (f"restore the newest good backup with `readq restore {backup}`" if backup
                else "no good backup exists")
        return f"the library store {store_path(root)} is damaged ({text}) — {hint}"
    if isinstance(exc, sqlite3.OperationalError) and _is_busy(exc):
        return f"the library {root} is busy (another readq is writing); try again in a moment"
    if "unable to open" in low:
        return f"the library {root} cannot be opened ({text}); check that the folder exists " \
               "and can be written"
    return f"the library {root} could not be used ({text.splitlines()[0] if text else exc!r})"


def protect(root: Path) -> None:
    """The library folder 0700 (if it holds only readq's own things), readq's files 0600."""
    root = Path(root)
    names = [STORE_NAME, *(STORE_NAME + s for s in SIDE_FILES), ".readq-app.lock",
             ".readq-app.socket"]
    try:
        entries = {p.name for p in root.iterdir()}
    except OSError:
        return
    ours = set(names) | {"index", "backups"}
    prefixes = ("damaged-", "index.moved-aside-", ".readq-app.lock", f".{STORE_NAME}")
    if all(e in ours or e.startswith(prefixes) for e in entries):
        make_private(root, PRIVATE_DIR)  # a folder of the user's own files keeps its mode
    for name in names:
        make_private(root / name, PRIVATE_FILE)
    for sub in ("index", "backups"):
        folder = root / sub
        if folder.is_dir() and not folder.is_symlink():
            make_private(folder, PRIVATE_DIR)
            try:
                children = list(folder.iterdir())
            except OSError:
                continue
            for child in children:
                make_private(child, PRIVATE_FILE)


def _read_only_reason(root: Path) -> str | None:
    """Why the library folder cannot be written, if it cannot."""
    folder = root if root.exists() else root.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "it is on a read-only file system"
    except OSError:
        return None
    if not os.access(folder, os.W_OK):
        return "this account cannot write to the folder"
    return None


def _header_problem(path: Path, size: int) -> str | None:
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        return None if exc.errno in (errno.EACCES, errno.EPERM) else (exc.strerror or str(exc))
    if len(header) < 100 or header[:16] != _MAGIC:
        return "not an SQLite database"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return "its header is garbled"
    if size % page_size:
        return f"cut short: {size:,} bytes is not a whole number of {page_size}-byte pages"
    pages = int.from_bytes(header[28:32], "big")
    header_valid = header[24:28] == header[92:96]
    # A checkpoint copies the write-ahead log into the store in page order: page 1,
    # with the new page count, lands before the file has grown to it. As SQLite's
    # own check, a shortfall the log can make up (plus the lock-byte page) is not damage.
    missing = pages * page_size - size
    if header_valid and pages and missing > 0 and missing > _wal_size(path) + 65536:
        return f"cut short: {size // page_size:,} of its {pages:,} pages are left"
    return None


def _has_backups(root: Path) -> bool:
    return bool(backups(Path(root) / "backups"))


def _has_index(root: Path) -> bool:
    folder = Path(root) / "index"
    try:
        return folder.is_dir() and any(folder.glob("_MAIN_*.toc"))
    except OSError:
        return False


def _wal_size(path: Path) -> int:
    try:
        return os.stat(f"{path}-wal").st_size
    except OSError:
        return 0


def _is_busy(exc: sqlite3.Error) -> bool:
    low = str(exc).lower()
    return "locked" in low or "busy" in low
