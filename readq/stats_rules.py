"""Rules the Statistics page and ``readq stats --plot`` share, so both draw a library
the same way: how many weeks the week axes span, which ticks a count axis gets, how
an import is named and how a rate is written.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

MOST_WEEKS = 26  # the week axes span at most half a year…
FEWEST_WEEKS = 4  # …and at least a month, however new the library


def weeks_to_show(first_added: date | None, today: date) -> int:
    """Weeks from the one the library's first paper came in to this one (both
    counted), within [:data:`FEWEST_WEEKS`, :data:`MOST_WEEKS`]: a library started
    today shows a few weeks, not half a year of empty ones."""
    if first_added is None:
        return FEWEST_WEEKS
    first_monday = first_added.toordinal() - first_added.weekday()
    this_monday = today.toordinal() - today.weekday()
    weeks = (this_monday - first_monday) // 7 + 1
    return max(FEWEST_WEEKS, min(MOST_WEEKS, weeks))


def count_ticks(top: float, most: int = 6) -> list[int]:
    """Whole-number ticks from 0 covering ``top`` with at most ``most`` ticks: counts
    of papers have no fractions (steps of 1, 2, 5, 10, 20, 50…)."""
    top = max(1, math.ceil(top))
    step = 1
    while top / step > most - 1:
        step = _next_step(step)
    last = math.ceil(top / step) * step
    return list(range(0, last + 1, step))


def _next_step(step: int) -> int:
    """1 → 2 → 5 → 10 → 20 → 50 → 100…"""
    magnitude = 10 ** int(math.log10(step))
    lead = step // magnitude
    return (2 if lead == 1 else 5 if lead == 2 else 10) * magnitude


def rate_text(value: float) -> str:
    """A rate as a person writes it: whole above 10 ("42"), one decimal above 1
    ("4.2"), two significant figures below ("0.35")."""
    if value >= 10:
        return f"{round(value):,}"
    if value >= 1:
        return f"{value:.1f}".removesuffix(".0")
    return f"{value:.2g}"


def import_label(row: dict[str, Any], width: int = 22) -> str:
    """An import as the sidebar names it ("Trending Mar 11", the profile's author),
    the file name for one with no name, shortened to ``width`` characters."""
    name = str(row.get("name") or row.get("file") or "import")
    return f"{name[:width]}{'…' if len(name) > width else ''}"
