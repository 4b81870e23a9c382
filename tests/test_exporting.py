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

# what the export escapes in LaTeX text, and the braces that keep a title's capitals
_UNESCAPE = re.compile(r"\\([%&#_$])|(?<!\\)[{}]")


def _as_written(value: str) -> str:
    value = re.sub(r"\$\^\{(\w+)\}\$", r"^\1", value)  # S$^{3}$c: a plain "S^3c"
    return " ".join(_UNESCAPE.sub(lambda m: m.group(1) or "", value).split())


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
    titles = sorted(_as_written(e["title"]) for e in entries if "title" in e)
    assert titles == sorted(_as_written(r["title"]) for r in rows if r["title"])
    # papers without authors: no empty author field, a key to sort by
    authorless = [e for e in entries if "author" not in e]
    assert len(authorless) == sum(1 for r in rows if not r["authors"]) == 69
    assert all(e["key"] for e in authorless)
    for entry in entries:
        assert re.fullmatch(r"\d{4}", entry.get("year", "2024"))


def test_bibtex_parses_back_with_markup_and_specials_intact():
    title = r"100% of {\sc Director} & C_1 #1 on $A^*$"
    row = {"id": 1, "title": title, "authors": ["Ana Smith", "B_o Smith"],
           "authors_truncated": True, "published": "2024-01-05", "arxiv_id": "2401.10020",
           "journal_ref": "Proc. A&B 2024", "abstract": r"50% less {noise}, \emph{slow mode}",
           "orgs": []}
    text = to_bibtex([row])
    entry = _parse(text)[0]
    assert entry["ENTRYTYPE"] == "inproceedings" and entry["eprint"] == "2401.10020"
    assert entry["title"] == r"100\% of {{\sc Director}} \& {C\_1} \#1 on {$A^*$}"
    assert _as_written(entry["booktitle"]) == "Proc. A&B 2024"
    assert entry["abstract"] == r"50\% less {noise}, \emph{slow mode}"
    assert entry["author"] == r"Ana Smith and B\_o Smith and others"
    # no bare values: every field is braced
    assert not re.search(r"=\s*[^{\s]", text)


def test_csv_reads_back_with_every_title(rows):
    back = list(csv.DictReader(io.StringIO(to_csv(rows))))
    assert [r["title"] for r in back] == [r["title"] or "" for r in rows]
    assert [int(r["id"]) for r in back] == [r["id"] for r in rows]
