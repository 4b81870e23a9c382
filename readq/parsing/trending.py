"""Trending-list dumps (``002_*``): a few header lines, then title / abstract pairs.

No authors, no ids, no dates per paper. Whether a line is a title or an abstract
is decided by the page's structure as a whole, not line by line: the page is a
header, then title, abstract, title, abstract…, blank lines between. Each line gets
a role (header, title, abstract, abstract continued) by the best-scoring labelling
of the whole sequence (Viterbi), where a line's length and prose-likeness are only
evidence. So a title that reads like prose (two sentences, a question, a long
title) between two abstracts is still a title, and a short abstract is still an
abstract. A title placed against its own evidence is counted as *unsure*; a title
with no abstract, or a paragraph that continues an abstract after a blank line, is
reported with its line — pairs are never shifted silently.

Streamed with a bounded window: lines are decided ``LAG`` at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from readq.models import Problem, Record, Unsure
from readq.parsing.common import Item, looks_like_abstract

HEADER, TITLE, ABSTRACT, MORE = "H", "T", "A", "C"
STATES = (HEADER, TITLE, ABSTRACT, MORE)
LAG = 64
IMPOSSIBLE = float("-inf")

Line = tuple[int, str, bool]  # number, text, a blank line before it


def _transition(prev: str | None, state: str, blank_before: bool) -> float:
    """Log-score of ``state`` following ``prev`` (None: the start of the page)."""
    if prev is None:
        return 0.0 if state in (HEADER, TITLE) else IMPOSSIBLE
    if state == HEADER:
        return 0.0 if prev == HEADER else IMPOSSIBLE
    if state == TITLE:
        if prev == TITLE:
            return -7.0  # a title with no abstract: possible, reported
        return 0.0 if blank_before or prev == HEADER else -1.0
    if state == ABSTRACT:
        return 0.0 if prev == TITLE else IMPOSSIBLE
    # MORE: a further line of the abstract
    if prev not in (ABSTRACT, MORE):
        return IMPOSSIBLE
    return -4.0 if blank_before else -0.5


def _emission(state: str, text: str) -> float:
    """Log-score of a line's own look for ``state``."""
    length = len(text)
    prose = looks_like_abstract(text)
    if state == HEADER:
        return 0.0 if length < 100 and not prose else -8.0
    if state == TITLE:
        score = (0.0 if length <= 150 else -1.5 if length <= 250 else -4.0 if length <= 400
                 else -12.0)
        if text.endswith("."):
            score -= 1.5  # titles rarely end in a full stop; abstracts nearly always do
        return score - (2.0 if prose else 0.0)
    score = 0.0 if length >= 200 else (-1.0 if length >= 100 else (-3.0 if length >= 40 else -6.0))
    return score + (0.5 if prose else 0.0)


def _label(window: list[Line], start: str | None) -> list[str]:
    """The best labelling of ``window`` after a line labelled ``start``."""
    scores = {s: _transition(start, s, window[0][2]) + _emission(s, window[0][1])
              for s in STATES}
    back: list[dict[str, str]] = []
    for _, text, blank in window[1:]:
        step: dict[str, float] = {}
        pointers: dict[str, str] = {}
        for state in STATES:
            best_prev, best = max(((p, scores[p] + _transition(p, state, blank)) for p in STATES),
                                  key=lambda pair: pair[1])
            step[state], pointers[state] = best + _emission(state, text), best_prev
        scores = step
        back.append(pointers)
    state = max(STATES, key=lambda s: scores[s])
    labels = [state]
    for pointers in reversed(back):
        state = pointers[state]
        labels.append(state)
    return labels[::-1]


def _labelled(lines: Iterable[tuple[int, str]]) -> Iterator[tuple[Line, str]]:
    """Every non-blank line with its role, decided ``LAG`` lines at a time."""
    window: list[Line] = []
    state: str | None = None
    blank = False
    for number, text in lines:
        if not text:
            blank = True
            continue
        window.append((number, text, blank))
        blank = False
        if len(window) >= 2 * LAG:
            labels = _label(window, state)
            yield from zip(window[:LAG], labels[:LAG])
            state = labels[LAG - 1]
            window = window[LAG:]
    if window:
        yield from zip(window, _label(window, state))


def parse_trending(lines: Iterable[tuple[int, str]], captured: date) -> Iterator[Item]:
    """Parse a trending list. ``captured`` is unused: the list carries no paper dates."""
    del captured
    current: Record | None = None
    title: tuple[int, str] | None = None  # a title still waiting for its abstract
    count = 0
    for (number, text, blank), role in _labelled(lines):
        if role == HEADER:
            continue
        if role == TITLE:
            if title is not None:
                yield Problem(title[0], f"“{_short(title[1])}” has no abstract; not imported")
            title = (number, text)
            continue
        if role == ABSTRACT and title is not None:
            if current is not None:
                yield current
            current = Record(index=count, line=title[0], title=title[1], abstract=text)
            count += 1
            if len(title[1]) > 200 or looks_like_abstract(title[1]) or len(text) < 100:
                yield Unsure(title[0], "title_abstract")
            title = None
        elif current is not None:  # MORE
            current.abstract = f"{current.abstract} {text}"
            if blank:
                yield Unsure(number, "title_abstract")
                yield Problem(number, "a paragraph after a blank line was read as the "
                              f"abstract of “{_short(current.title or '')}” continuing")
    if current is not None:
        yield current
    if title is not None:
        yield Problem(title[0], f"the last record “{_short(title[1])}” has no abstract "
                      "(the dump looks cut off); not imported")


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
