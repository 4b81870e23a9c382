"""What a second search engine would buy: SQLite FTS5 on a copy of a library's store.

Not part of readq. Whoosh (pure Python) cannot meet the 50 ms search budget at
100,000 papers; this measures the best alternative seen — an FTS5 table (C,
BM25 ranking with the same field weights, accents folded) — on the same papers
and the query kinds FTS5 can express directly, so the note can say what a
switch would gain.

    python -m benchmarks.fts5_experiment LIBRARY_DIR
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

QUERIES = [
    ("common word", "learning"),
    ("common word", "model"),
    ("rare word", "calibration"),
    ("2 words", "reinforcement agent"),
    ("3 words", "sparse attention retrieval"),
    ("phrase", '"language model"'),
    ("author", "authors:tanaka"),
    ("title", "title:diffusion"),
    ("prefix", "optim*"),
]


def measure(store: Path) -> dict[str, float]:
    """Build an FTS5 index from a copy of ``store`` and time the queries (ms, warm)."""
    work = Path(tempfile.mkdtemp(prefix="readq-fts5-"))
    try:
        copy = work / "copy.sqlite3"
        shutil.copy(store, copy)
        conn = sqlite3.connect(copy)
        started = time.perf_counter()
        conn.execute(
            "CREATE VIRTUAL TABLE fts USING fts5(title, authors, abstract, note, content='', "
            "tokenize='unicode61 remove_diacritics 2', prefix='2 3')")
        conn.execute(
            "INSERT INTO fts(rowid, title, authors, abstract, note) SELECT p.id, "
            "coalesce(p.title, ''), p.authors, p.abstract, s.note "
            "FROM papers p JOIN user_state s ON s.paper_id = p.id")
        conn.commit()
        papers = conn.execute("SELECT COUNT(*) FROM papers").fetchone()[0]
        build_s = time.perf_counter() - started
        times: list[float] = []
        sql = ("SELECT rowid FROM fts WHERE fts MATCH ? "
               "ORDER BY bm25(fts, 4.0, 3.0, 1.0, 1.0) LIMIT 200")
        for _, query in QUERIES:
            conn.execute(sql, (query,)).fetchall()  # warm
        for _ in range(5):
            for _, query in QUERIES:
                t = time.perf_counter()
                conn.execute(sql, (query,)).fetchall()
                times.append(time.perf_counter() - t)
        conn.close()
        times.sort()
        return {
            "fts_build_rate": papers / build_s,
            "fts_p50_ms": times[len(times) // 2] * 1000,
            "fts_p95_ms": times[int(len(times) * 0.95)] * 1000,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    print(measure(Path(sys.argv[1]) / "library.sqlite3"))
