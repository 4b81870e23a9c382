"""Careful file access: private permissions, bounded reads of regular files only, and
writes that appear whole or not at all.

- ``make_private`` gives the library folder mode 0700 and readq's own files 0600, so
  other local accounts cannot read the user's notes and ratings.
- ``read_regular_text`` reads a file the user named (``readq note N --file F``): a FIFO,
  device or socket is refused at once (opening never blocks), and a file larger than
  the limit is refused without being read.
- ``spooled`` saves a stream (standard input) to a private temporary file, at most a
  given number of bytes: an endless or too-big stream is refused after the limit,
  with memory held to one chunk, and nothing is left behind.
- ``write_atomic`` writes through a private temporary file created beside the target
  (``O_EXCL``, random name: a planted symlink is never followed) and renames it over
  the target, so a reader sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
NOTE_FILE_LIMIT = 4 * 1024 * 1024  # a note is text someone wrote: 4 MB is plenty


class FileRefused(Exception):
    """A file readq will not read or write; ``str()`` is one readable line."""


def make_private(path: Path, mode: int) -> None:
    """Take group and other permissions off ``path`` (a symlink is left alone)."""
    try:
        info = os.lstat(path)
    except OSError:
        return
    if stat.S_ISLNK(info.st_mode) or info.st_uid != os.getuid():
        return
    if stat.S_IMODE(info.st_mode) & 0o077:
        try:
            os.chmod(path, stat.S_IMODE(info.st_mode) & mode)
        except OSError:
            pass  # a read-only file system: reading still works, nothing to protect


def not_a_regular_file(path: Path, what: str = "file") -> str | None:
    """Why ``path`` is not a regular file to read (one line), or None. Only looked at,
    never opened, so a FIFO cannot block."""
    try:
        info = os.stat(path)
    except OSError as exc:
        return f"{path}: {_reason(exc)}"
    if stat.S_ISREG(info.st_mode):
        return None
    return (f"{path} is not a regular file ({_kind(info.st_mode)}); "
            f"give a {what} saved on disk")


def read_regular_text(path: Path, *, limit: int = NOTE_FILE_LIMIT, what: str = "file") -> str:
    """The UTF-8 text of a regular file no larger than ``limit`` bytes (else FileRefused)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise FileRefused(f"{path}: {_reason(exc)}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(f"{path} is not a regular file ({_kind(info.st_mode)}); "
                              f"give a {what} saved on disk")
        if info.st_size > limit:
            raise FileRefused(f"{path} is too large for a {what} "
                              f"({_size(info.st_size)}; at most {_size(limit)})")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)  # a file that grows while read is still bounded
    except OSError as exc:
        raise FileRefused(f"{path}: {_reason(exc)}") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise FileRefused(f"{path} is too large for a {what} (at most {_size(limit)})")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileRefused(f"{path} is not UTF-8 text (line {line})") from None


SPOOL_CHUNK = 1 << 20


@contextmanager
def spooled(source: BinaryIO, folder: Path, *, limit: int, what: str) -> Iterator[Path]:
    """``source`` read to its end into a private temporary file in ``folder`` (removed
    when the block ends). A stream longer than ``limit`` bytes is refused with
    ``FileRefused`` as soon as more has come, the rest never read; a failed write
    (a full disk) names the folder."""
    try:
        fd, name = tempfile.mkstemp(prefix=".spooled-", suffix=".txt", dir=folder)
    except OSError as exc:
        raise FileRefused(f"{what} could not be saved in {folder}: {_reason(exc)}; "
                          "nothing was imported") from None
    path = Path(name)
    try:
        try:
            with os.fdopen(fd, "wb") as target:
                size = 0
                while chunk := source.read(min(SPOOL_CHUNK, limit + 1 - size)):
                    size += len(chunk)
                    if size > limit:
                        raise FileRefused(f"{what} is larger than {_size(limit)}, the most "
                                          "readq reads from it; save it to a file and import "
                                          "that; nothing was imported")
                    target.write(chunk)
        except OSError as exc:  # a full disk, most likely
            raise FileRefused(f"{what} could not be saved in {folder}: {_reason(exc)}; "
                              "nothing was imported") from None
        yield path
    finally:
        try:
            path.unlink()
        except OSError:
            pass


def write_atomic(target: Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``target`` whole or not at all; never through a planted symlink.

    A target that is (or links to) a folder, a device or a pipe is refused with
    ``FileRefused``; a symlink to a regular file is replaced by the new file. The new file gets the
    mode an ordinary new file would get (the user's umask), or the
    mode of the regular file it replaces. Errors name ``target``, never the temporary file.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        existing = os.stat(target)  # through a link too: a link to a device is no file
    except OSError:
        existing = None  # nothing there, or a dangling link (replaced, never followed)
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        raise FileRefused(f"{target} is not a regular file ({_kind(existing.st_mode)}); "
                          "choose a file name to write to")
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name[:40]}.", suffix=".tmp",
                                         dir=folder)
    except OSError as exc:
        raise _named(exc, target) from None
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, _mode_for(target))
        os.replace(temporary, target)  # replaces a symlink itself, never its target
    except BaseException as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise _named(exc, target) from None
        raise


def _mode_for(target: Path) -> int:
    try:
        info = os.lstat(target)
    except OSError:
        info = None
    if info is not None and stat.S_ISREG(info.st_mode):
        return stat.S_IMODE(info.st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _named(exc: OSError, target: Path) -> OSError:
    return OSError(exc.errno, exc.strerror or str(exc), str(target))


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        return "no such file"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EISDIR:
        return "is a folder, not a file"
    return (exc.strerror or str(exc)).lower()


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n:,} bytes"
