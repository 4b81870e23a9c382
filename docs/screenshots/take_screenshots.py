"""Take the README screenshots of the app on a temporary library of the four fixtures.

Run under a real (virtual) X server so fonts and styles are the real ones::

    xvfb-run -a -s "-screen 0 1600x1000x24" python docs/screenshots/take_screenshots.py

Writes ``main_window.png`` (1600×1000), ``main_1024.png`` (1024×700),
``detail_note.png``, ``queue.png``, ``duplicates.png``, ``search.png``,
``export_dialog.png``, ``import_summary.png``, ``empty_library.png``, ``dark.png``
(1600×1000), ``dark_1024.png``, ``triage_light.png`` and ``triage_dark.png`` next
to this script. Nothing
touches the user's library or settings: both live in a temporary folder.
``--only triage`` takes just the two triage-mode screenshots.
"""

from __future__ import annotations

import argparse
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
        library.add_tags(ids[0:4] + ids[9:12], ["reasoning"])
        library.add_tags([ids[1], ids[10], ids[12], ids[20]], ["to-cite"])
        library.add_tags(ids[13:15], ["memory"])
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


def triage_shot(window: MainWindow, name: str) -> None:
    """Triage mode on the author-profile import, three decisions in, on a paper with
    authors, organisations, a code marker and two sightings."""
    with Library(window.root) as library:
        profile = next(i["id"] for i in library.imports() if i["file"].startswith("000_"))
        ids = library.view_ids(f"import:{profile}", sort="added")
        rows = library.papers(ids)
    window.show_view(f"import:{profile}")
    wait(200)
    window.start_triage(ids, "000_205de6c725f08f55.txt — author profile")
    page = window.triage_page

    def fits(r: dict) -> bool:
        return bool(r["has_code"] and r["orgs"] and r["authors"] and not r["note"]
                    and len(r["abstract"]) < 1300)

    wanted = next((r["id"] for r in rows if fits(r) and len(r["sightings"]) > 1),
                  next((r["id"] for r in rows if fits(r)), ids[0]))
    page.move(1)  # J, then three decisions, then back to the wanted card
    page.queue()
    page.rate(4)
    page.dismiss()
    if page.session is not None and page.session.go_to(wanted):
        page.refresh()
    wait(400)
    save(window, name)
    window.leave_triage()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["triage"], help="take only these screenshots")
    args = parser.parse_args()
    app = make_application(["readq"])
    app.setStyle("Fusion")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        root = tmp_path / "library"
        seed(root, tmp_path / "dumps")
        if args.only == "triage":
            return take_triage(app, root, tmp_path)

        window = open_window(root, tmp_path / "settings", (1600, 1000))
        window.show_view("inbox")
        window.table.select_row(1)
        wait(300)
        save(window, "main_window.png")
        window.resize(1024, 700)
        wait(300)
        save(window, "main_1024.png")
        window.resize(1440, 860)
        wait(200)

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
        window.table.select_ids(window.model.ids[:3], window.model.ids[0])
        dialog = window.workflow.open_export()
        dialog.set_format("bibtex")
        dialog.path_edit.setText("~/papers/agents.bib")
        wait(300)
        save(dialog, "export_dialog.png")
        dialog.reject()
        window.search.set_text("")

        window.close()

        # the summary of a first import into an empty library (new, merged, Triage button)
        fresh = open_window(tmp_path / "fresh", tmp_path / "settings-fresh", (1100, 640))
        fresh.imports.import_paths(all_dumps(tmp_path / "again"))
        wait(200, until=lambda: fresh.last_summary is not None and not fresh.imports.running)
        if fresh.last_summary is not None:
            wait(300)
            save(fresh.last_summary, "import_summary.png")
            fresh.last_summary.close()
        fresh.close()

        empty = open_window(tmp_path / "empty", tmp_path / "settings-empty", (1100, 640))
        wait(300)
        save(empty, "empty_library.png")
        empty.close()

        apply_theme(app, "dark")
        dark = open_window(root, tmp_path / "settings")
        dark.resize(1600, 1000)
        dark.show_view("all")
        dark.table.select_ids([noted], noted)
        wait(400)
        save(dark, "dark.png")
        dark.resize(1024, 700)
        wait(400)
        save(dark, "dark_1024.png")
        dark.close()
        wait(100)
        take_triage(app, root, tmp_path)
    QApplication.processEvents()
    return 0


def take_triage(app: QApplication, root: Path, tmp_path: Path) -> int:
    """``triage_light.png`` and ``triage_dark.png`` (each in a fresh copy of the library,
    so the decisions of the first do not show in the second)."""
    import shutil

    for theme, name in (("fusion", "triage_light.png"), ("dark", "triage_dark.png")):
        copy = tmp_path / f"library-{theme}"
        shutil.copytree(root, copy)
        app.setPalette(app.style().standardPalette())
        apply_theme(app, theme)
        window = open_window(copy, tmp_path / f"settings-{theme}", (1440, 860))
        triage_shot(window, name)
        window.close()
        wait(100)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
