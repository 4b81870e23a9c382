"""``readq stats --plot FILE``: the Statistics page's figures as one picture (PNG or SVG).

Drawn with matplotlib's object API on the Agg/SVG canvases (no pyplot, no
display, no Qt: this is core code the command line runs). The input is the
dict of :func:`readq.store.stats.figures`; the panels are the page's: backlog,
reading rate, waiting times, ratings, what fills the library, imports, triage.
"""

from __future__ import annotations

import io
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from readq.stats_rules import count_ticks, import_label, rate_text

PLOT_SUFFIXES = (".png", ".svg")
ADDED, READ, INBOX, ACCENT, MUTED = "#4C78A8", "#54A24B", "#E45756", "#F58518", "#9D9D9D"


class PlotError(ValueError):
    """A plot that cannot be written (wrong suffix…)."""


def _short_week(week: str) -> str:
    return week[5:]  # MM-DD of the Monday


def _empty(ax: Any, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", color=MUTED, transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def _from_zero(ax: Any, *series: list[int | float]) -> None:
    """Counts start at 0 and the axis has room even when every count is 0 (matplotlib
    would centre an all-zero axis on 0, with negative ticks)."""
    top = max((v for values in series for v in values), default=0)
    end = max(1, top) * 1.08
    ax.set_ylim(0, end)
    ax.set_yticks([t for t in count_ticks(end) if t <= end])  # counts: whole numbers


def _barh(ax: Any, rows: list[dict[str, Any]], title: str) -> None:
    ax.set_title(title, loc="left", fontsize=10)
    if not rows:
        _empty(ax, "nothing yet")
        return
    names = [str(r["name"])[:28] for r in rows][::-1]
    papers = [r["papers"] for r in rows][::-1]
    read = [r["read"] for r in rows][::-1]
    ax.barh(names, papers, color=ADDED, label="papers")
    ax.barh(names, read, color=READ, label="read")
    end = max(1, max(papers)) * 1.05
    ax.set_xlim(0, end)
    ax.set_xticks([t for t in count_ticks(end) if t <= end])
    ax.tick_params(axis="y", labelsize=7)
    ax.tick_params(axis="x", labelsize=7)


def _import_label(row: dict[str, Any]) -> str:
    """An import as the sidebar names it ("Trending Mar 11", the profile's author),
    with its date; the file name for an import that has no name."""
    return f"{import_label(row)} · {row['imported_at'][5:10]}"


def draw(figures: dict[str, Any]) -> Any:
    """A matplotlib ``Figure`` with every panel."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(15, 16), dpi=100, layout="constrained")
    since = (figures.get("history_since") or "")[:10]
    totals = figures["totals"]
    fig.suptitle(f"readq — {totals['papers']:,} papers, {totals['read']:,} read, "
                 f"{totals['inbox']:,} in the inbox, {totals['queued']:,} queued"
                 + (f" (history since {since})" if since else ""), fontsize=13)
    grid = fig.add_gridspec(4, 3)

    weeks = figures["backlog"]
    labels = [_short_week(w["week"]) for w in weeks]
    x = list(range(len(weeks)))
    ax = fig.add_subplot(grid[0, :2])
    ax.set_title("Backlog: papers added and read per week, unread inbox", loc="left", fontsize=10)
    ax.bar([i - 0.2 for i in x], [w["added"] for w in weeks], 0.4, color=ADDED, label="added")
    ax.bar([i + 0.2 for i in x], [w["read"] for w in weeks], 0.4, color=READ, label="read")
    ax.set_xticks(x, labels, rotation=60, fontsize=7)
    _from_zero(ax, [w["added"] for w in weeks], [w["read"] for w in weeks])
    twin = ax.twinx()
    known = [(i, w["inbox"]) for i, w in zip(x, weeks) if w["inbox"] is not None]
    if known:
        twin.plot([i for i, _ in known], [v for _, v in known], color=INBOX, marker="o",
                  markersize=3, label="inbox")
    _from_zero(twin, [v for _, v in known])
    twin.tick_params(labelsize=7)
    ax.legend(loc="upper left", fontsize=8)
    twin.legend(loc="upper right", fontsize=8)

    rate = figures["reading_rate"]
    ax = fig.add_subplot(grid[0, 2])
    ax.set_title(f"Reading rate (last 4 weeks: {rate['last_4_weeks_average']:g}/week)",
                 loc="left", fontsize=10)
    ax.bar(x, [w["read"] for w in rate["weeks"]], color=READ)
    ax.axhline(rate["last_4_weeks_average"], color=ACCENT, linestyle="--", linewidth=1)
    _from_zero(ax, [w["read"] for w in rate["weeks"]], [rate["last_4_weeks_average"]])
    ax.set_xticks(x[::4], labels[::4], rotation=60, fontsize=7)

    waiting = figures["waiting"]
    ax = fig.add_subplot(grid[1, 0])
    ax.set_title("How long papers wait", loc="left", fontsize=10)
    kinds = [("inbox", "in the inbox now", ADDED), ("queue", "in the queue now", ACCENT),
             ("read", "before read", READ), ("dismissed", "before dismissed", MUTED)]
    buckets = [b["label"] for b in waiting["inbox"]["buckets"]]
    for k, (kind, label, colour) in enumerate(kinds):
        values = [b["papers"] for b in waiting[kind]["buckets"]]
        ax.bar([i + (k - 1.5) * 0.2 for i in range(len(buckets))], values, 0.2, color=colour,
               label=label)
    ax.set_xticks(range(len(buckets)), buckets, rotation=30, fontsize=7)
    _from_zero(ax, *([b["papers"] for b in waiting[kind]["buckets"]] for kind, _, _ in kinds))
    ax.legend(fontsize=7)

    ratings = figures["ratings"]
    ax = fig.add_subplot(grid[1, 1])
    ax.set_title(f"Ratings ({ratings['unrated']:,} unrated)", loc="left", fontsize=10)
    counts = [r["papers"] for r in ratings["distribution"]]
    if any(counts):
        ax.bar([f"{r['stars']} star{'s' if r['stars'] > 1 else ''}"
                for r in ratings["distribution"]], counts, color=ACCENT)
        _from_zero(ax, counts)
        ax.tick_params(labelsize=8)
    else:
        _empty(ax, "no ratings yet")

    ax = fig.add_subplot(grid[1, 2])
    ax.set_title("Average stars by category", loc="left", fontsize=10)
    if ratings["by_category"]:
        ax.bar([r["category"] for r in ratings["by_category"]],
               [r["average"] for r in ratings["by_category"]], color=ACCENT)
        ax.set_ylim(0, 5)
    else:
        _empty(ax, "no ratings yet")

    top = figures["top"]
    for column, (key, title) in enumerate((("categories", "Top categories (green: read)"),
                                           ("orgs", "Top organisations"),
                                           ("authors", "Top authors"))):
        _barh(fig.add_subplot(grid[2, column]), top[key], title)

    imports = figures["imports"]
    ax = fig.add_subplot(grid[3, :2])
    ax.set_title("Imports: new and merged papers", loc="left", fontsize=10)
    if imports:
        names = [_import_label(i) for i in imports]
        ax.bar(names, [i["new"] for i in imports], color=ADDED, label="new")
        ax.bar(names, [i["merged"] for i in imports], bottom=[i["new"] for i in imports],
               color=MUTED, label="merged")
        ax.set_xticks(range(len(names)), names, rotation=60, fontsize=7)
        ax.legend(fontsize=8)
    else:
        _empty(ax, "no imports yet")

    triage = figures["triage"]
    ax = fig.add_subplot(grid[3, 2])
    pace = triage["papers_per_minute"]
    ax.set_title("Triage sessions: decisions" + (f" ({rate_text(pace)} papers/min)" if pace else ""),
                 loc="left", fontsize=10)
    if triage["sessions"]:
        sessions = triage["sessions"]
        ax.bar(range(len(sessions)), [s["decisions"] for s in sessions], color=ADDED)
        ax.set_xticks(range(len(sessions))[::5],
                      [s["started_at"][5:10] for s in sessions][::5], rotation=60, fontsize=7)
    else:
        _empty(ax, "no triage yet")
    return fig


def write_plot(figures: dict[str, Any], path: Path) -> Path:
    """Write the composite picture to ``path`` (``.png`` or ``.svg``), whole or not at all.

    It is drawn in memory first, then written through a private temporary file beside
    the target (random name, ``O_EXCL``: a planted link is never followed) that is renamed
    over it. A target that is a folder, device or pipe is refused."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in PLOT_SUFFIXES:
        raise PlotError(f"--plot writes .png or .svg files, not {path.name!r}")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise PlotError(f"no folder {folder} to write {path.name} in")
    try:
        existing = os.stat(path)
    except OSError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        raise PlotError(f"{path} is not a regular file; choose a file name to write to")
    buffer = io.BytesIO()
    draw(figures).savefig(buffer, format=suffix[1:], dpi=100)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(buffer.getvalue())
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    return path
