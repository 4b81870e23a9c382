"""The ``readq`` command line (DESIGN.md §5).

``readq`` alone opens the desktop app. Errors go to stderr as one line with a
non-zero status; ``--json`` output goes to stdout and nothing else does.
``readq import`` lives in :mod:`readq.cli_import`, the reading commands (stats,
recommend, similar, tag, tags) in :mod:`readq.cli_reading`.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from readq import __version__
from readq.cli_args import library_arg, paper_ref, regular_file_arg, whole_number
from readq.cli_reading import (
    CliError,
    cmd_recommend,
    cmd_similar,
    cmd_stats,
    cmd_tag,
    cmd_tags,
    paper_line,
)
from readq.cli_disk_full import index_stored_change, is_disk_full
from readq.cli_import import add_import_parser, cmd_import, progress_printer as _progress_printer
from readq.exporting import EXPORTERS, FORMATS
from readq.library import Library, LibraryError
from readq.logs import log_file, setup_logging
from readq.models import DumpError
from readq.paths import library_dir
from readq.safe_io import FileRefused, read_regular_text, write_atomic
from readq.search.query import QueryError, parse_query
from readq.store.health import (
    StoreDamaged,
    backup_list,
    describe_error,
    find_problem,
    newest_good_backup,
    one_line,
)
from readq.store.backup import backup_reason
from readq.store.schema import SchemaTooNew


log = logging.getLogger("readq.cli")


def _index_errors() -> tuple[type[BaseException], ...]:
    """The search index's errors (one line each for the user), once the index module
    is loaded: a command that never opened the index (a rating, a note) cannot raise
    them, and it starts without loading Whoosh and numpy."""
    found: list[type[BaseException]] = []
    for module, names in (("readq.search.index", ("IndexBusy",)),
                          ("readq.search.verify", ("IndexDamaged", "IndexFolderRefused"))):
        loaded = sys.modules.get(module)
        found += [getattr(loaded, name) for name in names if hasattr(loaded, name)]
    return tuple(found)


# How long a read waits for a lock another connection holds for a moment (a log
# being restarted or copied back); the write lock itself is waited for in turns,
# polling, within CLI_WRITE_BUDGET_S (a command returns within 2 s). At 100 ms a lock
# held 0.2 s made `readq rate` say "busy" (one in 154 did beside a 100k-paper undo).
CLI_BUSY_TIMEOUT_MS = 300
CLI_WRITE_BUDGET_S = 1.5
CLI_INDEX_LOCK_S = 1.0  # a busy index: the work stays queued for the indexer
SHORT_WRITES = {"mark", "rate", "note", "queue"}  # no WAL checkpoint while a user waits


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr (exit status 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"readq: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command."""
    library_help = "library folder (default: $READQ_LIBRARY or the user data folder)"
    # --library is accepted before or after the command; SUPPRESS keeps a command's
    # parser from resetting a value given before it.
    common = OneLineParser(add_help=False)
    common.add_argument("--library", metavar="DIR", default=argparse.SUPPRESS, type=library_arg,
                        help=library_help)
    parser = OneLineParser(
        prog="readq",
        description="A reading queue for research papers. Without a command, opens the app.",
    )
    parser.add_argument("--library", metavar="DIR", default=None, type=library_arg,
                        help=library_help)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)

    add_import_parser(sub, common)

    p = sub.add_parser("search", parents=[common], help="search the library")
    p.add_argument("query")
    p.add_argument("--limit", type=whole_number(1, 100_000), default=20)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("show", parents=[common], help="show one paper")
    p.add_argument("paper", type=paper_ref)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("list", parents=[common], help="list papers")
    p.add_argument("--status", choices=["unread", "read"])
    p.add_argument("--queued", action="store_true")
    p.add_argument("--min-rating", type=int, choices=range(0, 6), metavar="N")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("mark", parents=[common], help="mark a paper read or unread")
    p.add_argument("paper", type=paper_ref)
    p.add_argument("status", choices=["read", "unread"])

    p = sub.add_parser("rate", parents=[common], help="rate a paper 0..5")
    p.add_argument("paper", type=paper_ref)
    p.add_argument("rating", type=int, choices=range(0, 6), metavar="0..5")

    p = sub.add_parser("note", parents=[common], help="set a paper's note")
    p.add_argument("paper", type=paper_ref)
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--text")
    group.add_argument("--file", type=Path)

    p = sub.add_parser("queue", parents=[common], help="the reading queue")
    qsub = p.add_subparsers(dest="queue_command", metavar="add|remove|move|list", required=True,
                            parser_class=OneLineParser)
    for name in ("add", "remove"):
        q = qsub.add_parser(name, parents=[common])
        q.add_argument("paper", type=paper_ref)
    q = qsub.add_parser("move", parents=[common])
    q.add_argument("paper", type=paper_ref)
    q.add_argument("position", type=whole_number(1, 10**9))
    q = qsub.add_parser("list", parents=[common])
    q.add_argument("--json", action="store_true")

    p = sub.add_parser("export", parents=[common], help="export papers")
    p.add_argument("--format", default="json", choices=FORMATS)
    p.add_argument("-o", "--output", type=Path, metavar="FILE")
    p.add_argument("query", nargs="?", default="")

    p = sub.add_parser("stats", parents=[common], help="library statistics")
    p.add_argument("--json", action="store_true")
    p.add_argument("--plot", type=Path, metavar="FILE.png|FILE.svg",
                   help="also write the figures as one picture")

    p = sub.add_parser("backup", parents=[common], help="back up the library now")
    p.add_argument("--keep", type=whole_number(1, 1000), metavar="N",
                   help="from now on keep the newest N before-import backups (yours are all kept)")
    p.add_argument("--list", action="store_true", help="list the backups instead")

    p = sub.add_parser("restore", parents=[common], help="replace the library with a backup")
    p.add_argument("file", type=regular_file_arg("backup file"))

    p = sub.add_parser("check", parents=[common], help="verify that store and index agree")
    p.add_argument("--repair", action="store_true", help="rebuild the index if they do not")
    add_recommend_parsers(sub, common)
    add_tag_commands(sub, common)
    parser.add_argument("--version", action="version", version=f"readq {__version__}")
    return parser


def add_recommend_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """``readq recommend`` and ``readq similar``."""
    p = sub.add_parser("recommend", parents=[common],
                       help="unread papers you most likely want, best first")
    p.add_argument("--limit", type=whole_number(1, 100_000), default=20)
    p.add_argument("--tag", metavar="NAME", help="more like the papers with this tag")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("similar", parents=[common], help="papers most like one paper")
    p.add_argument("paper")
    p.add_argument("--limit", type=whole_number(1, 100_000), default=5)
    p.add_argument("--json", action="store_true")


def add_tag_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """``readq tag PAPER add|remove TAG...`` and ``readq tags [--json]``."""
    p = sub.add_parser("tag", parents=[common], help="add or remove tags on a paper")
    p.add_argument("paper")
    p.add_argument("action", choices=["add", "remove"])
    p.add_argument("tags", nargs="+", metavar="TAG")
    p = sub.add_parser("tags", parents=[common], help="every tag and how many papers carry it")
    p.add_argument("--json", action="store_true")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``readq`` script."""
    args = build_parser().parse_args(argv)
    if args.command is None:
        if not _has_display():
            print("readq: no display to open the app on (DISPLAY is not set); "
                  "use a command instead, see `readq --help`", file=sys.stderr)
            return 1
        from readq.ui.app import run_app  # Qt is only needed for the app

        return run_app(library_dir(args.library))
    setup_logging()
    root = library_dir(args.library)
    try:
        done = without_store(root, args, sys.stdout)
        if done is not None:
            return done
        # a command waits its turn behind another writer (an import commits in short
        # chunks) with backoff, within a budget; then it says the library is busy
        with Library(root, busy_timeout_ms=CLI_BUSY_TIMEOUT_MS,
                     write_budget_s=CLI_WRITE_BUDGET_S, index_lock_timeout=CLI_INDEX_LOCK_S,
                     short_writes=args.command in SHORT_WRITES) as library:
            return COMMANDS[args.command](library, args, sys.stdout)
    except (CliError, LibraryError, QueryError, DumpError, SchemaTooNew, StoreDamaged,
            FileRefused, *_index_errors()) as exc:
        print(f"readq: {exc}", file=sys.stderr)
        return 1
    except sqlite3.Error as exc:  # disk full, read-only, damaged: the cause, in one line
        log.exception("readq %s failed", args.command)
        print(f"readq: {describe_error(exc, root)} (details in {log_file()})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("readq: interrupted; what was stored is whole (import again to finish)",
              file=sys.stderr)
        return 130
    except BrokenPipeError:  # `readq list | head`: the reader has what it wanted
        quiet_stdout()
        return 141
    except OSError as exc:
        if is_disk_full(exc):
            where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
            print(f"readq: the disk holding the library {root} is full{where} — free some "
                  "space and try again", file=sys.stderr)
            return 1
        print(f"readq: {exc.strerror or exc}"
              + (f": {exc.filename}" if getattr(exc, "filename", None) else ""), file=sys.stderr)
        return 1


def quiet_stdout() -> None:
    """Point standard output at /dev/null, so the interpreter's last flush of a closed
    pipe does not print an error on the way out."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def without_store(root: Path, args: argparse.Namespace, out: TextIO) -> int | None:
    """Commands that work whatever state the store is in: listing backups, and restoring
    one over a damaged store (kept aside first). None: open the library as usual."""
    if args.command == "backup" and args.list:
        for path in backup_list(root):
            out.write(f"{path}\n")
        return 0
    if args.command != "restore":
        return None
    problem = find_problem(root)
    if problem is None:
        return None
    aside = Library.restore_over_damaged(root, args.file)
    with Library(root) as library:
        library.rebuild_index(progress=_progress_printer("reindexing"))
    out.write(f"restored {args.file}; the damaged store ({one_line(problem)}) was kept "
              f"in {aside}\n")
    return 0


def _has_display() -> bool:
    """Whether Qt can open a window here (Linux without X11/Wayland cannot)."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _print_rows(library: Library, ids: list[int], as_json: bool, out: TextIO) -> None:
    if as_json:
        json.dump(library.export_rows(ids), out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    for row in library.papers(ids):
        out.write(paper_line(row) + "\n")
    if not ids:
        out.write("no papers\n")


def cmd_search(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if args.limit < 1:
        raise CliError("--limit must be at least 1")
    library.sync_index(queue_if_busy=True)
    ids = library.search(args.query, limit=args.limit)
    _print_rows(library, ids, args.json, out)
    return 0


def cmd_show(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    paper_id = library.resolve(args.paper)
    if args.json:
        json.dump(library.export_rows([paper_id])[0], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    row = library.export_rows([paper_id])[0]
    out.write(f"{row['title'] or '(untitled)'}\n")
    if row["authors"]:
        out.write(", ".join(row["authors"]) + (" et al." if row["authors_truncated"] else "") + "\n")
    if row["orgs"]:
        out.write(", ".join(row["orgs"]) + "\n")
    facts = [f"id {row['id']}"]
    for key, label in (("arxiv_id", "arXiv:"), ("category", ""), ("published", "")):
        if row[key]:
            facts.append(f"{label}{row[key]}")
    if row["has_code"]:
        facts.append("code")
    facts.append(row["status"])
    if row["rating"]:
        facts.append("★" * row["rating"])
    if row["queue_position"]:
        facts.append(f"queue #{row['queue_position']}")
    if row["dismissed"]:
        facts.append("dismissed")
    out.write(" · ".join(facts) + "\n")
    if row["tags"]:
        out.write("Tags: " + ", ".join(row["tags"]) + "\n")
    if row["journal_ref"]:
        out.write(f"Journal: {row['journal_ref']}\n")
    if row["comments"]:
        out.write(f"Comments: {row['comments']}\n")
    out.write("\n" + row["abstract"] + "\n")
    if row["note"]:
        out.write("\nNote:\n" + row["note"] + "\n")
    out.write("\nSeen in: " + ", ".join(f"{s['file']} (record {s['index']})"
                                        for s in row["sources"]) + "\n")
    return 0


def cmd_list(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    query = []
    if args.status:
        query.append(f"status:{args.status}")
    if args.queued:
        query.append("queued:yes")
    if args.min_rating is not None:
        query.append(f"rating:>={args.min_rating}")
    parsed = parse_query(" ".join(query))
    view = "queue" if args.queued else "all"
    ids = library.view_ids(view, conditions=parsed.conditions, sort="added")
    _print_rows(library, ids, args.json, out)
    return 0


def cmd_mark(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    paper_id = library.resolve(args.paper)
    was_queued = paper_id in library.queue()
    library.set_status([paper_id], args.status)
    gone = was_queued and paper_id not in library.queue()
    out.write(f"{paper_id}: marked {args.status}"
              + (" and taken off the queue" if gone else "") + "\n")
    return 0


def cmd_rate(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    paper_id = library.resolve(args.paper)
    library.set_rating([paper_id], args.rating)
    out.write(f"{paper_id}: rated {args.rating}\n" if args.rating
              else f"{paper_id}: rating removed (unrated)\n")
    return 0


def cmd_note(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    paper_id = library.resolve(args.paper)
    if args.file is not None:
        text = read_regular_text(args.file, what="note")  # no pipes, devices, huge files
    else:
        text = args.text
    library.set_note(paper_id, text)
    # its own change only: the backlog of an import running beside is its indexer's work
    behind = index_stored_change(library, f"the note of paper {paper_id} is saved",
                                 only=[paper_id])
    if behind:
        raise CliError(behind)
    out.write(f"{paper_id}: note saved ({len(text)} characters)\n" if text
              else f"{paper_id}: note removed\n")
    return 0


def cmd_queue(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if args.queue_command == "list":
        _print_rows(library, library.queue(), args.json, out)
        return 0
    paper_id = library.resolve(args.paper)
    if args.queue_command == "add":
        queue = library.queue()
        if paper_id in queue:
            out.write(f"{paper_id}: already in the queue, position {queue.index(paper_id) + 1} "
                      f"of {len(queue)}\n")
            return 0
        library.queue_add([paper_id])
        done = "added to the queue at"
    elif args.queue_command == "remove":
        if paper_id not in library.queue():
            raise CliError(f"paper {paper_id} is not in the queue")
        library.queue_remove([paper_id])
        left = len(library.queue())
        out.write(f"{paper_id}: taken off the queue ({left} paper{'s' if left != 1 else ''} "
                  "left in it)\n")
        return 0
    else:
        if args.position < 1:
            raise CliError("positions start at 1")
        library.queue_move(paper_id, args.position)
        done = "moved to"
    queue = library.queue()
    out.write(f"{paper_id}: {done} position {queue.index(paper_id) + 1} of {len(queue)}\n")
    return 0


def cmd_export(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if args.query.strip():
        library.sync_index(queue_if_busy=True)
        ids = library.search(args.query, limit=None)
    else:
        ids = library.view_ids("all", sort="id")
    text = EXPORTERS[args.format](library.export_rows(ids))
    if args.output is None:
        out.write(text)
        return 0
    write_atomic(args.output, text)  # whole or not at all, never through a planted link
    print(f"exported {len(ids)} papers to {args.output}", file=sys.stderr)
    return 0


def cmd_check(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    report = library.check(repair=args.repair, progress=_progress_printer("reindexing"))
    out.write(f"store: {'ok' if report.store_ok else 'DAMAGED'}, {report.papers} papers\n")
    out.write(f"index: {'readable' if report.index_ok else 'DAMAGED'}, {report.indexed} "
              f"documents, {report.missing_from_index} missing, {report.extra_in_index} extra, "
              f"{report.pending} waiting\n")
    if report.index_problem:
        out.write(f"index damage: {report.index_problem}\n")
    if not report.store_ok:
        raise StoreDamaged(library.store.path, "its integrity check fails",
                           newest_good_backup(library.root))
    if report.in_step:
        out.write("store and index agree\n")
        return 0
    if args.repair:
        after = library.check()
        out.write("index rebuilt: store and index agree\n" if after.in_step
                  else "index rebuilt, but they still disagree\n")
        return 0 if after.in_step else 1
    print("readq: store and index disagree; run `readq check --repair`", file=sys.stderr)
    return 1


def cmd_backup(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if args.list:
        for path in library.backups():
            out.write(f"{path}\t{backup_reason(path)}\n")
        return 0
    if args.keep is not None:
        library.set_backups_to_keep(args.keep)
    path = library.backup("manual")
    out.write(f"backed up to {path} (manual backups are all kept; keeping the newest "
              f"{library.backups_to_keep} before-import backups)\n")
    return 0


def cmd_restore(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    safety = library.restore_backup(args.file)
    out.write(f"restored {args.file}; the library as it was is in {safety}\n")
    return 0


COMMANDS = {
    "tag": cmd_tag, "tags": cmd_tags,
    "import": cmd_import, "search": cmd_search, "show": cmd_show, "list": cmd_list,
    "mark": cmd_mark, "rate": cmd_rate, "note": cmd_note, "queue": cmd_queue,
    "export": cmd_export, "stats": cmd_stats, "check": cmd_check, "backup": cmd_backup,
    "restore": cmd_restore, "recommend": cmd_recommend, "similar": cmd_similar,
}

if __name__ == "__main__":
    sys.exit(main())
