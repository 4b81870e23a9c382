"""The search box: search as you type, inline query errors, and a syntax help popup.

Typing restarts a ``DEBOUNCE_MS`` timer; when it fires, ``query_changed`` is
emitted and the main window runs the search in the background. How many papers
match is shown beside the box (``show_count``). A malformed query is shown
under the box in red (``show_error``) while the previous results stay (the
window dims them). Escape clears the box; Down moves to the results.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from readq.ui.safe_document import plain_tooltip

# How long the box waits after a key before it searches. Measured at 100,000 papers
# with keys sent on a clock (benchmarks/app_typing_bench.py): 80 ms answers the last
# key 70-95 ms sooner than 150 ms did for steady and slow typists, while a key
# arriving as intermediate results paint still echoes within a frame (p95 <= 12 ms);
# at 60 ms that lag grew to 22-37 ms. At 180 ms a key or slower, even 150 ms searched
# at every key, so a shorter wait adds little work.
DEBOUNCE_MS = 80

SYNTAX_HELP = """
<h3 style="margin-top:0">Search syntax</h3>
<table cellspacing="0" cellpadding="3">
<tr><td><code>attention transformer</code></td><td>all the words, in title, authors, abstract or note</td></tr>
<tr><td><code>"a phrase"</code> <code>="a phrase"</code></td><td>words in this order (<code>"a b"~3</code>: up to 3 apart); with <code>=</code>: exactly these word forms</td></tr>
<tr><td><code>title:</code> <code>author:</code> <code>abstract:</code> <code>note:</code></td><td>search one field, e.g. <code>author:küttler</code>, <code>title:"a phrase"</code></td></tr>
<tr><td><code>category:LG</code> <code>org:meta-ai</code> <code>arxiv:2401.10020</code></td><td>category, organisation, arXiv id</td></tr>
<tr><td><code>year:2024</code> <code>year:&gt;=2022</code> <code>year:[2020 TO 2023]</code></td><td>publication year</td></tr>
<tr><td><code>a OR b</code> <code>a AND b</code> <code>NOT a</code> <code>-a</code> <code>(a OR b) c</code></td><td>combine words</td></tr>
<tr><td><code>trans*</code></td><td>words starting with “trans”</td></tr>
<tr><td><code>transfomer~</code></td><td>allow a typo (<code>~2</code>: two)</td></tr>
<tr><td><code>status:unread</code> <code>rating:&gt;=4</code> <code>queued:yes</code></td><td>your reading state</td></tr>
<tr><td><code>code:yes</code> <code>dismissed:no</code> <code>tag:NAME</code></td><td>code available, dismissed papers, your tags</td></tr>
</table>
<p>Words match any case and accents, and other forms of the same word, in phrases
too (“transformer” finds “Transformers”). A word with <code>~</code> or <code>*</code> has
at most 30 letters, starts with a letter and matches at most 500 words; <code>~</code>
needs 3 letters per typo. At most 8 such words, 16 words in a phrase, 40 in a query.
The search applies to the view selected in the sidebar; choose <b>All</b> to search
everything. Esc clears the search.</p>
"""


def count_text(shown: int, total: int) -> str:
    """"12 papers", or "1,000 of 4,213 papers" when only the best are listed."""
    noun = "paper" if total == 1 else "papers"
    return f"{total:,} {noun}" if shown >= total else f"{shown:,} of {total:,} {noun}"


def error_colour(palette: QPalette) -> QColor:
    """A red that reads well on the palette's window colour (light or dark)."""
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    return QColor("#ff8a80") if dark else QColor("#c62828")


class SearchHelp(QDialog):
    """A small window listing the query syntax (Esc closes it)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Search syntax")
        self.label = QLabel(SYNTAX_HELP, self)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setFixedWidth(560)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.addWidget(self.label)


class _Line(QLineEdit):
    """The query line: Escape clears, Down leaves for the results."""

    escape = Signal()
    down = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.escape.emit()
            return
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
            return
        super().keyPressEvent(event)


class SearchBox(QWidget):
    """Query line, "?" help button and an inline error line."""

    query_changed = Signal(str)  # debounced
    leave = Signal()  # the user wants to go back to the results

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line = _Line(self)
        self.line.setPlaceholderText("Search  (Ctrl+F or /)")
        self.line.setClearButtonEnabled(True)
        self.line.setAccessibleName("Search")
        self.line.setMinimumWidth(260)
        self.help_button = QToolButton(self)
        self.help_button.setText("?")
        self.help_button.setToolTip("Search syntax")
        self.help_button.setAutoRaise(True)
        self.count = QLabel(self)
        self.count.setAccessibleName("Search result count")
        self.count.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.count.hide()
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setAccessibleName("Search error")
        self.error.hide()
        self.help_popup: SearchHelp | None = None

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.line, 1)
        row.addWidget(self.count)
        row.addWidget(self.help_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.error)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._emit)
        self.line.textChanged.connect(lambda _text: self._timer.start())
        self.line.escape.connect(self._on_escape)
        self.line.down.connect(self.leave)
        self.help_button.clicked.connect(self.show_help)

    def text(self) -> str:
        """The query typed."""
        return self.line.text()

    def set_text(self, text: str, *, notify: bool = True) -> None:
        """Replace the query (a saved search); emits ``query_changed`` at once."""
        self._timer.stop()
        blocked = self.line.blockSignals(True)
        self.line.setText(text)
        self.line.blockSignals(blocked)
        self.clear_error()
        if notify:
            self.query_changed.emit(text.strip())

    def focus(self) -> None:
        """Put the cursor in the box with the query selected."""
        self.line.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.line.selectAll()

    def show_count(self, shown: int, total: int) -> None:
        """Show how many papers the query matches (``shown`` of them listed)."""
        self.count.setText(count_text(shown, total))
        self.count.show()

    def clear_count(self) -> None:
        """Hide the count (no query)."""
        self.count.hide()
        self.count.setText("")

    def show_error(self, message: str) -> None:
        """Show a query error in red under the box."""
        self.error.setText(message)
        palette = self.error.palette()
        palette.setColor(QPalette.ColorRole.WindowText, error_colour(self.palette()))
        self.error.setPalette(palette)
        self.error.show()
        self.line.setToolTip(plain_tooltip(message))

    def clear_error(self) -> None:
        """Hide the error line."""
        self.error.hide()
        self.error.setText("")
        self.line.setToolTip("")

    def has_error(self) -> bool:
        """Whether an error is shown."""
        return not self.error.isHidden()

    def show_help(self) -> None:
        """Open the syntax help next to the box."""
        if self.help_popup is None:
            self.help_popup = SearchHelp(self)
            self.help_popup.adjustSize()
            corner = self.mapToGlobal(QPoint(self.width() - self.help_popup.width(),
                                             self.line.height() + 4))
            self.help_popup.move(corner)
        if self.help_popup.isVisible():
            self.help_popup.raise_()
        else:
            self.help_popup.show()

    def _emit(self) -> None:
        self.query_changed.emit(self.line.text().strip())

    def _on_escape(self) -> None:
        if self.line.text():
            self.set_text("")
        self.leave.emit()
