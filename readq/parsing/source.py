"""Reading one dump file safely: regular files only, the encoding chosen per file.

- Only regular files are read: a FIFO, a device or a socket is refused at once, before
  anything could block on it (``os.stat`` first, then a non-blocking open re-checked
  with ``fstat``).
- The encoding is chosen per file, UTF-8 preferred: a byte-order mark or NUL bytes
  decide UTF-16/32; otherwise the whole file is scanned (in chunks, stopping early on
  clear evidence) and counted: non-ASCII characters that are valid UTF-8 against bytes
  that are not. A file that is mostly UTF-8 is read as UTF-8 and each stray byte becomes
  U+FFFD, reported with its line; only a file with no (or far fewer) valid UTF-8
  sequences than stray bytes is read as Windows-1252. A few bad bytes never switch the
  whole file to another encoding.
- Lines are streamed, so memory does not grow with the file.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import stat
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from readq.models import DumpError, Problem
from readq.text import clean_line

SNIFF_BYTES = 64 * 1024
SCAN_CHUNK = 1 << 20
MAX_LINE_CHARS = 2_000_000
# Clear evidence that stops the scan early: this many characters of one kind and
# at most 1/16 as many of the other.
EVIDENCE = 256
KINDS_TEXT = (
    "readq understands author profiles (spaced or compact), arXiv listings "
    "and trending lists copied from the page as text"
)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ESCAPED = re.compile("[\udc80-\udcff]")   # bytes surrogateescape could not decode
_NON_ASCII = re.compile("[^\x00-\x7f]")
REPLACEMENT = "\ufffd"


def sniff_encoding(head: bytes, name: str = "the text", *, complete: bool = False,
                   eight_bit: str | None = None) -> str:
    """The encoding of a dump from its first bytes, or a ``DumpError`` saying why it is
    not a text dump. ``complete``: ``head`` is the whole file. ``eight_bit``: the
    encoding already chosen for a file without BOM or NULs (else judged from ``head``)."""
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
            encoding = eight_bit or choose_eight_bit([head])
    errors = "strict" if encoding.startswith("utf-16") or encoding == "utf-32" else "replace"
    try:
        text = codecs.getincrementaldecoder(encoding)(errors).decode(head, final=complete)
    except UnicodeDecodeError:
        raise DumpError(f"{name} is not text in any encoding readq knows") from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if "\x00" in text or controls > max(8, len(text) // 100):
        raise DumpError(f"{name} is a binary file, not a text dump; {KINDS_TEXT}")
    return encoding


def choose_eight_bit(chunks: Iterator[bytes] | list[bytes]) -> str:
    """UTF-8 unless the bytes hold more stray (non-UTF-8) bytes than valid UTF-8
    characters, then Windows-1252. Stops reading on clear evidence."""
    decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
    valid = invalid = 0
    for chunk in chunks:
        if chunk.isascii():
            continue
        text = decoder.decode(chunk)
        bad = len(_ESCAPED.findall(text))
        invalid += bad
        valid += len(_NON_ASCII.findall(text)) - bad
        if valid >= EVIDENCE and invalid * 16 <= valid:
            return "utf-8"
        if invalid >= EVIDENCE and valid * 16 <= invalid:
            return "cp1252"
    return "utf-8" if valid >= invalid else "cp1252"


def decode_dump(data: bytes, name: str = "the text") -> str:
    """Bytes → text (UTF-8 preferred; stray bytes become U+FFFD), or a ``DumpError``
    saying why it is not a text dump."""
    encoding = sniff_encoding(data[:SNIFF_BYTES], name, complete=len(data) <= SNIFF_BYTES,
                              eight_bit=choose_eight_bit([data]))
    try:
        errors = "strict" if encoding.startswith(("utf-16", "utf-32")) else "replace"
        return data.decode(encoding, errors)
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


_NOT_REGULAR = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
)


def refuse_unless_regular(path: Path, mode: int) -> None:
    """A ``DumpError`` for anything but a regular file (a folder gets its own message)."""
    if stat.S_ISDIR(mode):
        raise DumpError(f"{path} is a folder; give the dump files inside it")
    if not stat.S_ISREG(mode):
        kind = next((label for test, label in _NOT_REGULAR if test(mode)), "not a file")
        raise DumpError(f"{path} is {kind}, not a regular file; readq imports dumps "
                        "only from files")


def _opener(path: str, flags: int) -> int:
    """Open without blocking (a FIFO swapped in after the check must not hang us)."""
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


class DumpSource:
    """An open dump file: clean numbered lines, streamed, with its capture date.

    Use as a context manager. Lines longer than ``MAX_LINE_CHARS`` are cut there and
    reported in ``problems``, as are lines whose bytes were not valid in the file's
    encoding (each such byte is kept as U+FFFD).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []
        try:
            refuse_unless_regular(path, os.stat(path).st_mode)
            self._raw: BinaryIO = open(path, "rb", opener=_opener)  # noqa: SIM115
            try:
                info = os.fstat(self._raw.fileno())
                refuse_unless_regular(path, info.st_mode)
                head = self._raw.read(SNIFF_BYTES)
                complete = len(head) < SNIFF_BYTES
                eight_bit = None
                if not head.startswith(tuple(b for b, _ in _BOMS)) and b"\x00" not in head[:4096]:
                    eight_bit = choose_eight_bit(self._chunks(head))
                self.encoding = sniff_encoding(head, str(path), complete=complete,
                                               eight_bit=eight_bit)
                self.captured: date = datetime.fromtimestamp(info.st_mtime).date()
                self.size = info.st_size
                self._raw.seek(0)
                self._reader = io.TextIOWrapper(
                    self._raw, encoding=self.encoding, newline=None,
                    errors="strict" if self.encoding.startswith(("utf-16", "utf-32"))
                    else "surrogateescape")
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

    def _chunks(self, head: bytes) -> Iterator[bytes]:
        yield head
        while chunk := self._raw.read(SCAN_CHUNK):
            yield chunk

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
                if not line.isascii():
                    line, bad = _ESCAPED.subn(REPLACEMENT, line)
                    if bad:
                        self.problems.append(Problem(number, _bad_bytes(bad, self.encoding)))
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


def _bad_bytes(count: int, encoding: str) -> str:
    name = "UTF-8" if encoding.startswith("utf-8") else "Windows-1252"
    what = "a byte that is" if count == 1 else f"{count} bytes that are"
    return f"{what} not valid {name} here, kept as {REPLACEMENT}"
