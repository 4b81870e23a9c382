"""Search as you type: background results, highlights, inline errors, scope, saved searches."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from readq.library import Library
from readq.ui.main_window import MainWindow
from tests.ui.uihelpers import WAIT_MS, focus_list, written


def expected(window: MainWindow, query: str, view: str) -> list[int]:
    written(window)
    with Library(window.root) as library:
        return library.search(query, view=view, limit=1000)


def type_query(qtbot, window: MainWindow, text: str) -> None:
    """Type into the search box and wait for the results of the whole text."""
    with qtbot.waitSignal(window.search_done, timeout=WAIT_MS,
                          check_params_cb=lambda q: q == window.search.text().strip()):
        qtbot.keyClicks(window.search.line, text)


def test_slash_focuses_search_and_results_follow_typing(qtbot, window) -> None:
    focus_list(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_Slash)
    assert window.search.line.hasFocus()
    type_query(qtbot, window, "agent")
    hits = expected(window, "agent", "inbox")
    assert 0 < len(hits) < 161
    assert window.model.ids == hits
    assert window.query == "agent"
    # the current paper's matched words are highlighted in the detail pane
    window.table.select_row(0)
    shown = window.detail.abstract.text() + window.detail.title.text()
    assert "background-color:" in shown
    assert ">agent" in shown.lower()
    type_query(qtbot, window, " reasoning")
    assert window.model.ids == expected(window, "agent reasoning", "inbox")
    assert window.model.rowCount() < len(hits)


def test_a_malformed_query_shows_the_error_and_keeps_the_results(qtbot, window) -> None:
    window.search.focus()
    type_query(qtbot, window, "memory")
    before = window.model.ids
    assert before
    type_query(qtbot, window, ' "unclosed')
    assert window.search.has_error()
    assert "quote" in window.search.error.text().lower()
    assert window.model.ids == before
    qtbot.keyClick(window.search.line, Qt.Key.Key_Backspace)
    for _ in range(len('"unclosed')):
        qtbot.keyClick(window.search.line, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: not window.search.has_error(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.model.ids == expected(window, "memory", "inbox"),
                    timeout=WAIT_MS)


def test_escape_clears_the_search(qtbot, window) -> None:
    window.search.focus()
    type_query(qtbot, window, "agent")
    qtbot.keyClick(window.search.line, Qt.Key.Key_Escape)
    assert window.search.text() == ""
    assert window.model.rowCount() == 161
    assert window.table.hasFocus()


def test_stale_results_are_dropped(qtbot, window) -> None:
    window.search.set_text("agent")  # two searches, one right after the other
    with qtbot.waitSignal(window.search_done, timeout=WAIT_MS,
                          check_params_cb=lambda q: q == "language"):
        window.search.set_text("language")
    qtbot.wait(300)
    assert window.query == "language"
    assert window.model.ids == expected(window, "language", "inbox")


def test_search_applies_to_the_current_view(qtbot, window) -> None:
    window.show_view("read")
    window.search.focus()
    type_query(qtbot, window, "agent")
    assert window.model.rowCount() == 0
    assert window.center.currentWidget() is window.empty
    assert "Read" in window.empty.title.text()
    assert window.empty.button.isVisible()
    with qtbot.waitSignal(window.search_done, timeout=WAIT_MS):
        qtbot.mouseClick(window.empty.button, Qt.MouseButton.LeftButton)  # "Search all papers"
    assert window.view == "all"
    assert window.model.ids == expected(window, "agent", "all")


def test_state_filters_combine_with_words(qtbot, window) -> None:
    window.show_view("all")
    focus_list(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_5)
    window.search.focus()
    type_query(qtbot, window, "rating:>=4")
    assert len(window.model.ids) == 1


def test_saved_searches_live_in_the_sidebar(qtbot, window, monkeypatch) -> None:
    window.search.focus()
    type_query(qtbot, window, "author:synnaeve")
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("Gabriel", True)))
    qtbot.keyClick(window.search.line, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    written(window)
    entry = next(e for e in window.sidebar.sidebar_model.entries() if e.kind == "saved")
    assert (entry.label, entry.query) == ("Gabriel", "author:synnaeve")
    hits = expected(window, "author:synnaeve", "all")
    qtbot.waitUntil(lambda: window.counts().get(entry.key) == len(hits), timeout=WAIT_MS)
    window.show_view("inbox")
    window.search.set_text("")
    with qtbot.waitSignal(window.search_done, timeout=WAIT_MS):
        window.sidebar.select_key(entry.key)
    assert window.search.text() == "author:synnaeve"
    assert window.model.ids == hits
    window.sidebar.setFocus()
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Delete)
    written(window)
    assert not any(e.kind == "saved" for e in window.sidebar.sidebar_model.entries())
    assert window.view == "all"
    assert window.query == ""  # leaving a saved search leaves its query


def test_help_popup_documents_the_syntax(qtbot, window) -> None:
    qtbot.mouseClick(window.search.help_button, Qt.MouseButton.LeftButton)
    popup = window.search.help_popup
    assert popup is not None and popup.isVisible()
    text = popup.label.text()
    for piece in ("title:", "author:", "year:[2020 TO 2023]", "status:unread", "trans*",
                  "transfomer~"):
        assert piece in text
    popup.close()
