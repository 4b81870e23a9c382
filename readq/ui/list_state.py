"""What the paper list shows: the sidebar entry and its view, the search applied
to it and the sort, in one object, with the rules that turn them into the ids to
list (or the search to run).

:class:`~readq.ui.main_window.MainWindow` holds one :class:`ListState` as
``list_state``; the sort itself is kept by the list's
:class:`~readq.ui.paper_model.PaperModel` (the header sets it), and read from it.
"""

from __future__ import annotations

from readq.library import Library
from readq.ui.paper_model import PaperModel
from readq.ui.sidebar import SidebarEntry


class ListState:
    """The current view, query and sort of the paper list."""

    def __init__(self, model: PaperModel) -> None:
        self.model = model
        self.entry: SidebarEntry | None = None
        self.view = "inbox"  # the library view listed (``inbox``, ``import:3``…)
        self.query = ""  # the search applied to the view ("" for none)
        self.query_from_saved = False  # the query came from a saved search

    @property
    def sort_key(self) -> str:
        """The list's sort key ("" for the view's natural order)."""
        return self.model.sort_key

    @property
    def descending(self) -> bool:
        """The list is sorted in descending order."""
        return self.model.descending

    def follow(self, entry: SidebarEntry) -> str | None:
        """Show a sidebar entry: a saved search searches All. Returns the text the
        search box should show now, or None to leave it as it is."""
        previous = self.entry
        self.entry = entry
        if entry.kind == "saved":
            self.view = "all"
            self.query = entry.query
            self.query_from_saved = True
            return entry.query
        self.view = entry.view
        shown = None
        if self.query_from_saved and previous is not None and previous.kind == "saved" \
                and self.query == previous.query:
            self.query = ""
            shown = ""
        self.query_from_saved = False
        return shown

    def view_ids(self, library: Library) -> list[int]:
        """The ids of the view (no search), in the list's sort."""
        return library.view_ids(self.view, sort=self.sort_key or "added",
                                descending=self.descending)

    def for_you_order(self, inbox_for_you: bool) -> bool:
        """The list is shown in the "For you" order (the For you view, or the inbox
        with View ▸ Inbox "For you" checked), unless a column sort is chosen."""
        return not self.sort_key and (self.view == "for_you" or (
            self.view == "inbox" and inbox_for_you))

    @property
    def reorderable(self) -> bool:
        """Papers can be moved: the Queue, in queue order, with no search."""
        return self.view == "queue" and not self.query and not self.sort_key

    @property
    def search_view(self) -> str:
        """The view a search applies to (All for the duplicates view)."""
        return "all" if self.view == "duplicates" else self.view
