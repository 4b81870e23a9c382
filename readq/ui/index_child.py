"""Big index jobs in a child process (run as a script; no Qt, no GUI).

The app runs large index syncs and rebuilds here rather than in one of its
threads: Whoosh is pure Python and its bulk writer holds up to 256 MB, so in
the app process it would compete with the window for the GIL and the memory
budget. The parent (``readq.ui.tasks.run_index_child``) reads one JSON object
per line on stdout — ``{"progress": [done, total]}``, then ``{"result": n}`` —
and interrupts the child (SIGINT) to cancel; the store's index queue keeps
whatever was not written, so a cancelled run simply resumes next time.

    python readq/ui/index_child.py LIBRARY_DIR sync|check
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _say(**message: object) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    """Run ``sync`` (write what is pending) or ``check`` (sync, verify, rebuild if needed)."""
    root, mode = Path(argv[0]), argv[1]
    from readq.library import Library

    def progress(done: int, total: int) -> None:
        _say(progress=[done, total])

    try:
        with Library(root) as library:
            written = 0
            if library.store.pending_count():
                written = library.sync_index(progress=progress)
            if mode == "check":
                report = library.check()
                if not report.in_step:
                    _say(stage="rebuild")
                    written = library.rebuild_index(progress=progress)
            _say(result=written)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # reported by the parent as one line
        sys.stderr.write((str(exc).splitlines() or [type(exc).__name__])[0] + "\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
