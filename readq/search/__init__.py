"""Full-text search over the library: a Whoosh index derived from the store.

* :mod:`readq.search.query` parses the search box (``parse_query``), splitting
  it into a Whoosh text query and state filters the caller applies in SQL.
* :mod:`readq.search.index` keeps the on-disk index (``SearchIndex``) and
  answers text queries with paper ids, best first.
* :mod:`readq.search.highlight` finds the searched terms in a paper's text.
* :mod:`readq.search.schema` holds the index schema and text normalisation.
"""

from readq.search.highlight import highlight_spans
from readq.search.index import IndexBusy, IndexCorrupt, IndexDoc, SearchIndex
from readq.search.query import ParsedQuery, QueryError, StateCondition, parse_query

__all__ = [
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
