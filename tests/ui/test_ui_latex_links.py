"""The detail pane shows an abstract's LaTeX as read: an \\href is a link that opens,
the authors' own macros keep their names."""

from __future__ import annotations

from readq.ui.main_window import MainWindow


def _paper_whose_abstract_has(window: MainWindow, needle: str) -> int:
    ids = window.library.view_ids("all", sort="id")
    return next(i for i in ids if needle in (window.library.paper(i)["abstract"] or ""))


def test_an_href_in_the_abstract_is_a_link_and_macros_keep_their_names(qtbot, window) -> None:
    window.show_view("all")
    paper = _paper_whose_abstract_has(window, r"\href{")
    window.table.select_ids([paper], paper)
    shown = window.detail.abstract.text()
    assert '<a href="https://github.com/NathanHerr/LLM-First-Search">LLM-First-Search</a>' \
        in shown
    assert "\\href" not in shown and "{LLM" not in shown

    paper = _paper_whose_abstract_has(window, r"\searchformer{}")
    window.table.select_ids([paper], paper)
    shown = window.detail.abstract.text()
    assert "traces than searchformer." in shown
    assert "96.6% optimal rate" in shown
