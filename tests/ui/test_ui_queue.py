"""The reading queue: Q to queue, Ctrl+Up/Down and drag and drop to reorder, read next.

Real mouse drag and drop needs a window system that runs a drag loop, which
the offscreen platform does not; the drop is simulated the way the view does
it, through the model's ``mimeData`` / ``dropMimeData``.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt

from readq.library import Library
from readq.ui.main_window import MainWindow
from tests.ui.uihelpers import focus_list, wait_counts, written


def queue_of(window: MainWindow) -> list[int]:
    written(window)
    with Library(window.root) as library:
        return library.queue()


def queue_three(qtbot, window: MainWindow) -> list[int]:
    focus_list(qtbot, window)
    ids = [window.model.id_at(r) for r in (0, 1, 2)]
    for row in (0, 1, 2):
        window.table.select_row(row)
        qtbot.keyClick(window.table, Qt.Key.Key_Q)
    wait_counts(qtbot, window, queue=3)
    assert queue_of(window) == ids
    return ids


def test_q_queues_and_unqueues(qtbot, window) -> None:
    a, b, c = queue_three(qtbot, window)
    window.table.select_row(1)
    qtbot.keyClick(window.table, Qt.Key.Key_Q)
    wait_counts(qtbot, window, queue=2)
    assert queue_of(window) == [a, c]
    assert window.actions["undo"].text().startswith("&Undo Unqueue")
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_counts(qtbot, window, queue=3)
    assert queue_of(window) == [a, b, c]


def test_ctrl_down_and_up_move_in_the_queue_view(qtbot, window) -> None:
    a, b, c = queue_three(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.view == "queue"
    assert window.model.ids == [a, b, c]
    focus_list(qtbot, window)
    window.table.select_row(0)
    qtbot.keyClick(window.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert queue_of(window) == [b, a, c]
    assert window.model.ids == [b, a, c]
    assert window.table.current_id() == a  # the moved paper stays selected
    qtbot.keyClick(window.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert queue_of(window) == [b, c, a]
    qtbot.keyClick(window.table, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert queue_of(window) == [b, a, c]
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert queue_of(window) == [b, a, c]
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert queue_of(window) == [a, b, c]
    assert window.model.ids == [a, b, c]


def test_drag_and_drop_reorders_the_queue(qtbot, window) -> None:
    a, b, c = queue_three(qtbot, window)
    window.show_view("queue")
    model = window.model
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsDragEnabled
    assert window.table.dragDropMode() == window.table.DragDropMode.InternalMove
    data = model.mimeData([model.index(2, 0)])  # drag the last paper…
    assert model.canDropMimeData(data, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, QModelIndex())  # …to the top
    assert queue_of(window) == [c, a, b]
    assert window.model.ids == [c, a, b]
    # dropping onto a row puts the dragged paper before it
    data = model.mimeData([model.index(0, 0)])
    model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, model.index(2, 0))
    assert queue_of(window) == [a, c, b]
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert queue_of(window) == [a, b, c]


def test_no_reordering_outside_the_queue_order(qtbot, window) -> None:
    queue_three(qtbot, window)
    window.show_view("queue")
    assert window.model.reorderable
    window.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # sorted by title
    assert not window.model.reorderable
    assert not (window.model.flags(window.model.index(0, 0)) & Qt.ItemFlag.ItemIsDragEnabled)
    window.show_view("inbox")
    assert not window.model.reorderable


def test_read_next_opens_the_top_of_the_queue(qtbot, window) -> None:
    a, b, c = queue_three(qtbot, window)
    window.show_view("inbox")
    focus_list(qtbot, window)
    window.table.select_row(10)
    qtbot.keyClick(window.table, Qt.Key.Key_N)
    assert window.view == "queue"
    assert window.table.current_id() == a
    assert window.detail.paper_id == a


def test_sorting_by_a_column_requeries(qtbot, window) -> None:
    window.show_view("all")
    window.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    written(window)
    with Library(window.root) as library:
        assert window.model.ids == library.view_ids("all", sort="title")
        window.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        assert window.model.ids == library.view_ids("all", sort="published", descending=True)


def test_a_big_librarys_sort_and_view_switch_read_off_the_gui_thread(qtbot, window,
                                                                     monkeypatch) -> None:
    import threading

    from readq.ui import main_window_views

    window.show_view("all")
    wait_counts(qtbot, window)
    monkeypatch.setattr(main_window_views, "VIEW_READ_IN_BACKGROUND", 10)  # "big": > 10 papers
    gui = threading.get_ident()
    readers: list[int] = []
    real = Library.view_ids

    def watched(self, *args, **kwargs):
        readers.append(threading.get_ident())
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Library, "view_ids", watched)
    with Library(window.root) as library:
        by_title = real(library, "all", sort="title")
        inbox = real(library, "inbox", sort="title")
    window.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: window.model.ids == by_title, timeout=10_000)
    window.show_view("inbox")  # the list keeps its sort
    qtbot.waitUntil(lambda: window.model.ids == inbox, timeout=10_000)
    # a search listing a few papers, then cleared: the library is still big
    with qtbot.waitSignal(window.search_done, timeout=10_000,
                          check_params_cb=lambda query: query == "wombat"):
        window.search.set_text("wombat")
    assert window.model.rowCount() < 10
    window.search.set_text("")
    qtbot.waitUntil(lambda: window.model.ids == inbox, timeout=10_000)
    assert readers and gui not in readers  # every read of a view's ids ran on a lane
