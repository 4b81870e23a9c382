"""The single-instance socket is private: in the user's runtime folder, named with a
random part, owner-checked, cleaned when stale, and never blocking the window."""

from __future__ import annotations

import os
import shutil
import socket
import stat
import tempfile
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtNetwork import QLocalSocket

import readq.ui.single_instance as single_instance
from readq.ui.single_instance import SingleInstance


@pytest.fixture
def runtime(monkeypatch):
    """A private XDG_RUNTIME_DIR with a short path (socket paths are limited in length)."""
    folder = Path(tempfile.mkdtemp(prefix="rq", dir="/tmp"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_socket_lives_in_a_private_runtime_folder_with_an_unguessable_name(qtbot, runtime,
                                                                          tmp_path):
    first = SingleInstance(tmp_path / "lib")
    assert first.claim()
    endpoint = first.endpoint
    assert endpoint is not None and endpoint.parent == runtime / "readq"
    assert stat.S_IMODE(os.lstat(endpoint.parent).st_mode) == 0o700
    assert stat.S_ISSOCK(os.lstat(endpoint).st_mode)
    assert (tmp_path / "lib" / ".readq-app.socket").read_text().strip() == str(endpoint)
    first.release()
    assert not endpoint.exists()
    again = SingleInstance(tmp_path / "lib")
    assert again.claim()
    assert again.endpoint != endpoint  # a random part: the next name cannot be guessed
    again.release()


def test_idle_connection_does_not_block_the_window(qtbot, runtime, tmp_path):
    first = SingleInstance(tmp_path / "lib")
    assert first.claim()
    idle = QLocalSocket()
    idle.connectToServer(str(first.endpoint))
    assert idle.waitForConnected(1000)  # connects and then says nothing
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(20)
    qtbot.wait(600)
    timer.stop()
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    assert len(ticks) > 10 and max(gaps) < 0.3  # the event loop kept turning
    with qtbot.waitSignal(first.activated, timeout=3000):
        assert SingleInstance(tmp_path / "lib").hand_over()
    qtbot.waitUntil(lambda: idle.state() == QLocalSocket.LocalSocketState.UnconnectedState,
                    timeout=single_instance.IDLE_DROP_MS + 2000)  # dropped, not kept
    first.release()


def test_a_socket_of_another_user_is_never_talked_to(qtbot, runtime, tmp_path, monkeypatch):
    first = SingleInstance(tmp_path / "lib")
    assert first.claim()
    second = SingleInstance(tmp_path / "lib")
    me = os.getuid()
    monkeypatch.setattr(single_instance.os, "getuid", lambda: me + 1)  # as seen by someone else
    assert not second.hand_over(timeout_ms=300)
    monkeypatch.undo()
    first.release()


def test_squatted_runtime_folder_is_not_used(monkeypatch, tmp_path):
    """A runtime folder anyone can enter (or owned by someone else) is passed over."""
    shared = Path(tempfile.mkdtemp(prefix="rq", dir="/tmp"))
    try:
        os.chmod(shared, 0o777)
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(shared))
        monkeypatch.setattr(single_instance.tempfile, "gettempdir", lambda: str(shared))
        monkeypatch.setattr(single_instance.platformdirs, "user_runtime_dir",
                            lambda *a, **k: str(shared / "pd"))
        (shared / f"readq-{os.getuid()}").mkdir(mode=0o777)
        os.chmod(shared / f"readq-{os.getuid()}", 0o777)  # planted, open to all
        folder = single_instance.runtime_dir()
        assert single_instance.is_private_dir(folder)
        assert folder != shared / f"readq-{os.getuid()}"
    finally:
        shutil.rmtree(shared, ignore_errors=True)


def test_stale_socket_of_a_crashed_window_is_cleaned(qtbot, runtime, tmp_path):
    root = tmp_path / "lib"
    first = SingleInstance(root)
    assert first.claim()
    stale = runtime / "readq" / "readq-stale"
    leftover = socket.socket(socket.AF_UNIX)
    leftover.bind(str(stale))  # what a killed window leaves behind
    leftover.close()
    first.release()
    (root / ".readq-app.socket").write_text(f"{stale}\n")
    second = SingleInstance(root)
    assert second.claim()
    assert not stale.exists()
    second.release()
