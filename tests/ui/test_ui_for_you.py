""""For you" in the app: the sidebar view, triage best-first, why, "not this", similar.

Every ranking the app shows is compared with the one the library computes
itself for the same decisions (through a second connection), so the tests see
what the user would: the order of the list and of the cards, and the sentences.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from readq.library import Library
from readq.ui.main_window import MainWindow
from tests.ui.uihelpers import WAIT_MS, settle


def give_taste(root: Path) -> dict[str, list[int]]:
    """A reader who rated language-model papers high and dismissed others."""
    with Library(root) as library:
        rows = library.papers(library.view_ids("all", sort="id"))
        language = [r["id"] for r in rows if "language" in (r["title"] or "").lower()]
        other = [r["id"] for r in rows if r["title"] and "language" not in r["title"].lower()
                 and "model" not in r["title"].lower()]
        library.set_rating(language[:3], 5)
        library.queue_add(language[3:4])
        library.set_dismissed(other[:4])
        return {"rated": language[:3], "queued": language[3:4], "dismissed": other[:4]}


def expected_order(root: Path, ids: list[int]) -> list[int]:
    with Library(root) as library:
        return library.recommendations.rank(ids)


def idle(qtbot, window: MainWindow) -> None:
    settle(qtbot, window)
    qtbot.waitUntil(lambda: not window.for_you.busy(), timeout=WAIT_MS)


def press(qtbot, key: Qt.Key) -> None:
    widget = QApplication.focusWidget()
    assert widget is not None
    qtbot.keyClick(widget, key)


@pytest.fixture
def tasteful(open_window, seeded_root, settings):
    taste = give_taste(seeded_root)
    return open_window(seeded_root, settings), taste


def test_the_for_you_view_lists_undecided_papers_best_first_with_why_and_similar(
        qtbot, tasteful) -> None:
    window, taste = tasteful
    assert window.sidebar.select_key("view:for_you")
    idle(qtbot, window)
    with Library(window.root) as library:
        candidates = library.view_ids("for_you")
        titles = {r["id"]: r["title"] for r in library.papers(taste["rated"] + taste["queued"])}
    decided = set(taste["rated"]) | set(taste["queued"]) | set(taste["dismissed"])
    assert window.model.ids and not set(window.model.ids) & decided
    assert window.model.ids == expected_order(window.root, candidates)
    assert window.counts()["view:for_you"] == len(candidates)

    # the detail pane says why, naming papers the user rated or queued, and lists 5 similar
    qtbot.waitUntil(lambda: window.for_you_panel.why.isVisible(), timeout=WAIT_MS)
    assert window.for_you_panel.isVisible()
    why = window.for_you_panel.why.text()
    assert why.startswith("<b>For you</b> — ")
    assert any(f"“{t[:30]}" in why for t in titles.values()), why
    similar = window.for_you_panel.similar_ids()
    assert len(similar) == 5 and window.model.ids[0] not in similar

    # clicking a similar paper opens it (in All when the list does not hold it)
    target = similar[0]
    window.for_you_panel.similar.linkActivated.emit(f"paper:{target}")
    idle(qtbot, window)
    qtbot.waitUntil(lambda: window.detail.paper_id == target, timeout=WAIT_MS)


def test_triage_goes_best_first_and_reranks_after_each_decision(qtbot, tasteful) -> None:
    window, taste = tasteful
    assert window.sidebar.select_key("view:inbox")
    idle(qtbot, window)
    inbox = list(window.model.ids)
    page = window.triage_page
    with qtbot.waitSignal(page.ranked, timeout=WAIT_MS):
        assert window.start_triage()
    idle(qtbot, window)
    offered = set(page.session.ids)  # the view's papers not decided yet
    assert offered and offered <= set(inbox)
    best = expected_order(window.root, [i for i in inbox if i in offered])
    assert page.session.ids == best and page.session.current == best[0]
    qtbot.waitUntil(lambda: page.card.why.isVisible(), timeout=WAIT_MS)
    assert "For you" in page.card.why.text() and "Newest first" not in page.card.why.text()

    # one decision (1★ on the paper ranked first): the cards to come follow the new ranking
    page.card.setFocus()
    with qtbot.waitSignal(page.ranked, timeout=WAIT_MS):
        press(qtbot, Qt.Key.Key_1)
    idle(qtbot, window)
    decided = page.session.decided_ids()
    remaining = [i for i in inbox if i in offered and i not in decided]
    now = expected_order(window.root, remaining)
    # the card on show stays; the ones after it are the best remaining, in order
    position, current = page.session.position, page.session.current
    assert page.session.ids[position + 1:position + 11] == [i for i in now if i != current][:10]
    assert now != [i for i in best if i not in decided]  # the decision changed the order


def test_not_this_on_the_card_is_a_negative_decision_and_undoes(qtbot, tasteful) -> None:
    window, _ = tasteful
    assert window.sidebar.select_key("view:for_you")
    idle(qtbot, window)
    with qtbot.waitSignal(window.triage_page.ranked, timeout=WAIT_MS):
        assert window.start_triage()
    idle(qtbot, window)
    page = window.triage_page
    target = page.session.current
    page.card.setFocus()
    press(qtbot, Qt.Key.Key_D)
    idle(qtbot, window)
    assert page.session.current != target
    with Library(window.root) as library:
        assert target in library.not_this_ids()
        assert library.recommendations.rank(library.view_ids("for_you"))[0] != target
    press(qtbot, Qt.Key.Key_Z)
    idle(qtbot, window)
    assert page.session.current == target
    with Library(window.root) as library:
        assert target not in library.not_this_ids()


def test_before_enough_decisions_triage_is_newest_first_and_the_card_says_so(
        qtbot, open_window, seeded_root, settings) -> None:
    window = open_window(seeded_root, settings)
    assert window.sidebar.select_key("view:inbox")
    idle(qtbot, window)
    inbox = list(window.model.ids)
    with qtbot.waitSignal(window.triage_page.ranked, timeout=WAIT_MS):
        assert window.start_triage()
    idle(qtbot, window)
    page = window.triage_page
    assert page.session.ids == expected_order(window.root, inbox)
    with Library(window.root) as library:
        # a paper's date, else (no date in its dump) the day it was imported
        days = [r["published"] or r["added_at"][:10] for r in library.papers(page.session.ids)]
    assert days == sorted(days, reverse=True)
    qtbot.waitUntil(lambda: page.card.why.isVisible(), timeout=WAIT_MS)
    assert ("Newest first: readq ranks by your taste once you want a paper "
            "(rate, queue or read one; 0 decisions so far)." in page.card.why.text())


def test_the_inbox_can_be_ordered_for_you(qtbot, tasteful) -> None:
    window, _ = tasteful
    assert window.sidebar.select_key("view:inbox")
    idle(qtbot, window)
    newest = list(window.model.ids)
    window.inbox_for_you.setChecked(True)
    idle(qtbot, window)
    assert window.model.ids == expected_order(window.root, newest)
    window.inbox_for_you.setChecked(False)
    idle(qtbot, window)
    assert window.model.ids == newest


def test_the_recommender_runs_in_a_process_of_its_own(qtbot, open_window, seeded_root,
                                                     settings, monkeypatch) -> None:
    """The features (100+ MB at 100,000 papers) and scikit-learn never load in the
    window's process; the process is kept between requests and stopped with the window."""
    import os

    import readq.recommendations as recommendations

    give_taste(seeded_root)
    built_here = []
    real_init = recommendations.Recommendations.__init__

    def record(self, *args, **kwargs) -> None:
        built_here.append(args)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(recommendations.Recommendations, "__init__", record)
    window = open_window(seeded_root, settings)
    assert window.sidebar.select_key("view:for_you")
    idle(qtbot, window)
    pid = window.for_you.process.pid
    assert pid is not None and pid != os.getpid()
    assert (seeded_root / "recommend" / "features.pkl").exists()
    assert built_here == []  # nothing of the recommender in this process
    monkeypatch.setattr(recommendations.Recommendations, "__init__", real_init)
    with Library(seeded_root) as library:
        assert window.model.ids == library.recommendations.rank(library.view_ids("for_you"))
    assert window.sidebar.select_key("view:inbox")
    window.inbox_for_you.setChecked(True)
    idle(qtbot, window)
    assert window.for_you.process.pid == pid  # the same process answered again
    window.for_you.shutdown()
    assert window.for_you.process.pid is None


def test_triage_can_keep_the_list_order(qtbot, tasteful) -> None:
    window, _ = tasteful
    assert window.sidebar.select_key("view:inbox")
    idle(qtbot, window)
    listed = list(window.model.ids)
    window.triage_in_list_order.setChecked(True)
    assert window.start_triage()
    idle(qtbot, window)
    page = window.triage_page
    listed = [i for i in listed if i in set(page.session.ids)]  # the undecided ones
    assert page.session.ids == listed and not page.card.why.isVisible()
    assert listed != expected_order(window.root, listed)  # For you would differ
    page.card.setFocus()
    press(qtbot, Qt.Key.Key_S)
    idle(qtbot, window)
    assert page.session.ids == listed and page.session.current == listed[1]
