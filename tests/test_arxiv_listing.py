"""arXiv listings: ids of every era, one record per id line, unsure cuts named by line."""

from __future__ import annotations

from datetime import date

import pytest

from readq.parsing import parse_text
from readq.parsing.arxiv import split_id

TODAY = date(2026, 11, 20)
ABSTRACT = ("We study a problem that matters to many people in the field and show with "
            "careful experiments that a simple method works better than expected.")


@pytest.mark.parametrize(
    ("line", "arxiv_id", "rest"),
    [
        ("arXiv:2401.10020Practitioners align", "2401.10020", "Practitioners align"),
        ("arXiv:2401.10020v2Practitioners", "2401.10020", "Practitioners"),
        ("arXiv:1412.69803D scenes", "1412.6980", "3D scenes"),
        ("arXiv:1412.6980v33D scenes", "1412.6980", "3D scenes"),
        ("arXiv:2505.123453D scenes", "2505.12345", "3D scenes"),
        ("arXiv:2505.12345v23D scenes", "2505.12345", "3D scenes"),
        ("arXiv:2505.12345v12 - NeurIPS 2025", "2505.12345", " - NeurIPS 2025"),
        ("arXiv:hep-th/9901001", "hep-th/9901001", ""),
        ("arXiv:hep-th/99010012D gravity", "hep-th/9901001", "2D gravity"),
        ("arXiv:math.AG/0601001v2We prove", "math.AG/0601001", "We prove"),
        ("arXiv:cs/0101001 - Proc. KR 2000", "cs/0101001", " - Proc. KR 2000"),
        ("arXiv:cond-mat.str-el/0601001", None, None),  # no such form: sub-classes are 2 capitals
        ("arXiv:0704.0001", "0704.0001", ""),
        ("arXiv:2401.123 too short", None, None),
    ],
)
def test_ids_of_every_era(line, arxiv_id, rest):
    found = split_id(line)
    if arxiv_id is None:
        assert found is None
    else:
        assert found == (arxiv_id, rest)


def _listing(*chunks: str) -> str:
    return "".join(chunks) + "\n"


def test_one_record_per_id_line_even_without_an_abstract():
    text = _listing(ABSTRACT, "\narXiv:2401.00001", "\narXiv:2401.00002", ABSTRACT,
                    "\narXiv:hep-th/9901001")
    result = parse_text(text, captured=TODAY)
    assert [r.arxiv_id for r in result.records] == ["2401.00001", "2401.00002",
                                                    "hep-th/9901001"]
    assert [r.index for r in result.records] == [0, 1, 2]
    assert result.records[1].abstract == ""
    assert [(p.line, "no abstract before it" in p.message) for p in result.problems] == [
        (3, True)]


def test_unsure_journal_reference_is_reported_with_its_line_and_nothing_shifts():
    text = _listing(
        ABSTRACT, "\narXiv:2401.00001 - ApJS (2016), 225(2), p.312D scenes are hard to "
        "reconstruct from few views, and we show how.",
        "\narXiv:2401.00002 - Phys. Rev. D 76, 013009 (2007)", ABSTRACT,
        "\narXiv:2401.00003",
    )
    result = parse_text(text, captured=TODAY)
    assert [r.arxiv_id for r in result.records] == ["2401.00001", "2401.00002", "2401.00003"]
    assert result.records[1].journal_ref == "Phys. Rev. D 76, 013009 (2007)"
    assert result.records[2].abstract == ABSTRACT
    assert result.unsure == {"journal_ref": 1}
    assert [p.line for p in result.problems] == [2]
    assert "unsure where the journal reference ends" in result.problems[0].message


@pytest.mark.parametrize(
    ("ref", "start"),
    [
        ("Reincarnating Reinforcement Learning Workshop at ICLR 2023", "Video understanding"),
        ("6th Conference on Robot Learning (CoRL 2022)", "We present"),
        ("Proceedings of NeurIPS 2019", "k-Nearest neighbours"),
        ("Journal of Machine Learning Research 21(140), pp. 1-67, 2020", "Multi-task models"),
        ("Proceedings of CVPR 2019, pp. 112-129", "3D shapes"),
        ("Lecture Notes in Computer Science, vol 11220. Springer, Cham. ISBN 978-3-030-01270-0",
         "Deep networks"),
        ("Proc. ICLR, May 2021", "Transformers"),
        ("IEEE Trans. Pattern Anal. Mach. Intell. 12(4)", "Deep networks"),
        ("Int. J. Comput. Vis. (2021). https://doi.org/10.1007/s11263-021-01453-z",
         "“Quoted” claims"),
        ("Annales de l'Institut Fourier 58 (2008) [Gr\\'egoire]", "\\emph{Deep} learning"),
        ("Phys. Rev. Lett. 99, 126405 (2007)", "$\\alpha$-stable laws"),
    ],
)
def test_journal_ref_then_abstract_of_any_start(ref, start):
    abstract = f"{start} are studied in this paper, and we show that they work well."
    text = _listing(ABSTRACT, f"\narXiv:2301.00001 - {ref}", abstract, "\narXiv:2301.00002")
    result = parse_text(text, captured=TODAY)
    assert result.records[0].journal_ref == ref
    assert result.records[1].abstract == abstract
    assert result.problems == [] and result.unsure == {}


def test_a_year_then_a_digit_word_is_cut_after_the_year():
    abstract = "3D shapes are studied in this paper, and we show that they work well."
    text = _listing(ABSTRACT, "\narXiv:2301.00001 - NeurIPS 2020", abstract, "\narXiv:2301.00002")
    result = parse_text(text, captured=TODAY)
    assert result.records[0].journal_ref == "NeurIPS 2020"
    assert result.records[1].abstract == abstract


def test_abstract_text_is_kept_exactly():
    odd = ("We   keep $\\alpha$ , “quotes”, TeX \\'e and odd  spacing…  as written; "
           "nothing is corrected in an abstract of this length here.")
    result = parse_text(_listing(odd, "\narXiv:2301.00001"), captured=TODAY)
    assert result.records[0].abstract == " ".join(odd.split())  # whitespace only


def test_cut_off_listing_keeps_ids_and_reports_the_tail():
    text = _listing(ABSTRACT, "\narXiv:2301.00001", ABSTRACT[:50])
    result = parse_text(text, captured=TODAY)
    assert len(result.records) == 1
    assert "cut off" in result.problems[-1].message
