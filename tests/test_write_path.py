"""One write path: concurrent writers lose nothing and never see a traceback; imports
are undoable actions; merges are undoable; backups rotate per class."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from benchmarks.generate import Generator, render
from readq.library import Library, LibraryBusy, LibraryError
from readq.store.backup import KEEP, backup_reason
from readq.store.database import now_iso
from tests.helpers import ARXIV, COMPACT, PROFILE, TRENDING, all_dumps, dump_copy

ENV = dict(os.environ, PYTHONPATH=os.getcwd())


def _export(lib: Library) -> list[dict]:
    return lib.export_rows(lib.view_ids("all", sort="id"))


@pytest.fixture
def seeded_root(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    with Library(root) as lib:
        lib.import_paths(all_dumps(tmp_path / "dumps"))
    return root


def test_two_processes_queueing_60_papers_each_end_with_all_120(seeded_root: Path) -> None:
    with Library(seeded_root) as lib:
        ids = lib.view_ids("all", sort="id")[:120]
    script = textwrap.dedent("""
        import sys
        from pathlib import Path
        from readq.library import Library
        with Library(Path(sys.argv[1])) as lib:
            for paper in map(int, sys.argv[2:]):
                lib.queue_add([paper])
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script, str(seeded_root),
                               *map(str, part)], env=ENV, stderr=subprocess.PIPE, text=True)
             for part in (ids[0::2], ids[1::2])]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    with Library(seeded_root) as lib:
        queue = lib.queue()
        assert sorted(queue) == sorted(ids)
        assert [lib.paper(i)["queue_position"] for i in queue] == list(range(1, 121))


def test_four_cli_writers_beside_an_import_all_succeed(tmp_path: Path, seeded_root: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text(render(list(Generator(99).papers(3000)), "profile"), encoding="utf-8")
    with Library(seeded_root) as lib:
        ids = lib.view_ids("all", sort="id")[:40]
    importer = subprocess.Popen([sys.executable, "-m", "readq", "import", str(big),
                                 "--library", str(seeded_root)], env=ENV,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    commands = []
    for n, paper in enumerate(ids[:10]):
        commands += [["rate", str(paper), str(n % 5 + 1)],
                     ["mark", str(ids[10 + n]), "read"],
                     ["note", str(ids[20 + n]), "--text", f"scribble{n} ✓"],
                     ["queue", "add", str(ids[30 + n])]]
    writers = [subprocess.Popen([sys.executable, "-m", "readq", *cmd, "--library",
                                 str(seeded_root)], env=ENV, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
               for cmd in commands[:4]]
    pending = commands[4:]
    failures = []
    while writers:
        proc = writers.pop(0)
        _, err = proc.communicate(timeout=120)
        if proc.returncode != 0 or "Traceback" in err:
            failures.append((proc.args, proc.returncode, err))
        if pending:
            cmd = pending.pop(0)
            writers.append(subprocess.Popen(
                [sys.executable, "-m", "readq", *cmd, "--library", str(seeded_root)], env=ENV,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
    _, err = importer.communicate(timeout=600)
    assert importer.returncode == 0 and "Traceback" not in err, err
    assert failures == []
    with Library(seeded_root) as lib:
        assert lib.paper_count() == 161 + 3000
        for n in range(10):
            assert lib.paper(ids[n])["rating"] == n % 5 + 1
            assert lib.paper(ids[10 + n])["status"] == "read"
            assert lib.paper(ids[20 + n])["note"] == f"scribble{n} ✓"
        assert set(ids[30:40]) <= set(lib.queue())
        lib.sync_index()  # notes written while the import held the index were queued
        assert lib.check().in_step
        assert lib.search("note:scribble3") == [ids[23]]


def test_a_busy_library_is_one_readable_error(seeded_root: Path) -> None:
    with Library(seeded_root) as holder, Library(seeded_root, busy_timeout_ms=50,
                                                 write_budget_s=0.3) as lib:
        paper = lib.view_ids("all", sort="id")[0]
        with holder.store.transaction():
            holder.store.conn.execute("UPDATE settings SET value = value")
            with pytest.raises(LibraryBusy, match="busy"):
                lib.set_rating([paper], 3)
        lib.set_rating([paper], 3)  # its turn came
        assert lib.paper(paper)["rating"] == 3


def test_cli_write_while_locked_is_one_line_not_a_traceback(seeded_root: Path) -> None:
    with Library(seeded_root) as holder:
        with holder.store.transaction():
            holder.store.conn.execute("UPDATE settings SET value = value")
            started = time.monotonic()
            done = subprocess.run([sys.executable, "-m", "readq", "rate", "1", "4",
                                   "--library", str(seeded_root)], env=ENV,
                                  capture_output=True, text=True, timeout=60)
            waited = time.monotonic() - started
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "busy" in done.stderr
    assert "Traceback" not in done.stderr
    assert waited < 10  # it gave up after its budget, not after a long lock timeout


def test_import_undo_restores_exactly_the_state_before(tmp_path: Path) -> None:
    with Library(tmp_path / "lib") as lib:
        lib.import_paths(all_dumps(tmp_path / "d1", (PROFILE, TRENDING)))
        first = lib.view_ids("all", sort="id")
        lib.set_rating(first[:3], 5)
        lib.set_note(first[3], "mine")
        lib.queue_add(first[4:6])
        before = _export(lib)
        reports = lib.import_paths(all_dumps(tmp_path / "d2", (ARXIV, COMPACT)))
        action = reports[0].action_id
        assert action is not None and all(r.action_id == action for r in reports)
        assert lib.paper_count() == 161
        assert _export(lib) != before  # the arXiv listing filled in ids and comments
        undone = lib.undo_import(action)
        assert len(undone.removed) == 41 and undone.restored
        assert _export(lib) == before
        lib.sync_index()
        assert lib.check().in_step
        with pytest.raises(LibraryError, match="already undone"):
            lib.undo_import(action)


def test_import_undo_is_refused_once_its_papers_got_user_state(tmp_path: Path) -> None:
    with Library(tmp_path / "lib") as lib:
        lib.import_paths(all_dumps(tmp_path / "d1", (PROFILE,)))
        reports = lib.import_paths([dump_copy(TRENDING, tmp_path / "d2")])
        new = reports[0].new_ids
        lib.set_rating(new[:2], 4)
        with pytest.raises(LibraryError, match="2 papers from this import have your"):
            lib.undo_import(reports[0].action_id)
        assert lib.paper_count() == 120  # refused: nothing changed
        undone = lib.undo_import(reports[0].action_id, keep_touched=True)
        assert sorted(undone.kept) == sorted(new[:2])
        assert lib.paper_count() == 52
        assert all(lib.paper(i)["rating"] == 4 and lib.paper(i)["sightings"] for i in new[:2])


def test_merge_undo_restores_both_papers_exactly(tmp_path: Path) -> None:
    with Library(tmp_path / "lib") as lib:
        lib.import_paths(all_dumps(tmp_path / "d"))
        ids = lib.view_ids("all", sort="id")
        a, b = ids[60], ids[61]
        lib.set_rating([a], 2)
        lib.set_note(b, "b's note")
        lib.queue_add([ids[0], b, ids[1]])
        with lib.store.transaction():
            lib.store.add_possible_duplicate(b, a, 0.7, now_iso())
        before = _export(lib)
        pair = lib.possible_duplicates()[0]["id"]
        undo = lib.merge_duplicate(pair)
        assert lib.paper_count() == 160
        merged = lib.paper(undo.kept)
        assert merged["note"] == "b's note" and merged["rating"] == 2
        assert lib.queue() == [ids[0], a, ids[1]]
        lib.undo_merge(undo)
        assert _export(lib) == before
        assert [p["id"] for p in lib.possible_duplicates()] == [pair]
        lib.sync_index()
        assert lib.check().in_step


def test_backups_of_every_class_survive_20_imports(tmp_path: Path) -> None:
    with Library(tmp_path / "lib") as lib:
        lib.import_paths([dump_copy(PROFILE, tmp_path)])
        daily = lib.daily_backup()
        manual = lib.backup("manual")
        upgrade = lib.backup("before-upgrade")
        for n in range(20):
            dump = tmp_path / f"d{n}.txt"
            dump.write_text(render(list(Generator(500 + n).papers(3)), "trending"),
                            encoding="utf-8")
            lib.import_paths([dump])
        found = lib.backups()
        assert daily in found and manual in found and upgrade in found
        imports = [p for p in found if backup_reason(p) == "before-import"]
        assert len(imports) == KEEP["before-import"]
        assert len({p.name for p in found}) == len(found)


def test_one_import_command_is_one_backup_and_one_action(tmp_path: Path) -> None:
    from readq.cli import main

    root = tmp_path / "lib"
    with Library(root) as lib:
        lib.import_paths([dump_copy(PROFILE, tmp_path)])
    assert main(["import", *map(str, all_dumps(tmp_path / "more", (ARXIV, TRENDING, COMPACT))),
                 "--library", str(root)]) == 0
    with Library(root) as lib:
        assert [backup_reason(p) for p in lib.backups()] == ["before-import"]
        actions = lib.import_actions()
        assert len(actions) == 2 and len(actions[0]["imports"]) == 3
        assert lib.view_count("new") == 70 + 41


def test_no_commit_of_an_import_copies_the_log_back_inside_its_transaction(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Automatic WAL checkpoints run inside the commit that triggers them (holding the
    write lock: 70-100 ms at 100,000 papers). An import action keeps them off for all
    its commits — chunks, naming each import, finishing the action — and copies the
    log back between chunks and once at the end instead; then the setting is back."""
    from readq.store import imports as store_imports

    seen: list[int] = []
    original = store_imports.set_name

    def set_name(conn, import_id: int, name: str) -> None:
        seen.append(int(conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]))
        original(conn, import_id, name)

    monkeypatch.setattr(store_imports, "set_name", set_name)
    with Library(tmp_path / "lib") as lib:
        lib.import_paths([dump_copy(PROFILE, tmp_path), dump_copy(ARXIV, tmp_path)])
        assert seen == [0, 0]  # each file's import was named with them off
        assert lib.store.one("PRAGMA wal_autocheckpoint") == 1000


def test_a_cli_write_waits_out_a_lock_held_for_a_moment(seeded_root: Path, capsys) -> None:
    """A read of `readq rate` that finds the store locked for 0.2 s (another
    connection restarting or copying back its log) waits, instead of saying busy."""
    import sqlite3
    import threading

    from readq.cli import main

    with Library(seeded_root) as library:
        paper = library.view_ids("all", sort="id")[0]
    held = threading.Event()

    def hold_for_a_moment() -> None:
        conn = sqlite3.connect(seeded_root / "library.sqlite3", isolation_level=None)
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")  # readers are shut out too
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("UPDATE settings SET value = value")
        conn.execute("COMMIT")
        held.set()
        time.sleep(0.2)
        conn.execute("PRAGMA locking_mode = NORMAL")
        conn.execute("SELECT 1 FROM settings LIMIT 1").fetchall()  # lets the lock go
        conn.close()

    holder = threading.Thread(target=hold_for_a_moment)
    holder.start()
    held.wait(10)
    try:
        code = main(["rate", str(paper), "4", "--library", str(seeded_root)])
    finally:
        holder.join()
    out, err = capsys.readouterr()
    assert code == 0, err
    with Library(seeded_root) as library:
        assert library.paper(paper)["rating"] == 4
