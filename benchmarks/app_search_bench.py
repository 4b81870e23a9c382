"""What a user sees: keystroke to painted results in the real window, and the
window's resident memory after 50 searches, at 10k and 100k papers.

    nice -n 10 python -m benchmarks.app_search_bench 10000 100000

The library (``READQ_BENCH_DIR/lib_<size>``) is the generated papers of
``benchmarks.search_corpus`` imported from dumps; its search index is the one
``search_corpus`` built from the same papers (the store's ids are checked to be
the corpus ids, by title, before it is used), so no 100k re-index is needed.
Each measurement runs the app offscreen in a child process
(``python -m benchmarks.app_search_bench --probe LIB``): it types each query
into the search box one key at a time like a user, and times from the last key
to the end of the list's own paint that shows the results (the one Qt schedules
after the model changed, not a forced repaint; the box waits ``DEBOUNCE_MS``
after the last key before it searches; "after debounce" subtracts that wait;
the detail pane follows in the next frame). It also reports the GUI thread's
work per result (handling the results plus that paint), and two anchors
measured in the same run: the search call alone in its background job, and an
idle repaint of the same list (``update()`` with nothing new) after each query.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.search_corpus import BENCH_DIR, label, readq_index, records
from benchmarks.qt_wait import spin

TYPED = ["reinforcement agent", "language model", "transformer", "exploration",
         "author:tanaka", "optim*", "policy year:[2018 TO 2020]", '"neural network"',
         "transfomer~", "rating:>=4 reward"]
EXTRA = ["learning", "model", "calibration", "sparse attention retrieval", "title:diffusion",
         "diffusion", "graph", "robot control", "memory", "trans*"]


def build_library(n: int) -> Path:
    """The n-paper library with the prebuilt index (built once; the store can be
    imported while the index is still being built: ``--store-only``)."""
    from benchmarks.generate import Generator
    from benchmarks.run import write_dumps
    from readq.library import Library

    root = BENCH_DIR / f"lib_{label(n)}"
    if (root / "ready").exists():
        return root
    if not (root / "stored").exists():
        if root.exists():
            shutil.rmtree(root)
        papers = list(Generator(seed=100000).papers(n))
        dumps = write_dumps(papers, BENCH_DIR / f"dumps_{label(n)}")
        corpus = {r["title"]: r["id"] for r in records(n)}
        with Library(root) as lib:
            lib.import_paths(dumps)
            rows = lib.store.conn.execute("SELECT id, title FROM papers").fetchall()
            assert len(rows) == n, (len(rows), n)
            assert all(corpus.get(r[1]) == r[0] for r in rows), "store ids differ from the corpus"
            lib.store.dequeue_index([r[0] for r in rows])
            lib.set_rating([i for i in range(1, 601, 3)], 4)
        (root / "stored").write_text("")
    if STORE_ONLY:
        return root
    index_dir = root / "index"
    if index_dir.exists():
        shutil.rmtree(index_dir)
    shutil.copytree(readq_index(n), index_dir)
    (index_dir / "built.json").unlink()
    (root / "ready").write_text("")
    return root


STORE_ONLY = False


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))] if ordered else float("nan")


def probe(root: Path) -> dict:
    """(Child process) open the window, type the queries, report the timings."""
    import tempfile

    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from readq.library import Library
    from readq.ui.main_window import MainWindow
    from readq.ui.paper_table import PaperTable
    from readq.ui.search_box import DEBOUNCE_MS

    # time the search itself inside the background job (wall and CPU of its thread)
    job_times: list[tuple[float, float]] = []
    original = Library.search_counted

    def timed_search(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        t, c = time.perf_counter(), time.thread_time()
        out = original(self, *args, **kwargs)
        job_times.append(((time.perf_counter() - t) * 1000, (time.thread_time() - c) * 1000))
        return out

    Library.search_counted = timed_search  # type: ignore[method-assign]

    # the list's paints (start, end: the table's own paints, the ones Qt schedules
    # after the model changed, not a forced repaint), and when the window got the
    # results and how long it took to handle them on the GUI thread
    paints: list[tuple[float, float]] = []
    slot: dict[str, float] = {"at": 0.0, "took": 0.0}
    paint_event = PaperTable.paintEvent

    def timed_paint(self, event):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        paint_event(self, event)
        paints.append((t, time.perf_counter()))

    PaperTable.paintEvent = timed_paint  # type: ignore[method-assign]
    on_results = MainWindow._on_search_results

    def timed_results(self, *args):  # type: ignore[no-untyped-def]
        slot["at"] = time.perf_counter()
        on_results(self, *args)
        slot["took"] = (time.perf_counter() - slot["at"]) * 1000

    MainWindow._on_search_results = timed_results  # type: ignore[method-assign]

    app = QApplication(sys.argv[:1])
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "probe.ini"), QSettings.Format.IniFormat)
    window = MainWindow(root, settings)
    window.resize(1280, 800)
    window.show()

    def wait(signal, check, timeout_ms: int = 30_000) -> bool:
        loop = QEventLoop()
        done = {"ok": False}

        def on(*args):
            if check(*args):
                done["ok"] = True
                loop.quit()

        signal.connect(on)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        signal.disconnect(on)
        return done["ok"]

    def wait_painted(after: float, timeout_s: float = 5.0) -> tuple[float, float] | None:
        """The first paint of the list that started after ``after`` (perf_counter)."""
        deadline = time.perf_counter() + timeout_s
        while time.perf_counter() < deadline:
            found = next((p for p in paints if p[0] >= after), None)
            if found is not None:
                return found
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        return None

    spin(2500)  # start-up work (view counts, backups) settles
    start_rss = rss_mb()
    latencies: list[float] = []
    gui_work: list[float] = []  # the results handled + the rows painted, GUI thread only
    list_paints: list[float] = []
    idle_paints: list[float] = []  # anchor: the same list repainted with nothing new
    searches = 0

    def idle_repaint() -> None:
        t0 = time.perf_counter()
        window.table.viewport().update()
        paint = wait_painted(t0)
        if paint is not None:
            idle_paints.append((paint[1] - paint[0]) * 1000)

    def type_query(text: str, timed: bool) -> None:
        nonlocal searches
        window.search.set_text("", notify=True)
        spin(50)
        line = window.search.line
        line.setFocus()
        for ch in text[:-1]:
            QTest.keyClicks(line, ch)
            spin(60)  # a quick typist: the debounce never fires mid-word
        t0 = time.perf_counter()
        QTest.keyClicks(line, text[-1])
        ok = wait(window.search_done, lambda q: q == text.strip())  # the detail pane too
        paint = wait_painted(slot["at"]) if slot["at"] > t0 else None
        searches += 1
        if timed and ok and paint is not None:
            latencies.append((paint[1] - t0) * 1000)
            gui_work.append(slot["took"] + (paint[1] - paint[0]) * 1000)
            list_paints.append((paint[1] - paint[0]) * 1000)
        paints.clear()
        spin(300)  # the current paper's "For you" explanation runs, as it would
        if timed:
            idle_repaint()

    for text in TYPED:  # warm-up: first use of each query kind
        type_query(text, timed=False)
    job_times.clear()
    for _rep in range(4):  # 40 timed searches; with the warm-up, 50 in all
        for text in TYPED:
            type_query(text, timed=True)
    while searches < 50:
        type_query(EXTRA[searches % len(EXTRA)], timed=False)
    spin(500)
    after = [x - DEBOUNCE_MS for x in latencies]
    walls = [t for t, _c in job_times]
    result = {
        "start_rss_mb": start_rss,
        "rss_after_50_searches_mb": rss_mb(),
        "searches": searches,
        "debounce_ms": DEBOUNCE_MS,
        "keystroke_to_paint_ms_p50": statistics.median(latencies),
        "keystroke_to_paint_ms_p95": pct(latencies, 0.95),
        "after_debounce_ms_p50": statistics.median(after),
        "after_debounce_ms_p95": pct(after, 0.95),
        "gui_thread_ms_p50": statistics.median(gui_work),
        "gui_thread_ms_p95": pct(gui_work, 0.95),
        "paint_ms_p50": statistics.median(list_paints),
        "paint_ms_p95": pct(list_paints, 0.95),
        "anchor_idle_paint_ms_p50": statistics.median(idle_paints),
        "anchor_idle_paint_ms_p95": pct(idle_paints, 0.95),
        "timed": len(latencies),
        "search_in_job_ms_p50": statistics.median(walls),
        "search_in_job_ms_p95": pct(walls, 0.95),
        "search_in_job_cpu_ms_p95": pct([c for _t, c in job_times], 0.95),
        "load_average": os.getloadavg()[0],
    }
    window.close()
    app.quit()
    return result


def main() -> None:
    if sys.argv[1] == "--probe":
        print(json.dumps(probe(Path(sys.argv[2]))))
        return
    global STORE_ONLY
    args = sys.argv[1:]
    if "--store-only" in args:
        STORE_ONLY = True
        args.remove("--store-only")
        for n in map(int, args):
            build_library(n)
        return
    out = {}
    for n in map(int, args):
        root = build_library(n)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        proc = subprocess.run([sys.executable, "-m", "benchmarks.app_search_bench", "--probe",
                               str(root)], capture_output=True, text=True, env=env, timeout=1800)
        if proc.returncode:
            print(proc.stderr[-3000:])
            continue
        out[n] = json.loads(proc.stdout.strip().splitlines()[-1])
        print(label(n), json.dumps(out[n]), flush=True)
        (BENCH_DIR / f"app_search_{label(n)}.json").write_text(json.dumps(out[n], indent=1))


if __name__ == "__main__":
    main()
