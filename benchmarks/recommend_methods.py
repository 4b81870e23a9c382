"""The rankers compared in benchmarks/bench_recommend.py: simple baselines, the
classic alternatives, and readq's model (before and after issue 25).

Every method takes the features, the user's decisions (readq's weighted
:class:`~readq.recommend.decisions.Decision`) and the feature rows to rank, and
returns one score per row (higher = more likely wanted).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

from readq.recommend.decisions import Decision
from readq.recommend.features import FeatureSet
from readq.recommend.model import TasteModel

Method = Callable[[FeatureSet, list[Decision], np.ndarray], np.ndarray]


def _rows(features: FeatureSet, decisions: list[Decision], positive: bool) -> np.ndarray:
    return features.rows(d.paper_id for d in decisions if d.positive == positive)


def centroid(features: FeatureSet, decisions: list[Decision], rows: np.ndarray
             ) -> np.ndarray:
    """The plain baseline: cosine to the mean TF-IDF row of the wanted papers."""
    wanted = _rows(features, decisions, True)
    if not len(wanted):
        return np.zeros(len(rows))
    centre = normalize(np.asarray(features.matrix[wanted].mean(axis=0)))
    return np.asarray(features.matrix[rows] @ centre.T).ravel()


def rocchio(features: FeatureSet, decisions: list[Decision], rows: np.ndarray,
            beta: float = 0.5, latent: bool = False) -> np.ndarray:
    """Rocchio: the wanted papers' centroid minus ``beta`` × the turned-down papers'
    centroid (unweighted, as in the textbook), on TF-IDF rows or latent rows."""
    matrix = features.latent if latent else features.matrix
    wanted, turned = _rows(features, decisions, True), _rows(features, decisions, False)
    if not len(wanted):
        return np.zeros(len(rows))
    coef = np.asarray(matrix[wanted].mean(axis=0)).ravel()
    if len(turned):
        coef = coef - beta * np.asarray(matrix[turned].mean(axis=0)).ravel()
    return np.asarray(matrix[rows] @ coef).ravel()


def sanity_svm(features: FeatureSet, decisions: list[Decision], rows: np.ndarray
               ) -> np.ndarray:
    """arxiv-sanity: LinearSVC, wanted papers vs every other paper, balanced."""
    wanted = _rows(features, decisions, True)
    if not len(wanted):
        return np.zeros(len(rows))
    y = np.zeros(len(features), dtype=np.int8)
    y[wanted] = 1
    clf = LinearSVC(class_weight="balanced", C=0.1, max_iter=10000, tol=1e-6)
    clf.fit(features.matrix, y)
    return clf.decision_function(features.matrix[rows])


def logistic(features: FeatureSet, decisions: list[Decision], rows: np.ndarray
             ) -> np.ndarray:
    """Weighted logistic regression: the decisions, plus a lightly weighted background
    sample of undecided papers as negatives."""
    labelled = features.rows(d.paper_id for d in decisions)
    known = [d for d in decisions if features.row(d.paper_id) is not None]
    if not any(d.positive for d in known):
        return np.zeros(len(rows))
    pool = np.setdiff1d(np.arange(len(features)), labelled)
    pool = np.random.default_rng(0).choice(pool, min(1500, len(pool)), replace=False)
    X = features.matrix[np.concatenate([labelled, pool])]
    y = [int(d.positive) for d in known] + [0] * len(pool)
    w = [abs(d.weight) for d in known] + [0.05] * len(pool)
    clf = LogisticRegression(C=4.0, solver="liblinear")
    clf.fit(X, y, sample_weight=w)
    return clf.decision_function(features.matrix[rows])


def readq_model(features: FeatureSet, decisions: list[Decision], rows: np.ndarray,
                **options: object) -> np.ndarray:
    """readq's shipped model (``options`` switch its parts off)."""
    model = TasteModel(features, decisions, **options)  # type: ignore[arg-type]
    return model.scores(rows)
