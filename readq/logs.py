"""readq's log: a rotating file in the platform's user log folder (Python ``logging``).

Errors are written there with their tracebacks; the user sees one line (stderr
or the status bar) that may name the file. ``READQ_LOG_DIR`` overrides the
folder (tests use it). Setting up twice is harmless.

The log holds paths and tracebacks, so it is private like the library: the log
file and its rotated copies are 0600, and a folder readq makes (or its own default
folder) is 0700. A folder named by ``READQ_LOG_DIR`` that already exists keeps its
mode: it may be shared with other programs.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from readq.paths import log_dir
from readq.safe_io import PRIVATE_DIR, PRIVATE_FILE, make_private

LOG_NAME = "readq.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3
_FORMAT = "%(asctime)s %(process)d %(threadName)s %(levelname)s %(name)s: %(message)s"


def log_file() -> Path:
    """Where readq writes its log."""
    folder = os.environ.get("READQ_LOG_DIR")
    return (Path(folder) if folder else log_dir()) / LOG_NAME


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file (the first and each after a rollover) is 0600."""

    def _open(self):  # type: ignore[no-untyped-def]  # logging's own signature
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT
                     | getattr(os, "O_CLOEXEC", 0), PRIVATE_FILE)
        make_private(Path(self.baseFilename), PRIVATE_FILE)  # a log made by older readq
        return open(fd, self.mode, encoding=self.encoding, errors=self.errors)


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Send readq's log records to the rotating log file; return its path (None if
    the folder cannot be written: readq then runs without a log)."""
    path = log_file()
    root = logging.getLogger("readq")
    for handler in root.handlers:
        if getattr(handler, "baseFilename", None) == str(path):
            return path
    try:
        folder_existed = path.parent.is_dir()
        path.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        if not folder_existed or not os.environ.get("READQ_LOG_DIR"):
            make_private(path.parent, PRIVATE_DIR)
        handler = _PrivateRotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True)
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    return path


def log_uncaught_exceptions() -> None:
    """An error nobody caught goes to the log with its traceback, and one line to stderr."""
    import sys

    def hook(kind: type[BaseException], exc: BaseException, tb: object) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)  # type: ignore[arg-type]
            return
        logging.getLogger("readq").critical("uncaught error", exc_info=(kind, exc, tb))  # type: ignore[arg-type]
        line = (str(exc).splitlines() or [kind.__name__])[0]
        sys.stderr.write(f"readq: {line} (details in {log_file()})\n")

    sys.excepthook = hook
