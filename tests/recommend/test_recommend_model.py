"""The recommender without a store: features, decisions, model, explanations."""

from __future__ import annotations

import random

import numpy as np

from readq.recommend.decisions import Decision, decisions_for_tag, decisions_from_states
from readq.recommend.explain import why, why_similar
from readq.recommend.features import build_features
from readq.recommend.model import TasteModel
from readq.store.signals import PaperText, StateRow

ROBOTS = ("robot grasping manipulation gripper dexterous tactile arm contact pick place "
          "locomotion legged quadruped trajectory control policy sim-to-real").split()
PROTEINS = ("protein folding molecular structure amino residue binding enzyme ligand "
            "docking sequence conformation biology peptide antibody").split()
COMMON = ("we propose novel method results show approach paper experiments evaluate "
          "performance state art benchmark data model training learning").split()


def topic_paper(pid: int, topic: list[str], rng: random.Random, day: int = 1) -> PaperText:
    words = rng.choices(topic, k=25) + rng.choices(COMMON, k=40)
    rng.shuffle(words)
    title = " ".join(rng.choices(topic, k=4)).title()
    return PaperText(pid, f"{title} {pid}", " ".join(words), [f"Author {pid % 37}"],
                     f"2024-01-{day:02d}", "2024-02-01T00:00:00+00:00")


def corpus(n: int = 120, seed: int = 1) -> tuple[list[PaperText], dict[int, str]]:
    rng = random.Random(seed)
    papers, topic = [], {}
    for pid in range(1, n + 1):
        kind = "robots" if pid % 2 else "proteins"
        papers.append(topic_paper(pid, ROBOTS if kind == "robots" else PROTEINS, rng,
                                  day=1 + pid % 28))
        topic[pid] = kind
    return papers, topic


def test_a_reader_who_likes_one_topic_gets_it_first_on_held_apart_papers():
    papers, topic = corpus()
    features = build_features(papers)
    rated = list(range(1, 21))  # ten of each topic
    decisions = decisions_from_states(
        StateRow(pid, "unread", 5 if topic[pid] == "robots" else 1, False, False, False, False)
        for pid in rated)
    model = TasteModel(features, decisions)
    assert model.ready
    held_apart = list(range(21, 121))
    ranked = [s.paper_id for s in model.rank(held_apart)]
    assert len(ranked) == 100
    assert {topic[i] for i in ranked[:50]} == {"robots"}
    assert {topic[i] for i in ranked[50:]} == {"proteins"}


def test_a_tag_makes_its_papers_the_positives():
    papers, topic = corpus()
    model = TasteModel(build_features(papers),
                       decisions_for_tag("bio", [2, 4, 6, 8, 10, 12]))
    ranked = [s.paper_id for s in model.rank(range(21, 121), limit=10)]
    assert {topic[i] for i in ranked} == {"proteins"}


def test_explanations_name_real_rated_papers_and_their_decisions():
    papers, topic = corpus()
    features = build_features(papers)
    decisions = [Decision(1, 2.0, "rated 5★"), Decision(3, 1.0, "queued"),
                 Decision(2, -1.5, "rated 1★"), Decision(4, -1.0, "dismissed"),
                 Decision(5, 1.0, "read")]
    model = TasteModel(features, decisions)
    best = model.rank(range(6, 121), limit=1)[0].paper_id
    sentence = why(model, best)
    liked_titles = {papers[i - 1].title: d.reason for i, d in ((1, decisions[0]),
                                                               (3, decisions[1]),
                                                               (5, decisions[4]))}
    named = [t for t in liked_titles if f"“{t}”" in sentence]
    assert named, sentence
    assert all(f"“{t}” ({liked_titles[t]})" in sentence for t in named)
    assert "dismissed" not in sentence.split(";")[0]
    worst = model.rank(range(6, 121))[-1].paper_id
    assert topic[worst] == "proteins"


def test_cold_start_is_newest_first_and_says_so():
    papers, _ = corpus(30)
    features = build_features(papers)
    model = TasteModel(features, [Decision(1, -1.0, "dismissed")])
    assert not model.ready  # nothing wanted yet
    ranked = model.rank([p.id for p in papers])
    days = [features.days[features.row(s.paper_id)] for s in ranked]
    assert days == sorted(days, reverse=True)
    assert why(model, ranked[0].paper_id) == (
        "Newest first: readq ranks by your taste once you want a paper "
        "(rate, queue or read one; 1 decision so far).")
    assert TasteModel(features, [Decision(1, 2.0, "rated 5★")]).ready


def test_signals_add_up_and_cancel_out():
    found = decisions_from_states([
        StateRow(1, "read", 5, True, True, False, False),
        StateRow(2, "unread", 0, False, False, True, True),
        StateRow(3, "read", 2, False, False, False, False),  # read, then rated low: nothing
    ])
    by_id = {d.paper_id: d for d in found}
    assert by_id[1].weight == 2.0 + 1.0 + 1.0 + 0.5
    assert by_id[1].reason == "rated 5★, queued, read and noted"
    assert by_id[2].weight == -3.0 and not by_id[2].positive
    assert 3 not in by_id


def test_similar_papers_share_words_and_say_which():
    papers, topic = corpus()
    features = build_features(papers)
    row = features.row(1)
    sims = (features.matrix @ features.matrix[row].T).toarray().ravel()
    sims[row] = -1
    best = int(np.argmax(sims))
    assert topic[int(features.ids[best])] == "robots"
    sentence = why_similar(features, row, best)
    assert f"“{papers[0].title}”" in sentence
    # the topic's words are in half the papers here: too common to be named
    assert sentence.startswith("By Author ")


def test_features_extend_with_the_same_vocabulary():
    papers, _ = corpus(60)
    features = build_features(papers[:40])
    more = features.extend(papers[40:])
    assert list(more.ids) == list(range(1, 61))
    again = build_features(papers[:40]).extend(papers[40:])
    assert (more.matrix != again.matrix).nnz == 0
    fewer = more.without({5, 6})
    assert 5 not in set(fewer.ids) and len(fewer) == 58


def test_papers_without_words_or_authors_still_rank():
    papers = [PaperText(i, "", "", [], None, "2024-01-01T00:00:00+00:00") for i in (1, 2)]
    features = build_features(papers)
    assert features.matrix.shape[0] == 2 and features.matrix.nnz == 0
    model = TasteModel(features, [])
    assert [s.paper_id for s in model.rank([2, 1])] == [2, 1]
    assert len(build_features([])) == 0
