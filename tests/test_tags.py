"""Tags end to end in the core: storage, undo, imports and merges, search, export, CLI;
and the reading queue emptying as papers are read."""

from __future__ import annotations

import csv
import io
import json

import pytest

from readq.exporting import EXPORTERS
from readq.library import Library, LibraryError
from readq.store.schema import SCHEMA_VERSION, schema_version
from readq.store.user_state import KINDS, normalise_tag, parse_tags
from tests.helpers import all_dumps, run_cli
from tests.test_library import _import_unsure_pair


@pytest.fixture
def seeded(tmp_path):
    with Library(tmp_path / "lib") as lib:
        lib.import_paths(all_dumps(tmp_path / "dumps"))
        lib.sync_index()
        yield lib


def test_tags_table_is_the_shared_contract(tmp_path):
    with Library(tmp_path / "lib") as lib:
        assert schema_version(lib.store.conn) == SCHEMA_VERSION
        cols = [(r["name"], r["notnull"], r["pk"]) for r in
                lib.store.conn.execute("PRAGMA table_info(paper_tags)")]
        assert cols == [("paper_id", 1, 1), ("tag", 1, 2), ("added_at", 1, 0)]


def test_tag_names_are_folded_and_checked():
    assert normalise_tag("  Reinforcement   Learning ") == "reinforcement-learning"
    assert parse_tags("RL, to read,rl") == ["rl", "to-read"]
    with pytest.raises(ValueError):
        normalise_tag(" , ")
    with pytest.raises(ValueError):
        normalise_tag("x" * 65)


def test_bulk_add_remove_and_counts(seeded):
    ids = seeded.view_ids("all", sort="id")[:3]
    assert seeded.add_tags(ids, ["RL", "Survey"]) == ["rl", "survey"]
    seeded.remove_tags(ids[:1], ["survey"])
    assert seeded.tags(ids[0]) == ["rl"]
    assert seeded.tags(ids[1]) == ["rl", "survey"]
    assert seeded.all_tags() == [("rl", 3), ("survey", 2)]
    assert seeded.tagged_ids("SURVEY") == ids[1:]
    with pytest.raises(LibraryError):
        seeded.add_tags(ids, [" "])
    assert seeded.all_tags() == [("rl", 3), ("survey", 2)]


def test_tags_are_undone_with_the_rest_of_the_state(seeded):
    paper = seeded.view_ids("all", sort="id")[0]
    seeded.add_tags([paper], ["keep"])
    snap = seeded.snapshot([paper])
    assert snap[paper]["tags"] == ["keep"]
    assert set(snap[paper]) == {k.name for k in KINDS}
    seeded.set_tags(paper, ["other"])
    seeded.set_rating([paper], 4)
    seeded.restore(snap)
    assert seeded.tags(paper) == ["keep"] and seeded.paper(paper)["rating"] == 0


def test_tags_survive_reimport(seeded, tmp_path):
    paper = seeded.resolve("2305.00833")
    seeded.add_tags([paper], ["self-notes"])
    seeded.import_paths(all_dumps(tmp_path / "again"))
    assert seeded.tags(paper) == ["self-notes"]


def test_confirmed_duplicate_unites_tags_and_keeps_every_kind(tmp_path):
    with Library(tmp_path / "lib") as lib:
        _import_unsure_pair(lib)
        pair = lib.possible_duplicates()[0]
        lib.add_tags([pair["paper_id"]], ["b", "shared"])
        lib.add_tags([pair["other_id"]], ["a", "shared"])
        lib.set_status([pair["paper_id"]], "read")
        lib.queue_add([pair["other_id"]])
        kept = lib.confirm_duplicate(pair["id"])
        state = lib.snapshot([kept])[kept]
        assert state["tags"] == ["a", "b", "shared"]
        assert state["status"] == "read" and state["queue_position"] == 1
        assert lib.all_tags() == [("a", 1), ("b", 1), ("shared", 1)]


def test_search_tag_filter_combines_with_text_and_negation(seeded):
    paper = seeded.resolve("2305.00833")
    seeded.add_tags([paper], ["Memory"])
    assert seeded.search("tag:memory") == [paper]
    assert seeded.search("tag:MEMORY reason") == [paper]
    assert seeded.search("tag:memory transformer") == []
    assert paper not in seeded.search("-tag:memory", limit=None)
    assert seeded.view_ids("tag:memory") == [paper]


def test_exports_carry_tags(seeded):
    paper = seeded.resolve("2305.00833")
    seeded.add_tags([paper], ["memory", "to-cite"])
    rows = seeded.export_rows([paper])
    assert rows[0]["tags"] == ["memory", "to-cite"]
    assert "keywords = {memory, to-cite}" in EXPORTERS["bibtex"](rows)
    assert "#memory #to-cite" in EXPORTERS["markdown"](rows)
    assert next(csv.DictReader(io.StringIO(EXPORTERS["csv"](rows))))["tags"] == "memory; to-cite"


def test_marking_read_takes_a_paper_off_the_queue_and_undo_puts_it_back(seeded):
    ids = seeded.view_ids("all", sort="id")[:4]
    seeded.queue_add(ids)
    snap = seeded.snapshot([ids[1]])
    seeded.set_status([ids[1]], "read")
    assert seeded.queue() == [ids[0], ids[2], ids[3]]
    seeded.restore(snap)
    assert seeded.queue() == ids
    seeded.set_status([ids[1]], "unread")
    assert seeded.queue() == ids


run = run_cli  # the shared in-process runner (tests/helpers.py)


def test_cli_tag_and_tags(tmp_path, capsys):
    lib = str(tmp_path / "lib")
    assert run(capsys, "import", *map(str, all_dumps(tmp_path / "d")), "--library", lib)[0] == 0
    code, out, _ = run(capsys, "tag", "2305.00833", "add", "Memory", "to cite", "--library", lib)
    assert code == 0 and "tagged memory, to-cite" in out
    code, out, _ = run(capsys, "tag", "2305.00833", "add", "memory", "--library", lib)
    assert code == 0 and "nothing changed" in out
    code, out, _ = run(capsys, "tag", "2305.00833", "remove", "to-cite", "--library", lib)
    assert "untagged to-cite" in out and "tags now: memory" in out
    code, out, _ = run(capsys, "tags", "--json", "--library", lib)
    assert json.loads(out) == [{"tag": "memory", "papers": 1}]
    code, out, err = run(capsys, "tag", "2305.00833", "add", ",", "--library", lib)
    assert code == 1 and out == "" and err.count("\n") == 1
    code, out, _ = run(capsys, "search", "tag:memory", "--json", "--library", lib)
    assert [r["tags"] for r in json.loads(out)] == [["memory"]]
    code, out, _ = run(capsys, "tags", "--library", lib)
    assert out.split() == ["1", "memory"]


def test_cli_queue_and_mark_say_what_happened(tmp_path, capsys):
    lib = str(tmp_path / "lib")
    run(capsys, "import", *map(str, all_dumps(tmp_path / "d")), "--library", lib)
    assert run(capsys, "queue", "add", "3", "--library", lib)[1] == \
        "3: added to the queue at position 1 of 1\n"
    assert "already in the queue" in run(capsys, "queue", "add", "3", "--library", lib)[1]
    assert "taken off the queue" in run(capsys, "mark", "3", "read", "--library", lib)[1]
    assert run(capsys, "queue", "list", "--library", lib)[1] == "no papers\n"


def test_cli_import_reads_standard_input(tmp_path, capsys, monkeypatch):
    from tests.helpers import FIXTURES, TRENDING

    data = (FIXTURES / TRENDING).read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, _ = run(capsys, "import", "-", "--library", str(tmp_path / "lib"))
    assert code == 0 and out.startswith("stdin: trending list, 70 records — 70 new")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"\xff\xfe nonsense")))
    code, out, err = run(capsys, "import", "-", "--library", str(tmp_path / "lib"))
    assert code == 1 and err.startswith("readq: stdin is not text") and err.count("\n") == 1


def test_cli_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("readq ")


def test_undecided_papers_small_and_big_lists_agree(seeded):
    ids = seeded.view_ids("all", sort="id")
    seeded.set_rating(ids[:3], 2)
    seeded.queue_add(ids[3:5])
    seeded.set_status(ids[5:6], "read")
    seeded.set_dismissed(ids[6:7])
    expected = ids[7:]
    assert seeded.undecided(ids) == expected
    assert seeded.undecided(ids * 20)[: len(expected)] == expected  # the one-scan path
