"""Measure the app's start and search-as-you-type latency (a script, not a test).

    xvfb-run -a python tests/ui/bench_ui.py [LIBRARY]

Without LIBRARY, a temporary library of the four fixtures is made first. Prints
the time from process start to the window's first paint, and, for a few
queries typed key by key, the time from the last keystroke to the results being
shown (this includes the typing debounce, ``DEBOUNCE_MS``).
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def process_age() -> float:
    """Seconds since this process started (Linux: /proc), so start-up includes imports."""
    import os

    ticks = os.sysconf("SC_CLK_TCK")
    started = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19]) / ticks
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    return uptime - started


def seed(root: Path) -> None:
    from readq.library import Library
    from tests.helpers import all_dumps

    with Library(root) as library:
        library.import_paths(all_dumps(root.parent / "dumps"))
        library.sync_index()


def main() -> int:
    tmp = tempfile.TemporaryDirectory()
    if len(sys.argv) > 1:
        root = Path(sys.argv[1])
    else:
        root = Path(tmp.name) / "library"
        seed(root)
    seeded = time.perf_counter()

    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
    from PySide6.QtTest import QTest

    from readq.ui.app import make_application
    from readq.ui.main_window import MainWindow
    from readq.ui.search_box import DEBOUNCE_MS
    from readq.ui.settings import file_settings

    painted: list[float] = []
    ages: list[float] = []

    class FirstPaint(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not painted:
                painted.append(time.perf_counter())
                ages.append(process_age())
            return False

    app = make_application(["readq"])
    window = MainWindow(root, file_settings(Path(tmp.name) / "bench.ini"))
    spy = FirstPaint()
    window.table.viewport().installEventFilter(spy)
    window.show()

    def wait(until, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not until() and time.monotonic() < deadline:
            loop = QEventLoop()
            QTimer.singleShot(5, loop.quit)
            loop.exec()

    wait(lambda: bool(painted))
    if len(sys.argv) > 1:
        print(f"process start to first paint of the list: {ages[0] * 1000:.0f} ms "
              f"(script start to first paint {(painted[0] - STARTED) * 1000:.0f} ms)")
    else:
        print(f"first paint {(painted[0] - seeded) * 1000:.0f} ms after seeding "
              "(pass a library folder to measure a cold start)")
    wait(lambda: not window.runner.busy())
    print(f"background index check done after {(time.perf_counter() - painted[0]) * 1000:.0f} ms")

    latencies = []
    for query in ("agent", "reasoning memory", "author:synnaeve", "transfomer~", "lang*",
                  "title:preference", "self play", "agent", "language model", "rl"):
        window.search.set_text("", notify=True)
        wait(lambda: window.query == "")
        window.search.line.setFocus()
        done: list[float] = []
        window.search_done.connect(lambda q, done=done: done.append(time.perf_counter()))
        QTest.keyClicks(window.search.line, query)
        typed = time.perf_counter()
        wait(lambda: bool(done) and window.query == query)
        latencies.append((done[-1] - typed) * 1000)
        print(f"  {query!r}: {latencies[-1]:.0f} ms, {window.model.rowCount()} results")
        window.search_done.disconnect()
    print(f"last keystroke to results: median {statistics.median(latencies):.0f} ms, "
          f"max {max(latencies):.0f} ms (debounce {DEBOUNCE_MS} ms included)")
    window.close()
    app.quit()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
