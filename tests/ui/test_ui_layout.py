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
