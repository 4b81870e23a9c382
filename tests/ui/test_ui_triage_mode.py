"""Triage mode, driven with the keyboard only: every key goes to the focused widget.

The main test imports the trending fixture (70 papers) through Ctrl+O, starts
triage from the import summary with Enter, decides every paper with single keys
(Q, 1–5, R, X, Delete, S; N with a typed note and Esc; J/K and arrow moves; O
with the browser patched), checks each decision in the store as soon as the key
is pressed, undoes several with Z and Ctrl+Z, and checks the end summary and
"Start reading the queue". Other tests: T on a selection, Esc back to the list,
restoring from the Dismissed view, keys while typing a note, the session logic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog

from readq.library import Library
from readq.ui.main_window import MainWindow
from readq.ui.triage_session import SKIP, Decision, TriageSession
from tests.helpers import TRENDING, dump_copy
from tests.ui.uihelpers import WAIT_MS, focus_list, settle, wait_counts, written

NO = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
KEYS = {
    "q": Qt.Key.Key_Q, "r": Qt.Key.Key_R, "x": Qt.Key.Key_X, "del": Qt.Key.Key_Delete,
    "s": Qt.Key.Key_S, "n": Qt.Key.Key_N, "o": Qt.Key.Key_O, "j": Qt.Key.Key_J,
    "k": Qt.Key.Key_K, "z": Qt.Key.Key_Z, "t": Qt.Key.Key_T, "down": Qt.Key.Key_Down,
    "up": Qt.Key.Key_Up, "right": Qt.Key.Key_Right, "left": Qt.Key.Key_Left,
    "esc": Qt.Key.Key_Escape, "enter": Qt.Key.Key_Return,
    **{str(n): getattr(Qt.Key, f"Key_{n}") for n in range(10)},
}
# the decision keys, in the order the big test uses them (cycled)
CYCLE = ("q", "1", "r", "x", "del", "s", "2", "q", "3", "4", "5", "r", "x", "q", "s")
UNTOUCHED = {"status": "unread", "rating": 0, "dismissed": 0, "queue_position": None, "tags": [],
             "not_this": False}


def press(qtbot, name: str, modifier: Qt.KeyboardModifier = NO) -> None:
    """A key press to whatever has the keyboard focus (as a user's keyboard does)."""
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    qtbot.keyClick(widget, KEYS[name], modifier)


def type_text(qtbot, text: str) -> None:
    widget = QApplication.focusWidget()
    assert widget is not None
    qtbot.keyClicks(widget, text)


def states(window: MainWindow, ids: list[int]) -> dict[int, dict[str, Any]]:
    """User state as stored, read through a second connection."""
    written(window)
    with Library(window.root) as library:
        return library.snapshot(ids)


def stored_queue(window: MainWindow) -> list[int]:
    written(window)
    with Library(window.root) as library:
        return library.queue()


@dataclass
class Done:
    paper_id: int
    key: str

    @property
    def kind(self) -> str:
        if self.key == "q":
            return "queue"
        if self.key.isdigit():
            return "rate"
        return {"r": "read", "x": "dismiss", "del": "dismiss", "s": "skip"}[self.key]


def expected_state(done: list[Done], notes: dict[int, str], paper_id: int,
                   queue: list[int]) -> dict[str, Any]:
    """What the store must hold for one paper after the decisions in ``done``."""
    want = dict(UNTOUCHED, note=notes.get(paper_id, ""))
    for d in done:
        if d.paper_id != paper_id:
            continue
        if d.kind == "queue":
            want["queue_position"] = queue.index(paper_id) + 1
        elif d.kind == "rate":
            want["rating"] = int(d.key)
        elif d.kind == "read":
            want["status"] = "read"
        elif d.kind == "dismiss":
            want["dismissed"] = 1
    return want


def summary_of(done: list[Done]) -> dict[str, int]:
    kinds: dict[str, set[int]] = {}
    for d in done:
        kinds.setdefault(d.kind, set()).add(d.paper_id)
    acted = set().union(*(v for k, v in kinds.items() if k != "skip"))
    return {"queued": len(kinds.get("queue", ())), "rated": len(kinds.get("rate", ())),
            "read": len(kinds.get("read", ())), "dismissed": len(kinds.get("dismiss", ())),
            "not_this": len(kinds.get("not_this", ())),
            "skipped": len(kinds.get("skip", set()) - acted)}


@pytest.fixture
def opened_urls(monkeypatch) -> list[str]:
    """QDesktopServices.openUrl patched: URLs are recorded, no browser starts."""
    urls: list[str] = []

    def fake_open(url: QUrl) -> bool:
        urls.append(url.toString())
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(fake_open))
    return urls


def import_trending(qtbot, window: MainWindow, tmp_path, monkeypatch) -> list[int]:
    """Ctrl+O (file dialog patched) imports the trending dump; the summary opens."""
    dump = dump_copy(TRENDING, tmp_path / "dumps")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *a: ([str(dump)], "")))
    with qtbot.waitSignal(window.import_done, timeout=WAIT_MS) as done:
        press(qtbot, "o", CTRL)
    report = done.args[0][0]
    assert (report.records, report.new) == (70, 70)
    return list(report.new_ids)


def test_triage_a_trending_dump_with_the_keyboard_only(
        qtbot, open_window, empty_root, settings, tmp_path, monkeypatch, opened_urls) -> None:
    window = open_window(empty_root, settings)
    assert window.center.currentWidget() is window.welcome
    window.activateWindow()
    window.welcome.files_button.setFocus()  # where a click on the window would put it
    qtbot.waitUntil(lambda: window.welcome.files_button.hasFocus(), timeout=WAIT_MS)
    new_ids = import_trending(qtbot, window, tmp_path, monkeypatch)
    summary = window.last_summary
    assert summary is not None and summary.triage_button is not None
    assert summary.triage_button.text() == "&Triage 70 new papers"
    # the summary's triage button has the focus: Enter starts triage on the 70 new papers
    qtbot.waitUntil(lambda: QApplication.focusWidget() is summary.triage_button,
                    timeout=WAIT_MS)
    press(qtbot, "enter")
    page = window.triage_page
    qtbot.waitUntil(lambda: window.triage_active and page.card.hasFocus(), timeout=WAIT_MS)
    assert page.session is not None and page.session.ids == new_ids
    assert page.card.paper_id == new_ids[0]
    assert page.progress_label.text() == "70 of 70 left"
    assert page.where.text() == "70 new papers"
    assert not window.sidebar.isVisible() and not window.table.isVisible()
    assert "queue" in page.hints.text() and "dismiss" in page.hints.text()
    assert window.undo_stack.count() == 1  # the import: one undo step

    done: list[Done] = []
    notes: dict[int, str] = {}
    step = 0
    jumped_over: list[int] = []
    while not page.showing_summary:
        assert step < 90, "triage did not finish"
        paper_id = page.card.paper_id
        assert paper_id is not None
        assert paper_id not in {d.paper_id for d in done}  # only undecided papers come up
        if step == 2:  # N: a quick note; single keys typed in it decide nothing
            press(qtbot, "n")
            assert QApplication.focusWidget() is page.note_editor
            type_text(qtbot, "Worth it? qrx 12345 sjkzo")
            press(qtbot, "del")
            press(qtbot, "up")
            press(qtbot, "esc")  # saves and returns to the card
            assert page.card.hasFocus() and page.card.paper_id == paper_id
            notes[paper_id] = "Worth it? qrx 12345 sjkzo"  # Delete at the end: nothing
            assert states(window, [paper_id])[paper_id]["note"] == notes[paper_id]
            assert window.undo_stack.count() == 1 + len([d for d in done if d.kind != "skip"])
            assert "Worth it?" in page.card.note.text()
        if step == 4:  # J / K move without deciding
            following = page.session.ids[page.session.ids.index(paper_id) + 1]
            press(qtbot, "j")
            assert page.card.paper_id == following
            press(qtbot, "k")
            assert page.card.paper_id == paper_id
        if step == 6:  # O opens the paper in the browser: an arXiv title search here
            title = window.library.paper(paper_id)["title"]
            press(qtbot, "o")
            assert opened_urls == [f"https://arxiv.org/search/?query={quote_plus(title)}"
                                   "&searchtype=title"]
            assert page.card.paper_id == paper_id
        if step == 9:  # Down Down: go past two papers; they come back at the end
            position = page.session.ids.index(paper_id)
            jumped_over = page.session.ids[position:position + 2]
            press(qtbot, "down")
            press(qtbot, "right")
            paper_id = page.card.paper_id
            assert paper_id == page.session.ids[position + 2]
        if step == 12:  # Up / Left too
            press(qtbot, "right")
            press(qtbot, "left")
            press(qtbot, "down")
            press(qtbot, "up")
            assert page.card.paper_id == paper_id
        left_before = page.session.left()
        key = CYCLE[step % len(CYCLE)]
        press(qtbot, key)
        done.append(Done(paper_id, key))
        # stored at once, before the next card is shown
        queue = stored_queue(window)
        assert states(window, [paper_id])[paper_id] == expected_state(done, notes, paper_id,
                                                                        queue)
        assert page.session.left() == left_before - 1
        if not page.showing_summary:
            assert page.card.paper_id != paper_id
            left = page.session.left()
            assert page.progress_label.text() == f"{left} of 70 left"
        step += 1

    assert len(done) == 70
    assert set(jumped_over) <= {d.paper_id for d in done[-2:]}  # came back last
    assert page.summary.isVisible()
    assert page.summary.counts() == summary_of(done)
    assert sum(summary_of(done).values()) == 70
    assert page.progress_label.text() == "All 70 done"
    queue = stored_queue(window)
    assert queue == [d.paper_id for d in done if d.kind == "queue"]
    all_states = states(window, new_ids)
    for paper_id in new_ids:
        assert all_states[paper_id] == expected_state(done, notes, paper_id, queue), paper_id
    counts = summary_of(done)
    wait_counts(qtbot, window, queue=counts["queued"], read=counts["read"],
                dismissed=counts["dismissed"],
                inbox=70 - counts["read"] - counts["dismissed"])
    # Edit ▸ Undo names the last change
    last_command = next(d for d in reversed(done) if d.kind != "skip")
    title = window.library.paper(last_command.paper_id)["title"]
    assert window.actions["undo"].text().startswith("&Undo ")
    assert title[:30] in window.actions["undo"].text()

    # --- undo: Z, Z, Ctrl+Z, Z, Ctrl+Z, each back to the paper concerned ---------------
    undone: list[Done] = []
    for key, modifier in (("z", NO), ("z", NO), ("z", CTRL), ("z", NO), ("z", CTRL)):
        popped = []
        if modifier == CTRL:  # Edit ▸ Undo takes back the last stored change
            while done[-1].kind == "skip":
                popped.append(done.pop())
        popped.append(done.pop())
        undone.extend(popped)
        press(qtbot, key, modifier)
        assert not page.showing_summary
        assert page.card.paper_id == popped[-1].paper_id
        assert page.card.hasFocus()
        queue = stored_queue(window)
        for d in popped:
            assert states(window, [d.paper_id])[d.paper_id] == \
                expected_state(done, notes, d.paper_id, queue)
        assert page.progress_label.text() == f"{page.session.left()} of 70 left"
    assert page.session.left() == len({d.paper_id for d in undone})
    assert window.actions["redo"].text().startswith("&Redo ")
    all_states = states(window, new_ids)
    queue = stored_queue(window)
    for paper_id in new_ids:
        assert all_states[paper_id] == expected_state(done, notes, paper_id, queue), paper_id

    # decide the papers that came back: mark them read
    while not page.showing_summary:
        paper_id = page.card.paper_id
        press(qtbot, "r")
        done.append(Done(paper_id, "r"))
        assert states(window, [paper_id])[paper_id]["status"] == "read"
    assert page.summary.counts() == summary_of(done)
    counts = summary_of(done)
    wait_counts(qtbot, window, queue=counts["queued"], read=counts["read"],
                dismissed=counts["dismissed"],
                inbox=70 - counts["read"] - counts["dismissed"])

    # "Start reading the queue" has the focus: Enter opens the queue on its top paper
    assert QApplication.focusWidget() is page.summary.read_button
    press(qtbot, "enter")
    assert not window.triage_active
    assert window.view == "queue"
    queue = stored_queue(window)
    assert window.model.ids == queue
    assert window.table.current_id() == queue[0]
    assert window.detail.paper_id == queue[0]
    assert window.table.hasFocus()
    assert window.actions["triage"].isEnabled() and window.toolbar.isVisible()


def test_t_on_a_selection_and_esc_back_to_the_list(qtbot, window, opened_urls) -> None:
    wait_counts(qtbot, window, inbox=161)
    focus_list(qtbot, window)
    first = window.table.current_id()
    press(qtbot, "down", SHIFT)
    press(qtbot, "down", SHIFT)
    chosen = window.table.selected_ids()
    assert len(chosen) == 3
    assert window.actions["triage"].shortcut().toString() == "T"
    press(qtbot, "t")  # several rows selected: the selection wins
    page = window.triage_page
    assert window.triage_active and page.card.hasFocus()
    assert page.session.ids == chosen
    assert page.where.text() == "3 selected papers"
    assert page.progress_label.text() == "3 of 3 left"
    assert not window.actions["triage"].isEnabled()
    assert page.card.paper_id == first
    # O on a paper with an arXiv id opens its abstract page
    written(window)
    with Library(window.root) as library:
        arxiv_id = library.paper(first)["arxiv_id"]
    press(qtbot, "o")
    if arxiv_id:
        assert opened_urls == [f"https://arxiv.org/abs/{arxiv_id}"]
    else:
        assert opened_urls[0].startswith("https://arxiv.org/search/?query=")
    press(qtbot, "q")
    assert stored_queue(window) == [first]
    assert page.card.paper_id == chosen[1]
    press(qtbot, "x")
    assert states(window, [chosen[1]])[chosen[1]]["dismissed"] == 1
    assert page.progress_label.text() == "1 of 3 left"
    press(qtbot, "esc")  # leave: back to the list, on the paper last shown
    assert not window.triage_active
    assert window.sidebar.isVisible() and window.table.hasFocus()
    assert window.view == "inbox"
    assert window.model.row_of(chosen[1]) == -1  # dismissed: gone from the inbox
    assert window.table.current_id() == chosen[2]
    assert window.detail.paper_id == chosen[2]
    wait_counts(qtbot, window, inbox=160, queue=1, dismissed=1)
    # Ctrl+Z in the list still undoes what triage did
    press(qtbot, "z", CTRL)
    wait_counts(qtbot, window, inbox=161, dismissed=0)


def test_redo_in_triage_moves_on_again(qtbot, window) -> None:
    focus_list(qtbot, window)
    press(qtbot, "t")
    page = window.triage_page
    first = page.card.paper_id
    press(qtbot, "4")
    second = page.card.paper_id
    assert second != first and states(window, [first])[first]["rating"] == 4
    press(qtbot, "z", CTRL)  # Edit ▸ Undo: back to the first card, rating gone
    assert page.card.paper_id == first and states(window, [first])[first]["rating"] == 0
    assert window.actions["redo"].text().startswith("&Redo Rate")
    press(qtbot, "z", CTRL | SHIFT)  # Edit ▸ Redo: stored again, and on to the next card
    assert states(window, [first])[first]["rating"] == 4
    assert page.card.paper_id == second
    assert page.session.left() == page.session.total - 1
    press(qtbot, "z")
    press(qtbot, "z")  # nothing left to undo in this pass: a message, no older change undone
    assert "Nothing to undo" in window.statusBar().currentMessage()
    assert window.triage_active and page.card.paper_id == first


def test_t_typed_in_the_search_box_is_text(qtbot, window) -> None:
    focus_list(qtbot, window)
    window.search.focus()
    type_text(qtbot, "t")
    assert window.search.text() == "t"
    assert not window.triage_active


def test_t_on_the_view_and_the_menu_and_cheat_sheet(qtbot, window) -> None:
    window.show_view("new")
    focus_list(qtbot, window)
    ids = window.model.ids
    assert len(ids) == 161  # "New since last import": the four files were one import
    press(qtbot, "t")
    page = window.triage_page
    assert page.session.ids == ids and page.where.text() == "New since last import"
    go_menu = [a.text() for a in window.menus["&Go"].actions()]
    assert "&Triage these papers" in go_menu
    assert window.toolbar.isHidden()
    press(qtbot, "esc")
    assert window.toolbar.isVisible()
    assert [a.text() for a in window.toolbar.actions()][2] == window.actions["triage"].text()
    from readq.ui.cheatsheet import cheatsheet_html
    sheet = cheatsheet_html(window.actions)
    for expected in ("Triage mode", "Queue it, next paper", "Skip it for now",
                     "Undo the last decision", "Esc (in the quick note)"):
        assert expected in sheet
    # nothing to triage in an empty view
    window.show_view("queue")
    press(qtbot, "t")
    assert not window.triage_active
    assert "Nothing to triage" in window.statusBar().currentMessage()


def test_restore_from_the_dismissed_view(qtbot, window) -> None:
    focus_list(qtbot, window)
    first = window.table.current_id()
    assert window.actions["dismiss"].text() == "&Dismiss"
    press(qtbot, "t")
    press(qtbot, "x")
    press(qtbot, "del")
    press(qtbot, "esc")
    wait_counts(qtbot, window, dismissed=2, inbox=159)
    press(qtbot, "7", CTRL)  # Go ▸ Dismissed
    assert window.view == "dismissed"
    assert len(window.model.ids) == 2
    focus_list(qtbot, window)
    menu = [a.text() for a in window.menus["&Paper"].actions()]
    assert "&Restore to the inbox" in menu  # the X action says what it does here
    assert window.actions["dismiss"].shortcut().toString() == "X"
    window.table.select_ids([first], first)
    press(qtbot, "x")
    wait_counts(qtbot, window, dismissed=1, inbox=160)
    assert states(window, [first])[first]["dismissed"] == 0
    assert window.actions["undo"].text().startswith("&Undo Restore")
    assert window.model.row_of(first) == -1  # left the Dismissed view
    press(qtbot, "1", CTRL)
    assert window.model.row_of(first) >= 0  # back in the inbox
    focus_list(qtbot, window)
    window.table.select_ids([first], first)
    assert window.actions["dismiss"].text() == "&Dismiss"


def test_keys_typed_in_the_quick_note_are_text(qtbot, window) -> None:
    focus_list(qtbot, window)
    press(qtbot, "t")
    page = window.triage_page
    paper_id = page.card.paper_id
    press(qtbot, "n")
    assert page.note_box.isVisible() and page.note_editor.hasFocus()
    type_text(qtbot, "qrxs12345nojkzt")
    for name in ("del", "up", "down", "left", "right"):
        press(qtbot, name)
    press(qtbot, "z", CTRL)  # the editor's own undo
    assert window.undo_stack.count() == 0
    assert page.session.left() == page.session.total
    assert page.card.paper_id == paper_id
    type_text(qtbot, "Read §3")
    press(qtbot, "esc")
    text = page.note_editor.toPlainText()
    assert text.endswith("Read §3")
    assert states(window, [paper_id])[paper_id]["note"] == text
    qtbot.wait(100)  # the note is written on the user lane; its commit reaches the window
    assert not page.note_box.isVisible() and page.card.hasFocus()
    assert window.triage_active  # Esc in the note does not leave triage
    press(qtbot, "s")  # skip: nothing stored, next card
    assert page.card.paper_id != paper_id
    press(qtbot, "z")  # undo the skip: back to the card
    assert page.card.paper_id == paper_id
    press(qtbot, "esc")
    assert not window.triage_active
    assert window.detail.note_editor.text() == text  # the detail pane shows the new note
    settle(qtbot, window)


def test_the_session_follows_undo_and_redo() -> None:
    session = TriageSession([5, 6, 7, 8], "x")
    assert (session.current, session.left()) == (5, 4)
    session.record(Decision(5, "queue", 1))
    assert session.advance() and session.current == 6
    assert session.move(1) and session.current == 7
    session.record(Decision(7, "rate", 2, 4))
    assert session.advance() and session.current == 8
    session.record(Decision(8, SKIP, 2))
    assert session.advance() and session.current == 6  # wraps to the one left
    assert session.left() == 1
    undone = session.undone_to(1)  # Ctrl+Z: the skip on top goes with the rating
    assert [d.paper_id for d in undone] == [8, 7]
    assert session.left() == 3
    redone = session.redone_to(2)
    assert [d.paper_id for d in redone] == [7]
    session.record(Decision(6, "read", 3))
    session.record(Decision(8, "dismiss", 4))
    assert not session.advance() and session.finished
    assert session.summary().as_dict() == {"total": 4, "queued": 1, "rated": 1, "read": 1,
                                           "dismissed": 1, "not_this": 0, "skipped": 0,
                                           "left": 0}
    session.drop([6])
    assert session.ids == [5, 7, 8] and session.total == 3


def test_the_end_summary_counts_not_this(qtbot, window) -> None:
    wait_counts(qtbot, window, inbox=161)
    focus_list(qtbot, window)
    press(qtbot, "down", SHIFT)
    press(qtbot, "down", SHIFT)
    chosen = window.table.selected_ids()
    press(qtbot, "t")
    page = window.triage_page
    assert page.session.ids == chosen
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_D)  # "not this"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_D)
    press(qtbot, "q")
    qtbot.waitUntil(lambda: page.showing_summary, timeout=15000)
    assert page.summary.counts() == {"queued": 1, "rated": 0, "read": 0, "dismissed": 0,
                                     "not_this": 2, "skipped": 0}
    assert "not this" in [label.text() for label in page.summary.quiet_labels]
