"""Exports a user's other tools can read: BibTeX parsed back by bibtexparser, CSV by csv."""

from __future__ import annotations

import csv
import io
import re

import bibtexparser
import pytest

from readq.exporting import to_bibtex, to_csv
from readq.library import Library
from tests.helpers import all_dumps

_UNESCAPE = [(r"\textbackslash{}", "\\"), (r"\textasciitilde{}", "~"), (r"\^{}", "^"),
             (r"\{", "{"), (r"\}", "}"), (r"\%", "%"), (r"\&", "&"), (r"\#", "#"),
             (r"\$", "$"), (r"\_", "_")]


def _unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        for escaped, plain in _UNESCAPE:
            if value.startswith(escaped, i):
                out.append(plain)
                i += len(escaped)
                break
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


@pytest.fixture(scope="module")
def rows(tmp_path_factory):
    base = tmp_path_factory.mktemp("export")
    with Library(base / "lib") as lib:
        lib.import_paths(all_dumps(base / "dumps"))
        return lib.export_rows(lib.view_ids("all", sort="id"))


def _parse(text: str) -> list[dict[str, str]]:
    parser = bibtexparser.bparser.BibTexParser(common_strings=True)
    return bibtexparser.loads(text, parser=parser).entries


def test_bibtex_of_the_fixtures_parses_with_every_eprint_and_title_intact(rows):
    entries = _parse(to_bibtex(rows))
    assert len(entries) == len(rows) == 161
    by_key = {e["ID"]: e for e in entries}
    assert len(by_key) == 161
    eprints = sorted(e["eprint"] for e in entries if "eprint" in e)
    assert eprints == sorted(r["arxiv_id"] for r in rows if r["arxiv_id"])
    assert len(eprints) == 10
    titles = sorted(_unescape(e["title"]) for e in entries if "title" in e)
    assert titles == sorted(" ".join(r["title"].split()) for r in rows if r["title"])
    for entry in entries:
        assert re.fullmatch(r"\d{4}", entry.get("year", "2024"))


def test_bibtex_escapes_every_special_character():
    title = r"100% of {Braces} & C_1 #1 ^2 ~ $x$ \ done"
    row = {"id": 1, "title": title, "authors": ["Ana Ünal", "B_o Smith"],
           "authors_truncated": True, "published": "2024-01-05", "arxiv_id": "2401.10020",
           "journal_ref": "Proc. A&B 2024", "abstract": "50% less {noise}", "orgs": []}
    text = to_bibtex([row])
    entry = _parse(text)[0]
    assert entry["eprint"] == "2401.10020"
    assert _unescape(entry["title"]) == title
    assert _unescape(entry["journal"]) == "Proc. A&B 2024"
    assert _unescape(entry["abstract"]) == "50% less {noise}"
    assert entry["author"] == r"Ana Ünal and B\_o Smith and others"
    # no bare values: every field is braced
    assert not re.search(r"=\s*[^{\s]", text)


def test_csv_reads_back_with_every_title(rows):
    back = list(csv.DictReader(io.StringIO(to_csv(rows))))
    assert [r["title"] for r in back] == [r["title"] or "" for r in rows]
    assert [int(r["id"]) for r in back] == [r["id"] for r in rows]
