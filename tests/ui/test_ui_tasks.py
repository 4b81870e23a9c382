"""The background task helper, and the guard against PySide's reference bug."""

from __future__ import annotations

import sys
import threading

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication, QLabel

from readq.library import Library
from readq.ui import qtcompat
from readq.ui.tasks import READ, WRITE, TaskRunner
from tests.ui.uihelpers import WAIT_MS


def test_jobs_run_off_the_gui_thread_with_their_own_library(qtbot, seeded_root) -> None:
    runner = TaskRunner(seeded_root)
    try:
        seen = {}

        def job(ctx):
            seen["thread"] = QThread.currentThread()
            ctx.progress(1, 2, "half")
            ctx.event("milestone", 42)
            return ctx.library.view_count("all")

        task = runner.submit(job, lane=READ)
        progress, events = [], []
        task.progressed.connect(lambda d, t, label: progress.append((d, t, label)))
        task.evented.connect(lambda name, payload: events.append((name, payload)))
        with qtbot.waitSignal(task.finished, timeout=WAIT_MS) as done:
            pass
        assert done.args == [161]
        assert seen["thread"] is not QApplication.instance().thread()
        assert progress == [(1, 2, "half")]
        assert events == [("milestone", 42)]
        assert not runner.busy()
    finally:
        runner.shutdown()


def test_a_failing_job_reports_one_line(qtbot, seeded_root) -> None:
    runner = TaskRunner(seeded_root)
    try:
        def job(ctx):
            raise ValueError("first line\nsecond line")

        task = runner.submit(job, lane=WRITE)
        with qtbot.waitSignal(task.failed, timeout=WAIT_MS) as failed:
            pass
        assert failed.args == ["first line"]
    finally:
        runner.shutdown()


def test_a_job_cancelled_before_it_starts_is_skipped(qtbot, seeded_root) -> None:
    runner = TaskRunner(seeded_root)
    try:
        gate = threading.Event()
        runner.submit(lambda ctx: gate.wait(10), lane=READ)
        ran = []
        stale = runner.submit(lambda ctx: ran.append(1), lane=READ)
        stale.cancel()
        gate.set()
        qtbot.waitUntil(lambda: stale.done, timeout=WAIT_MS)
        assert ran == []
    finally:
        runner.shutdown()


def test_shutdown_stops_the_lanes(qtbot, seeded_root) -> None:
    runner = TaskRunner(seeded_root)
    runner.submit(lambda ctx: ctx.library.view_count("all"), lane=WRITE)
    runner.shutdown()
    assert all(not thread.isRunning() for thread in runner._threads.values())
    late = runner.submit(lambda ctx: 1)
    assert late.is_cancelled()


def test_many_qt_calls_and_emits_do_not_exhaust_none_or_true(qtbot) -> None:
    label = QLabel()
    runner_probe = qtcompat._Probe()
    for _ in range(20000):
        label.setText("x")
        runner_probe.fired.emit()
    if qtcompat.BUG_PRESENT:
        assert sys.getrefcount(None) > qtcompat.EXTRA_REFERENCES // 2
        assert sys.getrefcount(True) > qtcompat.EXTRA_REFERENCES // 2


def test_big_index_work_runs_in_a_child_process(qtbot, open_window, seeded_root, settings,
                                                monkeypatch) -> None:
    import shutil

    from readq.ui import index_keeper, tasks

    if not tasks.child_available():
        return
    monkeypatch.setattr(tasks, "CHILD_THRESHOLD", 1)
    monkeypatch.setattr(index_keeper, "CHILD_THRESHOLD", 1)
    started = []
    real_popen = tasks.subprocess.Popen
    monkeypatch.setattr(tasks.subprocess, "Popen",  # the child indexer's runs (by mode)
                        lambda args, **kw: ("readq.indexing" in args and started.append(args[-1]))
                        or real_popen(args, **kw))
    shutil.rmtree(seeded_root / "index")  # the start-up check must rebuild it
    window = open_window(seeded_root, settings)
    assert started == ["check"]
    with Library(seeded_root) as library:
        assert library.check().in_step
    window.show_view("all")
    with qtbot.waitSignal(window.search_done, timeout=WAIT_MS):
        window.search.set_text("agent")
    assert window.model.rowCount() > 0
    # a note saved now is indexed by a child "sync"
    window.table.select_row(0)
    paper = window.table.current_id()
    window.detail.note_editor.editor.setPlainText("wombat")
    window.detail.flush_note()
    qtbot.waitUntil(lambda: "sync" in started and not window.runner.busy(), timeout=WAIT_MS)
    # an earlier query may report once more first (the note's sync refreshes the view)
    with qtbot.waitSignal(window.search_done, timeout=WAIT_MS,
                          check_params_cb=lambda query: query == "wombat"):
        window.search.set_text("wombat")
    assert window.model.ids == [paper]



def test_a_new_library_reads_right_after_the_child_indexer_and_a_note(
        qtbot, open_window, empty_root, settings, monkeypatch, tmp_path) -> None:
    """A first import into a new library, indexed by the child, then a note: the window
    showed an import's file name as a status and its format as a rating (the store's
    write-ahead log had been deleted under the window by the child indexer)."""
    from readq.ui import tasks
    from readq.ui.paper_model import PaperModel
    from tests.helpers import all_dumps

    if not tasks.child_available():
        return
    monkeypatch.setattr(tasks, "CHILD_THRESHOLD", 20)  # the import's 50 go to the child
    failures: list[str] = []
    real_data = PaperModel.data

    def data(self, *args):  # an exception raised in data() would end the test process
        try:
            return real_data(self, *args)
        except Exception as exc:
            failures.append(repr(exc))
            return None

    monkeypatch.setattr(PaperModel, "data", data)
    window = open_window(empty_root, settings)
    with qtbot.waitSignal(window.import_done, timeout=WAIT_MS):
        window.imports.import_paths(all_dumps(tmp_path / "dumps")[:1])
    qtbot.waitUntil(lambda: not window.runner.busy(), timeout=WAIT_MS)
    ids = window.library.view_ids("all", sort="id")
    title = window.library.papers(ids[:1])[0]["title"]
    with qtbot.waitSignal(window.search_done, timeout=WAIT_MS):
        window.search.set_text(f'"{title}"')
    window.table.select_row(0)
    window.detail.note_editor.editor.setPlainText("wombat")
    window.detail.flush_note()
    qtbot.waitUntil(lambda: not window.runner.busy(), timeout=WAIT_MS)
    rows = window.library.papers(ids)
    assert [r["note"] for r in rows] == ["wombat"] + [""] * (len(ids) - 1)
    assert {r["status"] for r in rows} == {"unread"}
    assert {r["rating"] for r in rows} == {0}
    with qtbot.waitSignal(window.search_done, timeout=WAIT_MS):
        window.search.set_text("wombat")
    assert window.model.ids == [ids[0]]
    assert failures == []


def test_an_import_is_indexed_in_the_child_process(qtbot, open_window, empty_root, settings,
                                                   monkeypatch, tmp_path) -> None:
    """Writing the index for an import's papers is CPU-bound Python: the child does it,
    so the window keeps its interpreter lock; a single note is indexed in the lane."""
    from readq.ui import tasks
    from tests.helpers import all_dumps

    if not tasks.child_available():
        return
    started = []
    real_popen = tasks.subprocess.Popen
    monkeypatch.setattr(tasks.subprocess, "Popen",
                        lambda args, **kw: ("readq.indexing" in args and started.append(args[-1]))
                        or real_popen(args, **kw))
    window = open_window(empty_root, settings)
    with qtbot.waitSignal(window.import_done, timeout=WAIT_MS):
        window.imports.import_paths(all_dumps(tmp_path / "dumps")[:1])
    qtbot.waitUntil(lambda: not window.runner.busy(), timeout=WAIT_MS)
    assert started.count("sync") == 1
    title = window.library.papers(window.library.view_ids("all", sort="id")[:1])[0]["title"]
    with qtbot.waitSignal(window.search_done, timeout=WAIT_MS):
        window.search.set_text(f'"{title}"')
    assert window.model.rowCount() >= 1
    window.table.select_row(0)
    window.detail.note_editor.editor.setPlainText("wombat")
    window.detail.flush_note()
    qtbot.waitUntil(lambda: not window.runner.busy(), timeout=WAIT_MS)
    with qtbot.waitSignal(window.search_done, timeout=WAIT_MS):
        window.search.set_text("wombat")
    assert window.model.rowCount() == 1 and started.count("sync") == 1  # the note: in the lane
