"""The search box says how many papers match, and dims the results of the last
good query while the query in the box is malformed."""

from __future__ import annotations

from PySide6.QtCore import Qt

from readq.library import Library
from readq.ui.search_box import count_text
from readq.ui.main_window import MainWindow
from tests.ui.test_ui_search import type_query
from tests.ui.uihelpers import WAIT_MS


def test_count_text() -> None:
    assert count_text(1, 1) == "1 paper"
    assert count_text(12, 12) == "12 papers"
    assert count_text(1000, 4213) == "1,000 of 4,213 papers"


def test_result_count_and_dimmed_results_on_error(qtbot, window: MainWindow) -> None:
    window.search.focus()
    type_query(qtbot, window, "memory")
    with Library(window.root) as library:
        ids, total = library.search_counted("memory", view="inbox", limit=1000)
    assert window.model.ids == ids
    assert window.search.count.isVisible()
    assert window.search.count.text() == count_text(len(ids), total)
    assert not window.workflow.results_dimmed
    before = window.model.ids
    type_query(qtbot, window, " (")
    assert window.search.has_error()
    assert window.workflow.results_dimmed and window.model.ids == before
    qtbot.keyClick(window.search.line, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: not window.search.has_error(), timeout=WAIT_MS)
    assert not window.workflow.results_dimmed
    qtbot.keyClick(window.search.line, Qt.Key.Key_Escape)
    assert not window.search.count.isVisible()
