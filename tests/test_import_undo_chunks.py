"""Undo of an import runs in short transactions and survives being cut short: the
action stays "being undone" and the next undo finishes it, ending exactly where the
library was before the import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from readq import import_undo
from readq.import_undo import is_being_undone
from readq.library import Library, LibraryError
from tests.helpers import ARXIV, COMPACT, PROFILE, TRENDING, all_dumps

TABLES = {  # what an import touches besides the exported papers
    "sightings": "SELECT paper_id, import_id, file, format, record_index FROM sightings "
                 "ORDER BY paper_id, file, record_index",
    "bands": "SELECT band, paper_id FROM abstract_bands ORDER BY paper_id, band",
    "names": "SELECT kind, name, papers FROM name_counts ORDER BY kind, name",
    "clock": "SELECT paper_id, added_at, category FROM paper_clock ORDER BY paper_id",
    "imports": "SELECT id, file, records, new, merged, finished FROM imports ORDER BY id",
    "duplicates": "SELECT paper_id, other_id, status FROM possible_duplicates ORDER BY id",
    "fills": "SELECT action_id, paper_id, before FROM import_fills ORDER BY 1, 2",
}


class Interrupted(Exception):
    pass


def _state(lib: Library) -> dict[str, Any]:
    """The full JSON export and the rows an import adds to."""
    state: dict[str, Any] = {"export": lib.export_rows(lib.view_ids("all", sort="id"))}
    for name, sql in TABLES.items():
        state[name] = [tuple(r) for r in lib.store.conn.execute(sql)]
    return state


def _library_with_two_imports(tmp_path: Path) -> tuple[Library, dict[str, Any], int]:
    """A library with user state, then a second import that adds 41 papers and fills
    in fields on existing ones; returns it, the state before the second, its action."""
    lib = Library(tmp_path / "lib")
    lib.import_paths(all_dumps(tmp_path / "d1", (PROFILE, TRENDING)))
    first = lib.view_ids("all", sort="id")
    lib.set_rating(first[:3], 5)
    lib.set_note(first[3], "mine")
    lib.queue_add(first[4:6])
    before = _state(lib)
    reports = lib.import_paths(all_dumps(tmp_path / "d2", (ARXIV, COMPACT)))
    action = reports[0].action_id
    assert action is not None and lib.paper_count() == 161
    assert _state(lib) != before
    return lib, before, action


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """One step of two items per chunk, so a small import's undo takes many chunks."""
    monkeypatch.setattr(import_undo, "CHUNK_TARGET_S", 0.0)
    monkeypatch.setattr(import_undo, "STEP", 2)


def _interrupt_after(lib: Library, chunks: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Raise between two chunks of the undo, after ``chunks`` of them committed."""
    done = [0]

    def stop() -> None:
        done[0] += 1
        if done[0] >= chunks:
            raise Interrupted

    monkeypatch.setattr(lib.store, "yield_to_waiters", stop)


def test_undo_runs_in_many_short_transactions(tmp_path: Path, small_chunks: None) -> None:
    lib, before, action = _library_with_two_imports(tmp_path)
    with lib:
        undone = lib.undo_import(action)
        assert len(undone.removed) == 41 and undone.restored and not undone.kept
        assert len(undone.chunk_times) > 25  # 41 papers at 2 a chunk, then fills, sightings
        assert _state(lib) == before
        assert not is_being_undone(lib.store.conn, action)


def test_undo_reports_the_papers_removed_after_each_chunk(tmp_path: Path,
                                                          small_chunks: None) -> None:
    lib, before, action = _library_with_two_imports(tmp_path)
    reports: list[tuple[int, int]] = []
    with lib:
        lib.undo_import(action, progress=lambda done, total: reports.append((done, total)))
        assert _state(lib) == before
    assert len(reports) == 21  # 41 papers, two a chunk
    assert reports[-1] == (41, 41)
    assert all(total == 41 for _, total in reports)
    assert [done for done, _ in reports] == sorted({done for done, _ in reports})


@pytest.mark.parametrize("chunks", [1, 7, 21, 23, 25])  # of 26: papers, fills, sightings
def test_an_undo_cut_short_is_finished_by_the_next_one(
        tmp_path: Path, small_chunks: None, monkeypatch: pytest.MonkeyPatch,
        chunks: int) -> None:
    lib, before, action = _library_with_two_imports(tmp_path)
    with lib:
        _interrupt_after(lib, chunks, monkeypatch)
        with pytest.raises(Interrupted):
            lib.undo_import(action)
        monkeypatch.undo()
        # whole chunks only: the action is listed, being undone, and the rest still there
        assert is_being_undone(lib.store.conn, action)
        assert action in [a["id"] for a in lib.import_actions()]
        assert lib.store.one("PRAGMA integrity_check") == "ok"
        assert _state(lib) != before
        lib.undo_import(action)
        assert _state(lib) == before
        assert not is_being_undone(lib.store.conn, action)
        with pytest.raises(LibraryError, match="already undone"):
            lib.undo_import(action)
        lib.sync_index()
        assert lib.check().in_step


def test_a_paper_rated_while_an_undo_was_cut_short_is_never_lost(
        tmp_path: Path, small_chunks: None, monkeypatch: pytest.MonkeyPatch) -> None:
    lib, _before, action = _library_with_two_imports(tmp_path)
    with lib:
        _interrupt_after(lib, 3, monkeypatch)
        with pytest.raises(Interrupted):
            lib.undo_import(action)
        monkeypatch.undo()
        left = lib.store.column(
            "SELECT DISTINCT s.paper_id FROM sightings s JOIN imports i ON i.id = s.import_id "
            "WHERE i.action_id = ? AND s.paper_id > 120 ORDER BY 1", (action,))
        lib.set_rating([left[-1]], 4)
        with pytest.raises(LibraryError, match="1 paper from this import has your"):
            lib.undo_import(action)
        assert is_being_undone(lib.store.conn, action)
        undone = lib.undo_import(action, keep_touched=True)
        assert undone.kept == [left[-1]]
        assert lib.paper(left[-1])["rating"] == 4 and lib.paper(left[-1])["sightings"]
        assert lib.paper_count() == 121


def test_a_paper_rated_between_two_undo_chunks_is_kept(
        tmp_path: Path, small_chunks: None, monkeypatch: pytest.MonkeyPatch) -> None:
    lib, _before, action = _library_with_two_imports(tmp_path)
    with lib:
        target = max(lib.view_ids("all", sort="id"))
        calls = [0]
        real = lib.store.yield_to_waiters

        def rate_meanwhile() -> None:
            calls[0] += 1
            if calls[0] == 2:
                lib.set_rating([target], 3)  # as another writer would, between chunks
            real()

        monkeypatch.setattr(lib.store, "yield_to_waiters", rate_meanwhile)
        undone = lib.undo_import(action)
        assert target in undone.kept and lib.paper(target)["rating"] == 3
        assert lib.paper_count() == 121


def test_a_not_this_decision_is_user_state_an_undo_keeps(tmp_path: Path) -> None:
    lib, _before, action = _library_with_two_imports(tmp_path)
    with lib:
        paper = max(lib.view_ids("all", sort="id"))
        lib.set_not_this([paper])
        with pytest.raises(LibraryError, match="1 paper from this import has your"):
            lib.undo_import(action)
        assert not is_being_undone(lib.store.conn, action)  # refused: nothing changed
        undone = lib.undo_import(action, keep_touched=True)
        assert undone.kept == [paper] and lib.paper_count() == 121


def test_no_commit_of_an_undo_copies_the_log_back_inside_its_transaction(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its first commit (marking the action "being undone") included: automatic WAL
    checkpoints run inside the commit that triggers them, holding the write lock."""
    from readq.store import actions

    lib, before, action = _library_with_two_imports(tmp_path)
    seen: list[int] = []
    original = actions.start_undo

    def start_undo(conn, *args: Any) -> None:
        seen.append(int(conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]))
        original(conn, *args)

    monkeypatch.setattr(actions, "start_undo", start_undo)
    with lib:
        lib.undo_import(action)
        assert seen == [0]
        assert lib.store.one("PRAGMA wal_autocheckpoint") == 1000
        assert _state(lib) == before
