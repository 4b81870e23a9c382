"""Palettes: the app follows the system palette; a dark Fusion palette is offered.

Widgets use palette roles only (the stars' gold is the one fixed colour), so
both look right. ``READQ_THEME=dark`` selects the dark palette at start.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication


def dark_palette() -> QPalette:
    """A dark palette for the Fusion style."""
    p = QPalette()
    window, base, text = QColor(45, 47, 51), QColor(32, 34, 37), QColor(226, 228, 231)
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor(40, 42, 46),
        QPalette.ColorRole.ToolTipBase: QColor(60, 63, 68),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: QColor(130, 134, 140),
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor(55, 58, 63),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor(255, 110, 110),
        QPalette.ColorRole.Link: QColor(110, 170, 255),
        QPalette.ColorRole.LinkVisited: QColor(170, 140, 255),
        QPalette.ColorRole.Highlight: QColor(56, 110, 180),
        QPalette.ColorRole.HighlightedText: QColor(255, 255, 255),
        QPalette.ColorRole.Light: QColor(75, 78, 84),
        QPalette.ColorRole.Midlight: QColor(62, 65, 70),
        QPalette.ColorRole.Mid: QColor(38, 40, 43),
        QPalette.ColorRole.Dark: QColor(25, 26, 28),
        QPalette.ColorRole.Shadow: QColor(0, 0, 0),
    }
    for role, colour in roles.items():
        p.setColor(role, colour)
    disabled = QColor(128, 132, 138)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Highlight, QColor(70, 72, 76))
    return p


def apply_theme(app: QApplication, name: str) -> None:
    """``dark``: Fusion with :func:`dark_palette`; ``fusion``: Fusion, light; else nothing."""
    if name in ("dark", "fusion"):
        app.setStyle("Fusion")
    if name == "dark":
        app.setPalette(dark_palette())
