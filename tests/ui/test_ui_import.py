"""Importing from the app: the file dialog, the clipboard, samples, summaries, cancel."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from readq.library import Library
from readq.ui.tasks import WRITE
from tests.helpers import FIXTURES, TRENDING
from tests.ui.uihelpers import WAIT_MS, settle, wait_counts


def test_import_dialog_imports_the_four_fixtures_and_summarises(
        qtbot, open_window, empty_root, settings, dumps, monkeypatch) -> None:
    window = open_window(empty_root, settings)
    assert window.center.currentWidget() is window.welcome
    asked = []

    def fake_dialog(parent, caption, folder, filters):
        asked.append(filters)
        return [str(p) for p in dumps], filters

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(fake_dialog))
    seen_at_first_store = []
    window.imports.stored.connect(lambda report: seen_at_first_store.append(
        (Path(report.path).name, window.model.rowCount())))

    with qtbot.waitSignal(window.import_done, timeout=WAIT_MS) as done:
        qtbot.keyClick(window.table, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert "*.txt" in asked[0]
    reports = done.args[0]
    assert [r.records for r in reports] == [50, 10, 70, 43]
    assert sum(r.records for r in reports) == 173

    summary = window.last_summary
    assert summary is not None and summary.isVisible()
    expect = [  # file, kind, records, new, merged, unchanged, possible duplicates, problems
        ("000_205de6c725f08f55.txt", "author profile", "50", "50", "0", "0", "0", "0"),
        ("001_d5aa900eb10551bc.txt", "arXiv listing", "10", "0", "10", "0", "0", "0"),
        ("002_9fe84988b9eff0b0.txt", "trending list", "70", "70", "0", "0", "0", "0"),
        ("003_731ee8b8262fa3c8.txt", "compact author profile", "43", "41", "2", "0", "0", "0"),
        ("Total", "", "173", "161", "12", "0", "0", "0"),
    ]
    headers = ("File", "Kind", "Records", "New", "Merged", "Unchanged", "Possible duplicates",
               "Problems")
    for row, values in enumerate(expect):
        assert tuple(summary.cell(row, h) for h in headers) == values
    assert "161 new papers" in summary.headline.text()

    # The first file's papers were listed as soon as they were stored (a loaded machine
    # may have stored more files by the time the window handles the signal).
    first_file, listed = seen_at_first_store[0]
    assert first_file == "000_205de6c725f08f55.txt" and listed >= 50
    # The list leaves the welcome panel; sidebar counts and one entry per dump.
    assert window.center.currentWidget() is window.table
    wait_counts(qtbot, window, inbox=161, all=161, new=161, queue=0)  # one import: all new
    import_keys = [k for k in window.counts() if k.startswith("import:")]
    assert len(import_keys) == 4
    assert window.counts()[import_keys[-1]] == 50  # oldest import last: the 000 profile
    settle(qtbot, window)
    with Library(empty_root) as library:
        assert library.store.pending_count() == 0  # searchable now
        assert library.check().in_step


def test_reimport_changes_nothing_and_says_so(qtbot, window, dumps, monkeypatch) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *a: ([str(dumps[0])], "")))
    with qtbot.waitSignal(window.import_done, timeout=WAIT_MS):
        window.actions["import"].trigger()
    summary = window.last_summary
    assert summary.cell(0, "Unchanged") == "50"
    assert summary.cell(0, "New") == "0"
    assert "nothing changed" in summary.headline.text()


def test_paste_from_clipboard_imports_the_text(qtbot, open_window, empty_root, settings) -> None:
    window = open_window(empty_root, settings)
    text = (FIXTURES / TRENDING).read_text(encoding="utf-8")
    QApplication.clipboard().setText(text)
    with qtbot.waitSignal(window.import_done, timeout=WAIT_MS) as done:
        qtbot.keyClick(window.table, Qt.Key.Key_V,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    report = done.args[0][0]
    assert report.path.startswith("clipboard ")
    assert (report.format, report.records, report.new) == ("trending", 70, 70)
    assert window.last_summary.cell(0, "Kind") == "trending list"
    wait_counts(qtbot, window, inbox=70)
    labels = [e.label for e in window.sidebar.sidebar_model.entries() if e.kind == "import"]
    assert len(labels) == 1 and labels[0].startswith("Trending Mar 11 · ")  # named after it


def test_a_file_that_is_no_dump_is_reported_with_its_message(
        qtbot, window, tmp_path, monkeypatch) -> None:
    junk = tmp_path / "shopping.txt"
    junk.write_text("eggs\nmilk\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *a: ([str(junk)], "")))
    with qtbot.waitSignal(window.import_done, timeout=WAIT_MS) as done:
        window.actions["import"].trigger()
    report = done.args[0][0]
    assert report.failed
    summary = window.last_summary
    assert summary.cell(0, "Problems") == "failed"
    assert "shopping.txt" in summary.details.toPlainText()
    assert report.failed.splitlines()[0] in summary.details.toPlainText()
    assert "1 failed" in summary.headline.text()


def test_the_empty_library_offers_the_samples(qtbot, open_window, empty_root, settings) -> None:
    window = open_window(empty_root, settings)
    assert window.center.currentWidget() is window.welcome
    assert window.welcome.samples_button.isVisible()
    assert window.welcome.files_button.isVisible()
    with qtbot.waitSignal(window.import_done, timeout=WAIT_MS) as done:
        qtbot.mouseClick(window.welcome.samples_button, Qt.MouseButton.LeftButton)
    assert sum(r.new for r in done.args[0]) == 161
    assert window.center.currentWidget() is window.table
    assert window.model.rowCount() == 161


def test_cancel_leaves_the_library_untouched(qtbot, open_window, empty_root, settings,
                                             dumps) -> None:
    window = open_window(empty_root, settings)
    gate = threading.Event()
    blocker = window.runner.submit(lambda ctx: gate.wait(10), lane=WRITE, name="blocker")
    assert window.imports.import_paths(dumps)
    assert window.progress.isVisible()
    qtbot.mouseClick(window.progress.cancel_button, Qt.MouseButton.LeftButton)
    gate.set()
    qtbot.waitUntil(lambda: blocker.done and not window.imports.running, timeout=WAIT_MS)
    assert not window.progress.isVisible()
    assert window.last_summary is None
    with Library(empty_root) as library:
        assert library.store.paper_count() == 0


def test_dropping_files_on_the_window_imports_them(qtbot, window, tmp_path) -> None:
    from PySide6.QtCore import QMimeData, QPoint, QUrl
    from PySide6.QtGui import QDropEvent

    dump = tmp_path / "extra.txt"
    dump.write_text((FIXTURES / TRENDING).read_text(encoding="utf-8"), encoding="utf-8")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(dump))])
    event = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, data,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.import_done, timeout=WAIT_MS) as done:
        window.dropEvent(event)
    report = done.args[0][0]
    assert (report.new, report.merged) == (0, 70)  # the 002 papers again, seen in a new file
