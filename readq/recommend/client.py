"""Talking to the recommender process (:mod:`readq.recommend.service`) from the app.

One :class:`RecommenderProcess` per window: the process starts on the first request
and stays, keeping the library's features warm between requests; it is stopped when
the window closes and started again if it died. Requests are made from one thread
at a time (the app's "For you" lane); the thread waits on the pipe, so it holds no
interpreter lock meanwhile. Nothing here imports the recommender itself (numpy,
SciPy, scikit-learn stay out of the app's process).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from readq.indexing import child_env


class RecommenderError(RuntimeError):
    """The recommender could not answer; ``str()`` is one line."""


class RecommenderProcess:
    """A long-lived ``python -m readq.recommend.service`` for one library."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._child: subprocess.Popen[str] | None = None
        self._errors: IO[bytes] | None = None
        self._next_id = 0

    @property
    def pid(self) -> int | None:
        """The process's id while it runs (tests, benchmarks)."""
        child = self._child
        return child.pid if child is not None and child.poll() is None else None

    def _start(self) -> subprocess.Popen[str]:
        child = self._child
        if child is not None and child.poll() is None:
            return child
        self.close()
        self._errors = tempfile.TemporaryFile()
        self._child = subprocess.Popen(
            [sys.executable, "-m", "readq.recommend.service", str(self.root)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._errors,
            text=True, encoding="utf-8", bufsize=1, env=child_env())
        return self._child

    def request(self, op: str, status: Callable[[str], None] | None = None,
                **payload: Any) -> dict[str, Any]:
        """Send one request and wait for its answer (``status`` hears "building")."""
        child = self._start()
        self._next_id += 1
        rid = self._next_id
        assert child.stdin is not None and child.stdout is not None
        try:
            child.stdin.write(json.dumps({"id": rid, "op": op, **payload}) + "\n")
            child.stdin.flush()
        except OSError:
            raise RecommenderError(self._died()) from None
        while True:
            line = child.stdout.readline()
            if not line:
                raise RecommenderError(self._died())
            message = json.loads(line)
            if message.get("id") != rid:
                continue  # an answer to a request given up on
            if "status" in message:
                if status is not None:
                    status(str(message["status"]))
                continue
            if "error" in message:
                raise RecommenderError(str(message["error"]))
            return dict(message["result"])

    def _died(self) -> str:
        """Why the process stopped answering (its last error line), and forget it."""
        text = ""
        if self._errors is not None:
            try:
                self._errors.seek(0)
                lines = self._errors.read().decode("utf-8", "replace").strip().splitlines()
                text = lines[-1] if lines else ""
            except OSError:
                pass
        self.close()
        return f"the recommender stopped{': ' + text if text else ''}"

    def stop(self) -> None:
        """Stop the process from any thread (a request waiting on it then fails);
        :meth:`close` afterwards, from the requesting thread, tidies up."""
        child = self._child
        if child is not None and child.poll() is None:
            child.kill()

    def close(self) -> None:
        """Stop the process (it ends when its input closes; killed if it does not)."""
        child, self._child = self._child, None
        if child is not None:
            try:
                if child.stdin is not None:
                    child.stdin.close()
                child.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                child.kill()
                child.wait()
            for stream in (child.stdout,):
                if stream is not None:
                    stream.close()
        if self._errors is not None:
            self._errors.close()
            self._errors = None
