"""Shared pytest setup: Qt runs offscreen so the suite needs no display."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# readq's log goes to a folder of the test run, never the user's log folder
if "READQ_LOG_DIR" not in os.environ:
    import tempfile

    os.environ["READQ_LOG_DIR"] = tempfile.mkdtemp(prefix="readq-test-logs-")
