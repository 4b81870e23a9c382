"""Keys in a big list: a letter (Qt's type-to-find, which readq turns off) and End.

Opens the window offscreen on a library (no background index work) and times, in
the same run, Qt's own keyboard search (the anchor: what a letter did before) against
what a letter and End do now.

    QT_QPA_PLATFORM=offscreen nice -n 10 python -m benchmarks.bench_list_keys LIBRARY_DIR
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    """Print the time of each key, in ms."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QTableView

    from readq.ui.main_window import MainWindow
    from readq.ui.settings import file_settings

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        window = MainWindow(Path(sys.argv[1]), file_settings(Path(tmp) / "s.ini"),
                            start_background=False)
        window.resize(1280, 800)
        window.show()
        window.show_view("all")
        app.processEvents()
        table = window.table
        table.setFocus()
        table.select_row(0)
        print(f"rows: {window.model.rowCount():,}")

        def timed(label: str, action: object) -> None:
            start = time.perf_counter()
            action()  # type: ignore[operator]
            app.processEvents()
            print(f"{label:44} {1000 * (time.perf_counter() - start):8.1f} ms")

        timed("anchor: Qt's keyboard search for 'zz'",
              lambda: QTableView.keyboardSearch(table, "zz"))
        table.select_row(0)
        timed("letter 'b' typed in the list now", lambda: QTest.keyClick(table, Qt.Key.Key_B))
        timed("End (to the last row)", lambda: QTest.keyClick(table, Qt.Key.Key_End))
        print("last row reached:", table.currentIndex().row() == window.model.rowCount() - 1)
        window.close()


if __name__ == "__main__":
    main()
