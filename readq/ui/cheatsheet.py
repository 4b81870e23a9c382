"""The keyboard cheat sheet (F1 or ?): every shortcut, grouped like the menus.

Built from the same action table as the menus (``readq.ui.actions.SPECS``), so
it can never list a key the app does not have.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from readq.ui.actions import Actions

EXTRA = (
    ("Paper list", "Space / ↑ ↓", "Move between papers (Shift or Ctrl to select several)"),
    ("Paper list", "Drag and drop", "Reorder the queue (in the Queue view, unsorted)"),
    ("Search box", "Esc", "Clear the search and go back to the list"),
    ("Search box", "↓", "Go to the results"),
    ("Note editor", "Tab", "Leave the note (it is saved automatically)"),
    ("Triage mode", "Space / Page Down", "Scroll a long abstract"),
    ("Triage mode", "Esc (in the quick note)", "Save the note and go back to the card"),
)


def _keys(action_keys: list[QKeySequence]) -> str:
    return " / ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action_keys)


def cheatsheet_html(actions: Actions) -> str:
    """The cheat sheet as an HTML table."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for spec, action in actions.items():
        keys = action.shortcuts()
        if not keys:
            continue
        group = (spec.menu or "&Edit").replace("&", "")
        if spec.scope == "list":
            group = f"{group} (in the paper list)"
        elif spec.scope == "triage":
            group = "Triage mode"
        text = action.text().replace("&", "")
        if spec.name == "find_slash":
            text = "Search"
        groups.setdefault(group, []).append((_keys(keys), text))
    for group, keys, text in EXTRA:
        groups.setdefault(group, []).append((keys, text))
    parts = ['<table cellspacing="0" cellpadding="3" width="100%">']
    for group, rows in groups.items():
        parts.append(f'<tr><td colspan="2"><br><b>{html.escape(group)}</b></td></tr>')
        for keys, text in rows:
            parts.append(f"<tr><td width='35%'><code>{html.escape(keys)}</code></td>"
                         f"<td>{html.escape(text)}</td></tr>")
    parts.append("</table>")
    return "".join(parts)


class CheatSheet(QDialog):
    """A window listing the shortcuts."""

    def __init__(self, actions: Actions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.browser = QTextBrowser(self)
        self.browser.setOpenLinks(False)
        self.browser.setHtml(cheatsheet_html(actions))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(520, 640)
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
