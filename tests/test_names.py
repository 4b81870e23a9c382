"""Author lines and the title/first-author split of compact profiles, in general."""

from __future__ import annotations

import pytest

from readq.names import split_author_line, split_title_and_authors


def test_author_line_with_et_al_and_orgs():
    line = "Kushal Arora, Kurt Shuster, Sainbayar Sukhbaatar et al. · meta-ai, mila"
    parsed = split_author_line(line)
    assert parsed.authors == ["Kushal Arora", "Kurt Shuster", "Sainbayar Sukhbaatar"]
    assert parsed.truncated and parsed.orgs == ["meta-ai", "mila"]


def test_author_line_suffix_stays_with_name():
    assert split_author_line("John Smith, Jr., Ann Lee").authors == ["John Smith Jr.", "Ann Lee"]


@pytest.mark.parametrize(
    ("glued", "title", "first"),
    [
        ("Toolformer: Language Models Can Teach Themselves to Use ToolsTimo Schick, Jane Dwivedi-Yu",
         "Toolformer: Language Models Can Teach Themselves to Use Tools", "Timo Schick"),
        ("Exploration in Contextual MDPsMikael Henaff, Minqi Jiang",
         "Exploration in Contextual MDPs", "Mikael Henaff"),
        ("Scaling Laws Revisited?Jared Kaplan, Sam McCandlish", "Scaling Laws Revisited?",
         "Jared Kaplan"),
        ("Just Do It!Ann Lee, Bo Chen", "Just Do It!", "Ann Lee"),
        ("Going Deeper (with Convolutions)Christian Szegedy, Wei Liu",
         "Going Deeper (with Convolutions)", "Christian Szegedy"),
        ("Llama 2Hugo Touvron, Louis Martin", "Llama 2", "Hugo Touvron"),
        ("Neural Discrete Representation Learningvan den Oord, Oriol Vinyals",
         "Neural Discrete Representation Learning", "van den Oord"),
        ("Deep Learning in PyTorchJ.-P. Dupont, Yann LeCun", "Deep Learning in PyTorch",
         "J.-P. Dupont"),
        ("Motif: Intrinsic MotivationPierluca D'Oro, Ann Lee", "Motif: Intrinsic Motivation",
         "Pierluca D'Oro"),
        ("A Study of ŁódźŁukasz Kaiser, Çağlar Gülçehre", "A Study of Łódź", "Łukasz Kaiser"),
        ("Learning Scalable ControlJean-Baptiste Gaya, Thang Doan", "Learning Scalable Control",
         "Jean-Baptiste Gaya"),
        ("Teaching Models to ReasonAlex Havrilla, Yuqing Du", "Teaching Models to Reason",
         "Alex Havrilla"),
        ("GPT-4 Technical Report 2023OpenAI, Josh Achiam", "GPT-4 Technical Report 2023",
         "OpenAI"),
        ("DeepSeek-V3 Technical ReportDeepSeek-AI, Aixin Liu", "DeepSeek-V3 Technical Report",
         "DeepSeek-AI"),
        ("Gemini: A Family of Highly Capable Multimodal ModelsGemini Team, Rohan Anil",
         "Gemini: A Family of Highly Capable Multimodal Models", "Gemini Team"),
        ("Attention for Mandarin Speech李明, 王伟", "Attention for Mandarin Speech", "李明"),
        ("Learning from DemonstrationsMausam, Dan Weld", "Learning from Demonstrations", "Mausam"),
        ("Robust Agents via RLHFRobert Kirk", "Robust Agents via RLHF", "Robert Kirk"),
        ("On LLaMAMaria Smith", "On LLaMA", "Maria Smith"),
    ],
)
def test_split_title_and_first_author(glued, title, first):
    split = split_title_and_authors(glued)
    assert split is not None
    assert split[0] == title
    assert split[1][0] == first


def test_known_names_break_ties():
    glued = "Learning with McDonaldsMcKenzie Smith, Bo Chen"
    assert split_title_and_authors(glued)[1][0] == "McKenzie Smith"


def test_no_split_possible_returns_none():
    assert split_title_and_authors("all lower case words with no names at all") is None
