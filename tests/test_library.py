"""Importing the fixtures into one record per paper; merges; idempotence; user state."""

from __future__ import annotations

import itertools

import pytest

from readq.library import Library, LibraryError
from tests.helpers import ARXIV, COMPACT, PROFILE, TRENDING, all_dumps, dump_copy


@pytest.fixture
def library(tmp_path):
    with Library(tmp_path / "lib") as lib:
        yield lib


@pytest.fixture
def seeded(library, tmp_path):
    reports = library.import_paths(all_dumps(tmp_path / "dumps"))
    library.sync_index()
    library.reports = reports
    return library


def test_four_fixtures_make_161_papers_from_173_records(seeded):
    reports = {r.format: r for r in seeded.reports}
    assert sum(r.records for r in seeded.reports) == 173
    assert seeded.stats()["papers"] == 161
    assert seeded.stats()["sightings"] == 173
    assert (reports["profile"].new, reports["profile"].merged) == (50, 0)
    assert (reports["arxiv"].new, reports["arxiv"].merged) == (0, 10)
    assert (reports["trending"].new, reports["trending"].merged) == (70, 0)
    assert (reports["compact"].new, reports["compact"].merged) == (41, 2)
    assert all(r.possible_duplicates == 0 and not r.errors for r in seeded.reports)


def test_every_arxiv_record_merges_into_its_profile_paper(seeded):
    rows = seeded.export_rows(seeded.view_ids("all", sort="id"))
    with_ids = [r for r in rows if r["arxiv_id"]]
    assert len(with_ids) == 10
    for row in with_ids:
        formats = sorted(s["format"] for s in row["sources"])
        assert formats == ["arxiv", "profile"], row["title"]
        assert row["title"] and row["authors"]
    self_notes = seeded.paper(seeded.resolve("2305.00833"))
    assert self_notes["title"] == "Learning to Reason and Memorize with Self-Notes"
    assert self_notes["comments"] == "15 pages, 5 figures, 6 tables"
    video = seeded.export_rows([seeded.resolve("2304.11063")])[0]
    assert video["journal_ref"] == "Reincarnating Reinforcement Learning Workshop at ICLR 2023"
    assert video["sources"] == [
        {"file": PROFILE, "format": "profile", "index": video["sources"][0]["index"]},
        {"file": ARXIV, "format": "arxiv", "index": 7},
    ]


def test_cross_file_papers_merge(seeded):
    rows = seeded.export_rows(seeded.view_ids("all", sort="id"))
    multi = {r["title"]: sorted(s["format"] for s in r["sources"]) for r in rows
             if len({s["file"] for s in r["sources"]}) > 1 and not r["arxiv_id"]}
    assert sorted(multi.values()) == [["compact", "profile"], ["compact", "trending"]]
    glore = next(r for r in rows if r["title"] and r["title"].startswith("GLoRe"))
    assert glore["authors"][0] == "Alex Havrilla"  # the trending record had no authors
    assert glore["published"] is not None


@pytest.mark.parametrize("order", list(itertools.permutations(range(4)))[::5])
def test_import_order_does_not_change_the_result(tmp_path, order):
    names = tuple((PROFILE, ARXIV, TRENDING, COMPACT)[i] for i in order)
    with Library(tmp_path / "lib") as lib:
        lib.import_paths(all_dumps(tmp_path / "dumps", names))
        assert lib.stats()["papers"] == 161
        assert lib.possible_duplicates() == []


def test_reimport_changes_nothing_and_says_so(seeded, tmp_path):
    before = seeded.export_rows(seeded.view_ids("all", sort="id"))
    imports_before = len(seeded.imports())
    again = seeded.import_paths(all_dumps(tmp_path / "dumps"))
    assert [(r.new, r.merged, r.possible_duplicates) for r in again] == [(0, 0, 0)] * 4
    assert [r.unchanged for r in again] == [50, 10, 70, 43]
    assert seeded.export_rows(seeded.view_ids("all", sort="id")) == before
    assert len(seeded.imports()) == imports_before


def test_import_never_overwrites_user_state(seeded, tmp_path):
    paper = seeded.resolve("2305.00833")
    seeded.set_rating([paper], 5)
    seeded.set_status([paper], "read")
    seeded.set_note(paper, "my *own* note")
    seeded.queue_add([paper])
    seeded.set_dismissed([paper])
    state = seeded.snapshot([paper])
    seeded.import_paths(all_dumps(tmp_path / "again"))
    seeded.import_text(dump_copy(ARXIV, tmp_path / "x").read_text(), name="pasted")
    assert seeded.snapshot([paper]) == state


ABSTRACT = ("We introduce a method for training agents that explore their environment "
            "using intrinsic rewards computed from episodic memory and show strong results "
            "across many procedurally generated benchmark tasks in reinforcement learning.")
REWORDED = ("This work proposes training exploring agents with intrinsic rewards derived from "
            "episodic memory; experiments show results on procedurally generated benchmark "
            "suites in reinforcement learning, including hard exploration games.")


def _import_unsure_pair(library):
    library.import_text(f"LGJan 5, 2023\nEpisodic Exploration\n\nAnn Lee, Bo Chen\n\n{ABSTRACT}\n",
                        name="a.txt")
    return library.import_text(f"{REWORDED}\narXiv:2401.00001\n", name="b.txt")


def test_possible_duplicate_is_asked_not_merged(library):
    report = _import_unsure_pair(library)
    assert report.possible_duplicates == 1 and report.merged == 0
    assert library.stats()["papers"] == 2
    pair = library.possible_duplicates()[0]
    library.set_rating([pair["paper_id"]], 3)
    library.set_note(pair["other_id"], "first note")
    library.set_note(pair["paper_id"], "second note")
    kept = library.confirm_duplicate(pair["id"])
    assert library.stats()["papers"] == 1
    merged = library.paper(kept)
    assert merged["title"] == "Episodic Exploration" and merged["arxiv_id"] == "2401.00001"
    assert sorted(s["file"] for s in merged["sightings"]) == ["a.txt", "b.txt"]
    assert merged["rating"] == 3
    assert merged["note"] == "first note\n\nsecond note"


def test_rejected_duplicate_keeps_both_and_is_not_asked_again(library):
    _import_unsure_pair(library)
    pair = library.possible_duplicates()[0]
    library.reject_duplicate(pair["id"])
    assert library.possible_duplicates() == []
    assert library.stats()["papers"] == 2
    again = library.import_text(f"{REWORDED}\narXiv:2401.00001\n", name="b.txt")
    assert again.unchanged == 1 and library.possible_duplicates() == []


def test_failed_file_changes_nothing(seeded, tmp_path):
    before = seeded.stats()
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02binary\xff" * 100)
    report = seeded.import_file(bad)
    assert report.failed and "binary" in report.failed
    assert seeded.stats() == before


def test_resolve_names_papers_by_id_or_arxiv(seeded):
    paper = seeded.resolve("arXiv:2401.10020v2")
    assert seeded.resolve(str(paper)) == paper
    with pytest.raises(LibraryError):
        seeded.resolve("9999.99999")
    with pytest.raises(LibraryError):
        seeded.resolve("123456")


def test_queue_order_and_moves(seeded):
    ids = seeded.view_ids("all", sort="id")[:4]
    seeded.queue_add(ids)
    seeded.queue_move(ids[3], 1)
    assert seeded.queue() == [ids[3], ids[0], ids[1], ids[2]]
    seeded.queue_remove([ids[0]])
    assert seeded.queue() == [ids[3], ids[1], ids[2]]
    rows = seeded.export_rows(seeded.queue())
    assert [r["queue_position"] for r in rows] == [1, 2, 3]


def test_snapshot_restore_undoes_bulk_changes(seeded):
    ids = seeded.view_ids("all", sort="id")[:3]
    seeded.queue_add([ids[1]])
    snap = seeded.snapshot(ids)
    seeded.set_rating(ids, 4)
    seeded.set_dismissed(ids)
    seeded.queue_remove(ids)
    seeded.restore(snap)
    assert seeded.snapshot(ids) == snap
    assert seeded.queue() == [ids[1]]


def test_views(seeded):
    ids = seeded.view_ids("all", sort="id")
    seeded.set_status(ids[:2], "read")
    seeded.set_rating(ids[2:5], 4)
    seeded.set_dismissed(ids[5:6])
    assert seeded.view_count("read") == 2
    assert seeded.view_count("starred") == 3
    assert seeded.view_count("inbox") == 161 - 2 - 1
    assert seeded.view_count("dismissed") == 1
    newest = seeded.imports()[0]
    assert seeded.view_count("new") == 161  # the four files were one import
    assert seeded.view_count(f"import:{newest['id']}") == 43


def test_new_since_last_import_is_the_last_import_action(seeded, tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "more.txt").write_text(
        "LGJan 5, 2024\nA Paper Nobody Imported Before\n\nAda Lovelace, Alan Turing\n\n"
        + "A fresh abstract long enough to read as prose for the parser to accept. " * 3,
        encoding="utf-8")
    seeded.import_paths([extra / "more.txt", dump_copy(COMPACT, tmp_path / "again")])
    assert seeded.view_count("new") == 1  # the compact papers were seen before


def test_search_filters_combine_with_text(seeded):
    nethack = seeded.search("nethack", limit=None)
    assert len(nethack) >= 3
    seeded.set_rating(nethack[:1], 5)
    assert seeded.search("nethack rating:>=4", limit=None) == nethack[:1]
    assert nethack[0] not in seeded.search("nethack -rating:5", limit=None)
    assert seeded.search("author:raileanu exploration", limit=3)
    note_paper = nethack[-1]
    seeded.set_note(note_paper, "zanzibar reminder")
    seeded.sync_index()
    assert seeded.search("note:zanzibar", limit=None) == [note_paper]


def test_check_finds_and_repairs_a_deleted_index(seeded):
    assert seeded.check().in_step
    seeded.close()
    import shutil

    shutil.rmtree(seeded.root / "index")
    with Library(seeded.root) as again:
        report = again.check()
        assert not report.in_step
        again.check(repair=True)
        assert again.check().in_step
        assert again.search("nethack", limit=None)


def test_a_corrupt_index_is_rebuilt_from_the_store(seeded):
    seeded.close()
    index_dir = seeded.root / "index"
    for path in index_dir.iterdir():
        if path.is_file():
            path.write_bytes(b"\x00garbage" * 64)
    with Library(seeded.root) as again:
        report = again.check()  # opening the unreadable index recreates it empty
        assert not report.in_step and report.indexed == 0
        assert again.store.pending_count() == 161  # everything queued for the index again
        again.check(repair=True)
        assert again.check().in_step
        assert again.search("nethack", limit=None)
