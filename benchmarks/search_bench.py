"""Search latency per query kind: readq vs SQLite FTS5 vs tantivy, same papers.

    nice -n 10 python -m benchmarks.search_bench 10000 100000 [--reps 5]

Builds (once, cached under ``READQ_BENCH_DIR``) readq's index, an FTS5 table
and a tantivy index of the same papers (``benchmarks.search_corpus``), then
runs every query of ``QUERIES`` on the three engines, interleaved and shuffled,
``--reps`` times after one warm-up pass, limit 200 (the app asks for 1,000).
State filters take their allowed ids from SQLite in each run (a user_state
table of the same papers), for all three engines alike. Prints p50/p95 per
query kind and writes ``search_bench_<size>.json`` beside the corpus; with
``--write`` it also replaces the search section of ``benchmarks/RESULTS.md``.

tantivy is a benchmark-only dependency (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sqlite3
import statistics
import time
from pathlib import Path
from typing import Any

from benchmarks.search_corpus import BENCH_DIR, label, readq_index, records
from readq.search.index import SearchIndex
from readq.search.query import parse_query

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
    ("state filter", "exploration status:unread", "unread", ("exploration", ""),
     ("parse", "exploration")),
    ("state filter", "rating:>=4 reward", "rated", ("reward", ""), ("parse", "reward")),
    ("fuzzy", "transfomer~", None, None, ("fuzzy", "transfomer")),
    ("fuzzy", "reinforcment~", None, None, ("fuzzy", "reinforcment")),
    ("prefix", "optim*", None, ("optim*", ""), ("prefix", "optim")),
    ("prefix", "transf*", None, ("transf*", ""), ("prefix", "transf")),
    ("typeahead", "trans", None, ("trans", ""), ("parse", "trans")),
    ("typeahead", "transf", None, ("transf", ""), ("parse", "transf")),
    ("typeahead", "transfo", None, ("transfo", ""), ("parse", "transfo")),
]

STATE_SQL = {
    "unread": "SELECT group_concat(paper_id) FROM user_state WHERE status = 'unread'",
    "rated": "SELECT group_concat(paper_id) FROM user_state WHERE rating >= 4",
}
STATE_WHERE = {"unread": "s.status = 'unread'", "rated": "s.rating >= 4"}


def state_db(n: int) -> sqlite3.Connection:
    """User state for the papers: every 3rd of the first 600 rated 4, every 10th read."""
    path = BENCH_DIR / f"state_{label(n)}.sqlite3"
    fresh = not path.exists()
    conn = sqlite3.connect(path)
    if fresh:
        conn.execute("CREATE TABLE user_state (paper_id INTEGER PRIMARY KEY, status TEXT, "
                     "rating INTEGER)")
        conn.executemany("INSERT INTO user_state VALUES (?, ?, ?)",
                         ((i, "read" if i % 10 == 0 else "unread",
                           4 if i <= 600 and i % 3 == 1 else 0) for i in range(1, n + 1)))
        conn.execute("CREATE INDEX state_status ON user_state(status)")
        conn.execute("CREATE INDEX state_rating ON user_state(rating)")
        conn.commit()
    return conn


class Fts5:
    """SQLite FTS5 over the same papers, bm25 with readq's field weights."""

    def __init__(self, n: int) -> None:
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
        self.conn.execute(f"ATTACH DATABASE '{BENCH_DIR / f'state_{label(n)}.sqlite3'}' AS st")

    def search(self, match: str, extra: str, state: str | None) -> list[int]:
        join = ""
        if state:  # the state table joined on the id, as readq's store would be
            join = "JOIN st.user_state s ON s.paper_id = fts.rowid"
            extra += " AND " + STATE_WHERE[state]
        sql = (f"SELECT fts.rowid FROM fts {join} WHERE fts MATCH ? {extra} "
               "ORDER BY bm25(fts, 4.0, 3.0, 1.0, 1.0) LIMIT ?")
        return [r[0] for r in self.conn.execute(sql, (match, LIMIT))]


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

    def search(self, q: Any, allowed: list[int] | None) -> list[int]:
        t = self.t
        if allowed is not None:
            q = t.Query.boolean_query([(t.Occur.Must, q), (t.Occur.Must,
                                       t.Query.term_set_query(self.schema, "id", allowed))])
        res = self.searcher.search(q, limit=LIMIT, count=False)
        return [self.searcher.doc(a)["id"][0] for _s, a in res.hits]


def percentile(values: list[float], p: float) -> float:
    v = sorted(values)
    k = (len(v) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def allowed_ids(conn: sqlite3.Connection, state: str) -> list[int]:
    joined = conn.execute(STATE_SQL[state]).fetchone()[0]
    return [int(x) for x in joined.split(",")] if joined else []


def bench(n: int, reps: int) -> dict[str, Any]:
    states = state_db(n)
    t = time.perf_counter()
    index = SearchIndex(readq_index(n))
    index.open()
    index.warm()
    open_s = time.perf_counter() - t
    fts = Fts5(n)
    tv = Tantivy(n)
    tv_queries = {q[1]: tv.query(q[4]) for q in QUERIES if q[4] is not None}

    def run_readq(q: tuple) -> list[int]:
        parsed = parse_query(q[1])
        allowed = allowed_ids(states, q[2]) if q[2] else None
        return index.search_hits(parsed, limit=LIMIT, allowed_ids=allowed).ids

    def run_fts(q: tuple) -> list[int] | None:
        return None if q[3] is None else fts.search(q[3][0], q[3][1], q[2])

    def run_tv(q: tuple) -> list[int]:
        return tv.search(tv_queries[q[1]], allowed_ids(states, q[2]) if q[2] else None)

    engines = {"readq": run_readq, "fts5": run_fts, "tantivy": run_tv}
    counts = {}
    for q in QUERIES:  # warm-up (each engine's first pass reads from disk)
        for name, fn in engines.items():
            out = fn(q)
            counts.setdefault(q[1], {})[name] = None if out is None else len(out)
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
                times[name].setdefault(q[1], []).append(elapsed)
                cpu[name].setdefault(q[1], []).append(used)
    kinds = {q[1]: q[0] for q in QUERIES}
    result: dict[str, Any] = {"papers": n, "reps": reps, "open_s": open_s,
                              "cache_mb": index.cache.bytes / 1e6, "engines": {},
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
    index.close()
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
           "machine shared with other work (load average 6–12 during the run: compare "
           "engines within a column, all measured in one process, interleaved and shuffled). "
           f"Limit {LIMIT}; p50 / p95 in ms per query kind (warm: after one pass of every "
           "query). FTS5 has no typo search. State filters take their allowed ids from "
           "SQLite in each query, for every engine.", "", "Wall time:", "", table(results), "",
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
    for n in [r["papers"] for r in results]:
        path = BENCH_DIR / f"app_search_{label(n)}.json"
        if path.exists():
            a = json.loads(path.read_text())
            out.append(
                f"- The window at {label(n)} (`benchmarks/app_search_bench.py`, offscreen, "
                f"inbox view): last keystroke to painted results p50 "
                f"{a['keystroke_to_paint_ms_p50']:.0f} ms / p95 "
                f"{a['keystroke_to_paint_ms_p95']:.0f} ms including the 150 ms debounce "
                f"({a['after_debounce_ms_p50']:.0f} / {a['after_debounce_ms_p95']:.0f} ms after "
                f"it; the search itself in the background job: p50 "
                f"{a.get('search_in_job_ms_p50', float('nan')):.1f} ms, p95 "
                f"{a.get('search_in_job_ms_p95', float('nan')):.1f} ms wall, "
                f"{a.get('search_in_job_cpu_ms_p95', float('nan')):.1f} ms CPU; the rest is "
                "listing and painting the rows and the detail pane, and waiting for a core); "
                f"resident memory {a['start_rss_mb']:.0f} MB at start, "
                f"{a['rss_after_50_searches_mb']:.0f} MB after {a['searches']} searches.")
    build = BENCH_DIR / "index_build.json"
    if build.exists():
        b = json.loads(build.read_text())
        out.append(
            f"- Index build, {b['papers']:,} papers, medians of {b['reps']} alternating runs "
            f"(`benchmarks/index_build_bench.py`): readq now {b['now']:.0f} docs/s, readq "
            f"before ({b['before_rev']}) {b['before']:.0f} docs/s ({b['now_vs_before']:.0%}), "
            f"a bare Whoosh writer over the old fields {b['bare']:.0f} docs/s "
            f"({b['now_vs_bare']:.0%}).")
    out.append(END)
    return "\n".join(out)


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
