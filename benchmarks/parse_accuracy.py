"""Accuracy of the dump parsers on dumps generated from the real forms in tests/corpus.

For each kind, several dumps of generated papers are parsed and every record compared
with what was generated: records found, journal references exact, authors exact,
title (and, in compact profiles, the title/author split) exact, abstracts exact, and
how many boundaries the parser reported as unsure.

    python -m benchmarks.parse_accuracy [--papers 400] [--seeds 3]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from datetime import date

from readq.parsing import parse_text
from tests.dumpgen import DumpGen, expected, render

CAPTURED = date(2026, 11, 20)


def measure(kind: str, papers_per_dump: int, seeds: int, *, evidence: bool = True
            ) -> tuple[Counter[str], list[str]]:
    """Counts for one kind, and a few examples of what went wrong."""
    counts: Counter[str] = Counter()
    wrong: list[str] = []
    for seed in range(seeds):
        papers = DumpGen(seed + 100).papers(papers_per_dump, owner_evidence=evidence)
        result = parse_text(render(papers, kind), captured=CAPTURED)
        counts["records in"] += len(papers)
        counts["records out"] += len(result.records)
        for kind_name, n in result.unsure.items():
            counts[f"unsure {kind_name}"] += n
        counts["problems"] += len(result.problems)
        for paper, record in zip(papers, result.records):
            want = expected(paper, kind)
            for name, value in want.items():
                got = getattr(record, name)
                counts[f"{name} total"] += 1
                if got == value:
                    counts[f"{name} exact"] += 1
                elif len(wrong) < 12:
                    wrong.append(f"{kind} {name}: want {value!r:.90} got {got!r:.90}")
            if kind == "arxiv" and paper.journal_ref:
                counts["journal_ref present"] += 1
                counts["journal_ref present exact"] += record.journal_ref == paper.journal_ref
    return counts, wrong


def main() -> None:
    """Print the accuracy table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=400)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--examples", action="store_true")
    args = parser.parse_args()
    for kind, evidence in (("arxiv", True), ("trending", True), ("compact", True),
                           ("compact", False), ("profile", True)):
        started = time.perf_counter()
        counts, wrong = measure(kind, args.papers, args.seeds, evidence=evidence)
        label = kind if kind != "compact" else f"compact ({'with' if evidence else 'no'} "\
                                                "other author lines as evidence)"
        print(f"{label}: {counts['records out']}/{counts['records in']} records, "
              f"{counts['problems']} problems, {time.perf_counter() - started:.1f} s")
        for name in ("arxiv_id", "journal_ref", "comments", "title", "authors", "abstract"):
            if counts[f"{name} total"]:
                exact, total = counts[f"{name} exact"], counts[f"{name} total"]
                print(f"  {name:12} exact {exact}/{total} ({100 * exact / total:.1f} %)")
        if counts["journal_ref present"]:
            print(f"  journal refs present: exact {counts['journal_ref present exact']}"
                  f"/{counts['journal_ref present']}")
        for key in sorted(k for k in counts if k.startswith("unsure")):
            print(f"  {key}: {counts[key]}")
        if args.examples:
            for line in wrong:
                print("   ", line)


if __name__ == "__main__":
    main()
