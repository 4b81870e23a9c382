"""Highlighting searched words: whole words from their start, any case and accents."""

from __future__ import annotations

from readq.ui.highlight import highlight_html, match_spans, plain_words


def marked(text: str, terms: list[str]) -> list[str]:
    return [text[a:b] for a, b in match_spans(text, terms)]


def test_words_match_from_their_start_to_the_end_of_the_word() -> None:
    text = "Transformers and transformer-based agents; a transform."
    assert marked(text, ["transformer"]) == ["Transformers", "transformer"]
    assert marked(text, ["agent"]) == ["agents"]
    assert marked("reagent", ["agent"]) == []


def test_accents_and_case_are_folded_but_the_text_is_kept() -> None:
    assert marked("Heinrich Küttler et al.", ["kuttler"]) == ["Küttler"]


def test_phrases_span_punctuation_and_spaces() -> None:
    assert marked("large  language-models are", ["language models"]) == ["language-models"]


def test_html_is_escaped_and_spans_are_coloured() -> None:
    out = highlight_html("<b>agent</b>", ["agent"], "#123456", "#ffffff")
    assert out.startswith("&lt;b&gt;<span style=")
    assert "#123456" in out and ">agent</span>" in out


def test_plain_words_drop_operators_and_fields() -> None:
    assert plain_words('title:agent OR "memory tasks" -x NOT year:2024') == \
        ["agent", "memory", "tasks", "2024"]
