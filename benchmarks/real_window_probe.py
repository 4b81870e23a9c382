"""The observer inside the app's process for :mod:`benchmarks.real_window`.

    DISPLAY=:N QT_QPA_PLATFORM=xcb python -m benchmarks.real_window_probe EVENTS.jsonl LIBRARY

It runs the unmodified app (``readq.cli.main``, exactly what ``readq`` runs) and only
watches it: the QApplication is created first so that an application-wide event
filter and a 10 ms heartbeat timer can be installed; ``make_application`` then reuses
it. Nothing of readq is patched. Every observation is one JSON line with a
``time.monotonic()`` stamp, comparable with the driver's clock (both are
CLOCK_MONOTONIC on Linux):

- ``paint``: a paint of the paper list's viewport, the triage page or the detail pane
  finished — stamped when the event-loop pass that painted returns (the window has
  then been flushed to the X server);
- ``gap``: the heartbeat fired late: the GUI thread was busy for ``ms``;
- ``search``, ``view``, ``model``: the window's own signals (results for a query
  shown, a view loaded, the model reset or re-sorted);
- ``ready``: the window is up, with the screen positions the driver clicks;
- ``rss``: the process's resident memory, once a second.
"""

from __future__ import annotations

import time

SPAWNED = time.monotonic()

import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, TextIO  # noqa: E402

HEARTBEAT_MS = 10
GAP_REPORTED_MS = 25  # a tick this late (15 ms over its period) is a pause worth logging


def rss_mb() -> float:
    """Resident set size of this process, in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Observer:
    """Watches the app from outside its code: events, timers and public signals."""

    def __init__(self, out: TextIO) -> None:
        from PySide6.QtCore import QObject, QTimer

        self.out = out
        self.window: Any = None
        self.watched: dict[int, str] = {}
        self.pending: set[str] = set()
        self.last_tick = time.monotonic()
        self.filter = _make_filter(self)
        self.heartbeat = QTimer()
        self.heartbeat.setInterval(HEARTBEAT_MS)
        self.heartbeat.timeout.connect(self.tick)
        self.heartbeat.start()
        self.memory = QTimer()
        self.memory.setInterval(1000)
        self.memory.timeout.connect(lambda: self.emit("rss", mb=round(rss_mb(), 1)))
        self.memory.start()
        self.finder = QTimer()
        self.finder.setInterval(20)
        self.finder.timeout.connect(self.find_window)
        self.finder.start()
        self._keep: list[QObject] = []

    def emit(self, event: str, **data: Any) -> None:
        """One observation, stamped now."""
        self.out.write(json.dumps({"ev": event, "t": time.monotonic(), **data}) + "\n")

    def tick(self) -> None:
        now = time.monotonic()
        late = (now - self.last_tick) * 1000
        if late >= GAP_REPORTED_MS:
            self.emit("gap", ms=round(late, 1), since=self.last_tick)
        self.last_tick = now

    def find_window(self) -> None:
        """Once the main window exists, connect to its public signals."""
        from PySide6.QtWidgets import QApplication

        for widget in QApplication.topLevelWidgets():
            if type(widget).__name__ == "MainWindow" and widget.isVisible():
                self.finder.stop()
                self.attach(widget)
                return

    def attach(self, window: Any) -> None:
        from PySide6.QtCore import QTimer

        self.window = window
        self.watched = {_key(window.table.viewport()): "list", _key(window.triage_page): "triage",
                        _key(window.detail): "detail", _key(window.empty): "empty"}
        window.search_done.connect(lambda q: self.emit("search", query=q, rows=window.model.rowCount()))
        window.view_loaded.connect(lambda: self.emit("view", rows=window.model.rowCount()))
        window.model.modelReset.connect(lambda: self.emit("model", kind="reset"))
        window.model.layoutChanged.connect(lambda: self.emit("model", kind="layout"))
        QTimer.singleShot(0, self.report_ready)

    def report_ready(self) -> None:
        """Where the driver clicks: the search box, the list's header sections, row 0."""
        window = self.window
        header = window.table.horizontalHeader()
        model = window.model
        sections = {}
        for col in range(header.count()):
            if header.isSectionHidden(col):
                continue
            x = header.sectionViewportPosition(col) + header.sectionSize(col) // 2
            point = header.mapToGlobal(header.rect().topLeft())
            name = str(model.headerData(col, _horizontal()) or col)
            sections[name] = [point.x() + x, point.y() + header.height() // 2]
        box = window.search.mapToGlobal(window.search.rect().center())
        row = window.table.viewport().mapToGlobal(window.table.viewport().rect().topLeft())
        self.emit("ready", spawned=SPAWNED, sections=sections, search=[box.x(), box.y()],
                  row0=[row.x() + 40, row.y() + window.table.rowHeight(0) // 2],
                  rows=model.rowCount(), pid=_pid())

    def painted(self, obj: Any) -> None:
        """A watched widget is being painted: stamp the end of this event-loop pass."""
        from PySide6.QtCore import QTimer

        name = self.watched.get(_key(obj))
        if name is None:
            parent = obj.parent() if hasattr(obj, "parent") else None
            while parent is not None and name is None:  # a child of the triage page/detail
                name = self.watched.get(_key(parent))
                parent = parent.parent()
            if name in (None, "list"):
                return
        if name in self.pending:
            return  # one stamp per widget per event-loop pass
        self.pending.add(name)
        rows = self.window.model.rowCount() if self.window is not None else 0

        def stamp() -> None:
            self.pending.discard(name)
            self.emit("paint", what=name, rows=rows)

        QTimer.singleShot(0, stamp)


def _make_filter(observer: Observer) -> Any:
    from PySide6.QtCore import QEvent, QObject

    class PaintFilter(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint and observer.window is not None:
                observer.painted(obj)
            return False

    return PaintFilter()


def _key(obj: Any) -> int:
    """The C++ object's address: Python wrappers of one widget need not be one object."""
    import shiboken6

    return int(shiboken6.getCppPointer(obj)[0])


def _horizontal() -> Any:
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal


def _pid() -> int:
    import os

    return os.getpid()


def main() -> int:
    """Create the application, start observing, then run readq as ``readq`` would."""
    from PySide6.QtWidgets import QApplication

    events, library = sys.argv[1], sys.argv[2]
    app = QApplication([sys.argv[0]])
    out = open(events, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 (open for the run)
    observer = Observer(out)
    app.installEventFilter(observer.filter)
    observer.emit("started", spawned=SPAWNED)
    from readq.cli import main as readq_main

    code = readq_main(["--library", library])
    observer.emit("exit", code=code)
    out.close()
    return int(code or 0)


if __name__ == "__main__":
    sys.exit(main())
