"""Canonical forms of organisation slugs and arXiv ids (engine-neutral).

Used by the query syntax (``org:``/``arxiv:`` values) and by the index when it
writes those fields, so both sides agree.
"""

from __future__ import annotations

import re

from readq.text import fold

__all__ = ["WORD_PATTERN", "normalize_org", "normalize_arxiv_id"]

#: What a word is: a run of word characters, keeping dotted runs such as
#: "2401.10020" together (unlike whoosh's default, "*" is not part of a word,
#: so Markdown "**bold**" in notes indexes as "bold").
WORD_PATTERN = re.compile(r"\w+(?:\.\w+)*")

_ARXIV_PREFIX = re.compile(r"^\s*(?:arxiv:|https?://arxiv\.org/(?:abs|pdf)/)", re.IGNORECASE)
_ARXIV_VERSION = re.compile(r"v\d+$", re.IGNORECASE)


def normalize_org(org: str) -> str:
    """Canonical form of an organisation slug: lowercase, accent-folded, no
    commas, inner whitespace replaced by "-" ("Google DeepMind" -> "google-deepmind")."""
    return "-".join(fold(org).replace(",", " ").split())


def normalize_arxiv_id(arxiv_id: str) -> str:
    """Canonical form of an arXiv id: lowercase, without an "arXiv:"/URL prefix,
    a ".pdf" suffix or a version suffix ("arXiv:2401.10020v2" -> "2401.10020")."""
    text = _ARXIV_PREFIX.sub("", arxiv_id.strip()).strip().lower()
    if text.endswith(".pdf"):
        text = text[: -len(".pdf")]
    return _ARXIV_VERSION.sub("", text)
