"""What a user sees, measured from outside: the unmodified app under Xvfb, real X input.

    python -m benchmarks.real_window --library LIB [--size 1600x1000] [--beside 20000]
        [--out result.json]

The app runs as ``readq`` runs (``benchmarks.real_window_probe`` only observes it:
paints, a 10 ms GUI heartbeat, its public signals, memory). Input is sent as real X
key and mouse events through the XTEST extension (python-xlib), each flushed to the
X server before its time is taken; the clock stops when the event-loop pass that
painted the answer returns. Every query is typed once per app process — cold: no
warm-up pass (the OS file cache may be warm, as on a user's machine).

Scenarios, in one session of one app process:
1. start: process spawn → the first paint of a listed view;
2. search: each query typed key by key (60 ms apart, like a quick typist); the last
   key → the first paint of the list after the window reports that query's results,
   and the longest GUI pause meanwhile;
3. sort: a click on a column header → the first list paint after the model re-sorted;
4. triage: T, then S (skip) keys → each next card painted;
5. statistics: Ctrl+I, the longest GUI pause in the next 3 s;
6. beside an import (``--beside N``): a terminal ``readq import`` of N generated papers;
   meanwhile a star key every 0.6 s on the selected paper: the GUI pauses around each
   key and over the whole import; then a 100-paper ``readq import``: the command's own
   time and when the window shows its papers;
7. memory: the app's resident memory over the session (max).
Anchors from the same run: the machine's load average, and a ``readq --version``
process start.
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
from typing import Any

from benchmarks.real_window_input import XInput, start_xvfb
from benchmarks.real_window_events import EventLog

QUERIES = [  # (kind, text): every kind of the search syntax, each typed once
    ("word", "exploration"), ("two words", "reward calibration"),
    ("phrase", '"language model"'), ("prefix", "optim*"), ("fuzzy", "transfomer~"),
    ("field", "title:diffusion"), ("author", "author:tanaka"),
    ("year range", "policy year:[2018 TO 2020]"), ("state filter", "rating:>=4 reward"),
    ("prefix 2", "calib*"), ("fuzzy 2", "retreival~"), ("phrase 2", '"neural network"'),
    ("three words", "sparse attention retrieval"), ("word 2", "quantization"),
]
KEY_GAP_S = 0.06


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of values; nan when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def summary(values: list[float]) -> dict[str, float]:
    """p50 / p95 / max in ms, rounded."""
    return {"n": len(values), "p50": round(percentile(values, 50), 1),
            "p95": round(percentile(values, 95), 1), "max": round(max(values, default=float("nan")), 1)}


class Session:
    """One app process under one X server, driven by real input."""

    def __init__(self, library: Path, display: str, work: Path) -> None:
        self.library = work / "library"  # a copy: the session rates, triages and imports
        shutil.copytree(library, self.library, ignore=shutil.ignore_patterns("backups"))
        self.work = work
        self.log = EventLog(work / "events.jsonl")
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb",
                   XDG_CONFIG_HOME=str(work / "config"), XDG_RUNTIME_DIR=str(work / "run"))
        (work / "run").mkdir(mode=0o700, exist_ok=True)
        self.env = env
        self.spawned = time.monotonic()
        self.app = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.real_window_probe", str(self.log.path),
             str(self.library)],
            env=env, stdout=subprocess.DEVNULL, stderr=open(work / "app.stderr", "w"))  # noqa: SIM115
        self.x = XInput(display)
        self.ready = self.log.wait(lambda e: e["ev"] == "ready", 60)
        if self.ready is None:
            raise SystemExit(f"the app did not open; see {work / 'app.stderr'}")

    def start_time(self) -> float:
        """Spawn → the first paint of the list showing papers (seconds)."""
        paint = self.log.wait(lambda e: e["ev"] == "paint" and e["what"] == "list"
                              and e["rows"] > 0, 30)
        return (paint or self.ready)["t"] - self.spawned

    def settle(self, quiet_s: float = 1.0, limit_s: float = 20) -> None:
        """Wait until the window has had no pause for ``quiet_s`` (start-up work done)."""
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            time.sleep(quiet_s)
            if not [e for e in self.log.since(time.monotonic() - quiet_s) if e["ev"] == "gap"]:
                return

    def search(self, text: str) -> dict[str, Any]:
        """Type ``text`` into the search box; last key → results painted."""
        self.x.click(*self.ready["search"])  # focus the box as a person would
        self.x.key("ctrl+a")
        self.x.key("BackSpace")
        time.sleep(0.3)
        first = time.monotonic()
        last = self.x.type(text, KEY_GAP_S)
        done = self.log.wait(lambda e: e["ev"] == "search" and e["query"] == text and e["t"] >= last, 10)
        # the list (or its "no papers match" page) paints after the model changed for it
        changed = None if done is None else self.log.last(
            lambda e: e["ev"] == "model" and e["t"] <= done["t"])
        paint = None if changed is None else self.log.wait(
            lambda e: e["ev"] == "paint" and e["what"] in ("list", "empty")
            and e["t"] >= max(changed["t"], last), 5)
        end = (paint or {"t": float("nan")})["t"]
        return {"ms": round((end - last) * 1000, 1), "rows": (done or {}).get("rows"),
                "pause_ms": self.log.longest_gap(first, end if paint else time.monotonic())}

    def clear_search(self) -> None:
        """Empty the search box and go back to the Inbox, as a person would."""
        self.x.click(*self.ready["search"])
        self.x.key("ctrl+a")
        self.x.key("BackSpace")
        self.x.key("ctrl+1")
        time.sleep(1.0)

    def sort(self, column: str) -> dict[str, Any]:
        """Click a column header; click → re-sorted list painted."""
        x, y = self.ready["sections"][column]
        clicked = self.x.click(x, y)
        changed = self.log.wait(lambda e: e["ev"] == "model" and e["t"] >= clicked, 10)
        paint = None if changed is None else self.log.wait(
            lambda e: e["ev"] == "paint" and e["what"] == "list" and e["t"] >= changed["t"], 5)
        end = (paint or {"t": float("nan")})["t"]
        time.sleep(0.3)
        return {"ms": round((end - clicked) * 1000, 1),
                "pause_ms": self.log.longest_gap(clicked, time.monotonic())}

    def triage(self, keys: int) -> dict[str, Any]:
        """T, then ``keys`` skips: each key → the next card painted."""
        x, y = self.ready["row0"]
        self.x.click(x, y)
        time.sleep(0.3)
        self.x.key("t")
        time.sleep(1.5)
        times = []
        for _ in range(keys):
            pressed = self.x.key("s")
            paint = self.log.wait(lambda e: e["ev"] == "paint" and e["what"] == "triage"
                                  and e["t"] >= pressed, 3)
            if paint is not None:
                times.append((paint["t"] - pressed) * 1000)
            time.sleep(0.25)
        self.x.key("Escape")
        time.sleep(0.5)
        return summary(times)

    def statistics(self) -> dict[str, Any]:
        """Ctrl+I: the longest GUI pause while the page opens and fills."""
        pressed = self.x.key("ctrl+i")
        time.sleep(3)
        pause = self.log.longest_gap(pressed, time.monotonic())
        self.x.key("ctrl+1")  # back to the Inbox
        time.sleep(1)
        return {"pause_ms": pause}

    def rate_beside_import(self, papers: int) -> dict[str, Any]:
        """A terminal import of ``papers``; a star key every 0.6 s meanwhile."""
        from benchmarks.real_window_events import make_dump

        dump = make_dump(self.work / f"beside-{papers}.txt", papers, seed=4242)
        x, y = self.ready["row0"]
        self.x.click(x, y)
        time.sleep(0.5)
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "readq", "--library", str(self.library),
                                 "import", str(dump)], env=self.env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        around, n = [], 0
        while proc.poll() is None:
            pressed = self.x.key(str(1 + n % 5))
            n += 1
            time.sleep(0.6)
            around.append(self.log.longest_gap(pressed - 0.05, pressed + 0.55))
        ended = time.monotonic()
        return {"papers": papers, "import_s": round(ended - started, 1), "keys": n,
                "rc": proc.returncode, "stderr": (proc.stderr.read() or "")[-300:],
                "pause_around_key_ms": summary([a for a in around if a == a]),
                "longest_pause_ms": self.log.longest_gap(started, ended)}

    def small_import(self) -> dict[str, Any]:
        """A 100-paper terminal import: the command's time; when the window lists more."""
        from benchmarks.real_window_events import make_dump

        dump = make_dump(self.work / "small-100.txt", 100, seed=777)
        self.x.key("ctrl+5")  # All papers: an import adds to it
        time.sleep(1.5)
        before = self.log.last(lambda e: e["ev"] == "view")
        rows_before = (before or {}).get("rows", 0)
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "readq", "--library", str(self.library),
                               "import", str(dump)], env=self.env, capture_output=True, text=True)
        command_s = time.monotonic() - started
        shown = self.log.wait(lambda e: e["ev"] in ("view", "search") and e["t"] >= started
                              and e.get("rows", 0) > rows_before, 30)
        return {"command_s": round(command_s, 2), "rc": done.returncode,
                "visible_s": round(shown["t"] - started, 2) if shown else None,
                "longest_pause_ms": self.log.longest_gap(started, time.monotonic())}

    def close(self) -> dict[str, Any]:
        """Quit with Ctrl+Q; the memory figures of the session."""
        rss = [e["mb"] for e in self.log.since(0) if e["ev"] == "rss"]
        quit_at = self.x.key("ctrl+q")
        try:
            self.app.wait(15)
        except subprocess.TimeoutExpired:
            self.app.kill()
        return {"rss_start_mb": rss[0] if rss else None, "rss_max_mb": max(rss, default=None),
                "quit_s": round(time.monotonic() - quit_at, 2)}


def process_start(env: dict[str, str]) -> float:
    """Anchor: a ``readq --version`` process, median of three, seconds."""
    runs = []
    for _ in range(3):
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "readq", "--version"], env=env, capture_output=True)
        runs.append(time.monotonic() - started)
    return round(statistics.median(runs), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--size", default="1600x1000")
    parser.add_argument("--beside", type=int, default=0, help="papers in the terminal import")
    parser.add_argument("--triage-keys", type=int, default=30)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="readq-real-window-"))
    xvfb, display = start_xvfb(args.size)
    result: dict[str, Any] = {"library": str(args.library), "size": args.size,
                              "load_at_start": os.getloadavg()}
    try:
        session = Session(args.library, display, work)
        result["start_s"] = round(session.start_time(), 3)
        result["anchor_process_start_s"] = process_start(session.env)
        session.settle()
        result["search"] = {kind: session.search(text) for kind, text in QUERIES}
        result["search_summary"] = summary([r["ms"] for r in result["search"].values()])
        session.clear_search()
        columns = [c for c in session.ready["sections"] if c not in ("", "0")][:4]
        result["sort"] = {c: session.sort(c) for c in columns}
        session.clear_search()
        result["triage"] = session.triage(args.triage_keys)
        result["statistics"] = session.statistics()
        if args.beside:
            result["beside_import"] = session.rate_beside_import(args.beside)
            result["small_import"] = session.small_import()
        result["memory"] = session.close()
        result["load_at_end"] = os.getloadavg()
    finally:
        xvfb.terminate()
    text = json.dumps(result, indent=1, ensure_ascii=False)
    if args.out:
        args.out.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
