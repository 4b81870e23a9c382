"""BibTeX entries for papers, as a LaTeX document with any standard style uses them.

BibTeX values are LaTeX. Titles, abstracts and journal references keep the authors'
markup (``{\\sc Director}``, ``\\emph{slow mode}``, ``$A^*$``); only what would break
the entry or the document is escaped: an unbalanced brace, a bare ``%`` (a comment
that eats the rest of the line), ``#`` and ``&`` (errors outside tables), ``_`` and
``^`` outside math, a ``$`` that opens no math (``$5 and $10``), a ``~`` that means
"about" (``~40%``), a backslash that starts no command. A macro no document defines
(the authors' own ``\\searchformer{}``) becomes its name. Characters beyond ASCII
become LaTeX (``{\\"U}``), which BibTeX sorts and abbreviates correctly.

Styles lower-case titles (plain prints "Democratizing llms"). Every word with a capital
that is not just the first letter of the title is braced, so the title prints with the
capitals it was written with: acronyms (``{LLMs}``), inner capitals (``{Agent-R}``),
and capitalised words inside it (``{Nash}``). For a title in sentence case those
words are proper nouns and must keep their capital; for a title in Title Case
(most of arXiv) no rule can tell a proper noun from a capitalised common word, and
printing the title as its authors wrote it is correct, where lower-casing loses
"Nash" and "Bellman". Author names and tags are text, escaped in full.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pylatexenc.latexencode import UnicodeToLatexEncoder

from readq import latex
from readq.text import fold

_TEXT_SPECIAL = str.maketrans({"{": r"\{", "}": r"\}", "\\": r"\textbackslash{}",
                               "%": r"\%", "&": r"\&", "#": r"\#", "$": r"\$", "_": r"\_",
                               "^": r"\^{}", "~": r"\textasciitilde{}"})
# what may follow a backslash in LaTeX as a control symbol (\% \{ \, \' …)
_CONTROL_SYMBOLS = set("%&$#_{}\"'^`~=.,;:! /-@\\>")


@lru_cache(maxsize=1)
def _encoder() -> UnicodeToLatexEncoder:
    return UnicodeToLatexEncoder(non_ascii_only=True, replacement_latex_protection="braces-all",
                                 unknown_char_policy="keep", unknown_char_warning=False)


# Accented Latin letters, dashes, quotes and the like have LaTeX names every document
# knows; so do Greek letters and mathematical symbols, in math. Other scripts (Cyrillic,
# CJK…) are kept as written: their LaTeX names need font packages, and a document that
# typesets them (XeLaTeX, LuaLaTeX, CJK) reads them best as they are.
_LATIN = re.compile(r"[\u0080-\u024f\u1e00-\u1eff\u2000-\u206f\u20a0-\u20cf]")
_LATIN_OR_MATH = re.compile(r"[\u0080-\u024f\u1e00-\u1eff\u2000-\u206f\u20a0-\u20cf"
                            r"\u0370-\u03ff\u2100-\u22ff\u2190-\u21ff]")


@lru_cache(maxsize=4096)
def _char_to_latex(char: str) -> str:
    return str(_encoder().unicode_to_latex(char))


def _non_ascii_to_latex(text: str, convertible: re.Pattern[str] = _LATIN_OR_MATH) -> str:
    if text.isascii():
        return text
    return convertible.sub(lambda m: _char_to_latex(m.group(0)), text)


def text_value(text: str) -> str:
    """Plain text (a name, a tag) as a BibTeX value's contents: every special escaped."""
    return _non_ascii_to_latex(" ".join(str(text).split()).translate(_TEXT_SPECIAL), _LATIN)


def _math_spans(text: str) -> list[tuple[int, int]]:
    """Where ``$…$`` is math (the display's rule: "$5 and $10" is money)."""
    if "$" not in text:
        return []
    # an amount's "$" is masked (same length, so the positions hold) before pairing
    return [m.span() for m in latex.MATH.finditer(latex.MONEY.sub("\x11", text))]


_BRACE = re.compile(r"[{}]")
# the only characters latex_value looks at; the text between them is copied as it is
_SPECIAL = re.compile(r"[\\{}%&#_^$~]")


def _unbalanced_braces(text: str) -> set[int]:
    """Positions of braces BibTeX could not pair (it counts ``\\{`` as a brace too)."""
    opened: list[int] = []
    lonely: set[int] = set()
    for brace in _BRACE.finditer(text):
        if brace.group(0) == "{":
            opened.append(brace.start())
        elif opened:
            opened.pop()
        else:
            lonely.add(brace.start())
    return lonely | set(opened)


_COMMAND_NAME = re.compile(r"[A-Za-z]+")
_PLAIN_SUPERSCRIPT = re.compile(r"\{([A-Za-z0-9+*-]{1,8})\}|\d+|[A-Za-z*+-]")
_ENDS_WITH_COMMAND = re.compile(r"\\[A-Za-z]+$")
# Commands LaTeX accepts only in math, and what they take: braced arguments, or for an
# accent the one letter or command after it (\bar D).
_MATH_WITH_ARGUMENT = frozenset((
    "bar hat tilde vec dot ddot overline underline widehat widetilde mathbb mathcal mathrm "
    "mathbf mathit mathsf mathfrak boldsymbol sqrt frac").split())
_MATH_ONLY = frozenset((
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu "
    "nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma "
    "Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega to rightarrow leftarrow "
    "leftrightarrow Rightarrow Leftarrow Leftrightarrow mapsto times cdot cdots pm mp le leq "
    "ge geq ne neq sim simeq approx equiv propto lesssim gtrsim ll gg infty partial nabla "
    "sum prod int oint in notin subset subseteq supset cup cap emptyset forall exists ell "
    "hbar prime circ star ast oplus otimes langle rangle mid log exp sin cos tan ln min max "
    "sup inf lim det dim").split()) | _MATH_WITH_ARGUMENT
_MATH_ARGUMENT = re.compile(r"(?:\s*\{(?:[^{}]|\{[^{}]*\})*\})+|\s*(?:\\[A-Za-z]+|[A-Za-z0-9])")
_URL_BREAKERS = re.compile(r"(?<!\\)([%#])")


def latex_value(text: str) -> str:
    """LaTeX text (a title, an abstract) as a BibTeX value's contents, markup kept and
    only what would break the entry or the document escaped."""
    text = " ".join(str(text).split())
    math = _math_spans(text)
    lonely = _unbalanced_braces(text)
    out: list[str] = []
    i, span = 0, 0
    while i < len(text):
        special = _SPECIAL.search(text, i)
        if special is None:
            out.append(text[i:])
            break
        if special.start() > i:
            out.append(text[i:special.start()])
        i = special.start()
        while span < len(math) and math[span][1] <= i:
            span += 1
        in_math = span < len(math) and math[span][0] <= i < math[span][1]
        ch = text[i]
        if ch == "\\":
            name = _COMMAND_NAME.match(text, i + 1)
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if name:
                end = name.end()
                close = text.find("}", end)
                if name.group(0) in ("url", "href") and text.startswith("{", end) \
                        and close > 0 and end not in lonely:
                    # a URL is read as written: only what ends it early is escaped
                    out.append(text[i:end] + _URL_BREAKERS.sub(r"\\\1", text[end:close + 1]))
                    i = close + 1
                    continue
                if name.group(0) in _MATH_ONLY and not in_math:
                    # "Z^0 \to 2\gamma" written without dollars: math where LaTeX needs it
                    argument = _MATH_ARGUMENT.match(text, end) \
                        if name.group(0) in _MATH_WITH_ARGUMENT else None
                    end = argument.end() if argument else end
                    out.append(r"\ensuremath{" + text[i:end].rstrip() + "}")
                elif latex.is_known_macro(name.group(0)):
                    out.append(text[i:end])
                else:  # the authors' own macro: its name, without its "{}"
                    if out and _ENDS_WITH_COMMAND.search(out[-1]):
                        out.append(" ")  # "\to\pip" must not become "\topip"
                    out.append(name.group(0))
                    if text.startswith("{}", end):
                        end += 2
                i = end
                continue
            if nxt in "{}" and i + 1 in lonely:
                out.append(r"\textbraceleft{}" if nxt == "{" else r"\textbraceright{}")
                i += 2
                continue
            if nxt and nxt in _CONTROL_SYMBOLS:
                out.append(text[i:i + 2])
                i += 2
                continue
            out.append(r"\textbackslash{}")
        elif ch in "{}" and i in lonely:
            out.append(r"\textbraceleft{}" if ch == "{" else r"\textbraceright{}")
        elif ch in "%&#":
            out.append("\\" + ch)
        elif ch == "_" and not in_math:
            out.append(r"\_")
        elif ch == "^" and not in_math:
            # "S^3c", "2^10", "A^{+}" in plain text: the superscript that was meant
            script = _PLAIN_SUPERSCRIPT.match(text, i + 1)
            if script and i > 0 and not text[i - 1].isspace():
                out.append("$^{" + (script.group(1) or script.group(0)) + "}$")
                i = script.end()
                continue
            out.append(r"\textasciicircum{}")
        elif ch == "$" and not (in_math and i in (math[span][0], math[span][1] - 1)):
            out.append(r"\$")
        elif ch == "~" and not in_math and not latex.TIE.match(text, i):
            out.append(r"$\sim$")
        else:
            out.append(ch)
        i += 1
    return _non_ascii_to_latex("".join(out))


# --- titles: keep their capitals -------------------------------------------------------

def _words(value: str) -> list[str]:
    """Split on spaces that are outside braces and math (``$30 \\times 30$`` is one)."""
    words, start, depth, in_math, i = [], 0, 0, False, 0
    while i < len(value):
        ch = value[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "$":
            in_math = not in_math
        elif ch == " " and depth == 0 and not in_math:
            words.append(value[start:i])
            start = i + 1
        i += 1
    words.append(value[start:])
    return words


def _is_protected_group(word: str) -> bool:
    """``{Director}``: one brace group BibTeX leaves as it is (not ``{\\sc …}``, whose
    letters it still changes, nor ``{A}{B}``)."""
    if not (word.startswith("{") and word.endswith("}")) or word.startswith("{\\"):
        return False
    depth = 0
    for i, ch in enumerate(word):
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0 and i < len(word) - 1:
            return False
    return True


def protect_capitals(value: str) -> str:
    """Brace each word whose capitals a style would lower (see the module's docstring);
    the first word keeps its first capital by itself."""
    words = _words(value)
    for n, word in enumerate(words):
        if not any(ch.isupper() for ch in word) or _is_protected_group(word):
            continue
        if n == 0 and word[0].isupper() and not any(ch.isupper() for ch in word[1:]):
            continue
        core = word.rstrip(":;,.?!")  # "{LLMs}:" reads better than "{LLMs:}"
        if core.endswith("\\"):
            core = word
        words[n] = "{" + core + "}" + word[len(core):]
    return " ".join(words)


# --- entry types -----------------------------------------------------------------------

# "Journal of Physics: Conference Series" and "J. Phys.: Conf. Ser." are journals
_MEETING = re.compile(r"\b(?:Conference|Conf\b\.?|Workshops?|Symposium|Symp\b\.?|Congress"
                      r"|Colloquium|Meeting|Summit|Findings\s+of)(?!\.?\s*(?:Series|Ser\b))",
                      re.IGNORECASE)
_PROCEEDINGS = re.compile(r"\b(?:Proceedings?|Proc\b\.?)", re.IGNORECASE)
# journals named "Proceedings of …" (PNAS, Proc. R. Soc., Proc. Amer. Math. Soc., Proc. IEEE)
_PROCEEDINGS_JOURNAL = re.compile(
    r"\b(?:Proceedings|Proc\b\.?)\s+(?:of\s+(?:the\s+)?)?(?:Natl\b|National\s+Acad|Acad"
    r"|Royal|R\.|Roy\b|Amer|American\s+Math|London|Edinburgh|Cambridge|Japan|Indian"
    r"|IEEE\s*(?:$|[,;(\d]))",
    re.IGNORECASE)
_CONFERENCE_ACRONYMS = (
    "NeurIPS|NIPS|ICML|ICLR|ACL|EMNLP|NAACL|EACL|AACL|COLING|CoNLL|LREC|CVPR|ICCV|ECCV|WACV|"
    "BMVC|AAAI|IJCAI|ECAI|AAMAS|KDD|WWW|WSDM|SIGIR|CIKM|RecSys|CoRL|RSS|ICRA|IROS|UAI|"
    "AISTATS|COLT|ALT|CHI|UIST|SIGGRAPH|ICASSP|INTERSPEECH|Interspeech|MICCAI|STOC|FOCS|"
    "SODA|ICALP|PODC|LICS|CAV|POPL|PLDI|OSDI|SOSP|NSDI|MLSys|ICDE|VLDB|SIGMOD|ICSE|DAC|"
    "ISCA|HPCA|ASPLOS|ICDM|SDM|ECML|ACML|IJCNN|ICONIP|COLM|TheWebConf")
_JOURNAL_ACRONYMS = {"JHEP", "JCAP", "JMLR", "TMLR", "TACL", "PRL", "PRD", "PRB", "PRE",
                     "MNRAS", "APJ", "PNAS", "TPAMI", "PAMI", "JAIR", "IJCV", "TOG", "CACM",
                     "EPL", "EPJ", "JSTAT", "JPCS", "TNNLS", "TKDE", "TIT", "TIP", "TSP", "PTEP",
                     "RAA", "ISSN", "ISBN", "DOI", "ID"}
_KNOWN_CONFERENCE = re.compile(rf"\b(?:{_CONFERENCE_ACRONYMS})\b")
# any acronym with a year, glued or not: "CSIT 2019", "ICRC2017", "CoRL'22", "ABC-2021"
_ACRONYM_YEAR = re.compile(
    r"\b([A-Z][A-Za-z]*[A-Z][A-Za-z]*)(?:\s?-?\s?(?:19|20)\d\d|['’]\d\d)\b")
_ROMAN = re.compile(r"[IVXLC]+")
_JOURNAL = re.compile(r"\b(?:Journal|J\.|Transactions|Trans\.|Letters|Lett\.|Review|Rev\.)",
                      re.IGNORECASE)


def is_proceedings(journal_ref: str) -> bool:
    """Whether a journal reference names a conference, workshop or symposium (its
    proceedings), not a journal."""
    if _MEETING.search(journal_ref):
        return True
    if _PROCEEDINGS.search(journal_ref):
        return not _PROCEEDINGS_JOURNAL.search(journal_ref)
    if _JOURNAL.search(journal_ref):
        return False
    if _KNOWN_CONFERENCE.search(journal_ref):
        return True
    return any(m.group(1).upper() not in _JOURNAL_ACRONYMS
               and not _ROMAN.fullmatch(m.group(1))
               for m in _ACRONYM_YEAR.finditer(journal_ref))


# --- entries ---------------------------------------------------------------------------

_SUFFIX = re.compile(r"^(.+?)\s+(\S+?),?\s+(Jr\.?|Sr\.?|II|III|IV)$")
_ORGANISATION = re.compile(r"\band\b|\b(?:Collaboration|Consortium|Team|Group|Project"
                           r"|Institute|University|Laborator(?:y|ies)|Labs?|Inc\.?|Ltd\.?)$",
                           re.IGNORECASE)


def _author(name: str) -> str:
    """A name as BibTeX reads it: ``Last, Jr., First`` for a suffix, an organisation
    braced (its words are not first and last names; its "and" is no separator)."""
    name = " ".join(name.split())
    if _ORGANISATION.search(name):
        return "{" + text_value(name) + "}"
    suffix = _SUFFIX.match(name)
    if suffix:
        first, last, jr = suffix.groups()
        return f"{text_value(last)}, {text_value(jr)}, {text_value(first)}"
    return text_value(name)


def bibtex_key(row: dict[str, Any], taken: set[str]) -> str:
    """``surnameYEARfirstword``, ASCII, unique within one export."""
    surname = row["authors"][0].split()[-1] if row["authors"] else "anon"
    year = (row["published"] or "")[:4] or "nd"
    first_word = next((w for w in re.findall(r"\w+", fold(latex.plain(row["title"] or "")))
                       if len(w) > 3), "paper")
    base = re.sub(r"[^a-z0-9]", "", fold(surname) + year + first_word) or f"paper{row['id']}"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}{chr(ord('a') + n - 2) if n <= 27 else n}"
    taken.add(key)
    return key


def entry(row: dict[str, Any], taken: set[str]) -> str:
    """One paper's entry. A journal reference that names a meeting gives
    ``@inproceedings`` (``booktitle``), another ``@article`` (``journal``); without
    one, or without the authors and year those types require, ``@misc``
    (``howpublished``). arXiv papers carry ``eprint``/``archivePrefix``."""
    fields: list[tuple[str, str]] = []
    if row["title"]:
        fields.append(("title", protect_capitals(latex_value(row["title"]))))
    if row["authors"]:
        names = [_author(a) for a in row["authors"]]
        if row["authors_truncated"]:
            names.append("others")
        fields.append(("author", " and ".join(names)))
    else:  # what sorts the entry where an author's name would
        sort_by = latex.plain(row["title"] or "") or " ".join(
            latex.plain(row["abstract"] or "").split()[:12]) or row["arxiv_id"] or str(row["id"])
        fields.append(("key", text_value(sort_by)))
    year = (row["published"] or "")[:4]
    if year:
        fields.append(("year", year))
    venue = " ".join((row["journal_ref"] or "").split())
    kind = "misc"
    if venue:
        if row["authors"] and year:
            kind = "inproceedings" if is_proceedings(venue) else "article"
        fields.append(({"inproceedings": "booktitle", "article": "journal"}.get(
            kind, "howpublished"), latex_value(venue)))
    if row["arxiv_id"]:
        arxiv_id = text_value(row["arxiv_id"])
        if not venue:
            fields.append(("howpublished", f"arXiv:{arxiv_id}"))
        fields += [("eprint", arxiv_id), ("archivePrefix", "arXiv")]
        fields.append(("url", f"https://arxiv.org/abs/{arxiv_id}"))
    if row["abstract"]:
        fields.append(("abstract", latex_value(row["abstract"])))
    if row.get("tags"):
        fields.append(("keywords", text_value(", ".join(row["tags"]))))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{bibtex_key(row, taken)},\n{body}\n}}\n"


def to_bibtex(rows: list[dict[str, Any]]) -> str:
    """Entries for ``rows`` (export rows, DESIGN.md §6), keys unique among them."""
    taken: set[str] = set()
    return "\n".join(entry(row, taken) for row in rows)
