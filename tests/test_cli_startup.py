"""A command-line write starts light: a rating, a status or a queue change loads
neither the search index (Whoosh), numpy nor sqlite-utils."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from readq.library import Library
from tests.helpers import PROFILE, dump_copy

ENV = dict(os.environ, PYTHONPATH=os.getcwd())
HEAVY = ("whoosh", "numpy", "sqlite_utils", "readq.search.index")
PROBE = ("import sys; from readq.cli import main; code = main(sys.argv[1:]); "
         f"print(sorted(m for m in {HEAVY!r} if m in sys.modules)); sys.exit(code)")


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", PROBE, *argv], env=ENV,
                          capture_output=True, text=True, timeout=120)


def test_writes_from_the_command_line_do_not_load_the_index(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    with Library(root) as lib:
        lib.import_paths([dump_copy(PROFILE, tmp_path / "d")])
        paper = lib.view_ids("all", sort="id")[0]
    for argv in (("rate", str(paper), "4"), ("mark", str(paper), "read"),
                 ("queue", "add", str(paper))):
        done = _run(*argv, "--library", str(root))
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines()[-1] == "[]", (argv, done.stdout)
    noted = _run("note", str(paper), "--text", "short", "--library", str(root))
    assert noted.returncode == 0  # a note is indexed at once: that one opens the index
    with Library(root) as lib:
        state = lib.paper(paper)
        assert (state["rating"], state["status"], state["note"]) == (4, "read", "short")
    searched = _run("search", "model", "--library", str(root))  # reading loads it
    assert searched.returncode == 0 and "whoosh" in searched.stdout.splitlines()[-1]
