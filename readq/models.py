"""Plain data types shared by every layer: parsed records, problems, papers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum


class DumpFormat(str, Enum):
    """The kinds of listing dump readq understands."""

    PROFILE = "profile"
    ARXIV = "arxiv"
    TRENDING = "trending"
    COMPACT = "compact"

    @property
    def label(self) -> str:
        """A human name for messages and the import summary."""
        return {
            "profile": "author profile",
            "arxiv": "arXiv listing",
            "trending": "trending list",
            "compact": "compact author profile",
        }[self.value]


@dataclass
class Record:
    """One paper as read from one dump (before merging)."""

    index: int
    line: int
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    authors_truncated: bool = False
    orgs: list[str] = field(default_factory=list)
    category: str | None = None
    published: date | None = None
    year_inferred: bool = False
    has_code: bool = False
    score: float | None = None
    arxiv_id: str | None = None
    journal_ref: str | None = None
    comments: str | None = None
    abstract: str = ""


@dataclass(frozen=True)
class Problem:
    """Something wrong in a dump, with the 1-based line it was found at."""

    line: int
    message: str


@dataclass(frozen=True)
class Unsure:
    """A boundary readq placed on weak evidence: counted per kind for the import report.

    Kinds: ``journal_ref`` (where an arXiv journal reference ends and the next abstract
    begins), ``title_authors`` (where a compact profile's title ends and its first author
    begins), ``title_abstract`` (a trending-list title that reads like prose, placed by
    the page's structure).
    """

    line: int
    kind: str


@dataclass
class ParseResult:
    """What a parser read from one dump."""

    format: DumpFormat
    records: list[Record]
    problems: list[Problem] = field(default_factory=list)
    unsure: dict[str, int] = field(default_factory=dict)


class DumpError(ValueError):
    """A dump that cannot be imported at all; ``str()`` is one readable line."""


# Keys of one paper in ``export --format json``, ``search --json`` and ``list --json``
# (DESIGN.md §6) — in this order, exactly.
EXPORT_KEYS = (
    "id", "arxiv_id", "title", "authors", "authors_truncated", "orgs", "category",
    "published", "year_inferred", "has_code", "score", "abstract", "journal_ref",
    "comments", "sources", "status", "rating", "note", "queue_position", "dismissed",
    "tags", "added_at",
)
