"""Where a journal reference glued to the next abstract ends.

In an arXiv listing ``arXiv:ID - <journal ref>`` is followed, with no separator, by
the next abstract: ``…Workshop at ICLR 2023Video understanding…``,
``…(CoRL 2022)We…``, ``…pp. 112-129k-Nearest neighbours…``.

The boundary is found by what the two sides look like, not by a list of endings:
a journal reference is made of capitalised words, abbreviations (``Phys.Rev.``),
numbers, years, page ranges, acronyms, URLs and DOIs, with few lower-case words;
prose is mostly lower-case words. Every position where the text changes character
class inside a token (a *seam*: ``3|V``, ``)|W``, ``a|3``, ``9|k``, ``R|Vi``) is a
candidate, and so is the end (no abstract glued on). Each candidate costs the
prose-likeness of what it leaves in the reference plus the reference-likeness of
the first words it gives the abstract; the cheapest wins. A win by a small margin,
or one that had to cut at a space, is *unsure* and reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_REF_CHARS = 400    # no real journal reference is longer
SUFFIX_WINDOW = 30     # words of the abstract side that are weighed
SURE_MARGIN = 0.6      # the runner-up must cost this much more
SPACE_PENALTY = 1.5    # cutting at a space: nothing shows a glue there
WEAK_SEAM_PENALTY = 0.5

_STRIP = ",.;:!?()[]{}\"“”'‘’"
# lower-case words common in references as well as prose
_CONNECTORS = frozenset(
    "of the and in on for at to by from with de la le du der des di del von van et al "
    "y e da do dos das".split()
)
# capitalised words that start sentences far more often than they name venues
_SENTENCE_STARTERS = frozenset(
    "the this these those we our in a an it its there here how what when while although "
    "despite given since as for to with by on many most recent existing current such "
    "however moreover unlike using one two several some large deep modern".split()
)
_LOWER_WORD = re.compile(r"[^\W\d_][^\W\d_'’-]*(?:[-'’][^\W\d_]+)*")
_YEAR_AT_END = re.compile(r"(?:^|\D)(?:19|20)\d\d$")
_CLOSERS = ")]}.,;:'\"”’/"


def prose_weight(token: str) -> float:
    """How much one whitespace-separated token reads as prose (0) … (1)."""
    core = token.strip(_STRIP)
    if not core:
        return 0.0
    if core[0] in "$\\":
        return 0.5
    if _LOWER_WORD.fullmatch(core):
        if core.islower():
            if token.endswith(".") and len(core) <= 5 and token.count(".") == 1 and (
                    len(core) <= 3 or core in ("suppl", "proc", "conf")):
                return 0.1  # pp. vol. no. eds. — abbreviations of references
            if core in _CONNECTORS:
                return 0.55
            return 0.6 if len(core) == 1 else 1.0
        if core[0].isupper() and (core[1:].islower() or len(core) == 1 or
                                  not any(c.isupper() for c in core[1:].replace("-", ""))):
            return 0.75 if core.lower() in _SENTENCE_STARTERS else 0.35
        if not any(ch.isupper() or ch.islower() for ch in core):
            return 0.5  # a word of a script without case
        return 0.0
    if re.fullmatch(r"\d+[a-z]+", core):
        return 0.4
    return 0.0


def _seam_penalty(text: str, j: int) -> float | None:
    """The cost of cutting at ``j`` inside a token; None where no glue can be."""
    left, right = text[j - 1], text[j]
    after = text[j + 1] if j + 1 < len(text) else " "
    if right.isupper():
        if left.islower() or left.isdigit() or left in _CLOSERS:
            return 0.0
        if left.isupper() and after.islower():
            return WEAK_SEAM_PENALTY  # an acronym, then a capitalised word
        return None
    if right.isdigit():
        if left.isalpha() or left in _CLOSERS:
            return 0.0
        if _YEAR_AT_END.search(text[max(0, j - 5):j]):
            return WEAK_SEAM_PENALTY  # a year, then a number that starts the abstract
        return None
    if right.islower():
        if left.isdigit() or left in ")]}":
            return WEAK_SEAM_PENALTY
        return None
    if right in "$\\\"“‘(" and not left.isspace():
        return 0.0 if (left.isalnum() or left in _CLOSERS) else WEAK_SEAM_PENALTY
    if right.isalpha() and not (right.isupper() or right.islower()):
        return 0.0 if not (left.isalpha() and not (left.isupper() or left.islower())) else None
    return None


@dataclass(frozen=True)
class RefSplit:
    """A journal reference, the abstract glued after it, and whether the cut is sure."""

    journal_ref: str
    abstract: str
    sure: bool


def split_journal_ref(text: str) -> RefSplit:
    """``<journal ref><next abstract>`` → the two parts, cut where the text turns to prose."""
    tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    if not tokens:
        return RefSplit("", "", True)
    weights = [prose_weight(text[a:b]) for a, b in tokens]
    prefix = [0.0]
    for w in weights:
        prefix.append(prefix[-1] + w)

    def suffix_cost(first: str | None, k: int) -> float:
        cost = 0.0 if first is None else 1.0 - prose_weight(first)
        taken = 0 if first is None else 1
        stop = min(len(tokens), k + SUFFIX_WINDOW - taken)
        return cost + sum(1.0 - weights[t] for t in range(k, stop))

    candidates: list[tuple[float, int, bool]] = []  # (cost, position, at a space)
    for k, (a, b) in enumerate(tokens):
        if a > MAX_REF_CHARS:
            break
        if k > 0:
            candidates.append((prefix[k] + suffix_cost(None, k) + SPACE_PENALTY, a, True))
        for j in range(a + 1, b):
            if j > MAX_REF_CHARS:
                break
            penalty = _seam_penalty(text, j)
            if penalty is None:
                continue
            cost = (prefix[k] + prose_weight(text[a:j]) + suffix_cost(text[j:b], k + 1)
                    + penalty)
            candidates.append((cost, j, False))
    if len(text) <= MAX_REF_CHARS:
        candidates.append((prefix[-1], len(text), False))
    if not candidates:
        return RefSplit("", text, False)
    candidates.sort()
    best_cost, cut, at_space = candidates[0]
    runner_up = next((c for c, pos, _ in candidates[1:] if pos != cut), None)
    sure = (not at_space and (runner_up is None or runner_up - best_cost >= SURE_MARGIN))
    return RefSplit(text[:cut].strip(), text[cut:].strip(), sure)
