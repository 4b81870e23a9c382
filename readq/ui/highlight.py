"""Highlight searched words in text shown by the detail pane.

Terms come from ``SearchIndex.terms_for_highlight`` (lowercase, accent-folded
words, phrases and prefixes) or, if the index cannot say, from the plain words
of the query. A term matches at the start of a word and the highlight runs to
the end of that word, so ``transformer`` also marks "Transformers" and the
prefix ``agent`` marks "agents", case- and accent-insensitively.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Sequence

from readq.search.highlight import highlight_spans
from readq.text import fold

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


def match_spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping spans of ``text`` that match ``terms``, whole words."""
    return highlight_spans(text, terms, whole_words=True)


def highlight_html(text: str, terms: Sequence[str], background: str, foreground: str) -> str:
    """``text`` as escaped HTML with matches wrapped in a coloured span (the last
    few are remembered: the detail pane redraws the same paper after each change)."""
    return _highlight_html(text, tuple(terms), background, foreground)


@functools.lru_cache(maxsize=32)
def _highlight_html(text: str, terms: tuple[str, ...], background: str, foreground: str) -> str:
    pieces: list[str] = []
    last = 0
    for start, end in match_spans(text, terms):
        pieces.append(html.escape(text[last:start]))
        pieces.append(f'<span style="background-color:{background}; color:{foreground}">'
                      f"{html.escape(text[start:end])}</span>")
        last = end
    pieces.append(html.escape(text[last:]))
    return "".join(pieces)
