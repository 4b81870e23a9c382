"""Undoable changes to the user's reading state (rating, read, queue, dismissal).

Every change takes ``library.snapshot(ids)`` first and is pushed on the window's
``QUndoStack`` as a :class:`StateCommand`: ``redo`` applies the change (Qt calls
it once when the command is pushed), ``undo`` puts the snapshot back with
``library.restore``. Notes are not part of these commands: the note a paper has
*now* is kept when a rating or status change is undone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtGui import QUndoCommand

from readq.library import Library

Changed = Callable[[list[int], list[int]], None]  # changed ids, ids to select


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

    def __init__(self, library: Library, text: str, ids: Sequence[int],
                 apply: Callable[[], None], changed: Changed,
                 snapshot_ids: Sequence[int] | None = None) -> None:
        super().__init__(text)
        self._library = library
        self._ids = list(ids)
        self._apply = apply
        self._changed = changed
        self._before: dict[int, dict[str, Any]] = library.snapshot(
            list(dict.fromkeys([*self._ids, *(snapshot_ids or [])])))

    @property
    def ids(self) -> list[int]:
        """The papers the command changes."""
        return list(self._ids)

    def redo(self) -> None:
        self._apply()
        self._changed(self._ids, [])

    def undo(self) -> None:
        before = {pid: dict(state) for pid, state in self._before.items()}
        current = self._library.snapshot(list(before))
        for pid, state in before.items():
            if pid in current:
                state["note"] = current[pid]["note"]  # notes are not undone with states
        self._library.restore({pid: s for pid, s in before.items() if pid in current})
        self._changed(list(before), self._ids)  # select what came back
