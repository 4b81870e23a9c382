"""Deterministic synthetic listing dumps of any size, in all four kinds.

Abstracts are English-like (a Zipf-distributed vocabulary of real and made-up
words), 1,000–2,000 characters; 3–10 authors with accents, particles and
initials; years 2015–2025. The same seed always gives the same text.

    python -m benchmarks.generate --kind profile --papers 1000 -o dump.txt
"""

from __future__ import annotations

import argparse
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

COMMON = """the of and to in a is that for we on with as by this are our an be from which
model models learning data method methods results show propose approach performance task tasks
training language large neural network networks using based can new these it its two such
than more while each both between over into across when where under without also however
""".split()
DOMAIN = """reinforcement agent agents policy reward exploration transformer attention
representation generalization benchmark dataset evaluation reasoning inference optimization
gradient retrieval embedding memory planning robot control vision video image graph diffusion
generative adversarial contrastive supervised unsupervised pretraining finetuning alignment
preference feedback instruction curriculum environment simulation trajectory offline online
sparse dense latent hierarchical modular compositional causal probabilistic bayesian kernel
convolutional recurrent sequence token vocabulary decoder encoder objective loss regularization
uncertainty calibration robustness adversarial distillation compression quantization scaling
""".split()
SYLLABLES = "ka lo mi ne ru ta vo shi ze pa qui dra ter nol vex cor lin mar sen tor bel".split()
FIRST = ("Ana Bo Chen Daniel Élodie Fatima Grégoire Hiro Ingrid Jürgen Kwame Lena Mikael "
         "Noor Olga Pierre Qing Rosa Søren Tomás Uma Viktor Wen Xavier Yuki Zoë").split()
LAST = ("Alvarez Bauer Chen Dessì Eriksen Fernández García Hoffmann Ito Jansen Küttler Larsen "
        "Müller Nakamura O'Brien Petrov Quinn Rossi Schmidt Tanaka Ueda Varga Wang Xu "
        "Yilmaz Zhang").split()
PARTICLES = ["van der", "de", "von", "da"]
CATEGORIES = ["LG", "CL", "CV", "AI", "RO", "NE", "IR", "MA"]
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
ORGS = ["meta-ai", "mila", "oxford", "berkeley", "deepmind", "cambridge", "eth", "tsinghua"]


@dataclass
class SynthPaper:
    """One generated paper."""

    title: str
    authors: list[str]
    truncated: bool
    orgs: list[str]
    category: str
    year: int
    month: int
    day: int
    has_code: bool
    arxiv_id: str
    abstract: str


class Generator:
    """Makes papers from a seed; ``papers(n)`` is deterministic."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        made_up = {
            "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 4)))
            for _ in range(4000)
        }
        self.vocab = COMMON + DOMAIN + sorted(made_up)
        self.weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(self.vocab))]
        self.ids = itertools.count(1)

    def words(self, n: int) -> list[str]:
        """``n`` words drawn Zipf-like from the vocabulary."""
        return self.rng.choices(self.vocab, self.weights, k=n)

    def sentence(self) -> str:
        """One sentence of 10–28 words."""
        words = self.words(self.rng.randint(10, 28))
        return " ".join(words).capitalize() + "."

    def abstract(self) -> str:
        """1,000–2,000 characters of sentences."""
        target = self.rng.randint(1000, 2000)
        parts: list[str] = []
        while sum(map(len, parts)) < target:
            parts.append(self.sentence())
        return " ".join(parts)

    def name(self) -> str:
        """A person's name, sometimes with an initial or a particle."""
        first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
        roll = self.rng.random()
        if roll < 0.1:
            return f"{first} {self.rng.choice('ABCDEFGHJKLMN')}. {last}"
        if roll < 0.15:
            return f"{first} {self.rng.choice(PARTICLES)} {last}"
        return f"{first} {last}"

    def paper(self) -> SynthPaper:
        """One paper with a unique title and arXiv id."""
        serial = next(self.ids)
        title_words = [w.capitalize() if i == 0 or len(w) > 3 else w
                       for i, w in enumerate(self.words(self.rng.randint(5, 11)))]
        title = " ".join(title_words) + f" {self.rng.choice(DOMAIN).capitalize()}{serial}"
        year = self.rng.randint(2015, 2025)
        month = self.rng.randint(1, 12)
        n_authors = self.rng.randint(3, 10)
        return SynthPaper(
            title=title, authors=[self.name() for _ in range(min(n_authors, 3))],
            truncated=n_authors > 3, orgs=self.rng.sample(ORGS, self.rng.randint(0, 2)),
            category=self.rng.choice(CATEGORIES), year=year, month=month,
            day=self.rng.randint(1, 28), has_code=self.rng.random() < 0.3,
            arxiv_id=f"{year % 100:02d}{month:02d}.{serial % 100000:05d}",
            abstract=self.abstract(),
        )

    def papers(self, n: int) -> Iterator[SynthPaper]:
        """``n`` papers."""
        for _ in range(n):
            yield self.paper()


def _date(p: SynthPaper) -> str:
    return f"{MONTHS[p.month - 1]} {p.day}, {p.year}"


def _author_line(p: SynthPaper) -> str:
    line = ", ".join(p.authors) + (" et al." if p.truncated else "")
    return line + (f" · {', '.join(p.orgs)}" if p.orgs else "")


def render(papers: list[SynthPaper], kind: str) -> str:
    """The dump text of ``kind`` (profile, arxiv, trending, compact) for ``papers``."""
    if kind == "profile":
        head = f"Synthetic Author\n\nLG\nh-index12\n{len(papers)}papers\n\n{len(papers)} Papers\n"
        body = [f"{p.category}{_date(p)}{'Code' if p.has_code else ''}\n{p.title}\n\n"
                f"{_author_line(p)}\n\n{p.abstract}" for p in papers]
        return head + "\n" + "\n\n".join(body) + "\n"
    if kind == "compact":
        return "\n".join(f"{p.category}{_date(p)}{'Code' if p.has_code else ''}\n"
                         f"{p.title}{_author_line(p)}\n{p.abstract}" for p in papers) + "\n"
    if kind == "trending":
        head = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nMar 11\n\n"
        return head + "\n\n".join(f"{p.title}\n\n{p.abstract}" for p in papers) + "\n"
    if kind == "arxiv":
        out = []
        for i, p in enumerate(papers):
            out.append(p.abstract + ("\n12 pages, 4 figures" if i % 3 == 0 else "")
                       + f"\narXiv:{p.arxiv_id}")
        return _glue(out)
    raise ValueError(kind)


def _glue(chunks: list[str]) -> str:
    """Each abstract glued to the id line before it, as copied listings are."""
    return "".join(chunks) + "\n"


def main() -> None:
    """Write a synthetic dump to a file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=["profile", "arxiv", "trending", "compact"],
                        default="profile")
    parser.add_argument("--papers", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    papers = list(Generator(args.seed).papers(args.papers))
    args.output.write_text(render(papers, args.kind), encoding="utf-8")


if __name__ == "__main__":
    main()
