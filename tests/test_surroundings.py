"""Hostile surroundings: odd files and arguments, a full disk, a read-only library,
other local users (permissions), planted symlinks at export targets."""

from __future__ import annotations

import os
import resource
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import readq.store.database as database
from readq.cli import main
from readq.library import Library
from tests.helpers import COMPACT, PROFILE, all_dumps, dump_copy

NOTE_LIMIT_ENV = {"PYTHONPATH": str(Path(__file__).resolve().parents[1])}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("surroundings")
    with Library(base / "lib") as lib:
        lib.import_paths(all_dumps(base / "d", (PROFILE,)))
        lib.sync_index()
    return base / "lib"


@pytest.fixture
def root(template, tmp_path) -> Path:
    shutil.copytree(template, tmp_path / "lib")
    return tmp_path / "lib"


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([*args])
    out, err = capsys.readouterr()
    return code, out, err


def _limited() -> None:  # the child may not use more than 512 MB
    resource.setrlimit(resource.RLIMIT_AS, (512 * 1024 * 1024, 512 * 1024 * 1024))


def _readq(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **NOTE_LIMIT_ENV}
    return subprocess.run([sys.executable, "-m", "readq", "--library", str(root), *args],
                          capture_output=True, text=True, timeout=60, env=env,
                          preexec_fn=_limited)


# --- files -------------------------------------------------------------------------------

def test_note_from_dev_zero_is_refused_at_once(root):
    done = _readq(root, "note", "1", "--file", "/dev/zero")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "not a regular file" in done.stderr


def test_note_from_a_fifo_is_refused_without_waiting(root, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    done = _readq(root, "note", "1", "--file", str(fifo))  # no writer: open would block
    assert done.returncode == 1 and "a pipe" in done.stderr


def test_note_file_size_is_limited_and_a_good_file_is_read(root, tmp_path, capsys):
    big = tmp_path / "big.md"
    big.write_bytes(b"x" * (5 * 1024 * 1024))
    code, _, err = _run(capsys, "note", "1", "--file", str(big), "--library", str(root))
    assert code == 1 and "too large" in err
    good = tmp_path / "good.md"
    good.write_text("Ünïcode note\n", encoding="utf-8")
    code, out, _ = _run(capsys, "note", "1", "--file", str(good), "--library", str(root))
    assert code == 0 and "note saved" in out
    with Library(root) as lib:
        assert lib.paper(1)["note"] == "Ünïcode note\n"


@pytest.mark.parametrize("args", [
    ["show", "²"], ["show", "99999999999999999999999"], ["show", "-1"], ["show", "١٢"],
    ["mark", "1e5", "read"], ["queue", "move", "1", "-4"],
    ["queue", "move", "1", "99999999999999999999999"], ["search", "x", "--limit", "0"],
    ["search", "x", "--limit", "10000000000"], ["backup", "--keep", "-1"],
    ["rate", "1", "²"], ["show", "9223372036854775807"], ["show", "2401.99999"],
])
def test_bad_arguments_get_one_line(root, capsys, args):
    with Library(root) as lib:
        before = lib.export_rows(lib.view_ids("all", sort="id"))
    try:
        code = main([*args, "--library", str(root)])
    except SystemExit as exc:  # argparse: exit status 2
        code = exc.code
    out, err = capsys.readouterr()
    assert code in (1, 2) and out == ""
    assert err.count("\n") == 1 and err.startswith("readq: ") and "Traceback" not in err
    with Library(root) as lib:
        assert lib.export_rows(lib.view_ids("all", sort="id")) == before


# --- a full disk, a read-only library ----------------------------------------------------

@pytest.fixture
def full_disk(monkeypatch):
    """SQLite's own 'database or disk is full' after a few more pages (max_page_count)."""
    real = database.Store.__init__

    def init(self, *args, **kwargs):
        real(self, *args, **kwargs)
        pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
        self.conn.execute(f"PRAGMA max_page_count = {pages + 1}")

    monkeypatch.setattr(database.Store, "__init__", init)


def test_full_disk_is_named_and_changes_nothing(root, capsys, full_disk, tmp_path):
    with Library(root) as lib:
        before = lib.export_rows(lib.view_ids("all", sort="id"))
    code, _, err = _run(capsys, "note", "1", "--text", "n" * 50_000, "--library", str(root))
    assert code == 1 and err.count("\n") == 1
    assert "disk holding the library" in err and "full" in err and str(root) in err
    assert "rollback" not in err
    code, _, err = _run(capsys, "import", str(dump_copy(COMPACT, tmp_path)), "--library",
                        str(root))
    assert code == 1 and "full" in err and str(root) in err
    with Library(root) as lib:
        assert lib.export_rows(lib.view_ids("all", sort="id")) == before


def test_read_only_library_is_named_and_changes_nothing(root, capsys, monkeypatch):
    real = database.Store.__init__

    def init(self, *args, **kwargs):
        real(self, *args, **kwargs)
        self.conn.execute("PRAGMA query_only = ON")  # SQLite refuses every write

    monkeypatch.setattr(database.Store, "__init__", init)
    code, _, err = _run(capsys, "rate", "1", "4", "--library", str(root))
    assert code == 1 and err.count("\n") == 1 and "read-only" in err and str(root) in err
    monkeypatch.undo()
    with Library(root) as lib:
        assert lib.paper(1)["rating"] == 0


def test_a_read_only_file_system_is_named(root, capsys, monkeypatch):
    """A library on a read-only mount: SQLite cannot open it for writing; the message
    says why (the mount is simulated: mounting needs privileges CI does not have)."""
    import readq.store.health as health

    class ReadOnly:
        f_flag = os.ST_RDONLY

    monkeypatch.setattr(health.os, "statvfs", lambda path: ReadOnly)
    message = health.describe_error(sqlite3.OperationalError("unable to open database file"),
                                    root)
    assert message == (f"the library {root} is read-only (it is on a read-only file system); "
                       "nothing was changed — check the folder's permissions or the disk")


def test_transaction_keeps_the_real_error_when_sqlite_rolled_back_itself(tmp_path):
    with Library(tmp_path / "lib") as lib:
        store = lib.store
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(sqlite3.OperationalError, match="full"):
            store.set_setting("big", "x" * 100_000)


# --- other local users ---------------------------------------------------------------------

def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_library_folder_and_files_are_private(tmp_path):
    root = tmp_path / "lib"
    with Library(root) as lib:
        lib.import_paths(all_dumps(tmp_path / "d", (PROFILE,)))
        lib.sync_index()
        backup = lib.backup("manual")
        assert _mode(root) == 0o700
        assert _mode(root / "library.sqlite3") == 0o600
        assert _mode(backup) == 0o600 and _mode(backup.parent) == 0o700
    with Library(root):
        for path in (root / "library.sqlite3-wal", root / "library.sqlite3-shm"):
            if path.exists():
                assert _mode(path) == 0o600
        assert _mode(root / "index") == 0o700
        assert all(_mode(p) & 0o077 == 0 for p in (root / "index").iterdir())


def test_an_open_library_is_tightened_but_a_shared_folder_is_not(tmp_path):
    root = tmp_path / "lib"
    Library(root).close()
    os.chmod(root, 0o755)
    os.chmod(root / "library.sqlite3", 0o644)
    Library(root).close()
    assert _mode(root) == 0o700 and _mode(root / "library.sqlite3") == 0o600
    shared = tmp_path / "Documents"
    shared.mkdir(mode=0o755)
    (shared / "report.pdf").write_text("the user's own file")
    os.chmod(shared, 0o755)
    Library(shared).close()
    assert _mode(shared) == 0o755  # the user's folder keeps its mode…
    assert _mode(shared / "library.sqlite3") == 0o600  # …readq's own file does not


# --- exports ---------------------------------------------------------------------------------

def test_export_never_follows_a_planted_symlink(root, tmp_path, capsys):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    target = tmp_path / "out" / "papers.json"
    target.parent.mkdir()
    target.symlink_to(victim)
    code, _, err = _run(capsys, "export", "-o", str(target), "--library", str(root))
    assert code == 0 and ".part" not in err and ".tmp" not in err
    assert victim.read_text() == "precious"
    assert not target.is_symlink() and target.read_text().startswith("[")
    assert sorted(p.name for p in target.parent.iterdir()) == ["papers.json"]  # no leftovers


def test_export_never_replaces_a_device(root, capsys):
    code, _, err = _run(capsys, "export", "-o", "/dev/null", "--library", str(root))
    assert code == 1 and "not a regular file" in err
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_export_failure_names_the_target_and_leaves_nothing(root, tmp_path, capsys):
    target = tmp_path / "out" / "papers.json"
    target.mkdir(parents=True)  # a folder where the file should go
    code, _, err = _run(capsys, "export", "-o", str(target), "--library", str(root))
    assert code == 1 and str(target) in err and ".tmp" not in err and ".part" not in err
    assert err.count("\n") == 1
    assert sorted(p.name for p in target.parent.iterdir()) == ["papers.json"]
