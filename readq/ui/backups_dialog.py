"""File ▸ Restore…: the library's backups with their reason and date, to pick one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from readq.ui.safe_document import plain_tooltip


def describe_backup(entry: dict[str, Any]) -> str:
    """``2026-11-29 18:40 — before an import (1.2 MB)``."""
    when = entry["made_at"]
    stamp = f"{when:%Y-%m-%d %H:%M}" if when else Path(entry["path"]).name
    return f"{stamp} — {entry['reason_text']} ({entry['size'] / 1e6:.1f} MB)"


class BackupsDialog(QDialog):
    """Lists backups, newest first; ``chosen`` is the one picked (or None)."""

    def __init__(self, backups: list[dict[str, Any]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore a backup")
        self.chosen: Path | None = None
        self.list = QListWidget(self)
        for entry in backups:
            item = QListWidgetItem(describe_backup(entry))
            item.setData(Qt.ItemDataRole.UserRole, str(entry["path"]))
            item.setToolTip(plain_tooltip(str(entry["path"])))
            self.list.addItem(item)
        if backups:
            self.list.setCurrentRow(0)
        intro = QLabel("Restoring replaces the library with the chosen copy. The library as "
                       "it is now is backed up first, so a restore can be undone by "
                       "restoring that copy." if backups else
                       "There are no backups yet: File ▸ Back up now makes one.", self)
        intro.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.restore_button = buttons.addButton("Restore", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(bool(backups))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.list.itemDoubleClicked.connect(lambda *_: self._accept())
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(520, 360)

    def _accept(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.chosen = Path(item.data(Qt.ItemDataRole.UserRole))
            self.accept()
