"""One entry point for every dump kind: read a file safely, detect its kind, parse it.

``read_dump`` turns bytes into clean text (UTF-8/16/32 with or without BOM,
Windows-1252 as a fallback) or refuses binary, HTML and empty input with a
one-line ``DumpError``; ``detect_format`` picks the kind; ``parse_text`` runs
the right parser. Nothing here touches the library.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from readq.models import DumpError, DumpFormat, ParseResult
from readq.parsing.arxiv import ID_LINE, parse_arxiv
from readq.parsing.common import is_meta_line, looks_like_abstract
from readq.parsing.profile import parse_compact, parse_profile
from readq.parsing.trending import parse_trending
from readq.text import clean_document

MAX_DUMP_BYTES = 256 * 1024 * 1024
KINDS_TEXT = (
    "readq understands author profiles (spaced or compact), arXiv listings "
    "and trending lists copied from the page as text"
)

PARSERS: dict[DumpFormat, Callable[[list[str], date], ParseResult]] = {
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


def decode_dump(data: bytes, name: str = "the text") -> str:
    """Bytes → text, or a ``DumpError`` saying why it is not a text dump."""
    if not data.strip():
        raise DumpError(f"{name} is empty")
    text = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _decode(data, encoding, name)
            break
    if text is None:
        if b"\x00" in data[:4096]:
            text = _guess_utf16(data, name)
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = _decode(data, "cp1252", name)
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if "\x00" in text or controls > max(8, len(text[:65536]) // 100):
        raise DumpError(f"{name} is a binary file, not a text dump; {KINDS_TEXT}")
    return text


def _decode(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise DumpError(f"{name} is not text in any encoding readq knows") from None


def _guess_utf16(data: bytes, name: str) -> str:
    """UTF-16 without a BOM shows NULs in every other byte of ASCII text."""
    even_nuls = data[0:4096:2].count(0)
    odd_nuls = data[1:4096:2].count(0)
    half = len(data[:4096]) // 4
    if odd_nuls > half and even_nuls < half / 8:
        return _decode(data, "utf-16-le", name)
    if even_nuls > half and odd_nuls < half / 8:
        return _decode(data, "utf-16-be", name)
    raise DumpError(f"{name} is a binary file, not a text dump; {KINDS_TEXT}")


def read_dump(path: Path) -> tuple[str, date]:
    """Read a dump file; return its text and its capture date (the file's mtime)."""
    try:
        if path.is_dir():
            raise DumpError(f"{path} is a folder; give the dump files inside it")
        size = path.stat().st_size
        if size > MAX_DUMP_BYTES:
            raise DumpError(
                f"{path} is {size // (1024 * 1024)} MB; readq reads dumps up to "
                f"{MAX_DUMP_BYTES // (1024 * 1024)} MB"
            )
        data = path.read_bytes()
        captured = datetime.fromtimestamp(os.stat(path).st_mtime).date()
    except FileNotFoundError:
        raise DumpError(f"{path}: no such file") from None
    except PermissionError:
        raise DumpError(f"{path}: permission denied") from None
    except IsADirectoryError:
        raise DumpError(f"{path} is a folder; give the dump files inside it") from None
    except OSError as exc:
        raise DumpError(f"{path}: {exc.strerror or exc}") from None
    return decode_dump(data, str(path)), captured


def detect_format(lines: list[str]) -> DumpFormat:
    """Pick the dump kind from the shape of its lines; ``DumpError`` if none fits."""
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
    meta_lines = [i for i, line in enumerate(non_blank) if is_meta_line(line)]
    prose = sum(1 for line in non_blank if looks_like_abstract(line))
    if meta_lines and len(meta_lines) >= max(1, id_lines):
        # compact: the line after a header line holds title AND authors, and there
        # are no blank lines between the parts of a record.
        blank_between = _blank_after_meta(lines)
        return DumpFormat.PROFILE if blank_between else DumpFormat.COMPACT
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
    votes = 0
    total = 0
    for i, line in enumerate(lines):
        if is_meta_line(line):
            total += 1
            window = lines[i + 1 : i + 5]
            if "" in window[:3]:
                votes += 1
    return votes * 2 > total


def parse_text(
    text: str, *, captured: date, format: DumpFormat | None = None
) -> ParseResult:
    """Clean ``text`` and parse it as ``format`` (detected when None).

    Raises ``DumpError`` when the text is not a dump of a known kind, or when a
    forced format finds no record in it.
    """
    lines = clean_document(text).split("\n")
    kind = format or detect_format(lines)
    result = PARSERS[kind](lines, captured)
    if not result.records:
        if result.problems:
            raise DumpError(f"no complete record found as {kind.label}: {result.problems[0].message}")
        raise DumpError(f"no record found when read as {kind.label}; {KINDS_TEXT}")
    return result


def parse_file(path: Path, *, format: DumpFormat | None = None) -> ParseResult:
    """Read and parse one dump file."""
    text, captured = read_dump(path)
    return parse_text(text, captured=captured, format=format)
