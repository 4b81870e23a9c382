""""Not this" is user state like the others: a merge keeps it, undo puts it back,
and the §6 JSON export (whose keys are a contract) does not show it."""

from __future__ import annotations

import json
from pathlib import Path

from readq.exporting import to_json
from readq.library import Library
from readq.models import EXPORT_KEYS
from readq.store.database import now_iso
from tests.helpers import all_dumps


def test_merge_keeps_not_this_and_undo_puts_it_back(tmp_path: Path) -> None:
    with Library(tmp_path / "lib") as lib:
        lib.import_paths(all_dumps(tmp_path / "d"))
        ids = lib.view_ids("all", sort="id")
        kept, gone = ids[60], ids[61]
        lib.set_not_this([gone])
        with lib.store.transaction():
            lib.store.add_possible_duplicate(gone, kept, 0.7, now_iso())
        pair = lib.possible_duplicates()[0]["id"]
        undo = lib.merge_duplicate(pair)
        assert undo.kept == kept
        assert lib.not_this_ids() == {kept}  # the one paper left carries the user's "not this"
        lib.undo_merge(undo)
        assert lib.not_this_ids() == {gone}  # exactly as before the merge
        assert lib.snapshot([gone])[gone]["not_this"] is True


def test_not_this_is_undone_with_the_rest_of_the_state(tmp_path: Path) -> None:
    with Library(tmp_path / "lib") as lib:
        lib.import_paths(all_dumps(tmp_path / "d"))
        paper = lib.view_ids("all", sort="id")[0]
        snap = lib.snapshot([paper])
        assert snap[paper]["not_this"] is False
        lib.set_not_this([paper])
        lib.set_rating([paper], 2)
        lib.restore(snap)
        assert paper not in lib.not_this_ids() and lib.paper(paper)["rating"] == 0


def test_export_keys_stay_the_contract(tmp_path: Path) -> None:
    with Library(tmp_path / "lib") as lib:
        lib.import_paths(all_dumps(tmp_path / "d"))
        paper = lib.view_ids("all", sort="id")[0]
        lib.set_not_this([paper])
        exported = json.loads(to_json(lib.export_rows([paper])))
        assert tuple(exported[0]) == EXPORT_KEYS
