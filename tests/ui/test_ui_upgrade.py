"""A library written by an older readq is upgraded before the window opens, off the
GUI thread, with a progress window when it takes a while; a backup is kept."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from readq.library import Library
from readq.store.schema import MIGRATIONS, SCHEMA_VERSION, schema_version, sql_statements
from readq.ui import upgrade


def _older_library(root: Path) -> None:
    """A store at the schema one readq version back, with a paper in it."""
    root.mkdir()
    conn = sqlite3.connect(root / Library.DB_NAME, isolation_level=None)
    for migration in MIGRATIONS[:-1]:
        for statement in sql_statements(migration):
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.execute("INSERT INTO papers (title, added_at, updated_at) VALUES ('A paper', "
                 "'2024-01-01', '2024-01-01')")
    conn.close()


def test_an_older_library_is_upgraded_off_the_gui_thread_with_progress(
        qtbot, tmp_path, monkeypatch) -> None:
    root = tmp_path / "lib"
    _older_library(root)
    assert upgrade.needs_upgrade(root)
    threads: list[threading.Thread] = []

    class SlowLibrary(Library):  # a big library's upgrade takes seconds
        def __init__(self, *args, **kwargs) -> None:
            threads.append(threading.current_thread())
            time.sleep(0.8)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(upgrade, "Library", SlowLibrary)
    seen: list[str] = []
    ticks = {"n": 0}

    def look() -> None:  # the GUI thread keeps running while the upgrade works
        ticks["n"] += 1
        seen.extend(w.labelText() for w in QApplication.topLevelWidgets()
                    if isinstance(w, QProgressDialog) and w.isVisible())

    timer = QTimer()
    timer.timeout.connect(look)
    timer.start(50)
    assert upgrade.upgrade_library(root) is True
    timer.stop()
    assert threads and threads[0] is not threading.main_thread()
    assert ticks["n"] >= 5
    assert any("Upgrading your library" in text for text in seen)
    assert not upgrade.needs_upgrade(root)
    with Library(root) as lib:
        assert schema_version(lib.store.conn) == SCHEMA_VERSION
        assert [e["reason"] for e in lib.backup_entries()] == ["before-upgrade"]
    assert upgrade.upgrade_library(root) is False  # nothing left to do: no window


def test_a_new_or_missing_library_needs_no_upgrade(tmp_path) -> None:
    assert not upgrade.needs_upgrade(tmp_path / "nothing")
    with Library(tmp_path / "lib"):
        pass
    assert not upgrade.needs_upgrade(tmp_path / "lib")
