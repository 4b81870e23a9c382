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
SURE_MARGIN = 0.5      # the runner-up must cost this much more
SPACE_PENALTY = 3.0    # cutting at a space: nothing shows a glue there
LONG_REF_CHARS = 150   # references longer than this are rarer the longer they are
WEAK_SEAM_PENALTY = 0.5
SHIFTED_PENALTY = 1.0  # a cut one or two letters into a token like mRNA
YEAR_SEAM_PENALTY = 0.0
UNBALANCED_PENALTY = 1.0
MIN_REF_ALNUM = 3      # a reference has at least this many letters or digits

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
_PAGE_RANGE_AT_END = re.compile(r"(?:^|\D)(\d+)[-–]+(\d+)$")
_CLOSERS = ")]}.,;:'\"”’/"
# tokens that begin in lower case yet open abstracts: mRNA, pLM, siRNA (a lower-case
# letter before a capitalised word, iPhone, or before a hyphen, k-means, looks like the
# inside of any word: spati|o-temporels)
_TECHNICAL_START = re.compile(r"[a-z]{1,2}[A-Z]{2,}")


def prose_weight(token: str) -> float:
    """How much one whitespace-separated token reads as prose (1) rather than as part
    of a reference (0)."""
    core = token.strip(_STRIP)
    if not core:
        return 0.0
    if "://" in token or token.startswith("www.") or token.count("/") >= 2:
        return 0.0  # a URL or a path
    if core[0] in "$\\" or re.search(r"[=^_]|^[^\W\d_]{2,}\$", core):
        return 0.5  # TeX or a formula (Interaction$\alpha: a word glued to one)
    if re.fullmatch(r"\(\w+\)[a-z]+", token.strip(",.;:")):
        return 0.8  # (Sub)optimal
    if _LOWER_WORD.fullmatch(core):
        if core.islower():
            if token.endswith(".") and len(core) <= 5 and token.count(".") == 1 and (
                    len(core) <= 3 or core in ("suppl", "proc", "conf")):
                return 0.1  # pp. vol. no. eds. — abbreviations of references
            if core in _CONNECTORS:
                return 0.55
            return 0.6 if len(core) == 1 else 1.0
        if len(core) == 1 and core.isupper() and core not in "AI":
            return 0.1  # a lone capital: a volume letter, not a word
        if core[0].isupper() and all(part[:1].isupper() and (part[1:].islower() or len(part) == 1)
                                     or part.islower() for part in re.split("[-'’]", core)):
            return 0.75 if core.lower() in _SENTENCE_STARTERS else 0.35  # Katz-Sarnak
        if not any(ch.isupper() or ch.islower() for ch in core):
            return 0.5  # a word of a script without case
        if core[0].islower():
            return 0.8 if "-" in core else 0.5  # type-V; mBERT, iPhone
        if re.fullmatch(r"[A-Z]{2,}s?", core):
            return 0.3  # an acronym: as common in abstracts as in references
        return 0.0
    if re.fullmatch(r"\d+(?:st|nd|rd|th)", core):
        return 0.0  # an ordinal: 15th Conference
    if re.fullmatch(r"\d+[a-z]+", core):
        return 0.4
    if re.fullmatch(r"\d{1,2}[A-Z]{1,2}", core):
        return 0.5  # 3D, 5G, 2D
    return 0.0


def _size(token: str) -> float:
    """Long tokens weigh more than short ones."""
    return min(3.0, 0.5 + len(token) / 8)


def _seam_penalty(text: str, j: int) -> float | None:
    """The cost of cutting at ``j`` inside a token; None where no glue can be."""
    left, right = text[j - 1], text[j]
    after = text[j + 1] if j + 1 < len(text) else " "
    closer = left in _CLOSERS or not (left.isalnum() or left.isspace() or left in "([{-–—\\")
    if right.isupper():
        if left.isdigit():
            pages = _PAGE_RANGE_AT_END.search(text[max(0, j - 24):j])
            if pages and len(pages[2]) > len(pages[1]):
                return WEAK_SEAM_PENALTY  # 112-1293|D: a range grown longer than it began
            return 0.0
        if left.islower() and _TECHNICAL_START.match(text, j - 2 if text[j - 2].islower()
                                                     else j - 1):
            before = text[j - 3 if text[j - 2].islower() else j - 2]
            if not before.islower():
                return SHIFTED_PENALTY  # EMNLPm|RNA: the letters open mRNA instead
        if left.islower() or closer:
            return 0.0
        if left.isupper() and after.islower() and not re.match(r"[A-Z]s\b", text[j:]):
            return WEAK_SEAM_PENALTY  # an acronym, then a capitalised word (not LL|Ms)
        return None
    if right.isdigit():
        if left.isalpha() or closer:
            return 0.0
        if _YEAR_AT_END.search(text[max(0, j - 5):j]):
            return YEAR_SEAM_PENALTY  # a year, then a number that starts the abstract
        pages = _PAGE_RANGE_AT_END.search(text[max(0, j - 24):j])
        if pages and len(pages[2]) >= len(pages[1]):
            return 0.0  # a page range ends no longer than it starts: 1641-1651|3D
        if re.match(r"\d{1,2}[A-Z]{1,2}\b", text[j:j + 4]):
            return WEAK_SEAM_PENALTY  # …L5|3D: a number, then 3D/5G (rarely sure)
        return None
    if right.islower():
        if (left.isalnum() or closer) and _TECHNICAL_START.match(text, j):
            return 0.0  # …Workshop|mRNA, …EMNLP|pLM: a token no word continues into
        if (left.isupper() or left.isdigit()) and re.match(r"[a-z]-[A-Za-z]{2,}", text[j:]):
            return 0.0  # …EMNLP|k-means, …2023|t-SNE (not spati|o-temporels)
        if left.isdigit() and re.match(r"(?:st|nd|rd|th)\b", text[j:j + 3]):
            return None  # an ordinal: 15th
        if left.isdigit() or left in ")]}":
            return WEAK_SEAM_PENALTY
        return None
    if right == "\\" and not re.match(r"\\[A-Za-z]{2,}", text[j:j + 3]):
        return None  # a TeX accent inside a word: Gat\'e
    if right in "$\\\"“‘(" and not left.isspace():
        return 0.0 if (left.isalnum() or closer) else WEAK_SEAM_PENALTY
    if right.isalpha() and not (right.isupper() or right.islower()):
        return 0.0 if not (left.isalpha() and not (left.isupper() or left.islower())) else None
    return None


def _unbalanced(ref: str) -> float:
    """A reference does not end inside a quotation, a formula or brackets."""
    open_marks = (ref.count('"') % 2 + ref.count("$") % 2 + (ref.count("“") > ref.count("”"))
                  + (ref.count("(") > ref.count(")")) + (ref.count("[") > ref.count("]"))
                  + (ref.count("{") > ref.count("}")))
    return UNBALANCED_PENALTY * open_marks + max(0, len(ref) - LONG_REF_CHARS) / 50


def _alnum(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


@dataclass(frozen=True)
class RefSplit:
    """A journal reference, the abstract glued after it, and whether the cut is sure."""

    journal_ref: str
    abstract: str
    sure: bool
    margin: float = 0.0


def split_journal_ref(text: str) -> RefSplit:
    """``<journal ref><next abstract>`` → the two parts, cut where the text turns to prose.

    Every candidate is costed over the same stretch of text (the first
    ``MAX_REF_CHARS`` and ``SUFFIX_WINDOW`` words beyond): prose words left in the
    reference plus reference-like words given to the abstract, each by its size.
    """
    tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    if not tokens:
        return RefSplit("", "", True)
    last = next((k for k, (a, _) in enumerate(tokens) if a > MAX_REF_CHARS), len(tokens))
    end = min(len(tokens), last + SUFFIX_WINDOW)
    weights = [prose_weight(text[a:b]) for a, b in tokens[:end]]
    sizes = [_size(text[a:b]) for a, b in tokens[:end]]
    prose = [0.0]  # prose left in the reference, by prefix
    for w, size in zip(weights, sizes):
        prose.append(prose[-1] + w * size)
    refish = [0.0] * (end + 1)  # reference-likeness given to the abstract, by suffix
    for k in range(end - 1, -1, -1):
        refish[k] = refish[k + 1] + (1.0 - weights[k]) * sizes[k]

    candidates: list[tuple[float, int, bool]] = []  # (cost, position, at a space)
    for k, (a, b) in enumerate(tokens[:last]):
        if k > 0:
            candidates.append((prose[k] + refish[k] + SPACE_PENALTY, a, True))
        for j in range(a + 1, min(b, MAX_REF_CHARS + 1)):
            penalty = _seam_penalty(text, j)
            if penalty is None or (k == 0 and _alnum(text[a:j]) < MIN_REF_ALNUM):
                continue
            left, right = text[a:j], text[j:b]
            cost = (prose[k] + prose_weight(left) * _size(left)
                    + (1.0 - prose_weight(right)) * _size(right) + refish[k + 1]
                    + penalty + _unbalanced(text[:j]))
            candidates.append((cost, j, False))
    if len(text) <= MAX_REF_CHARS:
        candidates.append((prose[end], len(text), False))
    if not candidates:
        return RefSplit("", text, False)
    candidates.sort()
    best_cost, cut, at_space = candidates[0]
    runner_up = next((c for c, pos, _ in candidates[1:] if pos != cut), None)
    margin = 99.0 if runner_up is None else runner_up - best_cost
    sure = not at_space and margin >= SURE_MARGIN and not _shifted_alternative(
        text, cut, {pos for _, pos, space in candidates if not space})
    return RefSplit(text[:cut].strip(), text[cut:].strip(), sure, margin)


def _shifted_alternative(text: str, cut: int, seams: set[int]) -> bool:
    """Whether a seam a letter or two away, across lower-case letters only, is as
    plausible a cut: ``Workshop|mRNA`` or ``Workshopm|RNA``, ``EMNLP|k-means`` or
    ``EMNL|Pk-means`` — the letters alone cannot tell which word they belong to, so
    such a cut is reported, never silently trusted."""
    for other in seams:
        if other != cut and abs(other - cut) <= 2:
            between = text[min(other, cut):max(other, cut)]
            if between.isalpha() and (between.islower() or len(between) == 1):
                return True
    return False
