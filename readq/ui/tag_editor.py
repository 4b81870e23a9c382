"""The tag box: a paper's tags as removable chips and a line to add more, with completion.

Used in the detail pane (for the current paper, or every selected paper) and
in triage mode (key L). Typing ``rl, to read`` and Enter asks for two tags;
completion offers the library's tags for the word being typed (after the last
comma). Esc, or Enter on an empty line, gives the keys back (``done``). The
box only emits requests; the window applies them as undoable changes.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCompleter, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

REMOVE_SCHEME = "untag:"


class TagCompleter(QCompleter):
    """Completes the tag after the last comma, keeping the ones before it."""

    def __init__(self, line: QLineEdit) -> None:
        super().__init__(line)
        self._line = line
        self._model = QStringListModel([], self)
        self.setModel(self._model)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)

    def set_tags(self, tags: Sequence[str]) -> None:
        """The tags to offer."""
        self._model.setStringList(list(tags))

    def splitPath(self, path: str) -> list[str]:
        return [path.rsplit(",", 1)[-1].strip()]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        done = self._line.text().rsplit(",", 1)
        head = done[0] + ", " if len(done) > 1 else ""
        return head + str(index.data())


class TagLine(QLineEdit):
    """The line tags are typed in; Esc (or Enter on nothing) means done."""

    done = Signal()

    def event(self, event: QEvent) -> bool:
        """Enter and Esc belong to the line while it has the focus (the list's Enter
        shortcut would otherwise open the note)."""
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        popup = self.completer().popup() if self.completer() else None
        if event.key() == Qt.Key.Key_Escape and not (popup and popup.isVisible()):
            self.clear()
            self.done.emit()
            return
        super().keyPressEvent(event)


class TagBox(QWidget):
    """Chips for the tags a paper has, and a line to add tags."""

    add_requested = Signal(list)  # tag texts as typed
    remove_requested = Signal(list)  # stored tag names
    done = Signal()  # give the keys back to where they came from

    def __init__(self, parent: QWidget | None = None, *, caption: str = "Tags") -> None:
        super().__init__(parent)
        self.setObjectName("tagBox")
        self._tags: list[str] = []
        self.caption = QLabel(f"<b>{html.escape(caption)}</b>", self)
        self.chips = QLabel(self)
        self.chips.setWordWrap(True)
        self.chips.setTextFormat(Qt.TextFormat.RichText)
        self.chips.setAccessibleName("Tags")
        self.chips.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.chips.linkActivated.connect(self._on_link)
        self.line = TagLine(self)
        self.line.setAccessibleName("Add tags")
        self.line.setClearButtonEnabled(True)
        self.completer = TagCompleter(self.line)
        self.line.setCompleter(self.completer)
        self.line.returnPressed.connect(self._on_return)
        self.line.done.connect(self.done)
        self.set_target_count(1)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(8)
        top.addWidget(self.caption)
        top.addWidget(self.chips, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.line)

    @property
    def tags(self) -> list[str]:
        """The tags shown as chips."""
        return list(self._tags)

    def set_tags(self, tags: Sequence[str]) -> None:
        """Show a paper's tags (each with a × that asks to remove it)."""
        self._tags = sorted(tags)
        if not self._tags:
            self.chips.setText("<i>none yet — L adds one</i>")
            return
        quiet = self.palette().color(self.foregroundRole()).name()
        self.chips.setText("&nbsp; ".join(
            f'<span style="white-space:nowrap">#{html.escape(tag)}&nbsp;<a href="'
            f'{REMOVE_SCHEME}{html.escape(tag)}" style="color:{quiet}; text-decoration:none" '
            f'title="Remove this tag">×</a></span>' for tag in self._tags))

    def set_known(self, tags: Sequence[str]) -> None:
        """Every tag of the library, offered for completion."""
        self.completer.set_tags(tags)

    def set_target_count(self, count: int) -> None:
        """How many papers an added tag goes to (the placeholder says so)."""
        self.line.setPlaceholderText(
            "Add tags (comma between two), Enter" if count <= 1 else
            f"Add tags to the {count} selected papers, Enter")

    def focus_input(self) -> None:
        """Put the cursor in the line (key L)."""
        self.line.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.line.selectAll()

    def _on_return(self) -> None:
        text = self.line.text()
        parts = [p.strip() for p in text.split(",") if p.strip()]
        if not parts:
            self.done.emit()
            return
        self.line.clear()
        self.add_requested.emit(parts)

    def _on_link(self, link: str) -> None:
        if link.startswith(REMOVE_SCHEME):
            self.remove_requested.emit([link[len(REMOVE_SCHEME):]])
