"""Parse the one-box search query into a small query tree plus state filters.

This module is the engine-neutral syntax: a lexer, a parser with bounded size
and nesting (linear time), the query nodes (:class:`Word`, :class:`Phrase`,
:class:`Prefix`, :class:`Wildcard`, :class:`Fuzzy`, :class:`YearRange`,
:class:`And`, :class:`Or`, :class:`Not`), :class:`QueryError` and the state
conditions. Nothing here knows the index engine; the Whoosh backend
(:mod:`readq.search.whoosh_query`) turns a tree into Whoosh queries.

Syntax (the same in the search box and on the command line)::

    attention transformer          words, ANDed, each in title/authors/abstract/note
    "exact phrase"                 phrase (optionally "a b"~3 for words up to 3 apart)
    title:word  author:küttler     field prefixes; also authors:, abstract:, note:
    title:"a phrase"  title:(a OR b)
    category:LG  org:meta-ai  arxiv:2401.10020
    year:2024  year:>=2022  year:<2020  year:[2020 TO 2023]  year:[2020 TO]
    a AND b   a OR b   NOT a   -a   (a OR b) c
    trans*                         prefix (tr*ns also works as a wildcard)
    transfomer~  transfomer~2      fuzzy: up to 1 (default) or 2 typos
    status:read|unread  rating:5  rating:>=4  rating:<3  queued:yes|no
    code:yes|no  dismissed:yes|no  tag:NAME  -status:read  NOT queued:yes

Words are matched case- and accent-insensitively, and plain words also match
other forms of the same English word ("transformer" finds "Transformers";
a quoted word, "transformer", matches only that form). A word that looks like
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
with a one-line :class:`QueryError`; everything else parses in one pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Union

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
    "MAX_QUERY_CHARS",
    "MAX_TERMS",
    "MAX_DEPTH",
]

StateField = Literal["status", "rating", "queued", "code", "dismissed", "tag"]
CompareOp = Literal["=", ">=", "<=", ">", "<"]


@dataclass(frozen=True)
class StateCondition:
    """A filter on the user's reading state, applied by the caller in SQL.

    ``status`` has value "read"/"unread", ``rating`` an int 0..5 (with any
    ``op``), ``queued``/``code``/``dismissed`` a bool, ``tag`` the folded tag
    name; only rating uses an op other than "=". ``negated`` comes from a
    leading "-" or NOT.
    """

    field: StateField
    op: CompareOp
    value: str | int | bool
    negated: bool = False


#: Longest query accepted, in characters (a pasted abstract is ~2,000).
MAX_QUERY_CHARS = 4000
#: Most words, phrases and operators in one query.
MAX_TERMS = 256
#: Deepest nesting of parentheses.
MAX_DEPTH = 16


@dataclass(frozen=True)
class Word:
    """A word; ``field`` None means every text field. ``exact``: typed in quotes,
    so only this form of the word (no other English forms)."""

    field: str | None
    text: str
    exact: bool = False


@dataclass(frozen=True)
class Phrase:
    """Words in this order, at most ``slop`` positions apart (1: adjacent)."""

    field: str | None
    text: str
    slop: int = 1


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


class QueryError(ValueError):
    """The query string is malformed; ``str(error)`` is one readable line."""


#: Field names a user may type (lowercase) -> schema field.
FIELD_ALIASES: dict[str, str] = {
    "title": "title",
    "author": "authors",
    "authors": "authors",
    "abstract": "abstract",
    "note": "note",
    "notes": "note",
    "category": "category",
    "cat": "category",
    "org": "orgs",
    "orgs": "orgs",
    "year": "year",
    "arxiv": "arxiv_id",
}

#: Text fields a word can be searched in.
TEXT_FIELDS: tuple[str, ...] = ("title", "authors", "abstract", "note")

#: State filter names (applied by the caller, not the index).
STATE_FIELDS: tuple[str, ...] = ("status", "rating", "queued", "code", "dismissed", "tag")

_KNOWN_FIELDS_TEXT = (
    "title:, author:, abstract:, note:, category:, org:, year:, arxiv:, "
    "status:, rating:, queued:, code:, dismissed:, tag:"
)

_EXAMPLES: dict[str, str] = {
    "title": "title:transformer",
    "authors": "author:raileanu",
    "abstract": "abstract:exploration",
    "note": "note:reread",
    "category": "category:LG",
    "orgs": "org:meta-ai",
    "year": "year:2024",
    "arxiv_id": "arxiv:2401.10020",
    "status": "status:unread",
    "rating": "rating:>=4",
    "queued": "queued:yes",
    "code": "code:yes",
    "dismissed": "dismissed:no",
    "tag": "tag:to-read",
}

_TRUE = frozenset({"yes", "y", "true", "1", "on"})
_FALSE = frozenset({"no", "n", "false", "0", "off"})

_FIELD_RE = re.compile(r"([^\W\d_]\w*):")
_RANGE_RE = re.compile(
    r"(?P<open>[\[{])\s*(?P<start>[^\s\]}]*?)\s*"
    r"(?<=[\s\[{])TO(?=[\s\]}])"
    r"\s*(?P<end>[^\s\]}]*)\s*(?P<close>[\]}])"
)
_COMPARE_RE = re.compile(r"(>=|<=|=>|=<|>|<|=)?(.*)", re.DOTALL)
_FUZZY_RE = re.compile(r"(.+?)~(\d)?", re.DOTALL)
_STOP_CHARS = frozenset('()"')

# --------------------------------------------------------------------------
# Tokens


@dataclass
class _Tok:
    kind: str  # word phrase range lparen rparen and or not fieldgroup state
    pos: int  # 0-based position in the raw string
    end: int
    text: str = ""
    field: str | None = None  # schema field (or state field for kind "state")
    negated: bool = False  # leading "-"
    slop: int = 1
    range_start: str | None = None
    range_end: str | None = None
    start_excl: bool = False
    end_excl: bool = False
    condition: StateCondition | None = None
    text_pos: int = 0  # where a phrase's text starts in the raw string


_OPERAND_START = frozenset({"word", "phrase", "range", "state", "lparen", "not", "fieldgroup"})
_OPERAND_END = frozenset({"word", "phrase", "range", "state", "rparen"})


def _snippet(text: str, limit: int = 40) -> str:
    """``text`` squeezed onto one line and shortened, for error messages."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _field_label(field: str) -> str:
    """The name a user types for a schema or state field."""
    return {"authors": "author", "orgs": "org", "arxiv_id": "arxiv"}.get(field, field)


def _bad_value(field: str) -> QueryError:
    label = _field_label(field)
    if field == "rating":
        return QueryError("rating: needs a number from 0 to 5, e.g. rating:>=4")
    if field == "status":
        return QueryError("status: must be read or unread, e.g. status:unread")
    if field == "tag":
        return QueryError("tag: needs a tag name, e.g. tag:to-read")
    if field in ("queued", "code", "dismissed"):
        return QueryError(f"{label}: must be yes or no, e.g. {_EXAMPLES[field]}")
    if field == "year":
        return QueryError(
            "year: needs a year such as year:2024, year:>=2022 or year:[2020 TO 2023]"
        )
    return QueryError(f"{label}: needs a value after it, e.g. {_EXAMPLES[field]}")


def _parse_state(field: str, value: str, negated: bool) -> StateCondition:
    m = _COMPARE_RE.fullmatch(value.strip())
    assert m is not None  # the pattern matches any string
    op = {"=>": ">=", "=<": "<="}.get(m.group(1) or "=", m.group(1) or "=")
    rest = m.group(2).strip().lower()
    if field == "tag":
        name = " ".join(fold(value).split())
        if not name:
            raise _bad_value(field)
        return StateCondition("tag", "=", name, negated)
    if field == "rating":
        if not (rest.isascii() and rest.isdigit()) or int(rest) > 5:
            raise _bad_value(field)
        return StateCondition("rating", op, int(rest), negated)  # type: ignore[arg-type]
    if op != "=":
        raise _bad_value(field)
    if field == "status":
        if rest not in ("read", "unread"):
            raise _bad_value(field)
        return StateCondition("status", "=", rest, negated)
    if rest in _TRUE:
        return StateCondition(field, "=", True, negated)  # type: ignore[arg-type]
    if rest in _FALSE:
        return StateCondition(field, "=", False, negated)  # type: ignore[arg-type]
    raise _bad_value(field)


def _parse_year(text: str) -> int:
    t = text.strip()
    if not (t.isascii() and t.isdigit()) or not 0 < int(t) < 10000:
        raise _bad_value("year")
    return int(t)


def _lex(raw: str) -> list[_Tok]:
    """Split ``raw`` into tokens, raising QueryError for malformed pieces."""
    toks: list[_Tok] = []
    n = len(raw)
    i = 0
    while i < n:
        c = raw[i]
        if c.isspace():
            i += 1
            continue
        if c == "(":
            toks.append(_Tok("lparen", i, i + 1))
            i += 1
            continue
        if c == ")":
            toks.append(_Tok("rparen", i, i + 1))
            i += 1
            continue

        start = i
        negated = False
        if c in "-+" and i + 1 < n and not raw[i + 1].isspace():
            negated = c == "-"
            i += 1

        field: str | None = None
        fm = _FIELD_RE.match(raw, i)
        if fm and not raw.startswith("//", fm.end()):
            name = fm.group(1).lower()
            after = fm.end()
            attached = after < n and not raw[after].isspace() and raw[after] != ")"
            known = name in FIELD_ALIASES or name in STATE_FIELDS
            if known:
                field = FIELD_ALIASES.get(name, name)
                if not attached:
                    raise _bad_value(field)
                i = after
            elif attached:
                raise QueryError(
                    f'Unknown field "{_snippet(fm.group(1), 20)}:"; known fields are '
                    f"{_KNOWN_FIELDS_TEXT} (put the text in quotes to search for it as words)"
                )
            # else: "Word:" followed by a space is ordinary text.

        if field is not None and raw[i] == "(":
            if field in STATE_FIELDS or field == "year":
                raise QueryError(
                    f'{_field_label(field)}: can\'t be followed by "("; write e.g. '
                    f"{_EXAMPLES[field] if field != 'year' else 'year:[2020 TO 2023]'}"
                )
            if negated:
                toks.append(_Tok("not", start, start + 1))
            toks.append(_Tok("fieldgroup", start, i, field=field))
            continue  # the "(" is handled by the main loop
        if field is None and negated and raw[i] == "(":
            toks.append(_Tok("not", start, start + 1))
            continue

        if raw[i] == '"':
            close = raw.find('"', i + 1)
            if close < 0:
                raise QueryError(
                    f"Unbalanced quote in '{_snippet(raw[i:])}': add the closing \""
                )
            text = raw[i + 1 : close]
            end = close + 1
            slop = 1
            sm = re.match(r"~(\d{1,3})(?![^\s()])", raw[end:])
            if sm:
                slop = max(1, int(sm.group(1)))
                end += sm.end()
            if field in STATE_FIELDS:
                toks.append(
                    _Tok("state", start, end, field=field,
                         condition=_parse_state(field, text, negated))
                )
            else:
                toks.append(_Tok("phrase", start, end, text=text, field=field,
                                 negated=negated, slop=slop, text_pos=i + 1))
            i = end
            continue

        if raw[i] in "[{":
            rm = _RANGE_RE.match(raw, i)
            if rm:
                if field != "year":
                    raise QueryError("Ranges only work with year:, e.g. year:[2020 TO 2023]")
                toks.append(
                    _Tok("range", start, rm.end(), field=field, negated=negated,
                         range_start=rm.group("start") or None,
                         range_end=rm.group("end") or None,
                         start_excl=rm.group("open") == "{",
                         end_excl=rm.group("close") == "}")
                )
                i = rm.end()
                continue

        j = i
        while j < n and not raw[j].isspace() and raw[j] not in _STOP_CHARS:
            j += 1
        word = raw[i:j]
        i = j
        bare = field is None and start == j - len(word)  # no sign, no field
        if bare and word in ("AND", "OR", "NOT"):
            toks.append(_Tok(word.lower(), start, j))
            continue
        if field in STATE_FIELDS:
            toks.append(_Tok("state", start, j, field=field,
                             condition=_parse_state(field, word, negated)))
            continue
        if field == "year":
            m = _COMPARE_RE.fullmatch(word)
            assert m is not None
            op = m.group(1)
            if op and op != "=":
                year = str(_parse_year(m.group(2)))
                lo = year if op in (">", ">=", "=>") else None
                hi = year if op in ("<", "<=", "=<") else None
                toks.append(_Tok("range", start, j, field=field, negated=negated,
                                 range_start=lo, range_end=hi,
                                 start_excl=op == ">", end_excl=op == "<"))
                continue
            word = m.group(2)
        if not word:
            if field is not None:  # "year:=" and the like
                raise _bad_value(field)
            continue  # a lone "-"/"+" right before ")": punctuation
        toks.append(_Tok("word", start, j, text=word, field=field, negated=negated))
    return toks


def _check_structure(toks: list[_Tok]) -> None:
    """Parentheses balance and every operator has its operands."""
    stack: list[_Tok] = []
    for t in toks:
        if t.kind == "lparen":
            stack.append(t)
        elif t.kind == "rparen":
            if not stack:
                raise QueryError(
                    f'Unbalanced parentheses: ")" at position {t.pos + 1} has no matching "("'
                )
            stack.pop()
    if stack:
        raise QueryError(
            f'Unbalanced parentheses: "(" at position {stack[-1].pos + 1} is never closed'
        )

    for k, t in enumerate(toks):
        prev = toks[k - 1] if k > 0 else None
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        if t.kind == "lparen" and nxt is not None and nxt.kind == "rparen":
            raise QueryError('Empty parentheses "()": put search words inside or remove them')
        if t.kind in ("and", "or"):
            word = t.kind.upper()
            left_ok = prev is not None and prev.kind in _OPERAND_END
            right_ok = nxt is not None and nxt.kind in _OPERAND_START
            if not (left_ok and right_ok):
                raise QueryError(
                    f'"{word}" needs a search term on both sides, e.g. attention {word} transformer'
                )
        if t.kind == "not" and (nxt is None or nxt.kind not in _OPERAND_START):
            raise QueryError('"NOT" (or "-") needs a search term after it, e.g. NOT survey')


def _extract_conditions(toks: list[_Tok]) -> tuple[list[_Tok], tuple[StateCondition, ...]]:
    """Remove state filters (with a NOT before them and one adjacent AND)."""
    conditions: list[StateCondition] = []
    out = list(toks)
    depth = 0
    k = 0
    while k < len(out):
        t = out[k]
        if t.kind == "lparen" or t.kind == "fieldgroup":
            depth += t.kind == "lparen"
            k += 1
            continue
        if t.kind == "rparen":
            depth -= 1
            k += 1
            continue
        if t.kind != "state":
            k += 1
            continue
        assert t.condition is not None and t.field is not None
        label = _field_label(t.field)
        # Fold any NOTs directly before the filter into its negation.
        negated = t.condition.negated
        first = k
        while first > 0 and out[first - 1].kind == "not":
            first -= 1
            negated = not negated
        prev = out[first - 1] if first > 0 else None
        nxt = out[k + 1] if k + 1 < len(out) else None
        beside_or = (prev is not None and prev.kind == "or") or (
            nxt is not None and nxt.kind == "or"
        )
        if depth > 0 or beside_or:
            raise QueryError(
                f"{label}: filters always apply to the whole query, so they can't go "
                "inside parentheses or next to OR"
            )
        c = t.condition
        conditions.append(StateCondition(c.field, c.op, c.value, negated))
        stop = k + 1
        if prev is not None and prev.kind == "and":
            first -= 1
        elif nxt is not None and nxt.kind == "and":
            stop += 1
        del out[first:stop]
        k = first
    return out, tuple(conditions)


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
        return Phrase(field, tok.text, tok.slop)

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
        return Word(field, base) if dist == 0 else Fuzzy(field, base, dist)
    if "*" in word:
        if not word.replace("*", ""):
            raise QueryError('"*" needs some letters before it, e.g. trans*')
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
    return ParsedQuery(raw=raw, text=text, conditions=conditions)
