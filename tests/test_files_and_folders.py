"""Files and folders readq makes are private; a library folder, a backup to restore and
a full disk are each met with one line that names the problem and changes nothing
that was not said."""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from readq import logs
from readq.store import turnstile
from readq.store.database import is_busy
from tests.helpers import ARXIV, PROFILE, dump_copy, run_cli

ROOT = Path(__file__).resolve().parents[1]


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _export(capsys, lib: Path) -> list[dict]:
    code, out, err = run_cli(capsys, "export", "--library", str(lib))
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def lib(tmp_path: Path, capsys) -> Path:
    root = tmp_path / "lib"
    code, _, err = run_cli(capsys, "import", str(dump_copy(PROFILE, tmp_path / "d")),
                           "--library", str(root))
    assert code == 0, err
    return root


# --- private files -------------------------------------------------------------------

@pytest.fixture
def fresh_log_handler():
    """Removes the handlers a test adds to readq's logger (the suite's own stays)."""
    logger = logging.getLogger("readq")
    before = list(logger.handlers)
    yield
    for handler in logger.handlers[:]:
        if handler not in before:
            logger.removeHandler(handler)
            handler.close()


def test_log_folder_and_files_are_private(tmp_path, monkeypatch, fresh_log_handler):
    monkeypatch.setenv("READQ_LOG_DIR", str(tmp_path / "state" / "logs"))
    path = logs.setup_logging()
    assert path is not None
    logging.getLogger("readq.test").error("a path: /home/someone/notes")
    assert _mode(path.parent) == 0o700
    assert _mode(path) == 0o600
    handler = next(h for h in logging.getLogger("readq").handlers
                   if getattr(h, "baseFilename", None) == str(path))
    handler.doRollover()  # type: ignore[attr-defined]
    logging.getLogger("readq.test").error("after the rollover")
    assert _mode(path) == 0o600 and _mode(Path(f"{path}.1")) == 0o600


def test_an_old_open_log_folder_is_made_private(tmp_path, monkeypatch, fresh_log_handler):
    folder = tmp_path / "readq-logs"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    (folder / logs.LOG_NAME).write_text("old\n")
    os.chmod(folder / logs.LOG_NAME, 0o644)
    monkeypatch.delenv("READQ_LOG_DIR")
    monkeypatch.setattr(logs, "log_dir", lambda: folder)  # readq's own default folder
    path = logs.setup_logging()
    logging.getLogger("readq.test").error("written")
    assert path == folder / logs.LOG_NAME
    assert _mode(folder) == 0o700 and _mode(path) == 0o600


def test_waiting_writers_folder_is_private(tmp_path):
    db = tmp_path / "lib" / "library.sqlite3"
    db.parent.mkdir()
    holder = sqlite3.connect(db, isolation_level=None)
    waiter = sqlite3.connect(db, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    try:
        assert not turnstile.acquire(waiter, db, 0.05, is_busy)  # waits, leaves a mark
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        waiter.close()
    assert _mode(db.parent / turnstile.FOLDER) == 0o700


# --- the library folder --------------------------------------------------------------

def test_the_file_system_root_is_refused_as_a_library(capsys):
    store = Path("/library.sqlite3")
    existed = store.exists()
    try:
        code, out, err = run_cli(capsys, "--library", "/", "stats")
        assert code == 1 and out == ""
        assert err.count("\n") == 1 and "/ cannot be a library folder" in err
        assert store.exists() == existed  # nothing was created
    finally:
        if store.exists() and not existed:  # the old behaviour, cleaned up
            store.unlink()


def test_the_home_folder_is_refused_as_a_library(tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.tex").write_text("mine")
    monkeypatch.setenv("HOME", str(home))
    code, _, err = run_cli(capsys, "stats", "--library", str(home))
    assert code == 1 and err.count("\n") == 1 and "cannot be a library folder" in err
    assert sorted(p.name for p in home.iterdir()) == ["thesis.tex"]


def test_an_empty_library_name_is_refused(tmp_path, monkeypatch, capsys):
    default = tmp_path / "default-library"
    monkeypatch.setenv("READQ_LIBRARY", str(default))
    code, out, err = run_cli(capsys, "--library", "", "stats")
    assert code != 0 and out == ""
    assert err.count("\n") == 1 and "--library" in err and "empty" in err
    assert not default.exists()  # the default library was not used instead


def test_a_new_folder_and_an_existing_library_still_work(tmp_path, lib, capsys):
    code, out, _ = run_cli(capsys, "stats", "--library", str(tmp_path / "new" / "library"))
    assert code == 0 and "papers" in out
    code, out, _ = run_cli(capsys, "stats", "--library", str(lib))
    assert code == 0 and "50" in out


# --- restore ---------------------------------------------------------------------------

def _readq(*argv: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "readq", *argv], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT)


def test_restore_of_a_fifo_or_device_says_what_it_is(tmp_path, lib, capsys):
    before = _export(capsys, lib)
    fifo = tmp_path / "backup.sqlite3"
    os.mkfifo(fifo)
    for target, kind in ((fifo, "a pipe"), (Path("/dev/zero"), "a device")):
        done = _readq("restore", str(target), "--library", str(lib))  # never blocks
        assert done.returncode != 0 and done.stdout == ""
        assert done.stderr.count("\n") == 1, done.stderr
        assert f"{target} is not a regular file ({kind})" in done.stderr
    assert _export(capsys, lib) == before


def _damage_with_several_faults(store: Path) -> None:
    """Overwrite bytes of ``store`` until SQLite's integrity check lists several faults
    (which bytes do that depends on the layout, so a few seeds are tried)."""
    clean = store.read_bytes()
    for seed in range(200):
        data = bytearray(clean)
        rng = random.Random(seed)
        for _ in range(30):
            at = rng.randrange(4096, len(data) - 64)
            data[at:at + 40] = bytes(rng.randrange(256) for _ in range(40))
        store.write_bytes(bytes(data))
        try:
            with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as conn:
                if len(conn.execute("PRAGMA integrity_check").fetchall()) > 2:
                    return
        except (sqlite3.DatabaseError, UnicodeDecodeError):
            continue  # too damaged for the check to list its faults
    raise AssertionError("no damage with several faults found")


def test_damaged_store_message_is_one_line(tmp_path, lib):
    _damage_with_several_faults(lib / "library.sqlite3")
    done = _readq("stats", "--library", str(lib))
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "is damaged (integrity check: " in done.stderr
    assert "more)" in done.stderr  # the other faults are counted, not listed


# --- a full disk -----------------------------------------------------------------------

# Runs ``readq`` in a child process where every write of the search index fails as on
# a full disk (the store still writes: its pages fit where a new index segment does not).
_FULL_INDEX_DISK = """
import errno, os, sys
from whoosh.filedb import structfile

def no_space(self, *args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

structfile.StructFile.write = no_space
from readq.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _readq_with_full_index_disk(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _FULL_INDEX_DISK, *argv],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)


def _without_sources(papers: list[dict]) -> list[dict]:
    return [{k: v for k, v in p.items() if k != "sources"} for p in papers]


def test_note_on_a_full_disk_says_the_folder_and_what_was_kept(lib, capsys):
    before = _export(capsys, lib)
    done = _readq_with_full_index_disk("note", "1", "--text", "zebrafish in the lab",
                                       "--library", str(lib))
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1, done.stderr
    assert f"the disk holding the library {lib} is full" in done.stderr
    assert "the note of paper 1 is saved" in done.stderr
    assert "not searchable yet" in done.stderr
    after = _export(capsys, lib)
    assert [p for p in after if p["id"] != 1] == [p for p in before if p["id"] != 1]
    assert next(p for p in after if p["id"] == 1)["note"] == "zebrafish in the lab"
    # with room again, the next command brings the index up to date
    done = _readq("search", "zebrafish", "--library", str(lib))
    assert done.returncode == 0 and done.stdout.split()[0] == "1", done.stdout + done.stderr


def test_import_on_a_full_disk_says_the_folder_and_what_was_kept(tmp_path, lib, capsys):
    dump = dump_copy(ARXIV, tmp_path / "more")
    twin = tmp_path / "twin"  # the same import where the disk has room
    shutil.copytree(lib, twin)
    assert _readq("import", str(dump), "--library", str(twin)).returncode == 0
    done = _readq_with_full_index_disk("import", str(dump), "--library", str(lib))
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1, done.stderr
    assert f"the disk holding the library {lib} is full" in done.stderr
    assert "what was imported is stored and kept" in done.stderr
    assert f"{dump}: " in done.stdout and " merged" in done.stdout  # what was stored
    # nothing half-written: the store holds just what the import with room stored
    # (``sources`` carries the time of each import)
    assert _without_sources(_export(capsys, lib)) == _without_sources(_export(capsys, twin))
    _readq("search", "anything", "--library", str(lib))  # with room: catches up
    done = _readq("check", "--library", str(lib))
    assert done.returncode == 0 and "0 waiting" in done.stdout, done.stdout + done.stderr
