"""Undoable changes to the user's reading state (rating, read, queue, dismissal),
to imports and to merges of duplicates.

A :class:`StateCommand` is pushed on the window's ``QUndoStack``: ``redo``
queues the change as one operation on the user lane, which snapshots the
papers' state and applies the change in one transaction; ``undo`` queues
putting that snapshot back. Operations run in order, so an undo pressed
before its change was written still finds the snapshot. Notes are not part of
these commands: the note a paper has *now* is kept when a rating or status
change is undone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtGui import QUndoCommand

from readq.library import Library, MergeUndo
from readq.ui.operations import Operations

Changed = Callable[[list[int], list[int]], None]  # changed ids, ids to select
Change = Callable[[Library], object]


def describe(verb: str, ids: Sequence[int], titles: dict[int, str] | None = None,
             suffix: str = "") -> str:
    """Command text such as "Rate 3 papers ★★★★" or "Dismiss “A Data Source…”"."""
    if len(ids) == 1 and titles and titles.get(ids[0]):
        title = titles[ids[0]]
        name = f"“{title[:40]}…”" if len(title) > 41 else f"“{title}”"
    else:
        name = "1 paper" if len(ids) == 1 else f"{len(ids)} papers"
    return f"{verb} {name}{(' ' + suffix) if suffix else ''}"


class StateCommand(QUndoCommand):
    """One user-visible change to the state of some papers."""

    def __init__(self, ops: Operations, text: str, ids: Sequence[int], apply: Change,
                 changed: Changed, *, with_queue: bool = False) -> None:
        super().__init__(text)
        self._ops = ops
        self._ids = list(ids)
        self._apply = apply
        self._changed = changed
        self._with_queue = with_queue
        self._before: dict[int, dict[str, Any]] = {}

    @property
    def ids(self) -> list[int]:
        """The papers the command changes."""
        return list(self._ids)

    def redo(self) -> None:
        def change(library: Library) -> None:
            # runs on the user lane; the undo queued after it reads the snapshot
            self._before = library.apply_with_snapshot(
                self._ids, lambda: self._apply(library), with_queue=self._with_queue)

        self._ops.run(change, lambda _: self._changed(self._ids, []), name=self.text())

    def undo(self) -> None:
        def put_back(library: Library) -> list[int]:
            library.restore_keeping_notes(self._before)
            return list(self._before)

        self._ops.run(put_back, lambda ids: self._changed(ids, self._ids),
                      name=f"undo {self.text()}")


class MergeCommand(QUndoCommand):
    """Confirming a possible duplicate: one undo step that puts both papers back."""

    def __init__(self, ops: Operations, pair_id: int, text: str,
                 changed: Callable[[], None]) -> None:
        super().__init__(text)
        self._ops = ops
        self._pair_id = pair_id
        self._changed = changed
        self._undo: MergeUndo | None = None

    def redo(self) -> None:
        def merge(library: Library) -> None:
            self._undo = library.merge_duplicate(self._pair_id)

        self._ops.run(merge, lambda _: self._changed(), name="merge duplicates")

    def undo(self) -> None:
        def unmerge(library: Library) -> None:
            if self._undo is not None:
                library.undo_merge(self._undo)

        self._ops.run(unmerge, lambda _: self._changed(), name="undo merge")


class ImportCommand(QUndoCommand):
    """An import action already done: undo removes what it added (redo = import again).

    ``undo`` is refused with a message when papers it added got user state since;
    ``keep_touched`` (asked by the window) keeps those papers instead.
    """

    def __init__(self, ops: Operations, action_id: int, text: str,
                 changed: Callable[[], None], refused: Callable[[str], None],
                 keep_touched: Callable[[str], bool],
                 progressed: Callable[[int, int], None] | None = None) -> None:
        super().__init__(text)
        self._ops = ops
        self.action_id = action_id
        self._changed = changed
        self._refused = refused
        self._keep_touched = keep_touched
        self._progressed = progressed or (lambda _done, _total: None)
        self.undone = False

    def redo(self) -> None:
        if self.undone:  # undone, then redone: the import is not replayed (import again)
            self.setObsolete(True)

    def undo(self) -> None:
        def removed(_: object) -> None:
            self.undone = True
            self._changed()

        def start(keep_touched: bool, failed: Callable[[str], None]) -> None:
            self._progressed(0, 0)  # under way: shown at once, however long the first chunk
            self._ops.run(lambda library, report: library.undo_import(  # type: ignore[arg-type]
                self.action_id, keep_touched=keep_touched, progress=report),
                removed, name="undo import", failed=failed, progressed=self._progressed)

        def refused(message: str) -> None:
            if "undoing the import would lose them" in message and self._keep_touched(message):
                start(True, self._refused)
            else:
                self._refused(message)  # the window puts the command back (redo)

        start(False, refused)
