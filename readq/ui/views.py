"""Sidebar contents and empty-view wording, computed from the library.

``sidebar_groups`` reads the structure (views, duplicates, saved searches,
imports) on the GUI thread — small tables only; ``count_job`` returns a
background job computing every count, so big libraries never stall the window.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from readq.library import Library
from readq.search.query import QueryError
from readq.ui.paper_model import display_title
from readq.ui.sidebar import (
    GROUP_IMPORTS,
    GROUP_LIBRARY,
    GROUP_SAVED,
    VIEW_LABELS,
    VIEW_PURPOSE,
    SidebarEntry,
    view_entries,
)
from readq.ui.tasks import TaskContext

GROUP_TAGS = "Tags"

EMPTY_TEXT = {
    "inbox": ("Inbox zero", "Every paper has been read or dismissed. New imports land here."),
    "queue": ("Your queue is empty", "Press Q on a paper to add it to your reading queue."),
    "read": ("Nothing read yet", "Press R on a paper to mark it read."),
    "starred": ("No starred papers", "Papers you rate 4 or 5 stars (keys 4 and 5) show up here."),
    "all": ("No papers", "Import a dump to fill the library."),
    "new": ("Nothing new", "The latest import brought no new papers."),
    "dismissed": ("Nothing dismissed", "Press X on a paper to dismiss it from the inbox; "
                  "dismissed papers are kept here, never deleted."),
    "notes": ("No notes yet", "Press Enter on a paper to write a note about it."),
    "for_you": ("Nothing left to recommend", "Every unread paper is queued, rated or dismissed. "
                "New imports land here, the ones you most likely want first."),
}


def _short_date(stamp: str) -> str:
    return (stamp or "").replace("T", " ")[:16]


def sidebar_groups(library: Library) -> list[tuple[str, list[SidebarEntry]]]:
    """Every sidebar entry, grouped (counts left empty)."""
    views = view_entries()
    duplicates = len(library.possible_duplicates())
    if duplicates:
        views.append(SidebarEntry("duplicates", "Possible duplicates", "duplicates",
                                  kind="duplicates",
                                  tooltip="Papers that may be the same: confirm or reject each"))
    views.append(SidebarEntry("stats", "Statistics", "stats", kind="stats",
                              tooltip="Charts of your backlog, reading rate, ratings and "
                                      "what fills the library"))
    saved = [SidebarEntry(f"saved:{s['id']}", s["name"], "all", kind="saved", query=s["query"],
                          tooltip=f"Saved search: {s['query']}", payload=dict(s))
             for s in library.saved_searches()]
    imports = []
    for item in library.imports():
        tip = (f"{item['file']} — imported {_short_date(item['imported_at'])}: "
               f"{item.get('new', 0)} new, {item.get('merged', 0)} merged "
               "(right-click to rename)")
        label = import_label(item)
        imports.append(SidebarEntry(f"import:{item['id']}", label, f"import:{item['id']}",
                                    kind="import", tooltip=tip, payload=dict(item)))
    tags = [SidebarEntry(f"tag:{name}", f"#{name}", f"tag:{name}", kind="tag",
                         tooltip=f"Papers you tagged {name} (search: tag:{name})")
            for name, _count in library.all_tags()]
    return [(GROUP_LIBRARY, views), (GROUP_SAVED, saved), (GROUP_TAGS, tags),
            (GROUP_IMPORTS, imports)]


def import_label(item: dict[str, Any]) -> str:
    """An import as the sidebar names it: its name (or file) and the day it came."""
    name = item.get("name") or item["file"]
    when = (item.get("imported_at") or "")[:10]
    try:
        day = date.fromisoformat(when)
    except ValueError:
        return name
    return f"{name} · {day:%b} {day.day}"


def count_job(entries: list[SidebarEntry]) -> Callable[[TaskContext], dict[str, int]]:
    """A background job counting each entry's papers (saved searches by running them)."""
    wanted = [(e.key, e.kind, e.view, e.query) for e in entries]

    def job(ctx: TaskContext) -> dict[str, int]:
        library = ctx.library
        counts: dict[str, int] = {}
        tag_counts: dict[str, int] | None = None
        for key, kind, view, query in wanted:
            if ctx.cancelled():
                break
            if kind == "stats":
                continue  # a page of charts, not a list of papers
            elif kind == "tag":  # every tag counted in one small query
                if tag_counts is None:
                    tag_counts = dict(library.all_tags())
                counts[key] = tag_counts.get(view.split(":", 1)[1], 0)
            elif kind == "duplicates":
                counts[key] = len(library.possible_duplicates())  # pairs to decide on
            elif kind == "saved":
                try:
                    counts[key] = len(library.search(query, limit=None, view=view))
                except QueryError:
                    continue
                except Exception:  # an index being rebuilt: count it next time
                    continue
            else:
                counts[key] = library.view_count(view)
        return counts

    return job


def view_title(entry: SidebarEntry | None) -> str:
    """The name of the view, for the window title and messages."""
    if entry is None:
        return "All"
    return VIEW_LABELS.get(entry.view, entry.label) if entry.kind == "view" else entry.label


def empty_text(view: str, label: str) -> tuple[str, str]:
    """Title and explanation for an empty view."""
    if view in EMPTY_TEXT:
        return EMPTY_TEXT[view]
    if view.startswith("import:"):
        return (f"{label} is empty", "This import's papers were all merged away.")
    if view.startswith("tag:"):
        return (f"No papers tagged {view[4:]}",
                "Press L on a paper to tag it; undo brings back a tag just removed.")
    return (f"{label} is empty", VIEW_PURPOSE.get(view, ""))


def payload_titles(rows: list[dict[str, Any]]) -> dict[int, str]:
    """Titles by id for undo command texts."""
    return {int(r["id"]): display_title(r)[0] for r in rows}
