"""Bounds that keep a note's preview fast whatever the note holds.

Qt lays out tables and nested HTML in time that grows much faster than the text:
a 10,000-column Markdown table froze the window for seconds. ``bounded_markdown``
looks at the note once (linear time) and returns what the preview should render:

- a Markdown table (a run of lines with ``|``) larger than ``MAX_TABLE_COLUMNS``
  columns or ``MAX_TABLE_CELLS`` cells is shown as its text (pipes escaped);
- raw HTML nested deeper than ``MAX_HTML_DEPTH`` or with more than ``MAX_HTML_TAGS``
  tags is shown as text, not interpreted (``allow_html`` is False);
- only the first ``MAX_PREVIEW_CHARS`` characters are rendered, and of a line only
  its first ``MAX_LINE_CHARS`` (an unbroken run of text lays out slowly).

``notice`` says what was simplified, for a line above the preview. The note itself
is never changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_TABLE_COLUMNS = 40
MAX_TABLE_CELLS = 2000
MAX_HTML_DEPTH = 48
MAX_HTML_TAGS = 2000
MAX_PREVIEW_CHARS = 100_000
MAX_LINE_CHARS = 5_000

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]{0,15})\b[^<>]{0,500}?(/?)>")
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr"
                  .split())


@dataclass(frozen=True)
class Preview:
    """What to render: the text, whether raw HTML in it is interpreted, and why not."""

    text: str
    allow_html: bool
    notice: str


def bounded_markdown(note: str) -> Preview:
    """The note as the preview renders it (see the module docstring)."""
    notices = []
    text = note
    if len(text) > MAX_PREVIEW_CHARS:
        text = text[:MAX_PREVIEW_CHARS]
        notices.append(f"the first {MAX_PREVIEW_CHARS:,} characters are shown")
    text, cut = _cut_long_lines(text)
    if cut:
        notices.append(f"lines longer than {MAX_LINE_CHARS:,} characters are cut")
    text, tables = _flatten_big_tables(text)
    if tables:
        notices.append("very large tables are shown as text")
    allow_html = _html_is_modest(text)
    if not allow_html:
        notices.append("deeply nested HTML is shown as text")
    notice = ("Preview simplified: " + "; ".join(notices) + ".") if notices else ""
    return Preview(text, allow_html, notice)


def _cut_long_lines(text: str) -> tuple[str, int]:
    lines = text.split("\n")
    cut = 0
    for i, line in enumerate(lines):
        if len(line) > MAX_LINE_CHARS:
            lines[i] = line[:MAX_LINE_CHARS] + " …"
            cut += 1
    return ("\n".join(lines), cut) if cut else (text, 0)


def _flatten_big_tables(text: str) -> tuple[str, int]:
    lines = text.split("\n")
    flattened = 0
    start = 0
    while start < len(lines):
        if "|" not in lines[start]:
            start += 1
            continue
        end = start
        columns = cells = 0
        while end < len(lines) and "|" in lines[end]:
            count = lines[end].count("|")
            columns = max(columns, count)
            cells += count
            end += 1
        if columns > MAX_TABLE_COLUMNS or cells > MAX_TABLE_CELLS:
            flattened += 1
            for i in range(start, end):
                lines[i] = lines[i].replace("\\|", "|").replace("|", "\\|")
        start = end
    return "\n".join(lines), flattened


def _html_is_modest(text: str) -> bool:
    if "<" not in text:
        return True
    depth = deepest = tags = 0
    for match in _TAG.finditer(text):
        tags += 1
        if tags > MAX_HTML_TAGS:
            return False
        closing, name, self_closing = match.groups()
        if name.lower() in _VOID or self_closing:
            continue
        if closing:
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_HTML_DEPTH:
                return False
    return True
