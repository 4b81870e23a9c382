"""The backup before an import is copied beside the import, not in front of it, and
is still the library exactly as it was before the import."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from benchmarks.generate import Generator, render
from readq.library import Library
from readq.store import backup as backup_module
from readq.store.backup import BackupError, backup_reason, backups
from tests.helpers import PROFILE, all_dumps

GATE_S = 20.0


def _everything(lib: Library) -> dict:
    """All a user could lose: every paper with its state (the JSON export), the queue,
    the tags, the imports and the undo history of imports."""
    return {
        "papers": lib.export_rows(lib.view_ids("all", sort="id")),
        "queue": lib.queue(),
        "tags": lib.all_tags(),
        "imports": [{k: v for k, v in i.items()} for i in lib.imports()],
        "actions": [a["id"] for a in lib.import_actions()],
    }


def _dump(folder: Path, seed: int, n: int = 30) -> tuple[Path, list[str]]:
    papers = list(Generator(seed).papers(n))
    path = folder / f"new-{seed}.txt"
    path.write_text(render(papers, "profile"), encoding="utf-8")
    return path, [p.title for p in papers]


@pytest.fixture
def library_with_state(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    with Library(root) as lib:
        lib.import_paths(all_dumps(tmp_path / "dumps", (PROFILE,)))
        ids = lib.view_ids("all", sort="id")
        lib.set_rating(ids[:3], 5)
        lib.set_note(ids[1], "my note, written before the import")
        lib.set_status(ids[4:6], "read")
        lib.queue_add([ids[7], ids[2]])
        lib.add_tags(ids[:2], ["keep"])
    return root


class _Gate:
    """Holds the backup copy back until the import has stored its papers, and
    records the order things happened in."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.stored = threading.Event()
        self.events: list[str] = []
        real = backup_module.make_backup

        def gated(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.events.append("copy waits")
            self.stored.wait(GATE_S)
            self.events.append("copy starts")
            return real(*args, **kwargs)

        monkeypatch.setattr(backup_module, "make_backup", gated)


def test_the_backup_is_copied_beside_the_import_and_holds_the_library_before_it(
        library_with_state: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gate = _Gate(monkeypatch)
    dump, titles = _dump(tmp_path, 901)
    with Library(library_with_state) as lib:
        before = _everything(lib)
        with lib.import_action("dialog") as action:
            reports = lib.import_paths([dump], action=action)
            # the papers are stored while the copy has not even started
            gate.events.append("import stored")
            gate.stored.set()
        assert reports[0].new == len(titles)
        problems = lib.finish_backups()
        assert problems == []
        assert gate.events[:2] == ["copy waits", "import stored"]
        assert action.backup is not None and backup_reason(action.backup) == "before-import"
        assert lib.import_actions()[0]["backup"] == str(action.backup)
        after = _everything(lib)
        assert {p["title"] for p in after["papers"]} >= set(titles)

        copy = tmp_path / "copy" / "library.sqlite3"
        copy.parent.mkdir()
        copy.write_bytes(action.backup.read_bytes())
        with Library(copy.parent, read_only=True) as old:
            assert _everything(old) == before  # none of the import, all the state before

        lib.restore_backup(action.backup)
        assert _everything(lib) == before


def test_a_write_after_the_snapshot_is_not_in_the_backup(
        library_with_state: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What other connections commit once the import began is not in the copy either
    (it is a snapshot, not whatever the file holds when the copy runs)."""
    gate = _Gate(monkeypatch)
    dump, _titles = _dump(tmp_path, 902, n=5)
    with Library(library_with_state) as lib:
        paper = lib.view_ids("all", sort="id")[0]
        with lib.import_action() as action:
            with Library(library_with_state, short_writes=True) as other:  # the window's lane
                other.set_rating([paper], 1)
            lib.import_paths([dump], action=action)
            gate.stored.set()
        lib.finish_backups()
        assert action.backup is not None
        copy = tmp_path / "copy" / "library.sqlite3"
        copy.parent.mkdir()
        copy.write_bytes(action.backup.read_bytes())
        with Library(copy.parent, read_only=True) as old:
            assert old.paper(paper)["rating"] == 5
        assert lib.paper(paper)["rating"] == 1


def test_a_failed_copy_is_reported_once_and_loses_nothing(
        library_with_state: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(conn, folder, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise BackupError(f"could not write a backup in {folder}: disk full")

    monkeypatch.setattr(backup_module, "make_backup", broken)
    dump, titles = _dump(tmp_path, 903, n=8)
    with Library(library_with_state) as lib:
        before = lib.paper_count()
        with lib.import_action() as action:
            reports = lib.import_paths([dump], action=action)
        problems = lib.finish_backups()
        assert len(problems) == 1 and "disk full" in problems[0]
        assert action.backup is None and "disk full" in (action.backup_error or "")
        assert lib.finish_backups() == []  # reported once
        assert reports[0].new == len(titles)  # the import itself is whole
        assert lib.paper_count() == before + len(titles)
        assert lib.import_actions()[0]["backup"] is None
    assert not list((library_with_state / "backups").glob("*"))  # no half-written file


def test_backups_of_imports_rotate_on_their_own(library_with_state: Path,
                                                tmp_path: Path) -> None:
    with Library(library_with_state) as lib:
        manual = lib.backup("manual")
        lib.set_backups_to_keep(2)
        for seed in range(910, 914):
            lib.import_paths([_dump(tmp_path, seed, n=2)[0]])
        found = lib.backups()  # waits for the copy still being written
        kinds = [backup_reason(p) for p in found]
        assert kinds.count("before-import") == 2 and manual in found
        recorded = [a["backup"] for a in lib.import_actions()[:2]]
        assert all(r and Path(r) in found for r in recorded)
    assert not list((library_with_state / "backups").glob("*.part"))


def test_closing_the_library_writes_the_copy_and_notes_it(library_with_state: Path,
                                                          tmp_path: Path) -> None:
    with Library(library_with_state) as lib:
        lib.import_paths([_dump(tmp_path, 920, n=4)[0]])
    found = backups(library_with_state / "backups")
    assert [backup_reason(p) for p in found] == ["before-import"]
    with Library(library_with_state, read_only=True) as lib:
        assert lib.import_actions()[0]["backup"] == str(found[0])


def test_a_command_line_import_notes_its_backup(library_with_state: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from readq.cli import main

    dump, titles = _dump(tmp_path, 930, n=6)
    assert main(["import", str(dump), "--library", str(library_with_state)]) == 0
    assert "backup" not in capsys.readouterr().err
    with Library(library_with_state, read_only=True) as lib:
        found = lib.backups()
        assert [backup_reason(p) for p in found] == ["before-import"]
        assert lib.import_actions()[0]["backup"] == str(found[0])


def test_without_wal_the_copy_is_made_before_the_import(tmp_path: Path) -> None:
    """A store that cannot use WAL (some network file systems) keeps readers and writers
    apart: there the copy is written first, as it always was, and nothing waits."""
    import sqlite3

    from readq.store.backup import SnapshotBackup

    db = tmp_path / "plain.sqlite3"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    copy = SnapshotBackup(db, tmp_path / "backups", "before-import")
    assert copy.done  # written before the constructor returned
    conn.execute("INSERT INTO t VALUES (2)")  # the writer is not kept out
    saved = sqlite3.connect(copy.wait())
    assert saved.execute("SELECT count(*) FROM t").fetchone()[0] == 1
    saved.close()
    conn.close()
