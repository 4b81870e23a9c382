"""Argument types of the command line, checked before the library is opened: a paper,
a whole number in a range, the library folder, a regular file to read. Each refuses
bad input with one line (argparse prints it and exits with status 2)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from readq.safe_io import not_a_regular_file

_ARXIV_REF = re.compile(r"^(arxiv:)?(\d{4}\.\d{4,5}|[a-z][a-z.-]{0,30}/\d{7})(v\d{1,3})?$",
                        re.IGNORECASE)
_MAX_ID = 2**63 - 1  # SQLite's largest integer


def paper_ref(text: str) -> str:
    """A PAPER argument: a numeric id or an arXiv id, checked before the library opens."""
    ref = text.strip()
    if ref.isascii() and ref.isdigit():
        if len(ref) > 19 or int(ref) > _MAX_ID:
            raise argparse.ArgumentTypeError(f"no paper with id {ref[:30]}"
                                             + ("…" if len(ref) > 30 else ""))
        return ref
    if len(ref) <= 60 and _ARXIV_REF.match(ref):
        return ref
    shown = ref[:40] + ("…" if len(ref) > 40 else "")
    raise argparse.ArgumentTypeError(
        f"{shown!r} is not a paper: give a numeric id (see `readq list`) or an arXiv id "
        "such as 2401.10020")


def whole_number(low: int, high: int) -> Any:
    """An argparse type: an ASCII whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        value = text.strip()
        digits = value[1:] if value[:1] in "+-" else value
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 18:
            raise argparse.ArgumentTypeError(f"must be a whole number from {low} to {high}, "
                                             f"not {text[:30]!r}")
        number = int(value)
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}, not {number}")
        return number

    return parse


def library_arg(text: str) -> str:
    """A ``--library`` argument: an empty one is a mistake, not "the default library"."""
    if not text.strip():
        raise argparse.ArgumentTypeError("needs a folder name, not an empty one")
    return text


def regular_file_arg(what: str) -> Any:
    """An argparse type: a path to a regular file (a FIFO or device is refused before
    the library is opened, without opening it)."""

    def parse(text: str) -> Path:
        problem = not_a_regular_file(Path(text), what=what)
        if problem:
            raise argparse.ArgumentTypeError(problem)
        return Path(text)

    return parse
