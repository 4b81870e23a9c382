"""Window geometry, splitters, columns and the last view come back in a second window."""

from __future__ import annotations

from readq.ui.settings import file_settings


def test_settings_are_restored_in_a_second_window(qtbot, open_window, seeded_root,
                                                  settings_path) -> None:
    first = open_window(seeded_root, file_settings(settings_path))
    first.resize(780, 590)  # the offscreen screen is 800×800: stay inside it
    first.splitter.setSizes([190, 330, 260])
    size = (first.width(), first.height())
    sizes = first.splitter.sizes()
    first.table.horizontalHeader().resizeSection(1, 263)
    first.show_view("starred")
    first.close()
    assert settings_path.is_file()

    second = open_window(seeded_root, file_settings(settings_path))
    assert (second.width(), second.height()) == size
    assert size[1] == 590
    assert second.splitter.sizes() == sizes
    assert second.table.horizontalHeader().sectionSize(1) == 263
    assert second.view == "starred"
    assert second.sidebar.current_key == "view:starred"


def test_a_fresh_settings_file_opens_the_inbox(open_window, seeded_root, settings) -> None:
    window = open_window(seeded_root, settings)
    assert window.view == "inbox"
    assert window.model.rowCount() == 161


def test_a_new_library_opens_on_its_empty_page_not_on_the_last_librarys_view(
        qtbot, open_window, seeded_root, empty_root, settings_path) -> None:
    first = open_window(seeded_root, file_settings(settings_path))
    first.show_statistics()
    qtbot.waitUntil(lambda: first.sidebar.current_key == "stats", timeout=15000)
    first.close()

    new = open_window(empty_root, file_settings(settings_path))
    assert new.sidebar.current_key == "view:inbox"
    assert new.center.currentWidget() is new.welcome  # "Import your first papers"
    assert new.welcome.isVisible()
    assert new.stats_page is None or not new.stats_page.isVisible()
    new.close()

    again = open_window(seeded_root, file_settings(settings_path))
    assert again.sidebar.current_key == "stats"  # each library keeps its own last view
