"""The recommender process: the app's answers equal the library's own, and what goes
wrong in it is one line, never a hang."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from readq.library import Library
from readq.recommend.client import RecommenderError, RecommenderProcess
from readq.recommend.service import serve
from tests.helpers import all_dumps


@pytest.fixture
def rated(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    with Library(root) as lib:
        lib.import_paths(all_dumps(tmp_path / "d"))
        ids = lib.view_ids("all", sort="id")
        lib.set_rating(ids[:4], 5)
        lib.set_dismissed(ids[10:14])
    return root


def test_the_process_answers_as_the_library_does(rated: Path) -> None:
    with Library(rated) as lib:
        candidates = lib.view_ids("for_you")
        expected = lib.recommendations.rank(candidates)
        similar = [s.paper_id for s in lib.similar(candidates[0], 3)]
    (rated / "recommend" / "features.pkl").unlink()  # the process builds them anew
    process = RecommenderProcess(rated)
    try:
        heard: list[str] = []
        ranked = process.request("rank", heard.append, ids=candidates, explain_top=2)
        assert ranked["ids"] == expected and ranked["ready"] is True
        assert set(ranked["whys"]) == {str(i) for i in expected[:2]}
        explained = process.request("explain", paper_id=candidates[0], similar=3)
        assert [s[0] for s in explained["similar"]] == similar
        assert explained["why"]
        assert heard == ["building"]  # the first request built the features; the second not
    finally:
        process.close()
    assert process.pid is None


def test_bad_requests_are_one_line_answers(rated: Path) -> None:
    requests = io.StringIO('{"id": 1, "op": "nonsense"}\nnot json\n'
                           '{"id": 2, "op": "explain"}\n')
    answers = io.StringIO()
    assert serve(rated, requests, answers) == 0
    lines = [json.loads(line) for line in answers.getvalue().splitlines()]
    errors = {m["id"]: m["error"] for m in lines if "error" in m}
    assert errors[1] == "unknown request 'nonsense'"
    assert "one JSON object per line" in errors[None]
    assert 2 in errors and "\n" not in errors[2]


def test_a_stopped_process_is_an_error_and_starts_again(rated: Path) -> None:
    process = RecommenderProcess(rated)
    try:
        process.request("rank", ids=[1, 2])
        process.stop()
        with pytest.raises(RecommenderError, match="recommender stopped"):
            process.request("rank", ids=[1, 2])
        assert process.request("rank", ids=[1, 2])["ids"]  # a new process answers
    finally:
        process.close()
