"""The owner of an author profile: the person every paper on the page is by.

A profile page lists its owner's papers, but each record shows only its first few
authors and "et al.", so the owner is often hidden. A spaced profile names its owner
in the page header; a compact one has no header, and neither has a spaced profile
copied without its first lines. Then the owner is the one person the records agree
on: listed on many of them, far more often than anyone else, and contradicted by
(almost) none — a record whose complete author list leaves the person out. When
the records do not single anyone out, no owner is recorded: a wrong author on fifty
papers is worse than a missing one.

The owner is added to each record where the record allows it: left where it is when
listed (under any spelling of the same person), appended after the listed authors
when the list ends in "et al." (which stays set), and not added to a complete author
list that leaves the person out (that list is the better evidence).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

from readq.models import Record
from readq.names import name_score, same_person
from readq.parsing.common import Item
from readq.text import fold

# Records read before deciding a header-less profile's owner (memory stays bounded).
WINDOW = 200
MIN_LISTED = 2           # the owner is listed on at least this many records…
LISTED_SHARE = 0.25      # …and on this share of them (three names shown of ~8 authors)
LEAD_OVER_NEXT = 2.0     # …and on this many times as many as anyone else
MAX_CONTRADICTED = 0.10  # complete author lists without the owner, at most this share
CANDIDATES = 12          # the most frequent names weighed (the owner is among them)

_STATS_LINE = re.compile(
    r"^(?:h-index\s?\d+|[\d,]+\s?papers|[\d,]+\s?citations|novelty\s?\d+%|ai score\s?\d+)$",
    re.IGNORECASE)


def header_owner(preamble: Sequence[str]) -> str | None:
    """The owner named by a spaced profile's header (the lines before its first
    record): its first line, when it reads as a person's name and the header shows a
    profile's figures (``h-index51``, ``58papers``…)."""
    lines = [line for line in preamble if line]
    if len(lines) < 2 or not any(_STATS_LINE.match(line) for line in lines[1:]):
        return None
    name = lines[0]
    return name if len(name) <= 80 and name_score(name) is not None else None


def infer_owner(author_lists: Iterable[tuple[Sequence[str], bool]]) -> str | None:
    """The one person the records (``(authors, truncated)``) agree the page is about,
    or None when no one stands out clearly enough."""
    lists = [(list(authors), truncated) for authors, truncated in author_lists if authors]
    if len(lists) < 3:
        return None
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for authors, _ in lists:
        for key, name in {fold(a): a for a in authors}.items():
            counts[key] += 1
            spelling.setdefault(key, name)
    # the most frequent spellings, each counted with its variants ("A. Lovelace")
    listed: list[tuple[int, str]] = []
    for key, _ in counts.most_common(CANDIDATES):
        name = spelling[key]
        if not any(same_person(name, other) for _, other in listed):
            listed.append((sum(1 for authors, _ in lists
                               if _position(authors, name) is not None), name))
    listed.sort(reverse=True)
    seen, owner = listed[0]
    runner_up = listed[1][0] if len(listed) > 1 else 0
    if seen < MIN_LISTED or seen < LISTED_SHARE * len(lists) \
            or seen < LEAD_OVER_NEXT * runner_up:
        return None
    contradicted = sum(1 for authors, truncated in lists
                       if not truncated and _position(authors, owner) is None)
    return owner if contradicted <= MAX_CONTRADICTED * len(lists) else None


def _position(authors: Sequence[str], owner: str) -> int | None:
    return next((i for i, name in enumerate(authors) if same_person(name, owner)), None)


def add_owner(record: Record, owner: str) -> None:
    """Record ``owner`` as an author of ``record`` where its author list allows it."""
    if _position(record.authors, owner) is not None:
        return
    if record.authors_truncated or not record.authors:
        record.authors = [*record.authors, owner]
        record.authors_truncated = True  # the others are still unknown


def with_owner(items: Iterator[Item], owner: str | None) -> Iterator[Item]:
    """The parser's items with the profile's owner among every record's authors: the
    owner given (a header's), else the one the first ``WINDOW`` records agree on."""
    if owner is None:
        window: list[Item] = []
        records = 0
        for item in items:
            window.append(item)
            records += isinstance(item, Record)
            if records >= WINDOW:
                break
        owner = infer_owner((r.authors, r.authors_truncated)
                            for r in window if isinstance(r, Record))
        items = _chain(window, items)
    for item in items:
        if owner and isinstance(item, Record):
            add_owner(item, owner)
        yield item


def _chain(first: list[Item], rest: Iterator[Item]) -> Iterator[Item]:
    yield from first
    yield from rest
