"""How long the search box should wait after a key before it searches
(``DEBOUNCE_MS``), measured in the real window while someone types.

    nice -n 10 python -m benchmarks.app_typing_bench 100000 --debounce 60 100 150

For each debounce and three typists (a key every 120, 180 and 300 ms on
average, ±35 % jitter, from a fixed seed) the window is sent the queries of
``benchmarks.app_search_bench`` one key at a time on a clock, as a keyboard
would: a key that arrives while the GUI thread is busy (painting the results of
a search started mid-word) waits, and that wait is what the typist feels. It
reports, per debounce and typist:

- searches run per query (the work started mid-word),
- input lag: a key's due time → the search box repainted with it (p50/p95),
- last key → the results of the whole query painted in the list (p50/p95).

The library is the one ``app_search_bench`` uses (``READQ_BENCH_DIR/lib_<n>``).
Each debounce runs in its own child process, offscreen.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.app_search_bench import TYPED, build_library, pct
from benchmarks.search_corpus import BENCH_DIR, label
from benchmarks.qt_wait import spin

TYPISTS = {"fast (120 ms/key)": 120, "steady (180 ms/key)": 180, "slow (300 ms/key)": 300}


def gaps(mean_ms: float, count: int, seed: int) -> list[float]:
    """Times between keys: ``mean_ms`` ± 35 %, the same for every debounce."""
    rng = random.Random(seed)
    return [mean_ms * rng.uniform(0.65, 1.35) for _ in range(count)]


def probe(root: Path, debounce: int) -> dict:
    """(Child process) type every query as each typist, with ``debounce``."""
    import tempfile

    from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from readq.ui.main_window import MainWindow
    from readq.ui.paper_table import PaperTable
    from readq.ui.search_box import _Line
    from readq.ui.search_runner import SearchRunner

    line_paints: list[float] = []
    table_paints: list[float] = []
    runs = {"n": 0}

    def hook(cls, sink: list[float]) -> None:  # type: ignore[no-untyped-def]
        original = cls.paintEvent

        def paint(self, event):  # type: ignore[no-untyped-def]
            original(self, event)
            sink.append(time.perf_counter())

        cls.paintEvent = paint

    hook(_Line, line_paints)
    hook(PaperTable, table_paints)
    run = SearchRunner.run

    def counted_run(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        runs["n"] += 1
        return run(self, *args, **kwargs)

    SearchRunner.run = counted_run  # type: ignore[method-assign]

    app = QApplication(sys.argv[:1])
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "probe.ini"), QSettings.Format.IniFormat)
    window = MainWindow(root, settings)
    window.resize(1280, 800)
    window.show()
    window.search._timer.setInterval(debounce)
    spin(2500)

    def first_after(times: list[float], moment: float) -> float | None:
        return next((t for t in times if t >= moment), None)

    def type_on_clock(text: str, key_gaps: list[float]) -> tuple[list[float], float | None, int]:
        window.search.set_text("", notify=True)
        spin(400)
        line = window.search.line
        line.setFocus()
        runs["n"] = 0
        fired: list[tuple[float, float]] = []  # (due, delivered)
        timers = []
        start = time.perf_counter() + 0.05
        due = 0.0
        for i, ch in enumerate(text):
            due += key_gaps[i] if i else 0.0
            timer = QTimer()
            timer.setSingleShot(True)
            timer.setTimerType(Qt.TimerType.PreciseTimer)
            when = start + due / 1000

            def press(ch: str = ch, when: float = when) -> None:
                fired.append((when, time.perf_counter()))
                QTest.keyClicks(line, ch)

            timer.timeout.connect(press)
            timer.start(max(0, int((when - time.perf_counter()) * 1000)))
            timers.append(timer)
        loop = QEventLoop()
        done = {"at": 0.0}

        def on_done(query: str) -> None:
            if query == text.strip() and len(fired) == len(text):
                done["at"] = time.perf_counter()
                loop.quit()

        window.search_done.connect(on_done)
        QTimer.singleShot(30_000, loop.quit)
        loop.exec()
        window.search_done.disconnect(on_done)
        spin(100)  # the last paints land
        lags = []
        for when, delivered in fired:
            echoed = first_after(line_paints, delivered)
            if echoed is not None:
                lags.append((echoed - when) * 1000)
        painted = first_after(table_paints, done["at"]) if done["at"] else None
        last_due = fired[-1][0] if fired else start
        result_ms = (painted - last_due) * 1000 if painted else None
        spin(300)  # let the current paper's explanation run, as between queries
        return lags, result_ms, runs["n"]

    out: dict[str, dict] = {}
    for t_index, (name, mean_ms) in enumerate(TYPISTS.items()):
        lags: list[float] = []
        results: list[float] = []
        searches: list[int] = []
        for q_index, text in enumerate(TYPED):
            key_lags, result_ms, count = type_on_clock(
                text, gaps(mean_ms, len(text), seed=1000 * t_index + q_index))
            lags.extend(key_lags)
            searches.append(count)
            if result_ms is not None:
                results.append(result_ms)
        out[name] = {
            "searches_per_query": statistics.mean(searches),
            "input_lag_ms_p50": statistics.median(lags),
            "input_lag_ms_p95": pct(lags, 0.95),
            "last_key_to_results_ms_p50": statistics.median(results),
            "last_key_to_results_ms_p95": pct(results, 0.95),
            "queries": len(results),
        }
    out["load_average"] = os.getloadavg()[0]  # type: ignore[assignment]
    window.close()
    app.quit()
    return out


def main() -> None:
    if sys.argv[1] == "--probe":
        print(json.dumps(probe(Path(sys.argv[2]), int(sys.argv[3]))))
        return
    args = sys.argv[1:]
    debounces = [150]
    if "--debounce" in args:
        at = args.index("--debounce")
        debounces = [int(x) for x in args[at + 1:]]
        args = args[:at]
    for n in map(int, args):
        root = build_library(n)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        report = {}
        for debounce in debounces:
            proc = subprocess.run([sys.executable, "-m", "benchmarks.app_typing_bench", "--probe",
                                   str(root), str(debounce)], capture_output=True, text=True,
                                  env=env, timeout=1800)
            if proc.returncode:
                print(proc.stderr[-3000:])
                continue
            report[debounce] = json.loads(proc.stdout.strip().splitlines()[-1])
            print(label(n), f"debounce {debounce} ms", json.dumps(report[debounce]), flush=True)
        (BENCH_DIR / f"app_typing_{label(n)}.json").write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
