"""Recommendations: offline evaluation on real arXiv papers, and timings.

    python -m benchmarks.bench_recommend quality --data arxiv_data.csv
    python -m benchmarks.bench_recommend timing --sizes 10000 100000

**quality** — simulated readers go through a shuffled inbox as in triage. A
reader's taste is a set of arXiv categories (any listed category counts) and,
for some readers, a few authors whose every paper they want. A wanted paper is
rated 5★ (its primary category is in the taste, or a followed author wrote it)
or queued (cross-listed only); an unwanted one is dismissed (60 %), rated 1–2★
(10 %) or skipped (30 %, no signal); 5 % of decisions are flipped (people err).
After 5, 10 and 20 decisions every method ranks the papers not yet seen; we
report ROC AUC (wanted vs not) and precision@10, averaged over readers and
seeds. Methods: random; the TF-IDF centroid of the wanted papers (cosine); the
arxiv-sanity baseline (LinearSVC, wanted vs every other paper, balanced);
readq's model (weighted decisions, explicit negatives, followed authors,
recency); and readq without followed authors.

The data is a CSV of public arXiv metadata with columns ``title``, ``authors``
(a Python list literal), ``subjects`` (``Name (cs.CV); …``), ``abstract``,
``date`` — e.g. the 1,102-paper ``arxiv_data.csv`` published in the
ResearchFinder project on GitHub (September 2023 listings). Without ``--data``
the four fixture dumps (161 real papers, profile categories) are used.

**timing** — a library of N synthetic papers (benchmarks.generate), stored
directly through the store: the features built from the store (cold, no
cache), loaded from the on-disk cache, and the re-ranking of the inbox after
one triage decision (rate a paper, refit, rank every unread paper).
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import random
import re
import statistics
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

from readq.recommend.decisions import decisions_from_states
from readq.recommend.features import FeatureSet, build_features
from readq.recommend.model import TasteModel
from readq.store.signals import PaperText, StateRow

CHECKPOINTS = (5, 10, 20, 40)
WORK = Path(tempfile.gettempdir()) / "readq-bench-i14"
_CATEGORY = re.compile(r"\(([a-z\-]+(?:\.[A-Za-z\-]+)?)\)")


@dataclass
class Paper:
    """A real paper: its text and its arXiv categories (primary first)."""

    text: PaperText
    categories: list[str]


def load_csv(path: Path) -> list[Paper]:
    """Papers from an arXiv metadata CSV (see the module docstring)."""
    papers, seen = [], set()
    with path.open(encoding="utf-8", newline="") as handle:
        for n, row in enumerate(csv.DictReader(handle), start=1):
            title = " ".join(row["title"].split())
            if not title or title.lower() in seen:
                continue
            seen.add(title.lower())
            try:
                authors = [str(a) for a in ast.literal_eval(row["authors"])]
            except (ValueError, SyntaxError):
                authors = []
            categories = _CATEGORY.findall(row.get("subjects", ""))
            if not categories:
                continue
            published = row.get("date") or None
            papers.append(Paper(PaperText(n, title, " ".join(row["abstract"].split()), authors,
                                          published, f"{published}T00:00:00+00:00"),
                                categories))
    return papers


def load_fixtures() -> list[Paper]:
    """The fixture dumps' papers (category = the profile's field code)."""
    from readq.library import Library
    from readq.store import signals
    from tests.helpers import all_dumps

    folder = Path(tempfile.mkdtemp(prefix="readq-rec-"))
    with Library(folder / "lib") as library:
        library.import_paths(all_dumps(folder / "dumps"))
        cats = dict(library.store.conn.execute("SELECT id, category FROM papers"))
        return [Paper(t, [cats[t.id]]) for t in signals.paper_texts(library.store.conn)
                if cats.get(t.id)]


# --- readers -----------------------------------------------------------------------------


@dataclass
class Reader:
    """A simulated user: categories and authors they want."""

    name: str
    categories: set[str]
    authors: set[str]

    def wants(self, paper: Paper) -> bool:
        return bool(self.categories & set(paper.categories)
                    or self.authors & set(paper.text.authors))

    def strongly(self, paper: Paper) -> bool:
        return paper.categories[0] in self.categories or bool(
            self.authors & set(paper.text.authors))


def make_readers(papers: list[Paper], rng: random.Random) -> list[Reader]:
    """Topic readers (one to three related categories) and topic+author readers."""
    counts: dict[str, int] = {}
    for p in papers:
        for c in set(p.categories):
            counts[c] = counts.get(c, 0) + 1
    n = len(papers)
    # categories a reader could plausibly want: 4 %–30 % of the inbox
    usable = sorted(c for c, k in counts.items() if 0.04 * n <= k <= 0.30 * n)
    readers = [Reader(f"topic {c}", {c}, set()) for c in usable]
    by_archive: dict[str, list[str]] = {}
    for c in usable:
        by_archive.setdefault(c.split(".")[0], []).append(c)
    for archive, cats in sorted(by_archive.items()):
        if len(cats) >= 2:
            pair = set(rng.sample(cats, 2))
            readers.append(Reader("topics " + "+".join(sorted(pair)), pair, set()))
    authors: dict[str, int] = {}
    for p in papers:
        for a in p.text.authors:
            authors[a] = authors.get(a, 0) + 1
    prolific = sorted(a for a, k in authors.items() if k >= 3)
    for c in usable[:: max(1, len(usable) // 6)][:6]:
        chosen = set(rng.sample(prolific, min(4, len(prolific))))
        readers.append(Reader(f"topic {c} + 4 authors", {c}, chosen))
    return readers


def triage(reader: Reader, papers: list[Paper], rng: random.Random, wanted_decisions: int
           ) -> tuple[list[StateRow], set[int]]:
    """Cards in a shuffled order until ``wanted_decisions`` non-skip decisions."""
    order = papers[:]
    rng.shuffle(order)
    states, shown = [], set()
    for paper in order:
        if len(states) >= wanted_decisions:
            break
        shown.add(paper.text.id)
        wants = reader.wants(paper)
        if rng.random() < 0.05:
            wants = not wants
        pid = paper.text.id
        if wants:
            if reader.strongly(paper):
                states.append(StateRow(pid, "unread", 5, False, False, False, False))
            else:
                states.append(StateRow(pid, "unread", 0, False, True, False, False))
        else:
            roll = rng.random()
            if roll < 0.6:
                states.append(StateRow(pid, "unread", 0, False, False, True, False))
            elif roll < 0.7:
                states.append(StateRow(pid, "unread", rng.choice((1, 2)), False, False, False,
                                       False))
    return states, shown


# --- methods -------------------------------------------------------------------------------


def centroid_scores(features: FeatureSet, states: list[StateRow], rows: np.ndarray
                    ) -> np.ndarray:
    positive = [s.id for s in states if s.rating >= 3 or s.queued or s.status == "read"]
    if not positive:
        return np.zeros(len(rows))
    centre = normalize(np.asarray(features.matrix[features.rows(positive)].mean(axis=0)))
    return np.asarray(features.matrix[rows] @ centre.T).ravel()


def sanity_scores(features: FeatureSet, states: list[StateRow], rows: np.ndarray
                  ) -> np.ndarray:
    positive = features.rows(s.id for s in states
                             if s.rating >= 3 or s.queued or s.status == "read")
    if not len(positive):
        return np.zeros(len(rows))
    y = np.zeros(len(features), dtype=np.int8)
    y[positive] = 1
    clf = LinearSVC(class_weight="balanced", C=0.1, max_iter=10000, tol=1e-6)
    clf.fit(features.matrix, y)
    return clf.decision_function(features.matrix[rows])


def readq_scores(features: FeatureSet, states: list[StateRow], rows: np.ndarray,
                 follow: bool = True, negatives: bool = True) -> np.ndarray:
    """readq's model (before 5 decisions: its cold start, newest first)."""
    model = TasteModel(features, decisions_from_states(states), follow=follow,
                       negatives=negatives)
    return model.scores(rows)


def logistic_scores(features: FeatureSet, states: list[StateRow], rows: np.ndarray
                    ) -> np.ndarray:
    """A tried alternative: weighted logistic regression, explicit decisions plus a
    lightly weighted background sample as negatives."""
    decisions = decisions_from_states(states)
    if not any(d.positive for d in decisions):
        return np.zeros(len(rows))
    labelled = features.rows(d.paper_id for d in decisions)
    y = [int(d.positive) for d in decisions if features.row(d.paper_id) is not None]
    w = [abs(d.weight) for d in decisions if features.row(d.paper_id) is not None]
    pool = np.setdiff1d(np.arange(len(features)), labelled)
    pool = np.random.default_rng(0).choice(pool, min(1500, len(pool)), replace=False)
    X = features.matrix[np.concatenate([labelled, pool])]
    clf = LogisticRegression(C=4.0, solver="liblinear")
    clf.fit(X, y + [0] * len(pool), sample_weight=w + [0.05] * len(pool))
    return clf.decision_function(features.matrix[rows])


METHODS = {
    "random": lambda f, s, r, rng: rng.random(len(r)),
    "TF-IDF centroid": lambda f, s, r, rng: centroid_scores(f, s, r),
    "arxiv-sanity SVM": lambda f, s, r, rng: sanity_scores(f, s, r),
    "weighted logistic regression": lambda f, s, r, rng: logistic_scores(f, s, r),
    "readq": lambda f, s, r, rng: readq_scores(f, s, r),
    "readq, no followed authors": lambda f, s, r, rng: readq_scores(f, s, r, follow=False),
    "readq, no negatives": lambda f, s, r, rng: readq_scores(f, s, r, negatives=False),
}


def evaluate(papers: list[Paper], seeds: int) -> dict:
    features = build_features([p.text for p in papers])
    by_id = {p.text.id: p for p in papers}
    results: dict[str, dict[int, dict[str, list[float]]]] = {
        m: {k: {"auc": [], "p10": []} for k in CHECKPOINTS} for m in METHODS}
    readers = make_readers(papers, random.Random(0))
    for seed in range(seeds):
        for reader in readers:
            for k in CHECKPOINTS:
                rng = random.Random(zlib.crc32(f"{seed}:{reader.name}".encode()))
                states, shown = triage(reader, papers, rng, k)
                held = [pid for pid in by_id if pid not in shown]
                truth = np.array([reader.wants(by_id[pid]) for pid in held])
                if truth.all() or not truth.any():
                    continue
                rows = features.rows(held)
                for name, method in METHODS.items():
                    scores = np.asarray(method(features, states, rows,
                                               np.random.default_rng(seed)), dtype=float)
                    scores = scores + 1e-9 * np.random.default_rng(seed).random(len(scores))
                    results[name][k]["auc"].append(roc_auc_score(truth, scores))
                    top = np.argsort(-scores)[:10]
                    results[name][k]["p10"].append(float(truth[top].mean()))
    return {"papers": len(papers), "readers": len(readers), "seeds": seeds,
            "reader_names": [r.name for r in readers],
            "base_rate": float(np.mean([np.mean([r.wants(p) for p in papers])
                                        for r in readers])),
            "methods": {m: {k: {"auc": statistics.fmean(v["auc"]),
                                "p10": statistics.fmean(v["p10"]), "runs": len(v["auc"])}
                            for k, v in per.items()} for m, per in results.items()}}


def quality_table(result: dict) -> str:
    lines = ["| method | " + " | ".join(f"AUC@{k}" for k in CHECKPOINTS) + " | "
             + " | ".join(f"P@10 after {k}" for k in CHECKPOINTS) + " |",
             "|---" * (1 + 2 * len(CHECKPOINTS)) + "|"]
    for name, per in result["methods"].items():
        aucs = " | ".join(f"{per[k]['auc']:.3f}" for k in CHECKPOINTS)
        p10s = " | ".join(f"{per[k]['p10']:.2f}" for k in CHECKPOINTS)
        lines.append(f"| {name} | {aucs} | {p10s} |")
    return "\n".join(lines)


# --- timing --------------------------------------------------------------------------------


def synthetic_library(n: int) -> Path:
    """A library of ``n`` generated papers, stored once and reused."""
    from benchmarks.generate import Generator
    from readq.library import Library
    from readq.models import Record
    from readq.store.database import now_iso

    root = WORK / f"lib-{n}"
    done = root / "complete"
    if done.exists():
        return root
    if root.exists():
        import shutil
        shutil.rmtree(root)
    with Library(root) as library:
        store = library.store
        when = now_iso()
        with store.transaction():
            for i, p in enumerate(Generator(seed=11).papers(n)):
                record = Record(index=i, line=0, title=p.title, authors=p.authors,
                                authors_truncated=p.truncated, orgs=p.orgs, category=p.category,
                                published=date(p.year, p.month, p.day), has_code=p.has_code,
                                arxiv_id=p.arxiv_id, abstract=p.abstract)
                store.insert_paper(record, None, [], when)
            store.conn.execute("DELETE FROM index_queue")
    done.touch()
    return root


def timing(n: int) -> dict:
    from readq.library import Library

    root = synthetic_library(n)
    result: dict[str, float] = {"papers": n}
    with Library(root) as library:
        rec = library.recommendations
        store = library.store
        with store.transaction():  # a user with some history
            store.conn.execute("UPDATE user_state SET rating = 0, dismissed = 0, "
                               "queue_position = NULL, status = 'unread'")
            store.conn.execute("DELETE FROM not_this")
        ids = library.view_ids("inbox")
        rng = random.Random(5)
        picks = rng.sample(ids, 30)
        library.set_rating(picks[:10], 5)
        library.set_dismissed(picks[10:25])
        start, cpu = time.perf_counter(), time.process_time()
        rec.rebuild()
        result["build_s"] = time.perf_counter() - start
        result["build_cpu_s"] = time.process_time() - cpu
        # anchor, same run: a bare scikit-learn TF-IDF over the same title + abstract
        from sklearn.feature_extraction.text import TfidfVectorizer

        from readq.store import signals
        docs = [f"{t.title} {t.abstract}" for t in signals.paper_texts(store.conn)]
        start, cpu = time.perf_counter(), time.process_time()
        TfidfVectorizer().fit_transform(docs)
        result["anchor_bare_tfidf_s"] = time.perf_counter() - start
        result["anchor_bare_tfidf_cpu_s"] = time.process_time() - cpu
        del docs
    with Library(root) as library:
        start = time.perf_counter()
        library.recommendations.features()
        result["load_cache_s"] = time.perf_counter() - start
        inbox = library.view_ids("inbox")
        library.recommendations.rank(inbox)  # warm
        laps, cpus = [], []
        for pid in picks[25:30]:
            library.set_rating([pid], 4)  # one triage decision …
            start, cpu = time.perf_counter(), time.process_time()
            library.recommendations.rank(inbox)  # … and the inbox re-ranked
            laps.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
        result["rerank_ms_median"] = statistics.median(laps) * 1000
        result["rerank_ms_max"] = max(laps) * 1000
        result["rerank_cpu_ms_median"] = statistics.median(cpus) * 1000
        # anchor, same run: the arxiv-sanity baseline refitted after the decision
        features = library.recommendations.features()
        wanted = features.rows(library.view_ids("starred"))
        y = np.zeros(len(features), dtype=np.int8)
        y[wanted] = 1
        start = time.perf_counter()
        clf = LinearSVC(class_weight="balanced", C=0.1, max_iter=10000, tol=1e-6)
        clf.fit(features.matrix, y)
        clf.decision_function(features.matrix[features.rows(inbox)])
        result["anchor_svm_refit_ms"] = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        library.recommend(20)
        result["recommend20_ms"] = (time.perf_counter() - start) * 1000
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--data", type=Path)
    q.add_argument("--seeds", type=int, default=5)
    t = sub.add_parser("timing")
    t.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    if args.what == "quality":
        papers = load_csv(args.data) if args.data else load_fixtures()
        result = evaluate(papers, args.seeds)
        print(json.dumps({k: v for k, v in result.items() if k != "methods"}, indent=1),
              file=sys.stderr)
        print(quality_table(result))
    else:
        for n in args.sizes:
            print(json.dumps(timing(n)), flush=True)


if __name__ == "__main__":
    main()
