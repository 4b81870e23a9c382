"""The probe's observations as the driver reads them, and the dumps it imports.

The probe appends JSON lines to one file; :class:`EventLog` re-reads what was added
since the last look, so the driver can wait for an event without a socket.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

Event = dict[str, Any]


class EventLog:
    """The probe's events, read as they are appended."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.touch()
        self.events: list[Event] = []
        self._offset = 0

    def _read(self) -> None:
        with self.path.open("rb") as handle:
            handle.seek(self._offset)
            data = handle.read()
        end = data.rfind(b"\n") + 1  # a line still being written waits for the next look
        for line in data[:end].splitlines():
            if line.strip():
                self.events.append(json.loads(line))
        self._offset += end

    def wait(self, match: Callable[[Event], bool], timeout_s: float) -> Event | None:
        """The first event (old or new) that matches, waiting up to ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        seen = 0
        while True:
            self._read()
            for event in self.events[seen:]:
                if match(event):
                    return event
            seen = len(self.events)
            if time.monotonic() > deadline:
                return None
            time.sleep(0.01)

    def last(self, match: Callable[[Event], bool]) -> Event | None:
        """The latest event that matches, of those written so far."""
        self._read()
        return next((e for e in reversed(self.events) if match(e)), None)

    def since(self, start: float) -> list[Event]:
        """Every event stamped at or after ``start``."""
        self._read()
        return [e for e in self.events if e["t"] >= start]

    def longest_gap(self, start: float, end: float) -> float:
        """The longest GUI-thread pause (ms) that overlaps [start, end]; 0 if none."""
        time.sleep(0.05)  # a pause ending now is logged by the next heartbeat
        self._read()
        gaps = [e["ms"] for e in self.events
                if e["ev"] == "gap" and e["t"] >= start and e["since"] <= end]
        return round(max(gaps, default=0.0), 1)


def make_dump(path: Path, papers: int, seed: int) -> Path:
    """A generated author-profile dump of ``papers`` papers (cached by name)."""
    from benchmarks.generate import Generator, render

    if not path.exists():
        path.write_text(render(list(Generator(seed=seed).papers(papers)), "profile"), encoding="utf-8")
    return path
