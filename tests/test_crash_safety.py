"""A `readq import` killed at any moment (kill -9) loses nothing and leaves no half record.

Imports commit in chunks of whole records: a killed one leaves some of its
records, each whole, and importing the same file again finishes it — the
library converges to what one uninterrupted import gives."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

from benchmarks.generate import Generator, render
from readq.library import Library
from tests.helpers import PROFILE, dump_copy

TRIALS = 20
RECORDS = 300


def _write_dump(path, seed: int, n: int = RECORDS, kind: str = "profile") -> None:
    path.write_text(render(list(Generator(seed).papers(n)), kind), encoding="utf-8")


def _wait_for_first_records(proc: subprocess.Popen, root, file: str) -> None:
    """Until the import has committed records of ``file`` (or has ended)."""
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            conn = sqlite3.connect(f"file:{root / 'library.sqlite3'}?mode=ro", uri=True)
            try:
                if conn.execute("SELECT 1 FROM sightings WHERE file = ? LIMIT 1",
                                (file,)).fetchone():
                    return
            finally:
                conn.close()
        except sqlite3.Error:
            pass
        time.sleep(0.005)


def test_killed_imports_leave_the_library_whole(tmp_path):
    root = tmp_path / "lib"
    with Library(root) as lib:
        lib.import_paths([dump_copy(PROFILE, tmp_path)])
        lib.sync_index()
        ids = lib.view_ids("all", sort="id")
        lib.set_rating(ids[:5], 4)
        lib.set_note(ids[1], "precious note")
        lib.queue_add(ids[2:6])
        lib.set_status(ids[6:9], "read")
        state = lib.snapshot(ids)
    rng = random.Random(2024)
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    counts = [50]
    partial: list[bool] = []
    for trial in range(TRIALS):
        dump = tmp_path / f"dump{trial}.txt"
        _write_dump(dump, seed=1000 + trial, kind=("profile", "compact", "trending")[trial % 3])
        proc = subprocess.Popen(
            [sys.executable, "-m", "readq", "import", str(dump), "--library", str(root)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
        )
        if trial % 2:  # at any moment
            time.sleep(rng.uniform(0.3, 1.5))
        else:  # while its records are being stored, however fast this machine is
            _wait_for_first_records(proc, root, dump.name)
            time.sleep(rng.uniform(0.0, 0.05))
        killed = proc.poll() is None
        if killed:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()

        conn = sqlite3.connect(root / "library.sqlite3")
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        papers = conn.execute("SELECT COUNT(*) FROM papers").fetchone()[0]
        orphans = conn.execute(
            "SELECT COUNT(*) FROM papers p LEFT JOIN user_state s ON s.paper_id = p.id "
            "WHERE s.paper_id IS NULL OR p.abstract = '' OR p.title IS NULL").fetchone()[0]
        unseen = conn.execute(
            "SELECT COUNT(*) FROM papers WHERE id NOT IN (SELECT paper_id FROM sightings)"
        ).fetchone()[0]
        conn.close()
        assert orphans == 0 and unseen == 0
        # whole records only, never more than the dump holds
        assert counts[-1] <= papers <= counts[-1] + RECORDS, (trial, killed, papers)
        partial.append(counts[-1] < papers < counts[-1] + RECORDS)
        with Library(root) as lib:
            assert lib.snapshot(ids) == state
            again = lib.import_paths([dump])  # re-importing finishes (or changes nothing)
            assert not again[0].failed
            assert lib.store.paper_count() == counts[-1] + RECORDS, (trial, killed)
            indexes = lib.store.column("SELECT record_index FROM sightings WHERE file = ? "
                                       "ORDER BY record_index", (dump.name,))
            assert indexes == list(range(RECORDS))  # every record sighted once, at its place
            counts.append(lib.store.paper_count())
            lib.check(repair=True)
            report = lib.check()
            assert report.in_step, report
    # some trials must really have been cut short in the middle of the dump
    assert any(partial)


_KILLED_RESTORE = """
import os, signal, sys
from pathlib import Path
from readq.library import Library

def killed(self, **kwargs):  # the worst moment: the store replaced, the index not rebuilt
    os.kill(os.getpid(), signal.SIGKILL)

Library.rebuild_index = killed
with Library(Path(sys.argv[1])) as lib:
    lib.restore_backup(Path(sys.argv[2]))
"""


def test_a_killed_restore_is_reindexed_by_the_next_open(tmp_path, capsys):
    from tests.helpers import run_cli

    root = tmp_path / "lib"
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    _write_dump(first, seed=11, n=80)
    _write_dump(second, seed=12, n=36)
    with Library(root) as lib:
        lib.import_paths([first])
        lib.import_paths([second])
        lib.sync_index()
        everything = lib.search("model", limit=None)
        backup = lib.backup("manual")
        lib.undo_import(lib.latest_import_action())  # the second dump's papers go
        lib.sync_index()
        fewer = lib.search("model", limit=None)
    assert len(fewer) < len(everything)
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    proc = subprocess.run([sys.executable, "-c", _KILLED_RESTORE, str(root), str(backup)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    code, out, err = run_cli(capsys, "--library", str(root), "search", "model", "--json",
                             "--limit", "1000")
    assert code == 0, err
    import json

    assert sorted(p["id"] for p in json.loads(out)) == sorted(everything)
    with Library(root) as lib:
        assert lib.check().in_step


_HOLD_INDEX = """
import sys, time
from pathlib import Path
from readq.library import Library
from readq.search import writer_note

writer_note.ROLE = "readq's indexer, indexing the papers of an import"
with Library(Path(sys.argv[1])) as lib:
    writer = lib.index._writer(False)  # holds the index's write lock, as a busy indexer
    print("holding", flush=True)
    time.sleep(60)
"""


def test_check_repair_names_the_process_it_waits_for(tmp_path, capsys):
    from tests.helpers import run_cli

    root = tmp_path / "lib"
    with Library(root) as lib:
        lib.import_paths([dump_copy(PROFILE, tmp_path)])
        lib.sync_index()
        lib.store.enqueue_index(lib.store.all_ids()[:3])  # work the repair must write
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_INDEX, str(root)], env=env,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        code, out, err = run_cli(capsys, "--library", str(root), "check", "--repair")
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    lines = err.strip().splitlines()
    assert code != 0 and len(lines) == 1, err
    assert f"process {holder.pid}" in lines[0] and "indexing the papers of an import" in lines[0]
    assert "since" in lines[0]
