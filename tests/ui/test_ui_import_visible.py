"""An import from the app shows its papers once, without waiting for its backup: the
list reloads once for it (not again for its own commits), the backup before it is
written beside it and noted in the import, and a command-line import shows up."""

from __future__ import annotations

import threading
from pathlib import Path

from benchmarks.generate import Generator, render
from readq.cli import main
from readq.library import Library
from readq.store import backup as backup_module
from readq.store.backup import backup_reason
from readq.ui.app import watch_external_changes
from readq.ui.external_changes import POLL_MS
from tests.ui.uihelpers import WAIT_MS, settle


def _dump(folder: Path, seed: int, n: int = 20) -> tuple[Path, list[str]]:
    papers = list(Generator(seed).papers(n))
    path = folder / f"visible-{seed}.txt"
    path.write_text(render(papers, "profile"), encoding="utf-8")
    return path, [p.title for p in papers]


def _titles(window) -> set[str]:
    return {window.model.paper(r)["title"] for r in range(window.model.rowCount())}


def test_an_app_import_lists_its_papers_once_before_its_backup_is_written(
        qtbot, window, tmp_path, monkeypatch) -> None:
    copying = threading.Event()
    release = threading.Event()
    real = backup_module.make_backup

    def slow_copy(*args, **kwargs):  # a big library: the copy takes a while
        copying.set()
        release.wait(WAIT_MS / 1000)
        return real(*args, **kwargs)

    monkeypatch.setattr(backup_module, "make_backup", slow_copy)
    watcher = watch_external_changes(window)
    outside: list[int] = []
    watcher.changed.connect(lambda: outside.append(1))
    window.show_view("new")
    settle(qtbot, window)
    loads: list[str] = []
    window.view_loaded.connect(lambda: loads.append(window.view))
    dump, titles = _dump(tmp_path, 7001)

    with qtbot.waitSignal(window.imports.stored, timeout=WAIT_MS):
        assert window.imports.import_paths([dump])
    # listed while the backup is still being copied
    assert copying.is_set() and not release.is_set()
    assert set(titles) <= _titles(window)
    release.set()
    with qtbot.waitSignal(window.imports.finished, timeout=WAIT_MS):
        pass
    settle(qtbot, window)
    qtbot.wait(POLL_MS * 4)  # the watcher polls a few times after the import's own commits
    assert loads == ["new"]  # one reload for the whole import
    assert outside == []  # its commits were not taken for another program's
    assert _titles(window) == set(titles)  # "New since last import" is this import

    with Library(window.root, read_only=True) as library:
        backups = library.backups()
        action = library.import_actions()[0]
    assert [backup_reason(p) for p in backups] == ["before-import"]
    assert action["backup"] == str(backups[0])
    with Library(window.root, read_only=True) as library:  # searchable once finished
        assert library.search(f'"{titles[0]}"', limit=5)


def test_a_command_line_import_shows_up_in_the_open_window(qtbot, window, tmp_path,
                                                           capsys) -> None:
    watch_external_changes(window)
    window.show_view("new")
    settle(qtbot, window)
    imports = [k for k in window.counts() if k.startswith("import:")]
    dump, titles = _dump(tmp_path, 7002, n=12)
    assert main(["import", str(dump), "--library", str(window.root)]) == 0
    capsys.readouterr()
    qtbot.waitUntil(lambda: set(titles) <= _titles(window), timeout=WAIT_MS)
    # the sidebar lists the new import too, with its count
    qtbot.waitUntil(lambda: len([k for k in window.counts() if k.startswith("import:")])
                    == len(imports) + 1, timeout=WAIT_MS)
    new = next(k for k in window.counts() if k.startswith("import:") and k not in imports)
    qtbot.waitUntil(lambda: window.counts()[new] == len(titles), timeout=WAIT_MS)
