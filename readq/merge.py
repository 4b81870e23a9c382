"""One paper, many sightings: decide whether an incoming record is a paper we have.

Rules (DESIGN.md §3): the same arXiv id or the same folded title is the same paper.
Otherwise abstracts are compared (content-word Jaccard), helped by the arXiv id's
year-month agreeing with the paper's date. Confident matches merge; unsure ones
become *possible duplicates* for the user; nothing is merged silently on a guess.

Candidates are found through MinHash bands of the abstract's content words kept
in the store, so a 100,000-paper library is not scanned.

Fields that came from a bad decode (bytes kept as U+FFFD, or UTF-8 read as
Windows-1252) are not "different": such a title matches its clean version, and a
re-import of the corrected dump replaces them (``damaged_version_of``).
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from readq.dates import arxiv_year_month, months_apart
from readq.models import Record
from readq.names import same_person, split_title_and_authors, strip_et_al, without_orgs
from readq.text import clean_line, content_words, fold, jaccard, title_key

BANDS = 24
ROWS = 3
BINS = BANDS * ROWS

SURE = 0.75            # abstracts this alike are the same paper
SURE_WITH_DATE = 0.45  # …or this alike when the dates agree
POSSIBLE = 0.30        # worth asking the user
RETITLED = 0.90        # differently titled papers this alike may be one (the user decides)
# Abstracts at RETITLED similarity share most bands (expected ~17 of 24; at least 6
# with near certainty); unrelated ones almost never share 6.
BANDS_FOR_NEAR_EQUAL = 6


OPENING_WORDS = 25  # a retitled version keeps its abstract's first sentences: this long
_OPENING_BAND = BANDS  # band number of the opening's key (after the MinHash bands)
_WORD_RUN = re.compile(r"[^\W_]+")


def abstract_opening(abstract: str | None) -> tuple[str, ...] | None:
    """The first ``OPENING_WORDS`` words of an abstract, folded, in order (None if it
    is shorter): a paper retitled between arXiv versions keeps its first sentences even
    when later ones are reworded."""
    words = _WORD_RUN.findall(fold(abstract or ""))
    return tuple(words[:OPENING_WORDS]) if len(words) > OPENING_WORDS else None


def opening_bands(abstract: str | None) -> list[int]:
    """Band keys under which abstracts with the same opening find each other: the
    opening's hash, stored under as many band numbers as a near-equal abstract shares
    (``BANDS_FOR_NEAR_EQUAL``), so a retitled version is compared even when its
    reworded remainder shares few MinHash bands."""
    opening = abstract_opening(abstract)
    if opening is None:
        return []
    key = zlib.crc32(" ".join(opening).encode("utf-8"))
    return [key | ((_OPENING_BAND + i) << 32) for i in range(BANDS_FOR_NEAR_EQUAL)]


def abstract_bands(words: frozenset[str]) -> list[int]:
    """MinHash LSH band keys of a word set (empty for very short abstracts).

    One-permutation hashing: each word's CRC32 picks a bin and competes for its
    minimum; empty bins borrow from the next filled one (rotation densification).
    One pass over the words instead of one per hash function.
    """
    if len(words) < 5:
        return []
    mins: list[int | None] = [None] * BINS
    for word in words:
        h = zlib.crc32(word.encode("utf-8"))
        b, v = h % BINS, h // BINS
        current = mins[b]
        if current is None or v < current:
            mins[b] = v
    filled: list[tuple[int, int]] = []
    for i in range(BINS):
        step = 0
        while mins[(i + step) % BINS] is None:
            step += 1
        filled.append((mins[(i + step) % BINS] or 0, step))
    return [
        zlib.crc32(repr(filled[band * ROWS : (band + 1) * ROWS]).encode()) | (band << 32)
        for band in range(BANDS)
    ]


REPLACEMENT = "\ufffd"


def damaged_version_of(stored: object, clean: object) -> bool:
    """Whether ``stored`` is ``clean`` as a bad decode showed it: each stray byte kept
    as U+FFFD where ``clean`` has one character, or ``clean``'s UTF-8 read as
    Windows-1252 (``KÃ¼ttler``). Lists (authors, orgs) compare item by item."""
    if isinstance(stored, list) and isinstance(clean, list):
        return (len(stored) == len(clean) and stored != clean
                and all(a == b or damaged_version_of(a, b) for a, b in zip(stored, clean)))
    if not isinstance(stored, str) or not isinstance(clean, str) or not stored or not clean:
        return False
    if stored == clean or REPLACEMENT in clean:
        return False
    if REPLACEMENT in stored:
        pattern = ".?".join(re.escape(part) for part in stored.split(REPLACEMENT))
        return re.fullmatch(pattern, clean, re.DOTALL) is not None
    if clean.isascii() and stored.isascii():
        return False
    if misread(clean) == stored:
        return True
    # an old whole-file misdecode could also hide the glue of a compact line, so the
    # stored "title" is the misread title with its authors still glued on
    restored = _restored(stored)
    if restored is None or restored == clean:
        return False
    if restored.startswith(clean):
        split = split_title_and_authors(strip_et_al(without_orgs(restored))[0])
        return split is not None and split[0] == clean
    # bytes the misdecode lost: compare what is left of both, as ASCII
    kept, title = _skeleton(restored), _skeleton(clean)
    return len(title) >= 12 and kept.startswith(title) and kept != title


def _restored(stored: str) -> str | None:
    """Text stored from UTF-8 misread as Windows-1252, read right as far as it can be
    (None if it was not such text)."""
    if stored.isascii():
        return None
    restored = stored.encode("cp1252", errors="replace").decode("utf-8", errors="replace")
    return clean_line(restored) if restored != stored else None


def _skeleton(text: str) -> str:
    return re.sub(r"[^!-~]|\?", "", text)


def misread(clean: str) -> str:
    """``clean`` as a whole-file Windows-1252 decode of its UTF-8 showed it."""
    return clean_line(clean.encode("utf-8").decode("cp1252", errors="replace"))


def damaged_title_keys(title: str | None) -> list[str]:
    """Title keys a bad decode of ``title`` would have been stored under: its UTF-8
    read as Windows-1252, and its non-ASCII characters each kept as U+FFFD."""
    if not title or title.isascii():
        return []
    keys = [title_key(misread(title)),
            title_key("".join(ch if ch.isascii() else REPLACEMENT for ch in title))]
    return [k for k in dict.fromkeys(keys) if k and k != title_key(title)]


@dataclass(frozen=True)
class Match:
    """The decision for one record."""

    kind: Literal["new", "same", "possible"]
    paper_id: int | None = None
    similarity: float = 0.0


def _dates_agree(arxiv_id: str | None, published: date | str | None) -> bool:
    ym = arxiv_year_month(arxiv_id)
    if ym is None or not published:
        return False
    when = date.fromisoformat(published) if isinstance(published, str) else published
    return months_apart(ym, when) <= 1


def judge_abstract_match(record: Record, words: frozenset[str],
                         candidates: list[Any]) -> Match:
    """Compare a record's abstract with candidate papers (rows with id, title_key,
    arxiv_id, published, abstract).

    A candidate with another arXiv id is a different paper. One with another title
    is only ever a *possible* duplicate, and only when the abstracts are all but
    identical or open with the same sentences (a title changed between arXiv
    versions); the user decides. The same arXiv id merges before this is asked.
    """
    record_key = title_key(record.title)
    opening = abstract_opening(record.abstract)
    best: tuple[float, bool, bool, int] | None = None
    for row in candidates:
        if record.arxiv_id and row["arxiv_id"] and row["arxiv_id"] != record.arxiv_id:
            continue
        sim = jaccard(words, content_words(row["abstract"]))
        if damaged_version_of(row["title"], record.title) or damaged_version_of(
                record.title, row["title"]):
            return Match("same", row["id"], 1.0)  # the same title, one side badly decoded
        titles_differ = bool(record_key and row["title_key"] and record_key != row["title_key"])
        if titles_differ and sim < RETITLED and not (
                opening is not None and abstract_opening(row["abstract"]) == opening):
            continue
        agree = _dates_agree(record.arxiv_id, row["published"]) or _dates_agree(
            row["arxiv_id"], record.published)
        key = (sim, agree and not titles_differ, titles_differ, row["id"])
        if best is None or key[:2] > best[:2]:
            best = key
    if best is None:
        return Match("new")
    sim, agree, titles_differ, paper_id = best
    if titles_differ:
        return Match("possible", paper_id, sim)
    if sim >= SURE or (agree and sim >= SURE_WITH_DATE):
        return Match("same", paper_id, sim)
    if sim >= POSSIBLE:
        return Match("possible", paper_id, sim)
    return Match("new")


def fill_empty(existing: dict[str, Any], record: Record) -> dict[str, Any]:
    """The fields a record can add to a stored paper: only those still empty, or
    damaged by a bad decode that this record shows undamaged.

    A partial author list ("et al.") gains the names the record adds; a complete one
    replaces it. A year-less date is replaced by a full one; has_code only ever turns
    on. The abstract already stored is kept (the first version seen wins) unless damaged.
    """
    changes: dict[str, Any] = {}
    simple = {
        "title": record.title, "category": record.category, "score": record.score,
        "arxiv_id": record.arxiv_id, "journal_ref": record.journal_ref,
        "comments": record.comments, "abstract": record.abstract or None,
    }
    for name, value in simple.items():
        if value not in (None, "") and (existing.get(name) in (None, "")
                                        or damaged_version_of(existing.get(name), value)):
            changes[name] = value
    for name, values in (("authors", record.authors), ("orgs", record.orgs)):
        if damaged_version_of(existing[name], values):
            changes[name] = values
    if record.authors and not existing["authors"]:
        changes["authors"] = record.authors
        changes["authors_truncated"] = int(record.authors_truncated)
    elif (record.authors and existing["authors_truncated"] and not record.authors_truncated
          and len(record.authors) >= len(existing["authors"])):
        changes["authors"] = record.authors
        changes["authors_truncated"] = 0
    elif record.authors and existing["authors_truncated"] and "authors" not in changes:
        # both lists are partial (a profile adds its owner after "et al."): the names
        # this record knows that the stored list lacks go after the stored ones
        known = existing["authors"]
        added = [name for name in record.authors
                 if not any(same_person(name, other) for other in known)]
        if added:
            changes["authors"] = [*known, *added]
    if record.orgs and not existing["orgs"]:
        changes["orgs"] = record.orgs
    if record.published and (existing["published"] is None
                             or (existing["year_inferred"] and not record.year_inferred)):
        iso = record.published.isoformat()
        if iso != existing["published"] or existing["year_inferred"]:
            changes["published"] = iso
            changes["year_inferred"] = int(record.year_inferred)
    if record.has_code and not existing["has_code"]:
        changes["has_code"] = 1
    return changes
