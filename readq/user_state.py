"""The user-state part of the library service: ratings, read status, notes,
dismissals, the queue, duplicates and saved searches — the user's own data.

Every change is one read-modify-write transaction (the queue is read and
rewritten inside it), so two writers never lose each other's changes. A merge of
duplicates returns what :meth:`UserStateOps.undo_merge` needs to put both papers
back exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from readq.merge import fill_empty
from readq.models import Record
from readq.search.query import parse_query
from readq.service import LibraryError, writes
from readq.store import rows
from readq.store import user_state as kinds
from readq.store.database import Store, now_iso


@dataclass
class MergeUndo:
    """Everything a confirmed merge changed, to put it back exactly."""

    pair_id: int
    kept: int
    gone: int
    rows: dict[str, list[dict[str, Any]]]


class UserStateOps:
    """The user's state, as part of :class:`readq.library.Library`."""

    store: Store

    def snapshot(self, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The user state of papers, to undo a change with ``restore``."""
        return self.store.states(ids)

    @writes
    def apply_with_snapshot(self, ids: Sequence[int], change: Callable[[], object], *,
                            with_queue: bool = False) -> dict[int, dict[str, Any]]:
        """Snapshot papers' state (and the queue's) then apply ``change``, in one
        transaction; the snapshot is what undo puts back."""
        with self.store.transaction():
            wanted = list(ids) + (self.store.queue_ids() if with_queue else [])
            before = self.store.states(list(dict.fromkeys(wanted)))
            change()
            return before

    @writes
    def restore(self, snapshot: dict[int, dict[str, Any]]) -> None:
        """Put back a snapshot (undo)."""
        self.store.restore_states(snapshot)

    @writes
    def restore_keeping_notes(self, snapshot: dict[int, dict[str, Any]]) -> None:
        """Undo a state change: put back a snapshot, except the notes, which keep what
        they say now (one transaction; papers gone since are skipped)."""
        with self.store.transaction():
            current = self.store.states(list(snapshot))
            before = {pid: {**state, "note": current[pid]["note"]}
                      for pid, state in snapshot.items() if pid in current}
            self.store.restore_states(before)

    @writes
    def set_status(self, ids: Sequence[int], status: str) -> None:
        """Mark papers read or unread."""
        if status not in ("read", "unread"):
            raise LibraryError(f"status must be read or unread, not {status!r}")
        with self.store.transaction():
            self.store.set_state(ids, "status", status)
            if status == "read":  # the queue is what is still to read
                order = self.store.queue_ids()
                drop = set(ids)
                if drop & set(order):
                    self.store.set_queue([i for i in order if i not in drop])

    @writes
    def set_rating(self, ids: Sequence[int], rating: int) -> None:
        """Rate papers 0–5 (0 = unrated)."""
        if not isinstance(rating, int) or not 0 <= rating <= 5:
            raise LibraryError(f"a rating is a whole number from 0 to 5, not {rating!r}")
        self.store.set_state(ids, "rating", rating)

    @writes
    def set_dismissed(self, ids: Sequence[int], dismissed: bool = True) -> None:
        """Hide papers from the inbox (never deletes them), or restore them."""
        self.store.set_state(ids, "dismissed", int(dismissed))

    @writes
    def set_note(self, paper_id: int, text: str) -> None:
        """Replace a paper's Markdown note (queued for re-indexing)."""
        self.store.set_state([paper_id], "note", text)

    def queue(self) -> list[int]:
        """The reading queue in order."""
        return self.store.queue_ids()

    def unread_queue(self) -> list[int]:
        """The queue without papers already read (what "Read next" opens)."""
        return self.store.list_ids("s.queue_position IS NOT NULL AND s.status = 'unread'", (),
                                   "queue")

    def undecided(self, ids: Sequence[int]) -> list[int]:
        """Those of ``ids`` the user has not decided on yet (unrated, unqueued, unread,
        not dismissed), in the order given: what triage offers."""
        if len(ids) <= 2000:
            left = self.store.filter_ids(ids, UNDECIDED, ())
            return [i for i in ids if i in left]
        # a big view: one scan for the (usually fewer) decided papers, not 100 IN-lists
        decided = set(self.store.column(
            f"SELECT paper_id FROM user_state s WHERE NOT ({UNDECIDED})"))
        return [i for i in ids if i not in decided]

    # --- tags ----------------------------------------------------------------------------

    @staticmethod
    def normalise_tag(text: str) -> str:
        """A tag as it is stored (``LibraryError`` if it cannot be one)."""
        return tag_name(text)

    def tags(self, paper_id: int) -> list[str]:
        """A paper's tags, sorted."""
        return kinds.read_tags(self.store.conn, [paper_id]).get(paper_id, [])

    def tagged_ids(self, tag: str) -> list[int]:
        """Papers carrying a tag (typed in any case), by id."""
        return kinds.tagged_ids(self.store.conn, tag_name(tag))

    def all_tags(self) -> list[tuple[str, int]]:
        """Every tag in use and how many papers carry it, by name."""
        return kinds.all_tags(self.store.conn)

    @writes
    def add_tags(self, ids: Sequence[int], tags: Iterable[str]) -> list[str]:
        """Tag papers (a bulk change in one transaction); return the tags as stored."""
        names = tag_names(tags)
        with self.store.transaction():
            kinds.add_tags(self.store.conn, list(ids), names)
        return names

    @writes
    def remove_tags(self, ids: Sequence[int], tags: Iterable[str]) -> list[str]:
        """Take tags off papers; return the tags as stored."""
        names = tag_names(tags)
        with self.store.transaction():
            kinds.remove_tags(self.store.conn, list(ids), names)
        return names

    @writes
    def set_tags(self, paper_id: int, tags: Iterable[str]) -> list[str]:
        """Make a paper's tags exactly ``tags``; return them as stored, sorted."""
        names = sorted(set(tag_names(tags, allow_none=True)))
        with self.store.transaction():
            kinds.write_tags(self.store.conn, paper_id, names, now_iso())
        return names

    @writes
    def queue_add(self, ids: Sequence[int]) -> None:
        """Append papers to the end of the queue (already queued ones stay put)."""
        with self.store.transaction():  # read and write in one transaction: no lost update
            order = self.store.queue_ids()
            self.store.set_queue(order + [i for i in ids if i not in set(order)])

    @writes
    def queue_remove(self, ids: Sequence[int]) -> None:
        """Take papers off the queue."""
        drop = set(ids)
        with self.store.transaction():
            self.store.set_queue([i for i in self.store.queue_ids() if i not in drop])

    @writes
    def queue_move(self, paper_id: int, position: int) -> None:
        """Move a queued paper to a 1-based position (clamped to the queue)."""
        with self.store.transaction():
            order = self.store.queue_ids()
            if paper_id not in order:
                raise LibraryError(f"paper {paper_id} is not in the queue")
            order.remove(paper_id)
            position = max(1, min(position, len(order) + 1))
            order.insert(position - 1, paper_id)
            self.store.set_queue(order)

    @writes
    def queue_shift(self, ids: Sequence[int], step: int) -> bool:
        """Move queued papers one place up (-1) or down (+1), keeping their order;
        False if nothing moved."""
        with self.store.transaction():
            order = self.store.queue_ids()
            chosen = [i for i in order if i in set(ids)]
            new = list(order)
            for pid in (chosen if step < 0 else reversed(chosen)):
                i = new.index(pid)
                j = i + step
                if 0 <= j < len(new) and new[j] not in chosen:
                    new[i], new[j] = new[j], new[i]
            if new == order:
                return False
            self.store.set_queue(new)
            return True

    @writes
    def set_queue_order(self, order: Sequence[int]) -> None:
        """Replace the queue's order (drag and drop)."""
        self.store.set_queue(order)

    # --- duplicates --------------------------------------------------------------------

    def possible_duplicates(self) -> list[dict[str, Any]]:
        """Open pairs: ``{id, paper_id, other_id, similarity}``."""
        return self.store.possible_duplicate_rows()

    @writes
    def reject_duplicate(self, pair_id: int) -> None:
        """The two papers are different: stop asking."""
        with self.store.transaction():
            self.store.conn.execute(
                "UPDATE possible_duplicates SET status = 'rejected' WHERE id = ?", (pair_id,))

    def confirm_duplicate(self, pair_id: int) -> int:
        """The two papers are one: merge the newer into the older; return the kept id."""
        return self.merge_duplicate(pair_id).kept

    @writes
    def merge_duplicate(self, pair_id: int) -> MergeUndo:
        """Merge a possible duplicate pair (the newer paper into the older) and return
        what :meth:`undo_merge` needs to put both back exactly.

        Metadata fills empty fields; the user's state is combined so nothing is lost
        (read wins, the higher rating wins, notes are joined, the queue place kept).
        """
        with self.store.transaction():
            row = self.store.conn.execute(
                "SELECT paper_id, other_id FROM possible_duplicates "
                "WHERE id = ? AND status = 'open'", (pair_id,)).fetchone()
            if row is None:
                raise LibraryError("that possible duplicate is no longer open")
            gone, kept = row["paper_id"], row["other_id"]
            saved = rows.save_papers(self.store.conn, [gone, kept])
            self._merge(pair_id, gone, kept)
        return MergeUndo(pair_id, kept, gone, saved)

    def _merge(self, pair_id: int, gone: int, kept: int) -> None:
        when = now_iso()
        source = self.store.paper_fields(gone)
        target = self.store.paper_fields(kept)
        record = _record_from_fields(source)
        changes = fill_empty(target, record)
        if changes.get("arxiv_id"):
            self.store.conn.execute("UPDATE papers SET arxiv_id = NULL WHERE id = ?", (gone,))
        self.store.update_paper(kept, changes, when)
        states = self.store.states([gone, kept])
        merged = kinds.combine_states(states[kept], states[gone])
        self.store.conn.execute(
            "UPDATE OR IGNORE sightings SET paper_id = ? WHERE paper_id = ?", (kept, gone))
        self.store.conn.execute(
            "UPDATE possible_duplicates SET status = 'confirmed' WHERE id = ?", (pair_id,))
        self.store.conn.execute(
            "DELETE FROM possible_duplicates WHERE id != ? AND (paper_id = ? OR other_id = ?)",
            (pair_id, gone, gone))
        order = [kept if i == gone else i for i in self.store.queue_ids()]
        self.store.conn.execute("DELETE FROM papers WHERE id = ?", (gone,))
        kinds.write_states(self.store.conn, {kept: merged})
        self.store.set_queue(order)  # the earlier of the two places, duplicates dropped
        self.store.enqueue_index([gone, kept])

    @writes
    def undo_merge(self, undo: MergeUndo) -> None:
        """Put both papers of a merge back as they were, with all their state and
        sightings (the rest of the queue keeps any change made since)."""
        with self.store.transaction():
            if self.store.one("SELECT 1 FROM papers WHERE id = ?", (undo.gone,)):
                raise LibraryError("that merge was already undone")
            positions = rows.put_back(self.store.conn, undo.rows, [undo.gone, undo.kept])
            order = self.store.queue_ids()
            for position, pid in sorted((p, pid) for pid, p in positions.items()
                                        if p is not None):
                order.insert(min(position - 1, len(order)), pid)
            self.store.set_queue(order)
            self.store.enqueue_index([undo.gone, undo.kept])

    # --- saved searches ----------------------------------------------------------------

    def saved_searches(self) -> list[dict[str, Any]]:
        """Named queries for the sidebar."""
        return [dict(r) for r in self.store.conn.execute(
            "SELECT id, name, query FROM saved_searches ORDER BY name COLLATE NOCASE")]

    @writes
    def save_search(self, name: str, query: str) -> None:
        """Save (or replace) a named query; the query must parse."""
        parse_query(query)
        with self.store.transaction():
            self.store.conn.execute(
                "INSERT INTO saved_searches (name, query) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET query = excluded.query", (name, query))

    @writes
    def delete_saved_search(self, search_id: int) -> None:
        """Forget a saved search."""
        with self.store.transaction():
            self.store.conn.execute("DELETE FROM saved_searches WHERE id = ?", (search_id,))


def _record_from_fields(fields: dict[str, Any]) -> Record:
    return Record(
        index=0, line=0, title=fields["title"], authors=fields["authors"],
        authors_truncated=bool(fields["authors_truncated"]), orgs=fields["orgs"],
        category=fields["category"],
        published=date.fromisoformat(fields["published"]) if fields["published"] else None,
        year_inferred=bool(fields["year_inferred"]), has_code=bool(fields["has_code"]),
        score=fields["score"], arxiv_id=fields["arxiv_id"], journal_ref=fields["journal_ref"],
        comments=fields["comments"], abstract=fields["abstract"],
    )


UNDECIDED = ("s.rating = 0 AND s.queue_position IS NULL AND s.status = 'unread' "
             "AND s.dismissed = 0")


def tag_name(text: str) -> str:
    """A tag as stored; :class:`LibraryError` if ``text`` cannot be one."""
    try:
        return kinds.normalise_tag(text)
    except kinds.TagError as exc:
        raise LibraryError(str(exc)) from None


def tag_names(tags: Iterable[str], *, allow_none: bool = False) -> list[str]:
    """Tags as stored, each once, in the order given."""
    names = list(dict.fromkeys(tag_name(t) for t in tags))
    if not names and not allow_none:
        raise LibraryError("name at least one tag")
    return names
