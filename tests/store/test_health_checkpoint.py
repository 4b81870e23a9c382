"""A store caught in the middle of a checkpoint is not "cut short": page 1 (with the
new page count) is copied from the write-ahead log before the file has grown to it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from readq.library import Library
from readq.store import health
from readq.store.health import find_problem
from tests.helpers import PROFILE, dump_copy


def _store_short_by(tmp_path: Path, pages: int, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "lib"
    with Library(root) as lib:
        lib.import_paths([dump_copy(PROFILE, tmp_path / "d")])
    monkeypatch.setattr(health, "_checked_here", set())  # checked as by a new process
    store = root / "library.sqlite3"
    os.truncate(store, store.stat().st_size - pages * 4096)
    return root


def test_a_shortfall_the_log_still_holds_is_a_checkpoint_in_progress(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _store_short_by(tmp_path, 3, monkeypatch)
    (root / "library.sqlite3-wal").write_bytes(b"\0" * (4 * 4120))  # four frames waiting
    assert find_problem(root, quick_check_max=0) is None  # the header check alone


def test_a_shortfall_no_log_accounts_for_is_damage(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    root = _store_short_by(tmp_path, 30, monkeypatch)
    (root / "library.sqlite3-wal").write_bytes(b"\0" * (2 * 4120))
    assert "cut short" in (find_problem(root, quick_check_max=0) or "")
