"""LaTeX in titles and abstracts, shown as people read it (core: no Qt).

Abstracts copied from arXiv keep their authors' LaTeX: ``{\\em and}``,
``$\\kappa$``, ``6.4\\%``. The store keeps that original text; what is shown is
converted with pylatexenc (``κ``, ``6.4%``), with emphasis and links kept as markers
that the display turns into italics, bold or a link (:func:`marked`). The search index
gets the converted text too (:func:`plain`), so both ``kappa`` typed as the
command and ``κ`` are found.

Nothing the authors wrote vanishes: a macro pylatexenc does not know is the authors'
own (``\\searchformer{}``) and shows as its name, ``searchformer``; a command that
only formats (``\\texttt{x}``, ``\\textsc{x}``) shows its argument; ``\\href{url}{text}``
shows the text as a link; ``\\cite{key}`` shows ``[key]``; scripts that Unicode can
write are written so (``$A^*$`` → ``A*``, ``$10^6$`` → ``10⁶``). LaTeX typography in
otherwise plain text is read too: ``--`` and ``---`` are dashes, ````quoted''``
gets curly quotes, a tie ``Fig.~3`` is a space (but ``by ~40%`` means "about").

Only text that looks like LaTeX is converted: a backslash command, a ``$…$`` pair or
that typography. A bare ``%`` or ``&`` (ordinary in plain text, special in LaTeX) is
kept as it is, and anything the converter cannot read is shown unchanged. Only the
LaTeX pieces go through the converter (not the whole text), which keeps it cheap.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pylatexenc import latexwalker
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.macrospec import MacroSpec

ITALIC_ON, ITALIC_OFF, BOLD_ON, BOLD_OFF = "\x02", "\x03", "\x04", "\x05"
# a link is LINK_ON url LINK_TEXT text LINK_OFF
LINK_ON, LINK_TEXT, LINK_OFF = "\x0e", "\x0f", "\x10"
MARKERS = ITALIC_ON + ITALIC_OFF + BOLD_ON + BOLD_OFF + LINK_ON + LINK_TEXT + LINK_OFF
_STRIP_MARKERS = str.maketrans("", "", MARKERS + "\x11")

_COMMAND = re.compile(r"\\[A-Za-z]+|\\[%&$#_{}\"'^`~=.]|\{\\")
# "$x$", or "$97.6\%$" (a backslash, ^ or _ inside): math. "$5 and $10" is money.
MATH = re.compile(r"\$(?:(?![\d\s])[^$]*(?<!\s)|[^$]*[\\^_][^$]*)\$")
# A dollar sign that opens an amount, not math: "$5 and", "$10:", "$1.5M per run".
# "$30 \times 30$", "$2^{10}$" and "$97.6\%$" stay math.
MONEY = re.compile(r"\$(?=\d[\d,.]*(?:[kKMB]|bn)?(?:[.;:!?)](?:\s|$)|,\s+[A-Za-z]|\s+[A-Za-z]|$))")
_MONEY_MARK = "\x11"
# {\em x}  {\it x}  \emph{x}  \textit{x}  (no nested braces inside)
_ITALIC = re.compile(r"\{\\(?:em|it|itshape|sl)\s+([^{}]*)\}|\\(?:emph|textit|textsl)\{([^{}]*)\}")
_BOLD = re.compile(r"\{\\(?:bf|bfseries)\s+([^{}]*)\}|\\textbf\{([^{}]*)\}")
# \href{url}{text} and \url{url}; the URL is taken as written (hyperref reads it so),
# with the escapes hyperref allows in it (\% \# \_ \& \~) undone.
_LINK = re.compile(r"\\href\s*\{([^{}\s]*)\}\s*\{([^{}]*)\}|\\url\s*\{([^{}\s]*)\}")
_URL_ESCAPE = re.compile(r"\\([%#_&~$])")
_URL_HEAD = re.compile(f"({LINK_ON}[^{LINK_TEXT}]*{LINK_TEXT})")

# LaTeX typography that plain-looking text uses: ``quotes'', dashes between words or
# spaced out, a tie between a word (or "Fig.") and what it binds. "--flag", "<-->",
# and "~40%" after a space (about 40 %) are left alone.
_QUOTES = re.compile(r"``([^`']*?)''")
_EM_DASH = re.compile(r"(?<=[\w\s])---(?=[\w\s])")
_EN_DASH = re.compile(r"(?<=\w)--(?=\w)|(?<=\s)--(?=\s)")
TIE = re.compile(r"(?<=[A-Za-z0-9.,])~(?=[A-Za-z0-9(\\$])")

# Macros the converter knows how to parse but not how to show: they format their
# argument, which is what is read (\texttt{x} → x).
_SHOW_ARGUMENT = ("texttt", "textsf", "textup", "textmd", "mbox", "textnormal")
_CITE = ("cite", "citep", "citet", "citealp", "citealt", "citeauthor", "citeyear",
         "citenum", "Cite", "Citep", "Citet", "Citealp", "Citealt", "Citeauthor")
# Switches of font, size and spacing: nothing to read (and no authors' macro)
_LAYOUT = ("sc", "scshape", "bf", "bfseries", "it", "itshape", "sl", "slshape", "em", "rm",
           "rmfamily", "sf", "sffamily", "tt", "ttfamily", "upshape", "mdseries",
           "normalfont", "tiny", "scriptsize", "footnotesize", "small", "normalsize", "large",
           "Large", "LARGE", "huge", "Huge", "noindent", "newline", "linebreak", "par",
           "hfill", "centering", "protect", "relax", "nobreak", "allowbreak", "displaystyle",
           "textstyle", "scriptstyle", "left", "right", "big", "Big", "bigl", "bigr", "Bigl",
           "Bigr", "limits", "nolimits")
_NAMED = {"LaTeX": "LaTeX", "TeX": "TeX", "LaTeXe": "LaTeX2e", "BibTeX": "BibTeX",
          "S": "§", "xspace": "", "ensuremath": "", "thinspace": " ", "enspace": " "}

_SUPERSCRIPT = dict(zip("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ"))
_SUBSCRIPT = dict(zip("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎"))
# A* (the search algorithm, an optimum), V^\star, x^\prime, M^\top: written as read
_SUPERSCRIPT_SYMBOL = {"*": "*", r"\ast": "*", r"\star": "*", r"\prime": "′", "'": "′",
                       r"\dagger": "†", r"\circ": "°", r"\top": "ᵀ", r"\intercal": "ᵀ",
                       "T": "ᵀ"}
_SCRIPT = re.compile(r"([\^_])(?:\{([^{}]*)\}|(\\[A-Za-z]+|[^\s\\{}$]))")


def is_known_macro(name: str) -> bool:
    """Whether ``\\name`` is LaTeX that a document knows (pylatexenc's LaTeX and common
    packages, the old font switches), not an author's own macro."""
    return (name in _LAYOUT or name in _NAMED or name in _SHOW_ARGUMENT or name in _CITE
            or _walker_context().get_macro_spec(name) is not None
            or _text_context_db().get_macro_spec(name) is not _text_context_db().unknown_macro_spec)


def _argument_text(node: Any, l2tobj: LatexNodes2Text) -> str:
    args = [a for a in (node.nodeargd.argnlist if node.nodeargd else []) if a is not None]
    return "".join(l2tobj.nodelist_to_text([a]) for a in args)


def _verbatim_argument(node: Any) -> str:
    """The last argument as written, braces off (a citation key)."""
    args = [a for a in (node.nodeargd.argnlist if node.nodeargd else []) if a is not None]
    return args[-1].latex_verbatim().strip("{} ") if args else ""


def _unknown_macro(node: Any, l2tobj: LatexNodes2Text) -> str:
    """A macro the converter has no text for: LaTeX's own layout commands show nothing;
    the authors' own macro (``\\searchformer``) shows its name, with a space before a
    braced argument that follows it, so the argument does not run into it."""
    if _walker_context().get_macro_spec(node.macroname) is not None:
        return ""  # known layout-only LaTeX (\label, \color, \hphantom…): nothing to read
    source = node.parsing_state.s
    after = source[node.pos + node.len:]
    spacer = " " if after.startswith("{") and not after.startswith("{}") else ""
    return node.macroname + spacer


def _link_text(node: Any, l2tobj: LatexNodes2Text) -> str:
    """``\\href`` with braces inside it (the regex takes the simple ones first)."""
    args = [a for a in (node.nodeargd.argnlist if node.nodeargd else []) if a is not None]
    if len(args) < 2:
        return _argument_text(node, l2tobj)
    return l2tobj.nodelist_to_text([args[1]])


@lru_cache(maxsize=1)
def _walker_context() -> Any:
    """How LaTeX is parsed: pylatexenc's macros, with the two it reads wrong."""
    context = latexwalker.get_default_latex_context_db()
    context.add_context_category("readq", prepend=True, macros=[
        MacroSpec("href", "{{"), MacroSpec("texorpdfstring", "{{")])
    return context


@lru_cache(maxsize=1)
def _text_context_db() -> Any:
    context = get_default_latex_context_db()
    specs = [MacroTextSpec(name, simplify_repl=_argument_text) for name in _SHOW_ARGUMENT]
    specs += [MacroTextSpec(name, simplify_repl=lambda n, l2tobj: f"[{_verbatim_argument(n)}]")
              for name in _CITE]
    specs += [MacroTextSpec(name, simplify_repl=lambda n, l2tobj, text=text: text)
              for name, text in _NAMED.items()]
    specs += [MacroTextSpec(name, discard=True) for name in _LAYOUT]
    specs += [MacroTextSpec("href", simplify_repl=_link_text),
              MacroTextSpec("texorpdfstring",
                            simplify_repl=lambda n, l2tobj: l2tobj.nodelist_to_text(
                                [n.nodeargd.argnlist[0]]) if n.nodeargd.argnlist else "")]
    context.add_context_category("readq", prepend=True, macros=specs)
    context.set_unknown_macro_spec(MacroTextSpec("", simplify_repl=_unknown_macro))
    return context


@lru_cache(maxsize=1)
def _converter() -> LatexNodes2Text:
    """Built on first use (it takes tens of milliseconds: not at start-up)."""
    return LatexNodes2Text(latex_context=_text_context_db(), math_mode="text",
                           strict_latex_spaces=False)


def looks_like_latex(text: str) -> bool:
    """Whether ``text`` holds LaTeX markup worth converting."""
    # substring tests first: a regex scan of every abstract would cost more than the rest
    return (("\\" in text and bool(_COMMAND.search(text)))
            or ("$" in text and bool(MATH.search(text)))
            or ("``" in text and bool(_QUOTES.search(text)))
            or ("--" in text and bool(_EN_DASH.search(text) or _EM_DASH.search(text)))
            or ("~" in text and bool(TIE.search(text))))


# The LaTeX pieces of a text: math, a command with its braced arguments, an escaped or
# accented character, a {\cmd ...} group. Only these go through the converter, so a long
# abstract with one "$\kappa$" costs one tiny conversion, not a parse of the whole text.
_SPAN = re.compile(r"\$(?:(?![\d\s])[^$]*(?<!\s)|[^$]*[\\^_][^$]*)\$"
                   r"|\\[A-Za-z]+\*?(?:\[[^\[\]{}]*\])?(?:\{[^{}]*\})*"
                   r"|\\[%&$#_{}\"'^`~=.](?:\{[^{}]*\}|[A-Za-z])?"
                   r"|\{\\[A-Za-z]+\s[^{}]*\}")


def _script(match: re.Match[str]) -> str:
    """A superscript or subscript Unicode can write, written so; others as they are."""
    mark, body = match.group(1), match.group(2) if match.group(2) is not None \
        else match.group(3)
    body = body.strip()
    if mark == "^" and body in _SUPERSCRIPT_SYMBOL:
        return _SUPERSCRIPT_SYMBOL[body]
    table = _SUPERSCRIPT if mark == "^" else _SUBSCRIPT
    if body and all(ch in table for ch in body):
        return "".join(table[ch] for ch in body)
    return match.group(0)


@lru_cache(maxsize=4096)
def _convert(span: str) -> str:
    if span.startswith("$"):
        span = _SCRIPT.sub(_script, span)
    try:
        nodes = latexwalker.LatexWalker(span, latex_context=_walker_context(),
                                        tolerant_parsing=True).get_latex_nodes()[0]
        return _converter().nodelist_to_text(nodes)
    except Exception:  # pylatexenc is tolerant; a failure means: keep the original
        return span


def _link_marker(match: re.Match[str]) -> str:
    if match.group(3) is not None:
        url = _URL_ESCAPE.sub(r"\1", match.group(3))
        return f"{LINK_ON}{url}{LINK_TEXT}{url}{LINK_OFF}"
    url = _URL_ESCAPE.sub(r"\1", match.group(1))
    return f"{LINK_ON}{url}{LINK_TEXT}{match.group(2)}{LINK_OFF}"


def _typography(text: str) -> str:
    if "``" in text:
        text = _QUOTES.sub("“\\1”", text)
    if "--" in text:
        text = _EN_DASH.sub("–", _EM_DASH.sub("—", text))
    return TIE.sub(" ", text) if "~" in text else text


def _convert_text(text: str) -> str:
    """Convert the LaTeX pieces of text that holds no link URL."""
    return _SPAN.sub(lambda m: _convert(m.group(0)), _typography(text))


@lru_cache(maxsize=4096)
def marked(text: str) -> str:
    """The text as read: LaTeX converted to Unicode, emphasis and links as marker
    characters (``ITALIC_ON``…, ``LINK_ON``…); text without LaTeX is returned as it is."""
    if not text or not looks_like_latex(text):
        return text
    source = text.translate(_STRIP_MARKERS)
    if "$" in source:
        source = MONEY.sub(_MONEY_MARK, source)
    if "\\" in source:
        source = _LINK.sub(_link_marker, source)
    source = _ITALIC.sub(lambda m: ITALIC_ON + (m.group(1) or m.group(2) or "") + ITALIC_OFF,
                         source)
    source = _BOLD.sub(lambda m: BOLD_ON + (m.group(1) or m.group(2) or "") + BOLD_OFF, source)
    # a link's URL is kept as written; only the text around and in the link is converted
    pieces = _URL_HEAD.split(source)
    converted = "".join(piece if i % 2 else _convert_text(piece)
                        for i, piece in enumerate(pieces))
    converted = " ".join(converted.split()).replace(_MONEY_MARK, "$")
    for on, off in ((ITALIC_ON, ITALIC_OFF), (BOLD_ON, BOLD_OFF)):
        if converted.count(on) != converted.count(off):
            converted = converted.replace(on, "").replace(off, "")
    if not (converted.count(LINK_ON) == converted.count(LINK_TEXT) == converted.count(LINK_OFF)):
        converted = _strip_link_urls(converted).translate(_STRIP_MARKERS)
    return converted


_LINK_URL = re.compile(f"{LINK_ON}[^{MARKERS}]*{LINK_TEXT}")


def _strip_link_urls(text: str) -> str:
    return _LINK_URL.sub("", text) if LINK_ON in text else text


def plain(text: str) -> str:
    """The text as read, without emphasis or link targets (list cells, the search
    index, copies)."""
    return _strip_link_urls(marked(text)).translate(_STRIP_MARKERS)


# After HTML escaping, and perhaps a search highlighter's <span> tags inside the URL.
_HTML_LINK = re.compile(f"{LINK_ON}([^{MARKERS}]*){LINK_TEXT}([^{LINK_ON}{LINK_OFF}]*){LINK_OFF}")
_TAG = re.compile(r"<[^>]*>")
_SAFE_URL = re.compile(r"https?://[^\s/]+", re.IGNORECASE)


def _html_link(match: re.Match[str], links: bool) -> str:
    url, text = _TAG.sub("", match.group(1)), match.group(2)
    if not links or not _SAFE_URL.match(url):
        return text
    return f'<a href="{url}">{text}</a>'


def markers_to_html(escaped: str, links: bool = False) -> str:
    """Turn the markers of (already HTML-escaped) text into ``<i>``/``<b>`` tags, and
    links into ``<a href>`` where ``links`` is asked for (a widget that opens them);
    elsewhere, and for a URL that is not http(s), a link shows its text alone."""
    if not any(m in escaped for m in MARKERS):
        return escaped
    if LINK_ON in escaped:
        escaped = _HTML_LINK.sub(lambda m: _html_link(m, links), escaped)
    return (escaped.replace(ITALIC_ON, "<i>").replace(ITALIC_OFF, "</i>")
            .replace(BOLD_ON, "<b>").replace(BOLD_OFF, "</b>"))


def searchable(text: str) -> str:
    """Text for the index: the original, plus its converted form when they differ."""
    converted = plain(text)
    return text if converted == text else f"{text}\n{converted}"
