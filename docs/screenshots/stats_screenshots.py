"""Take the README screenshots of the Statistics page (light and dark palettes).

The library is built by ``benchmarks.stats_library`` (synthetic papers imported
weekly over half a year, simulated triage sessions with backdated history)::

    python -m benchmarks.stats_library --papers 3000 --work /tmp/readq-shots --no-bench
    xvfb-run -a -s "-screen 0 1600x1000x24" \\
        python docs/screenshots/stats_screenshots.py /tmp/readq-shots/stats-3000

Writes ``stats_light.png`` and ``stats_dark.png`` (the window at 1600×1000) next
to this script, and ``/tmp/stats_page.png`` (the whole page, scrolled, to look at).
Settings live in a temporary folder; the library is only read.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from PySide6.QtWidgets import QApplication  # noqa: E402

from readq.ui.main_window import MainWindow  # noqa: E402
from readq.ui.settings import file_settings  # noqa: E402
from readq.ui.theme import apply_theme, dark_palette  # noqa: E402


def spin(app: QApplication, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def main() -> None:
    root = Path(sys.argv[1])
    app = QApplication([])
    apply_theme(app, "fusion")
    with tempfile.TemporaryDirectory() as tmp:
        window = MainWindow(root, file_settings(Path(tmp) / "readq.ini"),
                            start_background=False)
        window.resize(1600, 1000)
        window.show()
        spin(app, 0.5)
        window.show_statistics()
        deadline = time.monotonic() + 60
        while window.stats_page is None or not window.stats_page.ready:
            spin(app, 0.05)
            if time.monotonic() > deadline:
                raise SystemExit("the statistics did not arrive")
        spin(app, 1.0)
        window.grab().save(str(HERE / "stats_light.png"))
        window.stats_page.body.grab().save("/tmp/stats_page.png")
        app.setPalette(dark_palette())
        spin(app, 1.0)
        window.grab().save(str(HERE / "stats_dark.png"))
        window.close()


if __name__ == "__main__":
    main()
