"""BibTeX that LaTeX compiles: the sample library's export through bibtex and pdflatex
(plain style, every entry cited), markup kept, capitals kept, entry types chosen."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from readq.bibtex import is_proceedings, latex_value, protect_capitals, to_bibtex
from tests.helpers import all_dumps, run_cli

DOCUMENT = r"""\documentclass{article}
\begin{document}
\nocite{*}
\bibliographystyle{plain}
\bibliography{refs}
\end{document}
"""


def _row(**fields: Any) -> dict[str, Any]:
    row = {"id": 1, "arxiv_id": None, "title": "A Title", "authors": ["Ana Smith"],
           "authors_truncated": False, "orgs": [], "category": None,
           "published": "2024-01-05", "abstract": "", "journal_ref": None, "tags": []}
    row.update(fields)
    return row


# Everything a title or abstract may hold that breaks an entry or a document when
# copied as is: a comment sign, table and parameter characters, sub- and superscripts
# outside math, money dollars, an unbalanced brace, an undefined macro, a lone
# backslash, characters beyond ASCII.
HOSTILE_TITLE = (r"100% of C_1 & #1 reach 2^10 for $5 and $10: {\sc Director} beats "
                 r"\ourmethod{} on $A^*$ with {unbalanced braces in Gödel's κ-means ~40% \ ok\1")


def _run(command: list[str], folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=120,
                          check=False)


def _printed(bbl: str) -> str:
    """The .bbl as printed: protective braces gone, lines joined."""
    return " ".join(re.sub(r"(?<!\\)[{}]", "", bbl).split())


def _compile(bib: Path, packages: str = "") -> str:
    """Typeset every entry of ``bib`` (plain style) as a user would: pdflatex, bibtex,
    pdflatex twice. Asserts no BibTeX warning and no LaTeX error; gives the .bbl."""
    assert shutil.which("bibtex") and shutil.which("pdflatex"), \
        "needs bibtex and pdflatex: scripts/install.sh --test installs texlive-latex-base"
    folder = bib.parent
    (folder / "doc.tex").write_text(DOCUMENT.replace(r"\begin{document}",
                                                     packages + r"\begin{document}"))
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    assert _run(latex, folder).returncode == 0
    bibtex = _run(["bibtex", "doc"], folder)
    blg = (folder / "doc.blg").read_text()
    assert bibtex.returncode == 0, blg
    assert "Warning" not in blg and "error" not in blg.lower(), blg
    for _ in range(2):
        assert _run(latex, folder).returncode == 0, (folder / "doc.log").read_text()[-3000:]
    log = (folder / "doc.log").read_text()
    assert not re.search(r"^!|LaTeX Warning|Undefined control sequence", log, re.M), log
    return (folder / "doc.bbl").read_text()


def test_the_sample_library_compiles_with_no_warning_and_titles_keep_capitals(
        tmp_path, capsys) -> None:
    library = str(tmp_path / "lib")
    code, _, err = run_cli(capsys, "import", *map(str, all_dumps(tmp_path / "dumps")),
                           "--library", library)
    assert code == 0, err
    bib = tmp_path / "tex" / "refs.bib"
    bib.parent.mkdir()
    code, _, err = run_cli(capsys, "export", "--format", "bibtex", "-o", str(bib),
                           "--library", library)
    assert code == 0 and "exported 161 papers" in err
    # and one entry holding every character that breaks a careless export
    bib.write_text(bib.read_text() + "\n" + to_bibtex([_row(title=HOSTILE_TITLE,
                                                            abstract=HOSTILE_TITLE)]))
    bbl = _compile(bib)
    assert bbl.count(r"\bibitem") == 162
    printed = _printed(bbl)
    for title in ("Democratizing LLMs: An Exploration of Cost-Performance Trade-offs",
                  "Multi-Turn RL", "Agent-R: Training Language Model Agents",
                  "Direct Nash Optimization: Teaching Language Models to Self-Improve"):
        assert title in printed, title
    assert "100\\% of C\\_1 \\& \\#1 reach 2$^10$ for \\$5 and \\$10: \\sc Director beats " \
           "ourmethod on $A^*$" in printed


def test_real_titles_abstracts_names_and_venues_compile(tmp_path) -> None:
    """arXiv's own TeX (math with and without dollars, accents, authors' macros), hard
    names and journal references, every one through bibtex and pdflatex."""
    corpus = Path(__file__).parent / "corpus"
    texts = [line for name in ("titles.txt", "abstracts.txt")
             for line in (corpus / name).read_text().splitlines() if line.strip()]
    refs = (corpus / "journal_refs.txt").read_text().splitlines()
    # names in other scripts need XeLaTeX or font packages, which plain pdflatex lacks
    names = [line.split("\t")[1] for line in (corpus / "author_names.tsv").read_text()
             .splitlines() if not line.startswith("nonlatin")]
    rows = [_row(id=n, title=text, abstract=text, authors=names[n % len(names):][:3],
                 journal_ref=refs[n % len(refs)]) for n, text in enumerate(texts)]
    bib = tmp_path / "refs.bib"
    bib.write_text(to_bibtex(rows))
    bbl = _compile(bib, packages="\\usepackage{amsmath,amssymb}\n")
    assert bbl.count(r"\bibitem") == len(rows) > 400
    # typeset as LaTeX, not printed as its source
    assert "textbackslash" not in bbl and r"\{\em" not in bbl
    assert r"{$\mu(G)$}" in bbl and r"Schr\"odinger" in bbl


def test_latex_is_kept_and_only_what_breaks_is_escaped() -> None:
    assert latex_value(r"{\sc Director} and \emph{slow mode} on $A^*$ with $\kappa$") == \
        r"{\sc Director} and \emph{slow mode} on $A^*$ with $\kappa$"
    assert latex_value(HOSTILE_TITLE) == (
        r"100\% of C\_1 \& \#1 reach 2$^{10}$ for \$5 and \$10: {\sc Director} beats "
        r"ourmethod on $A^*$ with \textbraceleft{}unbalanced braces in G{\"o}del's "
        r"{\ensuremath{\kappa}}-means $\sim$40\% \ ok\textbackslash{}1")
    assert latex_value(r"see Fig.~3, \href{https://x.org/a_b%20#c}{co_de} 6.4\% \} and \{x\}") \
        == r"see Fig.~3, \href{https://x.org/a_b\%20\#c}{co\_de} 6.4\% \textbraceright{} and \{x\}"


def test_title_words_with_capitals_are_braced() -> None:
    assert protect_capitals("Democratizing LLMs: multi-turn RL with Nash") == \
        "Democratizing {LLMs}: multi-turn {RL} with {Nash}"
    assert protect_capitals(r"Agent-R: {\sc Director} on $A^*$ and {Kept} \LaTeX") == \
        r"{Agent-R}: {{\sc Director}} on {$A^*$} and {Kept} {\LaTeX}"
    assert protect_capitals(r"iPhone $30 \times 30$ mazes") == r"{iPhone} $30 \times 30$ mazes"


def _entry(text: str) -> tuple[str, dict[str, str]]:
    kind = re.match(r"@(\w+)\{", text).group(1)
    return kind, dict(re.findall(r"^  (\w+) = \{(.*)\},?$", text, re.M))


def test_entry_types_fields_and_names() -> None:
    kind, fields = _entry(to_bibtex([_row(authors=[], title="Iris: Breaking GUI Complexity",
                                          published="2024-03-02")]))
    assert kind == "misc" and "author" not in fields and fields["year"] == "2024"
    assert fields["key"] == "Iris: Breaking GUI Complexity"
    _, fields = _entry(to_bibtex([_row(authors=[], title=None, abstract="We ask why $x$.")]))
    assert fields["key"] == "We ask why x."
    kind, fields = _entry(to_bibtex([_row(
        journal_ref="6th Conference on Robot Learning (CoRL 2022)", arxiv_id="2301.02099")]))
    assert kind == "inproceedings" and fields["booktitle"].startswith("6th Conference")
    assert fields["eprint"] == "2301.02099" and fields["archivePrefix"] == "arXiv"
    kind, fields = _entry(to_bibtex([_row(journal_ref="Phys. Rev. D 75, 094017 (2007)")]))
    assert kind == "article" and fields["journal"] == "Phys. Rev. D 75, 094017 (2007)"
    kind, fields = _entry(to_bibtex([_row(arxiv_id="2401.10020")]))
    assert kind == "misc" and fields["howpublished"] == "arXiv:2401.10020"
    assert fields["eprint"] == "2401.10020" and fields["archivePrefix"] == "arXiv"
    # a venue, but not the author an article needs: still a whole entry, as misc
    kind, fields = _entry(to_bibtex([_row(authors=[], journal_ref="ICML 2024")]))
    assert kind == "misc" and fields["howpublished"] == "ICML 2024"
    _, fields = _entry(to_bibtex([_row(authors=[
        "Charles L. Webber Jr.", "Ana Ünal", "B_o Smith", "ATLAS Collaboration",
        "Research and Development Team"], authors_truncated=True)]))
    assert fields["author"] == (r"Webber, Jr., Charles L. and Ana {\"U}nal and B\_o Smith and "
                                r"{ATLAS Collaboration} and {Research and Development Team} "
                                "and others")


@pytest.mark.parametrize("ref, proceedings", [
    ("Reincarnating Reinforcement Learning Workshop at ICLR 2023", True),
    ("NeurIPS 2023", True), ("Accepted at CVPR'24", True), ("Findings of EMNLP 2023", True),
    ("IEEE 14th International Scientific and Technical Conference, CSIT 2019", True),
    ("PoS(ICRC2017)338", True), ("Proc. SPIE 10703, Adaptive Optics Systems VI", True),
    ("Proceedings of the IEEE Conference on Computer Vision 2020", True),
    ("Transactions on Machine Learning Research (TMLR), 2024", False), ("JMLR 2020", False),
    ("Proc. Natl. Acad. Sci. 117 (2020)", False), ("Proceedings of the IEEE 109(5)", False),
    ("J. Phys.: Conf. Ser. 911 012027", False), ("Journal of Physics: Conference Series", False),
    ("Astronomy & Astrophysics, Volume 461, Issue 3, January III 2007", False),
    ("Nature, Febuary 16th 2023: https://www.nature.com/articles/s41586", False),
    ("JHEP 0705:034,2007", False), ("Phys.Rev.D75:094017,2007", False),
])
def test_a_journal_reference_naming_a_meeting_is_proceedings(ref, proceedings) -> None:
    assert is_proceedings(ref) is proceedings
