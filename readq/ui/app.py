"""Starting the desktop app: ``run_app(library_root)`` (called by ``readq`` alone).

Creates the ``QApplication`` (name "readq"), opens the library — a
``LibraryError`` is shown in a message box and ``run_app`` returns 1 — shows the
main window at once (index checks run in the background) and runs the loop.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from readq.library import LibraryError
from readq.paths import resource_path
from readq.store.health import StoreDamaged
from readq.store.schema import SchemaTooNew
from readq.ui.damaged_store import offer_restore
from readq.ui.external_changes import ExternalChanges
from readq.ui.main_window import MainWindow
from readq.ui.settings import user_settings
from readq.ui.single_instance import SingleInstance
from readq.ui.theme import apply_theme

log = logging.getLogger(__name__)

def app_icon() -> QIcon:
    """The app icon (package data; empty if it is missing)."""
    icon = resource_path("icons", "readq.svg")
    return QIcon(str(icon)) if icon is not None else QIcon()


def make_application(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication, created once, with readq's names and icon."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(
        list(argv) if argv is not None else sys.argv[:1])
    app.setApplicationName("readq")
    # no display name: the platform would append it to "readq — Inbox"
    app.setOrganizationName("readq")
    app.setDesktopFileName("readq")
    app.setWindowIcon(app_icon())
    if existing is None:
        apply_theme(app, os.environ.get("READQ_THEME", ""))
    return app


def run_app(library_root: Path, argv: Sequence[str] | None = None,
            settings: QSettings | None = None) -> int:
    """Open the main window on a library folder and run until it closes."""
    started = time.perf_counter()
    app = make_application(argv)
    instance = SingleInstance(Path(library_root))
    if not instance.claim():
        if instance.hand_over():
            print("readq: this library is already open; brought its window to the front",
                  file=sys.stderr)
            return 0
        QMessageBox.warning(None, "readq", f"The library in {library_root} is open in "
                            "another readq window that does not answer. Close it first.")
        return 1
    try:
        try:
            window = MainWindow(Path(library_root), settings or user_settings())
        except StoreDamaged as damage:  # offer the newest good backup, then open that
            if damage.backup is None:
                raise  # nothing to offer: the message says what is wrong
            if not offer_restore(Path(library_root), damage):
                instance.release()
                return 1
            window = MainWindow(Path(library_root), settings or user_settings())
    except (LibraryError, SchemaTooNew, StoreDamaged) as exc:
        QMessageBox.critical(None, "readq", f"The library cannot be opened: {exc}")
        instance.release()
        return 1
    instance.activated.connect(lambda: bring_to_front(window))
    watch_external_changes(window)
    window.show()
    # once a day, a consistent copy of the store (off the GUI thread)
    window.runner.submit(lambda ctx: ctx.library.daily_backup(), name="daily backup")
    log.info("window shown %.0f ms after run_app", (time.perf_counter() - started) * 1000)
    code = app.exec()
    window.shutdown()
    instance.release()
    return int(code)


def bring_to_front(window: MainWindow) -> None:
    """Show a window that another start asked for."""
    window.showNormal()
    window.raise_()
    window.activateWindow()


def watch_external_changes(window: MainWindow) -> ExternalChanges:
    """Refresh the window when another process (the command line) writes the library."""

    def busy() -> bool:
        focus = QApplication.focusWidget()
        return focus is not None and (window.detail.isAncestorOf(focus) and
                                      focus.inherits("QPlainTextEdit")
                                      or focus.inherits("QLineEdit"))

    def refresh() -> None:
        window.detail.flush_note()
        window.refresh_counts()
        window.load(keep=True)

    watcher = ExternalChanges(lambda: int(window.library.store.one("PRAGMA data_version")),
                              busy, parent=window)
    window.installEventFilter(watcher)  # stops polling when the window closes
    watcher.changed.connect(refresh)
    return watcher
