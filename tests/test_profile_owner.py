"""An author profile's owner is an author of every paper on it (both profile kinds)."""

from __future__ import annotations

import json
from datetime import date

import pytest

import readq.parsing.profile as profile_parser
from readq.parsing import parse_text
from readq.parsing.owner import infer_owner
from tests.helpers import COMPACT, PROFILE, all_dumps, dump_copy, run_cli

TODAY = date(2026, 11, 20)


def records_of(path) -> int:
    text = path.read_text(encoding="utf-8")
    return sum(1 for line in text.splitlines() if profile_parser.is_meta_line(line.strip()))


@pytest.fixture
def seeded(tmp_path, capsys):
    lib = str(tmp_path / "lib")
    paths = [str(p) for p in all_dumps(tmp_path / "dumps")]
    code, _, err = run_cli(capsys, "import", *paths, "--library", lib)
    assert code == 0, err
    return lib


def search_json(capsys, lib: str, query: str) -> list[dict]:
    code, out, err = run_cli(capsys, "search", query, "--limit", "500", "--json",
                             "--library", lib)
    assert code == 0, err
    return json.loads(out)


def exported(capsys, lib: str) -> dict[str, dict]:
    code, out, err = run_cli(capsys, "export", "--library", lib)
    assert code == 0, err
    return {row["title"]: row for row in json.loads(out)}


def test_author_search_finds_every_paper_of_both_profiles(seeded, capsys, tmp_path):
    found = search_json(capsys, seeded, "author:sukhbaatar")
    from_profile = [p for p in found
                    if any(s["file"] == PROFILE for s in p["sources"])]
    assert len(from_profile) == records_of(tmp_path / "dumps" / PROFILE) == 50
    found = search_json(capsys, seeded, "author:raileanu")
    assert len([p for p in found if any(s["file"] == COMPACT for s in p["sources"])]) == 43


def test_export_lists_the_owner_in_place_or_after_et_al(seeded, capsys):
    rows = exported(capsys, seeded)
    listed = rows["A Data Source for Reasoning Embodied Agents"]
    assert listed["authors"] == ["Jack Lanchantin", "Sainbayar Sukhbaatar", "Gabriel Synnaeve"]
    hidden = rows["The CRINGE Loss: Learning what language not to model"]
    assert hidden["authors"] == ["Leonard Adolphs", "Tianyu Gao", "Jing Xu",
                                 "Sainbayar Sukhbaatar"]
    assert hidden["authors_truncated"] is True
    # the compact profile (no header) is Roberta Raileanu's
    toolformer = rows["Toolformer: Language Models Can Teach Themselves to Use Tools"]
    assert toolformer["authors"][-1] == "Roberta Raileanu" and toolformer["authors_truncated"]
    # a paper on both profiles gets both owners
    both = rows["Teaching Large Language Models to Reason with Reinforcement Learning"]
    assert both["authors"][3:] == ["Sainbayar Sukhbaatar", "Roberta Raileanu"]


def test_reimport_adds_the_owner_to_a_library_from_before_and_keeps_user_state(
        tmp_path, capsys, monkeypatch):
    lib = str(tmp_path / "lib")
    dump = str(dump_copy(PROFILE, tmp_path / "dumps"))
    with monkeypatch.context() as older_readq:  # an import that did not record owners
        older_readq.setattr(profile_parser, "with_owner", lambda items, owner: items)
        assert run_cli(capsys, "import", dump, "--library", lib)[0] == 0
    assert len(search_json(capsys, lib, "author:sukhbaatar")) == 21
    cringe = exported(capsys, lib)["The CRINGE Loss: Learning what language not to model"]
    assert run_cli(capsys, "rate", str(cringe["id"]), "4", "--library", lib)[0] == 0

    code, out, err = run_cli(capsys, "import", dump, "--json", "--library", lib)
    assert code == 0, err
    assert json.loads(out)["files"][0]["new"] == 0
    assert len(search_json(capsys, lib, "author:sukhbaatar")) == 50
    cringe = exported(capsys, lib)["The CRINGE Loss: Learning what language not to model"]
    assert cringe["authors"][-1] == "Sainbayar Sukhbaatar" and cringe["rating"] == 4
    # once there, a further re-import changes nothing
    code, out, _ = run_cli(capsys, "import", dump, "--json", "--library", lib)
    assert json.loads(out)["files"][0]["merged"] == 0


COMPACT_HEAD = "CLFeb 9, 2023\n{title}{authors}\n{abstract}\n"
ABSTRACT = ("We study how a model learns from examples in {n} different settings, and we "
            "show that it improves on every benchmark we tried by a wide margin.")


def compact_dump(author_lines: list[str]) -> str:
    return "".join(COMPACT_HEAD.format(title=f"A Study Of Things Number {n}", authors=line,
                                       abstract=ABSTRACT.format(n=n))
                   for n, line in enumerate(author_lines))


def test_a_compact_profile_without_a_clear_owner_records_none():
    # two people on every paper: either could own the page, so neither is added
    lines = ["Ada Lovelace, Alan Turing, Grace Hopper et al. · lab"] * 3 + [
        "Alan Turing, Ada Lovelace, Edsger Dijkstra et al. · lab"] * 3
    result = parse_text(compact_dump(lines), captured=TODAY)
    assert [r.authors for r in result.records][:1] == [
        ["Ada Lovelace", "Alan Turing", "Grace Hopper"]]
    assert all(len(r.authors) == 3 for r in result.records)


def test_a_compact_profile_owner_is_added_only_where_the_list_allows():
    lines = ["Ada Lovelace, Alan Turing, Grace Hopper et al. · lab",
             "Edsger Dijkstra, Barbara Liskov, Ken Thompson et al. · lab",
             "Barbara Liskov, A. Lovelace · lab",
             "Ada Lovelace, Niklaus Wirth, Ken Iverson et al. · lab",
             "John Backus, Frances Allen, Ada Lovelace et al. · lab"]
    result = parse_text(compact_dump(lines), captured=TODAY)
    authors = [r.authors for r in result.records]
    assert authors[0] == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert authors[1] == ["Edsger Dijkstra", "Barbara Liskov", "Ken Thompson", "Ada Lovelace"]
    assert authors[2] == ["Barbara Liskov", "A. Lovelace"]  # the same person, as listed


def test_owner_is_not_guessed_against_complete_author_lists():
    complete = [(["Ada Lovelace", "Alan Turing"], False), (["Ada Lovelace"], False)]
    contradicted = complete + [(["Grace Hopper", "Ken Thompson"], False)] * 2
    assert infer_owner(complete + [(["Ada Lovelace", "Ken Thompson"], True)]) == "Ada Lovelace"
    assert infer_owner(contradicted) is None
    assert infer_owner(complete) is None  # two records are too few to tell


def test_spaced_profile_header_names_the_owner_even_when_rarely_listed():
    record = ("LGSep 14, 2023Code\nA Study Of Things Number {n}\n\n"
              "Jack Lanchantin, Gabriel Synnaeve, Ada Lovelace et al. · meta-ai\n\n{abstract}\n\n")
    text = ("Sainbayar Sukhbaatar\n\nCL\nh-index51\n58papers\n\n"
            + "".join(record.format(n=n, abstract=ABSTRACT.format(n=n)) for n in range(4)))
    result = parse_text(text, captured=TODAY)
    assert all(r.authors[-1] == "Sainbayar Sukhbaatar" for r in result.records)
    # without the header the records alone point at someone else, who is always listed
    headless = parse_text(text.split("58papers\n", 1)[1], captured=TODAY)
    assert all(r.authors == ["Jack Lanchantin", "Gabriel Synnaeve", "Ada Lovelace"]
               for r in headless.records)
