"""Index build throughput: readq's writer now vs before (a git revision) vs a bare
Whoosh writer with the old schema, on the same papers, alternating, one run.

    nice -n 10 python -m benchmarks.index_build_bench 3000 --before a85dd6f

"before" is readq's ``SearchIndex.upsert(bulk=True)`` as of that revision
(checked out with ``git archive`` into a temporary folder and run in a child
process); "bare" is a plain ``whoosh`` writer (limitmb=256) over the old
schema's fields with Whoosh's default analysis.

    nice -n 10 python -m benchmarks.index_build_bench 3000 --pipeline

``--pipeline`` measures importing one large dump until every paper is
searchable, as ``readq import DUMP`` does it (the child indexer follows the
committed chunks while the dump is stored), against, on the same records in
the same run, alternating, each in a fresh process: the same import stored
first and indexed after (how a single dump went before), readq's tuned writer
alone (``SearchIndex.upsert(bulk=True)``, no store) and the bare Whoosh
writer above. Writes ``index_pipeline.json`` beside the search corpus.
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


IMPORT = r"""
import contextlib, io, json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
dump, lib, mode = sys.argv[2], sys.argv[3], sys.argv[4]
from readq.cli import main
from readq.library import Library
t = time.perf_counter()
if mode == "pipelined":  # what `readq import DUMP` does
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["import", dump, "--library", lib]) == 0
else:  # stored first, then indexed
    with Library(Path(lib)) as library:
        library.import_paths([Path(dump)])
        library.sync_index()
seconds = time.perf_counter() - t
with Library(Path(lib)) as library:  # searchable: every paper indexed
    assert library.pending_index_count() == 0
    assert library.check().in_step
    title = library.paper(library.store.all_ids()[-1])["title"]
    assert library.search('title:"' + title + '"', limit=5)
    papers = library.paper_count()
print(papers / seconds)
"""

READQ_WRITER = CHILD  # readq's tuned writer alone, on the same records


def pipeline(papers: int, reps: int) -> dict:
    """Import-until-searchable of one dump vs the writers alone (see the docstring)."""
    from benchmarks.generate import Generator, render
    from benchmarks.search_corpus import BENCH_DIR

    generated = list(Generator(seed=papers).papers(papers))
    records = [dict(id=i, title=p.title, authors=p.authors, orgs=p.orgs, abstract=p.abstract,
                    note="", category=p.category, year=p.year, arxiv_id=p.arxiv_id)
               for i, p in enumerate(generated, start=1)]
    runs: dict[str, list[float]] = {"pipelined": [], "sequential": [], "readq_writer": [],
                                    "bare": []}
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "dump.txt"
        dump.write_text(render(generated, "profile"), encoding="utf-8")
        dump_bytes = dump.stat().st_size
        corpus = Path(tmp) / "docs.json"
        corpus.write_text(json.dumps(records))
        for rep in range(reps):
            for name in runs:
                if name in ("pipelined", "sequential"):
                    lib = Path(tmp) / f"lib-{name}-{rep}"
                    argv = [str(ROOT), str(dump), str(lib), name]
                    code = IMPORT
                else:
                    argv = [str(ROOT), str(corpus)]
                    code = READQ_WRITER if name == "readq_writer" else BARE
                out = subprocess.run([sys.executable, "-c", code, *argv], check=True,
                                     capture_output=True, text=True, cwd=ROOT).stdout
                runs[name].append(float(out.strip().splitlines()[-1]))
                print(name, round(runs[name][-1], 1), flush=True)
    summary: dict = {k: statistics.median(v) for k, v in runs.items()}
    summary.update(
        pipelined_vs_bare=summary["pipelined"] / summary["bare"],
        pipelined_vs_readq_writer=summary["pipelined"] / summary["readq_writer"],
        sequential_vs_bare=summary["sequential"] / summary["bare"],
        papers=papers, reps=reps, runs=runs, dump_bytes=dump_bytes)
    (BENCH_DIR / "index_pipeline.json").write_text(json.dumps(summary, indent=1))
    print(json.dumps(summary))
    return summary


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
    parser.add_argument("--pipeline", action="store_true",
                        help="import-until-searchable of one dump vs the writers alone")
    args = parser.parse_args()
    if args.pipeline:
        pipeline(args.papers, args.reps)
        return
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
