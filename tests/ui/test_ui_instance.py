"""One window per library, and changes made from the command line show up in it."""

from __future__ import annotations

from readq.cli import main
from readq.ui.app import watch_external_changes
from readq.ui.single_instance import SingleInstance
from tests.ui.uihelpers import wait_counts


def test_second_start_hands_over_to_the_first(qtbot, tmp_path):
    first = SingleInstance(tmp_path / "lib")
    assert first.claim()
    second = SingleInstance(tmp_path / "lib")
    assert not second.claim()
    with qtbot.waitSignal(first.activated, timeout=5000):
        assert second.hand_over()
    first.release()
    third = SingleInstance(tmp_path / "lib")
    assert third.claim()  # released: the library can be opened again
    third.release()


def test_unreachable_holder_is_reported(tmp_path):
    first = SingleInstance(tmp_path / "lib")
    assert first.claim()
    first._server.close()  # the holder stops answering
    second = SingleInstance(tmp_path / "lib")
    assert not second.claim()
    assert not second.hand_over(timeout_ms=300)
    first.release()


def test_command_line_changes_show_up_in_the_window(qtbot, window, seeded_root, capsys):
    watch_external_changes(window)
    starred = window.counts()["view:starred"]
    assert main(["rate", "2401.10020", "5", "--library", str(seeded_root)]) == 0
    capsys.readouterr()
    wait_counts(qtbot, window, starred=starred + 1)
