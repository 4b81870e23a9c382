"""LaTeX in titles and abstracts, shown as people read it (core: no Qt).

Abstracts copied from arXiv keep their authors' LaTeX: ``{\\em and}``,
``$\\kappa$``, ``6.4\\%``. The store keeps that original text; what is shown is
converted with pylatexenc (``κ``, ``6.4%``), with emphasis kept as markers
that the display turns into italics or bold (:func:`marked`). The search index
gets the converted text too (:func:`plain`), so both ``kappa`` typed as the
command and ``κ`` are found.

Only text that looks like LaTeX is converted: a backslash command or a
``$…$`` pair. A bare ``%`` or ``&`` (ordinary in plain text, special in LaTeX)
is kept as it is, and anything the converter cannot read is shown unchanged. Only the
LaTeX pieces go through the converter (not the whole text), which keeps it cheap.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text

ITALIC_ON, ITALIC_OFF, BOLD_ON, BOLD_OFF = "\x02", "\x03", "\x04", "\x05"
MARKERS = ITALIC_ON + ITALIC_OFF + BOLD_ON + BOLD_OFF
_STRIP_MARKERS = str.maketrans("", "", MARKERS)

_COMMAND = re.compile(r"\\[A-Za-z]+|\\[%&$#_{}\"'^`~=.]|\{\\")
# "$x$", or "$97.6\%$" (a backslash, ^ or _ inside): math. "$5 and $10" is money.
_MATH = re.compile(r"\$(?:(?![\d\s])[^$]*(?<!\s)|[^$]*[\\^_][^$]*)\$")
# {\em x}  {\it x}  \emph{x}  \textit{x}  (no nested braces inside)
_ITALIC = re.compile(r"\{\\(?:em|it|itshape|sl)\s+([^{}]*)\}|\\(?:emph|textit|textsl)\{([^{}]*)\}")
_BOLD = re.compile(r"\{\\(?:bf|bfseries)\s+([^{}]*)\}|\\textbf\{([^{}]*)\}")



@lru_cache(maxsize=1)
def _converter() -> LatexNodes2Text:
    """Built on first use (it takes tens of milliseconds: not at start-up)."""
    return LatexNodes2Text(math_mode="text", strict_latex_spaces=False)


def looks_like_latex(text: str) -> bool:
    """Whether ``text`` holds LaTeX markup worth converting."""
    return ("\\" in text and bool(_COMMAND.search(text))) or ("$" in text
                                                             and bool(_MATH.search(text)))


# The LaTeX pieces of a text: math, a command with its braced arguments, an escaped or
# accented character, a {\cmd ...} group. Only these go through the converter, so a long
# abstract with one "$\kappa$" costs one tiny conversion, not a parse of the whole text.
_SPAN = re.compile(r"\$(?:(?![\d\s])[^$]*(?<!\s)|[^$]*[\\^_][^$]*)\$"
                   r"|\\[A-Za-z]+\*?(?:\{[^{}]*\})*"
                   r"|\\[%&$#_{}\"'^`~=.](?:\{[^{}]*\}|[A-Za-z])?"
                   r"|\{\\[A-Za-z]+\s[^{}]*\}")


_BARE_MACRO = re.compile(r"\\[A-Za-z]+")


@lru_cache(maxsize=4096)
def _convert(span: str) -> str:
    try:
        text = _converter().latex_to_text(span)
    except Exception:  # pylatexenc is tolerant; a failure means: keep the original
        return span
    if not text and _BARE_MACRO.fullmatch(span):  # the authors' own macro (\dualformer)
        return span[1:]
    return text


@lru_cache(maxsize=4096)
def marked(text: str) -> str:
    """The text as read: LaTeX converted to Unicode, emphasis as marker characters
    (``ITALIC_ON``…); text without LaTeX is returned as it is."""
    if not text or not looks_like_latex(text):
        return text
    source = text.translate(_STRIP_MARKERS)
    source = _ITALIC.sub(lambda m: ITALIC_ON + (m.group(1) or m.group(2) or "") + ITALIC_OFF,
                         source)
    source = _BOLD.sub(lambda m: BOLD_ON + (m.group(1) or m.group(2) or "") + BOLD_OFF, source)
    converted = _SPAN.sub(lambda m: _convert(m.group(0)), source)
    converted = " ".join(converted.split())
    for on, off in ((ITALIC_ON, ITALIC_OFF), (BOLD_ON, BOLD_OFF)):
        if converted.count(on) != converted.count(off):
            converted = converted.replace(on, "").replace(off, "")
    return converted


def plain(text: str) -> str:
    """The text as read, without emphasis (list cells, the search index, copies)."""
    return marked(text).translate(_STRIP_MARKERS)


def markers_to_html(escaped: str) -> str:
    """Turn the markers of (already HTML-escaped) text into ``<i>``/``<b>`` tags."""
    if not any(m in escaped for m in MARKERS):
        return escaped
    return (escaped.replace(ITALIC_ON, "<i>").replace(ITALIC_OFF, "</i>")
            .replace(BOLD_ON, "<b>").replace(BOLD_OFF, "</b>"))


def searchable(text: str) -> str:
    """Text for the index: the original, plus its converted form when they differ."""
    converted = plain(text)
    return text if converted == text else f"{text}\n{converted}"
