"""The bookkeeping of one triage pass: which papers, where we are, what was decided.

A :class:`TriageSession` is plain Python (no widgets, no store): the triage page
asks it which paper to show, records each decision, and undoes decisions when
the window's undo stack goes back. Decisions that change the store are pushed on
that stack first (so they are stored before the card advances); the session only
remembers, for each decision, the stack index it created, to follow undo and redo
done from anywhere (Z on the card, Ctrl+Z, Edit ▸ Undo).

A paper is *left* while no decision of this pass applies to it; skipping is a
decision for this purpose (the card moves on) but changes nothing in the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

QUEUE = "queue"
RATE = "rate"
READ = "read"
DISMISS = "dismiss"
SKIP = "skip"
NOT_THIS = "not_this"  # "not this": a negative decision for recommendations
KINDS = (QUEUE, RATE, READ, DISMISS, SKIP, NOT_THIS)


@dataclass(frozen=True)
class Decision:
    """One decision on one paper (``stack_index``: the undo stack's index after it)."""

    paper_id: int
    kind: str
    stack_index: int
    rating: int = 0


@dataclass(frozen=True)
class Summary:
    """What a triage pass did (papers counted once per kind)."""

    total: int
    queued: int
    rated: int
    read: int
    dismissed: int
    skipped: int
    left: int
    not_this: int = 0  # D: "not this" (fewer papers like it)

    def as_dict(self) -> dict[str, int]:
        """The counts by name."""
        return {"total": self.total, "queued": self.queued, "rated": self.rated,
                "read": self.read, "dismissed": self.dismissed, "not_this": self.not_this,
                "skipped": self.skipped, "left": self.left}


class TriageSession:
    """An ordered set of papers, a position in it, and the decisions taken."""

    def __init__(self, ids: Iterable[int], label: str = "") -> None:
        self.ids: list[int] = list(dict.fromkeys(int(i) for i in ids))
        self._positions = {paper_id: n for n, paper_id in enumerate(self.ids)}
        self.label = label
        self.position = 0
        self.decisions: list[Decision] = []
        self._redo: list[Decision] = []

    # --- where we are ------------------------------------------------------------------

    @property
    def total(self) -> int:
        """How many papers the pass holds."""
        return len(self.ids)

    @property
    def current(self) -> int | None:
        """The paper on the card (None for an empty pass)."""
        return self.ids[self.position] if self.ids else None

    def decided_ids(self) -> set[int]:
        """Papers some decision (skip included) applies to."""
        return {d.paper_id for d in self.decisions}

    def left(self) -> int:
        """Papers with no decision yet (decisions only ever name papers of the pass)."""
        return self.total - len(self.decided_ids())

    @property
    def finished(self) -> bool:
        """Every paper has a decision."""
        return self.left() == 0

    def kinds_of(self, paper_id: int) -> list[Decision]:
        """The decisions on one paper, oldest first."""
        return [d for d in self.decisions if d.paper_id == paper_id]

    # --- moving ------------------------------------------------------------------------

    def go_to(self, paper_id: int) -> bool:
        """Show a paper of the pass."""
        position = self._positions.get(paper_id)
        if position is None:
            return False
        self.position = position
        return True

    def move(self, step: int) -> bool:
        """Move without deciding (False at either end)."""
        target = self.position + step
        if not self.ids or not 0 <= target < len(self.ids):
            return False
        self.position = target
        return True

    def advance(self) -> bool:
        """Go to the next paper without a decision, after the current one first, then
        from the top; False when none is left (the pass is finished)."""
        decided = self.decided_ids()
        count = len(self.ids)
        for step in range(1, count + 1):  # usually the very next one: O(1) in practice
            position = (self.position + step) % count
            if self.ids[position] not in decided:
                self.position = position
                return True
        return False

    def drop(self, paper_ids: Sequence[int]) -> None:
        """Forget papers that no longer exist (merged away as duplicates)."""
        gone = set(paper_ids)
        if not any(paper_id in self._positions for paper_id in gone):
            return
        current = self.current
        self.ids = [i for i in self.ids if i not in gone]
        self._positions = {paper_id: n for n, paper_id in enumerate(self.ids)}
        self.decisions = [d for d in self.decisions if d.paper_id not in gone]
        self._redo = [d for d in self._redo if d.paper_id not in gone]
        if current in self._positions:
            self.position = self._positions[current]
        else:
            self.position = min(self.position, max(0, len(self.ids) - 1))

    def reorder_unseen(self, order: Sequence[int], *, include_current: bool = False) -> None:
        """Put the undecided papers after the current one (or from it) in ``order``, the
        best first; papers ``order`` does not name keep their place after those it does."""
        start = self.position if include_current else self.position + 1
        head, tail = self.ids[:start], self.ids[start:]
        decided = self.decided_ids()
        rank = {paper_id: n for n, paper_id in enumerate(order)}
        unseen = sorted((i for i in tail if i not in decided),
                        key=lambda i: rank.get(i, len(rank)))
        self.ids = head + [i for i in tail if i in decided] + unseen
        self._positions = {paper_id: n for n, paper_id in enumerate(self.ids)}

    # --- deciding and undoing ----------------------------------------------------------

    def record(self, decision: Decision) -> None:
        """Remember a decision taken (a new decision forgets what could be redone)."""
        if decision.kind not in KINDS:
            raise ValueError(decision.kind)
        self.decisions.append(decision)
        self._redo.clear()

    def pop_skip(self) -> Decision | None:
        """Take back the last decision if it is a skip (nothing to undo in the store)."""
        if self.decisions and self.decisions[-1].kind == SKIP:
            return self.decisions.pop()
        return None

    def undone_to(self, stack_index: int) -> list[Decision]:
        """The undo stack went back to ``stack_index``: drop the decisions made after
        it (newest first in the result) and keep them for a redo."""
        undone: list[Decision] = []
        while self.decisions and self.decisions[-1].stack_index > stack_index:
            undone.append(self.decisions.pop())
        self._redo.extend(d for d in undone if d.kind != SKIP)
        return undone

    def redone_to(self, stack_index: int) -> list[Decision]:
        """The undo stack went forward to ``stack_index`` (redo): take back the
        decisions it re-applied, oldest first."""
        redone: list[Decision] = []
        while self._redo and self._redo[-1].stack_index <= stack_index:
            decision = self._redo.pop()
            self.decisions.append(decision)
            redone.append(decision)
        return redone

    def summary(self) -> Summary:
        """Counts of the decisions in effect."""
        by_kind: dict[str, set[int]] = {kind: set() for kind in KINDS}
        for d in self.decisions:
            by_kind[d.kind].add(d.paper_id)
        acted = (by_kind[QUEUE] | by_kind[RATE] | by_kind[READ] | by_kind[DISMISS]
                 | by_kind[NOT_THIS])
        return Summary(total=self.total, queued=len(by_kind[QUEUE]), rated=len(by_kind[RATE]),
                       read=len(by_kind[READ]), dismissed=len(by_kind[DISMISS]),
                       not_this=len(by_kind[NOT_THIS]), skipped=len(by_kind[SKIP] - acted), left=self.left())
