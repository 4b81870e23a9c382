"""Prefix, wildcard, typo and other-forms words expand, from readq's sorted word
lists, to exactly the words Whoosh's own expansion finds in its term dictionary."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from whoosh import query as wq
from whoosh.reading import IndexReader

from benchmarks.generate import Generator
from readq.search.bounds import MAX_EXPANSIONS
from readq.search.index import IndexDoc, SearchIndex
from readq.search.query import QueryError
from readq.search.terms import typo_distances
from readq.search.whoosh_query import StemVariants, Typo
from whoosh.support.levenshtein import damerau_levenshtein

FIELDS = ("title", "authors", "abstract")


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    ix = SearchIndex(tmp_path_factory.mktemp("expansion") / "ix")
    ix.open()
    docs = [IndexDoc(id=i, title=p.title, authors=p.authors, orgs=p.orgs, abstract=p.abstract,
                     note="", category=p.category, year=p.year, arxiv_id=p.arxiv_id)
            for i, p in enumerate(Generator(seed=7).papers(900), start=1)]
    for start in range(0, 900, 300):  # three segments: words spread over them
        ix.upsert(docs[start:start + 300], merge=False)
    ix.delete([5, 400])
    yield ix
    ix.close()


def _both(index: SearchIndex, q: wq.Query, whoosh_words: Iterator[bytes]) -> tuple[list, list]:
    fast = index._fast_searcher(index._current_searcher())
    theirs = sorted({b if isinstance(b, bytes) else b.encode() for b in whoosh_words})
    try:
        ours = sorted(fast.expand(q))
    except QueryError:
        assert len(theirs) > MAX_EXPANSIONS, q
        return theirs, theirs
    return ours, theirs


def _sample_words(index: SearchIndex, field: str, n: int, seed: int) -> list[str]:
    reader = index._current_searcher().reader()
    words = [b.decode() for b in reader.lexicon(field) if len(b) >= 4]
    return random.Random(seed).sample(words, min(n, len(words)))


def test_the_index_has_several_segments(index: SearchIndex) -> None:
    assert len(index._current_searcher().reader().leaf_readers()) == 3


@pytest.mark.parametrize("field", FIELDS)
def test_prefixes_and_wildcards_match_whoosh(index: SearchIndex, field: str) -> None:
    reader = index._current_searcher().reader()
    checked = 0
    for word in _sample_words(index, field, 30, 1):
        for prefix in {word[:1], word[:2], word[:3], word[:-1], word}:
            q = wq.Prefix(field, prefix)
            ours, theirs = _both(index, q, q._btexts(reader))
            assert ours == theirs, prefix
            checked += bool(theirs)
        pattern = f"{word[:2]}*{word[-2:]}"
        q = wq.Wildcard(field, pattern)
        ours, theirs = _both(index, q, q._btexts(reader))
        assert ours == theirs and theirs, pattern
    assert checked > 100


@pytest.mark.parametrize("field", FIELDS)
def test_typos_match_whoosh(index: SearchIndex, field: str) -> None:
    reader = index._current_searcher().reader()
    rng = random.Random(2)
    found = 0
    for word in _sample_words(index, field, 12, 3):
        k = rng.randrange(1, len(word))
        variants = {word, word[:k] + word[k + 1:], word[:k] + "e" + word[k:],
                    word[:k - 1] + word[k] + word[k - 1] + word[k + 1:]}  # a drop, an add, a swap
        for typo in variants:
            for maxdist in (1, 2):
                q = Typo(field, typo, maxdist=maxdist, prefixlength=1)
                # Whoosh's own Damerau-Levenshtein expansion (that of a multi-segment reader)
                theirs_words = (w.encode() for w in IndexReader.terms_within(
                    reader, field, typo, maxdist, prefix=1))
                ours, theirs = _both(index, q, theirs_words)
                assert ours == theirs, (typo, maxdist)
                found += len(theirs)
    assert found > 40


@pytest.mark.parametrize("field", ("title", "abstract"))
def test_other_forms_match_whoosh(index: SearchIndex, field: str) -> None:
    reader = index._current_searcher().reader()
    for word in _sample_words(index, field, 40, 4):
        q = StemVariants(field, word)
        expanded = list(q._btexts(reader))
        ours, theirs = _both(index, q, iter(expanded))
        assert ours == theirs and word.encode() in ours, word


def test_typo_distances_match_whoosh_on_awkward_words() -> None:
    words = ["", "a", "ab", "ba", "abc", "acb", "bca", "transformer", "transfomer",
             "trasnformer", "tansformer", "transformers", "ça", "naïve", "naive", "aaaa"]
    for query in ("abc", "transformer", "naive", "a", "ba"):
        ours = typo_distances(query, words).tolist()
        assert ours == [damerau_levenshtein(w, query) for w in words], query
