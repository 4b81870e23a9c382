"""The "For you" order of triage mode: the papers not yet decided are ranked off
the GUI thread (at the start of a pass, then in a pause between keys), and the
cards to come follow the new order when it arrives. The card shown is never
swapped away once the user worked on it; each card shows why it was ranked
where it is, when the ranking says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from readq.ui.for_you import ForYou, Ranking

if TYPE_CHECKING:
    from PySide6.QtCore import QTimer, SignalInstance

    from readq.ui.triage_card import TriageCard
    from readq.ui.triage_session import TriageSession

RERANK_PAUSE_MS = 150  # "For you" re-ranks once the keys pause this long
EXPLAIN_AHEAD = 3  # cards to come explained with each ranking


class TriageRanking:
    """The "For you" part of :class:`readq.ui.triage_mode.TriagePage`."""

    session: TriageSession | None
    card: TriageCard
    for_you: ForYou | None
    order_for_you: bool
    ranking_note: str
    _whys: dict[int, str]
    _rerank_timer: QTimer
    _card_touched: bool

    if TYPE_CHECKING:
        ranked: SignalInstance

        @property
        def showing_summary(self) -> bool: ...
        def _show_card(self, keep_scroll: bool = False) -> None: ...

    def _rerank(self, include_current: bool = False) -> None:
        """Rank the papers not yet decided, off the GUI thread: at once at the start,
        else in the next pause between keys; the cards after this one follow the new
        order when it arrives (the first card too, at the start)."""
        if include_current:
            self._rerank_now(include_current=True)
        else:
            self._rerank_timer.start()

    def _rerank_now(self, include_current: bool = False) -> None:
        self._rerank_timer.stop()
        session = self.session
        if session is None or self.for_you is None or not self.order_for_you:
            return
        decided = session.decided_ids()
        unseen = [i for i in session.ids if i not in decided]
        if unseen:
            current = [session.current] if session.current is not None else []
            self.for_you.rank(unseen, lambda ranking: self._on_ranked(
                session, ranking, include_current), kind="triage", explain=current,
                explain_top=EXPLAIN_AHEAD)

    def _on_ranked(self, session: TriageSession, ranking: Ranking,
                   include_current: bool) -> None:
        if session is not self.session or self.showing_summary:
            return
        self.ranking_note = "" if ranking.ready else ranking.note
        self._whys.update(ranking.whys)
        fresh = (include_current and not session.decisions and session.position == 0
                 and not self._card_touched)  # a note or tag on the first card keeps it
        session.reorder_unseen(ranking.ids, include_current=fresh)
        if fresh:
            self._show_card()
        elif self.card.paper_id in ranking.whys:
            self.card.set_why(ranking.whys[self.card.paper_id])
        self.ranked.emit()

    def _explain_card(self, paper_id: int) -> None:
        """The card's "why": from the last ranking, else asked for in the next pause."""
        if self.for_you is None or not self.order_for_you:
            self.card.set_why("")
            return
        self.card.set_why(self._whys.get(paper_id, self.ranking_note))
        if paper_id not in self._whys:
            self._rerank_timer.start()
