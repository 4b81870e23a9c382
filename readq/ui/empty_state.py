"""What the centre of the window shows when there is nothing to list.

``WelcomePanel`` greets an empty library and offers the sample dumps, the
import dialog and the clipboard. ``EmptyView`` explains an empty view (what it
is for, or that a search found nothing) with an optional action button.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


def _centred(label: QWidget) -> QHBoxLayout:
    """A wrapped label centred in a row: as wide as its maximum when there is room,
    narrower (and taller) in a narrow window."""
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(label, 100)
    row.addStretch(1)
    return row


class WelcomePanel(QWidget):
    """The friendly panel of an empty library."""

    import_samples = Signal()
    import_files = Signal()
    paste = Signal()

    def __init__(self, samples_available: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("<h2>Your reading queue is empty</h2>", self)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(
            "readq reads the text of paper listings — an author profile, an arXiv listing, "
            "a trending list — copied from your browser or saved as a .txt file. "
            "Import some to start triaging: rate, queue, take notes, search offline.", self)
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setMaximumWidth(480)  # a narrow window wraps it more (see _centred)
        self.samples_button = QPushButton("Import the sample dumps", self)
        self.samples_button.setDefault(True)
        self.samples_button.setVisible(samples_available)
        self.files_button = QPushButton("Import dumps…", self)
        self.paste_button = QPushButton("Paste from clipboard", self)
        hint = QLabel("You can also drop .txt files onto this window.", self)
        hint.setEnabled(False)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.samples_button, self.files_button, self.paste_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(title)
        layout.addLayout(_centred(text))
        layout.addSpacing(12)
        layout.addLayout(buttons)
        layout.addSpacing(6)
        layout.addWidget(hint)
        layout.addStretch(3)

        self.samples_button.clicked.connect(self.import_samples)
        self.files_button.clicked.connect(self.import_files)
        self.paste_button.clicked.connect(self.paste)


class EmptyView(QWidget):
    """A message for an empty view, with an optional button."""

    action_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(self)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setEnabled(False)
        self.message.setMaximumWidth(460)
        self.button = QPushButton(self)
        self.button.clicked.connect(self.action_clicked)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(self.title)
        layout.addLayout(_centred(self.message))
        layout.addSpacing(8)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)

    def show_message(self, title: str, message: str, action: str = "") -> None:
        """Set the texts; an empty ``action`` hides the button."""
        self.title.setText(f"<h3>{html.escape(title)}</h3>")
        self.message.setText(message)
        self.message.setMinimumHeight(self.message.heightForWidth(self.message.width()))
        self.button.setText(action)
        self.button.setVisible(bool(action))
