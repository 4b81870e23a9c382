"""Small imports into a 100,000-paper library: time until searchable, and search
speed over the segments they leave, before and after the background merge.

    nice -n 10 python -m benchmarks.index_merge_bench [--imports 20] [--size 100000]

Works on a copy of ``READQ_BENCH_DIR/lib_<size>`` (built by
``benchmarks.app_search_bench``; the copy is made once per mode and removed).
In one run, one mode after the other on fresh copies:

- ``merge on commit``: each sync commits with Whoosh's default merge policy
  (``MERGE_SMALL``: how readq committed before);
- ``unmerged``: each sync commits its segment without merging (readq now), and
  the small segments are merged afterwards (``Library.merge_index``).

Each of ``--imports`` dumps of 100 new papers is imported and synced, and timed
until a search finds its first paper's title (``index_s``: from stored to
found — the sync and the search). Then search p50/p95 over the
queries of ``benchmarks.search_bench`` (5 passes, after one warm-up pass) with
the segments as they are, and — ``unmerged`` — again after the merge. Writes
``index_merge.json`` beside the corpus.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

from benchmarks.generate import Generator, render
from benchmarks.search_bench import LIMIT, QUERIES, percentile
from benchmarks.search_corpus import BENCH_DIR, label
from readq.library import Library
from readq.search.index import SearchIndex

MODES = ("merge on commit", "unmerged")


def search_times(library: Library, reps: int = 5) -> dict[str, float]:
    queries = list(dict.fromkeys(q[1] for q in QUERIES))
    for raw in queries:
        library.search_counted(raw, limit=LIMIT)
    times = []
    for _ in range(reps):
        for raw in queries:
            start = time.perf_counter()
            library.search_counted(raw, limit=LIMIT)
            times.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95)}


def run_mode(mode: str, source: Path, work: Path, imports: int) -> dict[str, Any]:
    root = work / "lib"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(source, root)
    original = SearchIndex.upsert
    if mode == "merge on commit":
        def merging(self: SearchIndex, *args: Any, **kwargs: Any) -> int:
            kwargs["merge"] = True
            return original(self, *args, **kwargs)
        SearchIndex.upsert = merging  # type: ignore[method-assign]
    try:
        out: dict[str, Any] = {"searchable_s": [], "index_s": []}
        with Library(root) as library:
            library.warm_index()
            for n in range(imports):
                papers = list(Generator(seed=900_000 + n).papers(100))
                dump = work / f"fresh{n}.txt"
                dump.write_text(render(papers, "trending"), encoding="utf-8")
                start = time.perf_counter()
                report = library.import_paths([dump])[0]
                stored = time.perf_counter()
                library.sync_index()
                found = library.search(f'title:"{papers[0].title}"', limit=5)
                out["searchable_s"].append(time.perf_counter() - start)
                out["index_s"].append(time.perf_counter() - stored)
                assert report.new == 100 and found, (report.new, found)
            out["segments"] = len(library.index.segment_sizes())
            out["search_many_segments"] = search_times(library)
            if mode == "unmerged":
                start = time.perf_counter()
                out["merged_segments"] = library.merge_index(force=True)
                out["merge_s"] = time.perf_counter() - start
                out["segments_after_merge"] = len(library.index.segment_sizes())
                out["search_after_merge"] = search_times(library)
            assert library.check().in_step
        times = out["searchable_s"]
        out["searchable_s_median"] = statistics.median(times)
        out["searchable_s_max"] = max(times)
        out["index_s_median"] = statistics.median(out["index_s"])
        out["index_s_max"] = max(out["index_s"])
        return out
    finally:
        SearchIndex.upsert = original  # type: ignore[method-assign]
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--imports", type=int, default=20)
    parser.add_argument("--size", type=int, default=100_000)
    args = parser.parse_args()
    source = BENCH_DIR / f"lib_{label(args.size)}"
    if not (source / "ready").exists():
        raise SystemExit(f"{source} is missing: run python -m benchmarks.app_search_bench "
                         f"{args.size} first")
    work = BENCH_DIR / "merge_work"
    work.mkdir(exist_ok=True)
    results = {"papers": args.size, "imports": args.imports}
    for mode in MODES:
        results[mode] = run_mode(mode, source, work, args.imports)
        print(mode, json.dumps(results[mode]), flush=True)
    shutil.rmtree(work, ignore_errors=True)
    (BENCH_DIR / "index_merge.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
