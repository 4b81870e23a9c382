"""Opening safely: a damaged, truncated or emptied store is refused with one line that
names the newest good backup, and never written; backups can be listed and restored
whatever state the store is in (the damaged one is kept aside)."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from readq.cli import main
from readq.library import Library
from readq.store.health import StoreDamaged, check_store, find_problem
from tests.helpers import PROFILE, all_dumps


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("health")
    root = base / "lib"
    with Library(root) as lib:
        lib.import_paths(all_dumps(base / "d", (PROFILE,)))
        lib.sync_index()
        lib.set_rating([1], 5)
        lib.backup("manual")
    return root


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("damage", ["empty", "truncated", "garbage", "missing"])
def test_damaged_store_is_refused_in_one_line_and_left_untouched(root, capsys, damage):
    store = root / "library.sqlite3"
    if damage == "empty":
        store.write_bytes(b"")
    elif damage == "truncated":
        os.truncate(store, store.stat().st_size // 2 + 100)
    elif damage == "garbage":
        store.write_bytes(b"not a database " * 500)
    else:
        store.unlink()
    before = _digest(store) if store.exists() else None
    backup = next((root / "backups").iterdir())
    for command in (["list"], ["show", "1"], ["rate", "1", "3"], ["search", "agent"]):
        code, out, err = _run(capsys, *command, "--library", str(root))
        assert code == 1 and out == ""
        assert err.count("\n") == 1 and "damaged" in err and str(backup) in err
    assert (_digest(store) if store.exists() else None) == before  # never written or made
    assert not (root / "library.sqlite3-wal").exists()


def test_a_new_library_is_not_damage(tmp_path):
    assert find_problem(tmp_path / "fresh") is None
    with Library(tmp_path / "fresh") as lib:
        assert lib.stats()["papers"] == 0
    check_store(tmp_path / "fresh")  # a healthy store passes


def test_a_damaged_page_is_found_by_the_quick_check(root):
    store = root / "library.sqlite3"
    data = bytearray(store.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for start in range(page * 2, len(data) - page, page):  # every b-tree page header
        data[start:start + 12] = b"\xee" * 12
    store.write_bytes(bytes(data))
    problem = find_problem(root)
    assert problem is not None and ("SQLite says" in problem or "integrity" in problem)
    with pytest.raises(StoreDamaged):
        Library(root)


def test_backups_list_and_restore_work_on_a_damaged_store(root, capsys):
    store = root / "library.sqlite3"
    os.truncate(store, 4096 * 3 + 17)
    damaged = store.read_bytes()
    code, out, err = _run(capsys, "backup", "--list", "--library", str(root))
    backup = Path(out.splitlines()[0])
    assert code == 0 and backup.parent == root / "backups" and err == ""
    code, out, err = _run(capsys, "restore", str(backup), "--library", str(root))
    assert code == 0 and "kept in" in out, err
    aside = [p for p in root.iterdir() if p.name.startswith("damaged-")]
    assert len(aside) == 1 and (aside[0] / "library.sqlite3").read_bytes() == damaged
    code, out, _ = _run(capsys, "show", "1", "--library", str(root))
    assert code == 0 and "★★★★★" in out  # the user's rating came back with the backup
    code, out, _ = _run(capsys, "search", "embodied", "--library", str(root))
    assert code == 0 and "no papers" not in out  # and the index was rebuilt


def test_damaged_store_without_backups_says_so(root, capsys):
    shutil.rmtree(root / "backups")
    (root / "library.sqlite3").write_bytes(b"\x00" * 100)
    code, _, err = _run(capsys, "list", "--library", str(root))
    assert code == 1 and "no good backup exists" in err and err.count("\n") == 1


def test_store_moved_alone_gets_its_index_on_the_first_search(root, tmp_path, capsys):
    moved = tmp_path / "moved"
    moved.mkdir()
    shutil.copy2(root / "library.sqlite3", moved / "library.sqlite3")
    code, out, err = _run(capsys, "search", "embodied", "--library", str(moved))
    assert code == 0 and "no papers" not in out and out.strip(), err


def test_restoring_a_bad_backup_over_a_damaged_store_changes_nothing(root, capsys, tmp_path):
    store = root / "library.sqlite3"
    store.write_bytes(b"")
    bad = tmp_path / "readq-bad.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    code, _, err = _run(capsys, "restore", str(bad), "--library", str(root))
    assert code == 1 and err.count("\n") == 1 and "cannot be used" in err
    assert "readq restore " + str(next((root / "backups").iterdir())) in err
    assert store.read_bytes() == b""
    assert not [p for p in root.iterdir() if p.name.startswith("damaged-")]
