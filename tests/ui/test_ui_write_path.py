"""The window never writes on the GUI thread: changes made during a large import are
instant on screen and stored after; merges and imports are undo steps; quitting
writes the note being typed."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt

from benchmarks.generate import Generator, render
from readq.library import Library
from readq.store.database import now_iso
from tests.ui.uihelpers import WAIT_MS, focus_list, state, wait_counts, written

GUI_BUDGET_S = 0.100


def _big_dump(folder: Path, n: int = 4000) -> Path:
    path = folder / "big.txt"
    path.write_text(render(list(Generator(4242).papers(n)), "profile"), encoding="utf-8")
    return path


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def test_rating_note_and_queue_move_during_a_large_import(qtbot, window, tmp_path) -> None:
    focus_list(qtbot, window)
    a, b = window.model.id_at(0), window.model.id_at(1)
    qtbot.keyClick(window.table, Qt.Key.Key_Q)
    window.table.select_row(1)
    qtbot.keyClick(window.table, Qt.Key.Key_Q)
    wait_counts(qtbot, window, queue=2)
    refreshes: list[float] = []
    original = window._state_changed

    def timed_refresh(ids, select):
        refreshes.append(_timed(lambda: original(ids, select)))

    window._state_changed = timed_refresh
    window.triage._changed = timed_refresh
    assert window.imports.import_paths([_big_dump(tmp_path)])
    qtbot.waitUntil(lambda: window.progress.bar.value() > 0, timeout=WAIT_MS)

    window.table.select_row(0)
    assert window.imports.running
    rate = _timed(lambda: qtbot.keyClick(window.table, Qt.Key.Key_4))
    qtbot.keyClick(window.table, Qt.Key.Key_Return)  # the note editor
    qtbot.keyClicks(window.detail.note_editor.editor, "typed during an import")
    note_paper = window.detail.paper_id
    note = _timed(window.detail.flush_note)
    window.show_view("queue")
    focus_list(qtbot, window)
    window.table.select_row(0)
    move = _timed(lambda: qtbot.keyClick(window.table, Qt.Key.Key_Down,
                                         Qt.KeyboardModifier.ControlModifier))
    assert window.imports.running  # all three really happened during the import
    written(window)
    assert state(window, a)["rating"] == 4
    assert state(window, note_paper)["note"] == "typed during an import"
    with Library(window.root) as library:
        assert library.queue() == [b, a]
    assert max(rate, note, move) < GUI_BUDGET_S, (rate, note, move)
    assert refreshes and max(refreshes) < GUI_BUDGET_S, refreshes
    # closing the window (teardown) cancels the import: what it stored stays whole


def test_confirmed_merge_is_one_undo_step_that_restores_both(qtbot, open_window,
                                                            seeded_root, settings) -> None:
    with Library(seeded_root) as library:
        ids = library.view_ids("all", sort="id")
        with library.store.transaction():
            library.store.add_possible_duplicate(ids[61], ids[60], 0.7, now_iso())
        before = library.export_rows(ids)
    window = open_window(seeded_root, settings)
    focus_list(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_3)  # an earlier undo step stays
    written(window)
    asked: list[str] = []
    window.ask = lambda title, text: asked.append(text) or True
    pair = window.library.possible_duplicates()[0]["id"]
    assert window.confirm_duplicate(pair)
    written(window)
    assert len(asked) == 1
    with Library(seeded_root) as library:
        assert library.paper_count() == 160
    assert window.undo_stack.count() == 2
    assert window.actions["undo"].text() == "&Undo Merge duplicate papers"
    window.undo_stack.undo()
    written(window)
    with Library(seeded_root) as library:
        after = library.export_rows(ids)
    rated = window.model.ids[0]
    assert [r for r in after if r["id"] != rated] == [r for r in before if r["id"] != rated]
    assert window.undo_stack.canUndo()  # the rating before it is still undoable


def test_undo_import_removes_what_it_added(qtbot, window, tmp_path) -> None:
    with Library(window.root) as library:
        before = library.export_rows(library.view_ids("all", sort="id"))
    dump = tmp_path / "fresh.txt"
    dump.write_text(render(list(Generator(77).papers(12)), "profile"), encoding="utf-8")
    with qtbot.waitSignal(window.import_done, timeout=WAIT_MS):
        window.imports.import_paths([dump])
    wait_counts(qtbot, window, all=173, new=12)
    assert window.actions["undo"].text() == "&Undo Import fresh.txt"
    window.last_summary.close()
    window.undo_stack.undo()
    # the status bar says so while it runs (a big import takes a while to undo)
    assert window.progress.isVisible()
    assert window.progress.label.text().startswith("Undoing the import")
    assert not window.progress.cancel_button.isVisible()
    wait_counts(qtbot, window, all=161)
    written(window)
    qtbot.waitUntil(lambda: not window.progress.isVisible(), timeout=WAIT_MS)
    assert window.statusBar().currentMessage() == "The import was undone."
    with Library(window.root) as library:
        assert library.export_rows(library.view_ids("all", sort="id")) == before


def test_closing_writes_the_note_being_typed(qtbot, open_window, seeded_root, settings) -> None:
    window = open_window(seeded_root, settings)
    focus_list(qtbot, window)
    paper = window.table.current_id()
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    qtbot.keyClicks(window.detail.note_editor.editor, "typed just before quitting")
    window.close()  # what SIGTERM, SIGINT and logout do
    with Library(seeded_root) as library:
        assert library.paper(paper)["note"] == "typed just before quitting"


def test_backups_menu_lists_reason_and_date(qtbot, window) -> None:
    from readq.ui.backups_dialog import BackupsDialog

    window.actions["backup_now"].trigger()
    written(window)
    dialog = BackupsDialog(window.library.backup_entries(), window)
    texts = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert texts and "made by you" in texts[0]
    dialog.close()


def test_sigterm_closes_the_window_and_writes_the_note(qtbot, open_window, seeded_root,
                                                       settings) -> None:
    import os
    import signal

    from PySide6.QtWidgets import QApplication

    from readq.ui.app import quit_safely_on_signals

    window = open_window(seeded_root, settings)
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        quit_safely_on_signals(QApplication.instance(), window)
        focus_list(qtbot, window)
        paper = window.table.current_id()
        qtbot.keyClick(window.table, Qt.Key.Key_Return)
        qtbot.keyClicks(window.detail.note_editor.editor, "typed 300 ms before SIGTERM")
        os.kill(os.getpid(), signal.SIGTERM)
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    with Library(seeded_root) as library:
        assert library.paper(paper)["note"] == "typed 300 ms before SIGTERM"


def test_own_changes_are_not_outside_changes(qtbot, window) -> None:
    from readq.ui.app import watch_external_changes

    watcher = watch_external_changes(window)
    outside: list[int] = []
    watcher.changed.connect(lambda: outside.append(1))
    focus_list(qtbot, window)
    first = window.table.current_id()
    qtbot.keyClick(window.table, Qt.Key.Key_4)
    written(window)
    qtbot.wait(1200)  # two polls
    assert outside == []  # the window refreshed itself, once, for its own change
    with Library(window.root) as other:  # `readq rate` in a terminal
        other.set_rating([first], 2)
    qtbot.waitUntil(lambda: outside == [1], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.detail.stars.rating() == 2, timeout=WAIT_MS)


def test_a_terminal_change_is_shown_though_a_read_ended_meanwhile(qtbot, window) -> None:
    """A background read of the window (a search, the counts, a view) that ends just
    after a terminal's commit does not make the window take that commit as seen."""
    import threading

    from readq.ui.app import watch_external_changes
    from readq.ui.tasks import READ

    watcher = watch_external_changes(window)
    outside: list[int] = []
    watcher.changed.connect(lambda: outside.append(1))
    focus_list(qtbot, window)
    first = window.table.current_id()
    release = threading.Event()
    reading = window.runner.submit(lambda ctx: release.wait(10), lane=READ, name="slow read")
    with qtbot.waitSignal(reading.finished, timeout=WAIT_MS):
        with Library(window.root) as other:  # `readq rate` in a terminal
            other.set_rating([first], 2)
        release.set()  # the read ends before the watcher's next poll
    qtbot.waitUntil(lambda: outside == [1], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.detail.stars.rating() == 2, timeout=WAIT_MS)


def test_a_terminal_import_is_listed_without_reading_the_view_on_the_gui_thread(
        qtbot, window, tmp_path, monkeypatch) -> None:
    from readq.ui.app import watch_external_changes

    watch_external_changes(window)
    window.show_view("all")
    qtbot.waitUntil(lambda: not window.runner.busy(), timeout=WAIT_MS)
    on_gui_thread: list[str] = []
    real = window.library.view_ids
    monkeypatch.setattr(window.library, "view_ids",
                        lambda view, **kw: on_gui_thread.append(view) or real(view, **kw))
    dump = tmp_path / "terminal.txt"
    dump.write_text(render(list(Generator(91).papers(5)), "profile"), encoding="utf-8")
    with Library(window.root) as other:  # `readq import` in a terminal
        other.import_paths([dump])
        new = set(other.view_ids("all")) - set(window.model.ids)
    assert len(new) == 5
    qtbot.waitUntil(lambda: new <= set(window.model.ids), timeout=WAIT_MS)
    assert on_gui_thread == []
