"""The list's header menu shows and hides columns; Ctrl+C on selected detail text copies
that text, not the paper's title."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu

from readq.ui.paper_model import CATEGORY, TAGS


@pytest.mark.qt_log_ignore(r"^This plugin does not support (raise|grabbing|propagateSizeHints)")
def test_header_menu_shows_and_hides_columns(qtbot, window) -> None:
    window.resize(1600, 1000)  # room for every column shown at first
    qtbot.waitUntil(lambda: window.width() == 1600, timeout=5000)
    header = window.table.horizontalHeader()
    tags_shown = not header.isSectionHidden(TAGS)  # no tags yet: left out when room is short
    assert header.isSectionHidden(CATEGORY)
    header.customContextMenuRequested.emit(header.rect().center())
    menu = next(m for m in window.table.findChildren(QMenu) if m.isVisible())
    by_text = {a.text(): a for a in menu.actions()}
    assert "Title" not in by_text  # the title always stays
    assert by_text["Tags"].isChecked() == tags_shown
    by_text["Cat."].trigger()
    by_text["Tags"].trigger()  # the menu's choice wins over the fitting
    assert not header.isSectionHidden(CATEGORY) and header.isSectionHidden(TAGS) == tags_shown
    menu.close()


def test_ctrl_c_on_selected_detail_text_copies_the_text(qtbot, window) -> None:
    window.show_view("all")
    window.table.select_row(0)
    label = window.detail.abstract
    label.setFocus()
    label.setSelection(0, 12)
    expected = label.selectedText()
    assert expected
    qtbot.keyClick(label, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == expected
