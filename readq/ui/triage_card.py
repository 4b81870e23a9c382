"""The triage card: one paper laid out for reading, shown by triage mode.

Title, every author and organisation, date, category, a code marker, the
abstract in larger type in a column of about ``LINE_CHARS`` characters, the
paper's note and state, and where it was seen. See
:class:`~readq.ui.triage_mode.TriagePage` for how it is driven.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetricsF, QKeyEvent, QPalette
from PySide6.QtWidgets import QApplication, QFrame, QVBoxLayout, QWidget

from readq import latex
from readq.ui.paper_model import AUTHORS_UNKNOWN, display_title
from readq.ui.star_widget import GOLD
from readq.ui.triage_widgets import (
    format_label,
    mix,
    pretty_date,
    quiet_colour,
    rich_label,
    scaled_font,
)

LINE_CHARS = 76  # the abstract's column: about this many characters a line
ABSTRACT_SCALE = 1.28
TITLE_SCALE = 1.75
CARD_MARGINS = (48, 34, 48, 28)


class TriageCard(QFrame):
    """One paper, laid out for reading; holds the keyboard focus in triage mode."""

    scroll_requested = Signal(int)  # pages: +1 down, -1 up

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("triageCard")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Triage card")
        self.setStyleSheet("QFrame#triageCard { background-color: palette(base); "
                           "border: 1px solid palette(midlight); border-radius: 12px; }")
        base = self.font()
        self.title = rich_label(self)
        self.title.setFont(scaled_font(base, TITLE_SCALE, bold=True))
        self.title.setAccessibleName("Title")
        self.authors = rich_label(self)
        self.authors.setFont(scaled_font(base, 1.08))
        self.authors.setAccessibleName("Authors")
        self.orgs = rich_label(self)
        self.meta = rich_label(self)
        self.state = rich_label(self, selectable=False)
        self.why = rich_label(self)
        self.why.setAccessibleName("Why")
        self.why.hide()
        self.abstract = rich_label(self)
        self.abstract.setFont(scaled_font(base, ABSTRACT_SCALE))
        self.abstract.setAccessibleName("Abstract")
        self.note = rich_label(self)
        self.note.setAccessibleName("Note")
        self.sightings = rich_label(self)
        self.sightings.setAccessibleName("Seen in")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(*CARD_MARGINS)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addSpacing(4)
        layout.addWidget(self.authors)
        layout.addWidget(self.orgs)
        layout.addSpacing(2)
        layout.addWidget(self.meta)
        layout.addWidget(self.state)
        layout.addWidget(self.why)
        layout.addSpacing(14)
        layout.addWidget(self.abstract)
        layout.addSpacing(10)
        layout.addWidget(self.note)
        layout.addSpacing(6)
        layout.addWidget(self.sightings)
        self._row: dict[str, Any] | None = None

    def rescale_fonts(self) -> None:
        """Follow a change of the application font (View ▸ Zoom)."""
        base = QApplication.font()
        self.title.setFont(scaled_font(base, TITLE_SCALE, bold=True))
        self.authors.setFont(scaled_font(base, 1.08))
        self.abstract.setFont(scaled_font(base, ABSTRACT_SCALE))

    @staticmethod
    def column_width(font: QFont) -> int:
        """The card width that gives the abstract about ``LINE_CHARS`` characters a line."""
        metrics = QFontMetricsF(scaled_font(font, ABSTRACT_SCALE))
        sample = "the quick brown fox jumps over a lazy dog, then naps "  # typical text
        per_char = metrics.horizontalAdvance(sample) / len(sample)
        return int(per_char * LINE_CHARS) + CARD_MARGINS[0] + CARD_MARGINS[2] + 2

    @property
    def paper_id(self) -> int | None:
        """The paper shown."""
        return None if self._row is None else int(self._row["id"])

    def show_paper(self, row: dict[str, Any]) -> None:
        """Fill the card from a full library row."""
        self._row = row
        palette = self.palette()
        quiet = quiet_colour(palette).name()
        text = palette.color(QPalette.ColorRole.Text)
        base = palette.color(QPalette.ColorRole.Base)
        accent = palette.color(QPalette.ColorRole.Highlight)
        pill_bg = mix(base, accent, 0.16).name()
        pill_fg = mix(text, accent, 0.25).name()

        neutral_bg = mix(base, text, 0.08).name()

        def pill(label: str, colour: str = "", background: str = "") -> str:
            return (f'<span style="background-color:{background or pill_bg}; '
                    f'color:{colour or pill_fg};">&nbsp;{label}&nbsp;</span>')

        title, standin = display_title(row, words=16)
        self.title.setText(f"<i>{html.escape(title)}</i>" if standin else
                           latex.markers_to_html(html.escape(latex.marked(row["title"].strip()))))

        authors = row.get("authors") or []
        if authors:
            shown = html.escape(", ".join(authors))
            if row.get("authors_truncated"):
                shown += f' <span style="color:{quiet}"><i>et al.</i></span>'
            self.authors.setText(shown)
        else:
            self.authors.setText(f'<span style="color:{quiet}"><i>{AUTHORS_UNKNOWN}</i></span>')
        orgs = row.get("orgs") or []
        self.orgs.setText(f'<span style="color:{quiet}">{html.escape(" · ".join(orgs))}</span>')
        self.orgs.setVisible(bool(orgs))

        facts = []
        when = pretty_date(row.get("published"), bool(row.get("year_inferred")))
        if when:
            facts.append(html.escape(when))
        if row.get("category"):
            facts.append(html.escape(str(row["category"])))
        if row.get("arxiv_id"):
            facts.append(f"arXiv:{html.escape(row['arxiv_id'])}")
        if row.get("score") is not None:
            facts.append(f"score {row['score']:g}")
        meta = f'<span style="color:{quiet}">{" · ".join(facts)}</span>' if facts else ""
        if row.get("has_code"):
            meta += ("&nbsp;&nbsp;" if meta else "") + pill("&lt;/&gt; Code")
        self.meta.setText(meta)
        self.meta.setVisible(bool(meta))

        chips = []
        position = row.get("queue_position")
        if position:
            chips.append(pill(f"In queue #{position}"))
        rating = int(row.get("rating") or 0)
        if rating:
            chips.append(pill("★" * rating, GOLD.darker(115).name()
                              if base.lightness() > 128 else GOLD.name(), neutral_bg))
        if row.get("status") == "read":
            chips.append(pill("Read"))
        if row.get("dismissed"):
            chips.append(pill("Dismissed"))
        chips += [pill(f"#{html.escape(tag)}", background=neutral_bg)
                  for tag in row.get("tags") or []]
        self.state.setText("&nbsp; ".join(chips))
        self.state.setVisible(bool(chips))

        abstract = (row.get("abstract") or "").strip()
        body = latex.markers_to_html(html.escape(latex.marked(abstract))) if abstract else \
            f'<i style="color:{quiet}">No abstract in this dump.</i>'
        self.abstract.setText(f'<p style="line-height:150%">{body}</p>')

        self.set_note(row.get("note") or "")

        lines = []
        for s in row.get("sightings") or []:
            when = (s.get("imported_at") or "")[:10]
            lines.append(f"{html.escape(s['file'])} — {html.escape(format_label(s['format']))}, "
                         f"record {int(s['record_index']) + 1}"
                         + (f", imported {html.escape(when)}" if when else ""))
        self.sightings.setText(
            f'<span style="color:{quiet}"><b>Seen in</b><br>{"<br>".join(lines)}</span>'
            if lines else "")
        self.sightings.setVisible(bool(lines))

    def set_why(self, text: str) -> None:
        """Show why the paper is where it is in the "For you" order (or nothing)."""
        quiet = quiet_colour(self.palette()).name()
        shown = (f'<span style="color:{quiet}"><b>For you</b> — '
                 f"{html.escape(text)}</span>" if text else "")
        if shown != self.why.text():  # no relayout for the same text
            self.why.setText(shown)
            self.why.setVisible(bool(text))

    def set_note(self, note: str) -> None:
        """Show the paper's note (or nothing) under the abstract."""
        quiet = quiet_colour(self.palette()).name()
        note = note.strip()
        if note:
            shown = html.escape(note if len(note) <= 600 else note[:600] + "…")
            self.note.setText(f'<span style="color:{quiet}"><b>Your note</b> '
                              f"(N edits)</span><br>{shown.replace(chr(10), '<br>')}")
        else:
            self.note.setText("")
        self.note.setVisible(bool(note))
        if self._row is not None:
            self._row["note"] = note

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_PageDown, Qt.Key.Key_Space):
            self.scroll_requested.emit(1)
        elif key == Qt.Key.Key_PageUp:
            self.scroll_requested.emit(-1)
        else:
            super().keyPressEvent(event)

