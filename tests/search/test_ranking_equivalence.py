"""readq ranks exactly as Whoosh's own BM25F search does.

The numpy scorer (readq.search.fast) must give the same top 50 as Whoosh's
searcher on a single-segment index, for every query kind, including the
weights of other word forms, prefixes and typos.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from readq.search.index import IndexDoc, SearchIndex
from readq.search.query import parse_query
from readq.search.whoosh_query import to_whoosh

from benchmarks.generate import Generator

QUERIES = [
    "learning", "model", "calibration", "reinforcement agent", "neural network",
    "sparse attention retrieval", "large language models", '"language model"',
    '"large language models"', "author:küttler", "author:tanaka reinforcement",
    "title:diffusion", "policy year:[2018 TO 2020]", "year:>=2022 reward", "transfomer~",
    "reinforcment~2", "optim*", "transf*", "tr*ns*", "category:LG policy", "policy OR reward",
    "(policy OR reward) agent", 'title:"language model"', "transformers", "models",
    "abstract:exploration", "org:mila", "GPT-4", '"neural network"', '"a language model"',
]


def _docs(n: int) -> list[IndexDoc]:
    out = []
    for i, p in enumerate(Generator(seed=100000).papers(n), start=1):
        # Synthetic abstracts are random words: plant some real phrases.
        abstract = p.abstract
        if i % 7 == 0:
            abstract = f"Large language models meet a neural network. {abstract}"
        if i % 11 == 0:
            abstract = f"{abstract} We compare with GPT-4 and a language model baseline."
        title = f"A language model for {p.title}" if i % 13 == 0 else p.title
        out.append(IndexDoc(id=i, title=title, authors=p.authors, orgs=p.orgs,
                            abstract=abstract, note="", category=p.category, year=p.year,
                            arxiv_id=p.arxiv_id))
    return out


@pytest.fixture(scope="module")
def single_segment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    index = SearchIndex(tmp_path_factory.mktemp("equivalence") / "ix")
    index.open()
    index.upsert(_docs(500), bulk=True)
    yield index
    index.close()


def _whoosh_top(index: SearchIndex, raw: str, limit: int) -> list[int]:
    compiled = to_whoosh(parse_query(raw).text)
    assert compiled is not None
    with index._require().searcher() as searcher:
        return [int(hit["id"]) for hit in searcher.search(compiled, limit=limit)]


def _overlap(ours: list[int], theirs: list[int]) -> float:
    return len(set(ours) & set(theirs)) / len(theirs) if theirs else float(not ours)


def test_top_50_equals_whoosh_on_a_single_segment(single_segment: SearchIndex) -> None:
    with single_segment._require().reader() as reader:
        assert len(reader.leaf_readers()) == 1
    overlaps = {}
    for raw in QUERIES:
        theirs = _whoosh_top(single_segment, raw, 50)
        ours = single_segment.search(parse_query(raw), limit=50)
        overlaps[raw] = _overlap(ours, theirs)
        assert overlaps[raw] >= 0.95, (raw, ours[:10], theirs[:10])
    assert sum(overlaps.values()) / len(overlaps) >= 0.98
    # the kinds really match something (an empty list equals an empty list)
    assert sum(bool(_whoosh_top(single_segment, raw, 50)) for raw in QUERIES) >= len(QUERIES) - 2


def test_counts_and_filter_mask_agree_with_whoosh(single_segment: SearchIndex) -> None:
    compiled = to_whoosh(parse_query("policy").text)
    with single_segment._require().searcher() as searcher:
        everything = [int(h["id"]) for h in searcher.search(compiled, limit=None)]
    hits = single_segment.search_hits(parse_query("policy"), limit=10)
    assert hits.total == len(everything) > 10
    allowed = list(range(1, 501, 3))
    masked = single_segment.search_hits(parse_query("policy"), limit=None, allowed_ids=allowed)
    assert masked.ids == [i for i in everything if i % 3 == 1]
    assert masked.total == len(masked.ids)


def test_several_segments_and_deletions(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "ix")
    index.open()
    docs = _docs(240)
    for start in range(0, 240, 80):  # three commits: three segments
        index.upsert(docs[start:start + 80])
    index.delete([5, 100, 200])
    index.upsert([IndexDoc(id=7, title="Policy policy policy", authors=["A B"], orgs=[],
                           abstract="policy", note="", category="LG", year=2020,
                           arxiv_id=None)])
    with index._require().reader() as reader:
        assert len(reader.leaf_readers()) >= 3
    for raw in ("policy", "reinforcement agent", '"language model"', "optim*", "transfomer~"):
        theirs = _whoosh_top(index, raw, 50)
        ours = index.search(parse_query(raw), limit=50)
        assert not {5, 100, 200} & set(ours)
        assert ours.count(7) <= 1
        assert _overlap(ours, theirs) >= 0.9, raw
    assert index.search(parse_query("policy"), limit=1) == [7]
    index.close()
