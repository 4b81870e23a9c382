"""The command line's ``readq import``: files, ``-`` for standard input (saved to a
private file first, at most ``STDIN_LIMIT`` bytes) or the shipped ``--samples``, as one import
action; the report per file (records, new, merged, unsure boundaries, problems by
line) as text or ``--json`` (DESIGN.md §5). A big dump is indexed while it is stored
(the child indexer follows the committed chunks); the command returns once the
papers are searchable.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from readq.cli_disk_full import index_stored_change
from readq.cli_reading import CliError
from readq.indexing import ConcurrentIndexer, index_alongside, merge_in_background
from readq.library import FileReport, Library
from readq.models import DumpFormat
from readq.paths import samples_dir
from readq.safe_io import spooled

# Standard input is saved to a file before it is imported (nothing is stored from a
# stream that turns out too big or endless). A 100,000-paper dump is about 150 MB;
# a bigger one is imported from a file (files are streamed, with no limit).
STDIN_LIMIT = 256 * 1024 * 1024


def progress_printer(label: str) -> Any:
    """A progress line on standard error (a terminal only), or None."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        print(f"\r{label} {done}/{total}", end="" if done < total else "\n",
              file=sys.stderr, flush=True)

    return show


def add_import_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """``readq import PATH... | - | --samples``."""
    p = sub.add_parser(
        "import", parents=[common], help="import listing dumps",
        description="Import listing dumps: the text of a listing page copied from the "
                    "browser (author profiles, arXiv listings, trending lists), as one "
                    "import (one backup, one undo step).")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="dump files; - reads one dump from standard input (at most "
                        f"{STDIN_LIMIT // 2**20} MB), e.g. `xclip -o | readq import -`")
    p.add_argument("--samples", action="store_true",
                   help="import the sample dumps shipped with readq")
    p.add_argument("--format", default="auto",
                   choices=["auto", *[f.value for f in DumpFormat]])
    p.add_argument("--allow-empty", action="store_true",
                   help="import a dump even if most of its records have no title and no "
                        "abstract (such a dump is refused otherwise)")
    p.add_argument("--json", action="store_true")


def cmd_import(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    """``readq import PATH... | - | --samples``."""
    fmt = None if args.format == "auto" else DumpFormat(args.format)
    paths = [Path(p) for p in args.paths]
    if "-" in args.paths and (len(paths) > 1 or args.samples):
        raise CliError("`-` (standard input) cannot be combined with files")
    if args.samples:
        paths += sample_paths()
    if not paths:
        raise CliError("give the dump files to import, - for standard input, or --samples")
    library.index  # noqa: B018 (an index folder readq did not make is refused before storing)
    if args.paths == ["-"]:
        if sys.stdin.isatty():
            print("readq: reading a dump from standard input; end it with Ctrl-D",
                  file=sys.stderr)
        # saved to a private file first: memory stays small, an endless or too-big
        # stream is refused before anything is stored, and the rest is a file import
        # (year-less dates resolve against today, the file's date)
        with spooled(sys.stdin.buffer, library.root, limit=STDIN_LIMIT,
                     what="standard input") as saved:
            return _import_files(library, args, fmt, out, [saved], names=["stdin"])
    return _import_files(library, args, fmt, out, paths)


def sample_paths() -> list[Path]:
    """The sample dumps shipped inside the package (found in a pip or pipx install too)."""
    folder = samples_dir()
    found = sorted(folder.glob("*.txt")) if folder is not None else []
    if not found:
        raise CliError("this installation of readq has no sample dumps")
    return found


def _import_files(library: Library, args: argparse.Namespace, fmt: DumpFormat | None,
                  out: TextIO, paths: list[Path], names: list[str] | None = None) -> int:
    library.store.write_budget_s = 600.0  # an import waits for its turn as long as it takes
    options: dict[str, Any] = {"format": fmt, "progress": progress_printer("storing"),
                               "allow_empty": args.allow_empty, "names": names}
    if index_alongside(paths):
        # index what is already stored (committed chunks) while the rest is stored
        with ConcurrentIndexer(library.root):
            reports = library.import_paths(paths, **options)
    else:
        reports = library.import_paths(paths, **options)
    library.index_lock_timeout = 600.0  # returns once the papers are searchable
    if library._index is not None:
        library._index.lock_timeout = 600.0
    behind = index_stored_change(library, "what was imported is stored and kept",
                                 progress=progress_printer("indexing"))
    _tidy_index_later(library)
    for problem in library.finish_backups():  # the copy ran beside storing and indexing
        print(f"readq: {problem}", file=sys.stderr)
    if args.json:
        json.dump({"files": [r.as_json() for r in reports]}, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        for report in reports:
            _print_report(report, out)
    failed = [r for r in reports if r.failed]
    if failed and not args.json:
        for report in failed:
            hint = " (--allow-empty imports it anyway)" if report.refused_empty else ""
            print(f"readq: {report.failed}{hint}", file=sys.stderr)
    if behind:
        print(f"readq: {behind}", file=sys.stderr)
    return 1 if failed or behind else 0


def _tidy_index_later(library: Library) -> None:
    """Each import leaves its papers in an index segment of their own (searchable at
    once); once small segments have piled up they are merged by a detached child
    indexer, after this command returns (the app does the same in the background)."""
    if library.index_needs_merge():
        merge_in_background(library.root)


def _print_report(report: FileReport, out: TextIO) -> None:
    if report.failed:
        return
    label = DumpFormat(report.format).label if report.format else "?"
    out.write(f"{report.path}: {label}, {report.records} records — {report.new} new, "
              f"{report.merged} merged, {report.unchanged} unchanged, "
              f"{report.possible_duplicates} possible duplicates")
    if report.changed_nothing and report.unchanged:
        out.write(" (already imported: nothing changed)")
    out.write("\n")
    if report.unsure:
        out.write(f"  unsure boundaries: {_unsure_text(report.unsure)}\n")
    for problem in report.errors:
        where = f"line {problem.line}: " if problem.line else ""  # 0: the whole file
        out.write(f"  {where}{problem.message}\n")


UNSURE_LABELS = {"journal_ref": "journal reference / next abstract",
                 "title_authors": "title / first author",
                 "title_abstract": "title / abstract"}


def _unsure_text(unsure: dict[str, int]) -> str:
    """``3 journal reference / next abstract, 1 title / first author``."""
    return ", ".join(f"{count} {UNSURE_LABELS.get(kind, kind)}"
                     for kind, count in sorted(unsure.items()))
