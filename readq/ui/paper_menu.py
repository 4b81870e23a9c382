"""The right-click menu on papers, and copying papers to the clipboard.

The menu is built from the window's actions (so each item shows its key and
does exactly what the key does) around the papers under the mouse; a tag
submenu removes tags the selection carries. The copy texts are plain
functions of library rows, so the command line or tests can reuse them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QMenu, QWidget

from readq import latex
from readq.exporting import to_bibtex
from readq.ui.actions import Actions
from readq.ui.links import arxiv_abs_url, arxiv_search_url
from readq.ui.paper_model import AUTHORS_UNKNOWN, display_title


def title_and_authors(rows: Sequence[dict[str, Any]]) -> str:
    """``Title — A, B et al. (2023)`` per paper, one a line."""
    lines = []
    for row in rows:
        title = display_title(row, words=16)[0]
        authors = ", ".join(row.get("authors") or []) or AUTHORS_UNKNOWN
        if row.get("authors_truncated"):
            authors += " et al."
        year = f" ({row['published'][:4]})" if row.get("published") else ""
        lines.append(f"{title} — {authors}{year}")
    return "\n".join(lines)


def paper_link(row: dict[str, Any]) -> str:
    """The arXiv page of a paper, or an arXiv title search when its id is unknown."""
    if row.get("arxiv_id"):
        return arxiv_abs_url(row["arxiv_id"])
    return arxiv_search_url(latex.plain(row.get("title") or "")
                            or " ".join((row.get("abstract") or "").split()[:12]))


def links(rows: Sequence[dict[str, Any]]) -> str:
    """One link a line."""
    return "\n".join(paper_link(row) for row in rows)


def bibtex(rows: Sequence[dict[str, Any]]) -> str:
    """BibTeX entries (export rows, as ``readq export --format bibtex`` writes them)."""
    return to_bibtex(list(rows))


MENU_ACTIONS: tuple[str | None, ...] = (
    "open_page", "open_note", None,
    "toggle_read", "toggle_queue", "dismiss", None,
    "tag",
)
COPY_ACTIONS = ("copy_title", "copy_bibtex", "copy_link")


def build_paper_menu(actions: Actions, tags: Sequence[str],
                     remove_tag: Callable[[str], None], export: Callable[[], None],
                     parent: QWidget) -> QMenu:
    """The context menu for the selected papers (``tags``: those they carry)."""
    menu = QMenu(parent)
    menu.setObjectName("paperMenu")
    for name in MENU_ACTIONS:
        if name is None:
            menu.addSeparator()
        else:
            menu.addAction(actions[name])
    if tags:
        untag = menu.addMenu("Remove &tag")
        untag.setObjectName("removeTagMenu")
        for tag in tags:
            untag.addAction(f"#{tag}").triggered.connect(lambda _=False, t=tag: remove_tag(t))
    rate = menu.addMenu("&Rate")
    rate.setObjectName("rateMenu")
    for n in range(6):
        rate.addAction(actions[f"rate_{n}"])
    menu.addSeparator()
    for name in COPY_ACTIONS:
        menu.addAction(actions[name])
    menu.addSeparator()
    menu.addAction(actions["export"])
    return menu
