"""Trending-list dumps (``002_*``): a few header lines, then title / abstract pairs.

No authors, no ids, no dates per paper. A title is a short line; the abstract is
the prose after it (one paragraph or several). Short lines before the first pair
are the page header; a title with no abstract is reported, not stored.
"""

from __future__ import annotations

from datetime import date

from readq.models import DumpFormat, ParseResult, Problem, Record
from readq.parsing.common import looks_like_abstract, numbered


def parse_trending(lines: list[str], captured: date) -> ParseResult:
    """Parse a trending list. ``captured`` is unused: the list carries no paper dates."""
    del captured
    result = ParseResult(DumpFormat.TRENDING, [])
    items = numbered(lines)
    current: Record | None = None
    pending_titles: list[tuple[int, str]] = []
    for number, line in items:
        if looks_like_abstract(line):
            if pending_titles:
                title_line, title = pending_titles.pop()
                _report_orphans(pending_titles, result, header=not result.records and current is None)
                pending_titles = []
                current = Record(index=len(result.records), line=title_line, title=title,
                                 abstract=line)
                result.records.append(current)
            elif current is not None:
                current.abstract = f"{current.abstract} {line}"
            # prose before any title: page text, ignored
        else:
            pending_titles.append((number, line))
    if pending_titles:
        _report_orphans(pending_titles, result, header=False, at_end=True)
    return result


def _report_orphans(
    titles: list[tuple[int, str]], result: ParseResult, *, header: bool, at_end: bool = False
) -> None:
    """Short lines not followed by an abstract: the page header, or a cut-off record."""
    if header or not titles:
        return
    if at_end:
        number, title = titles[-1]
        result.problems.append(Problem(
            number, f"the last record “{_short(title)}” has no abstract "
            "(the dump looks cut off); not imported",
        ))
        return
    for number, title in titles:
        result.problems.append(Problem(
            number, f"“{_short(title)}” has no abstract; not imported",
        ))


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
