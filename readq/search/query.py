"""Parse the one-box search query into a small query tree plus state filters.

This module is the engine-neutral syntax: a lexer, a parser with bounded size
and nesting (linear time), the query nodes (:class:`Word`, :class:`Phrase`,
:class:`Prefix`, :class:`Wildcard`, :class:`Fuzzy`, :class:`YearRange`,
:class:`And`, :class:`Or`, :class:`Not`), :class:`QueryError` and the state
conditions. Nothing here knows the index engine; the Whoosh backend
(:mod:`readq.search.whoosh_query`) turns a tree into Whoosh queries.

Syntax (the same in the search box and on the command line)::

    attention transformer          words, ANDed, each in title/authors/abstract/note
    "a phrase"                     words in this order (optionally "a b"~3: up to 3 apart)
    ="a phrase"                    the same, with exactly these word forms
    title:word  author:küttler     field prefixes; also authors:, abstract:, note:
    title:"a phrase"  title:(a OR b)
    category:LG  org:meta-ai  arxiv:2401.10020
    year:2024  year:>=2022  year:<2020  year:[2020 TO 2023]  year:[2020 TO]
    a AND b   a OR b   NOT a   -a   (a OR b) c
    trans*                         prefix (tr*ns also works as a wildcard)
    transfomer~  transfomer~2      fuzzy: up to 1 (default) or 2 typos
    status:read|unread  rating:5  rating:>=4  rating:<3  queued:yes|no
    code:yes|no  dismissed:yes|no  tag:NAME  -status:read  NOT queued:yes

Words are matched case- and accent-insensitively, and words also match other
forms of the same English word ("transformer" finds "Transformers"), in phrases
too ("language model" finds "Language Models"); ``="…"`` matches exactly the forms
typed (="transformer" does not find "Transformers"). A word that looks like
an arXiv id (2401.10020) also matches the paper's id. A word that contains
punctuation ("GPT-4", "model-free") is searched as a phrase. Operators bind
NOT, then AND, then OR: "a b OR c" means a AND (b OR c).

**State filters always combine with AND** with the rest of the query, wherever
they appear; they are returned separately in :attr:`ParsedQuery.conditions`
(the caller applies them in SQL) and may not appear inside parentheses or next
to ``OR``. A leading ``-`` or ``NOT`` negates them.

An unknown ``name:value`` is an error naming the known fields; ``Name:``
followed by a space (as in a pasted title "DIRECTOR: Generator-Classifiers…")
is just text.

Bounds: a query longer than ``MAX_QUERY_CHARS`` characters, with more than
``MAX_TERMS`` terms or nested deeper than ``MAX_DEPTH`` parentheses is refused
with a one-line :class:`QueryError`; everything else parses in one pass. So is
one that would make the index work too long (:mod:`readq.search.bounds`): a typo
or ``*`` word of more than 30 letters, ``~`` on fewer than 3 letters per typo,
a word starting with ``*``, more than 8 typo/``*`` words, a phrase of more than
16 words, more than 40 words in all, or a ``*``/typo word matching more than 500 indexed words (or words
found more than 250,000 times in all).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from readq.search.lexer import (
    _EXAMPLES,
    _FUZZY_RE,
    FIELD_ALIASES,
    STATE_FIELDS,
    TEXT_FIELDS,
    QueryError,
    StateCondition,
    _bad_value,
    _check_structure,
    _extract_conditions,
    _field_label,
    _lex,
    _parse_year,
    _snippet,
    _Tok,
)
from readq.search.bounds import check_pattern_word, check_typo_word, check_work
from readq.search.normalize import WORD_PATTERN, normalize_arxiv_id, normalize_org
from readq.text import fold

__all__ = [
    "StateCondition",
    "ParsedQuery",
    "QueryError",
    "QueryNode",
    "Word",
    "Phrase",
    "Prefix",
    "Wildcard",
    "Fuzzy",
    "YearRange",
    "And",
    "Or",
    "Not",
    "parse_query",
    "FIELD_ALIASES",
    "STATE_FIELDS",
    "TEXT_FIELDS",
    "MAX_QUERY_CHARS",
    "MAX_TERMS",
    "MAX_DEPTH",
]

#: Longest query accepted, in characters (a pasted abstract is ~2,000).
MAX_QUERY_CHARS = 4000
#: Most words, phrases and operators in one query.
MAX_TERMS = 256
#: Deepest nesting of parentheses.
MAX_DEPTH = 16


@dataclass(frozen=True)
class Word:
    """A word; ``field`` None means every text field. ``exact``: only this form of
    the word (typed ="…", or a keyword field's value), no other English forms."""

    field: str | None
    text: str
    exact: bool = False


@dataclass(frozen=True)
class Phrase:
    """Words in this order, at most ``slop`` positions apart (1: adjacent), each in
    any of its English forms as a plain word is; ``exact`` (typed ``="…"``): only
    these forms of the words."""

    field: str | None
    text: str
    slop: int = 1
    exact: bool = False


@dataclass(frozen=True)
class Prefix:
    """Words starting with ``text`` (``trans*``)."""

    field: str | None
    text: str


@dataclass(frozen=True)
class Wildcard:
    """Words matching a glob with ``*`` inside (``tr*ns*``)."""

    field: str | None
    pattern: str


@dataclass(frozen=True)
class Fuzzy:
    """Words within ``distance`` typos of ``text`` (``transfomer~``)."""

    field: str | None
    text: str
    distance: int = 1


@dataclass(frozen=True)
class YearRange:
    """Publication years from ``lo`` to ``hi`` (None: open end)."""

    lo: int | None
    hi: int | None
    lo_excl: bool = False
    hi_excl: bool = False


@dataclass(frozen=True)
class And:
    """Every child matches."""

    children: tuple[QueryNode, ...]


@dataclass(frozen=True)
class Or:
    """At least one child matches."""

    children: tuple[QueryNode, ...]


@dataclass(frozen=True)
class Not:
    """The child does not match."""

    child: QueryNode


QueryNode = Union[Word, Phrase, Prefix, Wildcard, Fuzzy, YearRange, And, Or, Not]


@dataclass(frozen=True)
class ParsedQuery:
    """A parsed search-box query.

    ``text`` is the full-text part as an engine-neutral tree (None when the
    query is empty or has only state filters); ``conditions`` are the state
    filters, all ANDed with the text part and with each other.
    """

    raw: str
    text: QueryNode | None
    conditions: tuple[StateCondition, ...]

    @property
    def has_text(self) -> bool:
        """Whether the query has a full-text part (else only state filters)."""
        return self.text is not None


# --------------------------------------------------------------------------
# Parser: tokens -> query tree (one pass, recursive descent, bounded depth)
#
# Precedence, loosest first: words side by side (AND), OR, AND, NOT.
# "a b OR c" is a AND (b OR c); "a AND b OR c" is (a AND b) OR c.


def _make(kind: type[And] | type[Or], items: list[QueryNode]) -> QueryNode:
    """An And/Or of ``items``, flattened (nested same-kind groups merge)."""
    flat: list[QueryNode] = []
    for item in items:
        if isinstance(item, kind):
            flat.extend(item.children)
        else:
            flat.append(item)
    return flat[0] if len(flat) == 1 else kind(tuple(flat))


def _negate(node: QueryNode) -> QueryNode:
    return node.child if isinstance(node, Not) else Not(node)


def _field_value(tok: _Tok, field: str | None) -> QueryNode | None:
    """The node for a word, phrase or range token (None: nothing searchable)."""
    if tok.kind == "range":
        lo = None if tok.range_start in (None, "*") else _parse_year(tok.range_start)
        hi = None if tok.range_end in (None, "*") else _parse_year(tok.range_end)
        if lo is None and hi is None:
            raise _bad_value("year")
        if lo is not None and hi is not None and lo > hi:
            raise QueryError(f"year:[{lo} TO {hi}] is backwards: put the earlier year first")
        return YearRange(lo, hi, tok.start_excl and lo is not None,
                         tok.end_excl and hi is not None)
    if tok.kind == "phrase":
        if field in ("year", "category", "orgs", "arxiv_id"):
            return _keyword_value(field, tok.text, plain=True)
        if not _has_word(tok.text):
            return None
        return Phrase(field, tok.text, tok.slop, tok.exact)

    word = tok.text
    if "~" in word and (fm := _FUZZY_RE.fullmatch(word)):
        dist = int(fm.group(2) or 1)
        if dist > 2:
            raise QueryError("Fuzzy search allows 1 or 2 typos: transfomer~ or transfomer~2")
        base = fm.group(1)
        if dist and "*" in base:
            raise QueryError(f"Use either * or ~ on a word, not both: {_snippet(word)}")
        if field in ("year", "category", "orgs", "arxiv_id"):
            if dist == 0:
                return _keyword_value(field, base, plain=True)
            raise _bad_value(field) if field == "year" else QueryError(
                f"{_field_label(field)}: can't take a typo (~); write e.g. {_EXAMPLES[field]}")
        if not _has_word(base):
            return None
        if dist:
            check_typo_word(base, dist)
        return Word(field, base) if dist == 0 else Fuzzy(field, base, dist)
    if "*" in word:
        if not word.replace("*", ""):
            raise QueryError('"*" needs some letters before it, e.g. trans*')
        check_pattern_word(word)
        core = word.rstrip("*")
        if field in ("year", "category", "orgs", "arxiv_id"):
            return _keyword_value(field, word, plain=False)
        return Prefix(field, core) if "*" not in core else Wildcard(field, word)
    if field in ("year", "category", "orgs", "arxiv_id"):
        return _keyword_value(field, word, plain=True)
    return Word(field, word) if _has_word(word) else None


def _has_word(text: str) -> bool:
    """Whether ``text`` has anything searchable (punctuation alone has not)."""
    return WORD_PATTERN.search(fold(text)) is not None


def _keyword_value(field: str, text: str, *, plain: bool) -> QueryNode:
    """A value of year:, category:, org: or arxiv: (one normalised term)."""
    if field == "year":
        if not plain:
            raise _bad_value("year")
        year = _parse_year(text)
        return YearRange(year, year)
    if field == "orgs":
        value = normalize_org(text) if plain else fold(text).strip()
    elif field == "arxiv_id":
        value = normalize_arxiv_id(text) if plain else text.strip().lower()
    else:
        value = fold(text).strip()
    if not value.replace("*", ""):
        raise _bad_value(field)
    if not plain and "*" in value:
        core = value.rstrip("*")
        return Prefix(field, core) if "*" not in core else Wildcard(field, value)
    return Word(field, value, exact=True)


class _Parser:
    """Recursive descent over the token list; every token is looked at once."""

    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = toks
        self.k = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.k] if self.k < len(self.toks) else None

    def sequence(self, field: str | None, depth: int, closing: bool) -> QueryNode | None:
        """Operands side by side (implicitly ANDed) up to ``)`` or the end."""
        items: list[QueryNode] = []
        while (t := self.peek()) is not None and not (closing and t.kind == "rparen"):
            node = self.or_expr(field, depth)
            if node is not None:
                items.append(node)
        return _make(And, items) if items else None

    def or_expr(self, field: str | None, depth: int) -> QueryNode | None:
        items = [self.and_expr(field, depth)]
        while (t := self.peek()) is not None and t.kind == "or":
            self.k += 1
            items.append(self.and_expr(field, depth))
        kept = [i for i in items if i is not None]
        return _make(Or, kept) if kept else None

    def and_expr(self, field: str | None, depth: int) -> QueryNode | None:
        items = [self.unary(field, depth)]
        while (t := self.peek()) is not None and t.kind == "and":
            self.k += 1
            items.append(self.unary(field, depth))
        kept = [i for i in items if i is not None]
        return _make(And, kept) if kept else None

    def unary(self, field: str | None, depth: int) -> QueryNode | None:
        negations = 0
        while (t := self.peek()) is not None and t.kind == "not":
            negations += 1
            self.k += 1
        node = self.primary(field, depth)
        if node is not None and negations % 2:
            node = _negate(node)
        return node

    def primary(self, field: str | None, depth: int) -> QueryNode | None:
        t = self.peek()
        assert t is not None  # _check_structure: operators always have operands
        self.k += 1
        if t.kind in ("lparen", "fieldgroup"):
            if t.kind == "fieldgroup":
                field = t.field
                self.k += 1  # the "(" right after "title:"
            if depth >= MAX_DEPTH:
                raise QueryError(f"Too many nested parentheses: at most {MAX_DEPTH} levels")
            node = self.sequence(field, depth + 1, closing=True)
            self.k += 1  # the ")"
            return node
        node = _field_value(t, t.field if t.field is not None else field)
        if node is not None and t.negated:
            node = _negate(node)
        return node


def _check_bounds(raw: str) -> None:
    if len(raw) > MAX_QUERY_CHARS:
        raise QueryError(
            f"The query is too long ({len(raw):,} characters; at most {MAX_QUERY_CHARS:,}): "
            "search for a few distinctive words instead"
        )


def parse_query(raw: str) -> ParsedQuery:
    """Parse the search box text; raises :class:`QueryError` (only) when malformed."""
    if not raw or not raw.strip():
        return ParsedQuery(raw=raw, text=None, conditions=())
    _check_bounds(raw)
    try:
        toks = _lex(raw)
        if len(toks) > MAX_TERMS:
            raise QueryError(
                f"The query has too many words and operators ({len(toks)}; at most "
                f"{MAX_TERMS}): search for a few distinctive words instead"
            )
        _check_structure(toks)
        toks, conditions = _extract_conditions(toks)
        text = _Parser(toks).sequence(None, 0, closing=False) if toks else None
    except QueryError:
        raise
    except Exception as exc:  # a bug here must not crash the UI: report it as one line
        raise QueryError(f"Could not understand the query {_snippet(raw)!r}") from exc
    if text is None and toks:
        raise QueryError(f"Nothing to search for in {_snippet(raw)!r}: add a word")
    if text is not None:
        check_work(text)
    return ParsedQuery(raw=raw, text=text, conditions=conditions)
