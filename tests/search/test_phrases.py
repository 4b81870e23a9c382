"""Phrases: word pairs of common words, positions for the rest, Whoosh's result either way."""

from __future__ import annotations

from pathlib import Path

from readq.search.index import IndexDoc, SearchIndex
from readq.search.query import parse_query
from readq.search.schema import COMMON_WORDS
from readq.search.whoosh_query import to_whoosh

ABSTRACTS = [
    "A large language model is trained on the data.",  # 1
    "The language of the model is large.",  # 2: same words, no phrase
    "We study the nethack learning environment with a language model.",  # 3
    "Learning environment design for nethack agents.",  # 4: rare word, not the phrase
    "State of the art results on the nethack learning environment benchmark.",  # 5
]


def _index(tmp_path: Path) -> SearchIndex:
    index = SearchIndex(tmp_path / "ix")
    index.open()
    index.upsert([IndexDoc(id=i, title="", authors=[], orgs=[], abstract=a, note="",
                           category=None, year=None, arxiv_id=None)
                  for i, a in enumerate(ABSTRACTS, start=1)])
    return index


def test_phrases_match_exactly_what_whoosh_matches(tmp_path: Path) -> None:
    assert {"language", "model", "the", "state", "of", "art"} <= COMMON_WORDS
    assert "nethack" not in COMMON_WORDS
    index = _index(tmp_path)
    expected = {
        '"language model"': {1, 3},  # two common words: the pair decides
        '"large language model"': {1},  # three common words: pairs, then positions
        '"nethack learning environment"': {3, 5},  # a rare word: positions
        '"state of the art"': {5},
        '"the language"': {2},
        '"model is large"': {2},
    }
    with index._require().searcher() as searcher:
        for raw, ids in expected.items():
            assert set(index.search(parse_query(raw), limit=None)) == ids, raw
            whoosh_ids = {int(h["id"]) for h in searcher.search(
                to_whoosh(parse_query(raw).text), limit=None)}
            assert whoosh_ids == ids, raw
    index.close()
