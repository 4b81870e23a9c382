"""A note's preview stays bounded: huge tables and deeply nested HTML are shown as
text, the preview is rendered only while its tab is shown, ordinary notes keep their
tables and HTML. (Times are measured in benchmarks/bench_preview.py.)"""

from __future__ import annotations

from PySide6.QtGui import QTextTable

from readq.ui.note_editor import NoteEditor
from readq.ui.preview_limits import MAX_TABLE_COLUMNS, bounded_markdown


def _tables(editor: NoteEditor) -> list[QTextTable]:
    found = []
    frames = [editor.preview.document().rootFrame()]
    while frames:
        frame = frames.pop()
        if isinstance(frame, QTextTable):
            found.append(frame)
        frames.extend(frame.childFrames())
    return found


def _editor(qtbot) -> NoteEditor:
    editor = NoteEditor(lambda _id, _text: None)
    qtbot.addWidget(editor)
    editor.resize(600, 400)
    editor.show()
    return editor


def test_wide_table_and_nested_html_are_shown_as_text(qtbot):
    editor = _editor(qtbot)
    editor.tabs.setCurrentIndex(1)
    wide = "|" + "a|" * 5000 + "\n|" + "-|" * 5000 + "\n|" + "b|" * 5000
    editor.set_paper(1, wide)
    assert all(t.columns() <= MAX_TABLE_COLUMNS for t in _tables(editor))
    assert "Preview simplified" in editor.preview.toPlainText()
    nested = "<div>" * 3000 + "deep" + "</div>" * 3000
    editor.set_paper(2, nested)
    assert "<div><div>" in editor.preview.toPlainText()  # shown, not interpreted
    assert editor.text() == nested  # the note itself is untouched


def test_ordinary_notes_keep_tables_and_html(qtbot):
    editor = _editor(qtbot)
    editor.tabs.setCurrentIndex(1)
    editor.set_paper(1, "| a | b |\n|---|---|\n| 1 | 2 |\n\n<b>bold</b> text")
    tables = _tables(editor)
    assert len(tables) == 1 and tables[0].columns() == 2
    text = editor.preview.toPlainText()
    assert "bold text" in text and "<b>" not in text and "Preview simplified" not in text


def test_preview_is_rendered_only_when_its_tab_is_shown(qtbot):
    editor = _editor(qtbot)
    editor.set_paper(1, "# Heading\n\nbody")
    assert editor.preview.toPlainText() == ""  # on the Write tab: nothing rendered
    editor.tabs.setCurrentIndex(1)
    assert "Heading" in editor.preview.toPlainText()


def test_bounds_are_linear_and_leave_plain_notes_alone():
    note = "Some *markdown* with a [link](https://arxiv.org) and <i>html</i>.\n" * 50
    shown = bounded_markdown(note)
    assert shown.text == note and shown.allow_html and shown.notice == ""
    huge = "<span>" * 200_000
    shown = bounded_markdown(huge)
    assert not shown.allow_html and len(shown.text) < 10_000
