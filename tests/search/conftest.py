"""Fixtures for the search tests: eight realistic papers and indexes built from them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from readq.search.index import IndexDoc, SearchIndex

PAPERS: list[IndexDoc] = [
    IndexDoc(
        id=1,
        title="Transformers in Reinforcement Learning: A Survey",
        authors=["Pranav Agarwal", "Aamer Abdul Rahman", "Pierre-Luc St-Charles",
                 "Simon J. D. Prince", "Samira Ebrahimi Kahou"],
        orgs=["mila"],
        abstract=(
            "Transformers have significantly impacted natural language processing and "
            "computer vision. This survey studies how transformer architectures are used "
            "in reinforcement learning, covering representation learning, transition and "
            "reward function modelling, and policy optimisation."
        ),
        note="",
        category="LG",
        year=2023,
        arxiv_id="2307.05979",
    ),
    IndexDoc(
        id=2,
        title="RIDE: Rewarding Impact-Driven Exploration for Procedurally-Generated Environments",
        authors=["Roberta Raileanu", "Tim Rocktäschel"],
        orgs=["meta-ai", "ucl"],
        abstract=(
            "Exploration in sparse reward environments remains one of the key challenges of "
            "model-free reinforcement learning. We propose a novel type of intrinsic reward "
            "which encourages the agent to take actions that lead to significant changes in "
            "its learned state representation."
        ),
        note="Compare with count-based bonuses; **reread** before the reading group.",
        category="LG",
        year=2020,
        arxiv_id="2002.12292",
    ),
    IndexDoc(
        id=3,
        title="The NetHack Learning Environment",
        authors=["Heinrich Küttler", "Nantas Nardelli", "Alexander H. Miller",
                 "Roberta Raileanu", "Marco Selvatici", "Edward Grefenstette",
                 "Tim Rocktäschel"],
        orgs=["meta-ai", "oxford", "ucl"],
        abstract=(
            "Progress in reinforcement learning algorithms goes hand-in-hand with the "
            "development of challenging environments. We present the NetHack Learning "
            "Environment, a scalable, procedurally generated, stochastic, rich, and "
            "challenging environment for research on exploration, planning and skill "
            "acquisition."
        ),
        note="",
        category="LG",
        year=2020,
        arxiv_id="2006.13760",
    ),
    IndexDoc(
        id=4,
        title="",  # an arXiv-listing paper: no title
        authors=["Jack Lanchantin", "Sainbayar Sukhbaatar", "Gabriel Synnaeve"],
        orgs=["meta-ai"],
        abstract=(
            "We introduce a new data generator for machine reasoning that integrates with an "
            "embodied agent. The generated data consists of templated text queries and "
            "answers. Graph-structured transformers operating on a knowledge-graph "
            "representation of the database answer some questions."
        ),
        note="",
        category="CL",
        year=2023,
        arxiv_id="2309.05127",
    ),
    IndexDoc(
        id=5,
        title="DIRECTOR: Generator-Classifiers For Supervised Language Modeling",
        authors=["Kushal Arora", "Kurt Shuster", "Sainbayar Sukhbaatar", "Jason Weston"],
        orgs=["meta-ai", "mila"],
        abstract=(
            "Current language models achieve low perplexity but their resulting generations "
            "still suffer from toxic responses, repetitiveness and contradictions. We "
            "introduce a unified generator-classifier with both a language modeling and a "
            "classification head for each output token."
        ),
        note="",
        category="CL",
        year=2022,
        arxiv_id="2206.07694",
    ),
    IndexDoc(
        id=6,
        title="Decision Transformer: Reinforcement Learning via Sequence Modeling",
        authors=["Lili Chen", "Kevin Lu", "Aravind Rajeswaran", "Kimin Lee", "Aditya Grover",
                 "Michael Laskin", "Pieter Abbeel", "Aravind Srinivas", "Igor Mordatch"],
        orgs=["berkeley", "google"],
        abstract=(
            "We introduce a framework that abstracts reinforcement learning as a sequence "
            "modeling problem. Decision Transformer simply outputs the optimal actions by "
            "leveraging a causally masked transformer."
        ),
        note="",
        category="LG",
        year=2021,
        arxiv_id="2106.01345",
    ),
    IndexDoc(
        id=7,
        title=(
            "Generalization in Reinforcement Learning with Selective Noise Injection and "
            "Information Bottleneck"
        ),
        authors=["Maximilian Igl", "Kamil Ciosek", "Yingzhen Li", "Sebastian Tschiatschek",
                 "Cheng Zhang", "Sam Devlin", "Katja Hofmann"],
        orgs=["microsoft", "oxford"],
        abstract=(
            "The ability for policies to generalize to new environments is key to the broad "
            "application of RL agents. We study regularization techniques such as dropout and "
            "batch normalization, and propose selective noise injection together with an "
            "information bottleneck."
        ),
        note="Reread section 4: the bottleneck ablation is neat.",
        category="LG",
        year=2019,
        arxiv_id="1910.12911",
    ),
    IndexDoc(
        id=8,
        title="Rainbow Teaming: Open-Ended Generation of Diverse Adversarial Prompts",
        authors=["Mikayel Samvelyan", "Sharath Chandra Raparthy", "Andrei Lupu", "Eric Hambro",
                 "Jakob Foerster", "Tim Rocktäschel", "Roberta Raileanu"],
        orgs=["meta-ai", "ucl", "oxford"],
        abstract=(
            "As large language models become increasingly prevalent, understanding and "
            "enhancing their robustness to adversarial prompts is paramount. We present "
            "Rainbow Teaming, a quality-diversity approach to generating diverse adversarial "
            "prompts; it also applies to transformer-based chat models."
        ),
        note="",
        category="CL",
        year=2024,
        arxiv_id="2402.16822",
    ),
]

ALL_IDS = {p.id for p in PAPERS}


def build_index(directory: Path) -> SearchIndex:
    index = SearchIndex(directory)
    index.open()
    index.upsert(PAPERS)
    return index


@pytest.fixture(scope="module")
def shared_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    """A read-only index of PAPERS shared by a test module (do not modify it)."""
    index = build_index(tmp_path_factory.mktemp("shared-index"))
    yield index
    index.close()


@pytest.fixture
def fresh_index(tmp_path: Path) -> Iterator[SearchIndex]:
    """An index of PAPERS that the test may change."""
    index = build_index(tmp_path / "index")
    yield index
    index.close()


@pytest.fixture(scope="session")
def papers() -> list[IndexDoc]:
    """The eight fixture papers (ids 1..8)."""
    return list(PAPERS)
