"""readq's benchmark suite: builds synthetic libraries and measures the budgets.

    python -m benchmarks.run                 # 10k and 100k papers (≈20–30 min here)
    python -m benchmarks.run --sizes 2000    # a quick look

Writes ``benchmarks/RESULTS.md`` (a table with the budget beside each figure) and
prints it. Everything runs on synthetic dumps from ``benchmarks.generate`` in a
temporary folder; nothing touches the user's library.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from benchmarks.generate import Generator, SynthPaper, render
from benchmarks.fts5_experiment import measure as fts5_measure
from readq.indexing import ConcurrentIndexer
from readq.library import Library
from readq.search.index import IndexDoc, SearchIndex

ROOT = Path(__file__).resolve().parent
KINDS = ("profile", "compact", "trending")
DUMP_SIZE = 5000
QUERIES = [
    ("common word", "learning"),
    ("common word", "model"),
    ("rare word", "calibration"),
    ("rare word", "kavexter"),
    ("2 words", "reinforcement agent"),
    ("3 words", "sparse attention retrieval"),
    ("phrase", '"language model"'),
    ("author", "author:küttler"),
    ("author", "author:tanaka"),
    ("title", "title:diffusion"),
    ("year range", "policy year:[2018 TO 2020]"),
    ("state filter", "exploration status:unread"),
    ("state filter", "rating:>=4 reward"),
    ("fuzzy", "transfomer~"),
    ("prefix", "optim*"),
]
CEILING_SAMPLE = 25_000
SORT_COLUMNS = ["title", "authors", "published", "category", "rating", "status", "code", "added"]


class Timer:
    """A context manager that records elapsed seconds."""

    def __enter__(self) -> "Timer":
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) of values."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def write_dumps(papers: list[SynthPaper], folder: Path) -> list[Path]:
    """Split papers into dumps of DUMP_SIZE, cycling through the titled kinds, and add
    arXiv listings of 10 % of them (which merge into the titled papers)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, start in enumerate(range(0, len(papers), DUMP_SIZE)):
        kind = KINDS[n % len(KINDS)]
        path = folder / f"{n:04d}_{kind}.txt"
        path.write_text(render(papers[start : start + DUMP_SIZE], kind), encoding="utf-8")
        paths.append(path)
    sample = papers[:: 10][:5000]
    arxiv = folder / "9999_arxiv.txt"
    arxiv.write_text(render(sample, "arxiv"), encoding="utf-8")
    paths.append(arxiv)
    return paths


def docs_for(papers: list[SynthPaper]) -> list[IndexDoc]:
    """Index documents straight from the generator (for the bare-writer ceiling)."""
    return [IndexDoc(id=i, title=p.title, authors=p.authors, orgs=p.orgs, abstract=p.abstract,
                     note="", category=p.category, year=p.year, arxiv_id=p.arxiv_id)
            for i, p in enumerate(papers, start=1)]


def bench_size(n: int, work: Path, results: dict, measure_ceiling: bool) -> None:
    """Build an n-paper library and measure import throughput.

    Store only: the dumps into a library without an index. Store + index: the same
    dumps as ``readq import`` does it (the index catching up in a second process
    while the next dump is stored), until every paper is searchable.
    """
    gen = Generator(seed=n)
    papers = list(gen.papers(n))
    dumps = write_dumps(papers, work / f"dumps{n}")
    r: dict = {"papers": n}
    with Library(work / f"store-only{n}") as lib:
        with Timer() as t_store:
            reports = lib.import_paths(dumps)
        assert all(not rep.failed for rep in reports), [rep.failed for rep in reports]
        r["store_s"] = t_store.seconds
        r["store_rate"] = n / t_store.seconds
        r["merged_arxiv"] = sum(rep.merged for rep in reports)
    shutil.rmtree(work / f"store-only{n}")
    with Library(work / f"lib{n}") as lib:
        with Timer() as t_both:
            with ConcurrentIndexer(lib.root):
                lib.import_paths(dumps)
            lib.sync_index()
        r["combined_s"] = t_both.seconds
        r["combined_rate"] = n / t_both.seconds
        r["library_papers"] = lib.stats()["papers"]
        assert lib.check().in_step
    if measure_ceiling:
        # the bare writer on the same records (the first CEILING_SAMPLE of them: its
        # rate hardly changes with size, and this keeps the suite under 30 minutes)
        docs = docs_for(papers[:CEILING_SAMPLE])
        ceiling_dir = work / f"ceiling{n}"
        index = SearchIndex(ceiling_dir)
        index.open()
        with Timer() as t_bare:
            index.upsert(docs, bulk=True)
        index.close()
        shutil.rmtree(ceiling_dir)
        r["ceiling_rate"] = len(docs) / t_bare.seconds
    results[n] = r


def bench_interactive(n: int, work: Path, results: dict) -> None:
    """Search latency, sorting, a 100-paper import, check and rebuild on the n library."""
    root = work / f"lib{n}"
    r = results[n]
    # first query after opening, several fresh opens
    firsts = []
    for query in ("learning", "author:tanaka", "reinforcement agent"):
        gc.collect()
        with Timer() as t:
            with Library(root) as lib:
                lib.search(query, limit=200)
        firsts.append(t.seconds)
    r["search_first_ms"] = max(firsts) * 1000
    with Library(root) as lib:
        ids = lib.view_ids("all", sort="id")[:200]
        lib.set_rating(ids[::3], 4)
        for q in QUERIES:  # warm up
            lib.search(q[1], limit=200)
        times = []
        per_kind: dict[str, list[float]] = {}
        for _ in range(5):
            for kind, query in QUERIES:
                with Timer() as t:
                    lib.search(query, limit=200)
                times.append(t.seconds)
                per_kind.setdefault(kind, []).append(t.seconds)
        r["search_p50_ms"] = percentile(times, 50) * 1000
        r["search_p95_ms"] = percentile(times, 95) * 1000
        r["search_by_kind_ms"] = {k: percentile(v, 95) * 1000 for k, v in per_kind.items()}
        sorts = {}
        for col in SORT_COLUMNS:
            lib.view_ids("all", sort=col)  # warm
            with Timer() as t:
                lib.view_ids("all", sort=col, descending=True)
            sorts[col] = t.seconds * 1000
        r["sort_ms"] = sorts
        # a fresh 100-paper dump: visible (stored, listed) and searchable (indexed)
        fresh = list(Generator(seed=n + 1).papers(100))
        dump = work / "fresh100.txt"
        dump.write_text(render(fresh, "trending"), encoding="utf-8")
        with Timer() as t_visible:
            report = lib.import_file(dump)
            lib.view_ids("new", sort="added")
        r["visible_100_s"] = t_visible.seconds
        with Timer() as t_search:
            lib.sync_index()
            hits = lib.search(f'title:"{fresh[0].title}"', limit=5)
        r["searchable_100_s"] = t_visible.seconds + t_search.seconds
        assert report.new == 100 and hits, "fresh papers must be searchable"
        with Timer() as t_check:
            report_check = lib.check()
        r["check_s"] = t_check.seconds
        assert report_check.in_step
        with Timer() as t_rebuild:
            lib.rebuild_index()
        r["rebuild_s"] = t_rebuild.seconds
        r["rebuild_rate"] = lib.stats()["papers"] / t_rebuild.seconds
    r.update(app_probe(root))
    r.update(fts5_measure(root / "library.sqlite3"))


def app_probe(root: Path) -> dict:
    """Start the app offscreen in a child process; time to a usable window and its RSS."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-m", "benchmarks.app_probe", str(root)],
                          capture_output=True, text=True, env=env, timeout=300)
    if proc.returncode != 0:
        return {"app_error": proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def table(results: dict, seeds: dict) -> str:
    """RESULTS.md text."""
    lines = [
        "# readq benchmark results",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; run {date.today().isoformat()} with "
        "`python -m benchmarks.run`.",
        "",
        f"Four seed dumps (173 records → {seeds['papers']} papers): store {seeds['store_s']:.2f} s, "
        f"index {seeds['index_s']:.2f} s, total {seeds['store_s'] + seeds['index_s']:.2f} s.",
        "",
        "| measure | " + " | ".join(f"{n:,} papers" for n in results) + " | budget |",
        "|---|" + "---|" * len(results) + "---|",
    ]

    def row(label: str, key: str, fmt: str, budget: str) -> None:
        cells = []
        for r in results.values():
            value = r.get(key)
            cells.append(fmt.format(value) if value is not None else "–")
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {budget} |")

    row("bulk import, store only (papers/s)", "store_rate", "{:,.0f}", "–")
    row("bulk import, store + index (papers/s)", "combined_rate", "{:,.0f}",
        "≥ 80 % of bare writer")
    row("bare tuned Whoosh writer, same records (docs/s; ≤ 25k of them)", "ceiling_rate",
        "{:,.0f}", "ceiling")
    for r in results.values():
        if r.get("ceiling_rate"):
            r["ratio"] = 100 * r["combined_rate"] / r["ceiling_rate"]
    row("store + index as % of bare writer", "ratio", "{:.0f} %", "≥ 80 %")
    row("100-paper dump visible (s)", "visible_100_s", "{:.2f}", "< 0.5 s")
    row("100-paper dump searchable (s)", "searchable_100_s", "{:.2f}", "< 2 s")
    row("search p50 warm (ms)", "search_p50_ms", "{:.1f}", "–")
    row("search p95 warm (ms)", "search_p95_ms", "{:.1f}", "≤ 50 ms")
    row("search, first after open (ms, worst of 3)", "search_first_ms", "{:.0f}", "–")
    for col in SORT_COLUMNS:
        for r in results.values():
            if "sort_ms" in r:
                r[f"sort_{col}"] = r["sort_ms"][col]
        row(f"sort by {col} (ms)", f"sort_{col}", "{:.0f}", "≤ 200 ms")
    row("open to usable window (s)", "app_start_s", "{:.2f}", "≤ 1.5 s")
    row("app resident memory (MB)", "app_rss_mb", "{:.0f}", "≤ 300 MB")
    row("`readq check` (s)", "check_s", "{:.2f}", "–")
    row("full index rebuild (s)", "rebuild_s", "{:.1f}", "–")
    row("full index rebuild (papers/s)", "rebuild_rate", "{:,.0f}", "–")
    row("*experiment:* SQLite FTS5 build (papers/s)", "fts_build_rate", "{:,.0f}", "–")
    row("*experiment:* SQLite FTS5 search p50 (ms)", "fts_p50_ms", "{:.1f}", "–")
    row("*experiment:* SQLite FTS5 search p95 (ms)", "fts_p95_ms", "{:.1f}", "≤ 50 ms")
    lines += ["", "Search p95 by query kind (ms):", ""]
    kinds = sorted({k for r in results.values() for k in r.get("search_by_kind_ms", {})})
    lines.append("| kind | " + " | ".join(f"{n:,}" for n in results) + " |")
    lines.append("|---|" + "---|" * len(results))
    for kind in kinds:
        lines.append(f"| {kind} | " + " | ".join(
            f"{r.get('search_by_kind_ms', {}).get(kind, float('nan')):.1f}"
            for r in results.values()) + " |")
    return "\n".join(lines) + "\n"


def bench_seeds(work: Path) -> dict:
    """Import the four sample dumps (store, then index)."""
    samples = sorted((ROOT.parent / "readq" / "resources" / "samples").glob("*.txt"))
    with Library(work / "seeds") as lib:
        with Timer() as t_store:
            lib.import_paths(samples)
        with Timer() as t_index:
            lib.sync_index()
        return {"papers": lib.stats()["papers"], "store_s": t_store.seconds,
                "index_s": t_index.seconds}


def main() -> None:
    """Run the suite and write RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--output", type=Path, default=ROOT / "RESULTS.md")
    parser.add_argument("--keep", type=Path, help="build libraries here and keep them")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="readq-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict = {}
    try:
        seeds = bench_seeds(work)
        print(f"seeds: {seeds}", flush=True)
        for n in args.sizes:
            bench_size(n, work, results, measure_ceiling=True)
            print(f"{n}: import {results[n]}", flush=True)
            bench_interactive(n, work, results)
            print(f"{n}: {json.dumps(results[n], default=str)}", flush=True)
            shutil.rmtree(work / f"dumps{n}", ignore_errors=True)
        text = table(results, seeds)
        args.output.write_text(text, encoding="utf-8")
        print(text)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
