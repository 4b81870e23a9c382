"""LaTeX in titles and abstracts: converted for reading and search, kept as stored."""

from __future__ import annotations

from readq.latex import ITALIC_OFF, ITALIC_ON, looks_like_latex, marked, markers_to_html, plain


def test_emphasis_greek_and_percent_read_as_people_read_them() -> None:
    text = r"We show {\em and} $\kappa$ gains 6.4\% on \emph{hard} tasks."
    assert marked(text) == f"We show {ITALIC_ON}and{ITALIC_OFF} κ gains 6.4% on " \
                           f"{ITALIC_ON}hard{ITALIC_OFF} tasks."
    assert plain(text) == "We show and κ gains 6.4% on hard tasks."
    assert markers_to_html(marked(text)).startswith("We show <i>and</i> κ")
    assert plain(r"Schr\"odinger and $\alpha$-divergence") == "Schrödinger and α-divergence"


def test_plain_text_is_left_alone() -> None:
    for text in ("costs $5 and $10 today", "50% & 40% of {braces}", "C++ and a_b", ""):
        assert not looks_like_latex(text)
        assert marked(text) == text
    # a bare % or & inside LaTeX text is text, not a comment or a column
    assert plain(r"$\beta$ drops 50% & more") == "β drops 50% & more"


def test_numbers_in_math_and_the_authors_own_macros() -> None:
    text = r"We present \dualformer: $97.6\%$ on $30 \times 30$ mazes, $x^2$; costs $5 and $10."
    assert plain(text) == "We present dualformer: 97.6% on 30 × 30 mazes, x^2; costs $5 and $10."
