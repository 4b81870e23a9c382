"""Take the README screenshots of the app on a temporary library of the four fixtures.

Run under a real (virtual) X server so fonts and styles are the real ones::

    xvfb-run -a -s "-screen 0 1600x1000x24" python docs/screenshots/take_screenshots.py

Writes ``main_window.png``, ``detail_note.png``, ``queue.png``, ``duplicates.png``,
``search.png``, ``import_summary.png``, ``empty_library.png`` and ``dark.png`` next to this script. Nothing
touches the user's library or settings: both live in a temporary folder.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from readq.library import Library  # noqa: E402
from readq.store.database import now_iso  # noqa: E402
from readq.ui.app import make_application  # noqa: E402
from readq.ui.main_window import MainWindow  # noqa: E402
from readq.ui.settings import file_settings  # noqa: E402
from readq.ui.theme import apply_theme  # noqa: E402
from tests.helpers import all_dumps  # noqa: E402

NOTE = """## Why it matters

Self-notes let the model *think out loud* **mid-context**, instead of only at the end.

- compare with scratchpad / chain-of-thought
- reread §4 (memory tasks)
- [arXiv page](https://arxiv.org/abs/2305.00833)
"""


def wait(ms: int = 150, until: Callable[[], bool] | None = None, timeout: float = 20) -> None:
    """Let the event loop run (the script, not the app, waits like this)."""
    deadline = time.monotonic() + timeout
    while True:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()
        if until is None or until() or time.monotonic() > deadline:
            return


def save(widget: QWidget, name: str) -> None:
    path = HERE / name
    widget.grab().save(str(path))
    print("wrote", path.relative_to(ROOT))


def seed(root: Path, dumps_dir: Path) -> None:
    with Library(root) as library:
        library.import_paths(all_dumps(dumps_dir))
        library.sync_index()
        ids = library.view_ids("all")
        library.set_rating(ids[0:2], 5)
        library.set_rating(ids[2:5], 4)
        library.set_rating(ids[7:9], 3)
        library.set_status(ids[0:6], "read")
        library.set_dismissed(ids[60:63])
        library.queue_add([ids[12], ids[3], ids[25], ids[51], ids[88], ids[7]])
        library.set_note(library.resolve("2305.00833") if _has(library, "2305.00833")
                         else ids[3], NOTE)
        trending = library.view_ids("import:3")
        with library.store.transaction():  # one pair for the duplicates view
            library.store.add_possible_duplicate(trending[5], trending[9], 0.68, now_iso())
        library.sync_index()


def _has(library: Library, arxiv_id: str) -> bool:
    try:
        library.resolve(arxiv_id)
    except Exception:
        return False
    return True


def open_window(root: Path, settings_dir: Path, size: tuple[int, int] = (1440, 860)) -> MainWindow:
    window = MainWindow(root, file_settings(settings_dir / "readq.ini"))
    window.resize(*size)
    window.show()
    wait(200, until=lambda: not window.runner.busy())
    return window


def main() -> int:
    app = make_application(["readq"])
    app.setStyle("Fusion")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        root = tmp_path / "library"
        seed(root, tmp_path / "dumps")

        window = open_window(root, tmp_path / "settings")
        window.show_view("inbox")
        window.table.select_row(1)
        wait(300)
        save(window, "main_window.png")

        with Library(root) as library:
            noted = library.view_ids("notes")[0]
        window.show_view("all")
        window.table.select_ids([noted], noted)
        window.detail.note_editor.tabs.setCurrentIndex(1)
        wait(300)
        save(window.detail, "detail_note.png")
        window.detail.note_editor.tabs.setCurrentIndex(0)

        window.show_view("queue")
        window.table.select_row(0)
        wait(300)
        save(window, "queue.png")

        window.sidebar.select_key("duplicates")
        wait(300)
        save(window, "duplicates.png")

        window.show_view("inbox")
        window.search.set_text("agent reasoning")
        wait(200, until=lambda: window.query == "agent reasoning" and not window.runner.busy())
        window.table.select_row(0)
        wait(300)
        save(window, "search.png")
        window.search.set_text("")

        window.imports.import_paths(all_dumps(tmp_path / "again"))
        wait(200, until=lambda: window.last_summary is not None and not window.imports.running)
        if window.last_summary is not None:
            wait(300)
            save(window.last_summary, "import_summary.png")
            window.last_summary.close()
        window.close()

        empty = open_window(tmp_path / "empty", tmp_path / "settings-empty", (1100, 640))
        wait(300)
        save(empty, "empty_library.png")
        empty.close()

        apply_theme(app, "dark")
        dark = open_window(root, tmp_path / "settings")
        dark.show_view("all")
        dark.table.select_ids([noted], noted)
        wait(400)
        save(dark, "dark.png")
        dark.close()
        wait(100)
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
