"""The lexer of the search box syntax: tokens, state filters and their errors.

Splits the raw query into tokens (words, phrases, year ranges, state filters,
parentheses, operators), checks that parentheses balance and operators have
operands, and takes the state filters (``status:``, ``rating:``, ``tag:``…) out
as :class:`StateCondition` values. Every mistake is a one-line
:class:`QueryError`. :mod:`readq.search.query` builds the query tree from the
tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal


__all__ = ["QueryError", "StateCondition", "FIELD_ALIASES", "STATE_FIELDS", "TEXT_FIELDS"]

StateField = Literal["status", "rating", "queued", "code", "dismissed", "tag"]
CompareOp = Literal["=", ">=", "<=", ">", "<"]


@dataclass(frozen=True)
class StateCondition:
    """A filter on the user's reading state, applied by the caller in SQL.

    ``status`` has value "read"/"unread", ``rating`` an int 0..5 (with any
    ``op``), ``queued``/``code``/``dismissed`` a bool, ``tag`` the tag name as
    typed; only rating uses an op other than "=". ``negated`` comes from a
    leading "-" or NOT.
    """

    field: StateField
    op: CompareOp
    value: str | int | bool
    negated: bool = False


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
    "tag": "tag:to-cite",
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
    exact: bool = False  # a phrase typed ="…": only these word forms


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
    if field == "tag":  # the tag's name, normalised and matched by the caller
        if not value.strip():
            raise _bad_value(field)
        return StateCondition("tag", "=", value.strip(), negated)
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

        exact = raw.startswith('="', i) and field not in (*STATE_FIELDS, "year")
        i += exact  # the "=" of ="…"
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
                                 negated=negated, slop=slop, text_pos=i + 1, exact=exact))
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
