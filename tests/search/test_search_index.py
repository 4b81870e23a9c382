"""What a user searching the fixture library sees, and the index's upkeep operations."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest
from whoosh.filedb.filestore import FileStorage

from readq.search.index import IndexBusy, IndexCorrupt, IndexDoc, SearchIndex
from readq.search.query import parse_query

ALL = set(range(1, 9))


def ids(index: SearchIndex, q: str) -> list[int]:
    return index.search(parse_query(q))


def idset(index: SearchIndex, q: str) -> set[int]:
    found = ids(index, q)
    assert len(found) == len(set(found)), f"duplicate ids for {q!r}: {found}"
    return set(found)


# -- ranking and words ------------------------------------------------------


def test_title_hits_rank_first(shared_index: SearchIndex) -> None:
    found = ids(shared_index, "environment")
    # "Environment" is in the title of 3; 2 and 7 only mention "environments".
    assert found[0] == 3
    assert set(found) == {2, 3, 7}


def test_plain_word_matches_other_forms_and_title_wins(shared_index: SearchIndex) -> None:
    found = ids(shared_index, "transformers")
    assert set(found) == {1, 4, 6, 8}  # transformers, transformer, transformer-based
    assert found[0] == 1  # "Transformers" in the title and the abstract
    assert found.index(6) < found.index(8)  # title "Decision Transformer" beats an abstract mention


def test_exact_form_ranks_above_other_forms(shared_index: SearchIndex) -> None:
    found = ids(shared_index, "transformer")
    assert set(found) == {1, 4, 6, 8}
    assert found[0] == 6  # the exact word, in the title


def test_words_are_anded_across_fields(shared_index: SearchIndex) -> None:
    assert idset(shared_index, "reinforcement exploration") == {2, 3}
    assert idset(shared_index, "raileanu exploration") == {2, 3}  # author + abstract
    assert idset(shared_index, "language models") == {1, 5, 8}  # 1: "language", "modelling"


def test_words_are_case_and_accent_insensitive(shared_index: SearchIndex) -> None:
    assert idset(shared_index, "NETHACK") == {3}
    assert idset(shared_index, "rocktaschel") == {2, 3, 8}
    assert idset(shared_index, "Rocktäschel") == {2, 3, 8}


def test_pasted_title_with_colon_finds_the_paper(shared_index: SearchIndex) -> None:
    assert ids(shared_index, "DIRECTOR: Generator-Classifiers")[0] == 5
    assert idset(shared_index, "Reread section: bottleneck") == {7}


def test_hyphenated_word_is_a_phrase(shared_index: SearchIndex) -> None:
    assert idset(shared_index, "model-free") == {2}
    assert idset(shared_index, "free-model") == set()


def test_arxiv_id_as_plain_word_and_field(shared_index: SearchIndex) -> None:
    assert idset(shared_index, "2002.12292") == {2}
    assert idset(shared_index, "arxiv:2002.12292v2") == {2}
    assert idset(shared_index, "arxiv:arXiv:2006.13760") == {3}
    assert idset(shared_index, "arxiv:2002.99999") == set()


# -- phrases and fields -------------------------------------------------------


def test_phrases(shared_index: SearchIndex) -> None:
    assert idset(shared_index, '"intrinsic reward"') == {2}
    assert idset(shared_index, '"reward intrinsic"') == set()
    # a phrase's words match their other forms, as plain words do: 8 has "language models"
    assert idset(shared_index, '"language modeling"') == {5, 8}
    assert idset(shared_index, '="language modeling"') == {5}  # ="…": exactly these forms
    assert idset(shared_index, '"sequence modeling" "decision transformer"') == {6}


def test_phrase_slop(shared_index: SearchIndex) -> None:
    assert idset(shared_index, '"information injection"') == set()
    assert idset(shared_index, '"noise bottleneck"~5') == {7}


def test_author_field_with_word(shared_index: SearchIndex) -> None:
    assert idset(shared_index, "author:raileanu exploration") == {2, 3}
    assert idset(shared_index, "authors:raileanu") == {2, 3, 8}
    assert idset(shared_index, 'author:"roberta raileanu"') == {2, 3, 8}


def test_author_accent_folding(shared_index: SearchIndex) -> None:
    assert idset(shared_index, "author:kuttler") == {3}
    assert idset(shared_index, "author:küttler") == {3}
    assert idset(shared_index, "author:KÜTTLER") == {3}
    assert idset(shared_index, "author:heinrich") == {3}


def test_title_field_only_searches_titles(shared_index: SearchIndex) -> None:
    assert idset(shared_index, "title:environment") == {2, 3}  # 2: "Environments"
    assert idset(shared_index, 'title:"environment"') == {2, 3}  # quoted: forms too
    assert idset(shared_index, 'title:="environment"') == {3}  # ="…": exactly this form
    assert idset(shared_index, "title:exploration") == {2}
    assert idset(shared_index, "exploration") == {2, 3}
    assert idset(shared_index, "title:transformer") == {1, 6}  # other forms too
    assert idset(shared_index, 'title:="transformer"') == {6}  # ="…": exactly this form
    assert idset(shared_index, "title:(noise OR rainbow)") == {7, 8}


def test_abstract_field(shared_index: SearchIndex) -> None:
    assert idset(shared_index, "abstract:nethack") == {3}
    assert idset(shared_index, "abstract:rainbow") == {8}
    assert idset(shared_index, "abstract:raileanu") == set()


def test_note_field(shared_index: SearchIndex) -> None:
    assert idset(shared_index, "note:reread") == {2, 7}
    assert idset(shared_index, "note:bottleneck") == {7}
    assert idset(shared_index, "note:nethack") == set()
    assert idset(shared_index, "bottleneck") == {7}  # plain words search notes too


def test_category(shared_index: SearchIndex) -> None:
    assert idset(shared_index, "category:lg") == {1, 2, 3, 6, 7}
    assert idset(shared_index, "category:LG") == {1, 2, 3, 6, 7}
    assert idset(shared_index, "category:CL") == {4, 5, 8}
    assert idset(shared_index, "category:cv") == set()
    assert idset(shared_index, "category:CL language") == {5, 8}


def test_org(shared_index: SearchIndex) -> None:
    assert idset(shared_index, "org:meta-ai") == {2, 3, 4, 5, 8}
    assert idset(shared_index, "org:META-AI") == {2, 3, 4, 5, 8}
    assert idset(shared_index, "org:oxford -org:meta-ai") == {7}
    assert idset(shared_index, "orgs:mila") == {1, 5}
    assert idset(shared_index, "org:meta") == set()


def test_year(shared_index: SearchIndex) -> None:
    assert idset(shared_index, "year:2024") == {8}
    assert idset(shared_index, "year:[2020 TO 2023]") == {1, 2, 3, 4, 5, 6}
    assert idset(shared_index, "year:{2020 TO 2023}") == {5, 6}
    assert idset(shared_index, "year:[2022 TO]") == {1, 4, 5, 8}
    assert idset(shared_index, "year:>=2022") == {1, 4, 5, 8}
    assert idset(shared_index, "year:>2022") == {1, 4, 8}
    assert idset(shared_index, "year:<2020") == {7}
    assert idset(shared_index, "year:<=2020") == {2, 3, 7}
    assert idset(shared_index, "year:2018") == set()


# -- operators, prefixes, fuzzy ----------------------------------------------


def test_or_and_parentheses(shared_index: SearchIndex) -> None:
    assert idset(shared_index, "nethack OR rainbow") == {3, 8}
    assert idset(shared_index, "(exploration OR bottleneck) reinforcement") == {2, 3, 7}
    assert idset(shared_index, "exploration AND nethack") == {3}
    # NOT binds tightest, then AND, then OR: this is nethack AND (exploration OR rainbow)
    assert idset(shared_index, "nethack exploration OR rainbow") == {3}
    assert idset(shared_index, "(nethack exploration) OR rainbow") == {3, 8}


def test_not_and_minus(shared_index: SearchIndex) -> None:
    assert idset(shared_index, "reinforcement") == {1, 2, 3, 6, 7}
    assert idset(shared_index, "reinforcement NOT transformer") == {2, 3, 7}
    assert idset(shared_index, "reinforcement -transformer") == {2, 3, 7}
    assert idset(shared_index, "exploration AND NOT nethack") == {2}
    assert idset(shared_index, "-(exploration OR transformer) reinforcement") == {7}
    assert idset(shared_index, "-title:(transformer OR environment) reinforcement") == {7}
    assert idset(shared_index, "-title:nethack author:raileanu") == {2, 8}


def test_only_negative_query_returns_the_rest(shared_index: SearchIndex) -> None:
    assert idset(shared_index, "-reinforcement") == {4, 5, 8}
    assert idset(shared_index, "NOT NOT nethack") == {3}


def test_prefix(shared_index: SearchIndex) -> None:
    assert idset(shared_index, "trans*") == {1, 4, 6, 8}
    assert idset(shared_index, "bottle*") == {7}
    assert idset(shared_index, "neth*") == {3}
    assert idset(shared_index, "author:küt*") == {3}
    assert idset(shared_index, "arxiv:2002*") == {2}
    assert idset(shared_index, "r*nbow") == {8}  # a wildcard inside a word


def test_fuzzy(shared_index: SearchIndex) -> None:
    assert idset(shared_index, "transfomer~") == {1, 6, 8}  # "transformer"
    assert idset(shared_index, "transfomer~2") == {1, 4, 6, 8}  # and "transformers"
    assert idset(shared_index, "author:raileanou~") == {2, 3, 8}
    assert idset(shared_index, "netheck") == set()
    assert idset(shared_index, "netheck~") == {3}


# -- highlighting terms ------------------------------------------------------


def test_terms_for_highlight(shared_index: SearchIndex) -> None:
    q = parse_query(
        'title:Exploration "Intrinsic Reward" author:Küttler trans* -nethack year:2020 rating:>=4'
    )
    assert shared_index.terms_for_highlight(q) == [  # a phrase in the forms it matches
        "exploration", "intrinsic reward", "intrinsic rewarding", "kuttler", "trans",
    ]


def test_terms_for_highlight_expands_fuzzy_and_other_forms(shared_index: SearchIndex) -> None:
    fuzzy = shared_index.terms_for_highlight(parse_query("netheck~"))
    assert fuzzy == ["nethack"]
    forms = shared_index.terms_for_highlight(parse_query("transformer"))
    assert forms[0] == "transformer"
    assert "transformers" in forms
    assert shared_index.terms_for_highlight(parse_query("status:read")) == []


# -- upkeep ------------------------------------------------------------------


def test_doc_count_and_indexed_ids(shared_index: SearchIndex) -> None:
    assert shared_index.doc_count() == 8
    assert shared_index.indexed_ids() == ALL


def test_upsert_replaces_by_id(fresh_index: SearchIndex, papers: list[IndexDoc]) -> None:
    changed = dataclasses.replace(papers[1], note="Check the ablations first.")
    assert fresh_index.upsert([changed]) == 1
    assert idset(fresh_index, "note:reread") == {7}
    assert idset(fresh_index, "note:ablations") == {2, 7}  # 7: "ablation"
    assert idset(fresh_index, 'note:="ablations"') == {2}
    assert fresh_index.doc_count() == 8
    assert fresh_index.indexed_ids() == ALL
    assert ids(fresh_index, "exploration").count(2) == 1


def test_upsert_same_id_twice_in_one_call_keeps_the_last(
    fresh_index: SearchIndex, papers: list[IndexDoc]
) -> None:
    first = dataclasses.replace(papers[0], note="alpha")
    second = dataclasses.replace(papers[0], note="omega")
    assert fresh_index.upsert([first, second]) == 2
    assert idset(fresh_index, "note:omega") == {1}
    assert idset(fresh_index, "note:alpha") == set()
    assert fresh_index.doc_count() == 8


def test_upsert_adds_new_papers(fresh_index: SearchIndex) -> None:
    new = IndexDoc(42, "Voyager: An Open-Ended Embodied Agent", ["Guanzhi Wang"], ["nvidia"],
                   "Minecraft lifelong learning agent.", "", "AI", 2023, "2305.16291")
    fresh_index.upsert([new])
    assert fresh_index.indexed_ids() == ALL | {42}
    assert idset(fresh_index, "minecraft") == {42}
    assert idset(fresh_index, "category:ai org:nvidia") == {42}


def test_paper_without_optional_fields(fresh_index: SearchIndex) -> None:
    bare = IndexDoc(50, "", [], [], "", "", None, None, None)
    fresh_index.upsert([bare])
    assert 50 in fresh_index.indexed_ids()
    assert 50 in idset(fresh_index, "-anything")
    assert 50 not in idset(fresh_index, "year:[1900 TO 2100]")


def test_delete(fresh_index: SearchIndex) -> None:
    fresh_index.delete([3, 8, 999])
    assert fresh_index.doc_count() == 6
    assert fresh_index.indexed_ids() == ALL - {3, 8}
    assert idset(fresh_index, "author:raileanu") == {2}
    fresh_index.delete([])
    assert fresh_index.doc_count() == 6


def test_clear(fresh_index: SearchIndex) -> None:
    fresh_index.clear()
    assert fresh_index.doc_count() == 0
    assert fresh_index.indexed_ids() == set()
    assert ids(fresh_index, "reinforcement") == []


def test_reopen_keeps_documents(tmp_path: Path, papers: list[IndexDoc]) -> None:
    index = SearchIndex(tmp_path / "ix")
    index.open()
    index.upsert(papers)
    index.close()
    again = SearchIndex(tmp_path / "ix")
    again.open()
    assert again.indexed_ids() == ALL
    assert idset(again, "nethack") == {3}
    again.close()


def test_search_limit(shared_index: SearchIndex) -> None:
    q = parse_query("reinforcement")
    assert len(shared_index.search(q, limit=2)) == 2
    assert set(shared_index.search(q, limit=None)) == {1, 2, 3, 6, 7}


def test_search_without_text_returns_nothing(shared_index: SearchIndex) -> None:
    assert shared_index.search(parse_query("status:unread")) == []
    assert shared_index.search(parse_query("")) == []


def test_bulk_upsert_progress(tmp_path: Path, papers: list[IndexDoc]) -> None:
    many = [dataclasses.replace(papers[i % 8], id=100 + i) for i in range(450)]
    seen: list[int] = []
    index = SearchIndex(tmp_path / "ix")
    index.open()
    assert index.upsert(many, bulk=True, progress=seen.append) == 450
    assert seen == [200, 400, 450]
    assert index.doc_count() == 450
    assert len(ids(index, "nethack")) == sum(1 for i in range(450) if i % 8 == 2)
    index.close()


def test_cancel_commits_what_was_written(tmp_path: Path, papers: list[IndexDoc]) -> None:
    asked = 0

    def should_cancel() -> bool:
        nonlocal asked
        asked += 1
        return asked > 3

    index = SearchIndex(tmp_path / "ix")
    index.open()
    assert index.upsert(papers, bulk=True, should_cancel=should_cancel) == 3
    assert index.indexed_ids() == {1, 2, 3}
    index.close()
    reopened = SearchIndex(tmp_path / "ix")
    reopened.open()  # never left broken
    assert reopened.indexed_ids() == {1, 2, 3}
    assert idset(reopened, "nethack") == {3}
    reopened.close()


def test_error_while_reading_docs_leaves_index_unchanged(
    fresh_index: SearchIndex, papers: list[IndexDoc]
) -> None:
    def docs():  # type: ignore[no-untyped-def]
        yield IndexDoc(77, "Half written", [], [], "", "", None, None, None)
        raise RuntimeError("store went away")

    with pytest.raises(RuntimeError):
        fresh_index.upsert(docs())
    assert fresh_index.indexed_ids() == ALL
    fresh_index.upsert([papers[0]])  # the lock was released
    assert fresh_index.doc_count() == 8


def test_busy_lock_raises_index_busy(fresh_index: SearchIndex, papers: list[IndexDoc]) -> None:
    other = SearchIndex(fresh_index.directory, lock_timeout=0.2)
    other.open()
    holder = FileStorage(str(fresh_index.directory)).open_index("MAIN").writer()
    try:
        with pytest.raises(IndexBusy, match="another readq process"):
            other.upsert([papers[0]])
        with pytest.raises(IndexBusy):
            other.delete([1])
    finally:
        holder.cancel()
    other.upsert([papers[0]])  # free again
    assert other.doc_count() == 8
    other.close()


def test_methods_need_open(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "ix")
    with pytest.raises(RuntimeError, match="open"):
        index.doc_count()


# -- corruption --------------------------------------------------------------


def test_garbage_directory_is_corrupt(tmp_path: Path) -> None:
    junk = tmp_path / "ix"
    junk.mkdir()
    (junk / "notes.txt").write_text("not an index")
    (junk / "segment.bin").write_bytes(b"\x00\xff" * 100)
    index = SearchIndex(junk)
    with pytest.raises(IndexCorrupt):
        index.open()
    index.clear()
    assert index.doc_count() == 0
    assert sorted(p.name for p in junk.iterdir() if p.name in ("notes.txt", "segment.bin")) == []


def test_garbage_toc_is_corrupt(fresh_index: SearchIndex) -> None:
    directory = fresh_index.directory
    fresh_index.close()
    for toc in directory.glob("*.toc"):
        toc.write_bytes(b"garbage garbage garbage")
    index = SearchIndex(directory)
    with pytest.raises(IndexCorrupt):
        index.open()
    index.clear()
    index.upsert([IndexDoc(1, "Back again", [], [], "", "", None, None, None)])
    assert idset(index, "again") == {1}
    index.close()


def _segment_files(directory: Path) -> list[Path]:
    """A segment's files (one compound .seg, or its parts: terms, postings, columns)."""
    return [p for p in directory.glob("MAIN_*") if p.suffix in (".seg", ".trm", ".pst", ".col")]


def test_garbage_segment_is_corrupt(fresh_index: SearchIndex) -> None:
    directory = fresh_index.directory
    fresh_index.close()
    segments = _segment_files(directory)
    assert segments
    for seg in segments:
        seg.write_bytes(b"\x00" * 64)
    with pytest.raises(IndexCorrupt):
        SearchIndex(directory).open()


def test_missing_segment_is_corrupt(fresh_index: SearchIndex) -> None:
    directory = fresh_index.directory
    fresh_index.close()
    for seg in _segment_files(directory):
        seg.unlink()
    with pytest.raises(IndexCorrupt):
        SearchIndex(directory).open()


def test_index_from_another_version_is_corrupt(fresh_index: SearchIndex) -> None:
    directory = fresh_index.directory
    fresh_index.close()
    (directory / "readq-index-version").write_text("0\n")
    with pytest.raises(IndexCorrupt, match="another version"):
        SearchIndex(directory).open()


def test_empty_or_missing_directory_opens_empty(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "does" / "not" / "exist")
    index.open()
    assert index.doc_count() == 0
    index.close()
    index.open()  # and reopens
    assert index.indexed_ids() == set()
    index.close()


def test_writer_in_another_process_makes_index_busy(
    fresh_index: SearchIndex, papers: list[IndexDoc]
) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", (
            "import sys\n"
            "from whoosh.filedb.filestore import FileStorage\n"
            "w = FileStorage(sys.argv[1]).open_index('MAIN').writer()\n"
            "print('locked', flush=True)\n"
            "sys.stdin.read()\n"
            "w.cancel()\n"
        ), str(fresh_index.directory)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        busy = SearchIndex(fresh_index.directory, lock_timeout=0.1)
        busy.open()
        with pytest.raises(IndexBusy):
            busy.upsert([papers[0]])
        assert busy.search(parse_query("nethack")) == [3]  # reading still works
        busy.close()
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    fresh_index.upsert([papers[0]])
    assert fresh_index.doc_count() == 8


def test_warm_reads_the_most_frequent_words_postings(shared_index: SearchIndex) -> None:
    shared_index.close()
    shared_index.open()
    assert not shared_index.cache.bytes
    shared_index.warm()
    held = {(field, btext) for (_seg, field, btext) in
            (k for k in shared_index.cache._items if len(k) == 3)}
    assert ("abstract", b"the") in held and ("title", b"learning") in held
    assert shared_index.search(parse_query("the"))  # and searches still answer
