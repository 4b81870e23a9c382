"""Tags in the app, driven as a user would: L and the tag box, bulk on a selection,
the right-click menu, undo, the sidebar's Tags section, the list column, triage."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from readq.ui.paper_model import TAGS
from readq.library import Library
from tests.ui.uihelpers import apply, focus_list, state, wait_counts, written


# a popup menu on the offscreen platform (which has no window manager) says so
POPUP_WARNINGS = pytest.mark.qt_log_ignore(
    r"^This plugin does not support (raise|grabbing|propagateSizeHints)")


def type_tags(qtbot, window, text: str) -> None:
    qtbot.keyClick(window.table, Qt.Key.Key_L)
    line = window.detail.tag_box.line
    qtbot.waitUntil(line.hasFocus, timeout=3000)
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)


def tag_counts(window) -> dict[str, int | None]:
    return {k: v for k, v in window.counts().items() if k.startswith("tag:")}


def test_l_tags_the_selection_and_undo_takes_it_back(qtbot, window) -> None:
    focus_list(qtbot, window)
    window.table.select_row(0)
    first = window.model.id_at(0)
    type_tags(qtbot, window, "Reinforcement Learning, to read")
    assert state(window, first)["tags"] == ["reinforcement-learning", "to-read"]
    # the detail pane, the list column and the sidebar show it
    assert "#to-read" in window.detail.tag_box.chips.text()
    assert window.model.index(0, TAGS).data() == "#reinforcement-learning #to-read"
    qtbot.waitUntil(lambda: tag_counts(window) == {"tag:reinforcement-learning": 1,
                                                   "tag:to-read": 1}, timeout=15000)
    # Esc in the tag box gives the keys back to the list
    qtbot.keyClick(window.table, Qt.Key.Key_L)
    qtbot.keyClick(window.detail.tag_box.line, Qt.Key.Key_Escape)
    assert window.table.hasFocus()

    # bulk: three papers selected, one tag for all of them
    window.table.select_ids([window.model.id_at(r) for r in (1, 2, 3)], None)
    type_tags(qtbot, window, "survey")
    ids = [window.model.id_at(r) for r in (1, 2, 3)]
    assert all(state(window, i)["tags"] == ["survey"] for i in ids)
    assert window.actions["undo"].text() == "&Undo Tag 3 papers survey"
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert all(state(window, i)["tags"] == [] for i in ids)
    qtbot.waitUntil(lambda: "tag:survey" not in tag_counts(window), timeout=15000)


def test_a_bad_tag_says_why_and_changes_nothing(qtbot, window) -> None:
    focus_list(qtbot, window)
    window.table.select_row(0)
    paper = window.model.id_at(0)
    type_tags(qtbot, window, "x" * 70)
    assert state(window, paper)["tags"] == []
    assert "at most 64 characters" in window.statusBar().currentMessage()


@POPUP_WARNINGS
def test_completion_offers_the_library_tags(qtbot, window) -> None:
    focus_list(qtbot, window)
    window.table.select_row(0)
    type_tags(qtbot, window, "reinforcement")
    written(window)  # the tag is written on the user lane; completion follows the commit
    qtbot.waitUntil(lambda: "reinforcement" in window.workflow._known_tags, timeout=3000)
    window.table.select_row(1)
    qtbot.keyClick(window.table, Qt.Key.Key_L)
    line = window.detail.tag_box.line
    qtbot.keyClicks(line, "new, reinf")
    completer = window.detail.tag_box.completer
    qtbot.waitUntil(lambda: completer.popup().isVisible(), timeout=3000)
    assert completer.currentCompletion() == "new, reinforcement"  # the earlier tag kept


def test_sidebar_tag_filters_the_list_and_search_finds_tags(qtbot, window) -> None:
    apply(window, lambda lib: lib.add_tags([1, 2], ["memory"]))
    window.workflow.tags_changed()
    qtbot.waitUntil(lambda: tag_counts(window) == {"tag:memory": 2}, timeout=15000)
    window.sidebar.select_key("tag:memory")
    assert sorted(window.model.ids) == [1, 2]
    assert window.windowTitle() == "readq — #memory"
    window.show_view("all")
    with qtbot.waitSignal(window.search_done, timeout=15000):
        window.search.set_text("tag:MEMORY")
    assert sorted(window.model.ids) == [1, 2]


@POPUP_WARNINGS
def test_right_click_menu_tags_rates_and_removes_tags(qtbot, window) -> None:
    focus_list(qtbot, window)
    third = window.model.id_at(2)
    apply(window, lambda lib: lib.add_tags([third], ["old"]))
    rect = window.table.visualRect(window.model.index(2, 0))
    menu = window.workflow.show_paper_menu(rect.center())
    assert window.table.current_id() == window.model.id_at(2)
    texts = [a.text() for a in menu.actions()]
    assert "Toggle &read" in texts and "Copy as &BibTeX" in texts and "&Export…" in texts
    keys = {a.text(): a.shortcut().toString() for a in menu.actions()}
    assert keys["&Tag…"] == "L" and keys["Copy as &BibTeX"] == "Ctrl+Shift+C"
    untag = next(a.menu() for a in menu.actions() if a.text() == "Remove &tag")
    untag.actions()[0].trigger()
    assert state(window, window.model.id_at(2))["tags"] == []
    menu.close()
    menu = window.workflow.show_paper_menu(rect.center())
    rate = next(a.menu() for a in menu.actions() if a.text() == "&Rate")
    next(a for a in rate.actions() if a.text() == "Rate ★★★★").trigger()
    assert state(window, window.table.current_id())["rating"] == 4
    menu.close()
    assert window.workflow.show_paper_menu(QPoint(5, 5000)) is not None  # below the rows


def test_triage_l_opens_a_tag_box_for_the_card(qtbot, window) -> None:
    window.show_view("inbox")
    focus_list(qtbot, window)
    assert window.start_triage()
    page = window.triage_page
    paper = page.card.paper_id
    qtbot.keyClick(page.card, Qt.Key.Key_L)
    box = window.workflow.triage_tags
    assert box.isVisible()
    qtbot.waitUntil(box.line.hasFocus, timeout=3000)
    qtbot.keyClicks(box.line, "to-cite")
    qtbot.keyClick(box.line, Qt.Key.Key_Return)
    assert state(window, paper)["tags"] == ["to-cite"]
    qtbot.waitUntil(lambda: "#to-cite" in page.card.state.text(), timeout=3000)
    qtbot.keyClick(box.line, Qt.Key.Key_Escape)
    assert not box.isVisible() and page.card.hasFocus()
    qtbot.keyClick(page.card, Qt.Key.Key_3)  # triage keys work again
    assert state(window, paper)["rating"] == 3
    assert page.card.paper_id != paper


def test_copy_actions_put_text_on_the_clipboard(qtbot, window) -> None:
    focus_list(qtbot, window)
    paper = window.library.resolve("2305.00833")
    window.show_view("all")
    window.table.select_ids([paper], paper)
    qtbot.keyClick(window.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    clip = QApplication.clipboard()
    assert clip.text().startswith("Learning to Reason and Memorize with Self-Notes — ")
    qtbot.keyClick(window.table, Qt.Key.Key_L,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert clip.text() == "https://arxiv.org/abs/2305.00833"
    qtbot.keyClick(window.table, Qt.Key.Key_C,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert clip.text().startswith("@") and "eprint = {2305.00833}" in clip.text()
    assert "Copied BibTeX" in window.statusBar().currentMessage()


def test_marking_a_queued_paper_read_empties_the_queue_and_read_next_skips_read(
        qtbot, window) -> None:
    focus_list(qtbot, window)
    a, b, c = (window.model.id_at(r) for r in (0, 1, 2))
    apply(window, lambda lib: lib.queue_add([a, b, c]))
    window.show_view("queue")
    focus_list(qtbot, window)
    window.table.select_ids([a], a)
    qtbot.keyClick(window.table, Qt.Key.Key_R)
    wait_counts(qtbot, window, queue=2)
    assert window.library.queue() == [b, c]
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_counts(qtbot, window, queue=3)
    assert window.library.queue() == [a, b, c]  # back at its place
    # an old library may hold read papers in its queue: Read next never opens one
    with Library(window.root) as library:
        library.store.set_state([a], "status", "read")
    window.show_view("inbox")
    focus_list(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_N)
    assert window.view == "queue" and window.table.current_id() == b


def test_triage_offers_undecided_papers(qtbot, window) -> None:
    window.show_view("all")
    ids = window.model.ids
    apply(window, lambda lib: lib.set_rating(ids[:2], 3))
    apply(window, lambda lib: lib.set_dismissed(ids[2:3]))
    window.show_view("inbox")
    window.show_view("all")
    focus_list(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_T)
    session = window.triage_page.session
    assert session is not None and session.ids == ids[3:]
    assert window.triage_page.where.text() == f"All — {len(ids) - 3} undecided"
