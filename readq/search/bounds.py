"""How much work one query may ask of the index: the limits and their messages.

A typo (``~``), prefix or wildcard (``*``) word stands for every indexed word it
matches, so its cost grows with the word list, not with the query: a long word
with two typos, hundreds of typo words, a pattern that starts with ``*`` or a
phrase of hundreds of words each took seconds at 100,000 papers. The limits below
refuse such queries in one readable line (a :class:`QueryError`) before any
search starts; what they allow answers within the search budget:

* a typo or pattern word has at most ``MAX_PATTERN_LETTERS`` letters;
* each allowed typo needs ``LETTERS_PER_TYPO`` letters of the word (``ab~`` is
  refused, ``model~`` allowed, ``model~2`` refused, ``transfomer~2`` allowed):
  with fewer, most short words of the dictionary are within reach;
* a pattern starts with a letter, not ``*`` (``*former`` would read the whole
  word list of every field);
* at most ``MAX_EXPANDING_WORDS`` typo or pattern words per query;
* a phrase has at most ``MAX_PHRASE_WORDS`` words, and the whole query at most
  ``MAX_WORDS`` words (phrases included);
* a typo or pattern word may stand for at most ``MAX_EXPANSIONS`` different
  indexed words in a field, found at most ``MAX_EXPANSION_POSTINGS`` times in
  all (checked when it is expanded, against the index: ``a*`` in a large library
  is refused, ``optim*`` is not).
"""

from __future__ import annotations

from readq.search.lexer import QueryError, _snippet
from readq.search.normalize import WORD_PATTERN
from readq.text import fold

__all__ = [
    "MAX_PATTERN_LETTERS",
    "LETTERS_PER_TYPO",
    "MAX_EXPANDING_WORDS",
    "MAX_PHRASE_WORDS",
    "MAX_WORDS",
    "MAX_EXPANSIONS",
    "MAX_EXPANSION_POSTINGS",
    "check_typo_word",
    "check_pattern_word",
    "check_counts",
    "check_work",
    "too_many_expansions",
]

#: Longest typo or pattern word, in letters (English words rarely pass 25).
MAX_PATTERN_LETTERS = 30
#: Letters of the word needed for each typo allowed (~1: 3 letters, ~2: 6).
LETTERS_PER_TYPO = 3
#: Most typo/prefix/wildcard words in one query.
MAX_EXPANDING_WORDS = 8
#: Most words in one phrase: 24 or more common words took ~1 s at 100,000 papers, 16
#: about 0.6 s (a title longer than that is found by a distinctive part of it).
MAX_PHRASE_WORDS = 16
#: Most words in one query, phrases included (a long title has about 25; each
#: common word reads long posting lists in every text field).
MAX_WORDS = 40
#: Most indexed words one typo or pattern word may stand for, per field.
MAX_EXPANSIONS = 500
#: Most postings (papers having the word, summed over the words found) one typo or
#: pattern word may read, per field: scoring reads them all, about a microsecond
#: each when first read, so this keeps a cold pattern word near 0.2 s at worst.
MAX_EXPANSION_POSTINGS = 250_000


def _letters(text: str) -> int:
    return sum(len(w) for w in WORD_PATTERN.findall(fold(text)))


def check_typo_word(text: str, distance: int) -> None:
    """Refuse a typo word that is too long, or too short for ``distance`` typos."""
    letters = _letters(text)
    if letters > MAX_PATTERN_LETTERS:
        raise QueryError(
            f"A word with ~ may have at most {MAX_PATTERN_LETTERS} letters "
            f"({_snippet(text, 24)} has {letters:,}): search for it without ~")
    needed = LETTERS_PER_TYPO * distance
    if letters < needed:
        typos = "one typo needs" if distance == 1 else f"{distance} typos need"
        raise QueryError(
            f"{_snippet(text, 24)}~{distance if distance > 1 else ''}: {typos} a word of at "
            f"least {needed} letters" + (f"; try {text}~" if distance > 1
                                         and letters >= LETTERS_PER_TYPO else ""))


def check_pattern_word(pattern: str) -> None:
    """Refuse a prefix or wildcard pattern that is too long or starts with ``*``."""
    if pattern.startswith("*"):
        raise QueryError(
            f"{_snippet(pattern, 24)}: a * can't start a word (it would read every word "
            "of the library); put letters before it, e.g. trans*")
    letters = _letters(pattern)
    if letters > MAX_PATTERN_LETTERS:
        raise QueryError(
            f"A word with * may have at most {MAX_PATTERN_LETTERS} letters "
            f"({_snippet(pattern, 24)} has {letters:,})")


def check_counts(expanding: int, words: int, longest_phrase: int) -> None:
    """Refuse a query with too many typo/pattern words, words, or phrase words."""
    if expanding > MAX_EXPANDING_WORDS:
        raise QueryError(
            f"The query has {expanding} words with ~ or *; at most {MAX_EXPANDING_WORDS} "
            "are allowed")
    if longest_phrase > MAX_PHRASE_WORDS:
        raise QueryError(
            f"A phrase may have at most {MAX_PHRASE_WORDS} words (this one has "
            f"{longest_phrase}): quote a shorter, distinctive part")
    if words > MAX_WORDS:
        raise QueryError(
            f"The query has {words} words; at most {MAX_WORDS} are searched together: "
            "keep a few distinctive ones")


def check_work(tree: object) -> None:
    """Refuse a parsed query tree (:mod:`readq.search.query`) that has too many
    typo/pattern words, words, or phrase words."""
    from readq.search import query as q  # the tree's own module, loaded by now

    expanding = words = longest = 0
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (q.And, q.Or)):
            stack.extend(node.children)
        elif isinstance(node, q.Not):
            stack.append(node.child)
        elif isinstance(node, (q.Fuzzy, q.Prefix, q.Wildcard)):
            expanding += 1
            words += 1
        elif isinstance(node, q.Word):
            words += 1
        elif isinstance(node, q.Phrase):
            count = len(WORD_PATTERN.findall(fold(node.text)))
            words += count
            longest = max(longest, count)
    check_counts(expanding, words, longest)


def too_many_expansions(shown: str, count: int, postings: int) -> QueryError:
    """The error for a typo or pattern word that matches too many indexed words,
    or words found too often in all (``postings``: papers summed over the words)."""
    if count > MAX_EXPANSIONS:
        return QueryError(
            f"{_snippet(shown, 24)} matches more than {MAX_EXPANSIONS:,} different words "
            f"({count:,}): add letters to narrow it")
    return QueryError(
        f"{_snippet(shown, 24)} matches words found {postings:,} times in all (at most "
        f"{MAX_EXPANSION_POSTINGS:,} are scored quickly): add letters to narrow it")
