"""The Statistics page: empty state, charts on the fixtures, hover, click to list, triage,
following the library's changes and the palette."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QToolTip

from readq.library import Library
from readq.ui.main_window import MainWindow
from readq.ui.stats_charts import Chart
from readq.ui.theme import dark_palette
from tests.ui.uihelpers import WAIT_MS, settle


def open_stats(qtbot: Any, window: MainWindow) -> None:
    window.show_statistics()
    qtbot.waitUntil(lambda: window.stats_page is not None
                    and window.stats_page.ready, timeout=WAIT_MS)
    settle(qtbot, window)


def bar_point(chart: Chart, key: str) -> QPoint:
    """Where on the chart's viewport the bar of a selection key is."""
    index = next(i for i, hit in enumerate(chart.hits) if hit.key == key)
    return chart.mapFromScene(chart.scene_point(index))


def test_empty_library_shows_an_empty_state_not_empty_plots(qtbot, open_window, empty_root,
                                                            settings):
    window = open_window(empty_root, settings)
    assert window.sidebar.sidebar_model.entry("stats") is not None
    window.actions["statistics"].trigger()  # View ▸ Statistics
    qtbot.waitUntil(lambda: window.stats_page is not None
                    and window.stats_page.ready, timeout=WAIT_MS)
    page = window.stats_page
    assert window.center.currentWidget() is page
    assert page.showing_empty_state and page.charts == []
    assert "No statistics yet" in page.empty.title.text()
    assert window.sidebar.current_key == "stats"
    assert not window.search.isVisible()


# the offscreen platform cannot raise a tooltip window nor pass size hints, and says so
@pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$",
                           r"^This plugin does not support raise\(\)$")
def test_charts_on_the_fixtures_with_hover_values(qtbot, open_window, seeded_root, settings):
    window = open_window(seeded_root, settings)
    open_stats(qtbot, window)
    page = window.stats_page
    assert not page.showing_empty_state
    names = [c.spec.name for c in page.charts]
    assert names[:3] == ["backlog", "inbox", "rate"] and "triage" in names
    backlog = page.chart("backlog")
    added = next(s for s in backlog.spec.series if s.name == "added")
    assert sum(added.values) == 161
    week = page.figures["backlog"][-1]["week"]
    # hovering the bar shows its value
    window.stats_page.scroll.ensureWidgetVisible(backlog)
    qtbot.mouseMove(backlog.viewport(), bar_point(backlog, f"added:{week}"))
    qtbot.waitUntil(lambda: QToolTip.isVisible(), timeout=WAIT_MS)
    assert QToolTip.text().startswith(f"161 added in the week of {week}")
    authors = page.chart("authors")
    assert authors.spec.labels[-1] == "Sainbayar Sukhbaatar"  # the most papers, on top
    assert "50 papers" in authors.hits[-1].tip  # his whole profile: the owner is an author


def test_clicking_a_bar_lists_its_papers(qtbot, open_window, seeded_root, settings):
    with Library(seeded_root) as library:
        library.set_rating(library.view_ids("all", sort="id")[:3], 4)
    window = open_window(seeded_root, settings)
    open_stats(qtbot, window)
    ratings = window.stats_page.chart("ratings")
    with qtbot.waitSignal(window.view_loaded, timeout=WAIT_MS):
        qtbot.mouseClick(ratings.viewport(), Qt.MouseButton.LeftButton,
                         pos=bar_point(ratings, "stars:4"))
    assert window.view == "stats:stars:4"
    assert window.center.currentWidget() is window.table
    assert sorted(window.model.ids) == [1, 2, 3]
    assert window.windowTitle() == "readq — 3 papers rated 4 of 5"
    assert window.search.isVisible() and window.detail.isVisible()
    # the sidebar entry brings the charts back
    window.sidebar.select_key("stats")
    assert window.center.currentWidget() is window.stats_page


def test_after_triage_the_page_shows_the_session_and_the_readings(qtbot, open_window,
                                                                   seeded_root, settings):
    window = open_window(seeded_root, settings)
    ids = window.library.view_ids("inbox", sort="id")[:6]
    assert window.start_triage(ids, "Six papers")
    page = window.triage_page
    page.mark_read()
    page.queue()
    page.rate(5)
    page.dismiss()
    page.skip()
    page.undo_last()  # the skip is taken back
    page.mark_read()
    window.leave_triage()
    open_stats(qtbot, window)
    figures = window.stats_page.figures
    session = figures["triage"]["sessions"][-1]
    assert session["label"] == "Six papers" and session["papers_in_pass"] == 6
    assert session["decisions"] == 5 and session["papers_decided"] == 5
    assert figures["backlog"][-1]["read"] == 2
    assert window.stats_page.chart("triage").spec.series[0].values[-1] == 5
    with Library(seeded_root) as library:
        history = library.store.conn.execute(
            "SELECT paper_id, event FROM state_history ORDER BY id").fetchall()
    assert [tuple(r) for r in history] == [(ids[0], "read"), (ids[1], "queued"),
                                           (ids[2], "rated"), (ids[3], "dismissed"),
                                           (ids[4], "read")]
    # the triage chart's bar lists the papers decided in that session
    chart = window.stats_page.chart("triage")
    with qtbot.waitSignal(window.view_loaded, timeout=WAIT_MS):
        qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton,
                         pos=bar_point(chart, f"triage:{session['id']}"))
    assert sorted(window.model.ids) == sorted(ids[:5])


def test_the_page_follows_changes_and_the_palette(qtbot, open_window, seeded_root, settings):
    window = open_window(seeded_root, settings)
    open_stats(qtbot, window)
    assert window.stats_page.figures["totals"]["read"] == 0
    window.triage.set_read([5, 6], True)
    qtbot.waitUntil(lambda: window.stats_page.figures["totals"]["read"] == 2, timeout=WAIT_MS)
    assert sum(window.stats_page.chart("rate").spec.series[0].values) == 2
    app = QApplication.instance()
    old = app.palette()
    try:
        app.setPalette(dark_palette())
        qtbot.waitUntil(lambda: window.stats_page.chart("ratings").backgroundBrush().color()
                        == QColor(32, 34, 37), timeout=WAIT_MS)
    finally:
        app.setPalette(old)
    base = old.color(QPalette.ColorRole.Base)
    qtbot.waitUntil(lambda: window.stats_page.chart("ratings").backgroundBrush().color()
                    == base, timeout=WAIT_MS)


def check_ticks_are_whole(page) -> None:
    """Every count axis is labelled with whole numbers."""
    for chart in page.charts:
        if chart.spec.name == "stars_by_category" or not chart.spec.labels:
            continue
        side = "bottom" if chart.spec.kind == "overlay" else "left"
        axis = chart.getPlotItem().getAxis(side)
        # the ticks drawn: the ones set, else pyqtgraph's own (private, no other reader)
        levels = axis._tickLevels or [
            values for _spacing, values in axis.tickValues(*axis.range, axis.height())]
        drawn = [t[0] if isinstance(t, tuple) else t for level in levels for t in level]
        assert drawn and all(float(v).is_integer() for v in drawn), (chart.spec.name, drawn)


def test_a_one_day_library_gets_a_few_weeks_whole_ticks_named_imports_and_a_sane_rate(
        qtbot, open_window, seeded_root, settings, monkeypatch):
    # every paper of the seeded library came in today; one quick triage session of 8
    # decisions over 11 s (stored to the second): 43.6… papers a minute
    from datetime import timedelta

    import readq.store.stats as stats_sql
    start = stats_sql.utc_now()
    moments = iter([start] + [start + timedelta(seconds=11 * n // 8) for n in range(1, 9)])
    monkeypatch.setattr(stats_sql, "utc_now", lambda: next(moments))
    with Library(seeded_root) as library:
        ids = library.view_ids("inbox")[:8]
        session = library.start_triage_log("Quick pass", 8)
        for paper_id in ids:
            library.log_triage(session, paper_id, "skip")
    monkeypatch.undo()

    window = open_window(seeded_root, settings)
    open_stats(qtbot, window)
    page = window.stats_page
    backlog = page.chart("backlog")
    assert 2 <= len(backlog.spec.labels) <= 6  # a few weeks, not half a year
    added = next(s for s in backlog.spec.series if s.name == "added")
    assert added.values[-1] == 161 and sum(added.values) == 161
    check_ticks_are_whole(page)
    imports = page.chart("imports").spec.labels
    assert "Trending Mar 11" in imports and len(set(imports)) == 4, imports
    triage = page.chart("triage")
    assert "44 papers a minute" in triage.spec.note, triage.spec.note
    assert "44 papers a minute" in triage.spec.series[0].tips[-1]


def test_a_clicked_bar_shows_its_filter_as_a_chip_with_a_way_back(qtbot, open_window,
                                                                  seeded_root, settings):
    window = open_window(seeded_root, settings)
    open_stats(qtbot, window)
    chip = window.filter_chip
    assert not chip.isVisible()
    backlog = window.stats_page.chart("backlog")
    week = window.stats_page.figures["backlog"][-1]["week"]
    window.stats_page.scroll.ensureWidgetVisible(backlog)
    with qtbot.waitSignal(window.view_loaded, timeout=WAIT_MS):
        qtbot.mouseClick(backlog.viewport(), Qt.MouseButton.LeftButton,
                         pos=bar_point(backlog, f"added:{week}"))
    assert window.model.rowCount() == 161
    assert chip.isVisible()
    assert chip.label.text() == f"Statistics ▸ 161 added in the week of {week}"
    assert chip.close_button.isVisible() and chip.close_button.text() == "×"
    window.activateWindow()
    window.table.setFocus()
    qtbot.waitUntil(window.table.hasFocus, timeout=WAIT_MS)
    qtbot.keyClick(window.table, Qt.Key.Key_Escape)  # Esc: back where the bar was
    assert window.center.currentWidget() is window.stats_page
    assert not chip.isVisible()
    # and the × on the chip does the same
    with qtbot.waitSignal(window.view_loaded, timeout=WAIT_MS):
        qtbot.mouseClick(backlog.viewport(), Qt.MouseButton.LeftButton,
                         pos=bar_point(backlog, f"added:{week}"))
    assert chip.isVisible()
    qtbot.mouseClick(chip.close_button, Qt.MouseButton.LeftButton)
    assert window.center.currentWidget() is window.stats_page and not chip.isVisible()
    window.show_view("all")
    assert not chip.isVisible()
