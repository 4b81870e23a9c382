"""View ▸ Zoom: one font scale for the whole window, remembered between runs.

The scale multiplies the application font's size (steps of 10 %, from 70 %
to 200 %); widgets that derive their fonts from it (the list rows, the detail
pane, the triage card) follow. The scale is stored in the window settings.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

ZOOM_KEY = "view/zoom"
STEPS = (0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.35, 1.5, 1.75, 2.0)


class Zoom:
    """Scales the application font; ``changed`` callbacks re-measure what depends on it."""

    def __init__(self, settings: QSettings, window: QWidget) -> None:
        self._settings = settings
        self._window = window
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self._app = app
        self._base = QFont(app.font())
        self._listeners: list[object] = []
        try:
            scale = float(settings.value(ZOOM_KEY, 1.0) or 1.0)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            scale = 1.0
        self.scale = min(STEPS, key=lambda s: abs(s - scale))
        if self.scale != 1.0:
            self._apply()

    def on_change(self, callback: object) -> None:
        """Call ``callback()`` after every change of scale."""
        self._listeners.append(callback)

    def zoom_in(self) -> None:
        """One step bigger."""
        self._set(next((s for s in STEPS if s > self.scale), self.scale))

    def zoom_out(self) -> None:
        """One step smaller."""
        self._set(next((s for s in reversed(STEPS) if s < self.scale), self.scale))

    def reset(self) -> None:
        """Back to 100 %."""
        self._set(1.0)

    def restore_base(self) -> None:
        """Put the application font back (the window closes; other windows keep theirs)."""
        self._app.setFont(self._base)

    def _set(self, scale: float) -> None:
        if scale == self.scale:
            return
        self.scale = scale
        self._settings.setValue(ZOOM_KEY, scale)
        self._apply()

    def _apply(self) -> None:
        font = QFont(self._base)
        size = self._base.pointSizeF()
        if size > 0:
            font.setPointSizeF(size * self.scale)
        else:
            font.setPixelSize(max(6, round(self._base.pixelSize() * self.scale)))
        self._app.setFont(font)
        for callback in self._listeners:
            QTimer.singleShot(0, callback)  # type: ignore[arg-type]
