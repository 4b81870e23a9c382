"""Backups, restores, and schema versions: the user's data survives upgrades and mistakes."""

from __future__ import annotations

import sqlite3

import pytest

from readq.cli import main
from readq.library import Library, LibraryError
from readq.store.schema import MIGRATIONS, SCHEMA_VERSION, SchemaTooNew
from tests.helpers import ARXIV, PROFILE, all_dumps, dump_copy


def test_backup_then_restore_brings_state_back(tmp_path):
    with Library(tmp_path / "lib") as lib:
        lib.import_paths(all_dumps(tmp_path / "d", (PROFILE,)))
        paper = lib.view_ids("all", sort="id")[0]
        lib.set_rating([paper], 5)
        saved = lib.backup()
        lib.set_rating([paper], 1)
        lib.set_note(paper, "written after the backup")
        safety = lib.restore_backup(saved)
        assert lib.paper(paper)["rating"] == 5 and lib.paper(paper)["note"] == ""
        assert lib.check().in_step
        lib.restore_backup(safety)  # a restore can itself be undone
        assert lib.paper(paper)["note"] == "written after the backup"


def test_import_backs_up_first_and_keeps_the_newest_n(tmp_path):
    with Library(tmp_path / "lib") as lib:
        lib.set_backups_to_keep(2)
        lib.import_paths(all_dumps(tmp_path / "d", (PROFILE,)))
        assert lib.backups() == []  # nothing to lose yet
        for name in (ARXIV, PROFILE, ARXIV):
            lib.import_paths([dump_copy(name, tmp_path / name)])
        found = lib.backups()
        assert len(found) == 2 and all("before-import" in p.name for p in found)
        assert lib.daily_backup() is None  # one was made moments ago


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("not a database")
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with Library(tmp_path / "lib") as lib:
        lib.import_paths(all_dumps(tmp_path / "d", (PROFILE,)))
        for bad, message in ((junk, "not a readq backup"), (other, "not a readq library"),
                             (tmp_path / "missing.sqlite3", "no such file")):
            with pytest.raises(LibraryError, match=message):
                lib.restore_backup(bad)
        assert lib.stats()["papers"] == 50


def test_newer_schema_is_refused_with_a_clear_message(tmp_path, capsys):
    with Library(tmp_path / "lib"):
        pass
    conn = sqlite3.connect(tmp_path / "lib" / "library.sqlite3")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(SchemaTooNew):
        Library(tmp_path / "lib")
    code = main(["stats", "--library", str(tmp_path / "lib")])
    err = capsys.readouterr().err
    assert code == 1 and "newer readq" in err and err.count("\n") == 1


def test_older_schema_is_backed_up_then_migrated(tmp_path):
    root = tmp_path / "lib"
    root.mkdir()
    conn = sqlite3.connect(root / "library.sqlite3")
    conn.executescript(MIGRATIONS[0])
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO papers (id, title, added_at, updated_at) VALUES (1, 'Old', 'x', 'x')")
    conn.execute("INSERT INTO user_state (paper_id, rating, note) VALUES (1, 4, 'kept')")
    conn.commit()
    conn.close()
    with Library(root) as lib:
        assert lib.paper(1)["rating"] == 4 and lib.paper(1)["note"] == "kept"
        assert [p.name for p in lib.backups()][0].endswith("before-upgrade.sqlite3")
        lib.set_backups_to_keep(3)  # the new table exists
        assert lib.backups_to_keep == 3


def test_cli_backup_and_restore(tmp_path, capsys):
    lib = str(tmp_path / "lib")
    main(["import", str(dump_copy(PROFILE, tmp_path)), "--library", lib])
    assert main(["backup", "--keep", "5", "--library", lib]) == 0
    out = capsys.readouterr().out
    assert "keeping the newest 5" in out
    main(["backup", "--list", "--library", lib])
    path = capsys.readouterr().out.split()[0]
    main(["rate", "1", "3", "--library", lib])
    assert main(["restore", path, "--library", lib]) == 0
    main(["show", "1", "--json", "--library", lib])
    assert '"rating": 0' in capsys.readouterr().out
