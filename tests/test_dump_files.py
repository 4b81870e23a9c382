"""Reading dump files: regular files only, encodings per file (UTF-8 preferred), and a
re-import of a corrected file repairs what a bad decode damaged."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading

import pytest

from readq.cli import main
from readq.library import Library
from readq.models import DumpError
from readq.parsing import DumpSource, decode_dump, parse_file
from tests.helpers import COMPACT, FIXTURES, PROFILE, dump_copy

REFUSE_FIFO = """
import sys
from pathlib import Path
from readq.library import Library
with Library(Path(sys.argv[2])) as lib:
    report = lib.import_file(Path(sys.argv[1]))
print(report.failed)
"""


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_is_refused_at_once_without_blocking(tmp_path):
    fifo = tmp_path / "dump.txt"
    os.mkfifo(fifo)
    # a real process: if readq opened the FIFO to read, it would wait for a writer forever
    result = subprocess.run([sys.executable, "-c", REFUSE_FIFO, str(fifo), str(tmp_path / "lib")],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (f"{fifo} is a named pipe (FIFO), not a regular file; "
                                     "readq imports dumps only from files")


def test_fifo_swapped_in_after_the_check_does_not_block(tmp_path, monkeypatch):
    """Even if the stat check were passed, the open itself never waits on a FIFO."""
    import readq.parsing.source as source

    fifo = tmp_path / "late.txt"
    os.mkfifo(fifo)
    monkeypatch.setattr(source, "refuse_unless_regular",
                        _second_call_only(source.refuse_unless_regular))
    outcome: list[BaseException | None] = []
    worker = threading.Thread(target=lambda: outcome.append(_open_error(fifo)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "opening a FIFO blocked"
    assert isinstance(outcome[0], DumpError) and "named pipe" in str(outcome[0])


def _second_call_only(check):
    calls = {"n": 0}

    def wrapped(path, mode):
        calls["n"] += 1
        if calls["n"] > 1:
            check(path, mode)
    return wrapped


def _open_error(path):
    try:
        DumpSource(path).close()
    except DumpError as exc:
        return exc
    return None


def test_device_and_socket_are_refused(tmp_path):
    with pytest.raises(DumpError, match="character device, not a regular file"):
        parse_file(__import__("pathlib").Path("/dev/null"))
    sock_path = tmp_path / "dump.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(sock_path))
        with pytest.raises(DumpError, match="is a socket, not a regular file"):
            parse_file(sock_path)
    finally:
        server.close()


def test_cli_refuses_a_fifo_with_one_line(tmp_path, capsys):
    fifo = tmp_path / "dump.txt"
    os.mkfifo(fifo)
    code = main(["import", str(fifo), "--library", str(tmp_path / "lib")])
    out, err = capsys.readouterr()
    assert code == 1
    assert err.strip().count("\n") == 0 and "named pipe" in err


def _seed_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_stray_byte_in_a_utf8_file_is_replaced_and_reported_by_line(tmp_path):
    data = _seed_bytes(COMPACT)
    lines = data.split(b"\n")
    lines[1] = lines[1].replace(b"Toolformer", b"Tool\xe9former", 1)  # one Latin-1 byte
    path = tmp_path / "stray.txt"
    path.write_bytes(b"\n".join(lines))
    result = parse_file(path)
    assert len(result.records) == 43
    assert result.records[0].title.startswith("Tool\ufffdformer")
    assert [(p.line, "not valid UTF-8") for p in result.problems] == [(2, "not valid UTF-8")]
    # the rest of the file is still UTF-8: its accents are intact
    assert any("Küttler" in a for r in result.records for a in r.authors)
    assert result.records[0].authors[2] == "Roberto Dessì"


def test_genuine_windows_1252_file_decodes_as_such(tmp_path):
    text = (FIXTURES / PROFILE).read_text(encoding="utf-8")
    path = tmp_path / "latin.txt"
    path.write_bytes(text.encode("cp1252", errors="replace"))
    result = parse_file(path)
    assert len(result.records) == 50 and result.problems == []
    assert decode_dump("Dessì, Küttler".encode("cp1252")) == "Dessì, Küttler"


def test_reimport_of_the_corrected_file_repairs_damaged_fields(tmp_path):
    good = _seed_bytes(COMPACT)
    damaged = good.replace("Dessì".encode(), b"Dess\xec", 1).replace(
        "Küttler".encode(), b"K\xfcttler", 1)
    assert damaged != good
    path = tmp_path / "003.txt"
    path.write_bytes(damaged)
    with Library(tmp_path / "lib") as lib:
        first = lib.import_file(path)
        assert first.new == 43 and len(first.errors) == 2
        bad = [r for r in lib.export_rows(lib.view_ids("all", sort="id"))
               if any("\ufffd" in a for a in r["authors"]) or "\ufffd" in (r["title"] or "")]
        assert len(bad) == 2
        lib.set_rating([bad[0]["id"]], 4)  # the user's state must survive the repair
        path.write_bytes(good)
        second = lib.import_file(path)
        assert (second.new, second.possible_duplicates, second.errors) == (0, 0, [])
        assert second.merged == 2
        rows = lib.export_rows(lib.view_ids("all", sort="id"))
        assert len(rows) == 43
        assert not any("\ufffd" in json.dumps(r, ensure_ascii=False) for r in rows)
        assert lib.paper(bad[0]["id"])["rating"] == 4


def test_reimport_repairs_mojibake_from_an_old_whole_file_misdecode(tmp_path):
    good = (FIXTURES / COMPACT).read_text(encoding="utf-8")
    mojibake = good.encode("utf-8").decode("cp1252", errors="replace")
    with Library(tmp_path / "lib") as lib:
        assert lib.import_text(mojibake, name="003.txt").new == 43
        fixed = lib.import_file(dump_copy(COMPACT, tmp_path))
        assert fixed.new == 0 and fixed.possible_duplicates == 0
        names = [a for r in lib.export_rows(lib.view_ids("all", sort="id")) for a in r["authors"]]
        assert "Heinrich Küttler" in names and not any("Ã" in n for n in names)


def test_import_report_names_unsure_boundaries(tmp_path, capsys):
    abstract = ("We study a problem that matters to many people in the field and show "
                "with careful experiments that a simple method works better than expected.")
    path = tmp_path / "listing.txt"
    path.write_text(f"{abstract}\narXiv:2401.00001 - ApJS (2016), 225(2), p.312D scenes "
                    f"are hard to reconstruct and we show how.\narXiv:2401.00002\n",
                    encoding="utf-8")
    lib = str(tmp_path / "lib")
    assert main(["import", str(path), "--library", lib]) == 0
    out = capsys.readouterr().out
    assert "unsure boundaries: 1 journal reference / next abstract" in out
    assert "line 2: arXiv:2401.00001: unsure where the journal reference ends" in out
    path2 = tmp_path / "again.txt"
    path2.write_text(path.read_text(encoding="utf-8").replace("2401.", "2402."),
                     encoding="utf-8")
    assert main(["import", str(path2), "--library", lib, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)["files"][0]
    assert report["unsure"] == {"journal_ref": 1} and report["records"] == 2
