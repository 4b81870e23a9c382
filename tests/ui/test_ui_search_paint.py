"""What the window does with a search's results: it reads only the rows on
screen, draws the current paper once, dims the list only while the query is
malformed, and asks for the "For you" explanation once the current paper settles."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import Qt

from readq.ui.main_window import MainWindow
from readq.ui.paper_model import AUTHORS, CHUNK, TITLE, PaperModel
from readq.ui.paper_table import PaperTable
from tests.ui.test_ui_search import type_query
from tests.ui.uihelpers import WAIT_MS


def fake_rows(ids: list[int]) -> list[dict[str, Any]]:
    return [{"id": i, "title": f"Paper number {i}", "authors": [f"Author {i}", "Other"],
             "abstract": "", "rating": i % 6, "status": "unread", "has_code": 0,
             "queue_position": None, "published": "2024-01-02", "category": "LG",
             "tags": []} for i in ids]


def test_a_5000_paper_list_reads_only_the_rows_on_screen(qtbot) -> None:
    fetched: list[int] = []

    def fetch(ids: list[int]) -> list[dict[str, Any]]:
        fetched.extend(ids)
        return fake_rows(ids)

    model = PaperModel(fetch)
    table = PaperTable(model)
    qtbot.addWidget(table)
    table.resize(1024, 600)
    table.show()
    qtbot.waitExposed(table)
    model.set_ids(list(range(1, 5001)))
    table.grab()  # paints the rows on screen
    shown = table.rowAt(table.viewport().height() - 1) + 1
    assert 10 < shown < CHUNK
    assert set(range(1, shown + 1)) <= set(fetched)  # every row painted was read…
    assert len(fetched) <= CHUNK  # …and no more than one page of the 5,000
    assert model.index(0, TITLE).data() == "Paper number 1"
    assert model.index(0, AUTHORS).data() == "Author 1, Other"

    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_End)  # the last screenful
    table.grab()
    assert 5000 in fetched
    assert len(fetched) <= 3 * CHUNK
    assert model.rows_fetched == len(fetched)


def test_search_results_draw_the_current_paper_once(qtbot, window: MainWindow,
                                                    monkeypatch) -> None:
    drawn: list[int | None] = []
    render = window.detail._render
    monkeypatch.setattr(window.detail, "_render",
                        lambda: (drawn.append(window.detail.paper_id), render())[1])
    with qtbot.waitSignal(window.search_done, timeout=WAIT_MS):
        window.search.set_text("agent")
    assert window.search.count.text().endswith("papers")
    current = window.table.current_id()
    assert current in window.model.ids  # the selection stays on the paper it was on
    assert drawn == [current]  # once: not again for the new terms and each selection change
    shown = window.detail.abstract.text() + window.detail.title.text()
    assert "background-color:" in shown and ">agent" in shown.lower()
    drawn.clear()
    row = (window.model.row_of(current) + 1) % window.model.rowCount()
    window.table.select_row(row)  # another paper is drawn at once
    assert drawn == [window.model.id_at(row)]


def test_the_list_is_dimmed_only_while_the_query_is_malformed(qtbot,
                                                              window: MainWindow) -> None:
    viewport = window.table.viewport()
    window.search.focus()
    type_query(qtbot, window, "memory")
    clear = viewport.grab().toImage()
    assert viewport.graphicsEffect() is None  # an opaque list: a repaint paints it alone
    before = window.model.ids
    type_query(qtbot, window, ' "unclosed')
    assert window.search.has_error() and window.search.error.isVisible()
    assert window.model.ids == before
    assert window.workflow.results_dimmed
    assert viewport.grab().toImage() != clear  # the user sees the old results faded
    window.search.set_text("memory")
    qtbot.waitUntil(lambda: not window.workflow.results_dimmed, timeout=WAIT_MS)
    assert viewport.graphicsEffect() is None
    assert not window.search.has_error()


def test_the_explanation_is_asked_for_once_the_current_paper_settles(
        qtbot, window: MainWindow, monkeypatch) -> None:
    asked: list[int] = []
    explain = window.for_you.explain
    monkeypatch.setattr(window.for_you, "explain",
                        lambda paper_id, done, *a, **k: (asked.append(paper_id),
                                                         explain(paper_id, done, *a, **k))[1])
    for row in (3, 4, 5):  # arrowing quickly through the list
        window.table.select_row(row)
    assert asked == []
    qtbot.waitUntil(lambda: bool(asked), timeout=WAIT_MS)
    qtbot.wait(100)
    assert asked == [window.model.id_at(5)]
    qtbot.waitUntil(lambda: window.for_you_panel.why.isVisible(), timeout=WAIT_MS)


def test_a_malformed_query_is_reported_without_waiting_for_the_read_lane(
        qtbot, window: MainWindow) -> None:
    window.search.focus()
    type_query(qtbot, window, "memory")
    before = window.model.ids
    gate = threading.Event()
    window.runner.submit(lambda _ctx: gate.wait(10), lane="read", name="busy")  # a long count
    try:
        with qtbot.waitSignal(window.search_done, timeout=2000,
                              check_params_cb=lambda q: q == 'memory "unclosed'):
            qtbot.keyClicks(window.search.line, ' "unclosed')
        assert window.search.has_error() and "quote" in window.search.error.text().lower()
        assert window.workflow.results_dimmed and window.model.ids == before
    finally:
        gate.set()


def test_new_results_paint_the_list_before_the_detail_pane(qtbot, window: MainWindow,
                                                          monkeypatch) -> None:
    order: list[str] = []
    render = window.detail._render
    monkeypatch.setattr(window.detail, "_render", lambda: (order.append("pane"), render())[1])
    window.table.painted.connect(lambda: order.append("list"))
    with qtbot.waitSignal(window.search_done, timeout=WAIT_MS):
        window.search.set_text("language")
    assert "list" in order and "pane" in order
    assert order.index("list") < order.index("pane")  # the rows first, the pane a frame later
    assert order.count("pane") == 1
    assert window.detail.paper_id == window.table.current_id()
    assert not window.detail.pending
