"""Write-lock holds during a large import and its undo, and how long a rating waits
behind them (through the API on its own connection, and as a ``readq rate`` process).

    nice -n 10 python -m benchmarks.bench_write_lock --import-papers 30000 \\
        --anchor-tree /tmp/readq-bench-h10b/old [--work /tmp/readq-bench-h10b/lock]

The same measurement runs in a child process per tree: this one and, as the anchor
measured in the same run, ``--anchor-tree`` (readq before these changes, e.g.
``git archive 029dbf2 readq benchmarks | tar -x -C DIR``). Holds are measured the
same way in both: from ``BEGIN IMMEDIATE`` granted to ``COMMIT`` returned, for every
transaction of the importing thread; the part of each spent waiting for a CPU (the
thread's run-queue delay, Linux ``/proc/thread-self/schedstat``) is reported too, as
on a loaded machine the longest holds are mostly that. ``--dumps`` imports given
files (e.g. the twenty 5,000-paper dumps of ``/tmp/readq-cache/search/dumps_100k``)
instead of one generated dump.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _run_queue_s() -> float:
    """This thread's time spent runnable but waiting for a CPU, so far."""
    try:
        with open("/proc/thread-self/schedstat", encoding="ascii") as handle:
            return int(handle.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def _figures(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {}
    return {"n": len(ordered), "median_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(ordered[int(len(ordered) * 0.95)] * 1000, 1),
            "p99_ms": round(ordered[int(len(ordered) * 0.99)] * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1)}


def _statuses(rows: list[tuple[float, float, str]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _, _, status in rows:
        counts[status] = counts.get(status, 0) + 1
    return counts


def child(work: Path, n: int, dumps: list[Path], label: str) -> dict[str, Any]:
    """Run in the tree under test (its readq on ``sys.path``)."""
    from benchmarks.bench_write_path import dump
    from readq.library import Library, LibraryBusy
    from readq.store.database import Store

    main_thread = threading.main_thread()
    holds: list[tuple[float, float, float, str]] = []  # (started, hold, run-queue, caller)
    original = Store.transaction

    @contextmanager
    def timed(self: Store) -> Iterator[None]:
        if self.conn.in_transaction or threading.current_thread() is not main_thread:
            with original(self):
                yield
            return
        caller = sys._getframe(2).f_code.co_name
        with original(self):
            started, queued = time.perf_counter(), _run_queue_s()
            yield
        holds.append((started, time.perf_counter() - started, _run_queue_s() - queued, caller))

    Store.transaction = timed  # type: ignore[method-assign]
    analyze_s: list[float] = []
    original_analyze = Store.analyze

    def timed_analyze(self: Store) -> None:
        started = time.perf_counter()
        original_analyze(self)
        analyze_s.append(time.perf_counter() - started)

    Store.analyze = timed_analyze  # type: ignore[method-assign]

    root = work / f"lib-{label}"
    shutil.rmtree(root, ignore_errors=True)
    paths = dumps or [dump(work, "big", n, 2)]
    with Library(root) as lib:
        lib.import_paths([dump(work, "seed", 200, 1)])
        paper = lib.view_ids("all", sort="id")[0]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    cli_argv = [sys.executable, "-m", "readq", "rate", str(paper), "3", "--library", str(root)]

    errors: list[str] = []
    busy_messages: list[str] = []

    def cli_once() -> tuple[float, str]:
        started = time.perf_counter()
        done = subprocess.run(cli_argv, env=env, capture_output=True, text=True)
        if done.returncode == 0:
            status = "ok"
        elif "Traceback" not in done.stderr and done.stderr.count("\n") == 1 \
                and "busy" in done.stderr:
            status = "busy"  # the one-line LibraryBusy message
            busy_messages.append(done.stderr.strip()[-300:])
        else:
            status = "error"
            errors.append(done.stderr[-600:])
        return time.perf_counter() - started, status

    idle_cli = [cli_once()[0] for _ in range(5)]
    idle_api = []
    with Library(root, short_writes=True) as other:
        for k in range(20):
            started = time.perf_counter()
            other.set_rating([paper], k % 5 + 1)
            idle_api.append(time.perf_counter() - started)
            time.sleep(0.02)

    sys.setswitchinterval(0.001)  # as the app's task runner does
    api: list[tuple[float, float]] = []
    cli: list[tuple[float, float, str]] = []
    stop = threading.Event()

    def api_rater() -> None:
        with Library(root, short_writes=True) as other:  # as the app's user lane
            k = 0
            while not stop.is_set():
                started = time.perf_counter()
                try:
                    other.set_rating([paper], k % 5 + 1)
                    api.append((started, time.perf_counter() - started))
                except LibraryBusy:
                    api.append((started, float("inf")))
                k += 1
                time.sleep(0.05)

    def cli_rater() -> None:
        while not stop.is_set():
            started = time.perf_counter()
            took, status = cli_once()
            cli.append((started, took, status))
            time.sleep(0.5)

    threads = [threading.Thread(target=api_rater), threading.Thread(target=cli_rater)]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    with Library(root) as lib:
        reports = lib.import_paths(paths)
        imported = time.perf_counter()
        action = reports[0].action_id
        undo_started = time.perf_counter()
        undone = lib.undo_import(action) if action is not None else None
        undo_done = time.perf_counter()
    stop.set()
    for thread in threads:
        thread.join()

    def during(rows: list[Any], low: float, high: float) -> list[Any]:
        return [r for r in rows if low <= r[0] < high]

    import_holds = during(holds, started, imported)
    undo_holds = during(holds, undo_started, undo_done)
    longest = max(import_holds, key=lambda h: h[1])

    def top(rows: list[Any]) -> list[str]:
        return [f"{h[1] * 1000:.0f} ms ({h[3]}, run queue {h[2] * 1000:.0f} ms)"
                for h in sorted(rows, key=lambda h: -h[1])[:4]]

    return {
        "tree": label, "readq": str(Path(sys.modules["readq"].__file__).parent),
        "papers_imported": sum(r.records for r in reports),
        "files": len(paths), "load_average_1min": round(os.getloadavg()[0], 1),
        "import_s": round(imported - started, 1),
        "import_holds": _figures([h[1] for h in import_holds]),
        "longest_hold_run_queue_ms": round(longest[2] * 1000, 1),
        "import_holds_less_run_queue": _figures([max(0.0, h[1] - h[2])
                                                 for h in import_holds]),
        "longest_import_holds": top(import_holds),
        "longest_undo_holds": top(undo_holds),
        "analyze_ms": [round(a * 1000, 1) for a in analyze_s],
        "api_idle": _figures(idle_api),
        "api_during_import": _figures([w for _, w in during(api, started, imported)]),
        "api_during_undo": _figures([w for _, w in during(api, undo_started, undo_done)]),
        "cli_idle_s": round(statistics.median(idle_cli), 2),
        "cli_during_import": _figures([t for _, t, _ in during(cli, started, imported)]),
        "cli_during_undo": _figures([t for _, t, _ in during(cli, undo_started, undo_done)]),
        "cli_status_import": _statuses(during(cli, started, imported)),
        "cli_status_undo": _statuses(during(cli, undo_started, undo_done)),
        "cli_errors": errors[:3],
        "cli_busy_messages": busy_messages[:3],
        "undo_s": round(undo_done - undo_started, 2),
        "undo_removed": len(undone.removed) if undone else 0,
        "undo_holds": _figures([h[1] for h in undo_holds]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--import-papers", type=int, default=30_000)
    parser.add_argument("--dumps", type=Path, nargs="*", default=[])
    parser.add_argument("--work", type=Path, default=Path("/tmp/readq-bench-h10b/lock"))
    parser.add_argument("--anchor-tree", type=Path)
    parser.add_argument("--child", metavar="LABEL")
    args = parser.parse_args()
    os.environ.setdefault("READQ_LOG_DIR", str(args.work / "logs"))
    if args.child:
        result = child(args.work, args.import_papers, args.dumps, args.child)
        print(json.dumps(result), flush=True)
        return
    trees = [("anchor", args.anchor_tree)] if args.anchor_tree else []
    trees.append(("current", ROOT))
    for label, tree in trees:
        env = dict(os.environ, PYTHONPATH=str(tree))
        cmd = [sys.executable, str(ROOT / "benchmarks" / "bench_write_lock.py"),
               "--child", label, "--import-papers", str(args.import_papers),
               "--work", str(args.work), *(["--dumps", *map(str, args.dumps)]
                                           if args.dumps else [])]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=tree)
        if done.returncode != 0:
            print(f"{label}: failed\n{done.stderr[-3000:]}", file=sys.stderr)
            continue
        print(done.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
