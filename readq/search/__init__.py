"""Full-text search over the library: a Whoosh index derived from the store.

* :mod:`readq.search.query` parses the search box (``parse_query``) into an
  engine-neutral tree of query nodes plus state filters the caller applies in
  SQL; it bounds the query's size and nesting.
* :mod:`readq.search.whoosh_query` turns a tree into a Whoosh query (fields,
  weights, other word forms).
* :mod:`readq.search.index` keeps the on-disk index (``SearchIndex``) and
  answers text queries with paper ids, best first, and how many match.
* :mod:`readq.search.fast` scores Whoosh's BM25F with numpy, from the posting
  blocks :mod:`readq.search.whoosh_storage` reads (the one module that knows
  Whoosh's storage format).
* :mod:`readq.search.bounds` refuses queries that would make the index work too
  long; :mod:`readq.search.terms` expands prefix, wildcard, typo and other-forms
  words from sorted word lists; :mod:`readq.search.phrases` matches phrases
  (their words in any form, or exactly) with word pairs and positions.
* :mod:`readq.search.highlight` finds the searched terms in a paper's text.
* :mod:`readq.search.schema` holds the index schema; :mod:`readq.search.normalize`
  the canonical forms of org slugs and arXiv ids.


The names below load their module on first use (PEP 562): importing
:mod:`readq.search.query` alone (the command line's writes) does not load Whoosh
or numpy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from readq.search.highlight import highlight_spans
    from readq.search.index import Hits, IndexBusy, IndexCorrupt, IndexDoc, SearchIndex
    from readq.search.query import ParsedQuery, QueryError, StateCondition, parse_query

_HOME = {"highlight_spans": "highlight", "Hits": "index", "IndexBusy": "index",
         "IndexCorrupt": "index", "IndexDoc": "index", "SearchIndex": "index",
         "ParsedQuery": "query", "QueryError": "query", "StateCondition": "query",
         "parse_query": "query"}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'readq.search' has no attribute {name!r}")
    return getattr(importlib.import_module(f"readq.search.{_HOME[name]}"), name)


__all__ = [
    "Hits",
    "IndexBusy",
    "IndexCorrupt",
    "IndexDoc",
    "ParsedQuery",
    "QueryError",
    "SearchIndex",
    "StateCondition",
    "highlight_spans",
    "parse_query",
]
