"""The app on a damaged store offers the newest good backup; on a store moved alone
it rebuilds the search index in the background."""

from __future__ import annotations

import shutil

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from readq.library import Library
from readq.ui import app as app_module
from readq.ui.main_window import MainWindow
from tests.ui.uihelpers import WAIT_MS, settle


def _close_windows_soon() -> None:
    def close() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        if not windows:
            QTimer.singleShot(100, close)
        for window in windows:
            window.close()

    QTimer.singleShot(300, close)


def test_damaged_store_offers_the_newest_backup_and_opens_it(qtbot, seeded_root, settings,
                                                            monkeypatch):
    with Library(seeded_root) as lib:
        lib.set_rating([1], 4)
        backup = lib.backup("manual")
    store = seeded_root / "library.sqlite3"
    store.write_bytes(b"")  # emptied by a crash or a bad copy
    asked = []

    def choose_restore(box: QMessageBox) -> int:
        asked.append(box.text() + " " + box.informativeText())
        for button in box.buttons():
            if box.buttonRole(button) == QMessageBox.ButtonRole.AcceptRole:
                button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", choose_restore)
    _close_windows_soon()
    assert app_module.run_app(seeded_root, ["readq"], settings=settings) == 0
    assert len(asked) == 1 and "damaged" in asked[0] and backup.name in asked[0]
    aside = [p for p in seeded_root.iterdir() if p.name.startswith("damaged-")]
    assert aside and (aside[0] / "library.sqlite3").stat().st_size == 0  # kept, not deleted
    with Library(seeded_root) as lib:
        assert lib.paper(1)["rating"] == 4


def test_declining_leaves_the_damaged_store_alone(qtbot, seeded_root, settings, monkeypatch):
    with Library(seeded_root) as lib:
        lib.backup("manual")
    store = seeded_root / "library.sqlite3"
    store.write_bytes(b"")
    monkeypatch.setattr(QMessageBox, "exec", lambda box: 0)  # closed without a choice
    assert app_module.run_app(seeded_root, ["readq"], settings=settings) == 1
    assert store.stat().st_size == 0
    assert not [p for p in seeded_root.iterdir() if p.name.startswith("damaged-")]


def test_store_moved_alone_gets_its_index_in_the_background(qtbot, open_window, seeded_root,
                                                           settings, tmp_path):
    moved = tmp_path / "moved"
    moved.mkdir()
    shutil.copy2(seeded_root / "library.sqlite3", moved / "library.sqlite3")
    window = open_window(moved, settings)
    qtbot.waitUntil(lambda: (moved / "index").is_dir(), timeout=WAIT_MS)
    settle(qtbot, window)
    with Library(moved) as lib:
        assert lib.check().in_step
        assert lib.search("nethack", limit=None)


def test_a_store_found_damaged_refuses_the_windows_writes(qtbot, window):
    import os
    import sqlite3
    import subprocess
    import sys

    from tests.ui.uihelpers import focus_list, written

    focus_list(qtbot, window)
    window.table.select_row(0)
    paper = window.model.id_at(0)
    store = window.root / "library.sqlite3"
    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    rating = conn.execute("SELECT rating FROM user_state WHERE paper_id = ?", (paper,)).fetchone()[0]
    pages = [n for (n,) in conn.execute(
        "SELECT pageno FROM dbstat WHERE name = 'abstract_bands' AND pagetype = 'leaf' LIMIT 3")]
    conn.close()
    with open(store, "r+b") as handle:  # a failing disk, while the window is open
        for number in pages:
            handle.seek((number - 1) * 4096)
            handle.write(b"\xa5" * 4096)
    found = subprocess.run([sys.executable, "-m", "readq", "--library", str(window.root),
                            "check"], capture_output=True, text=True, timeout=120,
                           env=dict(os.environ, PYTHONPATH=os.getcwd()))
    assert found.returncode != 0 and "damaged" in found.stderr  # a check finds it
    messages: list[str] = []
    window.ops.failed.connect(messages.append)
    qtbot.keyClick(window.table, Qt.Key.Key_4 if rating != 4 else Qt.Key.Key_3)
    written(window)
    qtbot.waitUntil(lambda: bool(messages), timeout=WAIT_MS)
    assert "damaged" in messages[0] and "\n" not in messages[0]
    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    assert conn.execute("SELECT rating FROM user_state WHERE paper_id = ?",
                        (paper,)).fetchone()[0] == rating
    conn.close()
