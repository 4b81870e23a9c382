"""The workflow around the list: export dialog, layout at 800×600, View menu and zoom,
keys that never freeze the list, LaTeX shown as read, and the small things."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from readq.library import Library
from readq.ui.main_window import MainWindow
from readq.ui.paper_model import AUTHORS, TITLE
from tests.ui.uihelpers import WAIT_MS, apply, focus_list, state, written


def test_export_dialog_writes_the_selection_off_the_gui_thread(qtbot, window, tmp_path) -> None:
    focus_list(qtbot, window)
    first = window.model.id_at(0)
    apply(window, lambda lib: lib.add_tags([first], ["to-cite"]))
    window.table.select_ids([window.model.id_at(r) for r in (0, 1)], None)
    qtbot.keyClick(window.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = window.workflow.export_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.selection_button.isChecked() and dialog.ids() == window.table.selected_ids()
    dialog.set_format("json")
    target = tmp_path / "out" / "papers.json"
    target.parent.mkdir()
    dialog.path_edit.setText(str(target))
    with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    rows = json.loads(target.read_text(encoding="utf-8"))
    assert [r["id"] for r in rows] == window.table.selected_ids()
    assert rows[0]["tags"] == ["to-cite"]
    assert f"Exported 2 papers to {target}" in window.statusBar().currentMessage()
    assert [p.name for p in target.parent.iterdir()] == ["papers.json"]  # no leftovers


def test_export_dialog_writes_the_search_as_bibtex_and_refuses_a_bad_folder(
        qtbot, window, tmp_path) -> None:
    with qtbot.waitSignal(window.search_done, timeout=WAIT_MS):
        window.search.set_text("self-notes")
    shown = window.model.ids
    dialog = window.workflow.open_export()
    dialog.shown_button.setChecked(True)
    dialog.set_format("bibtex")
    assert dialog.path_edit.text().endswith(".bib")
    assert "self-notes" in dialog.shown_button.text()
    dialog.path_edit.setText(str(tmp_path / "missing" / "x.bib"))
    dialog.start()
    assert "does not exist" in dialog.problem.text() and dialog.isVisible()
    dialog.path_edit.setText(str(tmp_path / "x.bib"))
    with qtbot.waitSignal(dialog.exported, timeout=WAIT_MS):
        dialog.start()
    text = (tmp_path / "x.bib").read_text(encoding="utf-8")
    assert text.count("\n@") + text.startswith("@") == len(shown)
    assert "Self-Notes" in text


def test_detail_pane_fits_800_by_600_without_a_horizontal_scroll_bar(qtbot, window) -> None:
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.width() == 800, timeout=WAIT_MS)
    window.show_view("all")
    first = window.model.id_at(0)
    apply(window, lambda lib: lib.add_tags([first], ["a-rather-long-tag-name", "rl", "x"]))
    window.model.invalidate()
    window.table.select_row(0)
    QApplication.processEvents()
    detail = window.detail
    assert detail.isVisible() and detail.width() < 300
    assert not detail.scroll.horizontalScrollBar().isVisible()
    assert detail.info.width() <= detail.scroll.viewport().width()
    # the buttons wrapped onto more than one line instead of widening the pane
    assert detail.queue_button.y() > detail.stars.y()
    assert detail.info.minimumSizeHint().width() <= detail.scroll.viewport().width()
    # the list's title keeps a third of the list; the authors give way, and come back
    header = window.table.horizontalHeader()
    authors_wide = window.table._natural[AUTHORS]
    assert header.sectionSize(TITLE) >= window.table.viewport().width() // 3
    window.resize(1600, 1000)
    qtbot.waitUntil(lambda: header.sectionSize(AUTHORS) == authors_wide, timeout=WAIT_MS)
    visible = [c for c in range(header.count()) if not header.isSectionHidden(c)]
    assert sum(header.sectionSize(c) for c in visible) == window.table.viewport().width()


def test_view_menu_hides_panes_and_zoom_scales_the_font_remembered(
        qtbot, open_window, seeded_root, settings) -> None:
    window = open_window(seeded_root, settings)
    base = QApplication.font().pointSizeF()
    window.actions["show_detail"].trigger()
    assert not window.detail.isVisible()
    window.show_view("queue")
    window.show_view("all")
    assert not window.detail.isVisible()  # stays hidden across views
    window.actions["show_sidebar"].trigger()
    assert not window.sidebar.isVisible()
    qtbot.keyClick(window.table, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.font().pointSizeF() > base
    title_width = window.table.horizontalHeader().sectionSize(TITLE)
    assert title_width > 0
    window.close()
    assert QApplication.font().pointSizeF() == base  # the app font is given back

    again: MainWindow = open_window(seeded_root, settings)
    assert QApplication.font().pointSizeF() > base  # remembered
    assert not again.detail.isVisible() and not again.sidebar.isVisible()
    assert not again.actions["show_detail"].isChecked()
    again.actions["zoom_reset"].trigger()
    assert QApplication.font().pointSizeF() == base
    again.actions["show_detail"].trigger()
    assert again.detail.isVisible()


def test_keys_never_search_the_list_and_end_goes_to_the_last_row(qtbot, window) -> None:
    window.show_view("all")
    focus_list(qtbot, window)
    window.table.select_row(3)
    qtbot.keyClicks(window.table, "bcd")  # no type-to-find jump (it read every row)
    assert window.table.currentIndex().row() == 3
    qtbot.keyClick(window.table, Qt.Key.Key_End)
    assert window.table.currentIndex().row() == window.model.rowCount() - 1
    qtbot.keyClick(window.table, Qt.Key.Key_Home)
    assert window.table.currentIndex().row() == 0
    qtbot.keyClick(window.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert window.table.currentIndex().row() == window.model.rowCount() - 1


def test_a_digit_that_reaches_the_list_still_rates(qtbot, window) -> None:
    """Typed while the window is inactive, a key skips the shortcut map and lands on
    the table itself: it must still rate, not fall through."""
    window.show_view("all")
    window.table.select_row(0)
    paper = window.table.current_id()
    event = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_4, Qt.KeyboardModifier.NoModifier, "4")
    window.table.keyPressEvent(event)
    assert event.isAccepted()
    qtbot.waitUntil(lambda: state(window, paper)["rating"] == 4, timeout=WAIT_MS)


def test_latex_is_shown_as_read_and_found_both_ways(qtbot, window) -> None:
    paper = window.library.resolve("2305.00833")
    with Library(window.root) as library:
        library.store.conn.execute(
            "UPDATE papers SET abstract = ? WHERE id = ?",
            (r"We use {\em self-notes} and $\kappa$ gains 6.4\% on $\alpha$-tasks.", paper))
        library.store.enqueue_index([paper])
        library.sync_index()
    window.show_view("all")
    window.table.select_ids([paper], paper)
    shown = window.detail.abstract.text()
    assert "<i>self-notes</i>" in shown and "κ" in shown and "6.4%" in shown
    assert "\\kappa" not in shown and "$" not in shown
    assert window.library.paper(paper)["abstract"].startswith(r"We use {\em")  # kept
    assert window.library.search("κ") == [paper]
    assert window.library.search("kappa") == [paper]


def test_small_things(qtbot, window, monkeypatch) -> None:
    window.show_view("inbox")
    assert window.windowTitle() == "readq — Inbox"
    # Esc in the note editor gives the keys back to the list
    focus_list(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    editor = window.detail.note_editor.editor
    qtbot.waitUntil(editor.hasFocus, timeout=WAIT_MS)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert window.table.hasFocus()
    # no browser: said, and the link is on the clipboard
    monkeypatch.setattr("readq.ui.main_window.open_url", lambda url: False)
    qtbot.keyClick(window.table, Qt.Key.Key_O)
    assert "No web browser" in window.statusBar().currentMessage()
    assert QApplication.clipboard().text().startswith("https://arxiv.org/")
    # the toolbar keeps its short labels when its actions change
    button = window.toolbar.widgetForAction(window.actions["triage"])
    before = button.text()
    window.actions["triage"].setEnabled(False)
    window.actions["triage"].setEnabled(True)
    assert button.text() == before == "Triage"
    # the 5th star fits in the rating column
    from readq.ui.paper_model import RATING
    assert window.table.horizontalHeader().sectionSize(RATING) >= 13 * 1.15 * 5 + 4


def test_samples_are_package_data() -> None:
    from readq.paths import samples_dir

    folder = samples_dir()
    assert folder is not None and len(list(Path(folder).glob("*.txt"))) == 4


def test_imports_are_named_in_the_sidebar_and_renamed(qtbot, window, monkeypatch) -> None:
    entries = [e for e in window.sidebar.sidebar_model.entries() if e.kind == "import"]
    labels = sorted(e.label.split(" · ")[0] for e in entries)
    assert labels == ["Roberta Raileanu", "Sainbayar Sukhbaatar",
                      "Trending Mar 11", "arXiv listing"]
    trending = next(e for e in entries if e.label.startswith("Trending"))
    monkeypatch.setattr("readq.ui.workflow.QInputDialog.getText",
                        lambda *a, **k: ("AK's picks", True))
    window.sidebar.rename_import.emit(int(trending.payload["id"]), trending.label)
    written(window)  # the rename is written on the window's user lane
    qtbot.waitUntil(lambda: (window.sidebar.sidebar_model.entry(trending.key) or trending)
                    .label.startswith("AK's picks · "), timeout=WAIT_MS)


def test_a_malformed_query_dims_the_results_and_cannot_be_saved(
        qtbot, window, monkeypatch) -> None:
    with qtbot.waitSignal(window.search_done, timeout=WAIT_MS):
        window.search.set_text("memory")
    shown = window.model.ids
    assert not window.workflow.results_dimmed
    with qtbot.waitSignal(window.search_done, timeout=WAIT_MS):
        window.search.set_text('memory "unclosed')
    assert window.model.ids == shown and window.workflow.results_dimmed
    asked = []
    monkeypatch.setattr("readq.ui.main_window_views.QInputDialog.getText",
                        lambda *a, **k: asked.append(a) or ("x", True))
    window.save_current_search()
    assert not asked and "cannot be saved" in window.statusBar().currentMessage()
    assert "quote" in window.statusBar().currentMessage()
    with qtbot.waitSignal(window.search_done, timeout=WAIT_MS):
        window.search.set_text("memory")
    assert not window.workflow.results_dimmed


def test_the_triage_end_screen_does_not_say_this_is_the_last_paper(qtbot, window) -> None:
    window.show_view("all")
    paper = window.model.id_at(0)
    assert window.start_triage([paper], "one paper")
    card = window.triage_page.card
    qtbot.keyClick(card, Qt.Key.Key_J)
    assert window.statusBar().currentMessage() == "This is the last paper."
    qtbot.keyClick(card, Qt.Key.Key_3)
    assert window.triage_page.showing_summary
    assert "last paper" not in window.statusBar().currentMessage()
