"""The indexed words of each field, sorted in memory, and what a pattern expands to.

A prefix (``optim*``), wildcard (``tr*ns*``), typo (``transfomer~``) or other-forms
word stands for the indexed words it matches. Whoosh finds them by walking its
term dictionary in Python — merged across segments, one term at a time — which
took most of a second the first time a query was typed at 100,000 papers.

Here each segment's words of a field are read once into a sorted list
(:class:`FieldTerms`, kept per segment: segments never change, so a new segment
adds its own list and the others are reused) and a pattern is answered from it:

* a prefix is a slice found by binary search;
* a wildcard is the slice of its literal start, filtered by its pattern;
* a typo word is the slice of words sharing its first letter, narrowed by
  length, then Damerau-Levenshtein distances computed for all of them at once
  with numpy (one row of the table per letter of the word, over every candidate);
* other forms are the slice of the stem's start, filtered by stem.

The words found are those Whoosh's own expansion finds (a test compares them).
A pattern that matches more than :data:`readq.search.bounds.MAX_EXPANSIONS`
words is refused with a :class:`readq.search.query.QueryError`.
"""

from __future__ import annotations

import fnmatch
import re
from bisect import bisect_left
from collections.abc import Iterable

import numpy as np

from readq.search.bounds import MAX_EXPANSION_POSTINGS, MAX_EXPANSIONS, too_many_expansions
from readq.search.whoosh_query import stem

__all__ = ["FieldTerms", "expand_prefix", "expand_wildcard", "expand_typo",
           "expand_forms", "typo_distances"]

_WILDCARD_CHARS = frozenset("*?[")


class FieldTerms:
    """One segment's indexed words of one field: sorted, with their lengths and how
    many documents each is in."""

    __slots__ = ("words", "lengths", "_counts")

    def __init__(self, words: Iterable[str], doc_counts: Iterable[int] = ()) -> None:
        self.words: list[str] = list(words)  # sorted: Whoosh's byte order is code point order
        self.lengths = np.fromiter((len(w) for w in self.words), dtype=np.int32,
                                   count=len(self.words))
        counts = np.fromiter(doc_counts, dtype=np.int64)
        if len(counts) != len(self.words):
            counts = np.zeros(len(self.words), dtype=np.int64)
        self._counts = np.concatenate(([0], np.cumsum(counts)))  # running totals

    @classmethod
    def read(cls, reader: object, field: str) -> FieldTerms:
        """The words of ``field`` in one Whoosh segment reader."""
        if field not in reader.indexed_field_names():  # type: ignore[attr-defined]
            return cls([])
        pairs = [(b.decode("utf-8"), info.doc_frequency())
                 for b, info in reader.iter_field(field)]  # type: ignore[attr-defined]
        return cls((w for w, _n in pairs), (n for _w, n in pairs))

    def nbytes(self) -> int:
        """Rough memory held (the strings, their lengths and document counts)."""
        return sum(len(w) + 50 for w in self.words) + self.lengths.nbytes + self._counts.nbytes

    def span(self, prefix: str) -> tuple[int, int]:
        """Index range of the words starting with ``prefix``."""
        lo = bisect_left(self.words, prefix)
        if not prefix:
            return lo, len(self.words)
        return lo, bisect_left(self.words, prefix + "\U0010ffff", lo)

    def doc_counts(self) -> np.ndarray:
        """How many documents each word is in (in word order)."""
        return np.diff(self._counts)

    def postings(self, lo: int, hi: int) -> int:
        """How many postings the words ``lo:hi`` have (documents summed over words)."""
        return int(self._counts[hi] - self._counts[lo])

    def postings_of(self, indices: np.ndarray) -> int:
        """How many postings the words at ``indices`` have."""
        return int((self._counts[indices + 1] - self._counts[indices]).sum())


class _Found:
    """Words found across segments, refused once they are too many to score quickly."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.words: set[str] = set()
        self.postings = 0

    def add(self, words: Iterable[str], postings: int) -> None:
        self.words.update(words)
        self.postings += postings
        self.check()

    def check(self) -> None:
        if len(self.words) > MAX_EXPANSIONS or self.postings > MAX_EXPANSION_POSTINGS:
            raise too_many_expansions(self.shown, len(self.words), self.postings)

    def sorted(self) -> list[str]:
        return sorted(self.words)


def expand_prefix(lists: list[FieldTerms], prefix: str) -> list[str]:
    """Every word starting with ``prefix`` in any of the segments' lists."""
    found = _Found(prefix + "*")
    for terms in lists:
        lo, hi = terms.span(prefix)
        if hi - lo > MAX_EXPANSIONS:
            raise too_many_expansions(found.shown, hi - lo, terms.postings(lo, hi))
        found.add(terms.words[lo:hi], terms.postings(lo, hi))
    return found.sorted()


def expand_wildcard(lists: list[FieldTerms], pattern: str) -> list[str]:
    """Every word matching the glob ``pattern`` (``*``, ``?``, ``[…]`` as fnmatch)."""
    literal = pattern
    for i, ch in enumerate(pattern):
        if ch in _WILDCARD_CHARS:
            literal = pattern[:i]
            break
    match = re.compile(fnmatch.translate(pattern)).match
    found = _Found(pattern)
    for terms in lists:
        lo, hi = terms.span(literal)
        hits = np.array([k for k in range(lo, hi) if match(terms.words[k])], dtype=np.int64)
        found.add((terms.words[k] for k in hits.tolist()), terms.postings_of(hits))
    return found.sorted()


def expand_forms(lists: list[FieldTerms], word: str) -> list[str]:
    """Every word with the same English stem as ``word``, found among the words
    that start with the stem less its last letter (Porter turns a final "y" into
    "i"), as :class:`readq.search.whoosh_query.StemVariants` does."""
    target = stem(word)
    scan = target[:-1] if len(target) > 3 else target
    found: set[str] = set()
    for terms in lists:
        lo, hi = terms.span(scan)
        found.update(w for w in terms.words[lo:hi] if stem(w) == target)
    return sorted(found)


def expand_typo(lists: list[FieldTerms], word: str, maxdist: int,
                prefixlength: int) -> list[str]:
    """Every word within ``maxdist`` Damerau-Levenshtein edits of ``word`` that
    shares its first ``prefixlength`` letters."""
    found = _Found(f"{word}~{maxdist}")
    for terms in lists:
        lo, hi = terms.span(word[:prefixlength])
        if lo == hi:
            continue
        near = np.flatnonzero(np.abs(terms.lengths[lo:hi] - len(word)) <= maxdist) + lo
        if not len(near):
            continue
        candidates = [terms.words[k] for k in near.tolist()]
        close = near[typo_distances(word, candidates) <= maxdist]
        found.add((terms.words[k] for k in close.tolist()), terms.postings_of(close))
    return found.sorted()


def typo_distances(word: str, candidates: list[str]) -> np.ndarray:
    """The optimal-string-alignment (Damerau-Levenshtein, each letter edited at
    most once) distance from ``word`` to each candidate, for all at once."""
    n = len(candidates)
    if not n:
        return np.zeros(0, dtype=np.int32)
    width = max(1, max(len(c) for c in candidates))
    # One row per candidate letter position; padding is code 0, never a letter.
    codes = np.array(candidates, dtype=f"<U{width}").view(np.uint32).reshape(n, width).T
    lengths = np.fromiter((len(c) for c in candidates), dtype=np.int64, count=n)
    letters = [ord(ch) for ch in word]
    # rows[i][j]: distance between word[:i] and candidate[:j], over every candidate.
    before = None
    previous = np.repeat(np.arange(width + 1, dtype=np.int32)[:, None], n, axis=1)
    for i, letter in enumerate(letters, start=1):
        current = np.empty_like(previous)
        current[0] = i
        differs = codes != letter  # (width, n)
        for j in range(1, width + 1):
            best = np.minimum(previous[j] + 1, current[j - 1] + 1)
            np.minimum(best, previous[j - 1] + differs[j - 1], out=best)
            if before is not None and j > 1:
                swapped = ((codes[j - 2] == letter) & (codes[j - 1] == letters[i - 2])
                           & differs[j - 1])
                np.minimum(best, np.where(swapped, before[j - 2] + 1, best), out=best)
            current[j] = best
        before, previous = previous, current
    return previous[lengths, np.arange(n)]
