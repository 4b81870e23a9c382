"""The recommendations part of the library service (``Library`` delegates here).

It keeps the papers' features in step with the store (in memory, and on disk
under ``<library>/recommend/``), refits the taste model from the user's current
decisions whenever it is asked (tens of milliseconds), and answers
``recommend``, ``rank``, ``similar`` and "not this". Like a ``Library``, it
belongs to one thread; the app runs it on a background lane.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from readq.recommend import cache
from readq.recommend.decisions import (
    MIN_DECISIONS,
    Decision,
    decisions_for_tag,
    decisions_from_states,
)
from readq.recommend.diversify import diversify
from readq.recommend.explain import why, why_similar
from readq.recommend.features import FeatureSet, build_features
from readq.recommend.model import TasteModel
from readq.store import signals
from readq.store.database import Store

REBUILD_SHARE = 0.25  # more changed papers than this share: refit the vocabulary
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Recommendation:
    """A paper, how likely it is wanted (or how similar), and why."""

    paper_id: int
    interest: float
    why: str


class Recommendations:
    """Features, model and answers for one library (one thread)."""

    def __init__(self, store: Store, folder: Path) -> None:
        self.store = store
        self.folder = folder
        self._features: FeatureSet | None = None
        self._stamp: tuple[object, ...] | None = None
        self._model: TasteModel | None = None
        self._model_key: object = None
        self._generation = 0  # counts feature sets, so a model never outlives its features

    # --- features ----------------------------------------------------------------------

    def features(self) -> FeatureSet:
        """The features of every paper, brought up to date with the store."""
        conn = self.store.conn
        stamp = signals.papers_stamp(conn)
        if self._features is not None and stamp == self._stamp:
            return self._features
        if self._features is None:
            cached = cache.load(self.folder)
            if cached is not None:
                self._stamp, self._features = cached
                if stamp == self._stamp:
                    return self._features
        features = self._refresh(stamp)
        cache.save(self.folder, stamp, features)
        self._features, self._stamp = features, stamp
        self._generation += 1
        self._model = None
        return features

    def _refresh(self, stamp: tuple[int, int, str]) -> FeatureSet:
        conn = self.store.conn
        old = self._features
        plan = self._update_plan()
        if old is not None and plan is not None:
            changed, gone, ids = plan
            kept = old.without(gone | changed)
            return kept.extend(list(signals.paper_texts(conn, sorted(changed & ids))))
        return build_features(list(signals.paper_texts(conn)))

    def _update_plan(self) -> tuple[set[int], set[int], set[int]] | None:
        """Papers to transform again and papers gone since the features were made, or
        None when the vocabulary must be fitted again (a full build)."""
        old, old_stamp = self._features, self._stamp
        if old is None or old_stamp is None or not len(old):
            return None
        conn = self.store.conn
        ids = signals.all_paper_ids(conn)
        changed = set(signals.ids_updated_since(conn, str(old_stamp[2])))
        gone = {int(i) for i in old.ids} - ids
        if len(changed) + len(gone) > REBUILD_SHARE * len(old):
            return None
        return changed, gone, ids

    def needs_full_build(self) -> bool:
        """Whether bringing the features up to date means building them from scratch
        (the app asks its recommender process, :mod:`readq.recommend.service`)."""
        if self._features is None:
            cached = cache.load(self.folder)
            if cached is not None:
                self._stamp, self._features = cached
        if self._features is not None and signals.papers_stamp(self.store.conn) == self._stamp:
            return False
        return self._update_plan() is None and self.store.paper_count() > 0

    def forget(self) -> None:
        """Drop the features held in memory (the next use reads the disk cache)."""
        self._features = self._stamp = None
        self._generation += 1
        self._model = None

    def rebuild(self) -> FeatureSet:
        """Build the features from scratch (and cache them)."""
        self._features = self._stamp = None
        (self.folder / cache.FILE_NAME).unlink(missing_ok=True)
        return self.features()

    # --- the model ---------------------------------------------------------------------

    def decisions(self, tag: str | None = None, tagged: Sequence[int] | None = None
                  ) -> list[Decision]:
        """The user's decisions; with a tag, its papers are the positives."""
        own = decisions_from_states(signals.decision_states(self.store.conn))
        if tagged is not None:
            return decisions_for_tag(tag or "", tagged, own)
        return own

    def model(self, tag: str | None = None, tagged: Sequence[int] | None = None) -> TasteModel:
        """The taste model fitted on the current decisions (refitted when they change)."""
        features = self.features()
        decisions = self.decisions(tag, tagged)
        key = (self._generation, tag, tuple(sorted((d.paper_id, d.weight) for d in decisions)))
        if self._model is None or self._model_key != key:
            # a tag's papers are chosen on purpose: one is enough to go on
            self._model = TasteModel(features, decisions,
                                     min_decisions=1 if tagged is not None else MIN_DECISIONS)
            self._model_key = key
        return self._model

    # --- answers -----------------------------------------------------------------------

    def recommend(self, limit: int | None = 20, *, tag: str | None = None,
                  tagged: Sequence[int] | None = None,
                  within: Sequence[int] | None = None) -> list[Recommendation]:
        """Unread, undismissed, undecided papers, most likely wanted first."""
        model = self.model(tag, tagged)
        chosen = set(tagged or ())
        candidates = [i for i in signals.candidate_ids(self.store.conn, within)
                      if i not in chosen]
        ranked = model.rank(candidates, limit)
        whys = self.whys(model, [s.paper_id for s in ranked])
        return [Recommendation(s.paper_id, s.interest, whys[s.paper_id]) for s in ranked]

    def rank(self, ids: Sequence[int]) -> list[int]:
        """Any papers, most likely wanted first, the first cards of several topics
        (the triage order: see :mod:`readq.recommend.diversify`)."""
        model = self.model()
        ranked = diversify(model, model.order(ids))
        seen = set(ranked)
        return ranked + [i for i in ids if i not in seen]  # papers without features last

    def whys(self, model: TasteModel, ids: Sequence[int]) -> dict[int, str]:
        """The "why" of papers (their text is read for the phrases they contain)."""
        texts = {t.id: t for t in signals.paper_texts(self.store.conn, list(ids))}
        return {i: why(model, i, texts.get(i)) for i in ids}

    def explain(self, paper_id: int) -> tuple[float, str]:
        """A paper's interest and why."""
        model = self.model()
        scored = model.rank([paper_id])
        interest = scored[0].interest if scored else 0.0
        return interest, self.whys(model, [paper_id])[paper_id]

    def ready(self) -> bool:
        """Whether there are enough decisions to rank by taste."""
        return self.model().ready

    def similar(self, paper_id: int, limit: int = 5) -> list[Recommendation]:
        """The papers most like one paper (any state), most similar first."""
        features = self.features()
        row = features.row(paper_id)
        if row is None:
            return []
        sims = (features.matrix @ features.matrix[row].T).toarray().ravel()
        sims[row] = -1.0
        order = [int(i) for i in sims.argsort()[::-1][:limit] if sims[i] > 0]
        texts = {t.id: t for t in signals.paper_texts(
            self.store.conn, [int(features.ids[i]) for i in order])}
        return [Recommendation(int(features.ids[i]), round(float(sims[i]), 3),
                               why_similar(features, row, i, texts.get(int(features.ids[i]))))
                for i in order]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m readq.recommendations LIBRARY``: bring the cached features up to date
    (the app runs this in a child process so a big build never holds its GIL)."""
    import sys

    from readq.library import Library

    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m readq.recommendations LIBRARY", file=sys.stderr)
        return 2
    with Library(Path(args[0])) as library:
        library.recommendations.features()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
