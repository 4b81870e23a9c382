"""Fixtures for the app tests: temporary libraries, settings files, open windows.

Every window gets a settings INI file under ``tmp_path`` (never the user's
settings) and is closed at the end of the test, which stops its background
threads. Waits always have timeouts, so a broken test fails instead of hanging.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from readq.library import Library
from readq.ui.main_window import MainWindow
from readq.ui.settings import file_settings
from tests.helpers import all_dumps
from tests.ui.uihelpers import settle

@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    return tmp_path / "settings" / "readq.ini"


@pytest.fixture
def settings(settings_path: Path) -> QSettings:
    return file_settings(settings_path)


@pytest.fixture
def empty_root(tmp_path: Path) -> Path:
    return tmp_path / "library"


@pytest.fixture
def dumps(tmp_path: Path) -> list[Path]:
    """Copies of the four fixture dumps (000, 001, 002, 003) with a fixed capture date."""
    return all_dumps(tmp_path / "dumps")


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four fixtures imported and indexed once per session (through the core API)."""
    base = tmp_path_factory.mktemp("template")
    root = base / "library"
    with Library(root) as library:
        library.import_paths(all_dumps(base / "dumps"))
        library.sync_index()
    return root


@pytest.fixture
def seeded_root(tmp_path: Path, seeded_template: Path) -> Path:
    """A fresh copy of the seeded library (161 papers, 4 imports) for one test."""
    root = tmp_path / "seeded"
    shutil.copytree(seeded_template, root)
    return root


@pytest.fixture
def open_window(qtbot) -> Iterator[Callable[..., MainWindow]]:
    """Open a main window on a library folder; it is closed after the test."""
    windows: list[MainWindow] = []

    def opener(root: Path, settings: QSettings, show: bool = True) -> MainWindow:
        window = MainWindow(root, settings)
        windows.append(window)
        if show:
            window.show()
            qtbot.waitExposed(window)
        settle(qtbot, window)
        return window

    yield opener
    for window in windows:
        window.close()
        window.deleteLater()


@pytest.fixture
def window(open_window, seeded_root: Path, settings: QSettings) -> MainWindow:
    """A shown window on the seeded library, background checks done."""
    return open_window(seeded_root, settings)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The offscreen platform cannot pass size hints to a window manager and says so;
    that one message is about the test platform, not the app, so it is ignored here
    (every other Qt warning still fails the test)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(
                r"^This plugin does not support propagateSizeHints\(\)$"))
