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
    path = dump_copy(PROFILE, tmp_path)
    real_read = type(path).read_bytes

    def denied(self):
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(type(path), "read_bytes", denied)
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
