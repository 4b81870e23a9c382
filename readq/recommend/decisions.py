"""The user's decisions as weighted positives and negatives.

Each paper's signals add up to one signed weight: stars (5★ +2, 4★ +1.5, 3★ +0.5,
2★ −1, 1★ −1.5), queued +1, read +1, a note +0.5, dismissed −1, "not this" −2.
A paper whose signals cancel out teaches nothing and is left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from readq.store.signals import StateRow

STAR_WEIGHTS = {5: 2.0, 4: 1.5, 3: 0.5, 2: -1.0, 1: -1.5}
QUEUED, READ, NOTE, DISMISSED, NOT_THIS = 1.0, 1.0, 0.5, -1.0, -2.0
MIN_DECISIONS = 1  # before this many (and a wanted paper), recommendations are newest first
MIN_POSITIVES = 1


@dataclass(frozen=True)
class Decision:
    """One paper the model learns from: ``weight`` > 0 wanted, < 0 not wanted."""

    paper_id: int
    weight: float
    reason: str  # "rated 5★", "queued and read", "dismissed", …

    @property
    def positive(self) -> bool:
        """The user wanted this paper."""
        return self.weight > 0


def decisions_from_states(states: Iterable[StateRow]) -> list[Decision]:
    """Weighted decisions from papers' user state (see the module docstring)."""
    found = []
    for s in states:
        weight = 0.0
        reasons = []
        if s.rating:
            weight += STAR_WEIGHTS[s.rating]
            reasons.append(f"rated {s.rating}★")
        if s.queued:
            weight += QUEUED
            reasons.append("queued")
        if s.status == "read":
            weight += READ
            reasons.append("read")
        if s.has_note:
            weight += NOTE
            reasons.append("noted")
        if s.dismissed:
            weight += DISMISSED
            reasons.append("dismissed")
        if s.not_this:
            weight += NOT_THIS
            reasons.append('marked "not this"')
        if weight:
            found.append(Decision(s.id, weight, _join(reasons)))
    return found


def decisions_for_tag(tag: str, tagged: Iterable[int], others: Iterable[Decision] = ()
                      ) -> list[Decision]:
    """"More like this tag": the tag's papers are the positives; the user's negatives
    stay negatives (as arxiv-sanity's per-tag model, plus what the user turned down)."""
    positives = [Decision(int(i), 1.5, f"tagged {tag}") for i in dict.fromkeys(tagged)]
    chosen = {d.paper_id for d in positives}
    return positives + [d for d in others if not d.positive and d.paper_id not in chosen]


def enough(decisions: list[Decision], at_least: int = MIN_DECISIONS) -> bool:
    """Whether the model has enough to go on (else: newest first)."""
    return (len(decisions) >= at_least
            and sum(d.positive for d in decisions) >= MIN_POSITIVES)


def _join(reasons: list[str]) -> str:
    if len(reasons) <= 1:
        return "".join(reasons)
    return ", ".join(reasons[:-1]) + " and " + reasons[-1]
