"""Dates as listing pages show them: ``Sep 14, 2023`` or, without a year, ``Mar 19``.

A date without a year is the latest such date not after the dump's capture date
(the file's modification time, or the import time for pasted text).
"""

from __future__ import annotations

import calendar
import re
from datetime import date

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_name) if name})
MONTHS["sept"] = 9

MONTH_PATTERN = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
DATE_PATTERN = MONTH_PATTERN + r"\.? (?:[1-9]|[12]\d|3[01])(?:, ?(?:19|20)\d\d)?"
_DATE = re.compile(
    r"(?P<mon>" + MONTH_PATTERN + r")\.? (?P<day>\d{1,2})(?:, ?(?P<year>\d{4}))?$"
)


def parse_listing_date(text: str, captured: date) -> tuple[date | None, bool]:
    """Parse ``Mon D[, YYYY]``; return ``(date, year_inferred)``.

    ``(None, False)`` when the text is not a valid date (e.g. ``Feb 30, 2023``).
    """
    match = _DATE.match(text.strip())
    if not match:
        return None, False
    month = MONTHS[match["mon"].lower()]
    day = int(match["day"])
    if match["year"]:
        try:
            return date(int(match["year"]), month, day), False
        except ValueError:
            return None, False
    return resolve_yearless(month, day, captured), True


def resolve_yearless(month: int, day: int, captured: date) -> date | None:
    """The latest ``month/day`` not after ``captured`` (Feb 29 looks back to a leap year)."""
    for year in range(captured.year, captured.year - 9, -1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= captured:
            return candidate
    return None


def arxiv_year_month(arxiv_id: str | None) -> tuple[int, int] | None:
    """Year and month encoded in a new-style arXiv id (``2305.00833`` → 2023-05)."""
    if not arxiv_id:
        return None
    match = re.match(r"(\d\d)(\d\d)\.\d{4,5}", arxiv_id)
    if not match:
        return None
    year, month = 2000 + int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        return None
    return year, month


def months_apart(a: tuple[int, int], b: date) -> int:
    """Absolute distance in months between a (year, month) and a date."""
    return abs((a[0] * 12 + a[1]) - (b.year * 12 + b.month))
