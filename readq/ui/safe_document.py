"""Rich text that never reads a file or the network, whatever a note or paper holds.

When nothing answers a resource request, Qt's ``QTextDocument.loadResource`` opens
the named path itself and reads it whole: an image ``![](/dev/zero)`` in a note reads
until memory runs out and the app aborts, ``![](a-fifo)`` blocks the GUI thread for
ever, and any local image is opened and decoded. Refusing in the *browser's*
``loadResource`` does not help, because its "nothing" is exactly what sends the
document to that file fallback. So rendering is guarded at two depths:

- ``images_as_text`` rewrites every image reference of the Markdown (inline,
  reference-style, ``<img>`` tags) into the visible text ``[image: where]`` before the
  document is built, so an ordinary note asks for no resource at all;
- ``ResourceFreeDocument`` answers every request itself — an image with a drawn
  placeholder naming it, anything else with empty text — so a form the rewrite
  does not know still never reaches Qt's fallback.

``plain_tooltip`` makes user text safe for a tooltip (Qt guesses that a tooltip
starting with a tag is HTML and would load its images the same way).
"""

from __future__ import annotations

import bisect
import html
import re

from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtGui import QColor, QFontMetrics, QGuiApplication, QImage, QPainter, QTextDocument

# Bounded repetitions keep each match linear in a hostile note.
_ALT = r"(?:[^\[\]\n]|\[[^\[\]\n]{0,200}\]){0,1000}"  # one level of nested brackets
_INLINE_IMAGE = re.compile(
    r"!\[(?P<alt>" + _ALT + r")\]\(\s*(?:<(?P<bracketed>[^<>\n]{0,2000})>"
    r"|(?P<bare>[^\s()<>]{0,2000}))"
    r"(?:\s+(?:\"[^\"\n]{0,1000}\"|'[^'\n]{0,1000}'|\([^()\n]{0,1000}\)))?\s*\)")
_REFERENCE_IMAGE = re.compile(
    r"!\[(?P<alt>" + _ALT + r")\](?:\[(?P<label>[^\[\]\n]{0,1000})\])?")
_DEFINITION = re.compile(r"^ {0,3}\[(?P<label>[^\[\]\n]{1,1000})\]:[ \t]*<?(?P<dest>[^\s<>]{0,2000})>?",
                         re.MULTILINE)
_FENCE = re.compile(r" {0,3}(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)")
_BACKTICKS = re.compile(r"`+")
_IMG_TAG = re.compile(r"<img\b[^<>]{0,2000}>", re.IGNORECASE)
_SRC = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)

PLACEHOLDER_MAX_WIDTH = 360
MAX_DRAWN_PLACEHOLDERS = 200  # beyond this, images share one unlabelled placeholder
_IMAGE_RESOURCE = int(QTextDocument.ResourceType.ImageResource.value)


def image_label(where: str) -> str:
    """The text shown in place of an image."""
    return f"[image: {where}]" if where else "[image]"


def _code_span(text: str) -> str:
    """``text`` as a Markdown code span: shown literally (no emphasis, links or HTML)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _normalise(label: str) -> str:
    return " ".join(label.split()).casefold()


def images_as_text(markdown: str) -> str:
    """``markdown`` with every image replaced by the literal text ``[image: where]``
    (code blocks and code spans are left as written: they show no images)."""
    if "!" not in markdown and "<" not in markdown:
        return markdown
    definitions: dict[str, str] = {}
    for match in _DEFINITION.finditer(markdown):
        definitions.setdefault(_normalise(match["label"]), match["dest"])
    return "".join(part if is_code else _rewrite_images(part, definitions)
                   for part, is_code in _code_split(markdown))


def _rewrite_images(text: str, definitions: dict[str, str]) -> str:
    text = _INLINE_IMAGE.sub(
        lambda m: _code_span(image_label(m["bracketed"] if m["bracketed"] is not None
                                         else m["bare"])), text)
    if definitions:
        def reference(m: re.Match[str]) -> str:
            label = _normalise(m["label"] or m["alt"])
            if label in definitions:
                return _code_span(image_label(definitions[label]))
            return m[0]
        text = _REFERENCE_IMAGE.sub(reference, text)
    return _IMG_TAG.sub(lambda m: html.escape(image_label(_src(m[0]))), text)


def _code_split(markdown: str) -> list[tuple[str, bool]]:
    """``markdown`` cut into (text, is_code) parts: fenced blocks and code spans are code."""
    parts: list[tuple[str, bool]] = []
    prose: list[str] = []
    fence = ""
    for line in markdown.splitlines(keepends=True):
        opening = _FENCE.match(line)
        if fence:
            parts.append((line, True))
            if opening and opening["fence"][0] == fence[0] and len(opening["fence"]) >= len(fence) \
                    and not opening["info"].strip():
                fence = ""
        elif opening:
            parts.extend(_span_split("".join(prose)))
            prose = []
            fence = opening["fence"]
            parts.append((line, True))
        else:
            prose.append(line)
    parts.extend(_span_split("".join(prose)))
    return parts


def _span_split(text: str) -> list[tuple[str, bool]]:
    """Code spans: a run of n backticks up to the next run of exactly n (CommonMark)."""
    if "`" not in text:
        return [(text, False)] if text else []
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)]
    starts_by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        starts_by_length.setdefault(end - start, []).append(index)
    parts: list[tuple[str, bool]] = []
    done = 0  # text before this is in parts
    index = 0
    while index < len(runs):
        start, end = runs[index]
        same = starts_by_length[end - start]
        later = bisect.bisect_right(same, index)
        if later == len(same):
            index += 1  # no closing run: literal backticks
            continue
        close = same[later]
        parts.append((text[done:start], False))
        parts.append((text[start:runs[close][1]], True))
        done = runs[close][1]
        index = close + 1
    parts.append((text[done:], False))
    return [part for part in parts if part[0]]


def _src(tag: str) -> str:
    match = _SRC.search(tag)
    return html.unescape(next((g for g in match.groups() if g is not None), "")) if match \
        else ""


def plain_tooltip(text: str) -> str:
    """``text`` for ``setToolTip`` or a model's tooltip role, shown as written.

    Qt guesses that a tooltip whose first line holds a tag is HTML, so a paper titled
    ``<img src="/dev/zero">`` would make the tooltip read that file. Text that could be
    taken for HTML is escaped (inside HTML that keeps its line breaks)."""
    if "<" not in text and "&" not in text:
        return text
    return f'<p style="white-space:pre-wrap">{html.escape(text, quote=False)}</p>'


def placeholder_image(name: str) -> QImage:
    """A small framed image saying which image is not shown (drawn, nothing read)."""
    font = QGuiApplication.font()
    metrics = QFontMetrics(font)
    label = metrics.elidedText(image_label(name), Qt.TextElideMode.ElideMiddle, PLACEHOLDER_MAX_WIDTH)
    width = metrics.horizontalAdvance(label) + 12
    height = metrics.height() + 8
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(0, 0, 0, 0))
    painter = QPainter(image)
    painter.setFont(font)
    grey = QColor(128, 128, 128)
    painter.setPen(grey)
    painter.drawRect(0, 0, width - 1, height - 1)
    painter.drawText(6, 4 + metrics.ascent(), label)
    painter.end()
    return image


class ResourceFreeDocument(QTextDocument):
    """A document that loads nothing: images are drawn placeholders, the rest empty."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.requested: list[str] = []  # what the content asked for (tests, debugging)
        self._placeholders: dict[str, QImage] = {}  # Qt asks again at every layout

    def loadResource(self, type: int, name: QUrl) -> object:  # noqa: A002 (Qt's name)
        """Answer every request here, so Qt's own file and network fallback never runs."""
        if type != _IMAGE_RESOURCE:
            return ""
        where = name.toString()
        image = self._placeholders.get(where)
        if image is None:
            self.requested.append(where)
            if len(self._placeholders) >= MAX_DRAWN_PLACEHOLDERS:
                where = ""  # a note full of images must not fill memory with drawings
            image = self._placeholders.get(where) or placeholder_image(where)
            self._placeholders[name.toString()] = image
        return image
