"""Search latency per query kind: readq vs SQLite FTS5 vs tantivy, same papers.

    nice -n 10 python -m benchmarks.search_bench 10000 100000 [--reps 5]

Builds (once, cached under ``READQ_BENCH_DIR``) readq's index, an FTS5 table
and a tantivy index of the same papers (``benchmarks.search_corpus``), then
runs every query of ``QUERIES`` on the three engines, interleaved and shuffled,
``--reps`` times after one warm-up pass, limit 200 (the app asks for 1,000).
readq runs as the app runs it: ``Library.search_counted`` on a library of the
same papers (``lib_<size>``, built by ``benchmarks.app_search_bench``; every
10th paper is marked read, every 3rd of the first 600 rated 4). State filters
are measured twice: *cold* (the library's remembered allowed set is dropped
before each query, as after any change to the store: the SQL read is paid)
and *warm* (the next keystroke). FTS5 joins the same library's ``user_state``
with the same SQL condition; tantivy gets the same allowed (or excluded) ids,
read from SQLite by the same function as readq, cold or warm alike. Prints p50/p95 per
query kind and writes ``search_bench_<size>.json`` beside the corpus; with
``--write`` it also replaces the search section of ``benchmarks/RESULTS.md``.

tantivy is a benchmark-only dependency (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import sqlite3
import statistics
import time
from pathlib import Path
from typing import Any

from benchmarks.search_corpus import BENCH_DIR, label, records
from readq.library import Library
from readq.search.query import parse_query
from readq.store.id_sets import IdSet, fetch_id_set

LIMIT = 200
ROOT = Path(__file__).resolve().parent

# kind, readq query, state filter, FTS5 (match, extra SQL) or None, tantivy (kind, text) or None
QUERIES: list[tuple[str, str, str | None, Any, Any]] = [
    ("common word", "learning", None, ("learning", ""), ("parse", "learning")),
    ("common word", "model", None, ("model", ""), ("parse", "model")),
    ("rare word", "calibration", None, ("calibration", ""), ("parse", "calibration")),
    ("rare word", "kavexter", None, ("kavexter", ""), ("parse", "kavexter")),
    ("2 words", "reinforcement agent", None, ("reinforcement agent", ""),
     ("parse", "reinforcement agent")),
    ("2 words", "neural network", None, ("neural network", ""), ("parse", "neural network")),
    ("3 words", "sparse attention retrieval", None, ("sparse attention retrieval", ""),
     ("parse", "sparse attention retrieval")),
    ("3 words", "large language models", None, ("large language models", ""),
     ("parse", "large language models")),
    ("phrase", '"language model"', None, ('"language model"', ""), ("parse", '"language model"')),
    ("phrase", '"large language models"', None, ('"large language models"', ""),
     ("parse", '"large language models"')),
    ("author", "author:küttler", None, ("authors:küttler", ""), ("parse", "authors:küttler")),
    ("author", "author:tanaka", None, ("authors:tanaka", ""), ("parse", "authors:tanaka")),
    ("author+word", "author:tanaka reinforcement", None, ("authors:tanaka reinforcement", ""),
     ("parse", "authors:tanaka reinforcement")),
    ("title", "title:diffusion", None, ("title:diffusion", ""), ("parse", "title:diffusion")),
    ("year range", "policy year:[2018 TO 2020]", None,
     ("policy", "AND year BETWEEN 2018 AND 2020"), ("year", ("policy", 2018, 2020))),
    ("state filter, cold", "exploration status:unread", "unread", ("exploration", ""),
     ("parse", "exploration")),
    ("state filter, cold", "rating:>=4 reward", "rated", ("reward", ""), ("parse", "reward")),
    ("state filter, warm", "exploration status:unread", "unread", ("exploration", ""),
     ("parse", "exploration")),
    ("state filter, warm", "rating:>=4 reward", "rated", ("reward", ""), ("parse", "reward")),
    ("fuzzy", "transfomer~", None, None, ("fuzzy", "transfomer")),
    ("fuzzy", "reinforcment~", None, None, ("fuzzy", "reinforcment")),
    ("prefix", "optim*", None, ("optim*", ""), ("prefix", "optim")),
    ("prefix", "transf*", None, ("transf*", ""), ("prefix", "transf")),
    ("typeahead", "trans", None, ("trans", ""), ("parse", "trans")),
    ("typeahead", "transf", None, ("transf", ""), ("parse", "transf")),
    ("typeahead", "transfo", None, ("transfo", ""), ("parse", "transfo")),
]

READ_EVERY = 10  # every 10th paper of the benchmark library is marked read


def state_library(n: int) -> Library:
    """The n-paper library (``lib_<size>``) with its state set for the filters."""
    from benchmarks.app_search_bench import build_library

    library = Library(build_library(n))
    if not library.view_count("read"):
        library.set_status(list(range(READ_EVERY, n + 1, READ_EVERY)), "read")
    if library.view_count("starred") != len(range(1, 601, 3)):
        library.set_rating(list(range(1, 601, 3)), 4)
    return library


def key(q: tuple) -> str:
    """A query's name in the results (a state filter runs cold and warm)."""
    return f"{q[1]} ({q[0].split(', ')[1]})" if q[2] else q[1]


class Fts5:
    """SQLite FTS5 over the same papers, bm25 with readq's field weights."""

    def __init__(self, n: int, store: Path) -> None:
        path = BENCH_DIR / f"fts5_{label(n)}.sqlite3"
        fresh = not path.exists()
        self.conn = sqlite3.connect(path)
        self.build_rate: float | None = None
        if fresh:
            t = time.perf_counter()
            self.conn.execute(
                "CREATE VIRTUAL TABLE fts USING fts5(title, authors, abstract, note, "
                "year UNINDEXED, tokenize='unicode61 remove_diacritics 2', prefix='2 3')")
            self.conn.executemany(
                "INSERT INTO fts(rowid, title, authors, abstract, note, year) VALUES (?,?,?,?,?,?)",
                ((r["id"], r["title"], "\n".join(r["authors"]), r["abstract"], r["note"],
                  r["year"]) for r in records(n)))
            self.conn.commit()
            self.build_rate = n / (time.perf_counter() - t)
        self.conn.execute("ATTACH DATABASE ? AS st", (str(store),))

    def search(self, match: str, extra: str, state: tuple[str, tuple] | None) -> list[int]:
        join, params = "", ()
        if state:  # the library's state table joined on the id, readq's own condition
            join = "JOIN st.user_state s ON s.paper_id = fts.rowid"
            extra += f" AND ({state[0]})"
            params = state[1]
        sql = (f"SELECT fts.rowid FROM fts {join} WHERE fts MATCH ? {extra} "
               "ORDER BY bm25(fts, 4.0, 3.0, 1.0, 1.0) LIMIT ?")
        return [r[0] for r in self.conn.execute(sql, (match, *params, LIMIT))]


class Tantivy:
    """tantivy (Rust, via its Python package) over the same papers."""

    FIELDS = ["title", "authors", "abstract", "note"]
    BOOSTS = {"title": 4.0, "authors": 3.0}

    def __init__(self, n: int) -> None:
        import tantivy

        self.t = tantivy
        path = BENCH_DIR / f"tantivy_{label(n)}"
        sb = tantivy.SchemaBuilder()
        sb.add_integer_field("id", stored=True, indexed=True, fast=True)
        for f in self.FIELDS:
            sb.add_text_field(f, tokenizer_name="fold")
        sb.add_integer_field("year", indexed=True, fast=True)
        self.schema = sb.build()
        fresh = not path.exists()
        path.mkdir(parents=True, exist_ok=True)
        self.index = tantivy.Index(self.schema, path=str(path))
        self.index.register_tokenizer("fold", tantivy.TextAnalyzerBuilder(
            tantivy.Tokenizer.simple()).filter(tantivy.Filter.lowercase()).filter(
            tantivy.Filter.ascii_fold()).build())
        self.build_rate: float | None = None
        if fresh:
            t = time.perf_counter()
            writer = self.index.writer(heap_size=256_000_000, num_threads=1)
            for r in records(n):
                writer.add_document(tantivy.Document(
                    id=r["id"], title=r["title"], authors="\n".join(r["authors"]),
                    abstract=r["abstract"], note=r["note"] or "", year=r["year"]))
            writer.commit()
            writer.wait_merging_threads()
            self.build_rate = n / (time.perf_counter() - t)
        self.index.reload()
        self.searcher = self.index.searcher()

    def query(self, spec: tuple[str, Any]) -> Any:
        t = self.t
        kind, text = spec
        if kind == "parse":
            return self.index.parse_query(text, self.FIELDS, field_boosts=self.BOOSTS,
                                          conjunction_by_default=True)
        if kind == "fuzzy":
            return t.Query.boolean_query([(t.Occur.Should, t.Query.boost_query(
                t.Query.fuzzy_term_query(self.schema, f, text, distance=1,
                                         transposition_cost_one=True, prefix=False),
                self.BOOSTS.get(f, 1.0))) for f in self.FIELDS])
        if kind == "prefix":
            return t.Query.boolean_query([(t.Occur.Should, t.Query.boost_query(
                t.Query.regex_query(self.schema, f, text + ".*"), self.BOOSTS.get(f, 1.0)))
                for f in self.FIELDS])
        word, lo, hi = text
        q = self.index.parse_query(word, self.FIELDS, field_boosts=self.BOOSTS,
                                   conjunction_by_default=True)
        r = t.Query.range_query(self.schema, "year", t.FieldType.Integer, lo, hi)
        return t.Query.boolean_query([(t.Occur.Must, q), (t.Occur.Must, r)])

    def search(self, q: Any, allowed: IdSet | None) -> list[int]:
        t = self.t
        if allowed is not None:
            ids = t.Query.term_set_query(self.schema, "id", allowed.ids.tolist())
            q = t.Query.boolean_query([(t.Occur.Must, q), (
                t.Occur.MustNot if allowed.excluded else t.Occur.Must, ids)])
        res = self.searcher.search(q, limit=LIMIT, count=False)
        return [self.searcher.doc(a)["id"][0] for _s, a in res.hits]


def percentile(values: list[float], p: float) -> float:
    v = sorted(values)
    k = (len(v) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def bench(n: int, reps: int) -> dict[str, Any]:
    library = state_library(n)
    t = time.perf_counter()
    library.warm_index()
    open_s = time.perf_counter() - t
    fts = Fts5(n, library.root / Library.DB_NAME)
    tv = Tantivy(n)
    tv_queries = {q[1]: tv.query(q[4]) for q in QUERIES if q[4] is not None}
    wheres = {q[1]: library._where("all", parse_query(q[1]).conditions) for q in QUERIES if q[2]}
    tv_sets: dict[str, IdSet] = {}

    def run_readq(q: tuple) -> list[int]:
        if q[2] and "cold" in q[0]:
            library._allowed_cache.clear()  # as after any change to the store
        return library.search_counted(q[1], limit=LIMIT)[0]

    def run_fts(q: tuple) -> list[int] | None:
        return None if q[3] is None else fts.search(q[3][0], q[3][1], wheres.get(q[1]))

    def run_tv(q: tuple) -> list[int]:
        allowed = None
        if q[2]:
            allowed = tv_sets.get(q[1]) if "warm" in q[0] else None
            if allowed is None:
                allowed = tv_sets[q[1]] = fetch_id_set(library.store.conn, *wheres[q[1]])
        return tv.search(tv_queries[q[1]], allowed)

    engines = {"readq": run_readq, "fts5": run_fts, "tantivy": run_tv}
    counts = {}
    for q in QUERIES:  # warm-up (each engine's first pass reads from disk)
        for name, fn in engines.items():
            out = fn(q)
            counts.setdefault(key(q), {})[name] = None if out is None else len(out)
    times: dict[str, dict[str, list[float]]] = {e: {} for e in engines}
    cpu: dict[str, dict[str, list[float]]] = {e: {} for e in engines}
    rng = random.Random(1)
    gc.collect()
    for _rep in range(reps):
        order = [(e, q) for q in QUERIES for e in engines]
        rng.shuffle(order)
        for name, q in order:
            start, start_cpu = time.perf_counter(), time.process_time()
            out = engines[name](q)
            elapsed = (time.perf_counter() - start) * 1000
            used = (time.process_time() - start_cpu) * 1000
            if out is not None:
                times[name].setdefault(key(q), []).append(elapsed)
                cpu[name].setdefault(key(q), []).append(used)
    kinds = {key(q): q[0] for q in QUERIES}
    result: dict[str, Any] = {"papers": n, "reps": reps, "open_s": open_s,
                              "load": os.getloadavg()[0],
                              "cache_mb": library.index.cache.bytes / 1e6, "engines": {},
                              "counts": counts}
    for name in engines:
        every = [x for v in times[name].values() for x in v]
        every_cpu = [x for v in cpu[name].values() for x in v]
        cpu_by_kind: dict[str, list[float]] = {}
        for raw, v in cpu[name].items():
            cpu_by_kind.setdefault(kinds[raw], []).extend(v)
        by_kind: dict[str, list[float]] = {}
        for raw, v in times[name].items():
            by_kind.setdefault(kinds[raw], []).extend(v)
        result["engines"][name] = {
            "p50": percentile(every, 50), "p95": percentile(every, 95),
            "by_kind": {k: [percentile(v, 50), percentile(v, 95)] for k, v in by_kind.items()},
            "by_query": {raw: statistics.median(v) for raw, v in times[name].items()},
            "cpu_p50": percentile(every_cpu, 50), "cpu_p95": percentile(every_cpu, 95),
            "cpu_by_kind": {k: [percentile(v, 50), percentile(v, 95)]
                            for k, v in cpu_by_kind.items()},
        }
    library.close()
    return result


def table(results: list[dict[str, Any]], key: str = "") -> str:
    """p50 / p95 per kind and engine; ``key`` "cpu_" for CPU time instead of wall time."""
    sizes = [r["papers"] for r in results]
    head = " | ".join(f"{e} {label(n)}" for n in sizes for e in ("readq", "FTS5", "tantivy"))
    lines = ["| kind | " + head + " |", "|---" * (1 + 3 * len(sizes)) + "|"]
    kinds = list(dict.fromkeys(q[0] for q in QUERIES))
    for kind in kinds + ["all queries"]:
        cells = []
        for r in results:
            for e in ("readq", "fts5", "tantivy"):
                eng = r["engines"][e]
                pair = ((eng[key + "p50"], eng[key + "p95"]) if kind == "all queries"
                        else eng[key + "by_kind"].get(kind))
                cells.append("–" if pair is None else f"{pair[0]:.1f} / {pair[1]:.1f}")
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


START, END = "<!-- search-speed:start -->", "<!-- search-speed:end -->"


def section(results: list[dict[str, Any]]) -> str:
    """The search-speed section of RESULTS.md, from this run and the cached
    app and build measurements (``app_search_<size>.json``, ``index_build.json``)."""
    out = [START, "## Search speed: readq vs SQLite FTS5 vs tantivy", "",
           f"`python -m benchmarks.search_bench {' '.join(str(r['papers']) for r in results)} "
           f"--reps {results[0]['reps']} --write`, {time.strftime('%Y-%m-%d')}, this 2-core "
           f"machine shared with other work (load average {results[-1].get('load', 0):.1f} at "
           "the end of the run: compare "
           "engines within a column, all measured in one process, interleaved and shuffled). "
           f"Limit {LIMIT}; p50 / p95 in ms per query kind (warm: after one pass of every "
           "query). FTS5 has no typo search. readq runs as the app does (`Library.search_counted` "
           "on a library of the same papers, 10 % read). State filters: *cold* is the first "
           "query after any change to the store (readq reads its allowed set from SQLite: the "
           "excluded papers when a filter lets most through), *warm* the next keystroke (the "
           "set remembered); FTS5 joins the same library's state with the same SQL condition, "
           "tantivy gets the same allowed or excluded ids as readq, read the same way.", "",
           "Wall time:", "", table(results), "",
           "CPU time of the process per query (what each engine computes, without the "
           "waiting for a core that the shared machine adds to wall time):", "",
           table(results, "cpu_"), ""]
    for r in results:
        counts = r["counts"]
        agree = sum(1 for c in counts.values() if c["readq"] and c["tantivy"])
        out.append(f"- {label(r['papers'])}: readq index opened and warmed in "
                   f"{r['open_s']:.2f} s; postings cache after the run "
                   f"{r['cache_mb']:.1f} MB (bound 48 MB); {agree} of {len(counts)} queries "
                   "answered by both readq and tantivy.")
    out.extend(window_lines())  # benchmarks/app_search_bench.py's, kept as they are
    build = BENCH_DIR / "index_build.json"
    if build.exists():
        b = json.loads(build.read_text())
        out.append(
            f"- Index build, {b['papers']:,} papers, medians of {b['reps']} alternating runs "
            f"(`benchmarks/index_build_bench.py`): readq now {b['now']:.0f} docs/s, readq "
            f"before ({b['before_rev']}) {b['before']:.0f} docs/s ({b['now_vs_before']:.0%}), "
            f"a bare Whoosh writer over the old fields {b['bare']:.0f} docs/s "
            f"({b['now_vs_bare']:.0%}).")
    pipe = BENCH_DIR / "index_pipeline.json"
    if pipe.exists():
        p = json.loads(pipe.read_text())
        out.append(
            f"- One dump of {p['papers']:,} papers imported until every paper is searchable "
            f"(`python -m benchmarks.index_build_bench {p['papers']} --pipeline --reps "
            f"{p['reps']}`, medians of alternating runs, each in a fresh process): "
            f"`readq import` with the index following the stored chunks {p['pipelined']:.0f} "
            f"papers/s, stored first and indexed after {p['sequential']:.0f} papers/s; "
            f"readq's tuned writer alone {p['readq_writer']:.0f} docs/s, a bare Whoosh "
            f"writer {p['bare']:.0f} docs/s: the import reaches "
            f"{p['pipelined_vs_bare']:.0%} of the bare writer "
            f"({p['pipelined_vs_readq_writer']:.0%} of readq's writer alone).")
    merge = BENCH_DIR / "index_merge.json"
    if merge.exists():
        m = json.loads(merge.read_text())
        before, now = m["merge on commit"], m["unmerged"]
        out.append(
            f"- {m['imports']} imports of 100 new papers into the {label(m['papers'])} "
            f"library (`python -m benchmarks.index_merge_bench`), from stored to searchable "
            f"(sync and search) median {now['index_s_median']:.2f} s, max "
            f"{now['index_s_max']:.2f} s with syncs committing unmerged "
            f"({before['index_s_median']:.2f} s / {before['index_s_max']:.2f} s with Whoosh's "
            f"merge at each commit; the whole import until searchable "
            f"{now['searchable_s_median']:.2f} s / {before['searchable_s_median']:.2f} s); "
            f"search p50 / p95 over {now['segments']} segments "
            f"{now['search_many_segments']['p50_ms']:.1f} / "
            f"{now['search_many_segments']['p95_ms']:.1f} ms, after the background merge "
            f"({now['merge_s']:.1f} s, {now['merged_segments']} small segments into one; the "
            f"large one untouched) {now['search_after_merge']['p50_ms']:.1f} / "
            f"{now['search_after_merge']['p95_ms']:.1f} ms.")
    out.append(END)
    return "\n".join(out)


def window_lines() -> list[str]:
    """The "The window at …" lines of the current RESULTS.md section (written from
    ``benchmarks/app_search_bench.py``'s runs, not this one's)."""
    current = (ROOT / "RESULTS.md").read_text(encoding="utf-8")
    if START not in current:
        return []
    body = current.split(START, 1)[1].split(END, 1)[0]
    return [line for line in body.splitlines() if line.startswith("- The window at ")]


def write_section(text: str) -> None:
    path = ROOT / "RESULTS.md"
    current = path.read_text(encoding="utf-8")
    if START in current and END in current:
        head, rest = current.split(START, 1)
        current = head + text + rest.split(END, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(current, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="+", type=int)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    results = []
    for n in args.sizes:
        r = bench(n, args.reps)
        (BENCH_DIR / f"search_bench_{label(n)}.json").write_text(json.dumps(r, indent=1))
        results.append(r)
        print(f"{label(n)}: open {r['open_s']:.2f} s, cache {r['cache_mb']:.1f} MB", flush=True)
    print(table(results))
    print(table(results, "cpu_"))
    if args.write:
        write_section(section(results))


if __name__ == "__main__":
    main()
