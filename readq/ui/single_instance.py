"""One app window per library: a lock file in the library folder, and a local
socket through which a second start hands its request to the running window.

The first ``readq`` on a library holds ``.readq-app.lock`` and listens on a
local server named after the library's path. A second start finds the lock
held, connects and sends ``activate``; the running window comes to the front
and the second process exits. If the holder cannot be reached, the second start
says the library is open elsewhere. (The command line needs no lock: SQLite's
busy timeout and the index's single-writer lock keep its writes safe, and the
window notices them — see ``external_changes``.)
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

ACTIVATE = b"activate\n"


def server_name(library_root: Path) -> str:
    """The local socket name for a library (stable for the same folder)."""
    digest = hashlib.sha1(str(Path(library_root).resolve()).encode()).hexdigest()[:16]
    return f"readq-{digest}"


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

    def claim(self) -> bool:
        """True if this process now owns the library's window."""
        if not self._lock.tryLock(200):
            return False
        name = server_name(self.root)
        QLocalServer.removeServer(name)  # a leftover socket of a crashed holder
        self._server = QLocalServer(self)
        self._server.newConnection.connect(self._on_connection)
        self._server.listen(name)
        return True

    def hand_over(self, timeout_ms: int = 2000) -> bool:
        """Ask the running window to come to the front; False if it cannot be reached."""
        socket = QLocalSocket()
        socket.connectToServer(server_name(self.root))
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
        if self._lock.isLocked():
            self._lock.unlock()

    def _on_connection(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            if socket.bytesAvailable() or socket.waitForReadyRead(1000):
                if bytes(socket.readAll().data()).startswith(ACTIVATE.strip()):
                    self.activated.emit()
            socket.disconnectFromServer()
            socket.deleteLater()
