"""Helpers shared by tests: fixture paths with a fixed capture date."""

from __future__ import annotations

from typing import Any

import os
import shutil
from datetime import datetime
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
PROFILE = "000_205de6c725f08f55.txt"
ARXIV = "001_d5aa900eb10551bc.txt"
TRENDING = "002_9fe84988b9eff0b0.txt"
COMPACT = "003_731ee8b8262fa3c8.txt"
ALL_DUMPS = (PROFILE, ARXIV, TRENDING, COMPACT)
CAPTURED = datetime(2026, 11, 20, 12, 0)


def dump_copy(name: str, folder: Path, captured: datetime = CAPTURED) -> Path:
    """Copy a fixture dump into ``folder`` with its mtime set to ``captured``."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    shutil.copyfile(FIXTURES / name, target)
    stamp = captured.timestamp()
    os.utime(target, (stamp, stamp))
    return target


def all_dumps(folder: Path, names: tuple[str, ...] = ALL_DUMPS) -> list[Path]:
    """Copies of the four fixture dumps."""
    return [dump_copy(name, folder) for name in names]


def run_cli(capsys: Any, *argv: str) -> tuple[Any, str, str]:
    """Run ``readq`` in this process: (exit status, stdout, stderr)."""
    from readq.cli import main

    try:
        code = main(list(argv))
    except SystemExit as exit:
        code = exit.code
    out, err = capsys.readouterr()
    return code, out, err
