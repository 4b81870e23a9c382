"""Index build throughput: readq's writer now vs before (a git revision) vs a bare
Whoosh writer with the old schema, on the same papers, alternating, one run.

    nice -n 10 python -m benchmarks.index_build_bench 3000 --before a85dd6f

"before" is readq's ``SearchIndex.upsert(bulk=True)`` as of that revision
(checked out with ``git archive`` into a temporary folder and run in a child
process); "bare" is a plain ``whoosh`` writer (limitmb=256) over the old
schema's fields with Whoosh's default analysis.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, sys, time, tempfile
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from readq.search.index import IndexDoc, SearchIndex
docs = [IndexDoc(**d) for d in json.load(open(sys.argv[2]))]
with tempfile.TemporaryDirectory() as tmp:
    index = SearchIndex(Path(tmp) / "ix")
    index.open()
    t = time.perf_counter()
    index.upsert(docs, bulk=True)
    print(len(docs) / (time.perf_counter() - t))
    index.close()
"""

BARE = r"""
import json, sys, time, tempfile
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.index import create_in
docs = json.load(open(sys.argv[2]))
schema = Schema(id=NUMERIC(int, bits=64, signed=False, stored=True, unique=True),
                title=TEXT(phrase=True), authors=TEXT(phrase=True), abstract=TEXT(phrase=True),
                orgs=KEYWORD(commas=True, lowercase=True), category=ID, year=NUMERIC(int))
with tempfile.TemporaryDirectory() as tmp:
    ix = create_in(tmp, schema)
    t = time.perf_counter()
    w = ix.writer(limitmb=256)
    for d in docs:
        w.add_document(id=d["id"], title=d["title"], authors="\n".join(d["authors"]),
                       abstract=d["abstract"], orgs=",".join(d["orgs"]),
                       category=d["category"], year=d["year"])
    w.commit()
    print(len(docs) / (time.perf_counter() - t))
"""


def checkout(revision: str, into: Path) -> Path:
    data = subprocess.run(["git", "archive", revision, "readq"], cwd=ROOT, check=True,
                          capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("papers", type=int)
    parser.add_argument("--before", default="a85dd6f")
    parser.add_argument("--reps", type=int, default=2)
    args = parser.parse_args()
    from benchmarks.search_corpus import records

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "docs.json"
        corpus.write_text(json.dumps(list(records(args.papers))))
        old = checkout(args.before, Path(tmp) / "before")
        runs = {"now": [], "before": [], "bare": []}
        for _ in range(args.reps):
            for name, code, path in (("now", CHILD, ROOT), ("before", CHILD, old),
                                     ("bare", BARE, ROOT)):
                out = subprocess.run([sys.executable, "-c", code, str(path), str(corpus)],
                                     check=True, capture_output=True, text=True).stdout
                runs[name].append(float(out.strip().splitlines()[-1]))
                print(name, round(runs[name][-1], 1), flush=True)
    summary: dict = {k: statistics.median(v) for k, v in runs.items()}
    summary["now_vs_before"] = summary["now"] / summary["before"]
    summary["now_vs_bare"] = summary["now"] / summary["bare"]
    summary.update(papers=args.papers, reps=args.reps, before_rev=args.before, runs=runs)
    from benchmarks.search_corpus import BENCH_DIR

    (BENCH_DIR / "index_build.json").write_text(json.dumps(summary, indent=1))
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
