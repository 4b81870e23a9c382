"""The chip above the list that says which filter lists it (a bar clicked on the
Statistics page) and offers the way back: its × button, or Esc in the list."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget


class FilterChip(QFrame):
    """"Statistics ▸ 161 added in the week of 2026-12-07  ×"; ``cleared`` on × or Esc."""

    cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterChip")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(self.backgroundRole().AlternateBase)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 2, 2)
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.close_button = QToolButton(self)
        self.close_button.setText("×")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Clear this filter and go back to Statistics (Esc)")
        self.close_button.setAccessibleName("Clear the filter")
        layout.addWidget(self.label, 1)
        layout.addWidget(self.close_button)
        self.close_button.clicked.connect(self.cleared)
        self._escape: QAction | None = None
        self.hide()

    def escape_in(self, widget: QWidget) -> QAction:
        """Esc in ``widget`` (the list) clears the filter while the chip shows."""
        action = QAction("Clear the filter", widget)
        action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.setEnabled(False)
        action.triggered.connect(self.cleared)
        widget.addAction(action)
        self._escape = action
        return action

    def show_filter(self, description: str | None) -> None:
        """Show the chip for a filter (None hides it)."""
        self.label.setText(f"Statistics ▸ {description}" if description else "")
        self.setVisible(bool(description))
        if self._escape is not None:
            self._escape.setEnabled(bool(description))
