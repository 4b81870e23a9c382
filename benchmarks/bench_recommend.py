"""Recommendations: offline evaluation on real arXiv papers, and timings.

    python -m benchmarks.bench_recommend quality            # the tables in RESULTS.md
    python -m benchmarks.bench_recommend timing --sizes 10000 100000

**quality** — simulated readers of several kinds (benchmarks/recommend_readers.py:
whole topics turned down, two unrelated topics, mostly queueing, a tag, the cold
start) go through a shuffled inbox as in triage. After N decisions every method
(benchmarks/recommend_methods.py) ranks the papers not yet seen; we report ROC
AUC (wanted vs not), mean ± spread (the standard deviation of the per-seed means)
over readers and seeds. For readers who turn topics down, also how often a
turned-down topic's paper ranks below a neutral unwanted paper; for triage's
best-first order, the topics its first 20 cards cover and their wanted share.

The data is ``arxiv-6k.jsonl.gz`` (6,218 papers of public arXiv metadata, 141
primary categories; its README says where it comes from), looked for in
``../shared/data/`` beside the clone, or given with ``--data``; ``--fixtures``
uses the 161 papers of the test dumps instead.

**timing** — a library of N synthetic papers (benchmarks.generate), stored
directly through the store: the features built from the store (cold, no
cache), loaded from the on-disk cache, and the re-ranking of the inbox after
one triage decision (rate a paper, refit, rank every unread paper).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.svm import LinearSVC

from benchmarks import recommend_methods as methods
from benchmarks.recommend_readers import (
    DECIDERS,
    DEFAULT_DATA,
    Paper,
    Reader,
    load_fixtures,
    load_papers,
    make_readers,
    tag_papers,
    triage,
)
from readq.recommend.decisions import Decision, decisions_for_tag, decisions_from_states
from readq.recommend.diversify import diversify
from readq.recommend.features import build_features
from readq.recommend.model import TasteModel

CHECKPOINTS = (5, 10, 20, 40)
COLD_CHECKPOINTS = (1, 2, 3, 4)
SCENARIOS = ("topics", "turns down topics", "two unrelated topics", "mostly queues", "tag",
             "cold start")
WORK = Path(tempfile.gettempdir()) / "readq-bench-i14"

METHODS: dict[str, methods.Method] = {
    "TF-IDF centroid": methods.centroid,
    "Rocchio (β 0.5)": methods.rocchio,
    "latent topics (SVD) Rocchio": lambda f, d, r: methods.rocchio(f, d, r, latent=True),
    "arxiv-sanity SVM": methods.sanity_svm,
    "logistic regression": methods.logistic,
    "**readq**": methods.readq_model,
    "readq without latent topics": lambda f, d, r: methods.readq_model(f, d, r, latent=0.0),
    "readq without turned-down centroid": lambda f, d, r: methods.readq_model(
        f, d, r, negatives=False),
    "readq without followed authors": lambda f, d, r: methods.readq_model(f, d, r,
                                                                          follow=False),
    "readq + recency lift": lambda f, d, r: methods.readq_model(f, d, r, recency=0.03),
}


def _decisions(reader: Reader, scenario: str, papers: list[Paper], rng: random.Random,
               k: int) -> tuple[list[Decision], set[int]]:
    if scenario == "tag":
        tagged = tag_papers(reader, papers, rng, k)
        return decisions_for_tag("t", tagged), set(tagged)
    states, shown = triage(reader, papers, DECIDERS[scenario], rng, k)
    return decisions_from_states(states), shown


def evaluate(papers: list[Paper], seeds: int, scenarios: tuple[str, ...] = SCENARIOS,
             chosen: tuple[str, ...] | None = None) -> dict:
    """AUC per scenario, method and checkpoint: a list of per-seed means."""
    features = build_features([p.text for p in papers])
    by_id = {p.text.id: p for p in papers}
    names = [m for m in METHODS if chosen is None or m in chosen]
    table: dict = {}
    extra: dict = {}
    for scenario in scenarios:
        readers = make_readers(papers, scenario, random.Random(0))
        checkpoints = COLD_CHECKPOINTS if scenario == "cold start" else CHECKPOINTS
        cells = {m: {k: [] for k in checkpoints} for m in names}
        below = {m: {k: [] for k in checkpoints} for m in names}
        for seed in range(seeds):
            runs = {m: {k: [] for k in checkpoints} for m in names}
            runs_below = {m: {k: [] for k in checkpoints} for m in names}
            for reader in readers:
                for k in checkpoints:
                    rng = random.Random(zlib.crc32(f"{seed}:{scenario}:{reader.name}".encode()))
                    decisions, shown = _decisions(reader, scenario, papers, rng, k)
                    held = [pid for pid in by_id if pid not in shown]
                    truth = np.array([reader.wants(by_id[pid]) for pid in held])
                    if truth.all() or not truth.any():
                        continue
                    rows = features.rows(held)
                    refused = np.array([reader.refuses(by_id[pid]) for pid in held])
                    for name in names:
                        scores = np.asarray(METHODS[name](features, decisions, rows), float)
                        scores = scores + 1e-9 * np.random.default_rng(seed).random(len(scores))
                        runs[name][k].append(roc_auc_score(truth, scores))
                        neutral = ~truth & ~refused
                        if refused.any() and neutral.any():
                            keep = refused | neutral
                            runs_below[name][k].append(
                                roc_auc_score(neutral[keep], scores[keep]))
            for name in names:
                for k in checkpoints:
                    if runs[name][k]:
                        cells[name][k].append(statistics.fmean(runs[name][k]))
                    if runs_below[name][k]:
                        below[name][k].append(statistics.fmean(runs_below[name][k]))
        table[scenario] = {"readers": len(readers), "checkpoints": checkpoints, "auc": cells}
        if any(below[n][k] for n in names for k in checkpoints):
            extra[scenario] = below
    return {"papers": len(papers), "seeds": seeds, "scenarios": table, "below": extra}


def _cell(values: list[float]) -> str:
    if not values:
        return "–"
    spread = statistics.pstdev(values) if len(values) > 1 else 0.0
    return f"{statistics.fmean(values):.3f} ± {spread:.3f}"


def quality_tables(result: dict) -> str:
    out = []
    for scenario, data in result["scenarios"].items():
        ks = data["checkpoints"]
        out.append(f"**{scenario}** ({data['readers']} readers × {result['seeds']} seeds)\n")
        out.append("| method | " + " | ".join(f"AUC after {k}" for k in ks) + " |")
        out.append("|---" * (1 + len(ks)) + "|")
        for name, per in data["auc"].items():
            out.append(f"| {name} | " + " | ".join(_cell(per[k]) for k in ks) + " |")
        out.append("")
    for scenario, below in result["below"].items():
        ks = result["scenarios"][scenario]["checkpoints"]
        out.append(f"**{scenario}: a turned-down topic's papers below neutral unwanted "
                   "papers** (AUC, 1 = always below)\n")
        out.append("| method | " + " | ".join(f"after {k}" for k in ks) + " |")
        out.append("|---" * (1 + len(ks)) + "|")
        for name, per in below.items():
            out.append(f"| {name} | " + " | ".join(_cell(per[k]) for k in ks) + " |")
        out.append("")
    return "\n".join(out)


# --- triage's best-first order: varied, and as good -------------------------------------


def triage_variety(papers: list[Paper], seeds: int, first: int = 20) -> str:
    """Distinct primary categories among the first ``first`` cards of best-first triage,
    and their wanted share, after 10/20/40 decisions: plain best-first vs diversified."""
    features = build_features([p.text for p in papers])
    by_id = {p.text.id: p for p in papers}
    readers = make_readers(papers, "topics", random.Random(0)) + make_readers(
        papers, "two unrelated topics", random.Random(0))
    orders: dict[str, Callable[[TasteModel, list[int]], list[int]]] = {
        "plain best-first": lambda model, ids: model.order(ids),
        "readq (diversified)": lambda model, ids: diversify(model, model.order(ids)),
    }
    lines = ["| order | " + " | ".join(f"topics in first {first} after {k} / wanted share"
                                        for k in (10, 20, 40)) + " |",
             "|---" * 4 + "|"]
    for name, order in orders.items():
        cells = []
        for k in (10, 20, 40):
            topics, wanted = [], []
            for seed in range(seeds):
                for reader in readers:
                    rng = random.Random(zlib.crc32(f"{seed}:{reader.name}".encode()))
                    states, shown = triage(reader, papers, DECIDERS["topics"], rng, k)
                    model = TasteModel(features, decisions_from_states(states), min_decisions=1)
                    held = [pid for pid in by_id if pid not in shown]
                    top = order(model, held)[:first]
                    topics.append(len({by_id[i].categories[0] for i in top}))
                    wanted.append(float(np.mean([reader.wants(by_id[i]) for i in top])))
            cells.append(f"{statistics.fmean(topics):.1f} / {statistics.fmean(wanted):.2f}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
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
    q.add_argument("--data", type=Path, default=DEFAULT_DATA)
    q.add_argument("--fixtures", action="store_true", help="the 161 test-dump papers")
    q.add_argument("--seeds", type=int, default=3)
    q.add_argument("--scenarios", nargs="+", default=list(SCENARIOS), choices=SCENARIOS)
    q.add_argument("--methods", nargs="+", default=None, choices=list(METHODS))
    t = sub.add_parser("timing")
    t.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    if args.what == "quality":
        if args.fixtures:
            papers = load_fixtures()
        elif not args.data.exists():
            sys.exit(f"no data at {args.data}: give --data FILE (see the module docstring)")
        else:
            papers = load_papers(args.data)
        result = evaluate(papers, args.seeds, tuple(args.scenarios),
                          tuple(args.methods) if args.methods else None)
        print(f"{result['papers']} papers, {result['seeds']} seeds\n")
        print(quality_tables(result))
        print(triage_variety(papers, args.seeds))
    else:
        for n in args.sizes:
            print(json.dumps(timing(n)), flush=True)


if __name__ == "__main__":
    main()
