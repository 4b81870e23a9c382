"""One entry point for every dump kind: read a file safely, detect its kind, parse it.

Files are streamed: ``open_dump`` sniffs the first bytes for the encoding
(UTF-8/16/32 with or without BOM, Windows-1252 as a fallback), refuses binary,
HTML and empty input with a one-line ``DumpError``, then yields clean numbered
lines; ``detect_format`` picks the kind from a look-ahead window; the parsers
yield records and problems one by one, so a 200 MB dump never sits in memory.
``parse_text``/``parse_file`` collect everything for callers that want lists.
Nothing here touches the library.
"""

from __future__ import annotations

import codecs
import io
import itertools
import os
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from readq.models import DumpError, DumpFormat, ParseResult, Problem, Record
from readq.parsing.arxiv import ID_LINE, parse_arxiv
from readq.parsing.common import Item, is_meta_line, looks_like_abstract
from readq.parsing.profile import parse_compact, parse_profile
from readq.parsing.trending import parse_trending
from readq.text import clean_line

SNIFF_BYTES = 64 * 1024
LOOKAHEAD_LINES = 400
MAX_LINE_CHARS = 2_000_000
KINDS_TEXT = (
    "readq understands author profiles (spaced or compact), arXiv listings "
    "and trending lists copied from the page as text"
)

Parser = Callable[[Iterable[tuple[int, str]], date], Iterator[Item]]
PARSERS: dict[DumpFormat, Parser] = {
    DumpFormat.PROFILE: parse_profile,
    DumpFormat.ARXIV: parse_arxiv,
    DumpFormat.TRENDING: parse_trending,
    DumpFormat.COMPACT: parse_compact,
}

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HTML = re.compile(r"<(?:!doctype|html|head|body|div|p|span|a\s|table|script)\b", re.IGNORECASE)


def sniff_encoding(head: bytes, name: str = "the text", *, complete: bool = False) -> str:
    """The encoding of a dump from its first bytes, or a ``DumpError`` saying why it is
    not a text dump. ``complete``: ``head`` is the whole file."""
    if not head.strip():
        raise DumpError(f"{name} is empty")
    encoding = None
    for bom, candidate in _BOMS:
        if head.startswith(bom):
            encoding = candidate
            break
    if encoding is None:
        if b"\x00" in head[:4096]:
            encoding = _guess_utf16(head, name)
        else:
            try:
                codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
                encoding = "utf-8"
            except UnicodeDecodeError:
                encoding = "cp1252"
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(head, final=complete)
    except UnicodeDecodeError:
        raise DumpError(f"{name} is not text in any encoding readq knows") from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if "\x00" in text or controls > max(8, len(text) // 100):
        raise DumpError(f"{name} is a binary file, not a text dump; {KINDS_TEXT}")
    if encoding == "utf-8" and head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    return encoding


def decode_dump(data: bytes, name: str = "the text") -> str:
    """Bytes → text, or a ``DumpError`` saying why it is not a text dump."""
    encoding = sniff_encoding(data[:SNIFF_BYTES], name, complete=len(data) <= SNIFF_BYTES)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DumpError(f"{name} is not valid {encoding} text (byte {exc.start})") from None


def _guess_utf16(data: bytes, name: str) -> str:
    """UTF-16 without a BOM shows NULs in every other byte of ASCII text."""
    even_nuls = data[0:4096:2].count(0)
    odd_nuls = data[1:4096:2].count(0)
    half = len(data[:4096]) // 4
    if odd_nuls > half and even_nuls < half / 8:
        return "utf-16-le"
    if even_nuls > half and odd_nuls < half / 8:
        return "utf-16-be"
    raise DumpError(f"{name} is a binary file, not a text dump; {KINDS_TEXT}")


class DumpSource:
    """An open dump file: clean numbered lines, streamed, with its capture date.

    Use as a context manager. Lines longer than ``MAX_LINE_CHARS`` are cut there
    and reported in ``problems``; bytes that are not valid in the sniffed encoding
    stop the read with a ``DumpError`` naming the line.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []
        try:
            if path.is_dir():
                raise DumpError(f"{path} is a folder; give the dump files inside it")
            self._raw: BinaryIO = open(path, "rb")  # noqa: SIM115 (closed in close())
            try:
                head = self._raw.read(SNIFF_BYTES)
                complete = len(head) < SNIFF_BYTES
                self.encoding = sniff_encoding(head, str(path), complete=complete)
                stat = os.fstat(self._raw.fileno())
                self.captured = datetime.fromtimestamp(stat.st_mtime).date()
                self.size = stat.st_size
                self._raw.seek(0)
                self._reader = io.TextIOWrapper(self._raw, encoding=self.encoding, newline=None)
            except BaseException:
                self._raw.close()
                raise
        except FileNotFoundError:
            raise DumpError(f"{path}: no such file") from None
        except PermissionError:
            raise DumpError(f"{path}: permission denied") from None
        except IsADirectoryError:
            raise DumpError(f"{path} is a folder; give the dump files inside it") from None
        except OSError as exc:
            raise DumpError(f"{path}: {exc.strerror or exc}") from None

    def lines(self) -> Iterator[tuple[int, str]]:
        """``(line number, clean line)`` for every line of the file."""
        reader = self._reader
        number = 0
        try:
            while True:
                line = reader.readline(MAX_LINE_CHARS)
                if not line:
                    return
                number += 1
                if not line.endswith("\n") and len(line) >= MAX_LINE_CHARS:
                    self.problems.append(Problem(
                        number, f"line longer than {MAX_LINE_CHARS:,} characters; cut there"))
                    while True:  # skip the rest of the overlong line
                        more = reader.readline(MAX_LINE_CHARS)
                        if not more or more.endswith("\n"):
                            break
                yield number, clean_line(line.rstrip("\r\n"))
        except UnicodeDecodeError:
            raise DumpError(f"{self.path} is not valid {self.encoding} text "
                            f"(line {number + 1})") from None
        except OSError as exc:
            raise DumpError(f"{self.path}: {exc.strerror or exc}") from None

    def close(self) -> None:
        """Close the file."""
        self._reader.close()

    def __enter__(self) -> DumpSource:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def detect_format(lines: list[str]) -> DumpFormat:
    """Pick the dump kind from the shape of its (first) lines; ``DumpError`` if none fits."""
    non_blank = [line for line in lines if line]
    if not non_blank:
        raise DumpError("the dump is empty")
    sample = "\n".join(non_blank[:200])
    if _HTML.search(sample) and sample.count("<") > 5:
        raise DumpError(
            "this is an HTML page, not the page's text: open it in a browser, "
            "select all and copy, then paste or save that text"
        )
    id_lines = sum(1 for line in non_blank if ID_LINE.match(line))
    meta_lines = sum(1 for line in non_blank if is_meta_line(line))
    prose = sum(1 for line in non_blank if looks_like_abstract(line))
    if meta_lines and meta_lines >= max(1, id_lines):
        # compact: the line after a header line holds title AND authors, and there
        # are no blank lines between the parts of a record.
        return DumpFormat.PROFILE if _blank_after_meta(lines) else DumpFormat.COMPACT
    if id_lines:
        return DumpFormat.ARXIV
    if prose and len(non_blank) >= 2:
        titles_before_prose = sum(
            1 for a, b in zip(non_blank, non_blank[1:])
            if not looks_like_abstract(a) and looks_like_abstract(b)
        )
        if titles_before_prose and titles_before_prose >= prose / 2:
            return DumpFormat.TRENDING
    raise DumpError(f"this text is not a listing dump readq knows; {KINDS_TEXT}")


def _blank_after_meta(lines: list[str]) -> bool:
    """Spaced profiles put blank lines inside records; compact ones never do."""
    votes = total = 0
    for i, line in enumerate(lines):
        if is_meta_line(line):
            total += 1
            if "" in lines[i + 1 : i + 4]:
                votes += 1
    return votes * 2 > total


def stream_items(lines: Iterable[tuple[int, str]], captured: date,
                 format: DumpFormat | None = None) -> tuple[DumpFormat, Iterator[Item]]:
    """Detect the kind from a look-ahead window, then parse the whole stream."""
    iterator = iter(lines)
    window: list[tuple[int, str]] = []
    non_blank = 0
    for number, line in iterator:
        window.append((number, line))
        non_blank += bool(line)
        if non_blank >= LOOKAHEAD_LINES:
            break
    kind = format or detect_format([line for _, line in window])
    return kind, PARSERS[kind](itertools.chain(window, iterator), captured)


def collect(kind: DumpFormat, items: Iterable[Item], extra: list[Problem] | None = None
            ) -> ParseResult:
    """Gather streamed items into a ``ParseResult``; ``DumpError`` if no record."""
    result = ParseResult(kind, [])
    for item in items:
        if isinstance(item, Record):
            result.records.append(item)
        else:
            result.problems.append(item)
    result.problems.extend(extra or [])
    result.problems.sort(key=lambda p: p.line)
    if not result.records:
        raise no_records_error(kind, result.problems)
    return result


def no_records_error(kind: DumpFormat, problems: list[Problem]) -> DumpError:
    """The error for a dump in which no complete record was found."""
    if problems:
        return DumpError(f"no complete record found as {kind.label}: {problems[0].message}")
    return DumpError(f"no record found when read as {kind.label}; {KINDS_TEXT}")


def parse_text(text: str, *, captured: date, format: DumpFormat | None = None) -> ParseResult:
    """Parse pasted text (``DumpError`` if it is not a dump of a known kind)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = ((n, clean_line(line)) for n, line in enumerate(text.split("\n"), start=1))
    kind, items = stream_items(lines, captured, format)
    return collect(kind, items)


def parse_file(path: Path, *, format: DumpFormat | None = None) -> ParseResult:
    """Read and parse one dump file into lists."""
    with DumpSource(path) as source:
        kind, items = stream_items(source.lines(), source.captured, format)
        return collect(kind, items, source.problems)
