"""Triage actions: rate, mark read, queue, dismiss, tag, reorder — all undoable.

Each action takes the papers it applies to, snapshots their state and pushes
a :class:`~readq.ui.undo.StateCommand` whose text names the change ("Rate 3
papers ★★★★"). Toggles look at the papers first: R marks read unless all are
read already, Q queues unless all are queued, X dismisses unless all are
dismissed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from readq.library import Library, LibraryError
from readq.ui.operations import Operations
from readq.ui.undo import Change, Changed, StateCommand, describe
from readq.ui.for_you import NotThisCommand
from readq.ui.views import payload_titles


class Triage(QObject):
    """Undoable changes to the reading state of papers (written on the user lane)."""

    message = Signal(str)  # a hint for the status bar

    def __init__(self, library: Library, ops: Operations, undo_stack: QUndoStack,
                 changed: Changed, before_change: Callable[[], object],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library  # the window's reading library
        self.ops = ops
        self.undo_stack = undo_stack
        self._changed = changed
        self._before_change = before_change  # e.g. save the note being typed

    def _push(self, verb: str, ids: list[int], apply: Change, suffix: str = "",
              with_queue: bool = False) -> bool:
        if not ids:
            self.message.emit("Select a paper first.")
            return False
        self._before_change()
        titles = payload_titles(self.library.papers(ids[:1])) if len(ids) == 1 else {}
        text = describe(verb, ids, titles, suffix)
        self.undo_stack.push(StateCommand(self.ops, text, ids, apply, self._changed,
                                          with_queue=with_queue))
        return True

    def not_this(self, ids: list[int]) -> bool:
        """Say "not this" to papers: fewer like them in "For you" (undoable)."""
        if not ids:
            self.message.emit("Select a paper first.")
            return False
        self._before_change()
        titles = payload_titles(self.library.papers(ids[:1])) if len(ids) == 1 else {}
        self.undo_stack.push(NotThisCommand(self.ops, self.library, describe("Not this:", ids, titles),
                                            ids, self._changed))
        return True

    def rate(self, ids: list[int], rating: int) -> bool:
        """Rate papers (0 clears the rating); False if there was nothing to rate."""
        if rating:
            return self._push("Rate", ids, lambda lib: lib.set_rating(ids, rating),
                              "★" * rating)
        return self._push("Clear rating of", ids, lambda lib: lib.set_rating(ids, 0))

    def toggle_read(self, ids: list[int]) -> None:
        """Mark papers read, or unread if they all are read."""
        states = self.library.snapshot(ids)
        self.set_read(ids, not all(s["status"] == "read" for s in states.values()))

    def set_read(self, ids: list[int], read: bool) -> bool:
        """Mark papers read or unread."""
        status = "read" if read else "unread"
        return self._push("Mark", ids, lambda lib: lib.set_status(ids, status), status,
                          with_queue=True)

    def toggle_queued(self, ids: list[int]) -> None:
        """Queue papers, or take them off the queue if they all are queued."""
        states = self.library.snapshot(ids)
        self.set_queued(ids, not all(s["queue_position"] for s in states.values()))

    def set_queued(self, ids: list[int], add: bool) -> bool:
        """Add papers to the end of the queue, or remove them."""
        if add:
            return self._push("Queue", ids, lambda lib: lib.queue_add(ids), with_queue=True)
        return self._push("Unqueue", ids, lambda lib: lib.queue_remove(ids), with_queue=True)

    def toggle_dismissed(self, ids: list[int]) -> None:
        """Dismiss papers, or restore them if they all are dismissed."""
        states = self.library.snapshot(ids)
        self.set_dismissed(ids, not all(s["dismissed"] for s in states.values()))

    def set_dismissed(self, ids: list[int], dismiss: bool) -> bool:
        """Dismiss papers (hidden from the inbox, never deleted), or restore them."""
        return self._push("Dismiss" if dismiss else "Restore", ids,
                          lambda lib: lib.set_dismissed(ids, dismiss))

    def add_tags(self, ids: list[int], tags: list[str]) -> bool:
        """Tag papers (undoable); False with a message if a tag is not valid."""
        try:
            names = [self.library.normalise_tag(t) for t in tags]
        except LibraryError as exc:
            self.message.emit(str(exc))
            return False
        if not names:
            return False
        return self._push("Tag", ids, lambda lib: lib.add_tags(ids, names),
                          ", ".join(names))

    def remove_tags(self, ids: list[int], tags: list[str]) -> bool:
        """Take tags off papers (undoable)."""
        if not tags:
            return False
        return self._push("Untag", ids, lambda lib: lib.remove_tags(ids, tags),
                          ", ".join(tags))

    def move(self, ids: list[int], step: int) -> None:
        """Move queued papers one place up (-1) or down (+1), keeping their order
        (worked out again on the queue as it is when the change is written)."""
        order = self.library.queue()
        chosen = [i for i in order if i in set(ids)]
        if not chosen:
            self.message.emit("Only queued papers can be moved.")
            return
        new = list(order)
        for pid in (chosen if step < 0 else reversed(chosen)):
            i = new.index(pid)
            j = i + step
            if 0 <= j < len(new) and new[j] not in chosen:
                new[i], new[j] = new[j], new[i]
        if new != order:
            self._push("Move", chosen, lambda lib: lib.queue_shift(chosen, step),
                       "up" if step < 0 else "down", with_queue=True)

    def reorder(self, order: list[int], moved: list[int]) -> None:
        """Store a new queue order (drag and drop)."""
        self._push("Move", moved, lambda lib: lib.set_queue_order(order), "in the queue",
                   with_queue=True)

    def save_note(self, paper_id: int, text: str,
                  done: Callable[[int], None] | None = None,
                  failed: Callable[[str], None] | None = None) -> None:
        """Write a paper's note (not an undo step: the editor has its own undo)."""
        self.ops.run(lambda lib: lib.set_note(paper_id, text),
                     (lambda _: done(paper_id)) if done else None,
                     name="save note", failed=failed)
