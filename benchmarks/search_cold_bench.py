"""Cold search latency per query kind: every query typed for the first time.

    nice -n 10 python -m benchmarks.search_cold_bench 10000 [--rounds 5]

Each round is a fresh process: it opens the library of ``benchmarks.search_bench``
(``lib_<size>``, built once under ``READQ_BENCH_DIR``), warms the index as the app
does after its window is up (``Library.warm_index``: ids, field lengths, word lists
— timed and reported as "open"), then runs every query of ``QUERIES`` once, in a
shuffled order: each query string is new to the process (no warm-up pass; the
OS file cache may be warm). SQLite FTS5 over the same papers (the anchor of
``benchmarks.search_bench``) runs its queries the same way, interleaved, on a
connection opened in the same round. Also times the refusal of the queries that
once ran for seconds (issue 20's hostile queries). Prints p50 / p95 per query
kind over all rounds, with the load average, and writes
``search_cold_<size>.json`` beside the corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from typing import Any

from benchmarks.search_bench import QUERIES as BASE_QUERIES
from benchmarks.search_bench import Fts5, percentile, state_library
from benchmarks.search_corpus import BENCH_DIR, label
from readq.library import Library
from readq.search.query import QueryError
from readq.search.schema import COMMON_WORDS

LIMIT = 200

# kind, readq query, FTS5 match (None: FTS5 has no equivalent)
QUERIES: list[tuple[str, str, str | None]] = [
    (kind, raw, fts[0] if fts and not fts[1] else None)
    for kind, raw, state, fts, _tv in BASE_QUERIES if state is None
] + [
    ("state filter", "exploration status:unread", None),
    ("state filter", "rating:>=4 reward", None),
    ("phrase, exact", '="language model"', '"language model"'),
    ("phrase, exact", '="large language models"', '"large language models"'),
    ("phrase", '"reinforcement learning agent"', '"reinforcement learning agent"'),
    ("fuzzy", "reinforcment~2", None),
    ("fuzzy", "atention~", None),
    ("prefix", "reinf*", "reinf*"),
    ("prefix", "lang*", "lang*"),
    ("wildcard", "tr*ns*", None),
    ("wildcard", "gen*tive", None),
]

HOSTILE: list[tuple[str, str]] = [
    ("3,990-letter word ~2", "exploration" * 362 + "~2"),
    ("250 short ~2 words", " ".join(f"word{i:03d}~2" for i in range(250))),
    ("*e*", "*e*"),
    ("250-word phrase", '"' + " ".join(["reinforcement learning agent policy reward"] * 50) + '"'),
    ("a* (too many words)", "a*"),
    ("250 common words", " ".join(sorted(COMMON_WORDS)[:250])),
]


def child(n: int, seed: int) -> dict[str, Any]:
    """One round in this process: open, warm, every query once (cold)."""
    root = BENCH_DIR / f"lib_{label(n)}"
    start = time.perf_counter()
    library = Library(root)
    library.warm_index()
    open_s = time.perf_counter() - start
    fts = Fts5(n, root / Library.DB_NAME)
    order = [("readq", q) for q in QUERIES] + [("fts5", q) for q in QUERIES if q[2]]
    random.Random(seed).shuffle(order)
    times: dict[str, dict[str, float]] = {"readq": {}, "fts5": {}}
    cpu: dict[str, dict[str, float]] = {"readq": {}, "fts5": {}}
    for engine, (kind, raw, match) in order:
        t, c = time.perf_counter(), time.process_time()
        if engine == "readq":
            library.search_counted(raw, limit=LIMIT)
        else:
            fts.search(match, "", None)
        times[engine][raw] = (time.perf_counter() - t) * 1000
        cpu[engine][raw] = (time.process_time() - c) * 1000
    hostile = {}
    for name, raw in HOSTILE:
        t = time.perf_counter()
        try:
            library.search_counted(raw, limit=LIMIT)
            outcome = "answered"
        except QueryError as exc:
            outcome = str(exc)
        hostile[name] = [(time.perf_counter() - t) * 1000, outcome]
    library.close()
    return {"open_s": open_s, "times": times, "cpu": cpu, "hostile": hostile}


def run(n: int, rounds: int) -> dict[str, Any]:
    library = state_library(n)  # built (once) and its state set before the rounds
    Fts5(n, library.root / Library.DB_NAME).conn.close()  # the FTS5 table too
    library.close()
    results = []
    for r in range(rounds):
        out = subprocess.run([sys.executable, "-m", "benchmarks.search_cold_bench", "--child",
                              str(n), str(r)], capture_output=True, text=True, check=True)
        results.append(json.loads(out.stdout))
    kinds = {raw: kind for kind, raw, _m in QUERIES}
    summary: dict[str, Any] = {"papers": n, "rounds": rounds, "load": os.getloadavg(),
                               "open_s": [r["open_s"] for r in results],
                               "hostile": results[-1]["hostile"]}
    for measure in ("times", "cpu"):
        summary[measure] = {}
        for engine in ("readq", "fts5"):
            by_kind: dict[str, list[float]] = {}
            for r in results:
                for raw, ms in r[measure][engine].items():
                    by_kind.setdefault(kinds[raw], []).append(ms)
            every = [x for v in by_kind.values() for x in v]
            cells = {k: [percentile(v, 50), percentile(v, 95), max(v)]
                     for k, v in by_kind.items()}
            cells["all queries"] = [percentile(every, 50), percentile(every, 95), max(every)]
            summary[measure][engine] = cells
    return summary


def report(s: dict[str, Any]) -> str:
    lines = [f"{label(s['papers'])}: {s['rounds']} fresh processes, load average "
             f"{s['load'][0]:.1f} / {s['load'][1]:.1f} / {s['load'][2]:.1f}; open + warm "
             f"{min(s['open_s']):.2f}-{max(s['open_s']):.2f} s",
             "| kind | readq wall p50 / p95 / max ms | FTS5 wall | readq CPU | FTS5 CPU |",
             "|---|---|---|---|---|"]

    def cell(measure: str, engine: str, kind: str) -> str:
        v = s[measure][engine].get(kind)
        return "–" if v is None else f"{v[0]:.1f} / {v[1]:.1f} / {v[2]:.1f}"

    for kind in s["times"]["readq"]:
        lines.append(f"| {kind} | {cell('times', 'readq', kind)} | {cell('times', 'fts5', kind)}"
                     f" | {cell('cpu', 'readq', kind)} | {cell('cpu', 'fts5', kind)} |")
    lines.append("Refused (last round): " + "; ".join(
        f"{name}: {ms:.2f} ms" + ("" if outcome != "answered" else " (answered)")
        for name, (ms, outcome) in s["hostile"].items()))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    for n in args.sizes:
        summary = run(n, args.rounds)
        (BENCH_DIR / f"search_cold_{label(n)}.json").write_text(json.dumps(summary, indent=1))
        print(report(summary), flush=True)


if __name__ == "__main__":
    main()
