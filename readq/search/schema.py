"""The Whoosh schema of the search index and the text normalisation it relies on.

Shared by :mod:`readq.search.index` (writing documents) and
:mod:`readq.search.query` (parsing the search box), so both sides analyse text
the same way: words are lowercased and accent-folded ("Küttler" and "kuttler"
are the same word). Stemming ("transformer" also finds "Transformers") is
done at query time (see :class:`readq.search.query.StemVariants`), which keeps
indexing about twice as fast as indexing stemmed copies of the text.

Only ``id`` is stored; everything else is indexed but not kept, which keeps the
index small (the store is the source of truth for the text).
"""

from __future__ import annotations

import re

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    IDAnalyzer,
    LowercaseFilter,
    RegexTokenizer,
)
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.support.charset import accent_map

__all__ = [
    "TEXT_ANALYZER",
    "TEXT_FIELDS",
    "STEMMED_FIELDS",
    "FIELD_BOOSTS",
    "STEM_WEIGHT",
    "build_schema",
    "fold",
    "normalize_org",
    "normalize_arxiv_id",
]

#: Splits on non-word characters (keeping dotted runs such as "2401.10020"
#: together; unlike whoosh's default, "*" is not part of a word, so Markdown
#: "**bold**" in notes indexes as "bold"), lowercases and folds accents.
#: No stop words: "Attention Is All You Need" must stay findable as a phrase.
TEXT_ANALYZER: Analyzer = (
    RegexTokenizer(r"\w+(?:\.\w+)*") | LowercaseFilter() | CharsetFilter(accent_map)
)

#: Free-text fields a user can name in a query (positional, so phrases work).
TEXT_FIELDS: tuple[str, ...] = ("title", "authors", "abstract", "note")

#: Fields where a plain word also matches other English forms of it.
STEMMED_FIELDS: tuple[str, ...] = ("title", "abstract", "note")

#: Query-time weights: title > authors > abstract ≈ note. An exact arXiv id
#: match is the strongest signal of all.
FIELD_BOOSTS: dict[str, float] = {
    "title": 4.0,
    "authors": 3.0,
    "abstract": 1.0,
    "note": 1.0,
    "arxiv_id": 6.0,
}

#: Other forms of a word count this fraction of the field's weight (on top of
#: the exact form, which matches both), so exact word forms rank first.
STEM_WEIGHT: float = 0.5

_ARXIV_PREFIX = re.compile(r"^\s*(?:arxiv:|https?://arxiv\.org/(?:abs|pdf)/)", re.IGNORECASE)
_ARXIV_VERSION = re.compile(r"v\d+$", re.IGNORECASE)


def fold(text: str) -> str:
    """Lowercase and accent-fold ``text`` exactly like the index does.

    >>> fold("Heinrich Küttler")
    'heinrich kuttler'
    """
    return text.lower().translate(accent_map)


def normalize_org(org: str) -> str:
    """Canonical form of an organisation slug: lowercase, accent-folded, no
    commas, inner whitespace replaced by "-" ("Google DeepMind" -> "google-deepmind")."""
    return "-".join(fold(org).replace(",", " ").split())


def normalize_arxiv_id(arxiv_id: str) -> str:
    """Canonical form of an arXiv id: lowercase, without an "arXiv:"/URL prefix,
    a ".pdf" suffix or a version suffix ("arXiv:2401.10020v2" -> "2401.10020")."""
    text = _ARXIV_PREFIX.sub("", arxiv_id.strip()).strip().lower()
    if text.endswith(".pdf"):
        text = text[: -len(".pdf")]
    return _ARXIV_VERSION.sub("", text)


def build_schema() -> Schema:
    """Return a fresh schema object for the search index."""
    return Schema(
        # Paper id from the store: the only stored value. No trie levels
        # (shift_step=0): we never run range queries on it.
        id=NUMERIC(int, bits=64, signed=False, stored=True, unique=True, shift_step=0),
        # A "word" that analyses to several tokens ("GPT-4") is searched as a
        # phrase.
        title=TEXT(analyzer=TEXT_ANALYZER, phrase=True, multitoken_query="phrase"),
        authors=TEXT(analyzer=TEXT_ANALYZER, phrase=True, multitoken_query="phrase"),
        abstract=TEXT(analyzer=TEXT_ANALYZER, phrase=True, multitoken_query="phrase"),
        note=TEXT(analyzer=TEXT_ANALYZER, phrase=True, multitoken_query="phrase"),
        orgs=KEYWORD(commas=True, lowercase=True),
        category=ID(analyzer=IDAnalyzer(lowercase=True)),
        year=NUMERIC(int, bits=32, signed=True),
        arxiv_id=ID(analyzer=IDAnalyzer(lowercase=True)),
    )
