"""Author profile dumps (spaced and compact).

Spaced (``000_*``): a header, then per paper a header line ``<CAT><date>[Code]``,
the title, the author line (``A, B et al. · orgs``) and the abstract, with blank
lines between. Compact (``003_*``): the same header line, then ONE line holding the
title immediately followed by the authors, then the abstract; no blank lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from readq.models import DumpFormat, ParseResult, Problem, Record
from readq.names import (
    name_score,
    split_author_line,
    split_names,
    split_title_and_authors,
    strip_et_al,
    without_orgs,
)
from readq.parsing.common import is_meta_line, looks_like_abstract, numbered, parse_meta_line
from readq.text import fold


def _record_blocks(lines: list[str]) -> list[list[tuple[int, str]]]:
    """Group non-blank lines into blocks that each start with a header line."""
    blocks: list[list[tuple[int, str]]] = []
    for number, line in numbered(lines):
        if is_meta_line(line):
            blocks.append([(number, line)])
        elif blocks:
            blocks[-1].append((number, line))
    return blocks


def looks_like_author_line(line: str) -> bool:
    """``A, B, C et al. · orgs``: every comma-separated part reads as a name."""
    parsed = split_author_line(line)
    if not parsed.authors:
        return False
    if without_orgs(line) != line or parsed.truncated:
        return True
    return len(line) < 1000 and all(name_score(n) is not None for n in parsed.authors)


def parse_profile(lines: list[str], captured: date) -> ParseResult:
    """Parse a spaced author profile."""
    result = ParseResult(DumpFormat.PROFILE, [])
    blocks = _record_blocks(lines)
    for index, block in enumerate(blocks):
        record = Record(index=index, line=block[0][0])
        parse_meta_line(block[0][1], record, captured)
        body = [text for _, text in block[1:]]
        if len(body) >= 3 or (body and not looks_like_abstract(body[0])):
            record.title = body.pop(0)
        if body and looks_like_author_line(body[0]) and (len(body) > 1 or not looks_like_abstract(body[0])):
            authors = split_author_line(body.pop(0))
            record.authors, record.authors_truncated, record.orgs = (
                authors.authors, authors.truncated, authors.orgs,
            )
        record.abstract = " ".join(body)
        _finish(record, result, block is blocks[-1])
    return result


def parse_compact(lines: list[str], captured: date) -> ParseResult:
    """Parse a compact author profile (title glued to the first author)."""
    result = ParseResult(DumpFormat.COMPACT, [])
    blocks = _record_blocks(lines)
    known = _known_names(block[1][1] for block in blocks if len(block) > 1)
    for index, block in enumerate(blocks):
        record = Record(index=index, line=block[0][0])
        parse_meta_line(block[0][1], record, captured)
        body = [text for _, text in block[1:]]
        if body:
            glued_line = body.pop(0)
            authors = split_author_line(glued_line)
            head = _title_and_names(glued_line)
            split = split_title_and_authors(head, known)
            if split is None:
                record.title = head
                result.problems.append(Problem(
                    block[1][0], "could not tell where the title ends and the authors begin; "
                    "kept the whole line as the title",
                ))
            else:
                record.title, record.authors = split
            record.authors_truncated, record.orgs = authors.truncated, authors.orgs
        record.abstract = " ".join(body)
        _finish(record, result, block is blocks[-1])
    return result


def _title_and_names(glued_line: str) -> str:
    """The glued ``<title><authors>`` text without its ``· orgs`` and ``et al.``."""
    return strip_et_al(without_orgs(glued_line))[0]


def _known_names(glued_lines: Iterable[str]) -> frozenset[str]:
    """Authors named after the first comma of any line: people seen in this dump."""
    known: set[str] = set()
    for line in glued_lines:
        for name in split_names(_title_and_names(line))[1:]:
            if name_score(name) is not None:
                known.add(fold(name))
    return frozenset(known)


def _finish(record: Record, result: ParseResult, is_last: bool) -> None:
    """Keep a complete record; report an incomplete one instead of storing it half-empty."""
    missing = [name for name, value in (("title", record.title), ("abstract", record.abstract))
               if not value]
    if not missing:
        result.records.append(record)
        return
    where = "the last record" if is_last else "a record"
    cut = " (the dump looks cut off)" if is_last else ""
    result.problems.append(Problem(
        record.line, f"{where} has no {' and no '.join(missing)}{cut}; not imported",
    ))
