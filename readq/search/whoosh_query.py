"""The Whoosh backend of the query syntax: a query tree becomes a Whoosh query.

:func:`to_whoosh` expands the engine-neutral tree of :mod:`readq.search.query`
the way readq ranks: an unfielded word is an OR over the text fields with the
field weights of :data:`readq.search.schema.FIELD_BOOSTS`; a plain word in a
stemmed field also matches other English forms of it (:class:`StemVariants`,
at :data:`readq.search.schema.STEM_WEIGHT` of the field's weight); a word that
analyses to several words ("GPT-4") is a phrase. Scoring is Whoosh's BM25F.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice, product
from collections.abc import Callable, Collection
from typing import Any

from whoosh import query as wq
from whoosh.lang.porter import stem as porter_stem
from whoosh.support.levenshtein import damerau_levenshtein

from readq.search import query as q
from readq.search.normalize import normalize_arxiv_id
from readq.search.schema import FIELD_BOOSTS, STEM_WEIGHT, STEMMED_FIELDS, TEXT_ANALYZER
from readq.text import fold

__all__ = ["FormsPhrase", "StemVariants", "Typo", "to_whoosh", "analyze", "stem"]

# Unfielded nodes of each kind are searched in these fields.
_WORD_FIELDS = ("title", "authors", "abstract", "note", "arxiv_id")
_PHRASE_FIELDS = ("title", "authors", "abstract", "note")
_PREFIX_FIELDS = ("title", "authors", "abstract", "note", "arxiv_id")
_FUZZY_FIELDS = ("title", "authors", "abstract", "note")
# Plain words that may be (the start of) an arXiv id: 2401.10020, hep-th/9901001
_ARXIV_LIKE = re.compile(r"(?i)(?:arxiv:)?(?:\d{4}(?:\.\d*)?(?:v\d+)?|[a-z-]+(?:\.[a-z]{2})?/\d+)$")
_FUZZY_PREFIX_LENGTH = 1  # matched words share the first letter: keeps fuzzy fast
_MIN_STEM_WORD = 4  # shorter words ("rl", "gpt") are only matched exactly
_KEYWORD_FIELDS = ("category", "orgs", "arxiv_id")


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The English (Porter) stem of a folded word."""
    return str(porter_stem(word))


@lru_cache(maxsize=4096)
def analyze(text: str) -> tuple[str, ...]:
    """The words of ``text`` as the index sees them (folded)."""
    return tuple(t.text for t in TEXT_ANALYZER(text, mode="query"))


class StemVariants(wq.ExpandingTerm):
    """Matches every indexed word of a field with the same English (Porter)
    stem as ``text``: "transformer" -> transformer, transformers, transform…

    Stemming at query time instead of indexing stemmed copies: the field's
    words starting with the stem (minus its last letter, as Porter turns a
    final "y" into "i") are stemmed and compared.
    """

    def __init__(self, fieldname: str, text: str, boost: float = 1.0) -> None:
        self.fieldname = fieldname
        self.text = text
        self.boost = boost

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.fieldname!r}, {self.text!r}, boost={self.boost})"

    def __str__(self) -> str:
        return f"{self.fieldname}:~{self.text}~"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, StemVariants)
            and type(other) is type(self)
            and (self.fieldname, self.text, self.boost)
            == (other.fieldname, other.text, other.boost)
        )

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.fieldname, self.text, self.boost))

    def _btexts(self, ixreader: Any) -> list[bytes]:
        target = stem(self.text)
        scan = target[:-1] if len(target) > 3 else target
        out = []
        for btext in ixreader.expand_prefix(self.fieldname, scan):
            word = btext.decode("utf-8") if isinstance(btext, bytes) else str(btext)
            if stem(word) == target:
                out.append(btext)
        return out


class Typo(wq.FuzzyTerm):
    """Words within ``maxdist`` typos of ``text`` (Damerau-Levenshtein: a swap of two
    neighbouring letters is one typo), sharing its first ``prefixlength`` letters.

    Whoosh's own FuzzyTerm counts a swap as two typos on a one-segment index and
    as one on several segments; this one counts it as one either way."""

    def _btexts(self, ixreader: Any) -> list[bytes]:
        prefix = self.text[:self.prefixlength]
        return [btext for btext in ixreader.expand_prefix(self.fieldname, prefix)
                if damerau_levenshtein(btext.decode("utf-8"), self.text,
                                       limit=self.maxdist) <= self.maxdist]


class FormsPhrase(wq.Sequence):
    """A phrase whose words also match their other English forms: a sequence of
    (word OR other forms) queries, adjacent (``slop`` 1) or up to ``slop`` apart."""


def _or(items: list[wq.Query]) -> wq.Query | None:
    items = [i for i in items if i is not None]
    if not items:
        return None
    return items[0] if len(items) == 1 else wq.Or(items)


def _word(field: str, text: str, exact: bool, boost: float) -> wq.Query | None:
    if field in _KEYWORD_FIELDS:
        value = normalize_arxiv_id(text) if field == "arxiv_id" and not exact else text
        return wq.Term(field, value, boost=boost) if value else None
    words = analyze(text)
    if not words:
        return None
    if len(words) > 1:
        return wq.Phrase(field, list(words), boost=boost)
    return _single_word(field, words[0], exact, boost)


def _has_forms(field: str, word: str) -> bool:
    """Whether a plain ``word`` in ``field`` also matches its other English forms."""
    return (field in STEMMED_FIELDS and len(word) >= _MIN_STEM_WORD
            and not any(ch.isdigit() for ch in word))


def _single_word(field: str, word: str, exact: bool, boost: float) -> wq.Query:
    """One analysed word: the word itself, plus its other forms unless ``exact``."""
    term = wq.Term(field, word, boost=boost)
    if exact or not _has_forms(field, word):
        return term
    return wq.Or([term, StemVariants(field, word, boost=boost * STEM_WEIGHT)])


def _fields(node_field: str | None, default: tuple[str, ...], text: str) -> list[tuple[str, float]]:
    """(field, boost) pairs a node is searched in."""
    if node_field is not None:
        return [(node_field, 1.0)]
    return [(f, FIELD_BOOSTS.get(f, 1.0)) for f in default
            if f != "arxiv_id" or _ARXIV_LIKE.match(text)]


def _leaf(node: q.QueryNode) -> wq.Query | None:
    if isinstance(node, q.Word):
        return _or([_word(f, node.text, node.exact, b)
                    for f, b in _fields(node.field, _WORD_FIELDS, node.text)])
    if isinstance(node, q.Phrase):
        words = analyze(node.text)
        if not words:
            return None
        out = []
        for f, b in _fields(node.field, _PHRASE_FIELDS, node.text):
            if len(words) == 1:
                out.append(_word(f, node.text, node.exact, b))
            elif node.exact or not any(_has_forms(f, w) for w in words):
                out.append(wq.Phrase(f, list(words), slop=node.slop, boost=b))
            else:
                out.append(FormsPhrase([_single_word(f, w, False, 1.0) for w in words],
                                       slop=node.slop, boost=b))
        return _or(out)
    if isinstance(node, q.Prefix):
        text = fold(node.text)
        return _or([wq.Prefix(f, text, boost=b)
                    for f, b in _fields(node.field, _PREFIX_FIELDS, node.text)])
    if isinstance(node, q.Wildcard):
        text = fold(node.pattern)
        return _or([wq.Wildcard(f, text, boost=b)
                    for f, b in _fields(node.field, _FUZZY_FIELDS, node.pattern)])
    if isinstance(node, q.Fuzzy):
        out = []
        for f, b in _fields(node.field, _FUZZY_FIELDS, node.text):
            words = analyze(node.text)
            if len(words) == 1:
                out.append(Typo(f, words[0], boost=b, maxdist=node.distance,
                                prefixlength=_FUZZY_PREFIX_LENGTH))
            elif words:
                out.append(wq.Phrase(f, list(words), boost=b))
        return _or(out)
    if isinstance(node, q.YearRange):
        if node.lo is not None and node.lo == node.hi:
            return wq.Term("year", node.lo)
        return wq.NumericRange("year", node.lo, node.hi, node.lo_excl, node.hi_excl)
    raise TypeError(f"unknown query node {node!r}")


def _compile(node: q.QueryNode) -> wq.Query | None:
    if isinstance(node, q.And):
        kids = [c for c in (_compile(c) for c in node.children) if c is not None]
        return None if not kids else kids[0] if len(kids) == 1 else wq.And(kids)
    if isinstance(node, q.Or):
        return _or([_compile(c) for c in node.children])
    if isinstance(node, q.Not):
        child = _compile(node.child)
        return None if child is None else wq.Not(child)
    return _leaf(node)


def to_whoosh(node: q.QueryNode | None) -> wq.Query | None:
    """The Whoosh query for a query tree (None: nothing searchable in it)."""
    if node is None:
        return None
    compiled = _compile(node)
    if compiled is None:
        return None
    compiled = compiled.normalize()
    if compiled is wq.NullQuery or isinstance(compiled, type(wq.NullQuery)):
        return None
    return compiled


def _forms(word: wq.Query, reader: Any,
           expand: Callable[[wq.Query], list[bytes]] | None) -> list[str]:
    """A phrase word's forms: the typed one, then the other forms in the index."""
    out: list[str] = []
    for leaf in word.subqueries if isinstance(word, wq.Or) else [word]:
        if isinstance(leaf, StemVariants):
            found = (expand(leaf) if expand is not None
                     else [b for _f, b in leaf.expanded_terms(reader)])
            out.extend(b.decode("utf-8") if isinstance(b, bytes) else str(b) for b in found)
        elif isinstance(leaf, wq.Term):
            out.append(str(leaf.text))
    return list(dict.fromkeys(out))


def highlight_terms(compiled: wq.Query, reader: Any, text_fields: Collection[str],
                    max_expansions: int,
                    expand: Callable[[wq.Query], list[bytes]] | None = None) -> list[str]:
    """The words, phrases and prefixes a compiled query looks for in ``text_fields``,
    folded, in query order, without duplicates: negated parts left out, prefixes
    without the ``*``, a fuzzy word (or a stem's variants) as the indexed words it
    matches in ``reader`` (at most ``max_expansions`` each; ``expand``, when given,
    finds them instead of Whoosh's own expansion)."""
    out: list[str] = []
    seen: set[str] = set()

    def add(term: str) -> None:
        term = fold(term).strip()
        if term and term not in seen:
            seen.add(term)
            out.append(term)

    def walk(node: wq.Query) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, FormsPhrase):
            first = node.subqueries[0]
            leaf = first.subqueries[0] if isinstance(first, wq.Or) else first
            if getattr(leaf, "fieldname", None) not in text_fields:
                return
            # the phrase in each combination of its words' forms, typed forms first
            forms = [_forms(child, reader, expand) for child in node.subqueries]
            for combination in islice(product(*forms), max_expansions):
                add(" ".join(combination))
            return
        if isinstance(node, wq.AndNot):
            walk(node.a)
            return
        if node.is_leaf():
            field = getattr(node, "fieldname", None)
            if field not in text_fields:
                return
            if isinstance(node, wq.Phrase):
                add(" ".join(node.words))
            elif isinstance(node, wq.FuzzyTerm | StemVariants):
                found = (expand(node) if expand is not None
                         else [b for f, b in node.expanded_terms(reader) if f == field])
                for btext in found[:max_expansions]:
                    add(btext.decode("utf-8") if isinstance(btext, bytes) else str(btext))
            elif isinstance(node, wq.Prefix):
                add(node.text)
            elif isinstance(node, wq.Wildcard):
                add(node.text.split("*")[0])
            elif isinstance(node, wq.Term):
                add(str(node.text))
            return
        for child in node.children():
            walk(child)

    walk(compiled)
    return out
