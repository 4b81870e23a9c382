"""A phrase matches the same word forms its words match alone; ="…" matches exactly.

On the sample dumps, through the command line as a user runs it: "language model"
and "language models" must find the same papers (the help says other forms of a
word count, and the highlighter marks "Language Models" for either).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from readq.text import fold
from tests.helpers import all_dumps, run_cli


@pytest.fixture(scope="module")
def sample_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    root = folder / "lib"
    from readq.library import Library

    with Library(root) as library:
        library.import_paths(all_dumps(folder / "dumps"))
    return root


def _titles(capsys: Any, root: Path, query: str) -> list[str]:
    code, out, err = run_cli(capsys, "--library", str(root), "search", query, "--json",
                             "--limit", "1000")
    assert code == 0, err
    return [row["title"] for row in json.loads(out)]


def test_phrase_finds_other_forms_and_counts_agree(capsys: Any, sample_library: Path) -> None:
    singular = _titles(capsys, sample_library, '"language model"')
    plural = _titles(capsys, sample_library, '"language models"')
    assert "Meta-Rewarding Language Models: Self-Improving Alignment with LLM-as-a-Meta-Judge" \
        in singular
    assert sorted(singular) == sorted(plural)
    assert len(singular) >= 70  # the plural alone is in 75 sample papers


def test_exact_phrase_finds_only_that_form(capsys: Any, sample_library: Path) -> None:
    code, out, err = run_cli(capsys, "--library", str(sample_library), "search",
                             '="language model"', "--json", "--limit", "1000")
    assert code == 0, err
    exact = json.loads(out)
    forms = _titles(capsys, sample_library, '"language model"')
    assert exact and {row["title"] for row in exact} < set(forms)
    singular = re.compile(r"(?<!\w)language\W+model(?!\w)")
    for row in exact:  # each has the singular form, the two words side by side
        assert singular.search(fold(f"{row['title']} {row['abstract']}")), row["title"]
    plural = _titles(capsys, sample_library, '="language models"')
    assert "Meta-Rewarding Language Models: Self-Improving Alignment with LLM-as-a-Meta-Judge" \
        in plural
