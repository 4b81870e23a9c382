"""What a reader sees of whole topics: one turned down sinks below a topic they never
touched, a tag's papers bring up that tag's topic, and a "why" names distinctive
terms and the turned-down topic, never the library's common words.

The papers are generated like real abstracts in one respect that matters: two
papers of one topic share few exact words (each draws 10 of its topic's 40 words
among 30 common ones), so a topic is seen across papers, not in one; and each
topic is a small share of the library (six topics).
"""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

from readq.recommend.decisions import Decision, decisions_for_tag
from readq.recommend.explain import why
from readq.recommend.features import build_features
from readq.recommend.model import TasteModel
from readq.store.signals import PaperText

TOPICS = ("robots", "proteins", "galaxies", "markets", "poetry", "soils")
COMMON = [f"common{i}" for i in range(200)]
TOPIC_WORDS = {t: [f"{t[:4]}{i}" for i in range(40)] for t in TOPICS}
PER_TOPIC = 60
EXPLAIN_SHARE = 0.05  # no term of a "why" is in more of the library's papers than this


def library(seed: int = 3) -> tuple[list[PaperText], dict[int, str]]:
    rng = random.Random(seed)
    papers, topic = [], {}
    for pid in range(1, 1 + PER_TOPIC * len(TOPICS)):
        name = TOPICS[pid % len(TOPICS)]
        words = rng.sample(TOPIC_WORDS[name], 10) + rng.choices(COMMON, k=30)
        rng.shuffle(words)
        # the newest papers are of the turned-down topic: recency must not lift them
        day = 28 if name == "proteins" else 1 + pid % 20
        papers.append(PaperText(pid, " ".join(words[:5]), " ".join(words[5:]),
                                [f"Author {rng.randrange(400)}"], f"2024-03-{day:02d}",
                                "2024-04-01T00:00:00+00:00"))
        topic[pid] = name
    return papers, topic


def auc(first: list[int], second: list[int], order: list[int]) -> float:
    """How often a paper of ``first`` comes before one of ``second`` in ``order``."""
    place = {pid: n for n, pid in enumerate(order)}
    pairs = [(place[a] < place[b]) for a in first for b in second]
    return float(np.mean(pairs))


def decide(topic: dict[int, str], wanted: str, turned: str, each: int
           ) -> tuple[list[Decision], set[int]]:
    """``each`` papers of ``wanted`` rated 5★ and ``each`` of ``turned`` rated 1★ or
    dismissed; the reader never touched the other topics."""
    chosen = [p for p in topic if topic[p] == wanted][:each]
    refused = [p for p in topic if topic[p] == turned][:each]
    decisions = [Decision(p, 2.0, "rated 5★") for p in chosen]
    decisions += [Decision(p, -1.5 if n % 2 else -1.0, "rated 1★" if n % 2 else "dismissed")
                  for n, p in enumerate(refused)]
    return decisions, set(chosen) | set(refused)


@pytest.fixture(scope="module")
def corpus():
    papers, topic = library()
    return build_features(papers), papers, topic


def test_a_turned_down_topic_ranks_below_an_unrelated_neutral_topic(corpus):
    features, _, topic = corpus
    decisions, decided = decide(topic, "robots", "proteins", each=6)
    model = TasteModel(features, decisions)
    order = model.order([p for p in topic if p not in decided])
    held = {t: [p for p in order if topic[p] == t] for t in TOPICS}
    others = [p for p in order if topic[p] != "robots"]
    assert auc(held["robots"], others, order) > 0.95
    # every topic the reader never touched stays above the one they turned down
    for neutral in ("galaxies", "markets", "poetry", "soils"):
        assert auc(held[neutral], held["proteins"], order) > 0.9, neutral


def test_a_tags_papers_bring_up_that_tags_topic(corpus):
    features, _, topic = corpus
    tagged = [p for p in topic if topic[p] == "galaxies"][:5]
    model = TasteModel(features, decisions_for_tag("astro", tagged))
    order = model.order([p for p in topic if p not in tagged])
    galaxies = [p for p in order if topic[p] == "galaxies"]
    others = [p for p in order if topic[p] != "galaxies"]
    assert auc(galaxies, others, order) > 0.95
    assert {topic[p] for p in order[:20]} == {"galaxies"}


def _named_terms(sentence: str) -> list[str]:
    found = re.search(r"(?:; |^)[Ff]or ([^;.]+)", sentence)
    return found.group(1).split(", ") if found else []


def test_a_why_names_distinctive_terms_never_the_librarys_common_words(corpus):
    features, papers, topic = corpus
    decisions, decided = decide(topic, "robots", "proteins", each=6)
    model = TasteModel(features, decisions)
    ranked = model.order([p for p in topic if p not in decided])
    share = {}
    for p in papers:
        for word in set(f"{p.title} {p.abstract}".split()):
            share[word] = share.get(word, 0) + 1 / len(papers)
    named = []
    for pid in ranked[:20]:
        terms = _named_terms(why(model, pid))
        named += [w for term in terms for w in term.split()]
    assert named, "the best papers' explanations name the terms they are ranked for"
    assert all(share[w] <= EXPLAIN_SHARE for w in named), named
    assert all(w.startswith("robo") for w in named), named  # the wanted topic's words


def test_lowered_names_the_turned_down_topic(corpus):
    features, papers, topic = corpus
    decisions, decided = decide(topic, "robots", "proteins", each=6)
    model = TasteModel(features, decisions)
    ranked = model.order([p for p in topic if p not in decided])
    protein = next(p for p in reversed(ranked) if topic[p] == "proteins")
    sentence = why(model, protein)
    lowered = re.search(r"[Ll]owered: on ([^,(]+(?:, [^,(]+)?), a topic you turned down "
                        r"\((\d+) papers like it, e\.g\. “([^”]+)”, which you "
                        r"(rated 1★|dismissed)\)", sentence)
    assert lowered, sentence
    assert all(w.startswith("prot") for term in lowered.group(1).split(", ")
               for w in term.split()), sentence
    assert int(lowered.group(2)) >= 2
    titles = {papers[d.paper_id - 1].title for d in decisions if not d.positive}
    assert lowered.group(3) in titles
