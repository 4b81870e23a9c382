"""Starting the app: names, and a library that cannot be opened."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from readq.library import LibraryError
from readq.ui import app as app_module


def test_a_library_that_cannot_be_opened_is_a_message_and_exit_1(qtbot, tmp_path,
                                                                   monkeypatch) -> None:
    root = tmp_path / "broken"
    root.mkdir()
    (root / "library.sqlite3").write_bytes(b"this is not a database" * 100)
    shown = []
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda parent, title, text: shown.append(text)))
    assert app_module.run_app(root, ["readq"]) == 1
    assert len(shown) == 1 and "cannot be opened" in shown[0]
    assert "\n" not in shown[0]


def test_the_application_is_named_readq(qapp) -> None:
    application = app_module.make_application(["readq"])
    assert application is qapp
    assert application.applicationName() == "readq"
    assert not app_module.app_icon().isNull()


def test_run_app_opens_the_window_and_backs_up_once_a_day(qtbot, seeded_root, settings) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from readq.library import Library

    from readq.ui.main_window import MainWindow

    waited = {"ms": 0}

    def close_when_backed_up() -> None:
        # close the window as the user would, once the backup is there (or after 20 s)
        backups = list((seeded_root / "backups").glob("*-daily.sqlite3"))
        if backups or waited["ms"] > 20_000:
            for widget in QApplication.topLevelWidgets():
                if isinstance(widget, MainWindow):
                    widget.close()
        else:
            waited["ms"] += 100
            QTimer.singleShot(100, close_when_backed_up)

    QTimer.singleShot(100, close_when_backed_up)
    assert app_module.run_app(seeded_root, ["readq"], settings=settings) == 0
    with Library(seeded_root) as library:
        assert [p.name for p in library.backups()][0].endswith("-daily.sqlite3")
        assert library.daily_backup() is None  # not twice in a day


def test_the_home_folder_is_refused_before_anything_is_made_in_it(qtbot, tmp_path,
                                                                   monkeypatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.tex").write_text("mine")
    monkeypatch.setenv("HOME", str(home))
    shown = []
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda parent, title, text: shown.append(text)))

    def no_window(root, settings):  # a window would run the event loop: fail instead
        raise LibraryError(f"a window was opened on {root}")

    monkeypatch.setattr(app_module, "MainWindow", no_window)
    assert app_module.run_app(home, ["readq"]) == 1
    assert len(shown) == 1 and "cannot be a library folder" in shown[0]
    assert sorted(p.name for p in home.iterdir()) == ["thesis.tex"]
