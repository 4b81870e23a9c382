"""Starting the app: names, and a library that cannot be opened."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

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
