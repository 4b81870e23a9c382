"""Input that must not reach the library whole: an endless or too-big standard input, and
dumps whose records are nearly all empty (no title, no abstract). Each is refused in one
line with nothing imported; a normal dump still imports, from a file or a pipe."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from readq.cli_import import STDIN_LIMIT
from readq.empty_records import LOOKAHEAD_RECORDS
from readq.library import Library
from tests.helpers import ARXIV, FIXTURES, PROFILE, TRENDING, run_cli

ENV = dict(os.environ, PYTHONPATH=os.getcwd())
MEMORY_LIMIT = 1 << 30  # the child's address space: a stream read whole cannot take the machine


def _seeded(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    with Library(root) as lib:
        lib.import_paths([FIXTURES / TRENDING])
    return root


def _counts(root: Path) -> tuple[int, int]:
    with Library(root) as lib:
        return lib.paper_count(), len(lib.import_actions())


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _high_water_kb(pid: int) -> int:
    """The process's peak resident memory so far (0 once it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def test_an_endless_standard_input_is_refused_in_one_line_in_little_memory(tmp_path):
    root = _seeded(tmp_path)
    before = _counts(root)
    # `yes arXiv:2401.00001 | readq import -`, cut a little past the limit so that a
    # readq that reads it all still ends
    feeder = subprocess.Popen(
        ["sh", "-c", f"yes arXiv:2401.00001 | head -c {STDIN_LIMIT + (8 << 20)}"],
        stdout=subprocess.PIPE)
    errors = tmp_path / "stderr.txt"
    with errors.open("wb") as err:
        readq = subprocess.Popen([sys.executable, "-m", "readq", "import", "-", "--library",
                                  str(root)], stdin=feeder.stdout, stdout=subprocess.DEVNULL,
                                 stderr=err, env=ENV, preexec_fn=_limit_memory)
    assert feeder.stdout is not None
    feeder.stdout.close()  # readq holds the only reading end now
    # the peak of readq's own memory: VmHWM of the process after exec (its rusage
    # maxrss would count the pages of the big test process it was forked from)
    peak_kb = 0
    try:
        while readq.poll() is None:
            peak_kb = max(peak_kb, _high_water_kb(readq.pid))
            time.sleep(0.02)
    finally:
        feeder.kill()
        feeder.wait()
    code = readq.returncode
    message = errors.read_text(encoding="utf-8")
    peak_mb = peak_kb / 1024
    print(f"\nendless standard input: exit {code}, peak {peak_mb:.0f} MB, {message!r}")
    assert code == 1
    assert message.count("\n") == 1 and "Traceback" not in message
    assert message.startswith("readq: standard input is larger than 256.0 MB")
    assert "nothing was imported" in message
    assert peak_mb < 200
    assert _counts(root) == before
    assert not [p for p in root.iterdir() if p.name.startswith(".spooled-")]


def test_a_dump_from_standard_input_still_imports(tmp_path):
    root = tmp_path / "lib"
    done = subprocess.run([sys.executable, "-m", "readq", "import", "-", "--library",
                           str(root)], input=(FIXTURES / PROFILE).read_bytes(),
                          capture_output=True, env=ENV, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().startswith("stdin: author profile, 50 records — 50 new")
    with Library(root) as lib:
        assert lib.paper_count() == 50
        assert {s["file"] for s in lib.papers(lib.view_ids())[0]["sightings"]} == {"stdin"}
        assert lib.search("sukhbaatar", limit=None)
    assert not [p for p in root.iterdir() if p.name.startswith(".spooled-")]


def _id_lines(count: int) -> str:
    """``arXiv:`` lines of distinct ids, none of them in the fixtures."""
    return "".join(f"arXiv:{2501 + n // 90000}.{n % 90000 + 10000:05d}\n" for n in range(count))


def test_100000_ids_without_abstracts_are_refused_with_the_count(tmp_path, capsys):
    root = _seeded(tmp_path)
    before = _counts(root)
    ids = tmp_path / "ids.txt"
    ids.write_text(_id_lines(100_000), encoding="utf-8")
    code, out, err = run_cli(capsys, "import", str(ids), "--library", str(root))
    assert code == 1 and out == "" and err.count("\n") == 1
    assert err == (f"readq: {ids}: 100,000 of 100,000 records have no title and no abstract "
                   "(an id at most); nothing was imported (--allow-empty imports it anyway)\n")
    assert _counts(root) == before


def test_a_mostly_empty_dump_imports_with_allow_empty_and_says_how_many(tmp_path, capsys):
    root = _seeded(tmp_path)
    papers, _ = _counts(root)
    ids = tmp_path / "ids.txt"
    ids.write_text(_id_lines(5), encoding="utf-8")
    code, out, err = run_cli(capsys, "import", str(ids), "--allow-empty", "--library",
                             str(root))
    assert code == 0, err
    assert "arXiv listing, 5 records — 5 new" in out
    assert "  5 of 5 records have no title and no abstract\n" in out
    assert _counts(root)[0] == papers + 5


def test_more_than_half_empty_is_refused_and_half_is_not(tmp_path):
    """The rule is general: more than half of the records have no title and no abstract."""
    good = (FIXTURES / ARXIV).read_text(encoding="utf-8")  # 10 records with abstracts
    with Library(tmp_path / "a") as lib:
        report = lib.import_text(good + "\n" + _id_lines(11), name="pasted")
        assert report.failed == ("pasted: 11 of 21 records have no title and no abstract "
                                 "(an id at most); nothing was imported")
        assert report.refused_empty and lib.paper_count() == 0
        report = lib.import_text(good + "\n" + _id_lines(10), name="pasted")
        assert not report.failed and lib.paper_count() == 20


def test_empties_after_the_first_records_are_counted_in_the_report(tmp_path):
    """A dump that starts well is stored as it streams; if it turns out mostly empty
    after all, the report says so with the count."""
    good = (FIXTURES / ARXIV).read_text(encoding="utf-8")
    copies = LOOKAHEAD_RECORDS // 10 + 1  # the first records all have text
    dump = tmp_path / "late.txt"
    dump.write_text("\n".join([good] * copies) + "\n" + _id_lines(20 * copies),
                    encoding="utf-8")
    with Library(tmp_path / "lib") as lib:
        (report,) = lib.import_paths([dump])
    assert not report.failed
    assert report.records == 30 * copies
    assert report.errors[0].line == 0
    assert report.errors[0].message == (f"{20 * copies:,} of {30 * copies:,} records have no "
                                        "title and no abstract")


@pytest.mark.parametrize("rule", ["pasted", "file"])
def test_a_normal_dump_is_not_refused(tmp_path, rule):
    with Library(tmp_path / "lib") as lib:
        if rule == "pasted":
            report = lib.import_text((FIXTURES / PROFILE).read_text(encoding="utf-8"))
        else:
            (report,) = lib.import_paths([FIXTURES / PROFILE])
        assert not report.failed and report.new == 50
        assert not [p for p in report.errors if p.line == 0]
