"""The set of papers a view and state filters let through, fetched cheaply for search.

A filtered search (``exploration status:unread``, a search inside the inbox)
ranks only the papers that a WHERE clause built by the library allows. Reading
those ids must not cost more than the search itself:

* A condition on the user's state alone (status, rating, queue, dismissed,
  ``p.id IN (…)`` subqueries such as tags or an import) reads the small
  ``user_state`` table and its indexes only. Joining ``papers`` (hundreds of MB
  of abstracts at 100,000 papers) made the same read 10–20 times slower.
* A condition that lets most papers through (``status:unread``: 90 % of a
  library) is read as its complement — the few papers it excludes — and the
  search inverts the mask. Which side is smaller is decided by a count through
  the index (or remembered from the last read of the same condition).
* The ids come back from SQLite as one comma-joined string, parsed by numpy.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["IdSet", "fetch_id_set", "state_only"]

_PAPER_COLUMN = re.compile(r"(?<![\w.])p\.(\w+)")


@dataclass(frozen=True)
class IdSet:
    """Paper ids: the allowed ones, or (``excluded``) the ones not allowed."""

    ids: np.ndarray  # int64, unordered
    excluded: bool = False
    total: int = 0  # papers in the library when it was read


def state_only(where: str) -> str | None:
    """``where`` over ``user_state s`` alone, or None if it needs a column of ``papers``
    other than its id (which is ``s.paper_id``)."""
    names = set(_PAPER_COLUMN.findall(where))
    if names - {"id"}:
        return None
    return _PAPER_COLUMN.sub("s.paper_id", where)


def _ids(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> np.ndarray:
    joined = conn.execute(sql, tuple(params)).fetchone()[0]
    if not joined:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(joined, dtype=np.int64, sep=",")  # text mode: not deprecated


def fetch_id_set(conn: sqlite3.Connection, where: str, params: Sequence[Any], *,
                 excluded_hint: bool | None = None) -> IdSet:
    """The papers matching ``where`` (a condition on ``papers p`` joined with
    ``user_state s``), as the smaller of the allowed and the excluded side.

    ``excluded_hint`` is the side chosen last time for the same condition (it
    skips the count); None counts first."""
    local = state_only(where)
    if local is not None:
        source, cond, id_column = "user_state s", local, "s.paper_id"
    else:
        source = "papers p JOIN user_state s ON s.paper_id = p.id"
        cond, id_column = where, "p.id"
    total = int(conn.execute("SELECT COUNT(*) FROM user_state").fetchone()[0])
    excluded = excluded_hint
    if excluded is None:
        allowed = int(conn.execute(f"SELECT COUNT(*) FROM {source} WHERE {cond}",
                                   tuple(params)).fetchone()[0])
        excluded = allowed * 2 > total
    if excluded:
        # IS NOT 1: a condition that is NULL for a paper does not let it through
        ids = _ids(conn, f"SELECT group_concat({id_column}) FROM {source} "
                         f"WHERE ({cond}) IS NOT 1", params)
    else:
        ids = _ids(conn, f"SELECT group_concat({id_column}) FROM {source} WHERE {cond}",
                   params)
    return IdSet(ids, excluded, total)
