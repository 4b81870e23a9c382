"""Author profile dumps (spaced and compact), parsed as a stream.

Spaced (``000_*``): a header, then per paper a header line ``<CAT><date>[Code]``,
the title, the author line (``A, B et al. · orgs``) and the abstract, with blank
lines between. Compact (``003_*``): the same header line, then ONE line holding the
title immediately followed by the authors, then the abstract; no blank lines.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from datetime import date

from readq.models import Problem, Record, Unsure
from readq.names import (
    name_score,
    split_author_line,
    split_glued_line,
    split_names,
    strip_et_al,
    without_orgs,
)
from readq.parsing.common import Item, is_meta_line, looks_like_abstract, parse_meta_line
from readq.parsing.owner import header_owner, with_owner
from readq.text import fold

Block = list[tuple[int, str]]
PREAMBLE_LINES = 40  # a profile's page header is a dozen lines


def _record_blocks(lines: Iterable[tuple[int, str]],
                   preamble: list[str] | None = None) -> Iterator[tuple[Block, bool]]:
    """Non-blank lines grouped into blocks that each start with a header line, with a
    flag for the last block (one block of look-ahead, so memory stays flat). The first
    lines before the first record (a page header) go to ``preamble``."""
    current: Block | None = None
    for number, line in lines:
        if not line:
            continue
        if is_meta_line(line):
            if current is not None:
                yield current, False
            current = [(number, line)]
        elif current is not None:
            current.append((number, line))
        elif preamble is not None and len(preamble) < PREAMBLE_LINES:
            preamble.append(line)
    if current is not None:
        yield current, True


def looks_like_author_line(line: str) -> bool:
    """``A, B, C et al. · orgs``: every comma-separated part reads as a name."""
    parsed = split_author_line(line)
    if not parsed.authors:
        return False
    if without_orgs(line) != line or parsed.truncated:
        return True
    if len(line) >= 1000 or looks_like_abstract(line):
        return False
    # one name of an unusual shape must not turn the whole line into abstract text
    named = sum(1 for n in parsed.authors if name_score(n) is not None)
    return named == len(parsed.authors) or (len(parsed.authors) >= 3
                                             and named * 3 >= len(parsed.authors) * 2)


def parse_profile(lines: Iterable[tuple[int, str]], captured: date) -> Iterator[Item]:
    """Parse a spaced author profile; yields records and problems, each record with
    the profile's owner among its authors (``parsing/owner.py``)."""
    preamble: list[str] = []
    blocks = _record_blocks(lines, preamble)
    first = next(blocks, None)  # the header has been read once the first record starts
    if first is None:
        return
    yield from with_owner(_profile_records(itertools.chain([first], blocks), captured),
                          header_owner(preamble))


def _profile_records(blocks: Iterable[tuple[Block, bool]], captured: date) -> Iterator[Item]:
    for index, (block, is_last) in enumerate(blocks):
        record = Record(index=index, line=block[0][0])
        parse_meta_line(block[0][1], record, captured)
        body = [text for _, text in block[1:]]
        if len(body) >= 3 or (body and not looks_like_abstract(body[0])):
            record.title = body.pop(0)
        if body and looks_like_author_line(body[0]) and (
            len(body) > 1 or not looks_like_abstract(body[0])
        ):
            authors = split_author_line(body.pop(0))
            record.authors, record.authors_truncated, record.orgs = (
                authors.authors, authors.truncated, authors.orgs,
            )
        record.abstract = " ".join(body)
        yield _finish(record, is_last)


def parse_compact(lines: Iterable[tuple[int, str]], captured: date) -> Iterator[Item]:
    """Parse a compact author profile (title glued to the first author); it has no
    header, so its owner is the person its records agree on (``parsing/owner.py``)."""
    return with_owner(_compact_records(lines, captured), None)


def _compact_records(lines: Iterable[tuple[int, str]], captured: date) -> Iterator[Item]:
    """Names seen after the first comma of earlier lines help place the split of later
    ones."""
    known: set[str] = set()
    for index, (block, is_last) in enumerate(_record_blocks(lines)):
        record = Record(index=index, line=block[0][0])
        parse_meta_line(block[0][1], record, captured)
        body = [text for _, text in block[1:]]
        if body:
            glued_line = body.pop(0)
            authors = split_author_line(glued_line)
            head = _title_and_names(glued_line)
            known.update(_names_after_first(head))
            split = split_glued_line(head, frozenset(known))
            if split is None:
                record.title = head
                yield Unsure(block[1][0], "title_authors")
                yield Problem(block[1][0], "could not tell where the title ends and the "
                              "authors begin; kept the whole line as the title")
            else:
                record.title, record.authors, sure = split
                if not sure:
                    yield Unsure(block[1][0], "title_authors")
            record.authors_truncated, record.orgs = authors.truncated, authors.orgs
        record.abstract = " ".join(body)
        yield _finish(record, is_last)


def _title_and_names(glued_line: str) -> str:
    """The glued ``<title><authors>`` text without its ``· orgs`` and ``et al.``."""
    return strip_et_al(without_orgs(glued_line))[0]


def _names_after_first(head: str) -> set[str]:
    """Folded names after the first comma: people this dump names for sure."""
    return {fold(n) for n in split_names(head)[1:] if name_score(n) is not None}


def _finish(record: Record, is_last: bool) -> Item:
    """A complete record, or the problem that keeps an incomplete one out of the store."""
    missing = [name for name, value in (("title", record.title), ("abstract", record.abstract))
               if not value]
    if not missing:
        return record
    where = "the last record" if is_last else "a record"
    cut = " (the dump looks cut off)" if is_last else ""
    return Problem(record.line, f"{where} has no {' and no '.join(missing)}{cut}; not imported")
