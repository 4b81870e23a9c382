"""Queries that would make the index work for seconds are refused in one line.

Each bound of :mod:`readq.search.bounds` is checked where the user meets it (the
command line's message and exit status, or the index's error), next to a query
of the same family that is allowed and answers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from readq.library import Library
from readq.search import bounds, terms
from readq.search.bounds import (
    MAX_EXPANDING_WORDS,
    MAX_EXPANSIONS,
    MAX_PATTERN_LETTERS,
    MAX_PHRASE_WORDS,
    MAX_WORDS,
)
from readq.search.index import IndexDoc, SearchIndex
from readq.search.query import QueryError, parse_query
from tests.helpers import all_dumps, run_cli


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bounds")
    with Library(folder / "lib") as lib:
        lib.import_paths(all_dumps(folder / "dumps"))
    return folder / "lib"


def _search(capsys: Any, root: Path, query: str) -> tuple[int, str, str]:
    code, out, err = run_cli(capsys, "--library", str(root), "search", query)
    return code, out, err


def _refused(capsys: Any, root: Path, query: str, says: str) -> None:
    code, out, err = _search(capsys, root, query)
    assert code == 1 and not out, (query, out)
    assert err.startswith("readq: ") and err.count("\n") == 1, err
    assert says in err, err


def _answers(capsys: Any, root: Path, query: str) -> str:
    code, out, err = _search(capsys, root, query)
    assert code == 0 and not err, (query, err)
    assert out.strip() and out.strip() != "no papers", (query, out)
    return out


def test_long_typo_word_is_refused(capsys: Any, library: Path) -> None:
    _refused(capsys, library, "exploration" * 363 + "~2", "at most 30 letters")
    _refused(capsys, library, "x" * (MAX_PATTERN_LETTERS + 1) + "~", "at most 30 letters")
    assert "Exploration" in _answers(capsys, library, "exploratoin~")


def test_typos_need_letters(capsys: Any, library: Path) -> None:
    _refused(capsys, library, "rl~", "a word of at least 3 letters")
    _refused(capsys, library, "noisy~2", "2 typos need a word of at least 6 letters")
    assert "Rainbow Teaming" in _answers(capsys, library, "rainbw~")
    assert "Exploration" in _answers(capsys, library, "explroaton~2")  # a swap and a drop


def test_too_many_typo_and_pattern_words(capsys: Any, library: Path) -> None:
    many = " ".join(f"word{i:03d}~2" for i in range(250))
    _refused(capsys, library, many, f"at most {MAX_EXPANDING_WORDS} are allowed")
    allowed = " OR ".join(["explortion~", "rainbw~", "transf*", "nethak~"])
    assert "Rainbow" in _answers(capsys, library, allowed)


def test_leading_star_is_refused(capsys: Any, library: Path) -> None:
    _refused(capsys, library, "*e*", "a * can't start a word")
    _refused(capsys, library, "title:*former", "a * can't start a word")
    assert "NetHack" in _answers(capsys, library, "n*th*ck")


def test_long_phrase_is_refused(capsys: Any, library: Path) -> None:
    words = ("the agent learns a policy in sparse reward environments " * 30).split()
    _refused(capsys, library, '"' + " ".join(words[:250]) + '"',
             f"at most {MAX_PHRASE_WORDS} words (this one has 250)")
    title = "Meta-Rewarding Language Models: Self-Improving Alignment with LLM-as-a-Meta-Judge"
    assert title in _answers(capsys, library, f'"{title}"')  # a title, quoted whole


def test_too_many_words_are_refused(capsys: Any, library: Path) -> None:
    words = "the model learns a policy from data with a reward and a language model".split()
    _refused(capsys, library, " ".join(words * 4), f"The query has 56 words; at most {MAX_WORDS}")
    _refused(capsys, library, " ".join(words * 2) + ' "' + " ".join(words) + '"',
             f"The query has 42 words; at most {MAX_WORDS}")  # phrases count too
    title = "Meta-Rewarding Language Models: Self-Improving Alignment with LLM-as-a-Meta-Judge"
    assert title in _answers(capsys, library, title)  # a title, unquoted


def test_pattern_matching_too_many_words_is_refused(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "ix")
    index.open()
    many = " ".join(f"zeta{i:04d}" for i in range(MAX_EXPANSIONS + 1))
    index.upsert([IndexDoc(id=1, title="Zeta functions", authors=["A B"], orgs=[],
                           abstract=many, note="", category=None, year=None, arxiv_id=None)])
    for raw in ("zeta*", "z*t*", "abstract:z*"):
        with pytest.raises(QueryError, match=f"matches more than {MAX_EXPANSIONS:,} different"):
            index.search(parse_query(raw))
    assert index.search(parse_query("zeta00*")) == [1]  # 100 words
    assert index.search(parse_query("zeta04*")) == [1]
    index.close()


def test_pattern_matching_too_many_places_is_refused(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # 30 papers with the same 40 words: 1,200 postings for "word*"; the bound is
    # lowered to 1,000 so that the library stays small
    monkeypatch.setattr(bounds, "MAX_EXPANSION_POSTINGS", 1000)
    monkeypatch.setattr(terms, "MAX_EXPANSION_POSTINGS", 1000)
    index = SearchIndex(tmp_path / "ix")
    index.open()
    words = " ".join(f"word{i:02d}" for i in range(40))
    index.upsert([IndexDoc(id=i, title=f"Paper {i}", authors=["A B"], orgs=[], abstract=words,
                           note="", category=None, year=None, arxiv_id=None)
                  for i in range(1, 31)])
    with pytest.raises(QueryError, match="found 1,200 times in all"):
        index.search(parse_query("word*"))
    assert len(index.search(parse_query("word0*"))) == 30  # 300 postings
    index.close()
