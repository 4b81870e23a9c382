"""Remembered window state (geometry, splitters, table columns, last view).

The ``QSettings`` object is passed in (``run_app`` makes the user's one; tests
pass an INI file under a temporary folder), never read from a global. What belongs
to one library — its last view, columns and splitters — is kept under a key made
from the library's path, so a new library opens on its own first page, not on the
view another library was left on. The window's geometry is shared.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter

GEOMETRY = "window/geometry"
STATE = "window/state"
SPLITTER = "splitters/{name}"
HEADER = "table/header"
LAST_VIEW = "view/last"
LAST_IMPORT_DIR = "import/last_dir"


def user_settings() -> QSettings:
    """The user's settings (platform location, organisation and app "readq")."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "readq", "readq")


def file_settings(path: Path) -> QSettings:
    """Settings kept in one INI file (tests, portable installs)."""
    return QSettings(str(path), QSettings.Format.IniFormat)


def library_key(library_root: Path) -> str:
    """The settings group of one library: a digest of its full path."""
    path = str(Path(library_root).expanduser().resolve())
    return "library-" + hashlib.sha256(path.encode("utf-8")).hexdigest()[:16]


class WindowSettings:
    """Typed access to what the main window remembers."""

    def __init__(self, settings: QSettings, library_root: Path | None = None) -> None:
        self.qsettings = settings
        self.prefix = library_key(library_root) + "/" if library_root is not None else ""

    def _bytes(self, key: str) -> QByteArray | None:
        """A layout saved for this library, else one saved before layouts were kept
        per library (the columns and splitters the user had)."""
        for name in dict.fromkeys((self.prefix + key, key)):
            found = self._bytes_at(name)
            if found is not None:
                return found
        return None

    def _bytes_at(self, key: str) -> QByteArray | None:
        value = self.qsettings.value(key)
        if isinstance(value, QByteArray) and not value.isEmpty():
            return value
        if isinstance(value, (bytes, bytearray)) and value:
            return QByteArray(bytes(value))
        return None

    def restore_window(self, window: QMainWindow) -> bool:
        """Put back the window geometry; False if there was none."""
        geometry = self._bytes(GEOMETRY)
        if geometry is None or not window.restoreGeometry(geometry):
            return False
        state = self._bytes(STATE)
        if state is not None:
            window.restoreState(state)
        return True

    def save_window(self, window: QMainWindow) -> None:
        """Remember the window geometry and tool/dock state."""
        self.qsettings.setValue(GEOMETRY, window.saveGeometry())
        self.qsettings.setValue(STATE, window.saveState())

    def restore_splitter(self, name: str, splitter: QSplitter) -> bool:
        """Put back a splitter's sizes."""
        state = self._bytes(SPLITTER.format(name=name))
        return state is not None and splitter.restoreState(state)

    def save_splitter(self, name: str, splitter: QSplitter) -> None:
        """Remember a splitter's sizes."""
        self.qsettings.setValue(self.prefix + SPLITTER.format(name=name), splitter.saveState())

    def restore_header(self, header: QHeaderView) -> bool:
        """Put back column widths, order and the sort indicator."""
        state = self._bytes(HEADER)
        return state is not None and header.restoreState(state)

    def save_header(self, header: QHeaderView) -> None:
        """Remember column widths, order and the sort indicator."""
        self.qsettings.setValue(self.prefix + HEADER, header.saveState())

    @property
    def last_view(self) -> str:
        """The sidebar entry last shown (a key such as ``view:inbox``)."""
        value = self.qsettings.value(self.prefix + LAST_VIEW, "view:inbox")
        return str(value) if value else "view:inbox"

    @last_view.setter
    def last_view(self, key: str) -> None:
        self.qsettings.setValue(self.prefix + LAST_VIEW, key)

    @property
    def last_import_dir(self) -> str:
        """The folder the import dialog opened last."""
        return str(self.qsettings.value(LAST_IMPORT_DIR, "") or "")

    @last_import_dir.setter
    def last_import_dir(self, folder: str) -> None:
        self.qsettings.setValue(LAST_IMPORT_DIR, folder)

    def sync(self) -> None:
        """Write to disk now."""
        self.qsettings.sync()
