"""Trending-list dumps (``002_*``): a few header lines, then title / abstract pairs.

No authors, no ids, no dates per paper. A title is a short line; the abstract is
the prose after it (one paragraph or several). Short lines before the first pair
are the page header; a title with no abstract is reported, not stored. Parsed as a
stream: a record is yielded when the next one starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from readq.models import Problem, Record
from readq.parsing.common import Item, looks_like_abstract


def parse_trending(lines: Iterable[tuple[int, str]], captured: date) -> Iterator[Item]:
    """Parse a trending list. ``captured`` is unused: the list carries no paper dates."""
    del captured
    current: Record | None = None
    pending: list[tuple[int, str]] = []  # short lines not yet followed by prose
    count = 0
    for number, line in lines:
        if not line:
            continue
        if not looks_like_abstract(line):
            pending.append((number, line))
            continue
        if pending:
            title_line, title = pending.pop()
            if current is not None:
                yield current
                yield from _orphans(pending)  # between two records: titles without abstracts
            pending = []
            current = Record(index=count, line=title_line, title=title, abstract=line)
            count += 1
        elif current is not None:
            current.abstract = f"{current.abstract} {line}"
        # prose before any title: page text, ignored
    if current is not None:
        yield current
    if pending and current is not None:
        yield from _orphans(pending[:-1])
        number, title = pending[-1]
        yield Problem(number, f"the last record “{_short(title)}” has no abstract "
                      "(the dump looks cut off); not imported")


def _orphans(titles: list[tuple[int, str]]) -> Iterator[Problem]:
    for number, title in titles:
        yield Problem(number, f"“{_short(title)}” has no abstract; not imported")


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
