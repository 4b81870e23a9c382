"""A note's preview reads no file and no URL: images are shown as ``[image: where]``.

``![](/dev/zero)`` once made Qt read until memory ran out (the app aborted) and a
FIFO blocked the window for ever, so those two run in a child process under a time
limit and an address-space limit: a regression fails the test instead of taking
the test run down with it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6 import QtGui
from PySide6.QtGui import QColor, QImage, QTextDocument, QTextImageFormat

from readq.ui.detail_pane import DetailPane
from readq.ui.note_editor import NoteEditor
from readq.ui.paper_model import AUTHORS, TAGS, TITLE, PaperModel
from readq.ui.safe_document import images_as_text, plain_tooltip

CHILD_SECONDS = 60
CHILD_ADDRESS_SPACE = 4 * 1024**3  # far above the app's need, far below /dev/zero's

# Shows a paper whose note (and every other field) names ``target`` as an image in
# the detail pane, opens the note's Preview tab, paints, and prints what is shown.
_CHILD = textwrap.dedent("""
    import json, resource, sys
    limit = int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from PySide6.QtWidgets import QApplication
    from readq.ui.detail_pane import DetailPane
    app = QApplication([])
    target = sys.argv[1]
    tag = f'<img src="{target}">'
    note = f"Figure: ![plot]({target})\\n\\n{tag}\\n\\n![ref][fig]\\n\\n[fig]: {target}\\n"
    pane = DetailPane(lambda _id, _text: None)
    pane.resize(700, 600)
    pane.show()
    row = {"id": 1, "title": tag + " title", "authors": [tag], "abstract": tag,
           "orgs": [tag], "comments": tag, "journal_ref": tag, "tags": ["x" + tag],
           "note": note}
    pane.show_paper(row)
    editor = pane.note_editor
    editor.tabs.setCurrentIndex(1)
    app.processEvents()
    pane.grab()
    app.processEvents()
    print(json.dumps({"preview": editor.preview.toPlainText(),
                      "requested": editor.preview.requested}))
""")


def _show_in_child(target: str) -> dict[str, object]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, target, str(CHILD_ADDRESS_SPACE)],
        capture_output=True, text=True, timeout=CHILD_SECONDS, env=env,
        cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-2000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_dev_zero_image_in_a_note_shows_a_placeholder_and_reads_nothing():
    shown = _show_in_child("/dev/zero")
    preview = str(shown["preview"])
    assert preview.count("[image: /dev/zero]") == 3  # inline, <img> and reference-style
    assert shown["requested"] == []


def test_fifo_image_in_a_note_does_not_block_the_window(tmp_path: Path):
    fifo = tmp_path / "figure.png"
    os.mkfifo(fifo)
    shown = _show_in_child(str(fifo))  # opening the FIFO would block: the timeout fails
    assert f"[image: {fifo}]" in str(shown["preview"])


def _editor(qtbot) -> NoteEditor:
    editor = NoteEditor(lambda _id, _text: None)
    qtbot.addWidget(editor)
    editor.resize(600, 400)
    editor.show()
    editor.tabs.setCurrentIndex(1)
    return editor


def _images(document: QTextDocument) -> list[str]:
    names = []
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                names.append(QTextImageFormat(fmt).name())
            it += 1
        block = block.next()
    return names


def _red_png(path: Path) -> None:
    image = QImage(7, 5, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    assert image.save(str(path))


def test_real_png_is_not_loaded(qtbot, tmp_path: Path):
    png = tmp_path / "plot.png"
    _red_png(png)
    editor = _editor(qtbot)
    editor.set_paper(1, f"See ![the plot]({png}) here.")
    editor.grab()
    assert editor.preview.toPlainText() == f"See [image: {png}] here."
    document = editor.preview.document()
    assert _images(document) == []
    # Even asked directly, the document answers with its own placeholder: Qt's file
    # fallback (which would decode the 7×5 red PNG) is never reached.
    answer = document.resource(QTextDocument.ResourceType.ImageResource.value,
                               QUrl.fromLocalFile(str(png)))
    assert isinstance(answer, QImage) and answer.size().toTuple() != (7, 5)
    assert answer.pixelColor(answer.width() // 2, 1) != QColor("red")


def test_image_forms_the_rewrite_does_not_know_are_drawn_placeholders(qtbot, tmp_path: Path):
    png = tmp_path / "plot.png"
    _red_png(png)
    editor = _editor(qtbot)
    editor.set_paper(1, f"x ![a [[b]] c]({png})")  # brackets nested too deep to rewrite
    editor.grab()
    document = editor.preview.document()
    assert _images(document) == [str(png)]
    assert editor.preview.requested == [str(png)]
    answer = document.resource(QTextDocument.ResourceType.ImageResource.value, QUrl(str(png)))
    assert isinstance(answer, QImage) and answer.size().toTuple() != (7, 5)


def test_remote_images_are_never_fetched(qtbot):
    editor = _editor(qtbot)
    editor.set_paper(1, "![x](http://example.invalid/a.png) <img src='https://example.invalid/b'>")
    editor.grab()
    text = editor.preview.toPlainText()
    assert "[image: http://example.invalid/a.png]" in text
    assert "[image: https://example.invalid/b]" in text
    assert _images(editor.preview.document()) == [] and editor.preview.requested == []


def test_rewrite_keeps_text_links_and_code_alone():
    note = "A [link](https://arxiv.org) and `![code](x)`? no: ![](y.png) and !important"
    assert images_as_text(note) == ("A [link](https://arxiv.org) and `![code](x)`? no: "
                                    "`[image: y.png]` and !important")
    assert images_as_text("![](<a b.png> 'title')") == "`[image: a b.png]`"
    assert images_as_text("![x](a`b)") == "``[image: a`b]``"


def test_detail_pane_preview_keeps_its_safe_document(qtbot, tmp_path: Path):
    png = tmp_path / "p.png"
    _red_png(png)
    pane = DetailPane(lambda _id, _text: None)
    qtbot.addWidget(pane)
    pane.show()
    pane.show_paper({"id": 1, "title": "One", "note": ""})
    pane.note_editor.tabs.setCurrentIndex(1)  # "No note yet." goes through setHtml
    pane.show_paper({"id": 2, "title": "Two", "note": f"![]({png})"})
    assert pane.note_editor.preview.toPlainText() == f"[image: {png}]"
    assert _images(pane.note_editor.preview.document()) == []


def _as_qt_shows_a_tooltip(text: str) -> QTextDocument:
    """The document Qt lays out for a tooltip: HTML when Qt guesses it is, else plain."""
    document = QTextDocument()
    if QtGui.Qt.mightBeRichText(text):  # Qt's own guess (QtGui's Qt namespace)
        document.setHtml(text)
    else:
        document.setPlainText(text)
    return document


def test_imported_titles_authors_and_tags_in_tooltips_are_text(qtbot, tmp_path: Path):
    png = tmp_path / "t.png"
    _red_png(png)
    tag = f'<img src="{png}">'
    row = {"id": 1, "title": f"{tag} A title", "authors": [f"{tag} Ada"],
           "tags": [f"{tag}x"], "published": "2024-01-01"}
    model = PaperModel(lambda ids: [dict(row, id=i) for i in ids])
    model.set_ids([1])
    for column in (TITLE, AUTHORS, TAGS):
        tip = model.index(0, column).data(Qt.ItemDataRole.ToolTipRole)
        document = _as_qt_shows_a_tooltip(tip)
        assert _images(document) == [], column
        assert tag in document.toPlainText()  # shown as written


def test_plain_tooltip_keeps_ordinary_text_and_line_breaks():
    assert plain_tooltip("Rate this paper") == "Rate this paper"
    shown = _as_qt_shows_a_tooltip(plain_tooltip("• a < b\n• <b>c</b> & d"))
    assert shown.toPlainText() == "• a < b\n• <b>c</b> & d"
