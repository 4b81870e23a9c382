"""Charts of the Statistics page, drawn with pyqtgraph (native Qt, numpy).

:func:`chart_specs` turns the figures of :func:`readq.store.stats.figures` into
plain :class:`ChartSpec` objects (no widgets: tested alone). :class:`Chart` draws
one spec as bars (grouped, stacked or horizontal) or a line, in the colours of
the current palette, with the mouse frozen (no pan or zoom). Hovering a bar or
a point shows its value as a tooltip; clicking it emits ``selected`` with the
selection key of the papers behind it (``"read:2026-11-23"``), which the window
lists through the library view ``stats:<key>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QPalette
from PySide6.QtWidgets import QToolTip, QWidget

from readq.stats_rules import count_ticks, import_label, rate_text

# series colours that read well on light and dark bases
COLOURS = {"added": "#4C78A8", "read": "#54A24B", "inbox": "#E45756", "accent": "#F58518",
           "muted": "#9D9D9D", "queue": "#B279A2"}


WAIT_TIPS = {
    "inbox": "{n} papers have waited {wait} in the inbox so far",
    "queue": "{n} papers have been in the queue for {wait}",
    "read": "{n} papers were read {wait} after they were added",
    "dismissed": "{n} papers were dismissed {wait} after they were added",
}


@dataclass
class Series:
    """One row of values (one colour) with a selection key and tooltip per value."""

    name: str
    values: list[float]
    colour: str
    keys: list[str]
    tips: list[str]


@dataclass
class ChartSpec:
    """What one chart shows."""

    name: str  # stable id (tests, object names)
    title: str
    labels: list[str]  # one per category (x axis; y axis when horizontal)
    series: list[Series]
    kind: str = "grouped"  # grouped | stacked | overlay (horizontal) | line
    note: str = ""  # a line under the title
    reference: float | None = None  # a dashed horizontal line (an average)
    label_every: int = 1
    extra: dict[str, Any] = field(default_factory=dict)


def _week_label(week: str) -> str:
    return week[5:].replace("-", "/")


def chart_specs(figures: dict[str, Any]) -> list[ChartSpec]:
    """The page's charts, in order."""
    weeks = figures["backlog"]
    labels = [_week_label(w["week"]) for w in weeks]
    every = max(1, len(weeks) // 9)
    week_of = [f"week of {w['week']}" for w in weeks]
    specs = [ChartSpec(
        "backlog", "Papers added and read per week", labels, [
            Series("added", [w["added"] for w in weeks], COLOURS["added"],
                   [f"added:{w['week']}" for w in weeks],
                   [f"{w['added']:,} added in the {t}" for w, t in zip(weeks, week_of)]),
            Series("read", [w["read"] for w in weeks], COLOURS["read"],
                   [f"read:{w['week']}" for w in weeks],
                   [f"{w['read']:,} read in the {t}" for w, t in zip(weeks, week_of)]),
        ], label_every=every)]
    known = [(n, w) for n, w in enumerate(weeks) if w["inbox"] is not None]
    since = (figures.get("history_since") or "")[:10]
    specs.append(ChartSpec(
        "inbox", "Unread inbox at the end of each week", labels, [
            Series("inbox", [float(w["inbox"]) if w["inbox"] is not None else float("nan")
                             for w in weeks], COLOURS["inbox"],
                   [f"inbox:{w['week']}" for w in weeks],
                   [f"{w['inbox']:,} unread in the inbox at the end of the {t}"
                    if w["inbox"] is not None else f"not known: the history began {since}"
                    for w, t in zip(weeks, week_of)]),
        ], kind="line", label_every=every,
        note=f"history since {since}" if known and len(known) < len(weeks) else ""))
    rate = figures["reading_rate"]
    average = rate["last_4_weeks_average"]
    specs.append(ChartSpec(
        "rate", "Papers read per week", labels, [
            Series("read", [w["read"] for w in rate["weeks"]], COLOURS["read"],
                   [f"read:{w['week']}" for w in rate["weeks"]],
                   [f"{w['read']:,} read in the {t}" for w, t in zip(rate["weeks"], week_of)]),
        ], reference=average, label_every=every,
        note=f"last 4 weeks: {average:g} a week" + (
            f" · {rate['read_before_history']:,} read before the history began"
            if rate["read_before_history"] else "")))
    waiting = figures["waiting"]
    buckets = waiting["inbox"]["buckets"]
    wait_series = []
    for kind, name, colour in (("inbox", "inbox now", "added"),
                               ("queue", "queue now", "queue"),
                               ("read", "to read", "read"),
                               ("dismissed", "to dismiss", "muted")):
        rows = waiting[kind]["buckets"]
        wait_series.append(Series(
            name, [b["papers"] for b in rows], COLOURS[colour],
            [f"wait:{kind}:{b['bucket']}" for b in rows],
            [WAIT_TIPS[kind].format(n=f"{b['papers']:,}", wait=b["label"]) for b in rows]))
    medians = [f"{label} {waiting[kind]['median_days']:.0f} d" for kind, label in
               (("inbox", "inbox"), ("queue", "queue"), ("read", "read"))
               if waiting[kind]["median_days"] is not None]
    specs.append(ChartSpec("waiting", "How long papers wait", [b["label"] for b in buckets],
                           wait_series, note="medians: " + ", ".join(medians) if medians else ""))
    ratings = figures["ratings"]
    dist = ratings["distribution"]
    specs.append(ChartSpec(
        "ratings", "Ratings", ["★" * r["stars"] for r in dist], [
            Series("papers", [r["papers"] for r in dist], COLOURS["accent"],
                   [f"stars:{r['stars']}" for r in dist],
                   [f"{r['papers']:,} papers rated {r['stars']} of 5" for r in dist])],
        note=f"{ratings['unrated']:,} unrated"))
    cats = ratings["by_category"]
    specs.append(ChartSpec(
        "stars_by_category", "Average stars by category", [c["category"] for c in cats], [
            Series("average", [c["average"] for c in cats], COLOURS["accent"],
                   [f"rated-category:{c['category']}" for c in cats],
                   [f"{c['category']}: {c['average']:.2f} stars on average over "
                    f"{c['rated']:,} rated papers" for c in cats])],
        extra={"y_max": 5}))
    for key, prefix, title in (("categories", "category", "Top categories"),
                               ("orgs", "org", "Top organisations"),
                               ("authors", "author", "Top authors")):
        rows = list(reversed(figures["top"][key]))  # the largest at the top
        tips = [f"{r['name']}: {r['papers']:,} papers, {r['read']:,} read "
                f"({r['share_read']:.0%})" for r in rows]
        keys = [f"{prefix}:{r['name']}" for r in rows]
        specs.append(ChartSpec(
            key, title, [str(r["name"]) for r in rows], [
                Series("papers", [r["papers"] for r in rows], COLOURS["added"], keys, tips),
                Series("read", [r["read"] for r in rows], COLOURS["read"], keys, tips)],
            kind="overlay"))
    imports = figures["imports"]
    specs.append(ChartSpec(
        "imports", "Imports: new and merged papers",
        [import_label(i, 16) for i in imports], [
            Series("new", [i["new"] + i["possible_duplicates"] for i in imports],
                   COLOURS["added"], [f"import:{i['id']}" for i in imports],
                   [f"{i['file']} ({i['imported_at'][:10]}): {i['new']:,} new, "
                    f"{i['merged']:,} merged" for i in imports]),
            Series("merged", [i["merged"] for i in imports], COLOURS["muted"],
                   [f"import:{i['id']}" for i in imports],
                   [f"{i['file']} ({i['imported_at'][:10]}): {i['new']:,} new, "
                    f"{i['merged']:,} merged" for i in imports]),
        ], kind="stacked", label_every=max(1, len(imports) // 8)))
    triage = figures["triage"]
    sessions = triage["sessions"]
    pace = triage["papers_per_minute"]
    specs.append(ChartSpec(
        "triage", "Triage: decisions per session",
        [s["started_at"][5:10].replace("-", "/") for s in sessions], [
            Series("decisions", [s["decisions"] for s in sessions], COLOURS["added"],
                   [f"triage:{s['id']}" for s in sessions],
                   [f"{s['label'] or 'Triage'} ({s['started_at'][:16].replace('T', ' ')}): "
                    f"{s['decisions']:,} decisions in {s['minutes']:g} min, "
                    f"{rate_text(s['papers_per_minute'])} papers a minute" for s in sessions])],
        label_every=max(1, len(sessions) // 8),
        note=(f"{rate_text(pace)} papers a minute over the last {len(sessions)} sessions"
              if pace else "no triage logged yet: press T on a view")))
    return specs


@dataclass
class _Hit:
    x0: float
    x1: float
    y0: float
    y1: float
    key: str
    tip: str
    label: str


class Chart(pg.PlotWidget):
    """One chart; ``selected(key, description)`` when a bar or point is clicked."""

    selected = Signal(str, str)

    def __init__(self, spec: ChartSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setObjectName(f"chart_{spec.name}")
        self.setFixedHeight(250)
        self.setMouseEnabled(x=False, y=False)
        self.setMenuEnabled(False)
        self.hideButtons()
        self.setMouseTracking(True)
        self.hits: list[_Hit] = []
        self.value_ticks: list[int] = []  # the ticks of the count axis
        self._hover: _Hit | None = None
        self.scene().sigMouseMoved.connect(self._on_move)
        self.scene().sigMouseClicked.connect(self._on_click)
        self.draw()

    # --- drawing -------------------------------------------------------------------------

    def draw(self) -> None:
        """(Re)draw the spec in the colours of the current palette."""
        spec = self.spec
        item = self.getPlotItem()
        item.clear()
        self.hits = []
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.Text)
        self.setBackground(palette.color(QPalette.ColorRole.Base))
        faint = QColor(text)
        faint.setAlpha(150)
        for side in ("left", "bottom"):
            axis = item.getAxis(side)
            axis.setPen(pg.mkPen(faint))
            axis.setTextPen(pg.mkPen(text))
        legend = "  ".join(f"<span style='color:{s.colour}'>■</span> {s.name}"
                           for s in spec.series) if len(spec.series) > 1 else ""
        plain = sum(len(s.name) + 3 for s in spec.series) + len(spec.note)
        lines = (" · " if plain <= 90 else "<br>").join(
            part for part in (legend, spec.note) if part)
        item.setTitle(f"<b>{spec.title}</b>" + (
            f"<br><span style='font-size:8pt'>{lines}</span>" if lines else ""),
            color=text.name(), size="10pt")
        n = len(spec.labels)
        horizontal = spec.kind == "overlay"
        ticks = [(i, label) for i, label in enumerate(spec.labels)
                 if horizontal or i % spec.label_every == 0 or i == n - 1]
        item.getAxis("left" if horizontal else "bottom").setTicks([ticks])
        metrics = self.fontMetrics()
        if horizontal:  # room for the names, within reason
            longest = max([metrics.horizontalAdvance(label) for label in spec.labels] + [20])
            item.getAxis("left").setWidth(min(longest + 14, 190))
        else:
            item.getAxis("left").setWidth(metrics.horizontalAdvance("00,000") + 10)
        if spec.kind == "line":
            self._draw_line()
        elif horizontal:
            self._draw_overlay()
        else:
            self._draw_bars()
        if spec.reference is not None and spec.reference > 0:
            line = pg.InfiniteLine(pos=spec.reference, angle=0, pen=pg.mkPen(
                COLOURS["accent"], width=1.5, style=Qt.PenStyle.DashLine))
            item.addItem(line)
        if n:
            if horizontal:
                item.setYRange(-0.6, n - 0.4, padding=0)
            else:
                item.setXRange(-0.6, n - 0.4, padding=0)
        top = max([v for s in spec.series for v in s.values if v == v] + [0.0])
        if "y_max" in spec.extra:
            top = spec.extra["y_max"]
        if spec.kind == "stacked":
            top = max([sum(vals) for vals in zip(*(s.values for s in spec.series))] + [0.0])
        if horizontal:
            end = max(1.0, top) * 1.05
            item.setXRange(0, end, padding=0)
        else:
            end = max(1.0, top, spec.reference or 0) * 1.08
            item.setYRange(0, end, padding=0)
        # counts of papers: whole-number ticks (the rule ``readq stats --plot`` uses too)
        self.value_ticks = [t for t in count_ticks(end) if t <= end]
        item.getAxis("bottom" if horizontal else "left").setTicks(
            [[(t, f"{t:,}") for t in self.value_ticks]])

    def _bar(self, **opts: Any) -> None:
        colour = opts.pop("colour")
        self.getPlotItem().addItem(pg.BarGraphItem(
            brush=pg.mkBrush(colour), pen=pg.mkPen(None), **opts))

    def _draw_bars(self) -> None:
        spec = self.spec
        count = len(spec.series)
        stacked = spec.kind == "stacked"
        width = 0.8 if stacked else 0.8 / count
        base = [0.0] * len(spec.labels)
        for s_index, series in enumerate(spec.series):
            offset = 0.0 if stacked else (s_index - (count - 1) / 2) * width
            xs = [i + offset for i in range(len(series.values))]
            self._bar(x=xs, height=series.values, y0=base if stacked else 0, width=width * 0.92,
                      colour=series.colour)
            for i, value in enumerate(series.values):
                bottom = base[i] if stacked else 0.0
                self.hits.append(_Hit(xs[i] - width / 2, xs[i] + width / 2, bottom,
                                      bottom + max(value, 0), series.keys[i], series.tips[i],
                                      series.tips[i]))
            if stacked:
                base = [b + v for b, v in zip(base, series.values)]

    def _draw_overlay(self) -> None:
        for s_index, series in enumerate(self.spec.series):
            ys = list(range(len(series.values)))
            height = 0.7 if s_index == 0 else 0.7
            self._bar(x0=0, y=ys, width=series.values, height=height, colour=series.colour)
        first = self.spec.series[0] if self.spec.series else None
        if first is not None:
            for i, value in enumerate(first.values):
                # the whole row is the target: hover anywhere on it
                self.hits.append(_Hit(0, max(value, 0), i - 0.4, i + 0.4, first.keys[i],
                                      first.tips[i], first.tips[i]))

    def _draw_line(self) -> None:
        series = self.spec.series[0]
        xs = list(range(len(series.values)))
        self.getPlotItem().plot(xs, series.values, pen=pg.mkPen(series.colour, width=2),
                                symbol="o", symbolSize=6, symbolBrush=series.colour,
                                symbolPen=None, connect="finite")
        for i, value in enumerate(series.values):
            if value == value:  # not NaN: a known week
                self.hits.append(_Hit(i - 0.5, i + 0.5, float("-inf"), float("inf"),
                                      series.keys[i], series.tips[i], series.tips[i]))

    # --- the mouse -----------------------------------------------------------------------

    def hit_at(self, scene_pos: QPointF) -> _Hit | None:
        """The bar or point under a scene position."""
        box = self.getPlotItem().vb
        if not box.sceneBoundingRect().contains(scene_pos):
            return None
        point = box.mapSceneToView(scene_pos)
        x, y = point.x(), point.y()
        for hit in self.hits:
            if hit.x0 <= x <= hit.x1 and hit.y0 <= y <= hit.y1:
                return hit
        # a short bar is hard to aim at: the column above it counts too
        if self.spec.kind in ("grouped", "stacked"):
            for hit in self.hits:
                if hit.x0 <= x <= hit.x1 and y >= hit.y0:
                    return hit
        return None

    def scene_point(self, hit_index: int) -> QPointF:
        """The scene position of the middle of a bar (tests and keyboard use)."""
        hit = self.hits[hit_index]
        y1 = hit.y1 if hit.y1 != float("inf") else 0.0
        y0 = hit.y0 if hit.y0 != float("-inf") else 0.0
        return self.getPlotItem().vb.mapViewToScene(
            QPointF((hit.x0 + hit.x1) / 2, (y0 + y1) / 2))

    def _on_move(self, scene_pos: QPointF) -> None:
        hit = self.hit_at(scene_pos)
        self._hover = hit
        if hit is None:
            QToolTip.hideText()
            self.viewport().unsetCursor()
            return
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        QToolTip.showText(QCursor.pos(), hit.tip + "\nClick to list these papers", self)

    def _on_click(self, event: Any) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        hit = self.hit_at(event.scenePos())
        if hit is not None:
            self.selected.emit(hit.key, hit.label)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and "spec" in self.__dict__:
            self.draw()
