"""Names for imports, after what they hold (core: no Qt).

A sidebar full of ``000_205de6c725f08f55.txt`` says nothing; an import is
named after its content instead: an author profile after the author whose
papers it lists (the name on most of its papers), an arXiv listing as
"arXiv listing", a trending list as "Trending" with the date its page shows
("Trending Mar 11"). The user can rename any import; the name is stored with
it (``imports.name``), the file name stays in the sightings.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

HEAD_CHARS = 4096  # how much of a dump's start is read for a trending list's date
NAME_MAX = 80
_DATE_LINE = re.compile(r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{1,2}"
                        r"(, \d{4})?$")


def profile_author(author_lists: Iterable[Sequence[str]]) -> str | None:
    """The author on most papers of a profile: on a quarter of them at least, and on
    twice as many as anyone else (a profile lists its owner's papers with co-authors)."""
    counts: Counter[str] = Counter()
    papers = 0
    for authors in author_lists:
        papers += 1
        counts.update(set(authors))
    if not counts:
        return None
    top = counts.most_common(2)
    name, seen = top[0]
    runner_up = top[1][1] if len(top) > 1 else 0
    return name if seen * 4 >= papers and seen >= 2 * runner_up else None


def trending_date(head: str) -> str | None:
    """The date a trending list's header shows (``Mar 11``), from the dump's first lines."""
    for line in head.splitlines()[:20]:
        line = line.strip()
        if _DATE_LINE.match(line):
            return line
    return None


def import_name(fmt: str, author_lists: Iterable[Sequence[str]], head: str = "") -> str:
    """A readable name for an import of ``fmt`` (a ``DumpFormat`` value)."""
    if fmt in ("profile", "compact"):
        author = profile_author(author_lists)
        return author or "Author profile"
    if fmt == "arxiv":
        return "arXiv listing"
    if fmt == "trending":
        when = trending_date(head)
        return f"Trending {when}" if when else "Trending"
    return fmt


def clean_name(text: str) -> str:
    """A name the user typed, on one line and not too long ("" if nothing is left)."""
    return " ".join(text.split())[:NAME_MAX]
