"""The window reports a dump whose records are nearly all empty, as the command line
does: the file is not imported and the summary gives the count."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog

from tests.ui.uihelpers import WAIT_MS


def test_a_dump_of_bare_ids_is_refused_with_the_count(qtbot, window, tmp_path,
                                                      monkeypatch) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("".join(f"arXiv:2501.{n:05d}\n" for n in range(10000, 10300)),
                   encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *a: ([str(ids)], "")))
    before = window.library.paper_count()
    with qtbot.waitSignal(window.import_done, timeout=WAIT_MS) as done:
        window.actions["import"].trigger()
    report = done.args[0][0]
    assert report.refused_empty
    summary = window.last_summary
    assert summary.cell(0, "Problems") == "failed"
    assert "1 failed" in summary.headline.text()
    shown = summary.details.toPlainText()
    assert "ids.txt was not imported" in shown
    assert "300 of 300 records have no title and no abstract" in shown
    assert window.library.paper_count() == before
