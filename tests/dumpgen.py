"""Dumps of all four kinds built from the real forms in ``tests/corpus/``.

Real journal references, author names of the hard kinds, titles, abstracts and
comment lines (see ``tests/corpus/README.md``) are combined into papers, and the
papers rendered as the four dump kinds exactly as a browser copy shows them. Every
boundary the parsers must find is exercised both ways round: each journal reference
is followed by abstracts that start with a capital, a digit (``3D``), a lower-case
word (``k-nearest``), a quote or a TeX macro; each title ending meets each kind of
first author. ``expected(paper, kind)`` says what a record should parse back to.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
CATEGORIES = ["LG", "CL", "CV", "AI", "RO", "NE", "IR", "MA", "CR", "SD"]
ORGS = ["meta-ai", "mila", "oxford", "berkeley", "deepmind", "cambridge", "eth", "tsinghua"]
# real first words of abstracts of the kinds that are hard to find after a glued id/ref
HARD_STARTS = ["3D", "2D", "5G", "k-nearest", "n-gram", "e-commerce", "iPhone", "“Quoted”",
               '"Quoted"', "$\\alpha$-stable", "\\emph{Deep}", "(Sub)optimal", "α-divergences",
               "mBERT"]
OLD_ARCHIVES = ["hep-th", "hep-ph", "astro-ph", "cond-mat", "gr-qc", "quant-ph", "math.AG",
                "math.CO", "math-ph", "cs", "cs.LG", "physics", "q-bio", "nlin.SI", "nucl-th"]


@dataclass(frozen=True)
class Corpus:
    """The real forms, read once."""

    journal_refs: list[str]
    names: dict[str, list[str]]
    titles: list[str]
    abstracts: list[str]
    comments: list[str]


def _lines(name: str) -> list[str]:
    return [line for line in (CORPUS / name).read_text(encoding="utf-8").splitlines() if line]


@cache
def corpus() -> Corpus:
    """The corpus in ``tests/corpus``."""
    names: dict[str, list[str]] = {}
    for line in _lines("author_names.tsv"):
        kind, name = line.split("\t")
        names.setdefault(kind, []).append(name)
    return Corpus(_lines("journal_refs.txt"), names, _lines("titles.txt"),
                  _lines("abstracts.txt"), _lines("comments.txt"))


@dataclass
class GenPaper:
    """One generated paper (what a dump shows of it)."""

    title: str
    authors: list[str]
    truncated: bool
    orgs: list[str]
    category: str
    year: int
    month: int
    day: int
    show_year: bool
    has_code: bool
    score: float | None
    arxiv_id: str
    version: int | None
    journal_ref: str | None
    comments: list[str] = field(default_factory=list)
    abstract: str = ""
    owner: str | None = None  # the profile's owner, an author of every paper on it


class DumpGen:
    """Papers from the corpus; the same seed gives the same papers."""

    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.corpus = corpus()
        self.serial = 0
        self.all_names = sorted({n for names in self.corpus.names.values() for n in names})
        self.owner = self.rng.choice(self.all_names)

    def abstract(self) -> str:
        """A real abstract; one in three starts with a hard first word instead."""
        text = self.rng.choice(self.corpus.abstracts)
        if self.rng.random() < 0.35:
            first, _, rest = text.partition(" ")
            text = f"{self.rng.choice(HARD_STARTS)} {rest}"
        return text

    def arxiv_id(self, year: int, month: int) -> str:
        """An id of the era its date belongs to."""
        self.serial += 1
        if year < 2007 or (year == 2007 and month < 4):
            archive = self.rng.choice(OLD_ARCHIVES)
            return f"{archive}/{year % 100:02d}{month:02d}{self.serial % 1000:03d}"
        digits = 5 if year >= 2015 else 4
        return f"{year % 100:02d}{month:02d}.{self.serial % 10**digits:0{digits}d}"

    def first_author(self) -> str:
        """A name of a hard kind, every kind about equally often."""
        kind = self.rng.choice(sorted(self.corpus.names))
        return self.rng.choice(self.corpus.names[kind])

    def paper(self, *, owner_evidence: bool = True) -> GenPaper:
        """One paper. ``owner_evidence``: like a real profile, the profile's owner is
        among the authors of most papers."""
        rng = self.rng
        year = rng.randint(1992, 2025)
        month = rng.randint(1, 12)
        others = rng.sample(self.all_names, rng.randint(0, 3))
        authors = [self.first_author(), *others]
        if owner_evidence and rng.random() < 0.8 and self.owner not in authors:
            authors.insert(rng.randint(1, len(authors)), self.owner)
        authors = list(dict.fromkeys(authors))
        ref = rng.choice(self.corpus.journal_refs) if rng.random() < 0.6 else None
        paper = GenPaper(
            title=rng.choice(self.corpus.titles), authors=authors,
            truncated=rng.random() < 0.3, orgs=rng.sample(ORGS, rng.randint(0, 2)),
            category=rng.choice(CATEGORIES), year=year, month=month, day=rng.randint(1, 28),
            show_year=rng.random() < 0.7, has_code=rng.random() < 0.3,
            score=round(rng.uniform(50, 99.9), 1) if rng.random() < 0.5 else None,
            arxiv_id=self.arxiv_id(year, month),
            version=rng.choice([None, None, 1, 2, 3, 12]),
            journal_ref=ref,
            comments=rng.sample(self.corpus.comments, rng.choice([0, 0, 1, 2])),
            abstract=self.abstract(),
        )
        if owner_evidence:
            # the owner wrote every paper of a profile: where not listed, hidden in "et al."
            paper.owner = self.owner
            paper.truncated = paper.truncated or self.owner not in authors
        return paper

    def papers(self, n: int, **kwargs: bool) -> list[GenPaper]:
        """``n`` papers with distinct titles (a real title gets a part number once the
        corpus's titles are used up)."""
        out: list[GenPaper] = []
        seen: set[str] = set()
        while len(out) < n:
            paper = self.paper(**kwargs)
            if paper.title in seen:
                if len(seen) < len(self.corpus.titles):
                    continue
                paper.title = f"{paper.title}, Part {len(out) + 1}"
            seen.add(paper.title)
            out.append(paper)
        return out


def _date(p: GenPaper) -> str:
    return f"{MONTHS[p.month - 1]} {p.day}" + (f", {p.year}" if p.show_year else "")


def _author_line(p: GenPaper) -> str:
    line = ", ".join(p.authors) + (" et al." if p.truncated else "")
    return line + (f" · {', '.join(p.orgs)}" if p.orgs else "")


def _meta(p: GenPaper, *, score: bool) -> str:
    head = f"{p.score}" if score and p.score is not None else ""
    return f"{head}{p.category}{_date(p)}{'Code' if p.has_code else ''}"


def render(papers: list[GenPaper], kind: str) -> str:
    """The dump text of ``kind`` (profile, arxiv, trending, compact)."""
    if kind == "profile":
        owner = papers[0].owner or papers[0].authors[0]
        head = f"{owner}\n\nLG\nh-index12\n{len(papers)}papers\n\n"
        body = [f"{_meta(p, score=False)}\n{p.title}\n\n{_author_line(p)}\n\n{p.abstract}"
                for p in papers]
        return head + "\n\n".join(body) + "\n"
    if kind == "compact":
        return "\n".join(f"{_meta(p, score=True)}\n{p.title}{_author_line(p)}\n{p.abstract}"
                         for p in papers) + "\n"
    if kind == "trending":
        head = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nMar 11\n\n"
        return head + "\n\n".join(f"{p.title}\n\n{p.abstract}" for p in papers) + "\n"
    if kind == "arxiv":
        out = []
        for p in papers:
            version = f"v{p.version}" if p.version else ""
            ref = f" - {p.journal_ref}" if p.journal_ref else ""
            comments = "".join(f"\n{c}" for c in p.comments)
            out.append(f"{p.abstract}{comments}\narXiv:{p.arxiv_id}{version}{ref}")
        return "".join(out) + "\n"
    raise ValueError(kind)


def expected(p: GenPaper, kind: str) -> dict[str, object]:
    """The fields a record of ``kind`` must parse back to."""
    if kind == "arxiv":
        return {"arxiv_id": p.arxiv_id, "journal_ref": p.journal_ref,
                "comments": "; ".join(p.comments) or None, "abstract": p.abstract}
    if kind == "trending":
        return {"title": p.title, "abstract": p.abstract}
    authors = p.authors
    if p.owner and p.owner not in authors and p.truncated:
        authors = [*authors, p.owner]  # the parser records the owner after "et al."
    fields: dict[str, object] = {"title": p.title, "authors": authors,
                                 "authors_truncated": p.truncated, "orgs": p.orgs,
                                 "category": p.category, "has_code": p.has_code,
                                 "abstract": p.abstract}
    if kind == "compact":
        fields["score"] = p.score
    return fields
