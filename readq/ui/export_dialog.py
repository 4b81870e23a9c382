"""File ▸ Export…: the selected papers, the current view or search, as a file.

The dialog asks what (selection, or everything the list shows), in which
format (BibTeX, Markdown, CSV, JSON — the same writers as ``readq export``)
and where. The rows are read and the file written by a background job on the
read lane; the file appears whole or not at all (``safe_io.write_atomic``, as for
``readq export``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from readq.exporting import EXPORTERS
from readq.safe_io import write_atomic
from readq.ui.tasks import READ, TaskContext, TaskRunner

# format key → (label, file suffix)
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "bibtex": ("BibTeX (.bib)", ".bib"),
    "markdown": ("Markdown reading list (.md)", ".md"),
    "csv": ("CSV spreadsheet (.csv)", ".csv"),
    "json": ("JSON (.json)", ".json"),
}


def export_job(ids: list[int], fmt: str, path: Path) -> Callable[[TaskContext], int]:
    """A background job writing papers to ``path``; returns how many were written."""

    def job(ctx: TaskContext) -> int:
        rows = ctx.library.export_rows(ids)
        write_atomic(path, EXPORTERS[fmt](rows))  # whole or not at all, as `readq export`
        return len(rows)

    return job


class ExportDialog(QDialog):
    """Choose what to export, the format and the file; the export runs in the background."""

    exported = Signal(int, str)  # papers written, path
    failed = Signal(str)

    def __init__(self, runner: TaskRunner, selected: list[int], shown: list[int],
                 shown_label: str, folder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export papers")
        self.setObjectName("exportDialog")
        self._runner = runner
        self._selected = list(selected)
        self._shown = list(shown)
        self._folder = folder or str(Path.home())

        self.selection_button = QRadioButton(
            f"The selected paper{'s' if len(selected) != 1 else ''} ({len(selected)})")
        self.shown_button = QRadioButton(f"{shown_label} ({len(shown):,} papers)")
        group = QButtonGroup(self)
        group.addButton(self.selection_button)
        group.addButton(self.shown_button)
        self.selection_button.setEnabled(bool(selected))
        self.shown_button.setEnabled(bool(shown))
        (self.selection_button if len(selected) > 1 or not shown else self.shown_button
         ).setChecked(True)

        self.format_box = QComboBox()
        for key, (label, _suffix) in EXPORT_FORMATS.items():
            self.format_box.addItem(label, key)
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("Where to save the file")
        choose = QPushButton("Choose…")
        choose.clicked.connect(self.choose_file)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(choose)
        self.format_box.currentIndexChanged.connect(lambda _i: self._suggest_path())
        self._suggest_path()

        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)  # messages name paths
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("Export",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Format:", self.format_box)
        form.addRow("File:", path_row)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Export</b>"))
        layout.addWidget(self.selection_button)
        layout.addWidget(self.shown_button)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    @property
    def format(self) -> str:
        """The chosen format key (``bibtex``, ``markdown``, ``csv``, ``json``)."""
        return str(self.format_box.currentData())

    def set_format(self, fmt: str) -> None:
        """Choose a format by key."""
        self.format_box.setCurrentIndex(self.format_box.findData(fmt))

    def ids(self) -> list[int]:
        """The papers the export will write."""
        return self._selected if self.selection_button.isChecked() else self._shown

    def _suggest_path(self) -> None:
        suffix = EXPORT_FORMATS[self.format][1]
        current = self.path_edit.text().strip()
        if current:
            self.path_edit.setText(str(Path(current).with_suffix(suffix)))
        else:
            self.path_edit.setText(str(Path(self._folder) / f"readq-papers{suffix}"))

    def choose_file(self) -> None:
        """Pick the file in a save dialog."""
        label, suffix = EXPORT_FORMATS[self.format]
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path_edit.text(),
                                              f"{label.split(' (')[0]} (*{suffix})")
        if path:
            self.path_edit.setText(path)

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def start(self) -> None:
        """Check the choices and run the export in the background."""
        ids = self.ids()
        text = self.path_edit.text().strip()
        if not ids:
            self._say("There are no papers to export.")
            return
        if not text:
            self._say("Choose a file to export to.")
            return
        path = Path(text).expanduser()
        if path.is_dir():
            self._say(f"{path} is a folder: add a file name.")
            return
        if not path.parent.is_dir():
            self._say(f"The folder {path.parent} does not exist.")
            return
        self._say("")
        self.export_button.setEnabled(False)
        task = self._runner.submit(export_job(ids, self.format, path), lane=READ, name="export")
        task.finished.connect(lambda count: self._done(int(count), path))
        task.failed.connect(self._failed)

    def _done(self, count: int, path: Path) -> None:
        self.exported.emit(count, str(path))
        self.accept()

    def _failed(self, message: str) -> None:
        self.export_button.setEnabled(True)
        self._say(f"The export failed: {message}")
        self.failed.emit(message)
