"""The Markdown note editor of the detail pane, with a safe rendered preview.

Notes are never lost: the text is saved ``AUTOSAVE_MS`` after the last
keystroke, when the editor loses focus, before another paper is shown, and when
the window closes (``flush``). Saving goes through an injected function (the
main window queues the note as an operation on the user lane and returns at
once); a write refused later comes back through ``save_failed_later``.

The preview never reads a file or the network: images are shown as the text
``[image: where]`` and its document answers every resource request itself
(``safe_document``), and links open only if they are http(s), in the user's browser. It is rendered
only while its tab is shown, within
the bounds of ``preview_limits`` (huge tables and deeply nested HTML shown as text),
so no note can freeze the window.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtGui import QFocusEvent, QFont, QFontDatabase, QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QStackedWidget,
    QTabBar,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from readq.ui.links import open_url
from readq.ui.preview_limits import bounded_markdown
from readq.ui.safe_document import ResourceFreeDocument, images_as_text, plain_tooltip

AUTOSAVE_MS = 700

SaveNote = Callable[[int, str], None]


class SafeBrowser(QTextBrowser):
    """A text browser that reads nothing and opens only http(s) links externally."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._open)
        self.setDocument(ResourceFreeDocument(self))

    @property
    def requested(self) -> list[str]:
        """Resources the content asked for (each answered by a placeholder)."""
        document = self.document()
        return document.requested if isinstance(document, ResourceFreeDocument) else []

    def loadResource(self, type: int, name: QUrl) -> object:  # noqa: A002 (Qt's name)
        """Answered by the document itself: nothing is read from disk or network."""
        return self.document().loadResource(type, name)

    def _open(self, url: QUrl) -> None:
        open_url(url)


class _Editor(QPlainTextEdit):
    """The Markdown source; tells its owner when it loses focus."""

    focus_lost = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.focus_lost.emit()


class NoteEditor(QWidget):
    """Markdown source and preview tabs for one paper's note."""

    saved = Signal(int)  # paper id, after the note was written to the store
    save_failed = Signal(str)

    def __init__(self, save: SaveNote, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._save = save
        self._paper_id: int | None = None
        self._saved_text = ""

        self.tabs = QTabBar(self)
        self.tabs.addTab("Write")
        self.tabs.addTab("Preview")
        self.tabs.setDrawBase(False)
        self.tabs.setExpanding(False)
        self.status = QLabel(self)
        self.status.setEnabled(False)  # the palette's disabled text: quiet, not shouting
        title = QLabel("<b>Note</b>", self)

        self.editor = _Editor(self)
        self.editor.setPlaceholderText("Write a note in Markdown… (saved automatically)")
        self.editor.setTabChangesFocus(True)
        self.editor.setAccessibleName("Note")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.editor.setFont(mono)
        self.preview = SafeBrowser(self)
        self.preview.setAccessibleName("Note preview")
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.editor)
        self.stack.addWidget(self.preview)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(title)
        top.addSpacing(8)
        top.addWidget(self.tabs)
        top.addStretch(1)
        top.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self.flush)
        self.editor.textChanged.connect(self._on_changed)
        self.editor.focus_lost.connect(self.flush)
        self.tabs.currentChanged.connect(self._on_tab)
        self.set_paper(None, "")

    # --- API ---------------------------------------------------------------------------

    @property
    def paper_id(self) -> int | None:
        """The paper whose note is shown."""
        return self._paper_id

    def text(self) -> str:
        """The note as typed."""
        return self.editor.toPlainText()

    def is_dirty(self) -> bool:
        """Whether typed text has not been saved yet."""
        return self._paper_id is not None and self.text() != self._saved_text

    def set_paper(self, paper_id: int | None, text: str) -> None:
        """Save the current note if needed, then show another paper's note."""
        self.flush()
        self._paper_id = paper_id
        self._saved_text = text
        blocked = self.editor.blockSignals(True)
        self.editor.setPlainText(text)
        self.editor.blockSignals(blocked)
        self.editor.setEnabled(paper_id is not None)
        self.status.setText("")
        self._render_if_shown()

    def flush(self) -> bool:
        """Save now if there are unsaved changes; True if nothing is left unsaved."""
        self._timer.stop()
        if not self.is_dirty():
            return True
        assert self._paper_id is not None
        text = self.text()
        try:
            self._save(self._paper_id, text)
        except Exception as exc:  # shown, kept dirty, retried on the next change or flush
            self.status.setText("Not saved!")
            self.status.setToolTip(plain_tooltip(str(exc)))
            self.save_failed.emit(str(exc))
            return False
        self._saved_text = text
        self.status.setText("Saved")
        self.status.setToolTip("")
        self.saved.emit(self._paper_id)
        return True

    def save_failed_later(self, paper_id: int, text: str, message: str) -> None:
        """A queued save was refused (e.g. the library stayed busy): the note is kept
        in the editor, shown as not saved, and saved again on the next change or flush."""
        if paper_id == self._paper_id and self._saved_text == text:
            self._saved_text = None  # type: ignore[assignment]  # dirty again
            self.status.setText("Not saved!")
            self.status.setToolTip(plain_tooltip(message))
        self.save_failed.emit(message)

    def focus_editor(self) -> None:
        """Show the source tab and put the cursor at the end of the note."""
        self.tabs.setCurrentIndex(0)
        self.editor.setFocus()
        self.editor.moveCursor(self.editor.textCursor().MoveOperation.End)

    # --- internals ---------------------------------------------------------------------

    def _on_changed(self) -> None:
        if self._paper_id is None:
            return
        self.status.setText("Editing…" if self.is_dirty() else "")
        self._timer.start()

    def _on_tab(self, index: int) -> None:
        if index == 1:
            self.flush()
            self._render()
        self.stack.setCurrentIndex(index)

    def _render_if_shown(self) -> None:
        if self.tabs.currentIndex() == 1:
            self._render()
        else:
            self.preview.clear()  # rendered when the Preview tab is opened

    def _render(self) -> None:
        text = self.text()
        if not text.strip():
            self.preview.setHtml("<p><i>No note yet.</i></p>")
            return
        shown = bounded_markdown(text)
        features = QTextDocument.MarkdownFeature.MarkdownDialectGitHub
        if not shown.allow_html:
            features = features | QTextDocument.MarkdownFeature.MarkdownNoHTML
        markdown = images_as_text(shown.text)
        body = f"*{shown.notice}*\n\n{markdown}" if shown.notice else markdown
        self.preview.document().setMarkdown(body, features)
