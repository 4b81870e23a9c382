"""Command-line writes beside a big terminal import: how long each takes, whole process.

    python -m benchmarks.bench_cli_writes_beside --library LIB --papers 20000

``LIB`` is copied first (never written). A ``readq import`` of ``--papers`` generated
papers starts in one process; meanwhile ``readq note``, ``rate``, ``queue add`` and
``tag add`` run one after another on existing papers, each timed from spawn to exit,
until the import ends. Afterwards every write is checked in the store (``readq show
--json``) and the notes by a ``note:`` search. Anchor from the same run: the same
commands on the idle library before the import starts.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.real_window_events import make_dump


def run(env: dict[str, str], library: Path, *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    """One readq command: its wall time (s) and result."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "readq", "--library", str(library), *args],
                          env=env, capture_output=True, text=True)
    return time.monotonic() - started, done


def commands(paper: int, n: int) -> list[list[str]]:
    """The four writes, on one paper, marked with ``n`` so each can be checked."""
    return [["note", str(paper), "--text", f"beside note zq{n}x"], ["rate", str(paper), str(1 + n % 5)],
            ["queue", "add", str(paper)], ["tag", str(paper), "add", f"beside{n}"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--papers", type=int, default=20000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="readq-beside-"))
    library = work / "library"
    shutil.copytree(args.library, library, ignore=shutil.ignore_patterns("backups"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    dump = make_dump(work / f"beside-{args.papers}.txt", args.papers, seed=4242)
    idle = {c[0]: run(env, library, *c)[0] for c in commands(1, 0)}
    load_start = os.getloadavg()
    started = time.monotonic()
    importing = subprocess.Popen([sys.executable, "-m", "readq", "--library", str(library), "import",
                                  str(dump)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                 text=True)
    times: dict[str, list[float]] = {}
    failed: list[str] = []
    n, paper = 0, 2
    while importing.poll() is None:
        n += 1
        paper += 1
        for cmd in commands(paper, n):
            took, done = run(env, library, *cmd)
            times.setdefault(cmd[0], []).append(took)
            if done.returncode != 0:
                failed.append(f"{' '.join(cmd)}: {done.stderr.strip()}")
    import_s = time.monotonic() - started
    stored = 0
    for k in range(1, n + 1):
        _, shown = run(env, library, "show", str(2 + k), "--json")
        row = json.loads(shown.stdout)
        stored += row["rating"] == 1 + k % 5 and f"zq{k}x" in row["note"] \
            and f"beside{k}" in row["tags"] and row["queue_position"] is not None
    _, found = run(env, library, "search", "note:beside", "--limit", "100000", "--json")
    searchable = len(json.loads(found.stdout)) if found.returncode == 0 else None
    result = {
        "library": str(args.library), "import_papers": args.papers, "import_s": round(import_s, 1),
        "import_rc": importing.returncode, "rounds": n, "load_start": load_start, "load_end": os.getloadavg(),
        "idle_s": {k: round(v, 2) for k, v in idle.items()},
        "beside_s": {k: {"n": len(v), "median": round(statistics.median(v), 2), "max": round(max(v), 2)}
                     for k, v in times.items()},
        "failed": failed[:10], "papers_with_all_four_writes": f"{stored} of {n}",
        "notes_searchable_after": searchable,
    }
    print(json.dumps(result, indent=1))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
