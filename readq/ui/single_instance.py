"""One app window per library: a lock file in the library folder, and a private local
socket through which a second start hands its request to the running window.

The first ``readq`` on a library holds ``.readq-app.lock`` and listens on a socket
in the user's runtime folder (``$XDG_RUNTIME_DIR``, else platformdirs' runtime
folder, else a private folder of its own under the temporary folder): a folder only
the user can enter, and a name with a random part, so no other account can take the
name first or guess it. The socket's path is written to ``.readq-app.socket`` in the
(private) library folder. A second start finds the lock held, reads that path,
checks that the socket and its folder belong to the user, connects and sends
``activate``; the running window comes to the front and the second process exits.
A socket left by a crashed holder is removed at the next claim.

The running window never waits on a connection: requests are read when their bytes
arrive (``readyRead``), and a connection that stays silent is dropped after
``IDLE_DROP_MS``. (The command line needs no lock: SQLite's busy timeout and the
index's single-writer lock keep its writes safe, and the window notices them — see
``external_changes``.)
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import stat
import tempfile
import warnings
from pathlib import Path

import platformdirs
from PySide6.QtCore import QLockFile, QObject, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from readq.safe_io import PRIVATE_DIR, write_atomic

log = logging.getLogger(__name__)

ACTIVATE = b"activate\n"
RECORD_NAME = ".readq-app.socket"
IDLE_DROP_MS = 2000


def is_private_dir(path: Path) -> bool:
    """A real folder (not a link) owned by this user that no one else can enter."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
            and not stat.S_IMODE(info.st_mode) & 0o077)


def runtime_dir() -> Path:
    """A private folder for readq's sockets (created if needed)."""
    candidates = []
    if os.environ.get("XDG_RUNTIME_DIR"):
        candidates.append(Path(os.environ["XDG_RUNTIME_DIR"]) / "readq")
    try:
        with warnings.catch_warnings():  # it warns when it falls back to /tmp itself
            warnings.simplefilter("ignore")
            candidates.append(Path(platformdirs.user_runtime_dir("readq", appauthor=False)))
    except Exception:  # platformdirs could not name one here
        pass
    candidates.append(Path(tempfile.gettempdir()) / f"readq-{os.getuid()}")
    for folder in candidates:
        if _usable(folder):
            return folder
    # every usual place is taken or unsafe: a fresh private folder with a random name
    return Path(tempfile.mkdtemp(prefix=f"readq-{os.getuid()}-"))


def _usable(folder: Path) -> bool:
    if not is_private_dir(folder.parent) and not _sticky_shared(folder.parent):
        return False
    try:
        folder.mkdir(mode=PRIVATE_DIR, exist_ok=True)
    except OSError:
        return False
    return is_private_dir(folder)


def _sticky_shared(folder: Path) -> bool:
    """A shared folder like /tmp: anyone may create, no one may replace another's entry."""
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and bool(info.st_mode & stat.S_ISVTX)


def is_own_socket(path: Path) -> bool:
    """``path`` is a socket owned by this user, in a folder only this user can enter."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return (stat.S_ISSOCK(info.st_mode) and info.st_uid == os.getuid()
            and is_private_dir(path.parent))


class SingleInstance(QObject):
    """Claim a library for this window, or hand the request to the window that has it."""

    activated = Signal()  # another start asked this window to come to the front

    def __init__(self, library_root: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.root = Path(library_root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = QLockFile(str(self.root / ".readq-app.lock"))
        self._lock.setStaleLockTime(0)  # a crashed holder's lock is detected by its pid
        self._server: QLocalServer | None = None
        self.endpoint: Path | None = None

    @property
    def record(self) -> Path:
        """The file in the library folder that names the running window's socket."""
        return self.root / RECORD_NAME

    def claim(self) -> bool:
        """True if this process now owns the library's window."""
        if not self._lock.tryLock(200):
            return False
        self._remove_stale()
        digest = hashlib.sha256(str(self.root.resolve()).encode()).hexdigest()[:12]
        endpoint = runtime_dir() / f"readq-{digest}-{secrets.token_hex(8)}"
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        server.newConnection.connect(self._on_connection)
        if not server.listen(str(endpoint)):
            log.warning("no single-instance socket at %s: %s", endpoint, server.errorString())
            return True  # the window still opens; a second start will say it is open
        self._server, self.endpoint = server, endpoint
        try:
            write_atomic(self.record, f"{endpoint}\n")
            os.chmod(self.record, 0o600)
        except OSError as exc:
            log.warning("cannot record the single-instance socket: %s", exc)
        return True

    def hand_over(self, timeout_ms: int = 2000) -> bool:
        """Ask the running window to come to the front; False if it cannot be reached
        (or its socket is not this user's own)."""
        endpoint = self._recorded_endpoint()
        if endpoint is None or not is_own_socket(endpoint):
            return False
        socket = QLocalSocket()
        socket.connectToServer(str(endpoint))
        if not socket.waitForConnected(timeout_ms):
            return False
        socket.write(ACTIVATE)
        ok = socket.waitForBytesWritten(timeout_ms)
        socket.disconnectFromServer()
        return ok

    def release(self) -> None:
        """Give the library up (on close)."""
        if self._server is not None:
            self._server.close()
            self._server = None
            if self._recorded_endpoint() == self.endpoint:
                self.record.unlink(missing_ok=True)
        if self.endpoint is not None:
            Path(self.endpoint).unlink(missing_ok=True)
            self.endpoint = None
        if self._lock.isLocked():
            self._lock.unlock()

    def _recorded_endpoint(self) -> Path | None:
        try:
            text = self.record.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return Path(text) if text.startswith("/") and "\n" not in text else None

    def _remove_stale(self) -> None:
        """A crashed holder's socket (ours alone, never another user's file)."""
        old = self._recorded_endpoint()
        if old is not None and is_own_socket(old):
            old.unlink(missing_ok=True)
        self.record.unlink(missing_ok=True)

    def _on_connection(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(self._on_ready)
            socket.disconnected.connect(socket.deleteLater)
            idle = QTimer(socket)  # a connection that stays silent is dropped
            idle.setSingleShot(True)
            idle.timeout.connect(self._drop_idle)
            idle.start(IDLE_DROP_MS)
            if socket.bytesAvailable():
                self._read_request(socket)

    def _on_ready(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket):
            self._read_request(socket)

    def _drop_idle(self) -> None:
        timer = self.sender()
        socket = timer.parent() if timer is not None else None
        if isinstance(socket, QLocalSocket):
            socket.abort()

    def _read_request(self, socket: QLocalSocket) -> None:
        if socket.canReadLine() or socket.bytesAvailable() >= len(ACTIVATE):
            data = bytes(socket.read(64).data())
            if data.startswith(ACTIVATE.strip()):
                self.activated.emit()
            socket.disconnectFromServer()
