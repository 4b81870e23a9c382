"""The quick note of triage mode: the box under the card and the N / Esc behaviour.

The note is typed below the card, never inside it, so typing never triggers the
card's one-key decisions. It is saved through the window's triage actions (the
user lane) when the editor loses focus, when the user presses Esc or Ctrl+Enter,
and before any decision; a save that is refused keeps the text in the editor and
tries again on the next save.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from readq.ui.triage_widgets import QuickNote, tint_quiet

if TYPE_CHECKING:
    from readq.library import Library
    from readq.ui.triage import Triage
    from readq.ui.triage_card import TriageCard
    from readq.ui.triage_session import TriageSession


class QuickNoteBox(QFrame):
    """A caption and the note editor, hidden until N is pressed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("triageNoteBox")
        self.caption = QLabel("<b>Quick note</b> — Markdown; Esc saves and returns to "
                              "the card")
        tint_quiet(self.caption)
        self.editor = QuickNote()
        self.editor.setAccessibleName("Quick note")
        self.editor.setPlaceholderText("Why read it? What to check?")
        self.editor.setTabChangesFocus(True)
        self.editor.setFixedHeight(self.editor.fontMetrics().lineSpacing() * 6 + 14)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 6)
        layout.setSpacing(4)
        layout.addWidget(self.caption)
        layout.addWidget(self.editor)
        self.hide()


class TriageNotes:
    """The quick-note part of :class:`readq.ui.triage_mode.TriagePage`."""

    library: Library
    triage: Triage
    session: TriageSession | None
    card: TriageCard
    note_box: QuickNoteBox
    note_editor: QuickNote
    _card_touched: bool
    _note_paper: int | None
    _note_saved_text: str | None

    if TYPE_CHECKING:
        from PySide6.QtCore import SignalInstance
        message: SignalInstance
        note_saved: SignalInstance

        @property
        def active(self) -> bool: ...
        @property
        def showing_summary(self) -> bool: ...
        def _render_hints(self) -> None: ...

    def keep_card(self) -> None:
        """The user works on the card shown (a note, tags): the first ranking of the
        pass reorders the cards after it but never swaps it away."""
        self._card_touched = True

    def open_note(self) -> None:
        """N: write a quick note under the card (Esc saves and comes back)."""
        self._card_touched = True
        session = self.session
        if session is None or session.current is None or self.showing_summary:
            return
        paper_id = session.current
        rows = self.library.papers([paper_id])
        text = rows[0]["note"] if rows else ""
        self._note_paper = paper_id
        self._note_saved_text = text
        self.note_editor.setPlainText(text)
        self.note_box.show()
        self.note_editor.setFocus()
        self.note_editor.moveCursor(self.note_editor.textCursor().MoveOperation.End)
        self._render_hints()

    def save_note(self) -> bool:
        """Write the quick note if it changed (True when nothing is left unsaved)."""
        paper_id = self._note_paper
        if paper_id is None:
            return True
        text = self.note_editor.toPlainText()
        if text == self._note_saved_text:
            return True

        def refused(message: str) -> None:  # kept in the editor; retried on the next save
            if self._note_paper == paper_id and self._note_saved_text == text:
                self._note_saved_text = None
            self.message.emit(f"The note could not be saved: {message}")

        self.triage.save_note(paper_id, text, self.note_saved.emit, refused)
        self._note_saved_text = text
        if self.card.paper_id == paper_id:
            self.card.set_note(text)
        return True

    def close_note(self, refocus: bool = True) -> None:
        """Save the quick note, hide the editor, give the card the keys back."""
        if self._note_paper is None:
            return
        saved = self.save_note()
        if saved:
            self.message.emit("Note saved.")
        self._note_paper = None
        self.note_box.hide()
        self._render_hints()
        if refocus and self.active and not self.showing_summary:
            self.card.setFocus()
