"""The command line's reading commands: ``stats`` (figures, ``--plot``),
``recommend``, ``similar``, ``tag`` and ``tags`` — what a user reads back from the
library rather than changes in bulk. ``readq.cli`` parses and dispatches them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from readq.library import Library
from readq.stats_rules import rate_text

if TYPE_CHECKING:  # scikit-learn loads only for `recommend` and `similar`
    from readq.recommendations import Recommendation

class CliError(Exception):
    """A one-line message for stderr."""


def cmd_stats(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    stats = library.stats()
    figures = library.statistics()
    if args.plot is not None:
        _write_stats_plot(figures, args.plot)
    if args.json:
        json.dump({**stats, "figures": figures}, out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        width = max(map(len, stats))
        for key, value in stats.items():
            out.write(f"{key.replace('_', ' '):<{width}}  {value}\n")
        _print_figures(figures, out)
    if args.plot is not None:
        print(f"wrote the statistics picture to {args.plot}", file=sys.stderr)
    return 0


def _write_stats_plot(figures: dict[str, Any], path: Path) -> None:
    from readq.stats_plot import PlotError, write_plot  # matplotlib only when asked

    try:
        write_plot(figures, path)
    except PlotError as exc:
        raise CliError(str(exc)) from None


def _print_figures(figures: dict[str, Any], out: TextIO) -> None:
    """The figures of the Statistics page as short text (``readq stats``)."""
    since = (figures["history_since"] or "")[:10]
    rate = figures["reading_rate"]
    out.write(f"\nhistory since {since}" + (
        f" ({rate['read_before_history']} papers read before then, dates unknown)"
        if rate["read_before_history"] else "") + "\n")
    recent = figures["backlog"][-8:]
    out.write("week of       added   read  inbox\n")
    for week in recent:
        inbox = "?" if week["inbox"] is None else f"{week['inbox']:,}"
        out.write(f"{week['week']}  {week['added']:>6,} {week['read']:>6,} {inbox:>6}\n")
    out.write(f"reading rate  {rate['last_4_weeks_average']:g} papers a week (last 4 weeks)\n")
    waits = figures["waiting"]
    for kind, label in (("inbox", "in the inbox"), ("queue", "in the queue"),
                        ("read", "before read"), ("dismissed", "before dismissed")):
        median = waits[kind]["median_days"]
        if median is not None:
            out.write(f"median wait {label}: {median:g} days\n")
    ratings = figures["ratings"]
    out.write("ratings       " + ", ".join(f"{r['stars']}★ {r['papers']}"
                                          for r in ratings["distribution"]) + "\n")
    for key, label in (("categories", "top categories"), ("orgs", "top organisations"),
                       ("authors", "top authors")):
        rows = figures["top"][key][:5]
        if rows:
            out.write(f"{label}: " + ", ".join(
                f"{r['name']} {r['papers']} ({r['share_read']:.0%} read)" for r in rows) + "\n")
    triage = figures["triage"]
    if triage["sessions"]:
        out.write(f"triage        {triage['sessions_total']} sessions, "
                  f"{rate_text(triage['papers_per_minute'])} papers a minute\n")


def paper_line(row: dict[str, Any]) -> str:
    """One paper as a line of `readq search`/`list`/`recommend` output."""
    title = row["title"] or f"(untitled) {row['abstract'][:60]}…"
    authors = ", ".join(row["authors"][:3]) + (" et al." if len(row["authors"]) > 3
                                               or row["authors_truncated"] else "")
    stars = "★" * row["rating"] if row["rating"] else ""
    mark = "✓" if row["status"] == "read" else " "
    bits = [b for b in (authors, row["published"] or "", stars) if b]
    return f"{row['id']:>6} {mark} {title}" + (f"  — {' · '.join(bits)}" if bits else "")


def _print_recommendations(library: Library, found: list[Recommendation], as_json: bool,
                           out: TextIO) -> None:
    ids = [r.paper_id for r in found]
    if as_json:
        rows = library.export_rows(ids)
        for row, item in zip(rows, found, strict=True):
            row["interest"] = item.interest
            row["why"] = item.why
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    for row, item in zip(library.papers(ids), found, strict=True):
        out.write(f"{paper_line(row)}\n{'':>9}{item.interest:.2f} · {item.why}\n")
    if not found:
        out.write("no papers\n")


def cmd_recommend(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if args.tag is not None and not args.tag.strip():
        raise CliError("--tag needs a tag name")
    found = library.recommend(args.limit, tag=args.tag.strip() if args.tag else None)
    _print_recommendations(library, found, args.json, out)
    return 0


def cmd_similar(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    paper_id = library.resolve(args.paper)
    _print_recommendations(library, library.similar(paper_id, args.limit), args.json, out)
    return 0


def cmd_tag(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    paper_id = library.resolve(args.paper)
    before = set(library.tags(paper_id))
    if args.action == "add":
        names = library.add_tags([paper_id], args.tags)
        changed = [t for t in names if t not in before]
    else:
        names = library.remove_tags([paper_id], args.tags)
        changed = [t for t in names if t in before]
    verb = "tagged" if args.action == "add" else "untagged"
    now = library.tags(paper_id)
    if changed:
        out.write(f"{paper_id}: {verb} {', '.join(changed)}")
    else:
        out.write(f"{paper_id}: nothing changed ("
                  + ("already tagged" if args.action == "add" else "no such tag on it") + ")")
    out.write(f"; tags now: {', '.join(now) if now else 'none'}\n")
    return 0


def cmd_tags(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    tags = library.all_tags()
    if args.json:
        json.dump([{"tag": name, "papers": count} for name, count in tags], out,
                  ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    for name, count in tags:
        out.write(f"{count:>6}  {name}\n")
    if not tags:
        out.write("no tags yet: `readq tag PAPER add TAG` adds one\n")
    return 0
