"""Highlight searched words in text shown by the detail pane.

Terms come from ``SearchIndex.terms_for_highlight`` (lowercase, accent-folded
words, phrases and prefixes) or, if the index cannot say, from the plain words
of the query. A term matches at the start of a word and the highlight runs to
the end of that word, so ``transformer`` also marks "Transformers" and the
prefix ``agent`` marks "agents", case- and accent-insensitively.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from readq.search.schema import fold

_OPERATORS = {"and", "or", "not", "to"}
_FIELD = re.compile(r"\b[^\W\d_]\w*:")


def plain_words(query: str) -> list[str]:
    """The words of a query without operators, field names and syntax (a fallback)."""
    text = _FIELD.sub(" ", query)
    words: list[str] = []
    for word in re.findall(r"[^\W_]+(?:[-'][^\W_]+)*", text):
        folded = fold(word)
        if folded in _OPERATORS or folded in words or len(folded) < 2:
            continue
        words.append(folded)
    return words


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, for each folded character, the original character's index."""
    out: list[str] = []
    where: list[int] = []
    for i, char in enumerate(text):
        folded = fold(char)
        out.append(folded)
        where.extend([i] * len(folded))
    where.append(len(text))
    return "".join(out), where


def match_spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping ``(start, end)`` spans of ``text`` that match ``terms``."""
    if not text or not terms:
        return []
    folded, where = _folded_with_map(text)
    spans: list[tuple[int, int]] = []
    for term in terms:
        parts = [re.escape(p) for p in fold(term).split() if p]
        if not parts:
            continue
        pattern = re.compile(r"(?<!\w)" + r"\W+".join(parts) + r"\w*")
        for m in pattern.finditer(folded):
            spans.append((where[m.start()], where[m.end()] if m.end() < len(where) else len(text)))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight_html(text: str, terms: Sequence[str], background: str, foreground: str) -> str:
    """``text`` as escaped HTML with matches wrapped in a coloured span."""
    pieces: list[str] = []
    last = 0
    for start, end in match_spans(text, terms):
        pieces.append(html.escape(text[last:start]))
        pieces.append(f'<span style="background-color:{background}; color:{foreground}">'
                      f"{html.escape(text[start:end])}</span>")
        last = end
    pieces.append(html.escape(text[last:]))
    return "".join(pieces)
