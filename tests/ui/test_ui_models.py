"""The Qt models pass pytest-qt's model tester and behave like the views say."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from readq.library import Library
from readq.ui.paper_model import CHUNK, RATING, TITLE, PaperModel, display_title
from readq.ui.sidebar import SidebarEntry, SidebarModel
from readq.ui.views import sidebar_groups


def test_paper_model_passes_modeltester(qtmodeltester, seeded_root: Path) -> None:
    with Library(seeded_root) as library:
        model = PaperModel(library.papers)
        model.set_ids(library.view_ids("all"))
        assert model.rowCount() == 161
        qtmodeltester.check(model, force_py=True)
        qtmodeltester.check(model)


def test_paper_model_fetches_rows_lazily_in_chunks(seeded_root: Path) -> None:
    with Library(seeded_root) as library:
        calls: list[int] = []

        def fetch(ids):
            calls.append(len(ids))
            return library.papers(ids)

        model = PaperModel(fetch)
        model.set_ids(library.view_ids("all"))
        assert calls == []  # nothing read until a cell is asked for
        model.index(0, TITLE).data()
        model.index(5, TITLE).data()
        assert calls == [CHUNK]
        model.index(150, TITLE).data()
        start = 150 - 150 % CHUNK
        assert calls == [CHUNK, min(CHUNK, 161 - start)]


def test_untitled_arxiv_paper_is_shown_by_id_and_opening_words_in_italics() -> None:
    row = {"id": 1, "title": None, "arxiv_id": "2401.10020",
           "abstract": "Practitioners commonly align large language models using human "
                       "feedback but this is costly"}
    text, standin = display_title(row)
    assert standin
    assert text.startswith("arXiv:2401.10020 — Practitioners commonly align")
    assert text.endswith("…")
    model = PaperModel(lambda ids: [row])
    model.set_ids([1])
    assert model.index(0, TITLE).data(Qt.ItemDataRole.FontRole).italic()


def test_sorting_requests_sql_order(seeded_root: Path) -> None:
    with Library(seeded_root) as library:
        model = PaperModel(library.papers)
        requested = []
        model.sort_requested.connect(lambda key, desc: requested.append((key, desc)))
        model.sort(RATING, Qt.SortOrder.DescendingOrder)
        model.sort(-1)
        assert requested == [("rating", True), ("", False)]


def test_sidebar_model_passes_modeltester(qtmodeltester, seeded_root: Path) -> None:
    with Library(seeded_root) as library:
        library.save_search("agents", "agent*")
        model = SidebarModel()
        model.set_groups(sidebar_groups(library))
        model.set_counts({"view:all": 161, "view:inbox": 161})
        qtmodeltester.check(model, force_py=True)
        qtmodeltester.check(model)
        keys = [e.key for e in model.entries()]
        assert keys[:6] == ["view:inbox", "view:for_you", "view:queue", "view:read", "view:starred",
                        "view:all"]
        assert "saved:1" in keys
        assert sum(k.startswith("import:") for k in keys) == 4
        index = model.index_of("view:all")
        assert model.index(index.row(), 1, index.parent()).data() == "161"


def test_sidebar_counts_update_in_place_and_structure_resets(qtbot) -> None:
    model = SidebarModel()
    groups = [("Library", [SidebarEntry("view:all", "All", "all")])]
    model.set_groups(groups)
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    model.set_groups([("Library", [SidebarEntry("view:all", "All", "all")])])
    assert resets == []
    with qtbot.waitSignal(model.dataChanged, timeout=1000):
        model.set_counts({"view:all": 3})
    model.set_groups(groups + [("Imports", [SidebarEntry("import:1", "a.txt", "import:1")])])
    assert resets == [1]
