"""The layout at everyday window sizes: the list never scrolls sideways, the title gets
the spare width, headers show whole, the note editor leaves the abstract room."""

from __future__ import annotations

from PySide6.QtCore import Qt

from readq.ui.paper_model import COLUMNS, RATING, TITLE
from tests.ui.uihelpers import spin, wait_counts


def shown_columns(window) -> dict[int, int]:
    header = window.table.horizontalHeader()
    return {c: header.sectionSize(c) for c in range(len(COLUMNS))
            if not header.isSectionHidden(c)}


def at_size(qtbot, window, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width, timeout=5000)
    spin(50)


def test_at_1024_the_list_fits_and_the_title_gets_the_most(qtbot, window) -> None:
    wait_counts(qtbot, window, inbox=161)
    for width, height in ((1024, 700), (1280, 800), (1600, 1000)):
        at_size(qtbot, window, width, height)
        table = window.table
        sizes = shown_columns(window)
        assert sum(sizes.values()) <= table.viewport().width(), (width, sizes)
        assert not table.horizontalScrollBar().isVisible(), width
        assert max(sizes, key=sizes.get) == TITLE, (width, sizes)
        assert sizes[TITLE] >= int(0.4 * table.viewport().width()), (width, sizes)


def test_the_rating_header_is_never_cut(qtbot, window) -> None:
    header = window.table.horizontalHeader()
    header.setSortIndicator(RATING, Qt.SortOrder.DescendingOrder)  # its arrow takes room
    for _ in range(3):  # a bigger font
        window.workflow.zoom.zoom_in()
        at_size(qtbot, window, 1024, 700)
        text = header.fontMetrics().horizontalAdvance("Rating")
        need = header.sectionSizeFromContents(RATING).width()
        assert header.sectionSize(RATING) >= max(need, text), (need, header.sectionSize(RATING))


def test_the_note_editor_leaves_the_abstract_room_until_a_note_is_written(
        qtbot, window) -> None:
    at_size(qtbot, window, 1024, 700)
    window.show_view("all")
    window.table.select_row(0)
    window.table.setFocus()
    detail = window.detail
    editor = detail.note_editor.editor
    qtbot.waitUntil(lambda: detail.paper_id is not None, timeout=5000)
    line = editor.fontMetrics().lineSpacing()
    spin(50)
    assert not editor.toPlainText() and not editor.hasFocus()
    small = editor.height()
    assert small <= 5 * line, (small, line)
    assert detail.scroll.height() > 3 * detail.splitter.sizes()[1]  # the abstract's room

    window.activateWindow()
    detail.note_editor.focus_editor()  # N: write a note
    qtbot.waitUntil(lambda: editor.hasFocus(), timeout=5000)
    spin(50)
    assert editor.height() >= small + 5 * line

    qtbot.keyClicks(editor, "worth a second read")
    window.table.setFocus()  # leaves the editor: the note is saved, and keeps its room
    qtbot.waitUntil(lambda: not editor.hasFocus(), timeout=5000)
    spin(50)
    assert editor.height() >= small + 5 * line

    window.table.select_row(1)  # a paper without a note: small again
    qtbot.waitUntil(lambda: not editor.toPlainText(), timeout=5000)
    spin(50)
    assert editor.height() == small


def contrast(a, b) -> float:
    """WCAG contrast ratio of two colours."""
    def luminance(c) -> float:
        parts = [v / 255 for v in (c.red(), c.green(), c.blue())]
        lin = [p / 12.92 if p <= 0.03928 else ((p + 0.055) / 1.055) ** 2.4 for p in parts]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_organisation_line_is_readable_in_light_and_dark(qtbot, window) -> None:
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    from readq.ui.theme import dark_palette

    window.show_view("all")
    window.table.select_row(0)
    orgs = window.detail.orgs
    qtbot.waitUntil(lambda: orgs.isVisible() and orgs.text() != "", timeout=5000)
    app = QApplication.instance()
    light = app.palette()
    try:
        for palette in (light, dark_palette()):
            app.setPalette(palette)
            spin(20)
            shown = orgs.palette()
            group = QPalette.ColorGroup.Active if orgs.isEnabled() else \
                QPalette.ColorGroup.Disabled
            text = shown.color(group, QPalette.ColorRole.WindowText)
            background = window.detail.info.palette().color(QPalette.ColorRole.Window)
            assert contrast(text, background) >= 4.5, (text.name(), background.name())
    finally:
        app.setPalette(light)
