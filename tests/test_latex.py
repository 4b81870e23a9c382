"""LaTeX in titles and abstracts: converted for reading and search, kept as stored."""

from __future__ import annotations

import html

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
    assert plain(text) == "We present dualformer: 97.6% on 30 × 30 mazes, x²; costs $5 and $10."


def test_a_macro_nobody_defined_shows_its_name_and_formatting_shows_its_text() -> None:
    text = (r"Moreover, \dualformer produces more diverse traces than \searchformer{}. "
            r"We call it \ours{Fast} mode; \textsc{Director}, {\sc Director}, \texttt{pip} "
            r"and \mbox{one box} read as written; \label{sec:x}\xspace and \LaTeX{} too.")
    assert plain(text) == ("Moreover, dualformer produces more diverse traces than "
                           "searchformer. We call it ours Fast mode; Director, Director, pip "
                           "and one box read as written; and LaTeX too.")


def test_href_and_url_are_links_with_their_text() -> None:
    text = (r"Code at \href{https://github.com/a/b\_c?x=1&y=2}{our repo} and "
            r"\url{https://x.org/d}.")
    assert plain(text) == "Code at our repo and https://x.org/d."
    html_text = markers_to_html(html.escape(marked(text)), links=True)
    assert html_text == ('Code at <a href="https://github.com/a/b_c?x=1&amp;y=2">our repo</a>'
                         ' and <a href="https://x.org/d">https://x.org/d</a>.')
    # where links cannot be opened, and for a link that is not http(s): the text alone
    assert markers_to_html(html.escape(marked(text))) == "Code at our repo and https://x.org/d."
    assert markers_to_html(html.escape(marked(r"\href{javascript:x()}{run}")),
                           links=True) == "run"
    # a search highlight inside the URL does not break the link
    highlighted = html.escape(marked(text)).replace("github", '<span style="x">github</span>')
    assert '<a href="https://github.com/a/b_c?x=1&amp;y=2">our repo</a>' in \
        markers_to_html(highlighted, links=True)


def test_scripts_citations_and_typography_read_as_printed() -> None:
    assert plain(r"$A^*$ search finds $V^{\star}$ in $10^6$ steps, $x_1^{-2}$, $x_t$") == \
        "A* search finds V* in 10⁶ steps, x₁⁻², x_t"
    assert plain(r"it saves $10: {\sc Director} beats $A^*$, $1.5M per run") == \
        "it saves $10: Director beats A*, $1.5M per run"
    assert plain(r"as shown by \citet{smith2020}, cf.~\cite[p.~3]{a,b}") == \
        "as shown by [smith2020], cf. [a,b]"
    assert plain("negative data -- examples; 10B--40B; a---b; to ``sharpen'' it; "
                 "Fig.~3 gains ~40% over --flag") == \
        ("negative data – examples; 10B–40B; a—b; to “sharpen” it; Fig. 3 gains ~40% "
         "over --flag")
