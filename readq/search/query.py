"""Parse the one-box search query into a Whoosh text query plus state filters.

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
    code:yes|no  dismissed:yes|no  -status:read  NOT queued:yes

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

Whoosh's own query-string tagger silently guesses at malformed input, so the
string is tokenised here (reporting mistakes as :class:`QueryError`) and the
tokens are handed to :mod:`whoosh.qparser` as syntax nodes; whoosh then does
the grouping, operator precedence, field analysis and multi-field expansion.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from whoosh import query as wq
from whoosh.lang.porter import stem as porter_stem
from whoosh.qparser import syntax
from whoosh.qparser.default import QueryParser
from whoosh.qparser.plugins import (
    FieldsPlugin,
    FuzzyTermPlugin,
    GroupPlugin,
    OperatorsPlugin,
    PhrasePlugin,
    Plugin,
    PrefixPlugin,
    WildcardPlugin,
)

from readq.search.schema import (
    FIELD_BOOSTS,
    STEM_WEIGHT,
    STEMMED_FIELDS,
    TEXT_ANALYZER,
    build_schema,
    normalize_arxiv_id,
    normalize_org,
)

__all__ = [
    "StateCondition",
    "ParsedQuery",
    "StemVariants",
    "QueryError",
    "parse_query",
    "FIELD_ALIASES",
    "STATE_FIELDS",
]

StateField = Literal["status", "rating", "queued", "code", "dismissed", "tag"]
CompareOp = Literal["=", ">=", "<=", ">", "<"]


@dataclass(frozen=True)
class StateCondition:
    """A filter on the user's reading state, applied by the caller in SQL.

    ``status`` has value "read"/"unread", ``rating`` an int 0..5 (with any
    ``op``), ``queued``/``code``/``dismissed`` a bool; only rating uses an op
    other than "=". ``negated`` comes from a leading "-" or NOT.
    """

    field: StateField
    op: CompareOp
    value: str | int | bool
    negated: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    """A parsed search-box query.

    ``text`` is the full-text part (None when the query is empty or has only
    state filters); ``conditions`` are the state filters, all ANDed with the
    text part and with each other.
    """

    raw: str
    text: wq.Query | None
    conditions: tuple[StateCondition, ...]


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
    "tag": "tag:to-cite",
}

# Unfielded nodes of each kind are searched in these fields.
_WORD_FIELDS = ("title", "authors", "abstract", "note", "arxiv_id")
_PHRASE_FIELDS = ("title", "authors", "abstract", "note")
_PREFIX_FIELDS = ("title", "authors", "abstract", "note", "arxiv_id")
_FUZZY_FIELDS = ("title", "authors", "abstract", "note")

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
# Plain words that may be (the start of) an arXiv id: 2401.10020, hep-th/9901001
_ARXIV_LIKE = re.compile(r"(?i)(?:arxiv:)?(?:\d{4}(?:\.\d*)?(?:v\d+)?|[a-z-]+(?:\.[a-z]{2})?/\d+)$")

_FUZZY_PREFIX_LENGTH = 1  # matched words share the first letter: keeps fuzzy fast
_MIN_STEM_WORD = 4  # shorter words ("rl", "gpt") are only matched exactly


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    return str(porter_stem(word))


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

    def _btexts(self, ixreader: object) -> list[bytes]:
        target = _stem(self.text)
        scan = target[:-1] if len(target) > 3 else target
        out = []
        for btext in ixreader.expand_prefix(self.fieldname, scan):  # type: ignore[attr-defined]
            word = btext.decode("utf-8") if isinstance(btext, bytes) else str(btext)
            if _stem(word) == target:
                out.append(btext)
        return out


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
    if field in ("queued", "code", "dismissed"):
        return QueryError(f"{label}: must be yes or no, e.g. {_EXAMPLES[field]}")
    if field == "year":
        return QueryError(
            "year: needs a year such as year:2024, year:>=2022 or year:[2020 TO 2023]"
        )
    return QueryError(f"{label}: needs a value after it, e.g. {_EXAMPLES[field]}")


def _parse_state(field: str, value: str, negated: bool) -> StateCondition:
    if field == "tag":  # the tag's name, matched by the caller (case-insensitively)
        if not value.strip():
            raise _bad_value(field)
        return StateCondition("tag", "=", value.strip(), negated)
    m = _COMPARE_RE.fullmatch(value.strip())
    assert m is not None  # the pattern matches any string
    op = {"=>": ">=", "=<": "<="}.get(m.group(1) or "=", m.group(1) or "=")
    rest = m.group(2).strip().lower()
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
# Whoosh syntax nodes


class _ExactWordNode(syntax.WordNode):
    """A single word typed in quotes: matched as written, never stemmed."""


class _MultifieldPlugin(Plugin):
    """Expand unfielded nodes into an OR over the fields that suit their kind.

    Like whoosh's MultifieldPlugin, but phrases skip the arXiv id and fuzzy
    terms skip it too (they only make sense on words).
    """

    def filters(self, parser: QueryParser) -> list[tuple[object, int]]:
        return [(self.do_multifield, 110)]

    def do_multifield(self, parser: QueryParser, group: syntax.GroupNode) -> syntax.GroupNode:
        for i, node in enumerate(group):
            if isinstance(node, syntax.GroupNode):
                group[i] = self.do_multifield(parser, node)
            elif node.has_fieldname and node.fieldname is None:
                fields: tuple[str, ...]
                if isinstance(node, PhrasePlugin.PhraseNode):
                    fields = _PHRASE_FIELDS
                elif isinstance(node, FuzzyTermPlugin.FuzzyTermNode | WildcardPlugin.WildcardNode):
                    fields = _FUZZY_FIELDS
                elif isinstance(node, PrefixPlugin.PrefixNode):
                    fields = _PREFIX_FIELDS
                else:
                    fields = _WORD_FIELDS
                copies = []
                for name in fields:
                    if name == "arxiv_id" and not _ARXIV_LIKE.match(node.text):
                        continue
                    nn = copy.copy(node)
                    nn.set_fieldname(name)
                    if name == "arxiv_id" and isinstance(nn, syntax.WordNode):
                        nn.text = normalize_arxiv_id(nn.text)
                    nn.set_boost(FIELD_BOOSTS.get(name, 1.0))
                    copies.append(nn)
                group[i] = syntax.OrGroup(copies)
        return group


class _FieldRulesPlugin(Plugin):
    """Per-field fix-ups once every node knows its field (before multifield).

    Validates year values and ranges, turns quoted values of keyword/id fields
    into single normalised terms (those fields have no positions, so a phrase
    query on them would fail), and rejects ranges outside ``year:``.
    """

    def filters(self, parser: QueryParser) -> list[tuple[object, int]]:
        return [(self.do_rules, 105)]

    def do_rules(self, parser: QueryParser, group: syntax.GroupNode) -> syntax.GroupNode:
        for i, node in enumerate(group):
            if isinstance(node, syntax.GroupNode):
                group[i] = self.do_rules(parser, node)
            elif isinstance(node, syntax.RangeNode):
                if node.fieldname != "year":
                    raise QueryError("Ranges only work with year:, e.g. year:[2020 TO 2023]")
                lo = None if node.start in (None, "*") else _parse_year(node.start)
                hi = None if node.end in (None, "*") else _parse_year(node.end)
                if lo is None and hi is None:
                    raise _bad_value("year")
                if lo is not None and hi is not None and lo > hi:
                    raise QueryError(
                        f"year:[{lo} TO {hi}] is backwards: put the earlier year first"
                    )
                node.start = None if lo is None else str(lo)
                node.end = None if hi is None else str(hi)
            elif node.has_text and node.fieldname is not None:
                group[i] = self._fielded_text(node)
        return group

    @staticmethod
    def _fielded_text(node: syntax.TextNode) -> syntax.SyntaxNode:
        field = node.fieldname
        if field not in ("year", "category", "orgs", "arxiv_id"):
            return node
        plain = type(node) in (syntax.WordNode, _ExactWordNode, PhrasePlugin.PhraseNode)
        if field == "year":
            if not plain:
                raise _bad_value("year")
            text = str(_parse_year(node.text))
        elif field == "orgs":
            text = normalize_org(node.text)
        elif field == "arxiv_id":
            text = normalize_arxiv_id(node.text) if plain else node.text.lower()
        else:
            text = node.text.strip()
        if not text:
            raise _bad_value(field)
        if plain:
            new = syntax.WordNode(text)
        else:
            new = copy.copy(node)
            new.text = text
        new.fieldname = field
        new.boost = node.boost
        new.startchar, new.endchar = node.startchar, node.endchar
        return new


class _StemNode(syntax.TextNode):
    """Other English forms of a word (see :class:`StemVariants`)."""

    qclass = StemVariants
    tokenize = True


class _StemPlugin(Plugin):
    """Let plain words in stemmed fields also match other forms of the word."""

    def filters(self, parser: QueryParser) -> list[tuple[object, int]]:
        return [(self.do_stems, 115)]

    def do_stems(self, parser: QueryParser, group: syntax.GroupNode) -> syntax.GroupNode:
        for i, node in enumerate(group):
            if isinstance(node, syntax.GroupNode):
                group[i] = self.do_stems(parser, node)
            elif type(node) is syntax.WordNode and node.fieldname in STEMMED_FIELDS:
                tokens = [t.text for t in TEXT_ANALYZER(node.text, mode="query")]
                if (
                    len(tokens) != 1
                    or len(tokens[0]) < _MIN_STEM_WORD
                    or any(ch.isdigit() for ch in tokens[0])
                ):
                    continue
                variants = _StemNode(node.text)
                variants.fieldname = node.fieldname
                variants.boost = node.boost * STEM_WEIGHT
                variants.startchar, variants.endchar = node.startchar, node.endchar
                group[i] = syntax.OrGroup([node, variants])
        return group


@lru_cache(maxsize=1)
def _parser() -> QueryParser:
    ops = OperatorsPlugin(AndNot=None, AndMaybe=None, Require=None)
    return QueryParser(
        None,
        build_schema(),
        plugins=[
            GroupPlugin(),
            FieldsPlugin(),
            ops,
            _FieldRulesPlugin(),
            _MultifieldPlugin(),
            _StemPlugin(),
        ],
    )


def _positioned(node: syntax.SyntaxNode, tok: _Tok) -> syntax.SyntaxNode:
    node.startchar, node.endchar = tok.pos, tok.end
    return node


def _text_node(tok: _Tok) -> syntax.SyntaxNode | None:
    """The whoosh node for a word or phrase token (None: nothing searchable)."""
    if tok.kind == "range":
        node: syntax.SyntaxNode = syntax.RangeNode(
            tok.range_start, tok.range_end, tok.start_excl, tok.end_excl
        )
        node.set_fieldname(tok.field)
        return _positioned(node, tok)
    if tok.kind == "phrase":
        words = [t.text for t in TEXT_ANALYZER(tok.text, mode="query")]
        if len(words) <= 1 or tok.field in ("category", "orgs", "arxiv_id", "year"):
            node = _ExactWordNode(tok.text)
        else:
            node = PhrasePlugin.PhraseNode(tok.text, tok.text_pos, slop=tok.slop)
        node.set_fieldname(tok.field)
        return _positioned(node, tok)

    word = tok.text
    if "~" in word and (fm := _FUZZY_RE.fullmatch(word)):
        dist = int(fm.group(2) or 1)
        if dist > 2:
            raise QueryError("Fuzzy search allows 1 or 2 typos: transfomer~ or transfomer~2")
        base = _positioned(syntax.WordNode(fm.group(1)), tok)
        if dist == 0:
            node = base
        else:
            if "*" in fm.group(1):
                raise QueryError(f"Use either * or ~ on a word, not both: {_snippet(word)}")
            node = FuzzyTermPlugin.FuzzyTermNode(base, dist, _FUZZY_PREFIX_LENGTH)
    elif "*" in word:
        core = word.rstrip("*")
        if not word.replace("*", ""):
            raise QueryError('"*" needs some letters before it, e.g. trans*')
        if "*" not in core:
            node = PrefixPlugin.PrefixNode(core)
        else:
            node = WildcardPlugin.WildcardNode(word)
    else:
        node = syntax.WordNode(word)
    node.set_fieldname(tok.field)
    return _positioned(node, tok)


def _to_nodes(toks: list[_Tok]) -> list[syntax.SyntaxNode]:
    nodes: list[syntax.SyntaxNode] = []
    for t in toks:
        if t.kind == "lparen":
            nodes.append(GroupPlugin.OpenBracket())
        elif t.kind == "rparen":
            nodes.append(GroupPlugin.CloseBracket())
        elif t.kind == "and":
            nodes.append(syntax.InfixOperator("AND", syntax.AndGroup))
        elif t.kind == "or":
            nodes.append(syntax.InfixOperator("OR", syntax.OrGroup))
        elif t.kind == "not":
            nodes.append(syntax.PrefixOperator("NOT", syntax.NotGroup))
        elif t.kind == "fieldgroup":
            nodes.append(syntax.FieldnameNode(t.field, _field_label(t.field or "") + ":"))
        else:
            if t.negated:
                nodes.append(syntax.PrefixOperator("NOT", syntax.NotGroup))
            node = _text_node(t)
            if node is not None:
                nodes.append(node)
    return _collapse_nots(nodes)


def _collapse_nots(nodes: list[syntax.SyntaxNode]) -> list[syntax.SyntaxNode]:
    """``NOT NOT x`` / ``NOT -x`` cancel out (whoosh can't nest prefix ops)."""
    out: list[syntax.SyntaxNode] = []
    run = 0
    for node in nodes:
        if isinstance(node, syntax.PrefixOperator):
            run += 1
            continue
        if run % 2:
            out.append(syntax.PrefixOperator("NOT", syntax.NotGroup))
        run = 0
        out.append(node)
    return out


def _find_error(q: wq.Query) -> str | None:
    err = getattr(q, "error", None)
    if err:
        return str(err)
    for child in q.children():
        found = _find_error(child)
        if found:
            return found
    return None


def _build_text_query(raw: str, toks: list[_Tok]) -> wq.Query | None:
    if not toks:
        return None
    parser = _parser()
    group = parser.group(_to_nodes(toks))
    group = parser.filterize(group)
    q = group.query(parser)
    if q is None:
        return None
    q = q.normalize()
    err = _find_error(q)
    if err:
        raise QueryError(f"Could not understand {_snippet(raw)!r}: {_snippet(err, 80)}")
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return None
    return q


def parse_query(raw: str) -> ParsedQuery:
    """Parse the search box text; raises :class:`QueryError` (only) when malformed."""
    if not raw or not raw.strip():
        return ParsedQuery(raw=raw, text=None, conditions=())
    try:
        toks = _lex(raw)
        _check_structure(toks)
        toks, conditions = _extract_conditions(toks)
        text = _build_text_query(raw, toks)
    except QueryError:
        raise
    except Exception as exc:  # whoosh internals: report, never crash the UI
        raise QueryError(f"Could not understand the query {_snippet(raw)!r}") from exc
    if text is None and toks:
        raise QueryError(f"Nothing to search for in {_snippet(raw)!r}: add a word")
    return ParsedQuery(raw=raw, text=text, conditions=conditions)
