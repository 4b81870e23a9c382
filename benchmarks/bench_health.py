"""What the safety checks cost: opening a library, the store check, the index check.

    python -m benchmarks.bench_health LIBRARY_DIR [--repeat 5]

On an existing library (build one with ``readq import`` of a generated dump, e.g.
``benchmarks.generate``), in one process, medians of ``--repeat`` runs:

- *header check*: ``readq.store.health.find_problem`` with the full check off;
- *remembered verdict*: ``find_problem`` when the store's verdict stands — what every
  open pays while only readq changed the store;
- *quick_check*: ``PRAGMA quick_check`` on a read-only connection — what the first
  writing open after a change by anything else pays (once), and ``readq check``;
- *refusal check per write*: ``readq.store.health.refuse_damaged``, run as every write
  transaction begins;
- *backup, checked* and *copy unchecked*: a manual backup (its copy passes
  ``quick_check`` before it is kept) and the same copy without the check;
- *open, no check* (the anchor) and *open with checks*: ``Library(root)`` with
  ``check_store`` replaced by a no-op, then as shipped;
- *index verify*: ``readq.search.verify.verify`` (every segment, sampled documents and
  postings), what ``readq check`` adds to reading the index's ids.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from unittest import mock

import readq.library as library_module
from readq.library import Library
from readq.search.verify import verify
from readq.store.backup import copy_as_is
from readq.store.health import find_problem, quick_check, refuse_damaged, store_path


def _median(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("library", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    root, n = args.library, args.repeat
    size = store_path(root).stat().st_size
    with Library(root) as lib:
        papers = lib.store.paper_count()
    print(f"library {root}: {papers:,} papers, store {size / 1e6:.1f} MB")
    find_problem(root)  # the verdict is known from here
    scratch = root / "bench-copy.sqlite3"

    def copy_unchecked() -> None:
        with Library(root) as lib:
            copy_as_is(lib.store.conn, scratch)
        scratch.unlink()

    def checked_backup() -> None:
        with Library(root) as lib:
            lib.backup("manual").unlink()

    rows = {
        "header check": lambda: find_problem(root, quick_check_max=0),
        "remembered verdict": lambda: find_problem(root),
        "quick_check": lambda: quick_check(store_path(root)),
        "refusal check per write": lambda: refuse_damaged(store_path(root)),
        "backup, checked": checked_backup,
        "copy unchecked": copy_unchecked,
    }
    with mock.patch.object(library_module, "check_store", lambda _root, **_: None):
        rows["open, no check (anchor)"] = lambda: Library(root).close()
        anchor = _median(rows.pop("open, no check (anchor)"), n)
    for name, fn in rows.items():
        print(f"{name:28} {_median(fn, n) * 1000:8.3f} ms")
    print(f"{'open, no check (anchor)':28} {anchor * 1000:8.1f} ms")
    print(f"{'open with checks':28} {_median(lambda: Library(root).close(), n) * 1000:8.1f} ms")
    print(f"{'index verify':28} {_median(lambda: verify(root / 'index'), n) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
