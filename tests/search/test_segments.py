"""Segments: syncs add unmerged segments (searchable at once), a background merge
joins the small ones and never rewrites a large one, search stays right throughout."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from readq.indexing import ConcurrentIndexer, index_alongside
from readq.library import Library
from readq.search import index as index_module
from readq.search.index import IndexDoc, SearchIndex
from readq.search.query import parse_query
from tests.helpers import all_dumps
from tests.search.test_ranking_equivalence import _docs, _overlap, _whoosh_top

QUERIES = ("policy", "reinforcement agent", '"language model"', "optim*", "transfomer~",
           "learning year:[2018 TO 2020]", "author:tanaka")


def _everything(index: SearchIndex, raw: str) -> set[int]:
    return set(index.search(parse_query(raw), limit=None))


def test_search_is_right_across_many_unmerged_segments_with_deletions(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "ix")
    index.open()
    docs = _docs(300)
    for start in range(0, 300, 25):  # twelve syncs: twelve segments, none merged
        index.upsert(docs[start:start + 25], merge=False)
    assert len(index.segment_sizes()) == 12
    gone = [3, 30, 77, 150, 299]
    index.delete(gone, merge=False)
    changed = IndexDoc(id=40, title="Policy policy policy", authors=["A B"], orgs=[],
                       abstract="policy", note="", category="LG", year=2020, arxiv_id=None)
    index.upsert([changed], merge=False)  # replaces paper 40: a 13th segment
    assert len(index.segment_sizes()) == 13
    for raw in QUERIES:
        ours = index.search(parse_query(raw), limit=50)
        assert not set(gone) & set(ours), raw
        assert len(ours) == len(set(ours)), raw
        assert _everything(index, raw) == set(_whoosh_top(index, raw, 1000)), raw
        if not raw.endswith(("*", "~")):  # Whoosh expands those per segment (its quirk)
            assert _overlap(ours, _whoosh_top(index, raw, 50)) >= 0.9, raw
    assert index.search(parse_query("policy"), limit=1) == [40]
    before = {raw: _everything(index, raw) for raw in QUERIES}

    assert index.merge_small() == 13
    assert index.segment_sizes() == [300 - len(gone)]  # deleted papers dropped
    for raw in QUERIES:  # the same papers match; the deleted stay out
        assert _everything(index, raw) == before[raw], raw
    assert index.search(parse_query("policy"), limit=1) == [40]
    assert index.merge_small() == 0  # nothing left to merge
    index.close()


def test_an_updated_paper_is_found_once_by_a_searcher_opened_before(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "ix")
    index.open()
    docs = _docs(40)
    index.upsert(docs)
    word = docs[0].title.split()[-1].lower()
    assert index.search(parse_query(f"title:{word}")) == [1]  # the searcher stays open
    index.upsert([dataclasses.replace(docs[0], note="a note")], merge=False)
    assert index.search(parse_query(f"title:{word}")) == [1]
    assert index.search(parse_query("note")) == [1]
    index.upsert(docs[1:3], merge=False)
    index.merge_small()  # what a merge replaced is gone from the next search
    assert index.search(parse_query(f"title:{word}")) == [1]
    assert len(index.search(parse_query("learning"), limit=None)) == len(
        set(index.search(parse_query("learning"), limit=None)))
    index.close()


def test_merge_leaves_large_segments_alone(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_module, "SMALL_SEGMENT_DOCS", 40)
    index = SearchIndex(tmp_path / "ix")
    index.open()
    docs = _docs(160)
    index.upsert(docs[:100], bulk=True, merge=False)  # the large one
    for start in range(100, 160, 20):
        index.upsert(docs[start:start + 20], merge=False)
    big = [s.segment_id() for s in index._require()._segments() if s.doc_count_all() == 100]
    assert sorted(index.segment_sizes()) == [20, 20, 20, 100]
    assert index.small_segments() == 3
    assert index.merge_small() == 3
    assert sorted(index.segment_sizes()) == [60, 100]
    assert [s.segment_id() for s in index._require()._segments()
            if s.doc_count_all() == 100] == big  # not rewritten
    assert len(_everything(index, "learning")) > 0
    index.close()


def test_syncs_leave_segments_unmerged_until_they_pile_up(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_module, "MAX_SMALL_SEGMENTS", 3)
    with Library(tmp_path / "lib") as library:
        dumps = all_dumps(tmp_path / "dumps")
        library.import_paths(dumps[:1])
        library.sync_index()
        ids = library.store.all_ids()
        assert library.merge_index() == 0  # one segment: nothing to do
        for paper_id in ids[:4]:  # four notes, four syncs: four more segments
            library.set_note(paper_id, f"remember zyxwv{paper_id}")
            library.sync_index()
            assert library.search(f"zyxwv{paper_id}") == [paper_id]  # searchable at once
        assert len(library.index.segment_sizes()) == 5
        assert library.index_needs_merge()
        assert library.merge_index() == 5
        assert len(library.index.segment_sizes()) == 1
        for paper_id in ids[:4]:
            assert library.search(f"zyxwv{paper_id}") == [paper_id]
        assert library.check().in_step


@pytest.mark.skipif(os.name != "posix", reason="the child indexer needs POSIX pipes")
def test_a_single_dump_is_indexed_while_it_is_stored(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    dumps = all_dumps(tmp_path / "dumps")
    big = max(dumps, key=lambda p: p.stat().st_size)
    assert index_alongside(dumps[:2])
    assert not index_alongside([tmp_path / "missing.txt"])
    with Library(tmp_path / "lib") as library:
        with ConcurrentIndexer(library.root):
            reports = library.import_paths([big])
        assert reports[0].new > 0
        # the child indexed every stored paper before it stopped: nothing is left
        assert library.pending_index_count() == 0
        assert library.check().in_step
        title = library.paper(library.store.all_ids()[0])["title"]
        assert library.search(f'title:"{title}"', limit=5)


def test_one_merge_takes_the_smallest_segments_up_to_its_budget(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_module, "MERGE_MAX_DOCS", 50)
    index = SearchIndex(tmp_path / "ix")
    index.open()
    docs = _docs(100)
    for start, size in ((0, 40), (40, 30), (70, 10), (80, 10), (90, 10)):
        index.upsert(docs[start:start + size], merge=False)
    assert index.merge_small() == 3  # 10 + 10 + 10; adding 30 would pass 50
    assert sorted(index.segment_sizes()) == [30, 30, 40]
    assert index.merge_small() == 2  # 30 + 30 → 60: two at least, even past the budget
    assert sorted(index.segment_sizes()) == [40, 60]
    assert len(set(index.search(parse_query("learning"), limit=None))) == len(
        index.search(parse_query("learning"), limit=None))
    index.close()
