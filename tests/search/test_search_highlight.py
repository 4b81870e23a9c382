"""Highlighting searched terms in a paper's detail text."""

from __future__ import annotations

from readq.search.highlight import highlight_spans
from readq.search.index import SearchIndex
from readq.search.query import parse_query
from readq.search.schema import fold, normalize_arxiv_id, normalize_org


def marked(text: str, terms: list[str]) -> list[str]:
    return [text[a:b] for a, b in highlight_spans(text, terms)]


def test_accent_folded_terms_mark_the_original_text() -> None:
    text = "Heinrich Küttler and Tim Rocktäschel"
    assert marked(text, ["kuttler", "rocktaschel"]) == ["Küttler", "Rocktäschel"]


def test_terms_match_at_word_starts_only() -> None:
    text = "Transformers transform; retransform"
    assert marked(text, ["transform"]) == ["Transform", "transform"]


def test_phrases_span_punctuation() -> None:
    text = "A state-of-the-art model. State of the art!"
    assert marked(text, ["state of the art"]) == ["state-of-the-art", "State of the art"]


def test_overlapping_terms_merge() -> None:
    text = "intrinsic reward"
    assert highlight_spans(text, ["intrinsic reward", "reward", "intrinsic"]) == [(0, 16)]


def test_nothing_to_mark() -> None:
    assert highlight_spans("", ["x"]) == []
    assert highlight_spans("text", []) == []
    assert highlight_spans("text", ["", "..."]) == []
    assert highlight_spans("text", ["(", "a+b"]) == []


def test_highlighting_a_search_end_to_end(shared_index: SearchIndex) -> None:
    q = parse_query("author:kuttler netheck~ title:environment")
    terms = shared_index.terms_for_highlight(q)
    title = "The NetHack Learning Environment"
    authors = "Heinrich Küttler, Nantas Nardelli"
    assert marked(title, terms) == ["NetHack", "Environment"]
    assert marked(authors, terms) == ["Küttler"]


def test_normalisation_helpers() -> None:
    assert fold("Heinrich KÜTTLER") == "heinrich kuttler"
    assert normalize_org(" Google DeepMind ") == "google-deepmind"
    assert normalize_org("a, b") == "a-b"
    assert normalize_arxiv_id("arXiv:2401.10020v3") == "2401.10020"
    assert normalize_arxiv_id("https://arxiv.org/abs/2401.10020") == "2401.10020"
    assert normalize_arxiv_id("https://arxiv.org/pdf/2401.10020v1.pdf") == "2401.10020"
    assert normalize_arxiv_id("hep-th/9901001v2") == "hep-th/9901001"


def test_a_phrase_highlights_the_forms_it_finds(shared_index: SearchIndex) -> None:
    # paper 8 has "large language models": found by "language model", so marked too
    terms = shared_index.terms_for_highlight(parse_query('"language model" -rainbowx'))
    assert terms[0] == "language model" and "language models" in terms
    text = "As large language models become prevalent; a language model."
    assert marked(text, terms) == ["language models", "language model"]
    exact = shared_index.terms_for_highlight(parse_query('="language model"'))
    assert exact == ["language model"]
