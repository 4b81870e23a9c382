"""Possible duplicates, side by side, for the user to confirm or reject.

Each open pair from ``library.possible_duplicates()`` is a card with both
papers next to each other and two buttons: *Same paper — merge*
(``confirm_duplicate``) and *Different papers* (``reject_duplicate``).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from readq.ui.paper_model import display_title


def _paper_html(row: dict[str, Any] | None) -> str:
    if row is None:
        return "<i>(no longer in the library)</i>"
    title, standin = display_title(row, words=14)
    title = html.escape(title)
    parts = [f"<b>{'<i>' + title + '</i>' if standin else title}</b>"]
    if row.get("authors"):
        parts.append(html.escape(", ".join(row["authors"][:6])
                                 + (" et al." if len(row["authors"]) > 6 else "")))
    facts = [x for x in (row.get("published"), row.get("category"),
                         f"arXiv:{row['arxiv_id']}" if row.get("arxiv_id") else None) if x]
    if facts:
        parts.append(html.escape(" · ".join(facts)))
    abstract = row.get("abstract") or ""
    if abstract:
        short = abstract if len(abstract) <= 420 else abstract[:420].rsplit(" ", 1)[0] + "…"
        parts.append(f"<span>{html.escape(short)}</span>")
    files = sorted({s["file"] for s in row.get("sightings") or []})
    if files:
        parts.append("<i>Seen in " + html.escape(", ".join(files)) + "</i>")
    return "<br>".join(parts)


class PairCard(QFrame):
    """One possible duplicate: two papers and the two decisions."""

    def __init__(self, pair: dict[str, Any], left: dict[str, Any] | None,
                 right: dict[str, Any] | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pair_id = int(pair["id"])
        self.setFrameShape(QFrame.Shape.StyledPanel)
        similarity = float(pair.get("similarity") or 0)
        head = QLabel(f"<b>Possibly the same paper</b> — abstracts {similarity:.0%} alike", self)
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        for column, row in enumerate((left, right)):
            label = QLabel(_paper_html(row), self)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            grid.addWidget(label, 0, column)
            grid.setColumnStretch(column, 1)
        self.confirm_button = QPushButton("Same paper — merge", self)
        self.confirm_button.setToolTip("Merge the newer into the older; your ratings, notes "
                                       "and queue place are combined")
        self.reject_button = QPushButton("Different papers", self)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reject_button)
        buttons.addWidget(self.confirm_button)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addLayout(grid)
        layout.addLayout(buttons)


class DuplicatesView(QScrollArea):
    """All open possible duplicates."""

    confirm = Signal(int)
    reject = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.cards: list[PairCard] = []
        self._set_body([])

    def set_pairs(self, pairs: Sequence[dict[str, Any]],
                  rows: dict[int, dict[str, Any]]) -> None:
        """Show these pairs (``rows``: the papers by id)."""
        cards = []
        for pair in pairs:
            card = PairCard(pair, rows.get(pair["other_id"]), rows.get(pair["paper_id"]))
            card.confirm_button.clicked.connect(lambda _=False, p=card.pair_id: self.confirm.emit(p))
            card.reject_button.clicked.connect(lambda _=False, p=card.pair_id: self.reject.emit(p))
            cards.append(card)
        self._set_body(cards)

    def _set_body(self, cards: list[PairCard]) -> None:
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(12)
        intro = QLabel(
            "These papers were imported from different dumps and look alike, but not enough "
            "to merge them without asking. Older paper on the left." if cards else
            "No possible duplicates left to review.", body)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        for card in cards:
            layout.addWidget(card)
        layout.addStretch(1)
        self.cards = cards
        self.setWidget(body)
