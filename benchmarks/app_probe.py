"""Start the app on a library, offscreen, and report (as JSON on stdout) the time from
process start to a usable window (the first view listed) and the resident memory.

    QT_QPA_PLATFORM=offscreen python -m benchmarks.app_probe LIBRARY_DIR
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402


def rss_mb() -> float:
    """Resident set size of this process, in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    """Open the window, wait for the first view, print the figures."""
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from readq.ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    settings_file = Path(tempfile.mkdtemp()) / "probe.ini"
    settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
    window = MainWindow(Path(sys.argv[1]), settings)
    result: dict[str, float] = {}

    def loaded() -> None:
        if "app_start_s" not in result:
            result["app_start_s"] = time.perf_counter() - STARTED
            # let background start-up work settle, then measure memory
            QTimer.singleShot(3000, finish)

    def finish() -> None:
        result["app_rss_mb"] = rss_mb()
        window.close()
        app.quit()

    # the first view is listed while the window is built; it is usable once shown
    # and the event loop has painted it
    window.view_loaded.connect(loaded)
    window.show()
    QTimer.singleShot(0, loaded)
    QTimer.singleShot(60_000, app.quit)
    app.exec()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
