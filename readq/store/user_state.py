"""The kinds of user state, each defined once: status, rating, note, queue, dismissed, tags,
"not this".

A paper's user state is what the user decided about it, as opposed to what an
import brought. Every place that handles *all* of it — an undo snapshot and its
restore, the merge of two papers confirmed to be one, the export — goes
through :data:`KINDS`, so a new kind of state is one more entry here (and a
migration), not an edit in every such place.

A kind lives either in a column of ``user_state`` (``column``) or in a table of
its own, read and written by the kind's ``read``/``write`` functions (tags, in
``paper_tags``). The queue position is special in one way: positions are
written as a whole order (no gaps), so restoring and merging rewrite the queue
through :func:`queue_order_with`.

A new kind of state: a migration (a column, or a table), one ``StateKind`` here, its
key in ``models.EXPORT_KEYS`` (the export contract; or ``exported=False``) and, if it
is searchable, one branch in ``library.condition_sql``. Undo, restore, duplicate merges and every
export then carry it.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from readq.store import database  # (it imports this module: use its names at call time)

TAG_MAX_LENGTH = 64

Reader = Callable[[sqlite3.Connection, Sequence[int]], dict[int, Any]]
Writer = Callable[[sqlite3.Connection, int, Any, str], None]


@dataclass(frozen=True)
class StateKind:
    """One kind of user state: its name (snapshot and export key), default and merge rule."""

    name: str
    default: Any
    combine: Callable[[Any, Any], Any]  # (kept paper's value, merged-away paper's) -> value
    column: str | None = None  # its column in ``user_state``; None: read/write below
    read: Reader | None = None
    write: Writer | None = None
    export: Callable[[Any], Any] = lambda value: value  # as the §6 JSON object shows it
    exported: bool = True  # part of the §6 JSON object (its keys are a contract)


# --- tags --------------------------------------------------------------------------------


class TagError(ValueError):
    """A tag that cannot be stored (empty, too long); ``str()`` is one line."""


def normalise_tag(text: str) -> str:
    """The stored form of a tag: NFC, case-folded, inner whitespace as ``-``.

    ``Reinforcement Learning`` and ``reinforcement-learning`` are one tag; so a
    search ``tag:RL`` finds papers tagged ``rl``. Commas separate tags where the
    user types several, so they cannot be part of one.
    """
    tag = "-".join(unicodedata.normalize("NFC", text).replace(",", " ").split()).casefold()
    if not tag:
        raise TagError("a tag needs at least one letter or digit")
    if len(tag) > TAG_MAX_LENGTH:
        raise TagError(f"a tag is at most {TAG_MAX_LENGTH} characters long")
    return tag


def parse_tags(text: str) -> list[str]:
    """Tags typed as ``a, b c`` → ``["a", "b-c"]`` (commas separate; order kept)."""
    return list(dict.fromkeys(normalise_tag(part) for part in text.split(",") if part.strip()))


def read_tags(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, list[str]]:
    """Each paper's tags, sorted (papers without tags are absent)."""
    found: dict[int, list[str]] = {}
    for part in database.chunks(list(ids)):
        marks = database.placeholders(len(part))
        for paper_id, tag in conn.execute(
            f"SELECT paper_id, tag FROM paper_tags WHERE paper_id IN ({marks}) "
            "ORDER BY paper_id, tag", tuple(part),
        ):
            found.setdefault(paper_id, []).append(tag)
    return found


def write_tags(conn: sqlite3.Connection, paper_id: int, tags: Sequence[str], when: str) -> None:
    """Make a paper's tags exactly ``tags`` (the date of tags it keeps is kept)."""
    wanted = set(tags)
    have = set(read_tags(conn, [paper_id]).get(paper_id, []))
    for tag in have - wanted:
        conn.execute("DELETE FROM paper_tags WHERE paper_id = ? AND tag = ?", (paper_id, tag))
    conn.executemany("INSERT INTO paper_tags (paper_id, tag, added_at) VALUES (?, ?, ?)",
                     [(paper_id, tag, when) for tag in sorted(wanted - have)])


def add_tags(conn: sqlite3.Connection, ids: Sequence[int], tags: Sequence[str]) -> None:
    """Give papers tags (ones they have already stay as they are)."""
    when = database.now_iso()
    conn.executemany("INSERT OR IGNORE INTO paper_tags (paper_id, tag, added_at) VALUES (?, ?, ?)",
                     [(pid, tag, when) for pid in ids for tag in tags])


def remove_tags(conn: sqlite3.Connection, ids: Sequence[int], tags: Sequence[str]) -> None:
    """Take tags off papers."""
    conn.executemany("DELETE FROM paper_tags WHERE paper_id = ? AND tag = ?",
                     [(pid, tag) for pid in ids for tag in tags])


def tagged_ids(conn: sqlite3.Connection, tag: str) -> list[int]:
    """Papers carrying a tag (any spelling of it), by id."""
    return [row[0] for row in conn.execute(
        "SELECT paper_id FROM paper_tags WHERE tag = ? ORDER BY paper_id", (tag,))]


def all_tags(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """Every tag in use with how many papers carry it, by name."""
    return [(row[0], int(row[1])) for row in conn.execute(
        "SELECT tag, COUNT(*) FROM paper_tags GROUP BY tag ORDER BY tag")]


TAG_CONDITION_SQL = "p.id IN (SELECT paper_id FROM paper_tags WHERE tag = ?)"


# --- "not this" ----------------------------------------------------------------------------


def read_not_this(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, bool]:
    """Which of these papers the user said "not this" to (the others are absent)."""
    found: dict[int, bool] = {}
    for part in database.chunks(list(ids)):
        for (paper_id,) in conn.execute(
            f"SELECT paper_id FROM not_this WHERE paper_id IN ({database.placeholders(len(part))})",
            tuple(part),
        ):
            found[paper_id] = True
    return found


def write_not_this(conn: sqlite3.Connection, paper_id: int, on: Any, when: str) -> None:
    """Mark a paper "not this" or clear the mark (a mark it has keeps its date)."""
    if on:
        conn.execute("INSERT OR IGNORE INTO not_this (paper_id, added_at) VALUES (?, ?)",
                     (paper_id, when))
    else:
        conn.execute("DELETE FROM not_this WHERE paper_id = ?", (paper_id,))


# --- merge rules -------------------------------------------------------------------------


def _join_notes(kept: str, gone: str) -> str:
    notes = [n for n in (kept.strip(), gone.strip()) if n]
    return "\n\n".join(dict.fromkeys(notes))


def _earlier_place(kept: int | None, gone: int | None) -> int | None:
    places = [p for p in (kept, gone) if p is not None]
    return min(places) if places else None


KINDS: tuple[StateKind, ...] = (
    StateKind("status", "unread",
              lambda kept, gone: "read" if "read" in (kept, gone) else "unread", "status"),
    StateKind("rating", 0, max, "rating"),
    StateKind("note", "", _join_notes, "note"),
    StateKind("queue_position", None, _earlier_place, "queue_position"),
    StateKind("dismissed", 0, lambda kept, gone: int(bool(kept and gone)), "dismissed",
              export=bool),
    StateKind("tags", [], lambda kept, gone: sorted(set(kept) | set(gone)),
              read=read_tags, write=write_tags, export=sorted),
    # "not this" teaches For you; it is not part of the §6 export (whose keys are fixed)
    StateKind("not_this", False, lambda kept, gone: bool(kept or gone),
              read=read_not_this, write=write_not_this, export=bool, exported=False),
)
COLUMNS = tuple(k.column for k in KINDS if k.column)
EXPORT_NAMES = tuple(k.name for k in KINDS if k.exported)


def read_states(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Every kind of state of each paper, keyed by kind name (missing papers skipped)."""
    result: dict[int, dict[str, Any]] = {}
    for part in database.chunks(list(ids)):
        for row in conn.execute(
            f"SELECT paper_id, {', '.join(COLUMNS)} FROM user_state "
            f"WHERE paper_id IN ({database.placeholders(len(part))})", tuple(part),
        ):
            state = {k.name: row[k.column] for k in KINDS if k.column}
            result[row["paper_id"]] = state
    for kind in KINDS:
        if kind.read is not None:
            values = kind.read(conn, list(result))
            for paper_id, state in result.items():
                value = values.get(paper_id, kind.default)
                state[kind.name] = list(value) if isinstance(value, list) else value
    return {pid: {k.name: result[pid][k.name] for k in KINDS} for pid in result}


def write_states(conn: sqlite3.Connection, states: dict[int, dict[str, Any]]) -> None:
    """Put back states from :func:`read_states`, except the queue (see ``queue_order_with``)."""
    when = database.now_iso()
    plain = [k for k in KINDS if k.column and k.column != "queue_position"]
    assignments = ", ".join(f"{k.column} = ?" for k in plain)
    for paper_id, state in states.items():
        conn.execute(f"UPDATE user_state SET {assignments}, updated_at = ? WHERE paper_id = ?",
                     (*(state[k.name] for k in plain), when, paper_id))
        for kind in KINDS:
            if kind.write is not None and kind.name in state:
                kind.write(conn, paper_id, state[kind.name], when)


def queue_order_with(order: Sequence[int], states: dict[int, dict[str, Any]]) -> list[int]:
    """The queue ``order`` with the papers of ``states`` put back at their positions."""
    queued = sorted((s["queue_position"], pid) for pid, s in states.items()
                    if s.get("queue_position") is not None)
    result = [pid for pid in order if pid not in states]
    for position, pid in queued:
        result.insert(min(position - 1, len(result)), pid)
    return result


def export_states(row: dict[str, Any]) -> dict[str, Any]:
    """The user-state keys of a paper's export object, in ``KINDS`` order."""
    return {k.name: k.export(row[k.name]) for k in KINDS if k.exported}


def combine_states(kept: dict[str, Any], gone: dict[str, Any]) -> dict[str, Any]:
    """The state of two papers confirmed to be one: nothing the user decided is lost
    (read wins, the higher rating, notes joined, the earlier queue place, tags united,
    "not this" kept)."""
    return {k.name: k.combine(kept[k.name], gone[k.name]) for k in KINDS}
