"""What showing and indexing LaTeX as read costs: ``latex.searchable`` over synthetic
abstracts (plain, and one in ten carrying LaTeX as arXiv abstracts do), against the
anchor of doing nothing, measured in the same run.

    nice -n 10 python -m benchmarks.bench_latex [N]
"""

from __future__ import annotations

import sys
import time

from benchmarks.generate import Generator
from readq import latex

SNIPPETS = (r" We improve {\em both} by 6.4\% with $\kappa$-sparse codes.",
            r" Our $\alpha$-divergence bound is \emph{tight}.")


def main() -> None:
    """Print the time per 10,000 abstracts for each case."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    gen = Generator(seed=13)
    plain = [gen.abstract() for _ in range(n)]
    mixed = [a + SNIPPETS[i % 2] if i % 10 == 0 else a for i, a in enumerate(plain)]
    for label, texts, fn in (("anchor (no conversion)", plain, str),
                             ("searchable, plain abstracts", plain, latex.searchable),
                             ("searchable, 1 in 10 with LaTeX", mixed, latex.searchable)):
        latex.marked.cache_clear()
        start = time.perf_counter()
        for text in texts:
            fn(text)
        took = time.perf_counter() - start
        print(f"{label:34} {took * 1000 * 10_000 / n:8.1f} ms per 10,000 abstracts")


if __name__ == "__main__":
    main()
