"""Triage with single keys: rate, read, dismiss, undo — as a user would, on the list."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.ui.uihelpers import focus_list, state, wait_counts


def test_rate_with_4_shows_in_starred(qtbot, window) -> None:
    assert window.view == "inbox"
    wait_counts(qtbot, window, inbox=161, starred=0)
    focus_list(qtbot, window)
    first = window.table.current_id()
    qtbot.keyClick(window.table, Qt.Key.Key_4)
    wait_counts(qtbot, window, starred=1)
    assert state(window, first)["rating"] == 4
    assert window.detail.stars.rating() == 4
    assert window.actions["undo"].text() == "&Undo Rate “A Data Source for Reasoning Embodied Age…” ★★★★"


def test_bulk_rating_is_one_undoable_command(qtbot, window) -> None:
    focus_list(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(window.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    ids = window.table.selected_ids()
    assert len(ids) == 3
    qtbot.keyClick(window.table, Qt.Key.Key_5)
    wait_counts(qtbot, window, starred=3)
    assert window.actions["undo"].text() == "&Undo Rate 3 papers ★★★★★"
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_counts(qtbot, window, starred=0)
    assert all(state(window, i)["rating"] == 0 for i in ids)
    qtbot.keyClick(window.table, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    wait_counts(qtbot, window, starred=3)


def test_r_marks_read_and_the_next_paper_is_selected(qtbot, window) -> None:
    focus_list(qtbot, window)
    first = window.table.current_id()
    second = window.model.id_at(1)
    qtbot.keyClick(window.table, Qt.Key.Key_R)
    wait_counts(qtbot, window, read=1, inbox=160)
    assert state(window, first)["status"] == "read"
    assert window.model.row_of(first) == -1  # read papers leave the inbox
    assert window.table.current_id() == second
    assert window.detail.paper_id == second
    window.show_view("read")
    focus_list(qtbot, window)
    assert window.model.ids == [first]
    qtbot.keyClick(window.table, Qt.Key.Key_R)  # toggles back to unread
    wait_counts(qtbot, window, read=0, inbox=161)


def test_x_dismisses_and_ctrl_z_brings_it_back(qtbot, window) -> None:
    focus_list(qtbot, window)
    first = window.table.current_id()
    qtbot.keyClick(window.table, Qt.Key.Key_X)
    wait_counts(qtbot, window, dismissed=1, inbox=160)
    assert state(window, first)["dismissed"] == 1
    assert window.model.row_of(first) == -1
    assert window.actions["undo"].text().startswith("&Undo Dismiss")
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_counts(qtbot, window, dismissed=0, inbox=161)
    assert state(window, first)["dismissed"] == 0
    assert window.model.row_of(first) == 0
    assert window.table.current_id() == first  # selection stays on the paper
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)  # Delete dismisses too
    wait_counts(qtbot, window, dismissed=1)


def test_undo_keeps_a_note_written_after_the_change(qtbot, window) -> None:
    focus_list(qtbot, window)
    first = window.table.current_id()
    qtbot.keyClick(window.table, Qt.Key.Key_3)
    qtbot.keyClick(window.table, Qt.Key.Key_Return)  # Enter opens the note
    assert window.detail.note_editor.editor.hasFocus()
    qtbot.keyClicks(window.detail.note_editor.editor, "keep me")
    window.detail.flush_note()
    window.undo_stack.undo()
    assert state(window, first) == {**state(window, first), "rating": 0, "note": "keep me"}


def test_single_keys_do_nothing_while_typing(qtbot, window) -> None:
    focus_list(qtbot, window)
    first = window.table.current_id()
    window.search.focus()
    QTest.keyClicks(window.search.line, "45rxq?n/")
    assert window.search.text() == "45rxq?n/"
    assert window.cheatsheet is None  # "?" typed in the box is just a character
    window.detail.note_editor.focus_editor()
    qtbot.keyClicks(window.detail.note_editor.editor, "4 R x")
    assert window.detail.note_editor.text() == "4 R x"
    assert state(window, first)["rating"] == 0
    assert state(window, first)["dismissed"] == 0
    assert window.undo_stack.count() == 0


def test_star_widget_and_buttons_in_the_detail_pane(qtbot, window) -> None:
    focus_list(qtbot, window)
    first = window.table.current_id()
    stars = window.detail.stars
    x = int(stars.sizeHint().width() * 0.5)  # the third star
    qtbot.mouseClick(stars, Qt.MouseButton.LeftButton, pos=stars.rect().center().__class__(x, 10))
    assert state(window, first)["rating"] == 3
    qtbot.mouseClick(window.detail.queue_button, Qt.MouseButton.LeftButton)
    wait_counts(qtbot, window, queue=1)
    assert window.detail.queue_button.text() == "In queue (#1)"
    qtbot.mouseClick(window.detail.read_button, Qt.MouseButton.LeftButton)
    wait_counts(qtbot, window, read=1)
    assert state(window, first)["status"] == "read"


def test_an_empty_view_says_what_it_is_for(qtbot, window) -> None:
    qtbot.keyClick(window.table, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.view == "queue"
    assert window.center.currentWidget() is window.empty
    assert "queue is empty" in window.empty.title.text()
    assert "Press Q" in window.empty.message.text()
    assert window.detail.paper_id is None


def test_cheat_sheet_and_about(qtbot, window) -> None:
    focus_list(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_F1)
    sheet = window.cheatsheet
    assert sheet is not None and sheet.isVisible()
    text = sheet.browser.toPlainText()
    for expected in ("Toggle read", "Ctrl+Z", "Ctrl+Shift+V", "Move up in queue", "Ctrl+1"):
        assert expected in text
    sheet.close()
    about = window.about_text()
    assert "0.1.0" in about and str(window.root) in about
    menu_texts = [a.text() for a in window.menus["&Paper"].actions()]
    assert "Toggle &read" in menu_texts
    assert window.actions["toggle_read"].shortcut().toString() == "R"
