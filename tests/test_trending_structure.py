"""Trending lists: titles that read like prose are placed by the page's structure."""

from __future__ import annotations

from datetime import date

import pytest

from readq.parsing import parse_text

TODAY = date(2026, 11, 20)
HEAD = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nMar 11\n\n"
ABSTRACTS = [
    ("Large language models can be steered at inference time without any retraining, and "
     "we show how a small controller learns to do so from a handful of demonstrations."),
    ("We present a benchmark of one thousand tasks in which agents must plan, remember and "
     "act over long horizons; current systems solve fewer than a third of them."),
    ("Diffusion models generate images from noise by reversing a gradual corruption process, "
     "and here we study when that reversal provably succeeds in high dimensions."),
]
PROSE_TITLES = [
    "Attention Is Not All You Need. Pure Attention Loses Rank Doubly Exponentially with Depth.",
    "Are Emergent Abilities of Large Language Models a Mirage?",
    "Stop Regressing!",
    "Grokking",
    '"Why Should I Trust You?": Explaining the Predictions of Any Classifier',
    "Bounds on $\\alpha_s$ from $e^+e^-$ Annihilation at $\\sqrt{s} = 91$ GeV",
    ("Language models are few-shot learners and this title is long enough to read as a "
     "sentence of prose with many small words in it, as some real titles do today."),
]


def _dump(pairs: list[tuple[str, str]]) -> str:
    return HEAD + "\n\n".join(f"{t}\n\n{a}" for t, a in pairs) + "\n"


@pytest.mark.parametrize("title", PROSE_TITLES)
def test_prose_like_title_between_records_is_a_title(title):
    pairs = [("A Plain First Title", ABSTRACTS[0]), (title, ABSTRACTS[1]),
             ("A Plain Last Title", ABSTRACTS[2])]
    result = parse_text(_dump(pairs), captured=TODAY)
    assert [(r.title, r.abstract) for r in result.records] == pairs
    assert result.problems == []


def test_a_short_abstract_is_still_an_abstract():
    pairs = [("First", ABSTRACTS[0]), ("Second Paper", "We show it works."),
             ("Third Paper", ABSTRACTS[2])]
    result = parse_text(_dump(pairs), captured=TODAY)
    assert [(r.title, r.abstract) for r in result.records] == pairs
    assert result.unsure == {"title_abstract": 1}


def test_title_without_abstract_is_reported_not_repaired():
    text = _dump([("First Title", ABSTRACTS[0])]) + "\nAn Orphan Title\n\nNext Title\n\n" \
        + ABSTRACTS[1] + "\n"
    result = parse_text(text, captured=TODAY)
    assert [(r.title, r.abstract) for r in result.records] == [
        ("First Title", ABSTRACTS[0]), ("Next Title", ABSTRACTS[1])]
    orphan_line = text.split("\n").index("An Orphan Title") + 1
    assert [(p.line, "has no abstract" in p.message) for p in result.problems] == [
        (orphan_line, True)]


def test_paragraph_after_blank_line_is_reported_either_way():
    # a further paragraph of the last abstract, or the title of a cut-off record:
    # readq may not know which, but it names the line
    text = _dump([("First Title", ABSTRACTS[0])]) + "\n" + ABSTRACTS[1] + "\n"
    result = parse_text(text, captured=TODAY)
    assert [r.title for r in result.records] == ["First Title"]
    line = text.split("\n").index(ABSTRACTS[1]) + 1
    assert [p.line for p in result.problems] == [line]


def test_paragraph_between_records_after_blank_line_is_a_reported_continuation():
    long_paragraph = ABSTRACTS[1] + " " + ABSTRACTS[2]
    text = (_dump([("First Title", ABSTRACTS[0])]) + "\n" + long_paragraph + "\n\n"
            + "Second Title\n\n" + ABSTRACTS[2] + "\n")
    result = parse_text(text, captured=TODAY)
    assert [(r.title, r.abstract) for r in result.records] == [
        ("First Title", f"{ABSTRACTS[0]} {long_paragraph}"), ("Second Title", ABSTRACTS[2])]
    assert result.unsure == {"title_abstract": 1}
    assert "continuing" in result.problems[0].message


def test_long_list_streams_in_windows_without_shifting():
    pairs = [(PROSE_TITLES[i % len(PROSE_TITLES)] + f" {i}", ABSTRACTS[i % 3])
             for i in range(300)]
    result = parse_text(_dump(pairs), captured=TODAY)
    assert [(r.title, r.abstract) for r in result.records] == pairs
