"""Hostile input: encodings, binary, huge files, and arbitrary text never crash the parsers."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readq.library import Library
from readq.models import DumpError
from readq.parsing import decode_dump, parse_text
from tests.helpers import COMPACT, FIXTURES, PROFILE, TRENDING, dump_copy

TODAY = date(2026, 11, 20)
SEEDS = {name: (FIXTURES / name).read_text(encoding="utf-8") for name in (PROFILE, COMPACT, TRENDING)}


def _titles(library):
    return sorted(r["title"] for r in library.export_rows(library.view_ids("all", sort="id")))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig", "utf-32"])
def test_other_unicode_encodings_import_the_same_papers(tmp_path, encoding):
    text = SEEDS[COMPACT]
    path = tmp_path / "dump.txt"
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    with Library(tmp_path / "a") as a, Library(tmp_path / "b") as b:
        assert a.import_file(path).new == 43
        b.import_file(dump_copy(COMPACT, tmp_path / "plain"))
        assert _titles(a) == _titles(b)
        a.sync_index()
        assert "Heinrich Küttler" in a.paper(a.search("author:küttler")[0])["authors"]


def test_windows_1252_text_is_decoded():
    data = "Dessì, Küttler".encode("cp1252")
    assert decode_dump(data) == "Dessì, Küttler"


def test_binary_and_empty_are_refused():
    with pytest.raises(DumpError, match="binary"):
        decode_dump(bytes(range(256)) * 10)
    with pytest.raises(DumpError, match="empty"):
        decode_dump(b"   \n")


def test_permission_denied_is_one_line(tmp_path, monkeypatch):
    """Root reads anything, so the refusal the OS would give is simulated."""
    import readq.parsing.source

    path = dump_copy(PROFILE, tmp_path)

    def denied(file, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(file))

    monkeypatch.setattr(readq.parsing.source, "open", denied, raising=False)
    with Library(tmp_path / "lib") as lib:
        report = lib.import_file(path)
        assert report.failed == f"{path}: permission denied"
        assert lib.stats()["papers"] == 0


def test_large_dump_imports(tmp_path):
    """A 40 MB dump (≈27,000 papers) imports in one go (store only), every record whole."""
    from benchmarks.generate import Generator, render

    papers = list(Generator(11).papers(27_000))
    path = tmp_path / "huge.txt"
    path.write_text(render(papers, "compact"), encoding="utf-8")
    assert path.stat().st_size > 40 * 1000 * 1000
    with Library(tmp_path / "lib") as lib:
        report = lib.import_file(path)
        assert report.failed is None and report.errors == []
        assert (report.records, report.new) == (27_000, 27_000)
        assert lib.stats()["papers"] == 27_000


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000))
def test_arbitrary_text_never_raises_anything_but_dump_error(text):
    try:
        result = parse_text(text, captured=TODAY)
    except DumpError as exc:
        assert "\n" not in str(exc)
    else:
        assert all(r.abstract for r in result.records)


@st.composite
def mutated_dump(draw):
    text = SEEDS[draw(st.sampled_from(sorted(SEEDS)))]
    lines = text.split("\n")[: draw(st.integers(5, 60))]
    for _ in range(draw(st.integers(0, 8))):
        op = draw(st.sampled_from(["delete", "duplicate", "insert", "cut", "swap"]))
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        if not lines:
            break
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "insert":
            lines.insert(i, draw(st.text(max_size=80)))
        elif op == "cut":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
        else:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_dump())
def test_mutated_real_dumps_never_crash(text):
    try:
        result = parse_text(text, captured=TODAY)
    except DumpError:
        return
    for record in result.records:
        assert record.abstract
        assert record.title is None or record.title.strip() == record.title


# VmHWM is this process's own peak (ru_maxrss can carry the forking parent's peak)
STREAM_PROBE = """
import sys
from pathlib import Path
from readq.parsing import DumpSource, stream_items
with DumpSource(Path(sys.argv[1])) as source:
    kind, items = stream_items(source.lines(), source.captured)
    count = sum(1 for _ in items)
status = Path("/proc/self/status").read_text().splitlines()
peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(kind.value, count, peak_kb // 1024)
"""


def test_200_mb_dump_is_streamed_in_bounded_memory(tmp_path):
    """A 200 MB trending dump parses in a real process whose memory stays small."""
    import subprocess
    import sys

    from benchmarks.generate import Generator

    generator = Generator(5)
    abstracts = [generator.abstract() for _ in range(50)]
    path = tmp_path / "big.txt"
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write("new\n\nSubscribe\n\n")
        while out.tell() < 200 * 1000 * 1000:
            out.write(f"Paper {count}: On Something\n\n{abstracts[count % 50]}\n\n")
            count += 1
    result = subprocess.run([sys.executable, "-c", STREAM_PROBE, str(path)],
                            capture_output=True, text=True, timeout=600, check=True)
    kind, parsed, max_rss_mb = result.stdout.split()
    assert (kind, int(parsed)) == ("trending", count)
    assert int(max_rss_mb) < 120, f"peak memory {max_rss_mb} MB for a 200 MB dump"


def test_huge_line_is_cut_and_reported(tmp_path):
    text = SEEDS[TRENDING]
    huge = "A Title That Goes On " + "and on " * 400_000  # ~2.8 MB on one line
    path = tmp_path / "huge-line.txt"
    path.write_text(text + "\n\n" + huge + "\n\n" + SEEDS[TRENDING].split("\n\n")[-1] + "\n",
                    encoding="utf-8")
    with Library(tmp_path / "lib") as lib:
        report = lib.import_file(path)
        assert report.failed is None
        assert any("longer than" in p.message for p in report.errors)


def test_control_characters_rtl_and_emoji_survive(tmp_path):
    text = ("LGJan 5, 2024\nנתונים 🚀 Learning\x07 with Emoji\n\nדוד לוי, Ann Lee\n\n"
            + "An abstract with right-to-left words שלום and emoji 🎉 in it, long enough. " * 3)
    with Library(tmp_path / "lib") as lib:
        report = lib.import_text(text, name="rtl.txt")
        assert report.new == 1
        row = lib.paper(report.new_ids[0])
        assert row["title"] == "נתונים 🚀 Learning with Emoji"
        assert row["authors"] == ["דוד לוי", "Ann Lee"]


def test_ten_thousand_authors_and_a_megabyte_title(tmp_path):
    authors = ", ".join(f"Author{i} Person" for i in range(10_000))
    title = "Long " * 200_000
    text = (f"LGJan 5, 2024\n{title}\n\n{authors}\n\n"
            + "An abstract that is long enough to read as prose for the parser. " * 4)
    with Library(tmp_path / "lib") as lib:
        report = lib.import_text(text, name="wide.txt")
        assert report.failed is None and report.new == 1


def test_read_only_library_folder_is_one_line(tmp_path, monkeypatch):
    import sqlite3

    from readq.library import LibraryError

    def refuse(*args, **kwargs):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    with Library(tmp_path / "lib") as lib:
        lib.import_paths([dump_copy(PROFILE, tmp_path)])
        before = lib.stats()
        monkeypatch.setattr(lib.store, "insert_import", refuse)
        report = lib.import_file(dump_copy(COMPACT, tmp_path))
        assert "is read-only" in report.failed and str(lib.root) in report.failed
        assert "\n" not in report.failed
        monkeypatch.undo()
        assert lib.stats() == before
    folder = tmp_path / "nowhere"
    folder.write_text("a file where the library folder should be")
    try:
        Library(folder / "lib")
    except LibraryError as exc:
        assert "cannot create the library folder" in str(exc)
    else:
        raise AssertionError("a library inside a file must be refused")


def test_full_disk_changes_nothing(tmp_path, monkeypatch):
    import sqlite3

    with Library(tmp_path / "lib") as lib:
        lib.import_paths([dump_copy(PROFILE, tmp_path)])
        before = lib.export_rows(lib.view_ids("all", sort="id"))
        real = lib.store.insert_paper
        calls = {"n": 0}

        def fill_up(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] > 20:
                raise sqlite3.OperationalError("database or disk is full")
            return real(*args, **kwargs)

        monkeypatch.setattr(lib.store, "insert_paper", fill_up)
        report = lib.import_file(dump_copy(COMPACT, tmp_path))
        assert "is full" in report.failed and str(lib.root) in report.failed
        assert lib.export_rows(lib.view_ids("all", sort="id")) == before
