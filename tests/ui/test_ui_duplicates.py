"""Possible duplicates get their own view; the user confirms or rejects each pair."""

from __future__ import annotations

from PySide6.QtCore import Qt

from readq.library import Library
from readq.store.database import now_iso
from tests.ui.uihelpers import WAIT_MS, written


def add_pairs(root) -> None:
    with Library(root) as library:
        ids = library.view_ids("import:3")
        with library.store.transaction():
            library.store.add_possible_duplicate(ids[0], ids[1], 0.71, now_iso())
            library.store.add_possible_duplicate(ids[2], ids[3], 0.64, now_iso())


def test_duplicates_view_confirm_and_reject(qtbot, open_window, seeded_root, settings) -> None:
    add_pairs(seeded_root)
    window = open_window(seeded_root, settings)
    keys = [e.key for e in window.sidebar.sidebar_model.entries()]
    assert "duplicates" in keys
    qtbot.waitUntil(lambda: window.counts().get("duplicates") == 2, timeout=WAIT_MS)
    window.ask = lambda title, text: True  # "Merge these two papers into one?" — yes
    window.sidebar.select_key("duplicates")
    assert window.center.currentWidget() is window.duplicates
    cards = window.duplicates.cards
    assert len(cards) == 2
    qtbot.mouseClick(cards[0].reject_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(window.duplicates.cards) == 1, timeout=WAIT_MS)
    qtbot.mouseClick(window.duplicates.cards[0].confirm_button, Qt.MouseButton.LeftButton)
    written(window)
    with Library(seeded_root) as library:
        assert library.store.paper_count() == 160
        assert library.possible_duplicates() == []
    assert "duplicates" not in [e.key for e in window.sidebar.sidebar_model.entries()]
    assert window.view == "all"  # the view went away: back to All
