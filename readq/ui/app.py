"""Starting the desktop app: ``run_app(library_root)`` (called by ``readq`` alone).

Creates the ``QApplication`` (name "readq"), upgrades a library written by an
older readq with a progress window (:mod:`readq.ui.upgrade`), opens the library — a
``LibraryError`` is shown in a message box and ``run_app`` returns 1 — shows the
main window at once (index checks run in the background) and runs the loop.

Quitting is safe however it comes: SIGTERM, SIGINT (Ctrl+C in the terminal) and
the session ending (logout) close the window the normal way, which writes the
note being typed and closes the store cleanly. The log goes to the rotating
file of :mod:`readq.logs`.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from readq.library import LibraryError
from readq.paths import library_dir_problem, resource_path
from readq.logs import log_uncaught_exceptions, setup_logging
from readq.store.health import StoreDamaged
from readq.store.schema import SchemaTooNew
from readq.ui.damaged_store import offer_restore
from readq.ui.external_changes import ExternalChanges
from readq.ui.main_window import MainWindow
from readq.ui.settings import user_settings
from readq.ui.single_instance import SingleInstance
from readq.ui.tasks import USER, WRITE
from readq.ui.theme import apply_theme
from readq.ui.upgrade import upgrade_library

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
    setup_logging()
    app = make_application(argv)
    unfit = library_dir_problem(Path(library_root))
    if unfit:  # before the single-instance lock is made in it
        QMessageBox.critical(None, "readq", f"The library cannot be opened: {unfit}")
        return 1
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
            upgrade_library(Path(library_root))  # an older library, off the GUI thread
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
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    previous_hook = sys.excepthook
    log_uncaught_exceptions()
    quit_safely_on_signals(app, window)
    window.show()
    # once a day, a consistent copy of the store (off the GUI thread)
    window.runner.submit(lambda ctx: ctx.library.daily_backup(), name="daily backup")
    log.info("window shown %.0f ms after run_app", (time.perf_counter() - started) * 1000)
    try:
        code = app.exec()
        window.shutdown()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sys.excepthook = previous_hook
        instance.release()
    return int(code)


def quit_safely_on_signals(app: QApplication, window: MainWindow) -> QTimer:
    """SIGTERM/SIGINT and logout close the window normally (the note being typed is
    written, the store closed). Python runs signal handlers only while Python code
    runs, so a light timer gives it the chance while Qt waits for events."""

    def close(*_: object) -> None:
        log.info("closing on a signal or the end of the session")
        QTimer.singleShot(0, window.close)

    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            signal.signal(sig, close)
        except (ValueError, OSError):  # not the main thread, or not on this platform
            pass
    app.commitDataRequest.connect(lambda *_: window.detail.flush_note())
    app.aboutToQuit.connect(window.shutdown)
    ticker = QTimer(window)
    ticker.setInterval(200)
    ticker.timeout.connect(lambda: None)
    ticker.start()
    return ticker


def bring_to_front(window: MainWindow) -> None:
    """Show a window that another start asked for."""
    window.showNormal()
    window.raise_()
    window.activateWindow()


def watch_external_changes(window: MainWindow) -> ExternalChanges:
    """Refresh the window when another process (the command line) writes the library."""

    def own_work() -> bool:
        return window.runner.busy(WRITE) or window.runner.busy(USER)

    def busy() -> bool:
        if own_work():
            return True
        focus = QApplication.focusWidget()
        return focus is not None and (window.detail.isAncestorOf(focus) and
                                      focus.inherits("QPlainTextEdit")
                                      or focus.inherits("QLineEdit"))

    def refresh() -> None:
        window.detail.flush_note()
        window.load_in_background(keep=True)  # first: its read goes ahead of the counts
        window._rebuild_sidebar()  # an import from the command line adds an entry (and counts)

    watcher = ExternalChanges(window.library.data_version, busy, parent=window)
    window.installEventFilter(watcher)  # stops polling when the window closes
    watcher.changed.connect(refresh)
    window.ops.committed.connect(watcher.acknowledge)
    writing = [own_work()]

    def own_work_ended() -> None:
        # only the end of the window's own writing is taken as seen: a read (a search,
        # the counts, a view read in the background) ending says nothing of a
        # terminal's commits meanwhile, which must still be shown
        busy_now = own_work()
        if writing[0] and not busy_now:
            watcher.acknowledge()
        writing[0] = busy_now

    window.runner.activity.connect(own_work_ended)
    return watcher
