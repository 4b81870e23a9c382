"""Notes are never lost: debounced autosave, focus-out, switching papers, closing.

Also: the preview never loads resources, and opens only http(s) links.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices

from readq.library import Library
from readq.ui.main_window import MainWindow
from readq.ui.note_editor import AUTOSAVE_MS
from tests.ui.uihelpers import WAIT_MS, focus_list, written


def stored_note(window: MainWindow, paper_id: int) -> str:
    written(window)
    with Library(window.root) as library:
        return library.paper(paper_id)["note"]


def open_note(qtbot, window: MainWindow) -> int:
    focus_list(qtbot, window)
    paper_id = window.table.current_id()
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    assert window.detail.note_editor.editor.hasFocus()
    return paper_id


def test_note_is_saved_after_the_debounce_and_becomes_searchable(qtbot, window) -> None:
    paper_id = open_note(qtbot, window)
    qtbot.keyClicks(window.detail.note_editor.editor, "Zanzibarian idea, reread section 3")
    assert stored_note(window, paper_id) == ""  # not on every keystroke…
    qtbot.waitUntil(lambda: stored_note(window, paper_id) != "", timeout=AUTOSAVE_MS * 5)
    assert stored_note(window, paper_id) == "Zanzibarian idea, reread section 3"
    assert window.detail.note_editor.status.text() == "Saved"
    # …then the index catches up in the background and the note is searchable
    with qtbot.waitSignal(window.index_synced, timeout=WAIT_MS, raising=False):
        pass
    qtbot.waitUntil(lambda: not window.runner.busy(), timeout=WAIT_MS)
    window.show_view("all")
    with qtbot.waitSignal(window.search_done, timeout=WAIT_MS):
        window.search.set_text("note:zanzibarian")
    assert window.model.ids == [paper_id]
    qtbot.waitUntil(lambda: window.counts().get("view:notes") == 1, timeout=WAIT_MS)


def test_note_is_saved_when_the_window_closes_at_once(qtbot, window, open_window,
                                                      settings) -> None:
    paper_id = open_note(qtbot, window)
    qtbot.keyClicks(window.detail.note_editor.editor, "Quokkas closing right away")
    window.close()
    written(window)
    with Library(window.root) as library:
        assert library.paper(paper_id)["note"] == "Quokkas closing right away"
    # indexed before the window closed, or at the next start at the latest
    again = open_window(window.root, settings)
    again.show_view("all")
    with qtbot.waitSignal(again.search_done, timeout=WAIT_MS):
        again.search.set_text("quokkas")
    assert again.model.ids == [paper_id]


def test_note_is_saved_when_switching_papers_and_on_focus_out(qtbot, window) -> None:
    paper_id = open_note(qtbot, window)
    qtbot.keyClicks(window.detail.note_editor.editor, "first")
    window.table.select_row(1)  # another paper: the note is saved before it is shown
    assert stored_note(window, paper_id) == "first"
    assert window.detail.note_editor.text() == ""
    window.table.select_row(0)
    assert window.detail.note_editor.text() == "first"
    window.detail.note_editor.focus_editor()
    qtbot.keyClicks(window.detail.note_editor.editor, " second")
    focus_list(qtbot, window)  # focus leaves the editor
    assert stored_note(window, paper_id) == "first second"


def test_preview_renders_markdown_without_fetching_anything(qtbot, window, monkeypatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        staticmethod(lambda url: opened.append(url.toString()) or True))
    editor = window.detail.note_editor
    open_note(qtbot, window)
    editor.editor.setPlainText("# Heading\n\n**bold** and ![tracker](https://evil.example/p.png)"
                               " and ![local](file:///etc/passwd)\n\n[site](https://arxiv.org)")
    editor.tabs.setCurrentIndex(1)
    preview = editor.preview
    assert preview.isVisible()
    assert "Heading" in preview.toPlainText()
    text = preview.toPlainText()
    assert "[image: https://evil.example/p.png]" in text  # shown as text, never asked for
    assert "[image: file:///etc/passwd]" in text and "root:" not in text
    assert preview.requested == []
    preview.anchorClicked.emit(QUrl("https://arxiv.org"))
    preview.anchorClicked.emit(QUrl("file:///etc/passwd"))
    preview.anchorClicked.emit(QUrl("javascript:alert(1)"))
    assert opened == ["https://arxiv.org"]


def test_detail_pane_shows_the_paper_with_links(qtbot, window, monkeypatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        staticmethod(lambda url: opened.append(url.toString()) or True))
    window.show_view("all")
    written(window)
    with Library(window.root) as library:
        with_id = library.resolve("2309.07974")
        trending = library.view_ids("import:3")[0]
        row = library.paper(with_id)
    window.table.select_ids([with_id], with_id)
    detail = window.detail
    assert row["title"] in detail.title.text()
    assert "Gabriel Synnaeve" in detail.authors.text()
    assert "meta-ai" in detail.orgs.text()
    assert "2023-09-14" in detail.meta.text() and "LG" in detail.meta.text()
    assert "https://arxiv.org/abs/2309.07974" in detail.links.text()
    assert "https://arxiv.org/pdf/2309.07974" in detail.links.text()
    seen = detail.sightings.text().replace("\u200b", "")  # (places where a name may wrap)
    assert "000_205de6c725f08f55.txt" in seen
    assert "001_d5aa900eb10551bc.txt" in seen
    detail.links.linkActivated.emit("https://arxiv.org/abs/2309.07974")
    assert opened == ["https://arxiv.org/abs/2309.07974"]
    window.table.select_ids([trending], trending)
    assert "arxiv.org/search/?query=" in detail.links.text()  # no id: a title search
