"""The command line's ``readq import``: files, or ``-`` for standard input, as one import
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


def progress_printer(label: str) -> Any:
    """A progress line on standard error (a terminal only), or None."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        print(f"\r{label} {done}/{total}", end="" if done < total else "\n",
              file=sys.stderr, flush=True)

    return show


def cmd_import(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    """``readq import PATH... | -``."""
    fmt = None if args.format == "auto" else DumpFormat(args.format)
    library.index  # noqa: B018 (an index folder readq did not make is refused before storing)
    if "-" in args.paths:
        return import_stdin(library, args, fmt, out)
    paths = [Path(p) for p in args.paths]
    library.store.write_budget_s = 600.0  # an import waits for its turn as long as it takes
    if index_alongside(paths):
        # index what is already stored (committed chunks) while the rest is stored
        with ConcurrentIndexer(library.root):
            reports = library.import_paths(paths, format=fmt,
                                           progress=progress_printer("storing"))
    else:
        reports = library.import_paths(paths, format=fmt, progress=progress_printer("storing"))
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
            print(f"readq: {report.failed}", file=sys.stderr)
    if behind:
        print(f"readq: {behind}", file=sys.stderr)
    return 1 if failed or behind else 0


def _tidy_index_later(library: Library) -> None:
    """Each import leaves its papers in an index segment of their own (searchable at
    once); once small segments have piled up they are merged by a detached child
    indexer, after this command returns (the app does the same in the background)."""
    if library.index_needs_merge():
        merge_in_background(library.root)


def import_stdin(library: Library, args: argparse.Namespace, fmt: DumpFormat | None,
                 out: TextIO) -> int:
    """``readq import -``: the dump is read from standard input (e.g. a pipe from the
    clipboard); year-less dates resolve against today."""
    if args.paths != ["-"]:
        raise CliError("`-` (standard input) cannot be combined with files")
    data = sys.stdin.buffer.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CliError("standard input is not UTF-8 text; nothing was imported") from None
    report = library.import_text(text, name="stdin", format=fmt)  # backs up first
    behind = index_stored_change(library, "what was imported is stored and kept",
                                 progress=progress_printer("indexing"))
    _tidy_index_later(library)
    if args.json:
        json.dump({"files": [report.as_json()]}, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        _print_report(report, out)
    if report.failed and not args.json:
        print(f"readq: {report.failed}", file=sys.stderr)
    if behind:
        print(f"readq: {behind}", file=sys.stderr)
    return 1 if report.failed or behind else 0


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
        out.write(f"  line {problem.line}: {problem.message}\n")


UNSURE_LABELS = {"journal_ref": "journal reference / next abstract",
                 "title_authors": "title / first author",
                 "title_abstract": "title / abstract"}


def _unsure_text(unsure: dict[str, int]) -> str:
    """``3 journal reference / next abstract, 1 title / first author``."""
    return ", ".join(f"{count} {UNSURE_LABELS.get(kind, kind)}"
                     for kind, count in sorted(unsure.items()))
