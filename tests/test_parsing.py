"""The four dump kinds parse into the right records, fields and problems."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from readq.models import DumpError, DumpFormat
from readq.parsing import parse_file, parse_text
from tests.helpers import ARXIV, COMPACT, PROFILE, TRENDING, dump_copy

TODAY = date(2026, 11, 20)


def by_title(result, start: str):
    return next(r for r in result.records if r.title and r.title.startswith(start))


@pytest.mark.parametrize(
    ("name", "kind", "count"),
    [(PROFILE, DumpFormat.PROFILE, 50), (ARXIV, DumpFormat.ARXIV, 10),
     (TRENDING, DumpFormat.TRENDING, 70), (COMPACT, DumpFormat.COMPACT, 43)],
)
def test_fixture_kind_and_record_count(tmp_path, name, kind, count):
    result = parse_file(dump_copy(name, tmp_path))
    assert result.format is kind
    assert len(result.records) == count
    assert result.problems == []
    assert [r.index for r in result.records] == list(range(count))
    assert all(r.abstract for r in result.records)


def test_profile_fields(tmp_path):
    result = parse_file(dump_copy(PROFILE, tmp_path))
    first = result.records[0]
    assert first.title == "A Data Source for Reasoning Embodied Agents"
    assert first.authors == ["Jack Lanchantin", "Sainbayar Sukhbaatar", "Gabriel Synnaeve"]
    assert first.authors_truncated
    assert first.orgs == ["meta-ai"]
    assert first.category == "LG"
    assert first.published == date(2023, 9, 14) and not first.year_inferred
    assert first.has_code
    assert first.abstract.startswith("Recent progress in using machine learning")
    assert first.abstract.endswith("github.com/facebookresearch/neuralmemory")
    director = result.records[1]
    assert director.orgs == ["meta-ai", "mila"] and not director.has_code
    last = result.records[-1]
    assert last.authors == ["Sainbayar Sukhbaatar", "Emily Denton", "Arthur Szlam"]
    assert last.orgs == []


def test_yearless_dates_resolve_against_file_mtime(tmp_path):
    april_2020 = parse_file(dump_copy(PROFILE, tmp_path / "a", datetime(2020, 4, 15)))
    feb_2020 = parse_file(dump_copy(PROFILE, tmp_path / "b", datetime(2020, 2, 1)))
    title = "Reasoning over mathematical objects"
    assert by_title(april_2020, title).published == date(2020, 3, 19)
    assert by_title(april_2020, title).year_inferred
    assert by_title(feb_2020, title).published == date(2019, 3, 19)
    # a date with its year is never moved
    assert april_2020.records[0].published == date(2023, 9, 14)


def test_yearless_date_on_the_capture_day_is_that_day():
    text = "LGMar 19\nA Title Here\n\nAnn Lee, Bo Chen\n\n" + "Words of the abstract. " * 12
    result = parse_text(text, captured=date(2024, 3, 19))
    assert result.records[0].published == date(2024, 3, 19)


def test_compact_fields_and_score(tmp_path):
    result = parse_file(dump_copy(COMPACT, tmp_path, datetime(2026, 11, 20)))
    tool = result.records[0]
    assert tool.title == "Toolformer: Language Models Can Teach Themselves to Use Tools"
    assert tool.authors == ["Timo Schick", "Jane Dwivedi-Yu", "Roberto Dessì", "Roberta Raileanu"]
    assert tool.authors_truncated and tool.orgs == ["meta-ai", "uw"]
    procedural = by_title(result, "Procedural Generation")
    assert procedural.score == 99.1 and procedural.has_code
    assert procedural.published == date(2026, 3, 18) and procedural.year_inferred
    assert procedural.authors[0] == "Alexander D. Goldie"


@pytest.mark.parametrize(
    ("title", "first_author"),
    [
        ("A Study of Global and Episodic Bonuses for Exploration in Contextual MDPs",
         "Mikael Henaff"),
        ("The NetHack Learning Environment", "Heinrich Küttler"),
        ("AI Research Agents for Machine Learning: Search, Exploration, and Generalization in "
         "MLE-bench", "Edan Toledo"),
        ('Backplay: "Man muss immer umkehren"', "Cinjon Resnick"),
        ("Open-Ended Learning Leads to Generally Capable Agents", "Open Ended Learning Team"),
        ("Learning with AMIGo: Adversarially Motivated Intrinsic Goals", "Andres Campero"),
        ("GLoRe: When, Where, and How to Improve LLM Reasoning via Global and Local Refinements",
         "Alex Havrilla"),
        ("Understanding the Effects of RLHF on LLM Generalisation and Diversity", "Robert Kirk"),
        ("Teaching Large Language Models to Reason with Reinforcement Learning", "Alex Havrilla"),
        ("Motif: Intrinsic Motivation from Artificial Intelligence Feedback", "Martin Klissarov"),
    ],
)
def test_compact_title_author_split(tmp_path, title, first_author):
    result = parse_file(dump_copy(COMPACT, tmp_path))
    record = next(r for r in result.records if r.title == title)
    assert record.authors[0] == first_author


def test_arxiv_ids_belong_to_the_abstract_before(tmp_path):
    result = parse_file(dump_copy(ARXIV, tmp_path))
    ids = [r.arxiv_id for r in result.records]
    assert ids == ["2401.10020", "2312.16682", "2311.11829", "2309.07974", "2306.04707",
                   "2305.05364", "2305.00833", "2304.11063", "2302.08063", "2301.02099"]
    assert result.records[0].abstract.startswith("We posit that to achieve superhuman agents")
    assert result.records[1].abstract.startswith("Practitioners commonly align")
    self_notes = result.records[6]
    assert "Self-Notes" in self_notes.abstract
    assert self_notes.comments == "15 pages, 5 figures, 6 tables"
    assert "15 pages" not in self_notes.abstract
    video = result.records[8]
    assert video.abstract.startswith("Video understanding tasks take many forms")
    assert result.records[7].journal_ref == (
        "Reincarnating Reinforcement Learning Workshop at ICLR 2023")
    last = result.records[9]
    assert last.journal_ref == "6th Conference on Robot Learning (CoRL 2022)"
    assert last.comments == "Code: https://github.com/facebookresearch/go-fresh"
    assert all(r.title is None for r in result.records)


ABSTRACT = ("We study a problem that matters to many people in the field and show with "
            "careful experiments that a simple method works better than expected. ")


def test_arxiv_glued_digits_and_comment_mentioning_other_ids():
    text = (
        ABSTRACT + "\nExtended version of arXiv:2301.00001, 12 pages\n"
        "arXiv:2505.123453D scenes are hard to reconstruct from few views and we show "
        + ABSTRACT + "\n"
        "arXiv:1412.6980 - Proceedings of CVPR 2015In this paper we look again at "
        + ABSTRACT + "\narXiv:2506.00001v2\n"
    )
    result = parse_text(text, captured=TODAY)
    assert [r.arxiv_id for r in result.records] == ["2505.12345", "1412.6980", "2506.00001"]
    assert result.records[0].comments == "Extended version of arXiv:2301.00001, 12 pages"
    assert result.records[1].abstract.startswith("3D scenes are hard")
    assert result.records[0].journal_ref is None
    assert result.records[1].journal_ref == "Proceedings of CVPR 2015"
    assert result.records[2].abstract.startswith("In this paper we look again")
    assert result.problems == []


def test_arxiv_cut_off_last_abstract_is_reported_not_stored():
    text = ABSTRACT + "\narXiv:2401.00001" + ABSTRACT[:70]
    result = parse_text(text, captured=TODAY)
    assert [r.arxiv_id for r in result.records] == ["2401.00001"]
    assert len(result.problems) == 1
    assert "cut off" in result.problems[0].message


def test_trending_fields(tmp_path):
    result = parse_file(dump_copy(TRENDING, tmp_path))
    first = result.records[0]
    assert first.title == "Iris: Breaking GUI Complexity with Adaptive Focus and Self-Refining"
    assert first.abstract.startswith("Digital agents are increasingly employed")
    assert first.authors == [] and first.published is None
    assert all(r.title and len(r.title) < 300 for r in result.records)
    assert not any(r.title.startswith(("Subscribe", "Get trending", "new")) for r in result.records)


def test_cut_off_profile_record_is_reported(tmp_path):
    text = (dump_copy(PROFILE, tmp_path).read_text(encoding="utf-8")
            + "\n\nLGJan 2, 2024\nA Paper Whose Abstract Never Arrived\n\nAnn Lee, Bo Chen\n")
    result = parse_text(text, captured=TODAY)
    assert len(result.records) == 50
    assert len(result.problems) == 1
    assert "cut off" in result.problems[0].message
    assert result.problems[0].line == text.count("\n") - 3


def test_compact_cut_off_mid_record(tmp_path):
    text = dump_copy(COMPACT, tmp_path).read_text(encoding="utf-8")
    lines = text.split("\n")
    truncated = "\n".join(lines[:-1])  # drop the last abstract
    result = parse_text(truncated, captured=TODAY)
    assert len(result.records) == 42
    assert "cut off" in result.problems[-1].message


def test_windows_line_endings_bom_and_nbsp_parse_the_same(tmp_path):
    plain = dump_copy(PROFILE, tmp_path).read_text(encoding="utf-8")
    hostile = "\ufeff" + plain.replace("\n", "  \r\n").replace(" · ", "\u00a0·\u00a0")
    a = parse_text(plain, captured=TODAY)
    b = parse_text(hostile, captured=TODAY)
    assert [(r.title, r.authors, r.orgs, r.abstract) for r in a.records] == [
        (r.title, r.authors, r.orgs, r.abstract) for r in b.records]


def test_text_is_nfc():
    decomposed = "Heinrich Ku\u0308ttler"
    text = ("LGJan 2, 2024\nA Title\n\n" + decomposed + ", Bo Chen\n\n" + ABSTRACT)
    result = parse_text(text, captured=TODAY)
    assert result.records[0].authors[0] == "Heinrich Küttler"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   \n\n  ", "empty"),
        ("<!DOCTYPE html><html><head><title>x</title></head><body><div><p>hi</p>"
         "<p>a</p><span>b</span></div></body></html>", "HTML"),
        ("It was a bright cold day in April, and the clocks were striking thirteen. "
         "Winston Smith, his chin nuzzled into his breast in an effort to escape the vile "
         "wind, slipped quickly through the glass doors of Victory Mansions.", "not a listing"),
    ],
)
def test_not_a_dump_is_refused_with_one_line(text, message):
    with pytest.raises(DumpError) as err:
        parse_text(text, captured=TODAY)
    assert message in str(err.value)
    assert "\n" not in str(err.value)
    assert "understands" in str(err.value) or message in ("empty", "HTML")


def test_forced_format_that_finds_nothing_is_an_error(tmp_path):
    path = dump_copy(TRENDING, tmp_path)
    with pytest.raises(DumpError, match="arXiv listing"):
        parse_file(path, format=DumpFormat.ARXIV)
