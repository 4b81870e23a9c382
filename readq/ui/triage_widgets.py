"""Triage mode's small widgets and the colour and text helpers they share.

The quick-note editor, the progress line, the centred scroll column, the elided
one-line label and the end-of-pass summary panel used by
:class:`~readq.ui.triage_mode.TriagePage`, plus the palette helpers (quiet text
colour, colour mixing) and the font and label helpers used by
:class:`~readq.ui.triage_card.TriageCard`.
"""

from __future__ import annotations

import html
from datetime import date

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from readq.models import DumpFormat
from readq.ui.safe_document import plain_tooltip
from readq.ui.triage_session import Summary


def mix(a: QColor, b: QColor, amount: float) -> QColor:
    """``a`` moved ``amount`` (0–1) of the way towards ``b``."""
    return QColor(round(a.red() + (b.red() - a.red()) * amount),
                  round(a.green() + (b.green() - a.green()) * amount),
                  round(a.blue() + (b.blue() - a.blue()) * amount))


def quiet_colour(palette: QPalette) -> QColor:
    """Secondary text: between the text and the base colour, still easy to read."""
    return mix(palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base),
               0.38)


def tint_quiet(label: QLabel) -> None:
    """Give a label the quiet text colour of its palette (call again on palette changes)."""
    palette = label.parentWidget().palette() if label.parentWidget() else label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, quiet_colour(palette))
    label.setPalette(palette)


def pretty_date(iso: str | None, inferred: bool = False) -> str:
    """``2023-09-14`` → ``Sep 14, 2023`` (marked when the year was inferred)."""
    if not iso:
        return ""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    text = f"{day:%b} {day.day}, {day.year}"
    return text + " (year inferred)" if inferred else text


def format_label(fmt: str) -> str:
    """A dump kind in words."""
    try:
        return DumpFormat(fmt).label
    except ValueError:
        return fmt


def scaled_font(font: QFont, scale: float, bold: bool = False) -> QFont:
    """``font`` at ``scale`` times its point size, bold if asked."""
    result = QFont(font)
    result.setPointSizeF(font.pointSizeF() * scale)
    result.setBold(bold)
    return result


def rich_label(parent: QWidget, selectable: bool = True) -> QLabel:
    """A word-wrapped rich-text label for the card, selectable unless told."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setOpenExternalLinks(False)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    return label



class QuickNote(QPlainTextEdit):
    """The quick-note editor: Esc (or Ctrl+Enter) means done; focus loss saves."""

    done = Signal()
    focus_lost = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if key == Qt.Key.Key_Escape or (ctrl and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            event.accept()
            self.done.emit()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.focus_lost.emit()



class ProgressLine(QWidget):
    """A thin progress line (done / total). Unlike ``QProgressBar``, whose
    ``setValue`` repaints the window synchronously, it only schedules a paint, so a
    card is painted once, after its layout is done."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._done = 0
        self._total = 1
        self.setFixedHeight(4)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_progress(self, done: int, total: int) -> None:
        """Show ``done`` of ``total``."""
        if (done, total) != (self._done, self._total):
            self._done, self._total = done, max(1, total)
            self.update()

    def value(self) -> tuple[int, int]:
        """(done, total)."""
        return self._done, self._total

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        palette = self.palette()
        rect = self.rect()
        radius = rect.height() / 2
        painter.setBrush(mix(palette.color(QPalette.ColorRole.Window),
                             palette.color(QPalette.ColorRole.Text), 0.12))
        painter.drawRoundedRect(rect, radius, radius)
        width = round(rect.width() * self._done / self._total)
        if width:
            filled = rect.adjusted(0, 0, width - rect.width(), 0)
            painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(filled, radius, radius)
        painter.end()


class Centre(QWidget):
    """The scroll area's content: keeps its column centred and at most ``width`` wide."""

    def __init__(self, column: QWidget, width: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.column = column
        self.max_width = width
        self._layout = QHBoxLayout(self)
        self._layout.addWidget(column)

    def minimumSizeHint(self) -> QSize:
        # The word-wrapped labels' own minimum (their height at a narrow width) would
        # make the scroll area scroll a card that fits; its height-for-width is used.
        return QSize(320, 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        side = max(16, (event.size().width() - self.max_width) // 2)
        self._layout.setContentsMargins(side, 12, side, 16)
        super().resizeEvent(event)


class ElidedLabel(QLabel):
    """One line of quiet plain text, cut with "…" to the width it gets."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)
        self._recolour()

    def full_text(self) -> str:
        """The text before eliding."""
        return self._full

    def set_full_text(self, text: str) -> None:
        """Show ``text``, elided if it is too long."""
        self._full = text
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight,
                                              max(0, self.width() - 2))
        if shown != self.text():
            self.setText(shown)
        self.setToolTip(plain_tooltip(self._full) if shown != self._full else "")

    def _recolour(self) -> None:
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.WindowText, quiet_colour(palette))
        self.setPalette(palette)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            self.setPalette(QPalette())
            self._recolour()


class TriageSummaryPanel(QWidget):
    """What the pass did, and where to go next."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("triageSummary")
        self.heading = QLabel(self)
        self.heading.setFont(scaled_font(self.font(), 1.7, bold=True))
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.subline = QLabel(self)
        self.subline.setTextFormat(Qt.TextFormat.PlainText)  # names the user's pass
        self.subline.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.subline.setWordWrap(True)
        self.numbers: dict[str, QLabel] = {}
        self.quiet_labels: list[QLabel] = [self.subline]
        grid = QGridLayout()
        grid.setHorizontalSpacing(36)
        grid.setVerticalSpacing(2)
        for column, (key, caption) in enumerate((("queued", "queued"), ("rated", "rated"),
                                                 ("read", "marked read"),
                                                 ("dismissed", "dismissed"),
                                                 ("not_this", "not this"),
                                                 ("skipped", "skipped"))):
            number = QLabel("0", self)
            number.setFont(scaled_font(self.font(), 2.2, bold=True))
            number.setAlignment(Qt.AlignmentFlag.AlignCenter)
            number.setAccessibleName(caption)
            words = QLabel(caption, self)
            words.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.quiet_labels.append(words)
            grid.addWidget(number, 0, column)
            grid.addWidget(words, 1, column)
            self.numbers[key] = number
        self.read_button = QPushButton("Start reading the queue", self)
        self.read_button.setAutoDefault(True)
        self.read_button.setDefault(True)
        self.back_button = QPushButton("Back to the list", self)
        self.back_button.setAutoDefault(True)
        self.hint = QLabel("Enter on a button · Tab moves between them · Z undoes the last "
                           "decision · Esc goes back to the list", self)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.quiet_labels.append(self.hint)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.read_button)
        buttons.addSpacing(8)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(self.heading)
        layout.addSpacing(4)
        layout.addWidget(self.subline)
        layout.addSpacing(28)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addLayout(grid)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addSpacing(32)
        layout.addLayout(buttons)
        layout.addSpacing(14)
        layout.addWidget(self.hint)
        layout.addStretch(3)
        self.retint()

    def retint(self) -> None:
        """Quiet labels follow the palette."""
        for label in self.quiet_labels:
            tint_quiet(label)

    def counts(self) -> dict[str, int]:
        """The numbers shown (tests, accessibility)."""
        return {key: int(label.text()) for key, label in self.numbers.items()}

    def set_summary(self, summary: Summary, label: str, queue_length: int) -> None:
        """Show the counts of a finished pass."""
        self.heading.setText("Triage done")
        every = "the paper" if summary.total == 1 else f"all {summary.total} papers"
        queue = (f"Your reading queue holds {queue_length} "
                 f"paper{'s' if queue_length != 1 else ''}." if queue_length
                 else "Your reading queue is empty.")
        self.subline.setText(f"{label + ': ' if label else ''}{every} decided or skipped. "
                             f"{queue}")
        for key, value in summary.as_dict().items():
            if key in self.numbers:
                self.numbers[key].setText(str(value))
        self.read_button.setEnabled(queue_length > 0)


HINTS: tuple[tuple[str, str], ...] = (
    ("Q", "queue"), ("1–5", "rate"), ("R", "read"), ("X", "dismiss"), ("D", "not this"),
    ("S", "skip"), ("N", "note"), ("L", "tag"), ("O", "open"), ("J / K", "move"),
    ("Z", "undo"), ("Esc", "leave"),
)
NOTE_HINTS: tuple[tuple[str, str], ...] = (
    ("Esc", "save the note and go back to the card"), ("Ctrl+Enter", "the same"),
)


def hints_html(palette: QPalette, hints: tuple[tuple[str, str], ...]) -> str:
    """Key hints as one line of rich text: each key in the text colour, what it
    does in the quiet one."""
    quiet = quiet_colour(palette).name()
    keys = mix(palette.color(QPalette.ColorRole.Text),
               palette.color(QPalette.ColorRole.Base), 0.12).name()
    parts = [f'<span style="color:{keys}"><b>{html.escape(k)}</b></span>&nbsp;'
             f'<span style="color:{quiet}">{html.escape(v)}</span>' for k, v in hints]
    return "&nbsp;&nbsp;&nbsp; ".join(parts)
