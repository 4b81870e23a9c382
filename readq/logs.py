"""readq's log: a rotating file in the platform's user log folder (Python ``logging``).

Errors are written there with their tracebacks; the user sees one line (stderr
or the status bar) that may name the file. ``READQ_LOG_DIR`` overrides the
folder (tests use it). Setting up twice is harmless.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from readq.paths import log_dir

LOG_NAME = "readq.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3
_FORMAT = "%(asctime)s %(process)d %(threadName)s %(levelname)s %(name)s: %(message)s"


def log_file() -> Path:
    """Where readq writes its log."""
    folder = os.environ.get("READQ_LOG_DIR")
    return (Path(folder) if folder else log_dir()) / LOG_NAME


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Send readq's log records to the rotating log file; return its path (None if
    the folder cannot be written: readq then runs without a log)."""
    path = log_file()
    root = logging.getLogger("readq")
    for handler in root.handlers:
        if getattr(handler, "baseFilename", None) == str(path):
            return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
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
