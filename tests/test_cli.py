"""Every command of DESIGN.md §5, run as a user would (in-process and as a real process)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from readq.models import EXPORT_KEYS
from tests.helpers import ARXIV, TRENDING, all_dumps, dump_copy, run_cli


@pytest.fixture
def lib(tmp_path):
    return str(tmp_path / "lib")


run = run_cli  # the shared in-process runner (tests/helpers.py)


@pytest.fixture
def seeded(lib, tmp_path, capsys):
    paths = [str(p) for p in all_dumps(tmp_path / "dumps")]
    code, out, err = run(capsys, "import", *paths, "--library", lib)
    assert code == 0, err
    return lib


def test_import_prints_a_summary_per_file(lib, tmp_path, capsys):
    paths = [str(p) for p in all_dumps(tmp_path / "dumps")]
    code, out, err = run(capsys, "import", *paths, "--library", lib)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert "author profile, 50 records — 50 new, 0 merged" in lines[0]
    assert "arXiv listing, 10 records — 0 new, 10 merged" in lines[1]
    assert "trending list, 70 records — 70 new" in lines[2]
    assert "compact author profile, 43 records — 41 new, 2 merged" in lines[3]
    code, out, err = run(capsys, "import", *paths, "--library", lib)
    assert out.count("already imported: nothing changed") == 4


def test_import_json_contract(lib, tmp_path, capsys):
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    good = dump_copy(ARXIV, tmp_path)
    code, out, err = run(capsys, "import", str(good), str(bad), "--library", lib, "--json")
    assert code == 1 and err == ""
    data = json.loads(out)
    first, second = data["files"]
    assert set(first) == {"path", "format", "records", "new", "merged", "unchanged",
                          "possible_duplicates", "errors", "unsure"}
    assert first["unsure"] == {}  # boundary kind → records placed on weak evidence
    assert (first["format"], first["records"], first["new"]) == ("arxiv", 10, 10)
    assert second["errors"][0]["message"].endswith("is empty")


def test_import_reports_problems_with_line_numbers(lib, tmp_path, capsys):
    path = tmp_path / "cut.txt"
    path.write_text(dump_copy(TRENDING, tmp_path).read_text() + "\nA Title With No Abstract\n")
    code, out, err = run(capsys, "import", str(path), "--library", lib)
    assert code == 0
    assert "line 290: the last record “A Title With No Abstract” has no abstract" in out


@pytest.mark.parametrize("what", ["missing", "folder", "binary", "html", "prose", "empty"])
def test_import_hostile_input_one_line_no_change(lib, tmp_path, capsys, what):
    target = tmp_path / f"{what}.txt"
    if what == "folder":
        target.mkdir()
    elif what == "binary":
        target.write_bytes(bytes(range(256)) * 40)
    elif what == "html":
        target.write_text("<!doctype html><html><body>" + "<div><p>x</p></div>" * 20 + "</body></html>")
    elif what == "prose":
        target.write_text("Dear friend, this is a letter. " * 30)
    elif what == "empty":
        target.write_text("\n\n")
    code, out, err = run(capsys, "import", str(target), "--library", lib)
    assert code == 1 and out == ""
    assert err.startswith("readq: ") and err.count("\n") == 1
    code, out, _ = run(capsys, "stats", "--library", lib, "--json")
    assert json.loads(out)["papers"] == 0


def test_search_show_list(seeded, capsys):
    code, out, err = run(capsys, "search", "author:raileanu exploration", "--library", seeded)
    assert code == 0 and "Exploration" in out
    code, out, _ = run(capsys, "search", "self-notes", "--json", "--library", seeded)
    hits = json.loads(out)
    assert hits[0]["title"] == "Learning to Reason and Memorize with Self-Notes"
    assert tuple(hits[0]) == EXPORT_KEYS
    code, out, _ = run(capsys, "show", "2401.10020", "--library", seeded)
    assert code == 0 and "Self-Rewarding Language Models" in out and "Seen in:" in out
    code, out, _ = run(capsys, "show", "2401.10020", "--json", "--library", seeded)
    assert json.loads(out)["arxiv_id"] == "2401.10020"
    code, out, _ = run(capsys, "list", "--status", "unread", "--json", "--library", seeded)
    assert len(json.loads(out)) == 161


def test_malformed_query_is_one_line(seeded, capsys):
    code, out, err = run(capsys, "search", '"unclosed', "--library", seeded)
    assert code == 1 and out == "" and err.count("\n") == 1 and "quote" in err


def test_state_commands(seeded, capsys, tmp_path):
    assert run(capsys, "mark", "2401.10020", "read", "--library", seeded)[0] == 0
    assert run(capsys, "rate", "2401.10020", "5", "--library", seeded)[0] == 0
    note = tmp_path / "note.md"
    note.write_text("# Thoughts\nsuperhuman *feedback*", encoding="utf-8")
    assert run(capsys, "note", "2401.10020", "--file", str(note), "--library", seeded)[0] == 0
    code, out, _ = run(capsys, "show", "2401.10020", "--json", "--library", seeded)
    row = json.loads(out)
    assert (row["status"], row["rating"], row["note"]) == ("read", 5, note.read_text())
    code, out, _ = run(capsys, "search", "note:thoughts", "--json", "--library", seeded)
    assert [r["arxiv_id"] for r in json.loads(out)] == ["2401.10020"]
    code, out, _ = run(capsys, "list", "--min-rating", "5", "--json", "--library", seeded)
    assert [r["arxiv_id"] for r in json.loads(out)] == ["2401.10020"]
    code, out, err = run(capsys, "rate", "2401.10020", "7", "--library", seeded)
    assert code == 2 and err.count("\n") == 1 and "invalid choice: 7" in err
    code, out, err = run(capsys, "mark", "424242", "read", "--library", seeded)
    assert code == 1 and "no paper" in err


def test_queue_commands(seeded, capsys):
    for paper in ("2401.10020", "2312.16682", "2311.11829"):
        assert run(capsys, "queue", "add", paper, "--library", seeded)[0] == 0
    assert run(capsys, "queue", "move", "2311.11829", "1", "--library", seeded)[0] == 0
    assert run(capsys, "queue", "remove", "2312.16682", "--library", seeded)[0] == 0
    code, out, _ = run(capsys, "queue", "list", "--json", "--library", seeded)
    rows = json.loads(out)
    assert [(r["arxiv_id"], r["queue_position"]) for r in rows] == [
        ("2311.11829", 1), ("2401.10020", 2)]
    code, out, _ = run(capsys, "list", "--queued", "--json", "--library", seeded)
    assert len(json.loads(out)) == 2


def test_export_formats(seeded, capsys, tmp_path):
    code, out, _ = run(capsys, "export", "--library", seeded)
    rows = json.loads(out)
    assert len(rows) == 161 and all(tuple(r) == EXPORT_KEYS for r in rows)
    sample = next(r for r in rows if r["arxiv_id"] == "2305.00833")
    assert sample["published"] == "2023-05-01" and sample["status"] == "unread"
    assert {s["format"] for s in sample["sources"]} == {"profile", "arxiv"}
    code, out, _ = run(capsys, "export", "--format", "bibtex", "nethack", "--library", seeded)
    assert out.count("@") >= 3 and "NetHack" in out
    code, out, _ = run(capsys, "export", "--format", "csv", "--library", seeded)
    assert len(list(csv.DictReader(io.StringIO(out)))) == 161
    target = tmp_path / "list.md"
    code, out, err = run(capsys, "export", "--format", "markdown", "-o", str(target),
                         "author:raileanu", "--library", seeded)
    assert code == 0 and out == "" and target.read_text().startswith("## ")


def test_stats_and_check(seeded, capsys):
    code, out, _ = run(capsys, "stats", "--json", "--library", seeded)
    assert json.loads(out)["papers"] == 161
    code, out, _ = run(capsys, "check", "--library", seeded)
    assert code == 0 and "store and index agree" in out


def test_library_option_before_the_command(seeded, capsys):
    code, out, _ = run(capsys, "--library", seeded, "stats", "--json")
    assert code == 0 and json.loads(out)["papers"] == 161


def test_real_process_with_environment_library(seeded, tmp_path):
    env = dict(os.environ, READQ_LIBRARY=seeded)
    result = subprocess.run([sys.executable, "-m", "readq", "search", "nethack", "--json"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0 and result.stderr == ""
    assert any("NetHack" in r["title"] for r in json.loads(result.stdout))


def test_no_command_without_a_display_is_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "readq", "--library", str(tmp_path / "l")],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("readq: no display") and result.stderr.count("\n") == 1


def test_a_reader_that_stops_early_gets_no_error_message(tmp_path, capsys, monkeypatch) -> None:
    """`readq list | head`: the pipe closes; readq stops quietly (status 141, like other
    tools), never "readq: Broken pipe" or a traceback."""
    import io
    import sys

    from readq.cli import main
    from tests.helpers import all_dumps

    lib = str(tmp_path / "lib")
    assert main(["import", *map(str, all_dumps(tmp_path / "d")), "--library", lib]) == 0
    capsys.readouterr()

    class ClosedPipe(io.TextIOBase):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

        def fileno(self) -> int:
            raise io.UnsupportedOperation("no file")

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert main(["list", "--library", lib]) == 141
    assert capsys.readouterr().err == ""


def test_imports_from_the_command_line_have_their_index_segments_merged_after(
        lib, tmp_path, capsys):
    """Each import leaves an index segment; once small ones pile up (more than
    MAX_SMALL_SEGMENTS), `readq import` returns and a detached child merges them."""
    import time
    from pathlib import Path

    from benchmarks.generate import Generator, render
    from readq.library import Library
    from readq.search.index import MAX_SMALL_SEGMENTS

    papers = list(Generator(17).papers(3 * (MAX_SMALL_SEGMENTS + 1)))
    for n in range(MAX_SMALL_SEGMENTS + 1):
        dump = tmp_path / f"small-{n}.txt"
        dump.write_text(render(papers[3 * n:3 * n + 3], "profile"), encoding="utf-8")
        code, _out, err = run(capsys, "import", str(dump), "--library", lib)
        assert code == 0, err
    from whoosh.index import open_dir

    def segments() -> list[int]:  # read from the table of contents alone: while the
        # merge commits, opening segment readers races with it (Whoosh retries that,
        # leaving the files of the first try to the garbage collector)
        index = open_dir(str(Path(lib) / "index"), indexname="MAIN")
        return [int(segment.doc_count_all()) for segment in index._segments()]

    deadline = time.monotonic() + 60
    while len(sizes := segments()) > 1:
        assert time.monotonic() < deadline, f"the segments were not merged: {sizes}"
        time.sleep(0.2)
    assert sizes == [len(papers)]
    time.sleep(0.5)  # the merge removes the files of the segments it replaced
    with Library(Path(lib)) as library:
        assert library.index.segment_sizes() == [len(papers)]
        assert library.search(f'"{papers[0].title}"', limit=3)


def test_a_big_dump_is_indexed_alongside_and_searchable_when_the_command_returns(
        lib, tmp_path, capsys):
    """One dump over PIPELINE_BYTES is indexed by the child indexer following the
    stored chunks (its first batch as soon as it is ready); when `readq import`
    returns, every paper is in the index."""
    from pathlib import Path

    from benchmarks.generate import Generator, render
    from readq.indexing import PIPELINE_BYTES, index_alongside
    from readq.library import Library

    papers = list(Generator(23).papers(400))
    dump = tmp_path / "big.txt"
    dump.write_text(render(papers, "profile"), encoding="utf-8")
    assert dump.stat().st_size >= PIPELINE_BYTES and index_alongside([dump])
    code, _out, err = run(capsys, "import", str(dump), "--library", lib)
    assert code == 0, err
    with Library(Path(lib)) as library:
        assert library.pending_index_count() == 0
        report = library.check()
        assert report.in_step and report.indexed == library.paper_count() >= 390
        assert library.search(f'"{papers[-1].title}"', limit=3)


def test_queue_rate_and_note_messages_say_what_happened(seeded, capsys):
    def said(*argv: str) -> str:
        code, out, err = run(capsys, *argv, "--library", seeded)
        assert code == 0, err
        return out

    ids = [json.loads(said("show", ref, "--json"))["id"]
           for ref in ("2401.10020", "2312.16682", "2311.11829")]
    first, second, third = ids
    assert said("queue", "add", str(first)) == f"{first}: added to the queue at position 1 of 1\n"
    assert said("queue", "add", str(second)) == f"{second}: added to the queue at position 2 of 2\n"
    assert said("queue", "add", str(third)) == f"{third}: added to the queue at position 3 of 3\n"
    assert said("queue", "move", str(third), "1") == f"{third}: moved to position 1 of 3\n"
    assert said("queue", "remove", str(second)) == \
        f"{second}: taken off the queue (2 papers left in it)\n"
    code, out, err = run(capsys, "queue", "remove", str(second), "--library", seeded)
    assert code == 1 and out == "" and "is not in the queue" in err
    assert said("rate", str(first), "4") == f"{first}: rated 4\n"
    assert said("rate", str(first), "0") == f"{first}: rating removed (unrated)\n"
    assert said("note", str(first), "--text", "hm") == f"{first}: note saved (2 characters)\n"
    assert said("note", str(first), "--text", "") == f"{first}: note removed\n"


def test_import_samples_imports_the_dumps_shipped_in_the_package(lib, capsys):
    from readq.paths import samples_dir

    shipped = sorted(samples_dir().glob("*.txt"))
    assert len(shipped) == 4
    code, out, err = run(capsys, "import", "--samples", "--library", lib)
    assert code == 0, err
    lines = out.splitlines()
    assert [line.split(":")[0] for line in lines] == [str(p) for p in shipped]
    profile = next(line for line in lines if "author-profile-sukhbaatar" in line)
    assert "author profile, 50 records — " in profile  # new or merged: the order is by name
    code, out, _ = run(capsys, "stats", "--json", "--library", lib)
    assert json.loads(out)["papers"] == 161


def test_import_without_a_dump_says_what_to_give(lib, capsys):
    code, out, err = run(capsys, "import", "--library", lib)
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "- for standard input, or --samples" in err


def test_import_help_names_standard_input_samples_and_allow_empty(capsys):
    code, out, _ = run(capsys, "import", "--help")
    assert code == 0
    flat = " ".join(out.split())
    assert "- reads one dump from standard input (at most 256 MB)" in flat
    assert "--samples import the sample dumps shipped with readq" in flat
    assert "--allow-empty import a dump even if most of its records have no title" in flat
