"""Triage mode: one paper at a time on a calm, full-window card, decided with one key.

The page replaces the whole window body (sidebar, list and detail pane) while it
is shown. The card holds the title, every author and organisation, date,
category, a code marker, the abstract in larger type in a centred column of about
75 characters, where the paper was seen, and the paper's current state; a
progress line sits above it and discreet key hints below.

Decisions go through the window's :class:`~readq.ui.triage.Triage` actions, so
each one is written to the store (and pushed on the window's undo stack, named)
before the next card is shown. The keys are ``QAction``s of the window's action
table (scope ``triage``) attached to the card with
``WidgetWithChildrenShortcut``; the quick-note editor sits below the card, not
inside it, so typing a note never triggers them. :class:`TriageSession` keeps the
order, the position and the decisions, and follows undo and redo done from
anywhere (Z, Ctrl+Z, Edit ▸ Undo) back to the paper concerned.

The quick note lives in :mod:`readq.ui.triage_note`, the "For you" order of the
cards in :mod:`readq.ui.triage_rank`, the card in :mod:`readq.ui.triage_card`
and the small widgets in :mod:`readq.ui.triage_widgets`.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QUndoStack
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from readq.library import Library
from readq.ui.for_you import ForYou
from readq.ui.links import arxiv_abs_url, arxiv_search_url, open_url
from readq.ui.paper_model import display_title
from readq.ui.safe_document import plain_tooltip
from readq.ui.triage import Triage
from readq.ui.triage_card import TriageCard
from readq.ui.triage_note import QuickNoteBox, TriageNotes
from readq.ui.triage_rank import RERANK_PAUSE_MS, TriageRanking
from readq.ui.triage_session import (
    DISMISS,
    NOT_THIS,
    QUEUE,
    RATE,
    READ,
    SKIP,
    Decision,
    TriageSession,
)
from readq.ui.triage_widgets import (
    HINTS,
    Centre,
    NOTE_HINTS,
    ElidedLabel,
    ProgressLine,
    TriageSummaryPanel,
    hints_html,
    scaled_font,
    tint_quiet,
)

class TriagePage(TriageNotes, TriageRanking, QWidget):
    """The triage page of the main window (see the module docstring)."""

    leave_requested = Signal()  # Esc, or "Back to the list"
    read_queue_requested = Signal()  # "Start reading the queue"
    note_saved = Signal(int)  # a quick note was written to the store
    message = Signal(str)
    card_shown = Signal(int)  # paper id (tests, benchmarks)
    finished = Signal()  # the summary is shown
    ranked = Signal()  # the "For you" order of the cards to come was updated

    def __init__(self, library: Library, triage: Triage, undo_stack: QUndoStack,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("triagePage")
        self.library = library
        self.triage = triage
        self.undo_stack = undo_stack
        self.session: TriageSession | None = None
        self._log_pass: dict[str, int] = {}  # this pass's id in triage's own log (statistics)
        self._card_touched = False
        self._pushing = False
        self._note_paper: int | None = None
        self._note_saved_text: str | None = ""
        self.for_you: ForYou | None = None  # set by the window: ranks and explains
        self.order_for_you = True  # "For you" order (else the list's order)
        self.ranking_note = ""  # why the order is newest first, while it is
        self._whys: dict[int, str] = {}  # explanations that came with the rankings
        # re-rank in a pause between keys, never while the next card is drawn
        self._rerank_timer = QTimer(self)
        self._rerank_timer.setSingleShot(True)
        self._rerank_timer.setInterval(RERANK_PAUSE_MS)
        self._rerank_timer.timeout.connect(self._rerank_now)

        # header: where, how far, what was just done
        self.where = QLabel(self)
        self.where.setTextFormat(Qt.TextFormat.PlainText)
        self.where.setFont(scaled_font(self.font(), 1.0, bold=True))
        self.where.setMaximumWidth(380)
        self.progress_label = QLabel(self)
        self.progress_label.setAccessibleName("Progress")
        self.last_label = ElidedLabel(self)
        self.last_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.last_label.setAccessibleName("Last decision")
        self.bar = ProgressLine(self)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.where)
        top.addSpacing(10)
        top.addWidget(self.progress_label)
        top.addSpacing(24)
        top.addWidget(self.last_label, 1)

        # the quick note: under the scrolled card, always in view while typed
        self.card = TriageCard()
        self.note_box = QuickNoteBox()
        self.note_caption = self.note_box.caption
        self.note_editor = self.note_box.editor

        # the card, in a centred column of reading width
        column = QWidget()
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.setSpacing(0)
        column_layout.addWidget(self.card)
        column_layout.addStretch(1)
        self.centre = Centre(column, TriageCard.column_width(self.font()))
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll.setWidget(self.centre)

        self.summary = TriageSummaryPanel(self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.scroll)
        self.stack.addWidget(self.summary)

        self.hints = QLabel(self)
        self.hints.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hints.setAccessibleName("Keys")

        header = QWidget(self)
        header_layout = QVBoxLayout(header)
        header_layout.setContentsMargins(0, 0, 0, 0)
        header_layout.setSpacing(6)
        header_layout.addLayout(top)
        header_layout.addWidget(self.bar)
        header.setMaximumWidth(self.centre.max_width)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 10)
        layout.setSpacing(4)
        layout.addWidget(header, 0, Qt.AlignmentFlag.AlignHCenter)
        self._header = header
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.note_box, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.hints)
        self._render_hints()

        self.card.scroll_requested.connect(self._scroll_page)
        self.note_editor.done.connect(self.close_note)
        self.note_editor.focus_lost.connect(self.save_note)
        self.summary.read_button.clicked.connect(self.read_queue_requested)
        self.summary.back_button.clicked.connect(self.leave_requested)
        undo_stack.indexChanged.connect(self._on_stack_index)

    # --- starting and stopping ---------------------------------------------------------

    @property
    def active(self) -> bool:
        """A pass is under way (or its summary is shown)."""
        return self.session is not None

    @property
    def showing_summary(self) -> bool:
        """The end summary is shown."""
        return self.active and self.stack.currentWidget() is self.summary

    def start(self, ids: list[int], label: str) -> bool:
        """Begin a pass over ``ids`` (in this order); False if there is nothing to show."""
        self.stop()
        session = TriageSession(ids, label)
        if not session.total:
            return False
        self.session = session
        self._log_pass = {}
        self._card_touched = False  # the user worked on the first card: keep it
        self.where.setText(self.where.fontMetrics().elidedText(
            label, Qt.TextElideMode.ElideMiddle, self.where.maximumWidth()))
        self.where.setToolTip(plain_tooltip(label))
        self.last_label.set_full_text("")
        self.ranking_note = ""
        self._whys.clear()
        self._show_card()
        self._rerank(include_current=True)
        return True

    def stop(self) -> int | None:
        """End the pass (the quick note is saved); return the paper that was shown."""
        if self.session is None:
            return None
        self.close_note(refocus=False)
        self._rerank_timer.stop()
        current = self.session.current
        self.session = None
        return current

    def warm_up(self, size: QSize) -> None:
        """Lay out and render a sample card off screen (while the app is idle), so the
        first T does not pay for styling, first layouts and the glyphs of its larger
        fonts."""
        if self.active or self.isVisible():
            return
        sample = ("Sample: the quick brown fox jumps over the lazy dog 0123456789 — "
                  "ÀÉÎÕÜ àéîõü ß ñ ç “quotes” (parentheses) [brackets] {braces} & % / + = ")
        self.resize(size)
        self.card.show_paper({"id": 0, "title": sample, "authors": ["Ada Lovelace"],
                              "orgs": ["sample"], "published": "2024-01-02", "category": "LG",
                              "has_code": 1, "rating": 3, "status": "read",
                              "queue_position": 1, "dismissed": 1, "abstract": sample * 4,
                              "note": sample, "sightings": [
                                  {"file": "sample.txt", "format": "trending",
                                   "record_index": 0, "imported_at": "2024-01-02"}]})
        self.where.setText(sample[:30])
        self.last_label.set_full_text(sample)
        self.grab()
        self.card.set_note("")
        self.card._row = None

    def resizeEvent(self, event: QResizeEvent) -> None:
        width = min(self.centre.max_width, max(200, event.size().width() - 36))
        self._header.setFixedWidth(width)
        self.note_box.setFixedWidth(width)
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._render_hints()
            self.summary.retint()
            tint_quiet(self.note_caption)
            if self.active and not self.showing_summary:
                self._show_card(keep_scroll=True)
        super().changeEvent(event)

    # --- decisions (bound to the triage actions) ---------------------------------------

    def queue(self) -> None:
        """Q: add to the end of the reading queue, next card."""
        self._decide(QUEUE)

    def rate(self, stars: int) -> None:
        """1–5: rate, next card."""
        self._decide(RATE, stars)

    def mark_read(self) -> None:
        """R: mark read, next card."""
        self._decide(READ)

    def dismiss(self) -> None:
        """X / Delete: hide from the inbox (never deleted), next card."""
        self._decide(DISMISS)

    def skip(self) -> None:
        """S: leave it for now, next card."""
        session = self.session
        if session is None or session.current is None or self.showing_summary:
            return
        session.record(Decision(session.current, SKIP, self.undo_stack.index()))
        self._log(session.current, SKIP)
        self.last_label.set_full_text(self._done_text("✓ Skip", session.current))
        self._advance()

    def not_this(self) -> None:
        """D: "not this" — fewer papers like it, next card."""
        self._decide(NOT_THIS)

    def _decide(self, kind: str, rating: int = 0) -> None:
        session = self.session
        if session is None or session.current is None or self.showing_summary:
            return
        paper_id = session.current
        ids = [paper_id]
        self.save_note()
        self._pushing = True
        try:
            if kind == QUEUE:
                done = self.triage.set_queued(ids, True)
            elif kind == RATE:
                done = self.triage.rate(ids, rating)
            elif kind == READ:
                done = self.triage.set_read(ids, True)
            elif kind == NOT_THIS:
                done = self.triage.not_this(ids)
            else:
                done = self.triage.set_dismissed(ids, True)
        finally:
            self._pushing = False
        if not done:
            return
        session.record(Decision(paper_id, kind, self.undo_stack.index(), rating))
        self._log(paper_id, kind)
        self.last_label.set_full_text(f"✓ {self.undo_stack.undoText()} — Z undoes")
        self._advance()
        self._rerank()

    def _log(self, paper_id: int, decision: str) -> None:
        """Note a decision in triage's own log (the Statistics page's pace figures); a
        log that cannot be written never stops triage."""
        session = self.session
        if session is None:
            return
        log_pass, label, total = self._log_pass, session.label, session.total

        def write(lib: Library) -> None:  # on the user lane, in order with the decisions
            if "id" not in log_pass:
                log_pass["id"] = lib.start_triage_log(label, total)
            lib.log_triage(log_pass["id"], paper_id, decision)

        self.triage.ops.run(write, name="triage log", failed=lambda message: logging.getLogger(
            __name__).warning("the triage log could not be written: %s", message))

    def _advance(self) -> None:
        assert self.session is not None
        if self.session.advance():
            self._show_card()
        else:
            self._show_summary()

    def move(self, step: int) -> None:
        """J/K, arrows: another paper, deciding nothing."""
        session = self.session
        if session is None or self.showing_summary:
            return
        if session.move(step):
            self._show_card()
        else:
            self.message.emit("This is the last paper." if step > 0 else
                              "This is the first paper.")

    def undo_last(self) -> None:
        """Z: take back the last decision of this pass and show its paper again."""
        session = self.session
        if session is None:
            return
        if not session.decisions:
            self.message.emit("Nothing to undo in this triage.")
            return
        skipped = session.pop_skip()
        if skipped is not None:
            self._log(skipped.paper_id, "undo")
            session.go_to(skipped.paper_id)
            self.last_label.set_full_text(self._done_text("↶ Undone: skip", skipped.paper_id))
            self._show_card()
            return
        if self.undo_stack.canUndo():
            self.undo_stack.undo()  # _on_stack_index brings the card back

    def _on_stack_index(self, index: int) -> None:
        session = self.session
        if session is None or self._pushing:
            return
        undone = session.undone_to(index)
        for decision in undone:
            self._log(decision.paper_id, "undo")
        if undone:
            back_to = undone[-1].paper_id  # the earliest decision taken back
            session.go_to(back_to)
            self.last_label.set_full_text(f"↶ Undone: {self.undo_stack.redoText()}")
            self._whys.clear()  # they may name the decision taken back
            self._show_card()
            self._rerank()
            return
        redone = session.redone_to(index)
        for decision in redone:
            self._log(decision.paper_id, decision.kind)
        if redone:
            session.go_to(redone[-1].paper_id)
            self.last_label.set_full_text(f"↷ Redone: {self.undo_stack.undoText()}")
            self._advance()

    # --- notes and links ---------------------------------------------------------------

    def open_page(self) -> None:
        """O: the arXiv abstract page (or an arXiv title search) in the browser."""
        row = self._current_row()
        if row is None:
            return
        if row.get("arxiv_id"):
            url = arxiv_abs_url(row["arxiv_id"])
        else:
            url = arxiv_search_url(row.get("title") or (row.get("abstract") or "")[:80])
        if open_url(url):
            self.message.emit(f"Opened {url}")
        else:
            self.message.emit("The browser could not be opened.")

    def _current_row(self) -> dict[str, Any] | None:
        if self.session is None or self.session.current is None or self.showing_summary:
            return None
        rows = self.library.papers([self.session.current])
        return rows[0] if rows else None

    # --- showing -----------------------------------------------------------------------

    def _show_card(self, keep_scroll: bool = False) -> None:
        session = self.session
        assert session is not None
        if self._note_paper is not None and self._note_paper != session.current:
            self.close_note(refocus=False)
        row = None
        while row is None and session.current is not None:
            rows = self.library.papers([session.current])
            if rows:
                row = rows[0]
            else:
                session.drop([session.current])  # merged away meanwhile
        if row is None:
            self._show_summary()
            return
        self.card.show_paper(row)
        self._explain_card(int(row["id"]))
        self._update_progress()
        if self.stack.currentWidget() is not self.scroll:
            self.stack.setCurrentWidget(self.scroll)
            self.hints.show()
        if not keep_scroll:
            self.scroll.verticalScrollBar().setValue(0)
        if self._note_paper is None and not self.card.hasFocus():
            self.card.setFocus()
        self.card_shown.emit(int(row["id"]))

    def _show_summary(self) -> None:
        session = self.session
        assert session is not None
        self.close_note(refocus=False)
        self._update_progress()
        self.summary.set_summary(session.summary(), session.label, len(self.library.queue()))
        self.stack.setCurrentWidget(self.summary)
        self.hints.hide()
        button = self.summary.read_button if self.summary.read_button.isEnabled() \
            else self.summary.back_button
        button.setFocus()
        self.finished.emit()

    def _update_progress(self) -> None:
        session = self.session
        assert session is not None
        left, total = session.left(), session.total
        self.progress_label.setText(f"{left} of {total} left" if left else f"All {total} done")
        self.bar.set_progress(total - left, total)

    def refresh(self) -> None:
        """Show the current card again (its state changed elsewhere)."""
        if self.active and not self.showing_summary:
            self._show_card(keep_scroll=True)

    def state_changed(self, ids: list[int]) -> None:
        """Papers' state changed (a decision, an undo, Edit ▸ Undo of an older change):
        redraw the card if it shows one of them and no decision is being taken."""
        if not self._pushing and self.card.paper_id in ids:
            self._card_touched = True
            self.refresh()

    def _scroll_page(self, pages: int) -> None:
        bar = self.scroll.verticalScrollBar()
        bar.setValue(bar.value() + pages * bar.pageStep())

    def _done_text(self, verb: str, paper_id: int) -> str:
        rows = self.library.papers([paper_id])
        title = display_title(rows[0])[0] if rows else ""
        short = f"“{title[:40]}…”" if len(title) > 41 else f"“{title}”"
        return f"{verb} {short}"

    def _render_hints(self) -> None:
        """The key hints under the card (other ones while a note is typed)."""
        hints = NOTE_HINTS if self._note_paper is not None else HINTS
        self.hints.setText(hints_html(self.palette(), hints))
