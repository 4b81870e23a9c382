"""A paper retitled between arXiv versions: near-identical abstracts with different titles
become a possible duplicate for the user; the same arXiv id merges them."""

from __future__ import annotations

import json

from readq.library import Library
from tests.helpers import run_cli

OPENING = ("We study how large language models can be taught to reason over long "
           "documents by training them on synthetic chains of retrieval steps that they "
           "write themselves, without human labels. ")
VERSION_1 = OPENING + ("Our experiments on three benchmarks show gains of four points over "
                       "strong baselines, and an ablation isolates the retrieval chains.")
VERSION_2 = OPENING + ("Across five question answering suites the method improves accuracy "
                       "markedly, while analysis attributes most of it to self-written "
                       "evidence trails and curriculum ordering.")
TRENDING_HEAD = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nMar 11\n\n"
OTHER = ("Diffusion models generate images by reversing a noising process, and we show a "
         "sampler that needs ten times fewer steps at the same quality on standard sets.")


def trending(path, *pairs: tuple[str, str]):
    path.write_text(TRENDING_HEAD + "\n\n".join(f"{t}\n\n{a}" for t, a in pairs) + "\n",
                    encoding="utf-8")
    return str(path)


def imported(capsys, lib: str, path: str) -> dict:
    code, out, err = run_cli(capsys, "import", path, "--json", "--library", lib)
    assert code == 0, err
    return json.loads(out)["files"][0]


def papers(capsys, lib: str) -> list[dict]:
    code, out, err = run_cli(capsys, "export", "--library", lib)
    assert code == 0, err
    return json.loads(out)


def test_retitled_version_becomes_a_possible_duplicate(tmp_path, capsys):
    lib = str(tmp_path / "lib")
    old = trending(tmp_path / "old.txt", ("Self-Taught Retrieval Chains", VERSION_1),
                   ("Fast Diffusion Sampling", OTHER))
    new = trending(tmp_path / "new.txt",
                   ("Teaching Language Models to Reason over Long Documents", VERSION_2))
    assert imported(capsys, lib, old)["new"] == 2
    report = imported(capsys, lib, new)
    assert (report["new"], report["possible_duplicates"]) == (0, 1)
    with Library(tmp_path / "lib") as library:  # what the Duplicates view lists
        pairs = library.possible_duplicates()
    titles = {p["id"]: p["title"] for p in papers(capsys, lib)}
    assert len(pairs) == 1
    assert {titles[pairs[0]["paper_id"]], titles[pairs[0]["other_id"]]} == {
        "Self-Taught Retrieval Chains",
        "Teaching Language Models to Reason over Long Documents"}


def test_different_papers_with_a_common_opening_phrase_stay_apart(tmp_path, capsys):
    lib = str(tmp_path / "lib")
    shared_start = "In this paper we propose a new method. "
    first = trending(tmp_path / "a.txt", ("Method A", shared_start + VERSION_1[len(OPENING):]))
    second = trending(tmp_path / "b.txt", ("Method B", shared_start + OTHER))
    imported(capsys, lib, first)
    report = imported(capsys, lib, second)
    assert (report["new"], report["possible_duplicates"]) == (1, 0)


def test_the_same_arxiv_id_merges_the_versions(tmp_path, capsys):
    lib = str(tmp_path / "lib")
    new = trending(tmp_path / "new.txt",
                   ("Teaching Language Models to Reason over Long Documents", VERSION_2))
    listing_v2 = tmp_path / "v2.txt"
    listing_v2.write_text(VERSION_2 + "\narXiv:2403.01234\n", encoding="utf-8")
    listing_v1 = tmp_path / "v1.txt"
    listing_v1.write_text(VERSION_1 + "\narXiv:2403.01234v1\n", encoding="utf-8")
    imported(capsys, lib, new)
    assert imported(capsys, lib, str(listing_v2))["merged"] == 1
    report = imported(capsys, lib, str(listing_v1))
    assert (report["new"], report["possible_duplicates"]) == (0, 0)
    [paper] = papers(capsys, lib)
    assert paper["arxiv_id"] == "2403.01234" and len(paper["sources"]) == 3
