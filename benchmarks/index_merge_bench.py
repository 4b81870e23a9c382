"""Small imports into a 100,000-paper library: time until searchable, and search
speed over the segments they leave, before and after the background merge.

    nice -n 10 python -m benchmarks.index_merge_bench [--imports 20] [--size 100000]

Works on copies of ``READQ_BENCH_DIR/lib_<size>`` (built by
``benchmarks.app_search_bench``; one copy per mode, removed at the end). In
one run, the two modes taking turns, import by import:

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


class Mode:
    """One library copy and how its syncs commit."""

    def __init__(self, name: str, source: Path, work: Path) -> None:
        self.name = name
        self.root = work / name.replace(" ", "_")
        if self.root.exists():
            shutil.rmtree(self.root)
        shutil.copytree(source, self.root)
        self.library = Library(self.root)
        self.library.warm_index()
        self.out: dict[str, Any] = {"searchable_s": [], "index_s": []}

    def sync(self) -> None:
        if self.name != "merge on commit":
            self.library.sync_index()
            return
        original = SearchIndex.upsert

        def merging(index: SearchIndex, *args: Any, **kwargs: Any) -> int:
            kwargs["merge"] = True  # Whoosh's default policy, as readq committed before
            return original(index, *args, **kwargs)

        SearchIndex.upsert = merging  # type: ignore[method-assign]
        try:
            self.library.sync_index()
        finally:
            SearchIndex.upsert = original  # type: ignore[method-assign]

    def import_one(self, dump: Path, title: str) -> None:
        start = time.perf_counter()
        report = self.library.import_paths([dump])[0]
        stored = time.perf_counter()
        self.sync()
        found = self.library.search(f'title:"{title}"', limit=5)
        self.out["searchable_s"].append(time.perf_counter() - start)
        self.out["index_s"].append(time.perf_counter() - stored)
        assert report.new == 100 and found, (report.new, found)

    def finish(self) -> dict[str, Any]:
        library, out = self.library, self.out
        out["segments"] = len(library.index.segment_sizes())
        out["search_many_segments"] = search_times(library)
        if self.name == "unmerged":
            start = time.perf_counter()
            out["merged_segments"] = library.merge_index(force=True)
            out["merge_s"] = time.perf_counter() - start
            out["segments_after_merge"] = len(library.index.segment_sizes())
            out["search_after_merge"] = search_times(library)
        assert library.check().in_step
        library.close()
        shutil.rmtree(self.root, ignore_errors=True)
        for key in ("searchable_s", "index_s"):
            out[key + "_median"] = statistics.median(out[key])
            out[key + "_max"] = max(out[key])
        return out


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
    results: dict[str, Any] = {"papers": args.size, "imports": args.imports}
    modes = [Mode(name, source, work) for name in MODES]
    for n in range(args.imports):  # the modes take turns (which goes first alternates)
        papers = list(Generator(seed=900_000 + n).papers(100))
        for mode in (modes if n % 2 == 0 else modes[::-1]):
            dump = work / f"fresh{n}_{mode.root.name}.txt"
            dump.write_text(render(papers, "trending"), encoding="utf-8")
            mode.import_one(dump, papers[0].title)
    for mode in modes:
        results[mode.name] = mode.finish()
        print(mode.name, json.dumps(results[mode.name]), flush=True)
    shutil.rmtree(work, ignore_errors=True)
    (BENCH_DIR / "index_merge.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
