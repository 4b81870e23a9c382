"""The search benchmarks' corpus and indexes, built once and cached.

The corpus is ``benchmarks.generate.Generator(seed=100000)`` written as JSONL
(one index document per line); 10k is its first 10,000 papers. Indexes are
cached beside it (``READQ_BENCH_DIR``, default ``/tmp/readq-bench-search``) and
never committed.

    nice -n 10 python -m benchmarks.search_corpus 10000 100000
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from readq.search.index import IndexDoc, SearchIndex

BENCH_DIR = Path(os.environ.get("READQ_BENCH_DIR", "/tmp/readq-bench-search"))
CORPUS_SIZE = 100_000
SEED = 100_000


def corpus_path() -> Path:
    """The JSONL corpus, generated on first use."""
    path = BENCH_DIR / "corpus100k.jsonl"
    if path.exists():
        return path
    from benchmarks.generate import Generator

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(".part")
    with part.open("w", encoding="utf-8") as out:
        for i, p in enumerate(Generator(seed=SEED).papers(CORPUS_SIZE), start=1):
            out.write(json.dumps(dict(id=i, title=p.title, authors=p.authors, orgs=p.orgs,
                                      abstract=p.abstract, note="", category=p.category,
                                      year=p.year, arxiv_id=p.arxiv_id)) + "\n")
    part.replace(path)
    return path


def records(n: int) -> Iterator[dict]:
    """The first ``n`` papers of the corpus as dicts."""
    with corpus_path().open(encoding="utf-8") as f:
        for line in itertools.islice(f, n):
            yield json.loads(line)


def docs(n: int) -> Iterator[IndexDoc]:
    """The first ``n`` papers as index documents."""
    for r in records(n):
        yield IndexDoc(id=r["id"], title=r["title"], authors=r["authors"], orgs=r["orgs"],
                       abstract=r["abstract"], note=r["note"], category=r["category"],
                       year=r["year"], arxiv_id=r["arxiv_id"])


def label(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def readq_index(n: int) -> Path:
    """readq's index of the first ``n`` papers (one bulk writer, one segment)."""
    path = BENCH_DIR / f"readq_{label(n)}"
    if (path / "built.json").exists():
        return path
    index = SearchIndex(path)
    index.clear()
    t = time.perf_counter()
    index.upsert(docs(n), bulk=True)
    seconds = time.perf_counter() - t
    index.close()
    (path / "built.json").write_text(json.dumps({"docs": n, "seconds": seconds,
                                                 "docs_per_s": n / seconds}))
    return path


def split_compound(path: Path) -> None:
    """Rewrite an index's compound segments as separate files (what readq's writer
    makes since compound segments were found to be copied into memory when opened;
    for indexes cached by an earlier build)."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    storage = FileStorage(str(path))
    toc = TOC.read(storage, "MAIN")
    changed = False
    for segment in toc.segments:
        if not segment.is_compound():
            continue
        compound = segment.open_compound_file(storage)
        for name in compound.list():
            with compound.open_file(name) as src, storage.create_file(name) as dst:
                while chunk := src.read(1 << 24):
                    dst.write(chunk)
        compound.close()
        storage.delete_file(segment.make_filename(segment.COMPOUND_EXT))
        segment.compound = False
        changed = True
    if changed:
        TOC(toc.schema, toc.segments, toc.generation + 1).write(storage, "MAIN")


def main() -> None:
    for arg in sys.argv[1:]:
        n = int(arg)
        path = readq_index(n)
        split_compound(path)
        print(label(n), (path / "built.json").read_text(), flush=True)


if __name__ == "__main__":
    main()
