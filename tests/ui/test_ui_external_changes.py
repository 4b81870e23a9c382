"""Changes another program commits are shown once its commits pause, not once per
commit, and never wait longer than REFRESH_GAP_MS while they keep coming."""

from __future__ import annotations

from readq.ui.external_changes import ExternalChanges


class _Store:
    def __init__(self) -> None:
        self.version = 1

    def data_version(self) -> int:
        return self.version


def test_a_burst_of_commits_is_one_refresh(qtbot) -> None:
    store = _Store()
    watcher = ExternalChanges(store.data_version, lambda: False, interval_ms=10_000)
    seen: list[int] = []
    watcher.changed.connect(lambda: seen.append(store.version))
    for _chunk in range(5):  # an import's chunks, each noticed by a poll
        store.version += 1
        watcher.poll()
    assert seen == []  # still committing
    watcher.poll()  # a poll with nothing new: the import's chunks are in
    assert seen == [6]
    watcher.poll()
    assert seen == [6]  # nothing new, nothing shown again
    watcher.stop()


def test_a_long_run_of_commits_is_shown_every_gap(qtbot) -> None:
    store = _Store()
    watcher = ExternalChanges(store.data_version, lambda: False, interval_ms=10_000,
                              refresh_gap_ms=0)
    seen: list[int] = []
    watcher.changed.connect(lambda: seen.append(store.version))
    store.version += 1
    watcher.poll()
    store.version += 1
    watcher.poll()
    assert seen == [2, 3]  # the gap has passed each time: shown while still committing
    watcher.stop()


def test_nothing_is_shown_while_the_window_is_busy_with_its_own_work(qtbot) -> None:
    store = _Store()
    busy = [True]
    watcher = ExternalChanges(store.data_version, lambda: busy[0], interval_ms=10_000)
    seen: list[int] = []
    watcher.changed.connect(lambda: seen.append(store.version))
    store.version += 1
    watcher.poll()
    watcher.poll()
    assert seen == []
    watcher.acknowledge()  # the window's own commits: taken as seen
    busy[0] = False
    watcher.poll()
    assert seen == []
    watcher.stop()
