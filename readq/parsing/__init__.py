"""One entry point for every dump kind: read a file safely, detect its kind, parse it.

Files are streamed: ``DumpSource`` (``parsing/source.py``) reads regular files only,
chooses the encoding per file (UTF-8 preferred, stray bytes replaced and reported by
line), refuses binary, HTML and empty input with a one-line ``DumpError``, then yields
clean numbered lines; ``detect_format`` picks the kind from a look-ahead window; the
parsers yield records and problems one by one, so a 200 MB dump never sits in memory.
``parse_text``/``parse_file`` collect everything for callers that want lists.
Nothing here touches the library.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path

from readq.models import DumpError, DumpFormat, ParseResult, Problem, Record, Unsure
from readq.parsing.arxiv import ID_LINE, parse_arxiv
from readq.parsing.common import Item, is_meta_line, looks_like_abstract
from readq.parsing.profile import parse_compact, parse_profile
from readq.parsing.source import (
    KINDS_TEXT,
    MAX_LINE_CHARS,
    SNIFF_BYTES,
    DumpSource,
    decode_dump,
    sniff_encoding,
)
from readq.parsing.trending import parse_trending
from readq.text import clean_line

__all__ = [
    "KINDS_TEXT", "MAX_LINE_CHARS", "SNIFF_BYTES", "DumpSource", "ParsedItems", "collect",
    "decode_dump", "detect_format", "no_records_error", "parse_file", "parse_text",
    "sniff_encoding", "stream_items",
]

LOOKAHEAD_LINES = 400

Parser = Callable[[Iterable[tuple[int, str]], date], Iterator[Item]]
PARSERS: dict[DumpFormat, Parser] = {
    DumpFormat.PROFILE: parse_profile,
    DumpFormat.ARXIV: parse_arxiv,
    DumpFormat.TRENDING: parse_trending,
    DumpFormat.COMPACT: parse_compact,
}

_HTML = re.compile(r"<(?:!doctype|html|head|body|div|p|span|a\s|table|script)\b[^<>]*>",
                   re.IGNORECASE)


class ParsedItems(Iterator[Record | Problem]):
    """A parser's records and problems, streamed; the boundaries it was unsure of are
    counted in ``unsure`` (kind → records) as they pass."""

    def __init__(self, items: Iterator[Item]) -> None:
        self._items = items
        self.unsure: dict[str, int] = {}

    def __iter__(self) -> ParsedItems:
        return self

    def __next__(self) -> Record | Problem:
        while True:
            item = next(self._items)
            if isinstance(item, Unsure):
                self.unsure[item.kind] = self.unsure.get(item.kind, 0) + 1
                continue
            return item


def detect_format(lines: list[str]) -> DumpFormat:
    """Pick the dump kind from the shape of its (first) lines; ``DumpError`` if none fits."""
    non_blank = [line for line in lines if line]
    if not non_blank:
        raise DumpError("the dump is empty")
    sample = "\n".join(non_blank[:200])
    if len(_HTML.findall(sample)) >= 3:  # real tags, not the ``<`` of a formula
        raise DumpError(
            "this is an HTML page, not the page's text: open it in a browser, "
            "select all and copy, then paste or save that text"
        )
    id_lines = sum(1 for line in non_blank if ID_LINE.match(line))
    meta_lines = sum(1 for line in non_blank if is_meta_line(line))
    prose = sum(1 for line in non_blank if looks_like_abstract(line))
    if meta_lines and meta_lines >= max(1, id_lines):
        # compact: the line after a header line holds title AND authors, and there
        # are no blank lines between the parts of a record.
        return DumpFormat.PROFILE if _blank_after_meta(lines) else DumpFormat.COMPACT
    if id_lines:
        return DumpFormat.ARXIV
    if prose and len(non_blank) >= 2:
        titles_before_prose = sum(
            1 for a, b in zip(non_blank, non_blank[1:])
            if not looks_like_abstract(a) and looks_like_abstract(b)
        )
        if titles_before_prose and titles_before_prose >= prose / 2:
            return DumpFormat.TRENDING
    raise DumpError(f"this text is not a listing dump readq knows; {KINDS_TEXT}")


def _blank_after_meta(lines: list[str]) -> bool:
    """Spaced profiles put blank lines inside records; compact ones never do."""
    votes = total = 0
    while lines and not lines[-1]:  # blank lines at the very end separate nothing
        lines = lines[:-1]
    for i, line in enumerate(lines):
        if is_meta_line(line):
            total += 1
            if "" in lines[i + 1 : i + 4]:
                votes += 1
    return votes * 2 > total


def stream_items(lines: Iterable[tuple[int, str]], captured: date,
                 format: DumpFormat | None = None) -> tuple[DumpFormat, ParsedItems]:
    """Detect the kind from a look-ahead window, then parse the whole stream."""
    iterator = iter(lines)
    window: list[tuple[int, str]] = []
    non_blank = 0
    for number, line in iterator:
        window.append((number, line))
        non_blank += bool(line)
        if non_blank >= LOOKAHEAD_LINES:
            break
    kind = format or detect_format([line for _, line in window])
    return kind, ParsedItems(PARSERS[kind](itertools.chain(window, iterator), captured))


def collect(kind: DumpFormat, items: ParsedItems, extra: list[Problem] | None = None
            ) -> ParseResult:
    """Gather streamed items into a ``ParseResult``; ``DumpError`` if no record."""
    result = ParseResult(kind, [])
    for item in items:
        if isinstance(item, Record):
            result.records.append(item)
        else:
            result.problems.append(item)
    result.unsure = dict(items.unsure)
    result.problems.extend(extra or [])
    result.problems.sort(key=lambda p: p.line)
    if not result.records:
        raise no_records_error(kind, result.problems)
    return result


def no_records_error(kind: DumpFormat, problems: list[Problem]) -> DumpError:
    """The error for a dump in which no complete record was found."""
    if problems:
        return DumpError(f"no complete record found as {kind.label}: {problems[0].message}")
    return DumpError(f"no record found when read as {kind.label}; {KINDS_TEXT}")


def parse_text(text: str, *, captured: date, format: DumpFormat | None = None) -> ParseResult:
    """Parse pasted text (``DumpError`` if it is not a dump of a known kind)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = ((n, clean_line(line)) for n, line in enumerate(text.split("\n"), start=1))
    kind, items = stream_items(lines, captured, format)
    return collect(kind, items)


def parse_file(path: Path, *, format: DumpFormat | None = None) -> ParseResult:
    """Read and parse one dump file into lists."""
    with DumpSource(path) as source:
        kind, items = stream_items(source.lines(), source.captured, format)
        return collect(kind, items, source.problems)
