"""Simulated readers for the offline evaluation of "For you" (benchmarks/bench_recommend.py).

Papers are real public arXiv metadata (see :func:`load_papers`); a reader's taste
is a set of arXiv categories (any listed category counts). Each scenario is a
kind of reader going through a shuffled inbox as in triage, deciding on cards
until it has made N decisions (skips are no decisions):

- ``topics``: wants one or two related categories; wanted papers are rated 5★
  (primary category) or queued (cross-listed); unwanted ones dismissed (60 %),
  rated 1–2★ (10 %) or skipped; 5 % of decisions flipped (people err).
- ``turns down topics``: works on one category and turns down one or two whole
  categories of another field they do not work on (1–2★ or dismissed, every
  time); any other unwanted paper is mostly skipped.
- ``two unrelated topics``: wants two categories of different archives.
- ``mostly queues``: queues what it wants (rarely a star), skips most of the rest,
  dismisses a few.
- ``tag``: a tag holds N papers of one category; "more like this tag" must rank
  that category's other papers first (no other decisions).
- ``cold start``: a ``topics`` reader after 1, 2, 3 and 4 decisions.
"""

from __future__ import annotations

import gzip
import json
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from readq.store.signals import PaperText, StateRow

REPO = Path(__file__).resolve().parent.parent
# where the lead keeps shared data beside a clone (the data file is not in the repository)
DEFAULT_DATA = REPO.parent / "shared" / "data" / "arxiv-6k.jsonl.gz"


@dataclass
class Paper:
    """A real paper: its text and its arXiv categories (primary first)."""

    text: PaperText
    categories: list[str]


def load_papers(path: Path) -> list[Paper]:
    """Papers from a JSON-lines file (gzip'd or not) with ``title``, ``abstract``,
    ``authors`` (list), ``categories`` (list, primary first) and ``published``."""
    opener = gzip.open if path.suffix == ".gz" else open
    papers = []
    with opener(path, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
        for n, line in enumerate(handle, start=1):
            row = json.loads(line)
            if not row.get("categories"):
                continue
            published = row.get("published") or None
            papers.append(Paper(PaperText(n, row["title"], row["abstract"],
                                          list(row.get("authors") or []), published,
                                          f"{published or '2024-01-01'}T00:00:00+00:00"),
                                list(row["categories"])))
    return papers


def load_fixtures() -> list[Paper]:
    """The fixture dumps' papers (category = the profile's field code): 161 papers."""
    import tempfile

    from readq.library import Library
    from readq.store import signals
    from tests.helpers import all_dumps

    folder = Path(tempfile.mkdtemp(prefix="readq-rec-"))
    with Library(folder / "lib") as library:
        library.import_paths(all_dumps(folder / "dumps"))
        cats = dict(library.store.conn.execute("SELECT id, category FROM papers"))
        return [Paper(t, [cats[t.id]]) for t in signals.paper_texts(library.store.conn)
                if cats.get(t.id)]


@dataclass
class Reader:
    """A simulated user: the categories they want, and those they turn down."""

    name: str
    categories: set[str]
    refused: set[str] = field(default_factory=set)

    def wants(self, paper: Paper) -> bool:
        return bool(self.categories & set(paper.categories))

    def refuses(self, paper: Paper) -> bool:
        return not self.wants(paper) and bool(self.refused & set(paper.categories))

    def strongly(self, paper: Paper) -> bool:
        return paper.categories[0] in self.categories


Decide = Callable[[Reader, Paper, random.Random], StateRow | None]


def _state(pid: int, rating: int = 0, queued: bool = False, dismissed: bool = False
           ) -> StateRow:
    return StateRow(pid, "unread", rating, False, queued, dismissed, False)


def decide_topics(reader: Reader, paper: Paper, rng: random.Random) -> StateRow | None:
    """The ``topics`` reader (and ``two unrelated topics``, ``cold start``)."""
    pid, wants = paper.text.id, reader.wants(paper)
    if rng.random() < 0.05:
        wants = not wants
    if wants:
        return _state(pid, rating=5) if reader.strongly(paper) else _state(pid, queued=True)
    roll = rng.random()
    if roll < 0.6:
        return _state(pid, dismissed=True)
    if roll < 0.7:
        return _state(pid, rating=rng.choice((1, 2)))
    return None


def decide_refusing(reader: Reader, paper: Paper, rng: random.Random) -> StateRow | None:
    """The ``turns down topics`` reader."""
    pid = paper.text.id
    if reader.wants(paper):
        return _state(pid, rating=5) if reader.strongly(paper) else _state(pid, queued=True)
    if reader.refuses(paper):
        return (_state(pid, rating=rng.choice((1, 2))) if rng.random() < 0.5
                else _state(pid, dismissed=True))
    return _state(pid, dismissed=True) if rng.random() < 0.15 else None


def decide_queueing(reader: Reader, paper: Paper, rng: random.Random) -> StateRow | None:
    """The ``mostly queues`` reader."""
    pid = paper.text.id
    if reader.wants(paper):
        return _state(pid, rating=5) if rng.random() < 0.1 else _state(pid, queued=True)
    return _state(pid, dismissed=True) if rng.random() < 0.1 else None


def category_counts(papers: list[Paper]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for p in papers:
        counts.update(set(p.categories))
    return counts


def usable_categories(papers: list[Paper], low: float = 0.02, high: float = 0.12
                      ) -> list[str]:
    """Categories a reader could plausibly want: ``low``–``high`` of the inbox."""
    n = len(papers)
    return sorted(c for c, k in category_counts(papers).items() if low * n <= k <= high * n)


def archive(category: str) -> str:
    return category.split(".")[0]


def make_readers(papers: list[Paper], scenario: str, rng: random.Random, most: int = 10
                 ) -> list[Reader]:
    """Up to ``most`` readers of a scenario (the same for every method and seed)."""
    usable = usable_categories(papers)
    if len(usable) < 2:
        usable = usable_categories(papers, 0.01, 0.6)
    picks = rng.sample(usable, min(most, len(usable)))
    if scenario in ("topics", "mostly queues", "tag", "cold start"):
        return [Reader(f"{scenario}: {c}", {c}) for c in picks]
    readers = []
    for c in picks:
        others = [o for o in usable if archive(o) != archive(c)] or \
            [o for o in usable if o != c]
        if not others:
            continue
        if scenario == "two unrelated topics":
            second = rng.choice(others)
            readers.append(Reader(f"{scenario}: {c}+{second}", {c, second}))
        elif scenario == "turns down topics":
            refused = set(rng.sample(others, min(len(others), rng.choice((1, 2)))))
            readers.append(Reader(f"{scenario}: {c} −{'/'.join(sorted(refused))}", {c},
                                  refused))
        else:
            raise ValueError(scenario)
    return readers


DECIDERS: dict[str, Decide] = {
    "topics": decide_topics, "two unrelated topics": decide_topics,
    "cold start": decide_topics, "turns down topics": decide_refusing,
    "mostly queues": decide_queueing,
}


def triage(reader: Reader, papers: list[Paper], decide: Decide, rng: random.Random,
           decisions: int) -> tuple[list[StateRow], set[int]]:
    """Cards in a shuffled order until ``decisions`` non-skip decisions; the ids shown."""
    order = papers[:]
    rng.shuffle(order)
    states: list[StateRow] = []
    shown: set[int] = set()
    for paper in order:
        if len(states) >= decisions:
            break
        shown.add(paper.text.id)
        state = decide(reader, paper, rng)
        if state is not None:
            states.append(state)
    return states, shown


def tag_papers(reader: Reader, papers: list[Paper], rng: random.Random, size: int
               ) -> list[int]:
    """The papers a user tagged: ``size`` of the reader's category, picked at random."""
    theirs = [p.text.id for p in papers if reader.strongly(p)]
    return rng.sample(theirs, min(size, len(theirs)))
