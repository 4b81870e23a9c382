"""Text normalisation shared by the parsers and the merge.

Stored text keeps its case and accents (NFC, whitespace normalised); the *keys*
used to recognise the same paper fold case, accents and punctuation.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[^\S\n]+")
# Characters that a copy from a browser brings along but that carry no text:
# zero-width spaces and joiners, soft hyphens, BOMs, bidi marks.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e"),
    None,
)


def clean_line(text: str) -> str:
    """NFC-normalise one line and fold every run of whitespace to one space."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else " " for ch in text)
    return _SPACES.sub(" ", text).strip()


_COMBINING = re.compile(
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)
# Letters that carry their "accent" in the letter itself, so Unicode
# decomposition leaves them alone: folded to the Latin letters people type.
_LETTERS = str.maketrans({
    "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ł": "l", "ŀ": "l", "ŧ": "t",
    "þ": "th", "æ": "ae", "œ": "oe", "ƒ": "f", "ɨ": "i", "ʉ": "u", "ƀ": "b",
    "\u00b7": "",  # the middle dot of the Catalan "l·l"
})


def fold(text: str) -> str:
    """Case- and accent-folded ``text``: the one folding readq uses everywhere.

    The search index folds every word with it, and keys and comparisons
    (titles, names, citation keys) use it too, so "Küttler", "KUTTLER" and
    "kuttler" are the same word, as are "Søren" and "soren", "Straße" and
    "strasse".

    >>> fold("Heinrich Küttler, Søren Æbelø")
    'heinrich kuttler, soren aebelo'
    """
    if text.isascii():
        return text.lower()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.casefold())).translate(_LETTERS)


_NON_WORD = re.compile(r"[\W_]+")


def title_key(title: str | None) -> str | None:
    """The key two titles share when they name the same paper.

    Case, punctuation, whitespace and accents are folded away. ``None`` for an
    empty or missing title.
    """
    if not title:
        return None
    key = _NON_WORD.sub(" ", fold(title)).strip()
    return key or None


_STOPWORDS = frozenset(
    """a an the of and or in on for to with by from as at is are was were be been being this
    that these those we our it its which can such than then also not but into over via using
    use used based their they has have had more most new show shows shown both while when where
    how what do does only well other each all any between through under within without across
    us one two three first however here there may while""".split()
)
_WORD = re.compile(r"\w+")


def content_words(text: str) -> frozenset[str]:
    """The distinctive words of a text: folded, no stop words, no very short words."""
    return frozenset(
        w for w in _WORD.findall(fold(text)) if len(w) > 2 and w not in _STOPWORDS
    )


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two word sets (0.0 when both are empty)."""
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)
