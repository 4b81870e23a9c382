"""The detail pane: everything about the current paper, its state, and its note.

Shows the title, all authors and organisations, date and category, links to
the arXiv abstract page and PDF (or an arXiv title search when the id is
unknown), the abstract (selectable, with searched words highlighted), the
star rating, read and queue buttons, every sighting, and the note editor.
User actions are emitted as signals; the main window applies them (undoably).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from readq import latex
from readq.models import DumpFormat
from readq.ui.flow_layout import FlowLayout
from readq.ui.highlight import highlight_html
from readq.ui.links import arxiv_abs_url, arxiv_pdf_url, arxiv_search_url, open_url
from readq.ui.note_editor import NoteEditor, SaveNote
from readq.ui.note_room import NoteRoom
from readq.ui.paper_model import AUTHORS_UNKNOWN, display_title
from readq.ui.star_widget import StarWidget
from readq.ui.tag_editor import TagBox
from readq.ui.triage_widgets import tint_quiet


def _label(parent: QWidget, selectable: bool = True, rich: bool = True) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    flags = Qt.TextInteractionFlag.LinksAccessibleByMouse
    if selectable:
        flags |= Qt.TextInteractionFlag.TextSelectableByMouse
    label.setTextInteractionFlags(flags)
    label.setOpenExternalLinks(False)
    label.linkActivated.connect(open_url)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    return label


def _breakable(name: str) -> str:
    """A file name as HTML that may wrap after ``_``, ``-`` and ``.`` in a narrow pane."""
    escaped = html.escape(name)
    for mark in "_-.":
        escaped = escaped.replace(mark, mark + "\u200b")
    return escaped


def _format_label(fmt: str) -> str:
    try:
        return DumpFormat(fmt).label
    except ValueError:
        return fmt


class DetailPane(QWidget):
    """Details and note of one paper (``show_paper``), or a hint when none is selected."""

    rate_requested = Signal(int)
    read_requested = Signal(bool)  # True = mark read
    queue_requested = Signal(bool)  # True = add to queue

    def __init__(self, save_note: SaveNote, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._row: dict[str, Any] | None = None
        self._terms: list[str] = []
        self._shown: tuple[dict[str, Any], tuple[str, ...]] | None = None  # row and terms drawn
        self._pending: dict[str, Any] | None = None  # to show at the next flush()

        self.info = QWidget(self)
        self.info.setObjectName("detailInfo")
        self.title = _label(self.info)
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setAccessibleName("Title")
        self.authors = _label(self.info)
        self.orgs = _label(self.info)
        tint_quiet(self.orgs)  # secondary, yet readable (a disabled grey is not)
        self.meta = _label(self.info)
        self.links = _label(self.info, selectable=False)
        self.extra = _label(self.info)

        self.stars = StarWidget(self.info)
        self.read_button = QPushButton("Mark read", self.info)
        self.read_button.setCheckable(True)
        self.read_button.setToolTip("Toggle read / unread (R)")
        self.read_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.queue_button = QPushButton("Add to queue", self.info)
        self.queue_button.setCheckable(True)
        self.queue_button.setToolTip("Add to / remove from the reading queue (Q)")
        self.queue_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.state_note = QLabel(self.info)
        self.state_note.setEnabled(False)

        buttons = FlowLayout(spacing=8)  # wraps in a narrow pane
        buttons.addWidget(self.stars)
        buttons.addWidget(self.read_button)
        buttons.addWidget(self.queue_button)
        buttons.addWidget(self.state_note)
        self.tag_box = TagBox(self.info)

        self.abstract = _label(self.info)
        self.abstract.setAccessibleName("Abstract")
        self.sightings = _label(self.info)

        rule = QFrame(self.info)
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)

        info_layout = QVBoxLayout(self.info)
        info_layout.setContentsMargins(12, 12, 12, 12)
        info_layout.setSpacing(6)
        for widget in (self.title, self.authors, self.orgs, self.meta, self.links, self.extra):
            info_layout.addWidget(widget)
        info_layout.addSpacing(4)
        info_layout.addLayout(buttons)
        info_layout.addWidget(self.tag_box)
        info_layout.addSpacing(4)
        info_layout.addWidget(rule)
        info_layout.addWidget(self.abstract)
        info_layout.addSpacing(6)
        info_layout.addWidget(self.sightings)
        info_layout.addStretch(1)

        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.info)
        self.info.setMinimumWidth(0)

        self.note_editor = NoteEditor(save_note, self)
        note_box = QWidget(self)
        note_layout = QVBoxLayout(note_box)
        note_layout.setContentsMargins(12, 6, 12, 12)
        note_layout.addWidget(self.note_editor)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("detailSplitter")
        self.splitter.addWidget(self.scroll)
        self.splitter.addWidget(note_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.note_room = NoteRoom(self.splitter, note_box, self.note_editor.editor)

        self.placeholder = QLabel("Select a paper to see its details and notes.", self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setEnabled(False)

        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.splitter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        self.stars.rated.connect(self.rate_requested)
        self.read_button.clicked.connect(lambda checked: self.read_requested.emit(checked))
        self.queue_button.clicked.connect(lambda checked: self.queue_requested.emit(checked))

    # --- API ---------------------------------------------------------------------------

    @property
    def paper_id(self) -> int | None:
        """The paper shown (or about to be: see ``show_paper(later=True)``)."""
        row = self._pending if self._pending is not None else self._row
        return None if row is None else int(row["id"])

    def show_paper(self, row: dict[str, Any] | None, placeholder: str = "", *,
                   later: bool = False) -> None:
        """Show a paper (its note is loaded after the previous one is saved).
        ``later``: only remember it until ``flush()`` — new search results draw the
        list first and the pane in the next frame."""
        if later and row is not None:
            self._pending = row
            return
        self._pending = None
        if row is None:
            self.note_editor.set_paper(None, "")
            self._row = None
            self._shown = None
            self.placeholder.setText(placeholder or "Select a paper to see its details and notes.")
            self.stack.setCurrentWidget(self.placeholder)
            return
        same = self._row is not None and self._row["id"] == row["id"]
        self._row = row
        if not same:
            self.note_editor.set_paper(int(row["id"]), row.get("note") or "")
            self.scroll.verticalScrollBar().setValue(0)
        self._render_if_changed()
        self.stack.setCurrentWidget(self.splitter)
        self.note_room.update()

    @property
    def pending(self) -> bool:
        """A paper waits for ``flush()``."""
        return self._pending is not None

    def flush(self) -> bool:
        """Show the paper remembered by ``show_paper(later=True)``; False if none."""
        if self._pending is None:
            return False
        self.show_paper(self._pending)
        return True

    def set_terms(self, terms: Sequence[str], *, render: bool = True) -> None:
        """Words to highlight (from the current search). ``render=False`` when the
        paper shown is about to change too (new search results): it is drawn once,
        by the next ``show_paper``."""
        terms = list(terms)
        if terms != self._terms:
            self._terms = terms
            if render and self._row is not None:
                self._render_if_changed()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            # follow a light/dark switch, once the new palette has reached the labels
            QTimer.singleShot(0, self, lambda: tint_quiet(self.orgs))

    def rescale_fonts(self) -> None:
        """Follow a change of the application font (View ▸ Zoom)."""
        font = QFont(QApplication.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)

    def flush_note(self) -> bool:
        """Save the note being edited, if it changed."""
        return self.note_editor.flush()

    # --- rendering ---------------------------------------------------------------------

    def _hl(self, text: str) -> str:
        palette = self.palette()
        return latex.markers_to_html(highlight_html(
            text, self._terms, palette.color(QPalette.ColorRole.Highlight).name(),
            palette.color(QPalette.ColorRole.HighlightedText).name()), links=True)

    def _render_if_changed(self) -> None:
        """Draw the paper unless this very row (the same fetched row object, so not a
        changed one) is already shown with these terms: a search's results select
        the current paper more than once."""
        assert self._row is not None
        shown = (self._row, tuple(self._terms))
        if self._shown is not None and self._shown[0] is shown[0] \
                and self._shown[1] == shown[1]:
            return
        self._render()
        self._shown = shown

    def _render(self) -> None:
        row = self._row
        assert row is not None
        title, standin = display_title(row, words=16)
        shown = self._hl(title if standin else latex.marked((row.get("title") or "").strip()))
        self.title.setText(f"<i>{shown}</i>" if standin else shown)

        authors = row.get("authors") or []
        if authors:
            text = self._hl(", ".join(authors))
            if row.get("authors_truncated"):
                text += " <i>et al.</i>"
            self.authors.setText(text)
        else:
            self.authors.setText(f"<i>{AUTHORS_UNKNOWN}</i>")
        orgs = row.get("orgs") or []
        self.orgs.setText(html.escape(" · ".join(orgs)))
        self.orgs.setVisible(bool(orgs))

        facts = []
        if row.get("published"):
            facts.append(html.escape(row["published"])
                         + (" (year inferred)" if row.get("year_inferred") else ""))
        if row.get("category"):
            facts.append(f"Category {html.escape(row['category'])}")
        if row.get("has_code"):
            facts.append("Code available")
        if row.get("score") is not None:
            facts.append(f"Score {row['score']:g}")
        if row.get("arxiv_id"):
            facts.append(f"arXiv:{html.escape(row['arxiv_id'])}")
        self.meta.setText(" · ".join(facts))
        self.meta.setVisible(bool(facts))

        if row.get("arxiv_id"):
            aid = row["arxiv_id"]
            self.links.setText(
                f'<a href="{html.escape(arxiv_abs_url(aid))}">Abstract page</a> · '
                f'<a href="{html.escape(arxiv_pdf_url(aid))}">PDF</a>')
        else:
            query = (row.get("title") or " ".join((row.get("abstract") or "").split()[:12]))
            self.links.setText(f'<a href="{html.escape(arxiv_search_url(query))}">'
                               "Search arXiv for this title</a>")

        extra = []
        if row.get("journal_ref"):
            extra.append(f"Journal: {html.escape(row['journal_ref'])}")
        if row.get("comments"):
            extra.append(f"Comments: {html.escape(row['comments'])}")
        self.extra.setText("<br>".join(extra))
        self.extra.setVisible(bool(extra))

        self.stars.set_rating(int(row.get("rating") or 0))
        read = row.get("status") == "read"
        self.read_button.setChecked(read)
        self.read_button.setText("Read ✓" if read else "Mark read")
        position = row.get("queue_position")
        self.queue_button.setChecked(position is not None)
        self.queue_button.setText(f"In queue (#{position})" if position else "Add to queue")
        self.state_note.setText("Dismissed" if row.get("dismissed") else "")

        abstract = row.get("abstract") or ""
        self.abstract.setText(self._hl(latex.marked(abstract)) if abstract
                              else "<i>No abstract.</i>")
        self.tag_box.set_tags(row.get("tags") or [])

        sightings = row.get("sightings") or []
        lines = []
        for s in sightings:
            when = (s.get("imported_at") or "")[:10]
            lines.append(f"{html.escape(when)} · {html.escape(_format_label(s['format']))}, "
                         f"record {int(s['record_index']) + 1} · {_breakable(s['file'])}")
        self.sightings.setText("<b>Seen in</b><br>" + "<br>".join(lines) if lines else "")
