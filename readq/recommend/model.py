"""The taste model: a linear model over TF-IDF features, fitted on the user's decisions.

The baseline is arxiv-sanity's: a linear SVM separating "wanted" papers from
every other paper. With the handful of decisions a reader has made, the
evaluation in ``benchmarks/bench_recommend.py`` shows it ranks worse than the
plain centroid of the wanted papers, and so did a weighted logistic regression
with a background sample (see benchmarks/RESULTS.md). readq's model is the
linear model that won there, plus what a reading queue knows:

- the weight vector is the centroid of the wanted papers weighted by how much
  each was wanted (5★ twice a queued paper; queued and read add up);
- a paper close to one the user turned down (dismissed, low stars, "not this")
  is lowered by its similarity to that paper times how firmly it was turned
  down (local, so one dismissal does not sink a whole topic);
- authors the user keeps wanting (``FOLLOW_AT`` over ``FOLLOW_PAPERS`` papers)
  lift their other papers;
- newer papers get a small lift, which alone orders the cold start.

Fitting is a sparse weighted sum: it is simply redone after every decision.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.preprocessing import normalize

from readq.recommend.decisions import MIN_DECISIONS, Decision, enough
from readq.recommend.features import FeatureSet, author_key

NEGATIVE = 0.3  # how far a turned-down neighbour lowers a paper (per unit similarity)
FOLLOW_AT = 2.0  # positive weight over an author's papers that makes them "followed"
FOLLOW_PAPERS = 2  # … over at least this many wanted papers
FOLLOW_BOOST = 0.08  # lift per followed author on a paper (at most two count)
RECENCY = 0.03  # lift of the newest paper; halves every RECENCY_HALF_LIFE days
RECENCY_HALF_LIFE = 60.0


@dataclass(frozen=True)
class Scored:
    """A paper's place in the ranking."""

    paper_id: int
    score: float  # higher = more likely wanted
    interest: float  # the score squashed to 0…1


class TasteModel:
    """A fitted model (or, with too few decisions, the newest-first cold start)."""

    def __init__(self, features: FeatureSet, decisions: Sequence[Decision], *,
                 follow: bool = True, recency: bool = True, negatives: bool = True,
                 min_decisions: int = MIN_DECISIONS) -> None:
        self.features = features
        self.decisions = [d for d in decisions if features.row(d.paper_id) is not None]
        self.ready = enough(self.decisions, min_decisions)
        self.coef: np.ndarray | None = None
        self.followed: dict[str, float] = {}
        self._recency = recency
        self._negatives: list[Decision] = []
        newest = np.nanmax(features.days) if len(features) and \
            not np.all(np.isnan(features.days)) else 0.0
        self._newest = float(newest)
        if self.ready:
            self._fit(negatives)
            if follow:
                self.followed = self._followed_authors()

    # --- fitting -----------------------------------------------------------------------

    def _fit(self, negatives: bool) -> None:
        f = self.features
        wanted = [d for d in self.decisions if d.positive]
        weights = np.array([d.weight for d in wanted], dtype=np.float32)
        centre = f.matrix[f.rows(d.paper_id for d in wanted)].T @ weights
        self.coef = normalize(np.asarray(centre).reshape(1, -1))[0].astype(np.float32)
        if negatives:
            self._negatives = [d for d in self.decisions if not d.positive]
            if self._negatives:
                turned = f.matrix[f.rows(d.paper_id for d in self._negatives)]
                firm = np.array([-d.weight / 2 for d in self._negatives], dtype=np.float32)
                self._turned = turned.T.toarray() * firm  # columns: turned-down papers

    def _followed_authors(self) -> dict[str, float]:
        weight: dict[str, float] = defaultdict(float)
        wanted: dict[str, int] = defaultdict(int)
        names: dict[str, str] = {}
        for d in self.decisions:
            row = self.features.row(d.paper_id)
            assert row is not None
            for name in self.features.authors[row]:
                key = author_key(name)
                if key:
                    weight[key] += d.weight
                    wanted[key] += d.positive
                    names.setdefault(key, name)
        return {names[k]: v for k, v in weight.items()
                if v >= FOLLOW_AT and wanted[k] >= FOLLOW_PAPERS}

    # --- scoring -----------------------------------------------------------------------

    def scores(self, rows: np.ndarray) -> np.ndarray:
        """Scores of feature rows (higher = more likely wanted)."""
        f = self.features
        score = np.zeros(len(rows), dtype=np.float64)
        # many rows: multiply the whole matrix and pick (cheaper than copying the rows)
        whole = len(rows) > len(f) // 4
        block = f.matrix if whole else f.matrix[rows]
        pick = rows if whole else slice(None)
        if self.coef is not None:
            score += (block @ self.coef)[pick]
            if self._negatives:
                score -= NEGATIVE * (block @ self._turned)[pick].max(axis=1)
        columns = f.author_columns(self.followed)
        if columns:
            written = np.asarray((block[:, columns] != 0).sum(axis=1)).ravel()[pick]
            score += FOLLOW_BOOST * np.minimum(written, 2)
        if self._recency or not self.ready:
            age = self._newest - f.days[rows]
            lift = RECENCY * np.exp2(-np.clip(np.nan_to_num(age, nan=3650.0), 0, None)
                                     / RECENCY_HALF_LIFE)
            score += lift if self.ready else lift / RECENCY  # cold start: recency only
        return score

    def order(self, paper_ids: Sequence[int]) -> list[int]:
        """Papers best first, ids only (ids without features are left out)."""
        rows = self.features.rows(paper_ids)
        if not len(rows):
            return []
        return self.features.ids[rows[np.argsort(-self.scores(rows), kind="stable")]].tolist()

    def rank(self, paper_ids: Sequence[int], limit: int | None = None) -> list[Scored]:
        """Papers best first (ids without features are left out)."""
        rows = self.features.rows(paper_ids)
        if not len(rows):
            return []
        score = self.scores(rows)
        ids = self.features.ids[rows]
        # best first; ties (the cold start's same-day papers) keep the order given
        order = np.argsort(-score, kind="stable")
        if limit is not None:
            order = order[:limit]
        return [Scored(int(ids[i]), float(score[i]), _squash(float(score[i]), self.ready))
                for i in order]

    def contributions(self, row: int) -> list[tuple[int, float]]:
        """The columns of a paper's features that raise its score most, biggest first."""
        if self.coef is None:
            return []
        x = self.features.matrix[row]
        parts = x.data * self.coef[x.indices]
        order = np.argsort(-parts)
        return [(int(x.indices[i]), float(parts[i])) for i in order if parts[i] > 0]


def _squash(score: float, ready: bool) -> float:
    """0…1: the cosine to the user's taste (lifted or lowered), or the cold start's
    recency lift."""
    return round(min(1.0, max(0.0, score)), 3)
