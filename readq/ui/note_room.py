"""How much of the detail pane the note takes: little until a note is written.

An empty note editor that does not have the focus keeps a few lines' height, so the
abstract above it has the room; it grows to its share of the pane (the share the user
last dragged the splitter to) when it gets the focus or holds a note, and shrinks back
when it is left empty.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QPlainTextEdit, QSplitter, QWidget

EMPTY_LINES = 3  # the lines an empty, unfocused editor shows (its placeholder fits)
GROWN_SHARE = 0.4  # the note's share of the pane when grown, until the user drags


class NoteRoom(QObject):
    """Sizes the note's half of a vertical splitter (index 1) to what it holds."""

    def __init__(self, splitter: QSplitter, note_box: QWidget, editor: QPlainTextEdit) -> None:
        super().__init__(splitter)
        self.splitter = splitter
        self.note_box = note_box
        self.editor = editor
        self.grown_share = GROWN_SHARE
        self.compact = False
        self._sizing = False
        editor.installEventFilter(self)
        editor.textChanged.connect(self.update)
        splitter.splitterMoved.connect(self._on_moved)

    def compact_height(self) -> int:
        """The note box's height showing :data:`EMPTY_LINES` lines of the editor."""
        editor = self.editor
        lines = editor.fontMetrics().lineSpacing() * EMPTY_LINES
        frame = 2 * editor.frameWidth() + int(2 * editor.document().documentMargin())
        above = self.note_box.sizeHint().height() - editor.sizeHint().height()
        return lines + frame + max(0, above)

    def wants_room(self) -> bool:
        """The note is being written or holds text."""
        return self.editor.hasFocus() or bool(self.editor.toPlainText().strip())

    def update(self) -> None:
        """Grow or shrink the note to what it holds (nothing if already so)."""
        compact = not self.wants_room()
        total = sum(self.splitter.sizes())
        if total <= 0:
            self.compact = compact
            return
        note = self.compact_height() if compact else max(
            self.compact_height(), int(total * self.grown_share))
        if self.splitter.sizes()[1] == note and compact == self.compact:
            return
        self.compact = compact
        self.splitter.setStretchFactor(1, 0 if compact else 2)
        self._sizing = True
        try:
            self.splitter.setSizes([total - note, note])
        finally:
            self._sizing = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut, QEvent.Type.Show):
            self.update()
        return False

    def _on_moved(self, _pos: int, _index: int) -> None:
        """The user dragged the splitter: a grown note keeps that share from now on."""
        total = sum(self.splitter.sizes())
        if not self._sizing and not self.compact and total > 0:
            self.grown_share = self.splitter.sizes()[1] / total
