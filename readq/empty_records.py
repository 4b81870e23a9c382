"""Refusing a dump whose records are nearly all empty, before anything is stored.

A record is *empty* when it has no title and no abstract (an arXiv id or a few
names at most): a list of 100,000 ``arXiv:`` lines would otherwise become tens of
thousands of papers nobody can read or find. A dump is *mostly empty* when more
than half of its records are. The decision is taken on the first
``LOOKAHEAD_RECORDS`` records (the whole dump when it is smaller), which are held
back until then, so a refused dump stores nothing and a good one is not read
twice; a refused dump is read to its end to give the count. The user can import
such a dump anyway (``readq import --allow-empty``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from readq.models import DumpError, Problem, Record

LOOKAHEAD_RECORDS = 1000


def is_empty(record: Record) -> bool:
    """No title and no abstract."""
    return not (record.title or "").strip() and not record.abstract.strip()


class MostlyEmpty(DumpError):
    """A dump whose records are mostly empty; ``str()`` is one line with the count."""

    def __init__(self, name: str, empty: int, records: int) -> None:
        self.empty = empty
        self.records = records
        super().__init__(f"{name}: {empty:,} of {records:,} records have no title and no "
                         "abstract (an id at most); nothing was imported")


class EmptyRecordGuard(Iterator[Record | Problem]):
    """A parser's records and problems, passed on unchanged once the first
    ``LOOKAHEAD_RECORDS`` records show the dump is not mostly empty; otherwise
    (unless ``allow``) the first ``next()`` raises :class:`MostlyEmpty`."""

    def __init__(self, items: Iterator[Record | Problem], name: str, *,
                 allow: bool = False) -> None:
        self._items = items
        self._name = name
        self._allow = allow
        self._held: deque[Record | Problem] | None = None
        self.records = 0
        self.empty = 0

    def __iter__(self) -> EmptyRecordGuard:
        return self

    def __next__(self) -> Record | Problem:
        if self._held is None:
            self._held = self._look_ahead()
        if self._held:
            return self._held.popleft()
        item = next(self._items)
        self._count(item)
        return item

    @property
    def mostly_empty(self) -> bool:
        """More than half of the records seen so far are empty."""
        return self.empty * 2 > self.records

    def _count(self, item: Record | Problem) -> None:
        if isinstance(item, Record):
            self.records += 1
            self.empty += is_empty(item)

    def _look_ahead(self) -> deque[Record | Problem]:
        held: deque[Record | Problem] = deque()
        for item in self._items:
            held.append(item)
            self._count(item)
            if self.records >= LOOKAHEAD_RECORDS:
                break
        if self.mostly_empty and not self._allow:
            held.clear()
            for item in self._items:  # nothing is stored: only counted, for the message
                self._count(item)
            raise MostlyEmpty(self._name, self.empty, self.records)
        return held
