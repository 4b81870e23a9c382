"""arXiv listing dumps (``001_*``): abstracts without titles.

Each abstract is followed by optional comment lines and then ``arXiv:<id>``,
optionally `` - <journal ref>``. The next abstract is glued to the id or to the
journal ref with no newline (``arXiv:2401.10020Practitioners…``,
``… Workshop at ICLR 2023Video understanding…``, ``arXiv:2505.123453D scenes…``).
The id belongs to the abstract before it.

Ids of every era: ``YYMM.NNNN`` (2007–2014), ``YYMM.NNNNN`` (2015 on), old-style
``archive/YYMMNNN`` and ``archive.SUBJ/YYMMNNN``, each with or without ``vN``; their
length is fixed by their era, so an abstract that starts with a digit is not eaten.

One record per ``arXiv:`` line, always: an id with no abstract before it keeps its id
(and is reported), and a journal reference whose end is unsure is reported with its
line; nothing shifts. The parser checks records out == id lines in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date

from readq.models import Problem, Record, Unsure
from readq.parsing.common import Item, looks_like_abstract
from readq.parsing.journal_ref import split_journal_ref

ID_LINE = re.compile(
    r"^arXiv:\s?(?P<id>(?:(?P<yy>\d\d)(?P<mm>\d\d)\.(?P<num>\d{4,5}))"
    r"|(?P<archive>[a-z][a-z-]*(?:\.[A-Z]{2})?)/(?P<old>\d{7}))"
)
_VERSION = re.compile(r"^v(?P<v>[1-9]\d?)")
_COMMENT_HINT = re.compile(
    r"\b(pages?|pp|figures?|figs?|tables?|appendix|accepted|published|to appear|workshop|"
    r"conference|proceedings|camera[- ]ready|version|code|data|project page|github|"
    r"submitted|preprint|in press|https?://)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[.!?][)\"'”’]?$")


def split_id(line: str) -> tuple[str, str] | None:
    """``arXiv:<id>[vN]<rest>`` → (id without version, rest), the id's length fixed by
    its era; None if the line does not start with an id."""
    match = ID_LINE.match(line)
    if not match:
        return None
    arxiv_id = match["id"]
    rest = line[match.end():]
    if match["num"] is not None:
        digits = 5 if int(match["yy"]) * 100 + int(match["mm"]) >= 1501 else 4
        if len(match["num"]) < digits:
            return None
        if len(match["num"]) > digits:
            # a 4-digit-era id followed by a digit that starts the next abstract
            arxiv_id = arxiv_id[: len(arxiv_id) - (len(match["num"]) - digits)]
            rest = line[match.start("num") + digits:]
    version = _VERSION.match(rest)
    if version:  # a paper is one paper whatever its version: the id is kept without it
        end = version.end()
        if len(version["v"]) == 2 and rest[end:end + 1].isalnum():
            end -= 1  # ``v23D scenes``: version 2, then the abstract
        rest = rest[end:]
    return arxiv_id, rest


def _is_comment(line: str) -> bool:
    """A comment line (``15 pages, 5 figures``, ``Code: https://…``, ``ICLR 2024``)
    rather than a further paragraph of the abstract."""
    if _COMMENT_HINT.search(line):
        return len(line) < 600
    sentence = looks_like_abstract(line) or (
        bool(_SENTENCE.search(line)) and line.count(" ") >= 5)
    return len(line) < 250 and not sentence


def parse_arxiv(lines: Iterable[tuple[int, str]], captured: date) -> Iterator[Item]:
    """Parse an arXiv listing; ``captured`` is unused (ids carry their own dates)."""
    del captured
    abstract: list[str] = []
    comments: list[str] = []
    start_line = 0
    id_lines = records = 0
    for number, line in lines:
        if not line:
            continue
        split = split_id(line)
        if split is None:
            if not abstract and not comments:
                abstract, start_line = [line], number
            elif comments or _is_comment(line):
                comments.append(line)
            else:
                abstract.append(line)
            continue
        id_lines += 1
        arxiv_id, rest = split
        journal_ref = None
        next_abstract = rest.lstrip()
        if rest.startswith((" - ", " – ", " — ")):
            cut = split_journal_ref(rest[3:])
            journal_ref, next_abstract = cut.journal_ref or None, cut.abstract
            if not cut.sure:
                yield Unsure(number, "journal_ref")
                yield Problem(number, _unsure_message(arxiv_id, cut.journal_ref,
                                                      cut.abstract))
        if not abstract:
            yield Problem(number, f"arXiv:{arxiv_id} has no abstract before it; "
                          "kept with its id only")
            start_line = number
        yield Record(
            index=records, line=start_line, arxiv_id=arxiv_id,
            journal_ref=journal_ref, comments="; ".join(comments) or None,
            abstract=" ".join(abstract),
        )
        records += 1
        abstract, comments, start_line = ([next_abstract] if next_abstract else []), [], number
    if records != id_lines:  # the invariant: one record per id line, whatever happened
        yield Problem(0, f"{id_lines} arXiv id lines but {records} records were read; "
                      "please report this dump")
    if abstract:
        yield Problem(start_line, "the last abstract has no arXiv id after it "
                      "(the dump looks cut off); not imported")


def _unsure_message(arxiv_id: str, journal_ref: str, abstract: str) -> str:
    ref = journal_ref if len(journal_ref) <= 60 else journal_ref[:59] + "…"
    start = abstract[:40] + ("…" if len(abstract) > 40 else "")
    if not abstract:
        return (f"arXiv:{arxiv_id}: unsure whether an abstract follows the journal "
                f"reference “{ref}”; kept it all as the reference")
    return (f"arXiv:{arxiv_id}: unsure where the journal reference ends; took “{ref}” "
            f"and started the next abstract at “{start}”")
