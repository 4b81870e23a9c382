"""How soon a small import is seen in the real window on a big library: a 100-paper
dump imported from the app (visible, searchable, the longest window pause, how many
times the list reloads) and one imported with ``readq import`` while the app is open.

    nice -n 10 python -m benchmarks.bench_import_visible \\
        --library /tmp/readq-bench-h10a/lib_100k [--work /tmp/readq-bench-h10a/visible]

``--library`` is copied into ``--work`` first (never written); without it a library
of ``--library-papers`` generated papers is built (and cached) there. The window runs
offscreen (``QT_QPA_PLATFORM``), with the outside-changes watcher the app installs.

- *visible*: from the import's start to the first paint of the list ("New since
  last import") that shows one of the new papers;
- *searchable*: at the moment it is visible the title of one of its papers is typed
  into the search box (a phrase query, debounced like typing); from the import's
  start to the first paint of the results that shows that paper;
- *CLI visible*: from starting ``readq import`` to the first paint that shows one
  of its papers.

Anchors measured in the same run: the time a before-import backup copy of this
library takes by itself (what stood in front of every import), an idle repaint of
the window, and the start of a ``readq --version`` process.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from benchmarks.bench_write_path import big_library, dump
from benchmarks.generate import Generator
from benchmarks.qt_wait import spin, spin_until


def prepare(work: Path, library: Path | None, papers: int) -> Path:
    """A fresh copy of the library to write into."""
    source = library if library is not None else big_library(work, papers)
    root = work / "visible-lib"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(source, root)
    return root


def anchors(root: Path) -> dict[str, float]:
    """What a backup copy of this library and a process start cost here."""
    from readq.library import Library

    with Library(root) as lib:
        papers = lib.paper_count()
        started = time.perf_counter()
        path = lib.backup("manual")
        copy_s = time.perf_counter() - started
        size = path.stat().st_size
        path.unlink()
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    starts = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "readq", "--version"], env=env,
                       capture_output=True, check=True)
        starts.append(time.perf_counter() - started)
    return {"library_papers": papers, "store_mb": round(size / 2**20),
            "anchor_backup_copy_s": round(copy_s, 2),
            "anchor_process_start_s": round(statistics.median(starts), 2)}


def measure(root: Path, work: Path) -> dict[str, Any]:
    """Open the window on ``root`` and time the two imports."""
    from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from readq.library import Library
    from readq.ui.app import watch_external_changes
    from readq.ui.main_window import MainWindow

    phases: dict[str, float] = {}

    def timed(name: str, method: Any) -> Any:
        def run(self: Any, *args: Any, **kwargs: Any) -> Any:
            begun = time.perf_counter()
            try:
                return method(self, *args, **kwargs)
            finally:
                phases.setdefault(name, time.perf_counter() - begun)
        return run

    # how long the write lane stores the papers and indexes them (first call each)
    Library.import_paths = timed("store", Library.import_paths)  # type: ignore[method-assign]
    Library.sync_index = timed("index sync", Library.sync_index)  # type: ignore[method-assign]

    app = QApplication.instance() or QApplication(sys.argv[:1])
    settings = QSettings(str(work / "bench.ini"), QSettings.Format.IniFormat)
    settings.clear()
    window = MainWindow(root, settings)
    window.resize(1280, 800)
    watch_external_changes(window)
    window.show()

    wait = spin_until  # never QTest.qWait: it stops the window's worker threads

    def idle() -> bool:
        return not window.runner.busy() and not window.for_you.busy()

    def settle() -> None:  # start-up work done: index check, "For you" features built
        wait(idle, 900)
        spin(1500)
        wait(idle, 900)

    settle()
    window.show_view("new")
    settle()
    newest = max(window.library.view_ids("all", sort="id", descending=True)[:1] or [0])

    painted: list[tuple[float, list[int], str]] = []

    class PaintWatch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                table = window.table
                first = max(table.rowAt(0), 0)
                last = table.rowAt(table.viewport().height() - 1)
                last = window.model.rowCount() - 1 if last < 0 else last
                painted.append((time.perf_counter(), window.model.ids[first:last + 1],
                                window.query))
            return False

    watch = PaintWatch()
    window.table.viewport().installEventFilter(watch)
    repaints = []
    for _ in range(5):  # anchor: painting the whole window once, with nothing going on
        started = time.perf_counter()
        window.grab()
        repaints.append(time.perf_counter() - started)
    gaps: list[tuple[float, float]] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append((now, now - last[0]))
        last[0] = now

    ticker = QTimer()
    ticker.setInterval(5)
    ticker.timeout.connect(tick)
    ticker.start()
    stalls: dict[str, Any] = {"longest": 0.0, "where": ""}
    watching = threading.Event()

    def sample_stalls() -> None:
        """Where the GUI thread is when it has not ticked for a while (diagnostics)."""
        while not watching.wait(0.02):
            stalled = time.perf_counter() - last[0]
            if stalled > 0.1 and stalled > stalls["longest"]:
                names = {t.ident: t.name for t in threading.enumerate()}
                where = []
                for ident, frame in sys._current_frames().items():
                    if ident == threading.get_ident():
                        continue
                    stack = traceback.format_stack(frame)[-3:]
                    where.append(f"[{names.get(ident, ident)}] " + " < ".join(
                        line.strip().splitlines()[0] for line in reversed(stack)))
                stalls.update(longest=stalled, where=" | ".join(sorted(
                    where, key=lambda w: not w.startswith("[MainThread]"))))

    threading.Thread(target=sample_stalls, daemon=True, name="stall-sampler").start()
    reloads = [0]
    searches = [0]

    def loaded() -> None:  # a reload of the view, or search results shown
        if window.query:
            searches[0] += 1
        else:
            reloads[0] += 1

    window.view_loaded.connect(loaded)

    def first_paint(since: float, query: str | None = None) -> float | None:
        for when, ids, shown_query in painted:
            if when >= since and any(i > newest for i in ids) \
                    and (query is None or shown_query == query):
                return when - since
        return None

    result: dict[str, Any] = {"anchor_idle_window_paint_ms": round(statistics.median(repaints) * 1000, 1)}

    # 1. a 100-paper dump imported from the app
    small = dump(work, "visible-app", 100, 4242)
    title = next(Generator(4242).papers(1)).title
    query = f'"{title}"'
    finished: list[list[Any]] = []
    window.imports.finished.connect(lambda reports, _cancelled: finished.append(reports))
    signals: dict[str, float] = {}
    window.imports.stored.connect(lambda _r: signals.setdefault("stored", time.perf_counter()))
    window.imports.indexed.connect(lambda: signals.setdefault("indexed", time.perf_counter()))
    painted.clear()
    reloads[0] = searches[0] = 0
    started = time.perf_counter()
    last[0] = started
    gaps.clear()
    phases.clear()
    window.imports.import_paths([small])
    wait(lambda: first_paint(started) is not None, 120)
    visible = first_paint(started)
    window.search.set_text(query, notify=True)  # the user looks for one of its papers
    wait(lambda: first_paint(started, query) is not None, 300)
    searchable = first_paint(started, query)
    wait(idle, 300)
    spin(1000)  # anything the window still does after the import counts too
    pause = max((g for when, g in gaps if when > started), default=0.0)
    app_stall = stalls["where"]
    stalls.update(longest=0.0, where="")
    result.update({
        "app_import_longest_pause_at": app_stall,
        "app_import_visible_s": round(visible, 3) if visible is not None else None,
        "app_import_searchable_s": round(searchable, 3) if searchable is not None else None,
        "app_import_longest_pause_ms": round(pause * 1000, 1),
        "app_import_list_reloads": reloads[0],
        "app_import_search_results_shown": searches[0],
        "app_import_new": sum(r.new for r in finished[-1]) if finished else None,
        "app_import_store_phase_s": round(phases.get("store", float("nan")), 3),
        "app_import_stored_signal_s": round(signals.get("stored", float("nan")) - started, 3),
        "app_import_index_sync_s": round(phases.get("index sync", float("nan")), 3),
        "app_import_indexed_signal_s": round(signals.get("indexed", float("nan")) - started, 3),
    })
    if window.last_summary is not None:
        window.last_summary.close()
    window.search.set_text("", notify=True)
    settle()
    newest = max(window.library.view_ids("all", sort="id", descending=True)[:1] or [0])

    # 2. a 100-paper dump imported from the command line while the window is open
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    cli_dump = dump(work, "visible-cli", 100, 4343)
    painted.clear()
    reloads[0] = 0
    started = time.perf_counter()
    last[0] = started
    gaps.clear()
    stalls.update(longest=0.0, where="")  # not the window's settling before this import
    cli = subprocess.Popen([sys.executable, "-m", "readq", "import", str(cli_dump),
                            "--library", str(root)], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait(lambda: first_paint(started) is not None, 120)
    seen = first_paint(started)
    wait(lambda: cli.poll() is not None, 300)  # never block the window's thread on it
    cli_s = time.perf_counter() - started
    spin(1500)
    pause = max((g for when, g in gaps if when > started), default=0.0)
    result.update({
        "cli_import_visible_in_app_s": round(seen, 3) if seen is not None else None,
        "cli_import_longest_pause_ms": round(pause * 1000, 1),
        "cli_import_list_reloads": reloads[0],
        "cli_returncode": cli.returncode,
        "cli_import_command_s": round(cli_s, 2),
        "cli_import_longest_pause_at": stalls["where"],
    })
    watching.set()
    ticker.stop()
    window.close()
    app.processEvents()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, default=None,
                        help="a prebuilt readq library to copy (read only)")
    parser.add_argument("--library-papers", type=int, default=5000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/readq-bench-visible"))
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("READQ_LOG_DIR", str(args.work / "logs"))
    args.work.mkdir(parents=True, exist_ok=True)
    root = prepare(args.work, args.library, args.library_papers)
    result = anchors(root)
    result["load_average_1min"] = round(os.getloadavg()[0], 2)
    result.update(measure(root, args.work))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
