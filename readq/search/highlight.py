"""Find where search terms occur in a paper's text, for highlighting.

Pairs with :meth:`readq.search.index.SearchIndex.terms_for_highlight`, whose
terms are lowercase and accent-folded: matching here folds the text the same
way, so "kuttler" marks "Küttler", and the spans returned index the original,
unfolded text. A term matches at the start of a word and may run into the
rest of it ("transformer" marks the start of "Transformers", "trans" is a
typed prefix); the words of a phrase may be separated by any punctuation or
spacing ("state of the art" marks "state-of-the-art").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from readq.text import fold

__all__ = ["highlight_spans"]


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` plus, for each folded character, its index in ``text``."""
    parts: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        f = fold(ch)
        parts.append(f)
        origin.extend([i] * len(f))
    return "".join(parts), origin


def highlight_spans(text: str, terms: Sequence[str], *,
                    whole_words: bool = False) -> list[tuple[int, int]]:
    """Sorted, non-overlapping ``(start, end)`` spans of ``terms`` in ``text``.

    ``whole_words``: a span runs on to the end of the word it starts
    ("transformer" marks all of "Transformers").
    """
    words_per_term = [re.findall(r"\w+", fold(t)) for t in terms]
    patterns = [r"\W+".join(re.escape(w) for w in words) for words in words_per_term if words]
    if not patterns or not text:
        return []
    folded, origin = _folded_with_map(text)
    # Longest first so a phrase wins over its first word at the same place.
    regex = re.compile(
        r"(?<!\w)(?:" + "|".join(sorted(set(patterns), key=len, reverse=True)) + ")"
        + (r"\w*" if whole_words else "")
    )
    spans: list[tuple[int, int]] = []
    for m in regex.finditer(folded):
        if m.end() == m.start():
            continue
        start, end = origin[m.start()], origin[m.end() - 1] + 1
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans
