"""The write path under load: how long an import holds the write lock, how long a
rating waits behind it (API, command line, the window), and how soon a small
dump imported from the app is visible and searchable on a big library.

    nice -n 10 python -m benchmarks.bench_write_path --import-papers 100000 \\
        --library-papers 20000 [--work /tmp/readq-bench-i10]

Anchor (same run): the time the whole file's store phase takes — what one
transaction per file (readq before chunked imports) held the lock for.
Generated dumps and libraries are cached under ``--work`` and reused.
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
from pathlib import Path

from benchmarks.generate import Generator, render
from readq.library import Library, LibraryBusy
from benchmarks.qt_wait import spin_until


def dump(work: Path, name: str, n: int, seed: int, kind: str = "profile") -> Path:
    """A generated dump, cached."""
    path = work / f"{name}-{n}-{seed}.txt"
    if not path.exists():
        work.mkdir(parents=True, exist_ok=True)
        path.write_text(render(list(Generator(seed).papers(n)), kind), encoding="utf-8")
    return path


def bench_lock(work: Path, n: int) -> dict[str, float]:
    """Import ``n`` papers into a small library while a thread (own connection) rates a
    paper every 50 ms and a ``readq rate`` process runs now and then."""
    root = work / "lock-lib"
    shutil.rmtree(root, ignore_errors=True)
    seeds = dump(work, "seed", 200, 1)
    big = dump(work, "big", n, 2)
    with Library(root) as lib:
        lib.import_paths([seeds])
        paper = lib.view_ids("all", sort="id")[0]
    sys.setswitchinterval(0.001)  # as the app's task runner does
    waits: list[float] = []
    cli: list[float] = []
    stop = threading.Event()

    def rater() -> None:
        with Library(root, short_writes=True) as other:  # as the app's user lane
            k = 0
            while not stop.is_set():
                started = time.perf_counter()
                try:
                    other.set_rating([paper], k % 5 + 1)
                except LibraryBusy:
                    waits.append(float("inf"))
                else:
                    waits.append(time.perf_counter() - started)
                k += 1
                time.sleep(0.05)

    def cli_rater() -> None:
        env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
        while not stop.is_set():
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "readq", "rate", str(paper), "3",
                                   "--library", str(root)], env=env, capture_output=True)
            cli.append(time.perf_counter() - started if done.returncode == 0 else float("inf"))
            time.sleep(1.0)

    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    idle = []
    for _ in range(3):  # anchor: the same command with nothing else writing
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "readq", "rate", str(paper), "2", "--library",
                        str(root)], env=env, capture_output=True, check=True)
        idle.append(time.perf_counter() - started)
    idle_api = []
    with Library(root, short_writes=True) as other:  # anchor: ratings with no import
        for k in range(20):
            started = time.perf_counter()
            other.set_rating([paper], k % 5 + 1)
            idle_api.append(time.perf_counter() - started)
            time.sleep(0.05)
    threads = [threading.Thread(target=rater), threading.Thread(target=cli_rater)]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    with Library(root) as lib:
        reports = lib.import_paths([big])
        store_s = time.perf_counter() - started
        longest = lib.last_import_chunk_s
        chunks = sorted(lib.import_chunk_times)
    stop.set()
    for thread in threads:
        thread.join()
    return {
        "import_papers": n, "records": reports[0].records,
        "store_s": round(store_s, 1),
        "load_average_1min": os.getloadavg()[0],
        "anchor_one_transaction_lock_s": round(store_s, 1),
        "longest_lock_hold_ms": round(longest * 1000, 1),
        "chunks": len(chunks),
        "lock_hold_p50_ms": round(chunks[len(chunks) // 2] * 1000, 1),
        "lock_hold_p99_ms": round(chunks[int(len(chunks) * 0.99)] * 1000, 1),
        "api_rating_idle_max_ms": round(max(idle_api) * 1000, 1),
        "api_rating_idle_median_ms": round(statistics.median(idle_api) * 1000, 1),
        "api_rating_waits": len(waits),
        "api_rating_median_ms": round(statistics.median(waits) * 1000, 1),
        "api_rating_max_ms": round(max(waits) * 1000, 1),
        "api_rating_p95_ms": round(sorted(waits)[int(len(waits) * 0.95)] * 1000, 1),
        "cli_rate_idle_median_s": round(statistics.median(idle), 2),
        "cli_rate_runs": len(cli),
        "cli_rate_max_s": round(max(cli), 2) if cli else None,
        "cli_rate_median_s": round(statistics.median(cli), 2) if cli else None,
    }


def big_library(work: Path, n: int) -> Path:
    """An indexed library of ``n`` papers, cached (copied per use)."""
    root = work / f"big-lib-{n}"
    if not (root / "library.sqlite3").exists():
        with Library(root) as lib:
            lib.import_paths([dump(work, "library", n, 3)])
            lib.sync_index()
    return root


def bench_app(work: Path, library_papers: int, import_papers: int) -> dict[str, float]:
    """In the real window (offscreen): a 100-paper dump imported from the app (visible,
    searchable, longest pause) and a rating typed during a large import."""
    from PySide6.QtCore import QSettings, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from readq.ui.main_window import MainWindow

    root = work / "app-lib"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(big_library(work, library_papers), root)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    settings = QSettings(str(work / "bench.ini"), QSettings.Format.IniFormat)
    window = MainWindow(root, settings)
    window.show()
    result: dict[str, float] = {"library_papers": library_papers}

    def wait(condition, timeout: float) -> bool:
        return spin_until(condition, timeout, step_ms=2)

    wait(lambda: not window.runner.busy(), 600)
    window.show_view("all")
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    ticker = QTimer()
    ticker.setInterval(5)
    ticker.timeout.connect(tick)
    ticker.start()

    small = dump(work, "small", 100, 4242)
    marker = Generator(4242).papers(1).__next__().title.split()[0]
    shown: dict[str, float] = {}
    # the window's own slot (connected first) has listed the papers when this runs
    window.imports.stored.connect(lambda _r: shown.setdefault("visible", time.perf_counter()))
    window.index_synced.connect(lambda: shown.setdefault("synced", time.perf_counter()))
    started = time.perf_counter()
    gaps.clear()
    last[0] = started
    window.imports.import_paths([small])
    wait(lambda: "synced" in shown, 300)
    with Library(root, read_only=True) as reader:
        searchable = bool(reader.search(f'title:"{marker}"', limit=5))
    result.update({
        "small_import_visible_s": round(shown.get("visible", float("nan")) - started, 3),
        "small_import_searchable_s": round(shown.get("synced", float("nan")) - started, 3),
        "small_import_found_by_search": searchable,
        "small_import_longest_pause_ms": round(max(gaps) * 1000, 1) if gaps else None,
    })
    if window.last_summary is not None:
        window.last_summary.close()

    # a 100-paper dump imported from the command line while the window is open
    from readq.ui.app import watch_external_changes

    watch_external_changes(window)
    wait(lambda: not window.runner.busy(), 300)
    before = window.model.rowCount()
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    started = time.perf_counter()
    cli = subprocess.Popen([sys.executable, "-m", "readq", "import",
                            str(dump(work, "cli-small", 100, 4343)), "--library", str(root)],
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = wait(lambda: window.model.rowCount() > before, 120)
    result["cli_import_visible_in_app_s"] = round(time.perf_counter() - started, 3) if seen \
        else None
    cli.wait()

    # a rating typed during a large import: GUI-thread time and when it is stored
    window.show_view("inbox")
    wait(lambda: not window.runner.busy(), 600)
    window.imports.import_paths([dump(work, "during", import_papers, 5)])
    wait(lambda: window.progress.bar.value() > 0, 120)
    window.activateWindow()
    window.table.setFocus()
    wait(lambda: window.table.hasFocus(), 10)
    window.table.select_row(0)
    paper = window.table.current_id()
    gaps.clear()
    last[0] = time.perf_counter()
    started = time.perf_counter()
    QTest.keyClick(window.table, Qt.Key.Key_4)
    gui_s = time.perf_counter() - started
    wait(lambda: not window.ops.busy, 60)
    stored_s = time.perf_counter() - started
    with Library(root, read_only=True) as reader:
        ok = reader.paper(paper)["rating"] == 4
    result.update({
        "rating_during_import_gui_ms": round(gui_s * 1000, 1),
        "rating_during_import_stored_ms": round(stored_s * 1000, 1),
        "rating_during_import_ok": ok,
        "import_still_running": window.imports.running,
        "pause_around_rating_max_ms": round(max(gaps) * 1000, 1) if gaps else None,
    })
    ticker.stop()
    window.close()
    app.processEvents()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--import-papers", type=int, default=20_000)
    parser.add_argument("--library-papers", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/readq-bench-i10"))
    parser.add_argument("--skip-lock", action="store_true")
    parser.add_argument("--skip-app", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("READQ_LOG_DIR", str(args.work / "logs"))
    results: dict[str, object] = {}
    if not args.skip_lock:
        results["lock"] = bench_lock(args.work, args.import_papers)
        print(json.dumps(results["lock"]), flush=True)
    if not args.skip_app:
        results["app"] = bench_app(args.work, args.library_papers,
                                   min(args.import_papers, 20_000))
        print(json.dumps(results["app"]), flush=True)


if __name__ == "__main__":
    main()
