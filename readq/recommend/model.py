"""The taste model: Rocchio over TF-IDF words and latent topics, fitted on the user's decisions.

The evaluation in ``benchmarks/bench_recommend.py`` (simulated readers on real
arXiv papers, see benchmarks/RESULTS.md) compared the plain centroid of the
wanted papers, Rocchio, arxiv-sanity's linear SVM, logistic regression and
latent topics; this model is the one that was best or level in every kind of
reader:

- the wanted papers' centroid (each weighted by how much it was wanted: 5★
  twice a queued paper) minus ``NEGATIVE`` × the turned-down papers' centroid
  (dismissed, low stars, "not this", each weighted by how firmly), so a topic
  the user keeps turning down sinks as a whole;
- the same in latent topics (:attr:`FeatureSet.latent`), weighted ``LATENT``:
  it carries a handful of decisions over to papers that share the subject but
  few exact words;
- authors the user keeps wanting (``FOLLOW_AT`` over ``FOLLOW_PAPERS`` papers)
  lift their other papers;
- before the first wanted paper, the newest papers come first.

Fitting is two weighted sums of rows; scoring is two matrix–vector products, so
the model is simply refitted after every decision.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from readq.recommend.decisions import MIN_DECISIONS, Decision, enough
from readq.recommend.features import FeatureSet, author_key

NEGATIVE = 1.0  # the turned-down centroid's weight against the wanted one
LATENT = 1.0  # the latent topics' weight beside the words
FOLLOW_AT = 2.0  # positive weight over an author's papers that makes them "followed"
FOLLOW_PAPERS = 2  # … over at least this many wanted papers
FOLLOW_BOOST = 0.08  # lift per followed author on a paper (at most two count)
RECENCY_HALF_LIFE = 60.0  # days: the cold start's newest-first order
RECENCY = 0.0  # recency's lift once the model is ready (it lowered every reader's AUC)


@dataclass(frozen=True)
class Scored:
    """A paper's place in the ranking."""

    paper_id: int
    score: float  # higher = more likely wanted
    interest: float  # the score squashed to 0…1


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


class TasteModel:
    """A fitted model (or, with too few decisions, the newest-first cold start)."""

    def __init__(self, features: FeatureSet, decisions: Sequence[Decision], *,
                 follow: bool = True, recency: float = RECENCY, negatives: bool = True,
                 latent: float = LATENT, negative: float = NEGATIVE,
                 min_decisions: int = MIN_DECISIONS) -> None:
        self.features = features
        self.decisions = [d for d in decisions if features.row(d.paper_id) is not None]
        self.ready = enough(self.decisions, min_decisions)
        self.coef: np.ndarray | None = None  # over the feature columns (words, authors)
        self.turned_down: np.ndarray | None = None  # the turned-down centroid (words)
        self.latent_coef: np.ndarray | None = None
        self.followed: dict[str, float] = {}
        self._recency = recency
        self._latent = latent if features.latent.shape[1] else 0.0
        newest = np.nanmax(features.days) if len(features) and \
            not np.all(np.isnan(features.days)) else 0.0
        self._newest = float(newest)
        if self.ready:
            self._fit(negative if negatives else 0.0)
            if follow:
                self.followed = self._followed_authors()

    # --- fitting -----------------------------------------------------------------------

    def _centroid(self, matrix: object, chosen: list[Decision]) -> np.ndarray:
        """The weighted mean of the chosen papers' rows (Rocchio's centroid: papers
        that disagree with each other make it shorter, so it counts for less)."""
        f = self.features
        weights = np.array([abs(d.weight) for d in chosen], dtype=np.float32)
        rows = f.rows(d.paper_id for d in chosen)
        total = matrix[rows].T @ weights  # type: ignore[index]
        return np.asarray(total, dtype=np.float32).ravel() / float(weights.sum())

    def _fit(self, negative: float) -> None:
        f = self.features
        wanted = [d for d in self.decisions if d.positive]
        turned = [d for d in self.decisions if not d.positive]
        self.coef = self._centroid(f.matrix, wanted)
        if turned and negative:
            self.turned_down = self._centroid(f.matrix, turned)
            self.coef = self.coef - negative * self.turned_down
        if self._latent:
            self.latent_coef = self._centroid(f.latent, wanted)
            if turned and negative:
                self.latent_coef = self.latent_coef - negative * self._centroid(f.latent, turned)

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
        if self.latent_coef is not None:
            score += self._latent * (f.latent[rows] @ self.latent_coef)
        columns = f.author_columns(self.followed)
        if columns:
            written = np.asarray((block[:, columns] != 0).sum(axis=1)).ravel()[pick]
            score += FOLLOW_BOOST * np.minimum(written, 2)
        if self._recency or not self.ready:
            age = self._newest - f.days[rows]
            lift = np.exp2(-np.clip(np.nan_to_num(age, nan=3650.0), 0, None)
                           / RECENCY_HALF_LIFE)
            score += lift * self._recency if self.ready else lift  # cold start: recency only
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
    """0…1: the similarity to the user's taste (lifted or lowered), or the cold
    start's recency lift."""
    return round(min(1.0, max(0.0, score)), 3)
