"""The child-process indexer: the one way big index work leaves the caller's process.

Whoosh is pure Python: a big sync or a rebuild in the app's process would
compete with the window for the GIL and take up to 256 MB. So it runs here, as
``python -m readq.indexing LIBRARY_DIR MODE``, with no Qt:

- ``sync``: write what is queued, then exit;
- ``check``: sync, then check store and index and repair (``Library.sync_and_check``);
- ``follow``: keep syncing whatever gets queued and committed until stdin is
  closed, then finish what is left (an import stores the rest of its dump, or
  the next dump, meanwhile: storing and indexing run on both cores). It takes
  papers in batches of at least ``FOLLOW_BATCH`` while the import runs, so
  the index is not cut into hundreds of tiny segments;
- ``merge``: merge the index's small segments (syncs leave them unmerged so
  new papers are searchable at once; ``Library.merge_index``), then write what
  was queued meanwhile (a command does not wait for a busy index: it leaves its
  change queued for whoever holds it).

It prints one JSON object per line on stdout — ``{"progress": [done, total]}``,
``{"stage": "rebuild"}``, then ``{"result": n}`` — and stops cleanly on SIGINT
(exit 130); the store's index queue keeps whatever was not written, so a
cancelled or killed run simply resumes next time.

    with ConcurrentIndexer(root):      # the command line's multi-file import
        library.import_paths(paths)
    library.sync_index()               # whatever the child had not reached
    if library.index_needs_merge():    # small segments piled up: tidy them after
        merge_in_background(root)
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
from pathlib import Path
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from readq.library import Library

IDLE_WAIT_S = 0.2
FIRST_WAIT_S = 0.02  # how often the follower looks for the import's first chunk
FOLLOW_BATCH = 500  # papers a following sync waits for while the import still runs
PIPELINE_BYTES = 256 * 1024  # a dump this big (~100 papers) is indexed while it is stored
# The child waits this long for another writer's chunk or index lock.
CHILD_BUSY_TIMEOUT_MS = 10 * 60 * 1000
MODES = ("sync", "check", "follow", "merge")
ROLES = {"sync": "readq's indexer, indexing queued papers",
         "check": "readq's indexer, checking and repairing the index",
         "follow": "readq's indexer, indexing the papers of an import",
         "merge": "readq's indexer, merging index segments"}


def child_env() -> dict[str, str]:
    """The environment of a readq child process (the indexer, the recommender): this
    one, with the folder holding the ``readq`` package first on ``PYTHONPATH``."""
    package_parent = str(Path(__file__).resolve().parents[1])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH")) if p)
    return env


def child_command(root: Path, mode: str) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that start the child indexer."""
    return [sys.executable, "-m", "readq.indexing", str(root), mode], child_env()


def _say(**message: object) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _stdin_closed(selector: selectors.BaseSelector, timeout: float) -> bool:
    if selector.select(timeout=timeout):
        return not sys.stdin.buffer.read1(4096)  # type: ignore[attr-defined]
    return False


def main(argv: list[str]) -> int:
    """Run one mode on a library folder (see the module docstring)."""
    if len(argv) != 2 or argv[1] not in MODES:
        sys.stderr.write("usage: python -m readq.indexing LIBRARY_DIR sync|check|follow|merge\n")
        return 2
    root, mode = Path(argv[0]), argv[1]
    from readq.library import Library
    from readq.search import writer_note

    writer_note.ROLE = ROLES[mode]  # named to a writer kept waiting for the index

    def progress(done: int, total: int) -> None:
        _say(progress=[done, total])

    try:
        with Library(root, busy_timeout_ms=CHILD_BUSY_TIMEOUT_MS,
                     write_budget_s=CHILD_BUSY_TIMEOUT_MS / 1000,
                     index_lock_timeout=CHILD_BUSY_TIMEOUT_MS / 1000) as library:
            written = 0
            if mode == "follow":
                written = _follow(library)
            elif mode == "merge":
                written = library.merge_index(force=True)
                # changes commands left queued while the merge held the index
                library.sync_index()
            elif mode == "check":
                report = library.sync_and_check(progress=progress)
                if not report.in_step:
                    _say(stage="rebuild")
                library.merge_index()  # segments piled up since the last time
            else:
                written = library.sync_index(progress=progress)
            _say(result=written)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # reported by the parent as one line
        sys.stderr.write((str(exc).splitlines() or [type(exc).__name__])[0] + "\n")
        return 1
    return 0


def _follow(library: Library) -> int:
    """Sync batches of what the import commits until stdin closes, then the rest.
    The first batch starts with whatever is committed once this process is ready
    (it started while the import began: waiting for a full batch left the second
    core idle for the first ``FOLLOW_BATCH`` papers)."""
    written = 0
    finished = False
    batch = 1
    library.index  # noqa: B018 (opened, Whoosh loaded, while the first chunk is stored)
    with selectors.DefaultSelector() as selector:
        selector.register(sys.stdin, selectors.EVENT_READ)
        while True:
            if not finished and library.pending_index_count() < batch:
                finished = _stdin_closed(selector, FIRST_WAIT_S if batch == 1 else IDLE_WAIT_S)
                if not finished:
                    continue
            batch = FOLLOW_BATCH
            done = library.sync_index()
            written += done
            if finished and (not done or not library.pending_index_count()):
                return written


_DETACH = ("import subprocess, sys; subprocess.Popen(sys.argv[1:], start_new_session=True, "
           "stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)")


def merge_in_background(root: Path) -> None:
    """Start the child indexer's ``merge`` on its own, detached (through a launcher
    that exits at once, so no process of ours is left to wait for it): the command
    that started it returns now and the merge goes on after it. The index stays
    searchable meanwhile; another writer waits for the index lock or queues its work."""
    command, env = child_command(Path(root), "merge")
    subprocess.run([sys.executable, "-c", _DETACH, *command], env=env, check=False,
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def index_alongside(paths: Sequence[Path]) -> bool:
    """Whether importing ``paths`` should run the child indexer alongside (several
    dumps, or one of at least ``PIPELINE_BYTES``, on a machine with a second core)."""
    if (os.cpu_count() or 1) < 2:
        return False
    if len(paths) > 1:
        return True
    total = 0
    for path in paths:
        try:
            total += Path(path).stat().st_size
        except OSError:
            pass  # the import reports it
    return total >= PIPELINE_BYTES


class ConcurrentIndexer:
    """Run the child indexer in ``follow`` mode for the duration of a ``with`` block."""

    def __init__(self, root: Path) -> None:
        self._root = Path(root)
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> ConcurrentIndexer:
        command, env = child_command(self._root, "follow")
        self._process = subprocess.Popen(command, stdin=subprocess.PIPE,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                         env=env)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        process = self._process
        if process is None:
            return
        if exc_type is not None:
            process.kill()  # the queue keeps what was not indexed
        else:
            assert process.stdin is not None
            process.stdin.close()  # "no more dumps": finish what is queued and stop
        process.wait()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
