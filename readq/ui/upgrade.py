"""Upgrading a library written by an older readq, before the window opens.

An upgrade (a backup of the store, then the schema migrations) takes seconds on a
big library — several on 100,000 papers. It runs on a worker thread while a
small progress window says what is happening, so the app never looks hung
between the click and its window. Errors are those of opening the library
(``LibraryError``, ``SchemaTooNew``, ``StoreDamaged``) and reach the caller as they
would from the window itself.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QProgressDialog

from readq.library import Library

SHOW_AFTER_MS = 300  # a quick upgrade shows no window at all


def needs_upgrade(root: Path) -> bool:
    """Whether the library's store was written by an older readq (read-only look)."""
    return Library.needs_upgrade(root)


def upgrade_library(root: Path) -> bool:
    """Upgrade an older library off the GUI thread, with a progress window; return
    whether there was anything to upgrade."""
    if not needs_upgrade(root):
        return False
    failure: list[BaseException] = []

    def work() -> None:
        try:
            Library(Path(root)).close()  # opening a writable library migrates it
        except BaseException as exc:  # handed to the GUI thread below
            failure.append(exc)

    dialog = QProgressDialog("Upgrading your library for this version of readq…\n"
                             "(once; a backup is kept)", "", 0, 0)
    dialog.setWindowTitle("readq")
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    worker = threading.Thread(target=work, name="readq-upgrade")
    started = time.monotonic()
    worker.start()
    while worker.is_alive():
        if not dialog.isVisible() and time.monotonic() - started > SHOW_AFTER_MS / 1000:
            dialog.show()
        QCoreApplication.processEvents()
        worker.join(0.03)
    dialog.close()
    dialog.deleteLater()
    if failure:
        raise failure[0]
    return True
