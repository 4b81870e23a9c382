"""The dialog shown when an import ends: what each file brought, and what went wrong.

One row per file (kind, records, new, merged, unchanged, possible duplicates,
problems), a total row, then the details: problems with their line numbers and
files that failed with their one-line message. When the import brought new
papers, the dialog offers to triage them (the default button: Enter starts it).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from readq.library import FileReport
from readq.models import DumpFormat
from readq.ui.safe_document import plain_tooltip

HEADERS = ("File", "Kind", "Records", "New", "Merged", "Unchanged", "Possible duplicates",
           "Problems")
NUMBERS = ("records", "new", "merged", "unchanged", "possible_duplicates")


def kind_label(report: FileReport) -> str:
    """The dump kind in words, or "failed"."""
    if report.failed and not report.format:
        return "—"
    try:
        return DumpFormat(report.format).label if report.format else "—"
    except ValueError:
        return str(report.format)


def headline(reports: Sequence[FileReport], cancelled: bool = False) -> str:
    """One sentence summing the import up."""
    new = sum(r.new for r in reports if not r.failed)
    merged = sum(r.merged for r in reports if not r.failed)
    dups = sum(r.possible_duplicates for r in reports if not r.failed)
    failed = sum(1 for r in reports if r.failed)
    files = len(reports)
    parts = [f"{files} file{'s' if files != 1 else ''}: {new} new paper{'s' if new != 1 else ''}",
             f"{merged} merged"]
    if dups:
        parts.append(f"{dups} possible duplicate{'s' if dups != 1 else ''} to review")
    if failed:
        parts.append(f"{failed} failed")
    text = ", ".join(parts) + "."
    if files and all(r.changed_nothing and not r.failed for r in reports):
        text += " Already imported: nothing changed."
    if cancelled:
        text = "Import cancelled. " + text
    return text


def new_paper_ids(reports: Sequence[FileReport]) -> list[int]:
    """The papers an import brought for the first time (possible duplicates included),
    in the order of the dumps."""
    ids: list[int] = []
    for report in reports:
        if not report.failed:
            ids.extend(report.new_ids)
    return list(dict.fromkeys(ids))


class ImportSummaryDialog(QDialog):
    """Per-file numbers of an import, with problems and failures listed below."""

    triage_requested = Signal(list)  # the new papers' ids

    def __init__(self, reports: Sequence[FileReport], parent: QWidget | None = None,
                 cancelled: bool = False, note: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Import summary")
        self.reports = list(reports)
        self.headline = QLabel(headline(self.reports, cancelled), self)
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)

        self.table = QTableWidget(len(self.reports) + 1, len(HEADERS), self)
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        totals = dict.fromkeys(NUMBERS, 0)
        problems_total = 0
        for r, report in enumerate(self.reports):
            cells = [Path(report.path).name, kind_label(report)]
            if report.failed:
                cells += ["—"] * len(NUMBERS) + ["failed"]
            else:
                cells += [str(getattr(report, n)) for n in NUMBERS] + [str(len(report.errors))]
                for n in NUMBERS:
                    totals[n] += getattr(report, n)
                problems_total += len(report.errors)
            for c, text in enumerate(cells):
                self._set(r, c, text, tooltip=report.path if c == 0 else report.failed or "")
        total_row = ["Total", ""] + [str(totals[n]) for n in NUMBERS] + [str(problems_total)]
        for c, text in enumerate(total_row):
            self._set(len(self.reports), c, text, bold=True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumWidth(820)
        rows_height = sum(self.table.rowHeight(i) for i in range(self.table.rowCount()))
        self.table.setFixedHeight(rows_height + header.sizeHint().height() + 6)

        self.details = QTextBrowser(self)
        self.details.setOpenLinks(False)
        self.details.setHtml(self._details_html(note))
        self.details.setVisible(bool(self._has_details() or note))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        buttons.accepted.connect(self.accept)
        self.new_ids = new_paper_ids(self.reports)
        self.triage_button: QPushButton | None = None
        if self.new_ids:
            count = len(self.new_ids)
            self.triage_button = buttons.addButton(
                f"&Triage {count} new paper{'s' if count != 1 else ''}",
                QDialogButtonBox.ButtonRole.ActionRole)
            self.triage_button.setToolTip("Go through the new papers one by one: queue, rate, "
                                          "mark read or dismiss each with one key")
            self.triage_button.setDefault(True)
            self.triage_button.clicked.connect(self._triage)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.table)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.resize(900, 420 if self.details.isVisible() else 200)
        if self.triage_button is not None:
            self.triage_button.setFocus()

    def _triage(self) -> None:
        self.accept()
        self.triage_requested.emit(list(self.new_ids))

    def cell(self, row: int, header: str) -> str:
        """The text of a cell by row and column name (tests, accessibility)."""
        item = self.table.item(row, HEADERS.index(header))
        return item.text() if item is not None else ""

    def _set(self, row: int, column: int, text: str, tooltip: str = "", bold: bool = False) -> None:
        item = QTableWidgetItem(text)
        if column >= 2:
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if tooltip:
            item.setToolTip(plain_tooltip(tooltip))
        if bold:
            font = item.font()
            font.setBold(True)
            item.setFont(font)
        self.table.setItem(row, column, item)

    def _has_details(self) -> bool:
        return any(r.failed or r.errors for r in self.reports)

    def _details_html(self, note: str) -> str:
        parts = []
        if note:
            parts.append(f"<p>{html.escape(note)}</p>")
        for report in self.reports:
            name = html.escape(Path(report.path).name)
            if report.failed:
                parts.append(f"<p><b>{name}</b> was not imported: {html.escape(report.failed)}</p>")
            elif report.errors:
                items = "".join(f"<li>line {p.line}: {html.escape(p.message)}</li>"
                                for p in report.errors)
                parts.append(f"<p><b>{name}</b> — problems:</p><ul>{items}</ul>")
        return "".join(parts)
