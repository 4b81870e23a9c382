"""Star ratings: a clickable 0–5 star widget and a table delegate that paints stars.

Gold is the one hard-coded colour of the app; empty stars use the palette's
placeholder colour so they read well in light and dark themes.
"""

from __future__ import annotations

import functools
import math

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPainterPath, QPalette, QPaintEvent
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

GOLD = QColor("#f2b01e")
MAX_STARS = 5


def star_path(rect: QRectF) -> QPainterPath:
    """A five-pointed star filling ``rect``."""
    cx, cy = rect.center().x(), rect.center().y()
    outer = min(rect.width(), rect.height()) / 2
    inner = outer * 0.45
    path = QPainterPath()
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        point = QPointF(cx + radius * math.cos(angle), cy + radius * math.sin(angle))
        if i == 0:
            path.moveTo(point)
        else:
            path.lineTo(point)
    path.closeSubpath()
    return path


@functools.lru_cache(maxsize=16)
def _star_of_size(size: float) -> QPainterPath:
    """A star ``size`` wide at the origin (built once per size, moved to each cell)."""
    return star_path(QRectF(0, 0, size, size))


def paint_stars(painter: QPainter, rect: QRectF, rating: int, palette: QPalette,
                size: float, hover: int = 0, show_empty: bool = True) -> None:
    """Draw ``MAX_STARS`` stars left-aligned in ``rect``; the first ``rating`` gold."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    empty = palette.color(QPalette.ColorRole.PlaceholderText)
    top = rect.top() + (rect.height() - size) / 2
    star = _star_of_size(size)
    for i in range(MAX_STARS):
        path = star.translated(rect.left() + i * size * 1.15, top)
        lit = i < (hover or rating)
        if lit:
            colour = QColor(GOLD)
            if hover and i >= rating:
                colour.setAlpha(150)
            painter.fillPath(path, colour)
        elif show_empty:
            painter.setPen(empty)
            painter.drawPath(path)
    painter.restore()


class StarWidget(QWidget):
    """Five stars; click star n to rate n, click the current rating to clear it."""

    rated = Signal(int)

    def __init__(self, parent: QWidget | None = None, star_size: int = 20) -> None:
        super().__init__(parent)
        self._rating = 0
        self._hover = 0
        self._size = star_size
        self.setMouseTracking(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setToolTip("Rate this paper (keys 0–5)")
        self.setAccessibleName("Rating")

    def rating(self) -> int:
        """The rating shown."""
        return self._rating

    def set_rating(self, rating: int) -> None:
        """Show a rating (does not emit ``rated``)."""
        self._rating = max(0, min(MAX_STARS, int(rating)))
        self.setAccessibleDescription(f"{self._rating} of 5 stars")
        self.update()

    def star_at(self, x: float) -> int:
        """Which star (1–5) an x position falls on, 0 outside."""
        step = self._size * 1.15
        star = int(x // step) + 1
        return star if 1 <= star <= MAX_STARS else 0

    def sizeHint(self) -> QSize:
        return QSize(int(self._size * 1.15 * MAX_STARS) + 2, self._size + 6)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        paint_stars(painter, QRectF(self.rect()), self._rating, self.palette(), self._size,
                    hover=self._hover)
        painter.end()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        hover = self.star_at(event.position().x())
        if hover != self._hover:
            self._hover = hover
            self.update()

    def leaveEvent(self, event: object) -> None:
        self._hover = 0
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self.isEnabled():
            return
        star = self.star_at(event.position().x())
        if star:
            value = 0 if star == self._rating else star
            self.set_rating(value)
            self.rated.emit(value)


class StarDelegate(QStyledItemDelegate):
    """Paints a rating cell as gold stars (the model's ``RatingRole``)."""

    def __init__(self, rating_role: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._role = rating_role

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rating = int(index.data(self._role) or 0)
        if rating:
            size = min(opt.rect.height() - 8, 13)
            rect = QRectF(opt.rect.adjusted(4, 0, -2, 0))
            paint_stars(painter, rect, rating, opt.palette, size, show_empty=False)

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(int(13 * 1.15 * MAX_STARS) + 8, 18)
