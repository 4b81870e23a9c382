"""A library with history for the Statistics page, and the figures' query benchmark.

Builds (once, cached) a library of synthetic papers (``benchmarks.generate``)
imported in weekly batches over the past half year, then simulates a reader:
triage sessions that queue, rate, read and dismiss papers through the library
service (so the store's triggers write the state history), with the history,
the triage log and the imports then backdated to when those decisions would
have happened. Then it times every figure query of ``readq/store/stats.py``.

    python -m benchmarks.stats_library --papers 100000 --work /tmp/readq-bench-i15
    python -m benchmarks.stats_library --papers 3000 --work /tmp/shots --no-bench

The search index is left empty (``index_queue`` cleared) unless ``--index``:
the figures never use it. Budget (issue 15): every figure ≤ 200 ms at 100k papers.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from benchmarks.generate import Generator
from readq.library import Library
from readq.merge import abstract_bands
from readq.models import Record
from readq.store import stats as figures_sql
from readq.text import content_words, title_key

WEEKS = 26
BUDGET_MS = 200


def stamp(moment: datetime) -> str:
    """A time as the store writes it."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def build(root: Path, papers: int, seed: int = 11) -> None:
    """Fill an empty library folder with papers and a simulated reading history."""
    rng = random.Random(seed)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    start = now - timedelta(weeks=WEEKS)
    generator = Generator(seed)
    with Library(root) as library:
        store = library.store
        conn = store.conn
        # history began when the library was made: pretend that was half a year ago,
        # with the oldest tenth of the papers read before then (no dates known)
        store.set_setting("history_since", stamp(start + timedelta(weeks=2)))
        per_week = papers // WEEKS
        added: list[tuple[int, datetime]] = []
        for week in range(WEEKS):
            batch = per_week if week < WEEKS - 1 else papers - per_week * (WEEKS - 1)
            when = start + timedelta(weeks=week, days=rng.randint(0, 6), hours=rng.randint(8, 20))
            with store.transaction():
                import_id = store.insert_import(f"week-{week:02d}.txt", "profile", stamp(when))
                new = 0
                for n, synth in enumerate(generator.papers(batch)):
                    record = Record(index=n, line=0, title=synth.title, authors=synth.authors,
                                    authors_truncated=synth.truncated, orgs=synth.orgs,
                                    category=synth.category,
                                    published=date(synth.year, synth.month, synth.day),
                                    has_code=synth.has_code, arxiv_id=synth.arxiv_id,
                                    abstract=synth.abstract)
                    bands = abstract_bands(content_words(record.abstract))
                    pid = store.insert_paper(record, title_key(record.title), bands, stamp(when))
                    store.add_sighting(pid, import_id, f"week-{week:02d}.txt", "profile", n,
                                       stamp(when))
                    added.append((pid, when))
                    new += 1
                merged = rng.randint(0, max(1, batch // 20))
                store.finish_import(import_id, {"records": new + merged, "new": new,
                                                "merged": merged, "unchanged": 0,
                                                "possible_duplicates": 0, "problems": 0})
        _simulate(library, rng, added, now, start)
        conn.execute("DELETE FROM index_queue")
        store.analyze()


def _simulate(library: Library, rng: random.Random, added: list[tuple[int, datetime]],
              now: datetime, start: datetime) -> None:
    """Decide on about 40 % of the papers and backdate what the triggers recorded."""
    conn = library.store.conn
    old_cut = start + timedelta(weeks=2)
    early = [pid for pid, when in added if when < old_cut]
    # read before the history began: status set without a trace in the history
    before = rng.sample(early, len(early) // 3)
    with library.store.transaction():
        conn.executemany("UPDATE user_state SET status = 'read' WHERE paper_id = ?",
                         [(p,) for p in before])
        conn.execute("DELETE FROM state_history")
    when_of: dict[int, datetime] = {}
    sessions = 0
    for pid, added_at in added:
        if pid in before or rng.random() > 0.4:
            continue
        wait = timedelta(hours=rng.expovariate(1 / 120))  # days to weeks, a long tail
        decided = max(old_cut, added_at) + wait
        if decided < now - timedelta(minutes=5):  # later ones: not decided yet
            when_of[pid] = decided
    decided_ids = sorted(when_of, key=lambda p: when_of[p])
    # decisions through the library service (the triggers record them), a session per day
    by_day: dict[date, list[int]] = {}
    for pid in decided_ids:
        by_day.setdefault(when_of[pid].date(), []).append(pid)
    for day, ids in by_day.items():
        first = min(when_of[p] for p in ids)
        session = library.start_triage_log(f"Inbox {day.isoformat()}", len(ids))
        pace = rng.uniform(4, 14)  # seconds a decision
        clock = first
        with library.store.transaction():
            for pid in ids:
                roll = rng.random()
                if roll < 0.35:
                    library.set_status([pid], "read")
                    decision = "read"
                    if rng.random() < 0.6:
                        library.set_rating([pid], rng.choices([1, 2, 3, 4, 5],
                                                              [1, 2, 5, 6, 3])[0])
                elif roll < 0.6:
                    library.set_dismissed([pid])
                    decision = "dismiss"
                elif roll < 0.65:
                    # straight to the store (the triggers see every write path); the
                    # service's queue_add rewrites the whole queue, slow for a script
                    conn.execute("UPDATE user_state SET queue_position = 1 + (SELECT "
                                 "COALESCE(MAX(queue_position), 0) FROM user_state) "
                                 "WHERE paper_id = ?", (pid,))
                    decision = "queue"
                else:
                    library.set_rating([pid], rng.randint(2, 5))
                    decision = "rate"
                library.log_triage(session, pid, decision)
                clock += timedelta(seconds=pace * rng.uniform(0.5, 1.8))
                conn.execute("UPDATE state_history SET at = ? WHERE paper_id = ?",
                             (stamp(when_of[pid]), pid))
                conn.execute("UPDATE triage_log SET at = ? WHERE session_id = ? AND paper_id = ?",
                             (stamp(clock), session, pid))
            conn.execute("UPDATE triage_sessions SET started_at = ? WHERE id = ?",
                         (stamp(first), session))
        sessions += 1
    print(f"simulated {len(decided_ids)} decisions in {sessions} sessions, "
          f"{len(before)} papers read before the history began", file=sys.stderr)


def bench(root: Path, repeats: int = 9) -> dict[str, float]:
    """Median milliseconds of each figure query (warm)."""
    now = datetime.now(timezone.utc)
    with Library(root) as library:
        conn = library.store.conn
        rows = figures_sql.backlog(conn, now)
        calls = {
            "totals": lambda: figures_sql.totals(conn),
            "backlog": lambda: figures_sql.backlog(conn, now),
            "reading_rate": lambda: figures_sql.reading_rate(conn, now, rows),
            "ages (inbox, queue)": lambda: figures_sql.ages(conn, now),
            "waits (before read, dismissed)": lambda: figures_sql.waits(conn),
            "ratings": lambda: figures_sql.ratings(conn),
            "top": lambda: figures_sql.top(conn),
            "imports": lambda: figures_sql.imports(conn),
            "triage": lambda: figures_sql.triage(conn),
            "anchor: SELECT COUNT(*) FROM papers": lambda: conn.execute(
                "SELECT COUNT(*) FROM papers").fetchone(),
        }
        results: dict[str, float] = {}
        for name, call in calls.items():
            call()  # warm the page cache
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                call()
                times.append((time.perf_counter() - t0) * 1000)
            results[name] = round(statistics.median(times), 1)
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/readq-bench-stats"))
    parser.add_argument("--no-bench", action="store_true")
    parser.add_argument("--index", action="store_true", help="index the papers for search")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    root = args.work / f"stats-{args.papers}"
    if not (root / Library.DB_NAME).exists():
        t0 = time.perf_counter()
        build(root, args.papers)
        print(f"built {root} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    if args.index:
        with Library(root) as library:
            library.rebuild_index()
    if args.no_bench:
        return
    results = bench(root)
    if args.json:
        json.dump({"papers": args.papers, "median_ms": results}, sys.stdout, indent=2)
        print()
        return
    print(f"figure queries at {args.papers:,} papers (median of 9, warm; budget {BUDGET_MS} ms)")
    for name, ms in results.items():
        flag = "" if name.startswith("anchor") or ms <= BUDGET_MS else "  OVER BUDGET"
        print(f"  {name:<40} {ms:>8.1f} ms{flag}")


if __name__ == "__main__":
    main()
