"""Pieces every dump parser uses: the record header line, line classification."""

from __future__ import annotations

import re
from datetime import date

from readq.dates import DATE_PATTERN, parse_listing_date
from readq.models import Problem, Record

# ``LGSep 14, 2023Code``, ``AIMar 19``, ``99.1LGMar 18Code``
META_LINE = re.compile(
    r"^(?P<score>\d{1,3}(?:\.\d+)?)?(?P<cat>[A-Z]{2,3}?)(?P<date>" + DATE_PATTERN + r")"
    r"(?P<code>\s?Code)?$"
)


def parse_meta_line(line: str, record: Record, captured: date) -> bool:
    """Fill category, date, code flag and score from a record header line.

    Returns False (and leaves the record alone) if the line is not a header line.
    """
    match = META_LINE.match(line)
    if not match:
        return False
    published, inferred = parse_listing_date(match["date"], captured)
    if published is None:
        return False
    record.category = match["cat"] or None
    record.published = published
    record.year_inferred = inferred
    record.has_code = bool(match["code"])
    record.score = float(match["score"]) if match["score"] else None
    return True


def is_meta_line(line: str) -> bool:
    """Whether the line looks like a record header (category, date, code marker)."""
    return bool(META_LINE.match(line))


_SENTENCE_END = re.compile(r"[.!?][)\"'”’]?$")


def looks_like_abstract(line: str) -> bool:
    """A paragraph of prose: long, or several sentences ending in a full stop."""
    words = line.count(" ") + 1
    if len(line) >= 200 and words >= 25:
        return True
    return len(line) >= 80 and words >= 12 and bool(_SENTENCE_END.search(line))


def looks_like_title(line: str) -> bool:
    """A line short enough to be a title and not prose."""
    return 0 < len(line) <= 400 and not looks_like_abstract(line)


Item = Record | Problem
"""What a streaming parser yields."""
