"""Recommendations through the library and the command line, on the fixture papers."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from readq.library import Library, LibraryError
from readq.models import EXPORT_KEYS
from readq.recommend import cache
from tests.helpers import all_dumps, run_cli


@pytest.fixture(scope="module")
def seeded_root(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rec")
    with Library(folder / "lib") as library:
        library.import_paths(all_dumps(folder / "dumps"))
    return folder / "lib"


@pytest.fixture
def library(seeded_root, tmp_path):
    import shutil

    root = tmp_path / "lib"
    shutil.copytree(seeded_root, root)
    with Library(root) as lib:
        yield lib


def by_title(library: Library, words: str) -> list[int]:
    return [r["id"] for r in library.papers(library.view_ids("all"))
            if words.lower() in (r["title"] or "").lower()]


def taste(library: Library) -> None:
    """A reader who wants language-model papers and turns down others."""
    ids = library.view_ids("all", sort="id")
    rows = {r["id"]: r for r in library.papers(ids)}
    language = [i for i in ids if "language" in (rows[i]["title"] or "").lower()]
    other = [i for i in ids if rows[i]["title"] and "language" not in rows[i]["title"].lower()
             and "model" not in rows[i]["title"].lower()]
    library.set_rating(language[:3], 5)
    library.queue_add(language[3:4])
    library.set_dismissed(other[:4])


def test_cold_start_is_newest_first_and_says_so(library):
    found = library.recommend(5)
    assert len(found) == 5
    assert all(r.why.startswith("Newest first: readq ranks by your taste once you want a paper")
               for r in found)
    published = [library.paper(r.paper_id)["published"] or "" for r in found]
    assert published == sorted(published, reverse=True)


def test_recommendations_skip_decided_papers_and_name_real_rated_ones(library):
    taste(library)
    found = library.recommend(10)
    decided = set(library.queue()) | set(library.view_ids("dismissed")) | {
        r["id"] for r in library.papers(library.view_ids("all")) if r["rating"]}
    assert found and not {r.paper_id for r in found} & decided
    rated_titles = {r["title"] for r in library.papers(library.view_ids("all"))
                    if r["rating"] == 5 or r["queue_position"]}
    named = [r.why for r in found if any(f"“{t[:40]}" in r.why for t in rated_titles)]
    assert named, [r.why for r in found]
    assert all(0.0 <= r.interest <= 1.0 for r in found)
    assert [r.interest for r in found] == sorted((r.interest for r in found), reverse=True)


def test_not_this_moves_a_paper_down_and_can_be_undone(library):
    taste(library)
    before = [r.paper_id for r in library.recommend(None)]
    target = before[0]
    library.set_not_this([target])
    after = [r.paper_id for r in library.recommend(None)]
    assert after.index(target) > before.index(target) + 5
    library.set_not_this([target], False)
    assert [r.paper_id for r in library.recommend(None)] == before


def test_the_ranking_updates_after_one_decision(library):
    taste(library)
    inbox = library.view_ids("inbox")
    first = library.recommendations.rank(inbox)
    # the user rates the paper the model likes least: papers like it move up
    least = first[-1]
    library.set_rating([least], 5)
    second = library.recommendations.rank(inbox)
    assert second != first
    neighbours = [r.paper_id for r in library.similar(least, 3)]
    moved = [n for n in neighbours if n in first and n != least]
    assert moved and all(second.index(n) < first.index(n) for n in moved)


def test_similar_papers(library):
    paper = by_title(library, "CRINGE")[0]
    found = library.similar(paper, 5)
    assert len(found) == 5 and paper not in {r.paper_id for r in found}
    assert found[0].why.endswith("”.") or "with “" in found[0].why
    assert [r.interest for r in found] == sorted((r.interest for r in found), reverse=True)
    with pytest.raises(LibraryError):
        library.similar(999_999)


def test_a_tag_without_papers_is_a_clear_error(library):
    with pytest.raises(LibraryError, match="no papers are tagged 'nothing-here'"):
        library.recommend(5, tag="nothing-here")


def test_tag_positives_through_the_recommender(library):
    ids = by_title(library, "language")[:4]
    found = library.recommendations.recommend(10, tag="llm", tagged=ids)
    assert found and not {r.paper_id for r in found} & set(ids)
    assert any("tagged llm" in r.why for r in found)


def test_features_are_cached_on_disk_and_rebuilt_when_stale_or_damaged(library, tmp_path):
    library.recommend(3)
    path = library.root / "recommend" / cache.FILE_NAME
    assert path.exists()
    with Library(library.root) as again:
        loaded = cache.load(again.root / "recommend")
        assert loaded is not None and len(loaded[1]) == again.store.paper_count()
        # new papers: the features follow without a rebuild
        again.import_text("A brand new paper about robots\nIt studies robots.\n\n",
                          name="paste")
        features = again.recommendations.features()
        assert len(features) == again.store.paper_count()
    path.write_bytes(b"not a pickle")
    with Library(library.root) as third:
        assert len(third.recommendations.features()) == third.store.paper_count()


# --- command line --------------------------------------------------------------------------


run = run_cli  # the shared in-process runner (tests/helpers.py)


def test_cli_recommend_and_similar(library, capsys):
    taste(library)
    root = str(library.root)
    code, out, err = run(capsys, "recommend", "--library", root, "--limit", "3")
    assert code == 0 and err == ""
    assert len([line for line in out.splitlines() if line[:6].strip().isdigit()]) == 3
    code, out, err = run(capsys, "recommend", "--library", root, "--json")
    assert code == 0 and err == ""
    items = json.loads(out)
    assert len(items) == 20
    assert all(list(item) == [*EXPORT_KEYS, "interest", "why"] for item in items)
    assert all(isinstance(i["interest"], float) and i["why"] for i in items)
    paper = str(items[0]["id"])
    code, out, err = run(capsys, "similar", paper, "--library", root, "--json", "--limit", "2")
    assert code == 0 and err == ""
    similar = json.loads(out)
    assert len(similar) == 2 and all(s["why"] and s["id"] != int(paper) for s in similar)
    code, out, err = run(capsys, "similar", paper, "--library", root)
    assert code == 0 and len(out.splitlines()) == 10


@pytest.mark.parametrize("argv, code, message", [
    (("recommend", "--limit", "0"), 2,
     "readq: argument --limit: must be from 1 to 100000, not 0 (see `readq recommend --help`)\n"),
    (("recommend", "--tag", "nothing-here"), 1, "readq: no papers are tagged 'nothing-here'\n"),
    (("recommend", "--tag", " "), 1, "readq: --tag needs a tag name\n"),
    (("similar", "999999"), 1, "readq: no paper with id 999999\n"),
    (("similar", "1", "--limit", "x"), 2, "readq: argument --limit: must be a whole number "
     "from 1 to 100000, not 'x' (see `readq similar --help`)\n"),
])
def test_cli_bad_input_is_one_line(library, capsys, argv, code, message):
    before = library.not_this_ids(), library.snapshot(library.view_ids("all"))
    assert run(capsys, *argv, "--library", str(library.root)) == (code, "", message)
    assert (library.not_this_ids(),
            library.snapshot(library.view_ids("all"))) == before


def test_cli_recommend_as_a_real_process(library):
    done = subprocess.run([sys.executable, "-m", "readq", "recommend", "--json", "--limit", "2",
                           "--library", str(library.root)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == 2 and done.stderr == ""


def test_a_cold_recommend_or_similar_with_features_cached_loads_no_scikit_learn(library):
    """Importing scikit-learn is most of a cold `readq recommend` (seconds on a busy
    machine): with the features cached, ranking and explaining need only NumPy/SciPy."""
    taste(library)
    library.recommend(3)  # builds and caches the features
    for argv in (["recommend", "--limit", "3"], ["similar", str(by_title(library, "language")[0])]):
        done = subprocess.run([sys.executable, "-X", "importtime", "-m", "readq", *argv,
                               "--library", str(library.root)], capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        assert "·" in done.stdout  # papers, each with its interest and why
        assert "sklearn" not in done.stderr, argv


def test_the_feature_builder_entry_point(library):
    from readq.recommendations import main as build

    assert library.recommendations.needs_full_build()
    assert build([str(library.root)]) == 0
    assert (library.root / "recommend" / cache.FILE_NAME).exists()
    library.recommendations.forget()
    assert not library.recommendations.needs_full_build()
    assert build([]) == 2


def test_cli_on_an_empty_library(tmp_path, capsys):
    root = str(tmp_path / "empty")
    assert run(capsys, "recommend", "--library", root) == (0, "no papers\n", "")
    assert run(capsys, "recommend", "--library", root, "--json") == (0, "[]\n", "")
    assert run(capsys, "similar", "1", "--library", root) == (1, "", "readq: no paper with id 1\n")


def test_the_cache_is_private_like_the_library(library):
    import stat

    library.recommend(1)
    folder = library.root / "recommend"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / cache.FILE_NAME).stat().st_mode) == 0o600


def test_cli_recommend_more_like_a_tag(library, capsys):
    root = str(library.root)
    ids = by_title(library, "language")[:3]
    for paper in ids:
        assert run(capsys, "tag", str(paper), "add", "LLM", "--library", root)[0] == 0
    code, out, err = run(capsys, "recommend", "--tag", "llm", "--json", "--limit", "5",
                         "--library", root)
    assert code == 0 and err == ""
    items = json.loads(out)
    assert len(items) == 5 and not {i["id"] for i in items} & set(ids)
    assert all("(tagged llm)" in i["why"] or i["why"].startswith(("For ", "By ")) for i in items)
    assert any("(tagged llm)" in i["why"] for i in items)
