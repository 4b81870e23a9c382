"""arXiv listing dumps (``001_*``): abstracts without titles.

Each abstract is followed by optional comment lines and then ``arXiv:<id>``,
optionally `` - <journal ref>``. The next abstract is glued to the id or to the
journal ref with no newline (``arXiv:2401.10020Practitioners…``,
``… Workshop at ICLR 2023Video understanding…``, ``arXiv:2505.123453D scenes…``).
The id belongs to the abstract before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date

from readq.models import Problem, Record
from readq.parsing.common import Item, looks_like_abstract

# New-style ids: YYMM.NNNN until 2014, YYMM.NNNNN from 2015 (so the id's length is
# known and a glued "3D scenes…" is not read as part of it); old-style archive/NNNNNNN.
ID_LINE = re.compile(
    r"^arXiv:\s?(?P<id>(?:(?P<yy>\d\d)(?P<mm>\d\d)\.(?P<num>\d{4,5}))|[a-z][a-z.-]*(?:\.[A-Z]{2})?/\d{7})"
)
_VERSION = re.compile(r"^v\d{1,2}")
_COMMENT_HINT = re.compile(
    r"\b(pages?|figures?|tables?|appendix|accepted|published|to appear|workshop|conference|"
    r"proceedings|camera[- ]ready|version|code|project page|github|https?://)\b",
    re.IGNORECASE,
)
_YEAR_END = re.compile(r"(?:19|20)\d\d$")


def _split_id(line: str) -> tuple[str, str] | None:
    """``arXiv:<id><rest>`` → (id, rest), with the id's length fixed by its date."""
    match = ID_LINE.match(line)
    if not match:
        return None
    arxiv_id = match["id"]
    rest = line[match.end():]
    if match["num"] is not None:
        digits = 5 if int(match["yy"]) * 100 + int(match["mm"]) >= 1501 else 4
        if len(match["num"]) != digits:
            if len(match["num"]) < digits:
                return None
            # a 4-digit-era id followed by a digit that starts the next abstract
            arxiv_id = arxiv_id[: len(arxiv_id) - (len(match["num"]) - digits)]
            rest = line[match.start("num") + digits:]
    version = _VERSION.match(rest)
    if version:  # a paper is one paper whatever its version: the id is kept without it
        rest = rest[version.end():]
    return arxiv_id, rest


def split_journal_ref(text: str) -> tuple[str, str]:
    """``<journal ref><next abstract>`` → (journal ref, abstract or "").

    The abstract starts where a sentence begins glued to the ref: preferably right
    after a year or a closing bracket (``ICLR 2023Video…``, ``(CoRL 2022)We…``),
    otherwise at the first lower-case→Capitalised seam; it must be prose-length.
    """
    if len(text) < 60:
        return text.strip(), ""
    best: int | None = None
    for i in range(2, len(text) - 40):
        prev, ch, nxt = text[i - 1], text[i], text[i + 1]
        if prev.isspace() or ch.isspace():
            continue
        rest = text[i:]
        if not looks_like_abstract(rest):
            break
        after_year = bool(_YEAR_END.search(text[:i])) and (ch.isupper() or ch.isdigit())
        after_bracket = prev in ")]" and ch.isupper()
        seam = prev.islower() and ch.isupper() and nxt.islower()
        if after_year or after_bracket:
            return text[:i].strip(), rest
        if seam and best is None:
            best = i
    if best is not None:
        return text[:best].strip(), text[best:]
    return text.strip(), ""


def _is_comment(line: str) -> bool:
    return len(line) < 250 or (len(line) < 600 and bool(_COMMENT_HINT.search(line)))


def parse_arxiv(lines: Iterable[tuple[int, str]], captured: date) -> Iterator[Item]:
    """Parse an arXiv listing; ``captured`` is unused (ids carry their own dates)."""
    del captured
    abstract: list[str] = []
    comments: list[str] = []
    start_line = 0
    count = 0
    for number, line in lines:
        if not line:
            continue
        split = _split_id(line)
        if split is None:
            if not abstract and not comments:
                abstract, start_line = [line], number
            elif comments or _is_comment(line):
                comments.append(line)
            else:
                abstract.append(line)
            continue
        arxiv_id, rest = split
        journal_ref = None
        if rest.startswith((" - ", " – ")):
            journal_ref, rest = split_journal_ref(rest[3:])
        else:
            rest = rest.lstrip()
        if abstract:
            yield Record(
                index=count, line=start_line, arxiv_id=arxiv_id,
                journal_ref=journal_ref or None, comments="; ".join(comments) or None,
                abstract=" ".join(abstract),
            )
            count += 1
        else:
            yield Problem(number, f"arXiv:{arxiv_id} has no abstract before it; skipped")
        abstract, comments, start_line = ([rest] if rest else []), [], number
    if abstract:
        yield Problem(start_line, "the last abstract has no arXiv id after it "
                      "(the dump looks cut off); not imported")
