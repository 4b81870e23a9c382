"""Shared pieces of the library service's parts: its errors and the ``writes`` wrapper.

Every part (importing, indexing, user state, backups) raises :class:`LibraryError`
for what the user must be told in one line; a write that could not get its turn
within the store's budget is :class:`LibraryBusy`, never a raw ``sqlite3`` error.
"""

from __future__ import annotations

import functools
import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from readq.store.database import StoreBusy, is_busy
from readq.store.health import describe_error

log = logging.getLogger("readq.library")
T = TypeVar("T")
Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


class LibraryError(Exception):
    """A failure to tell the user in one line (bad paper reference, bad value…)."""


class LibraryBusy(LibraryError):
    """Another readq (an import, the app) kept the library busy past the wait budget."""


BUSY_MESSAGE = ("the library is busy (another readq is writing to it, e.g. an import); "
                "nothing was changed — try again in a moment")


def writes(method: Callable[..., T]) -> Callable[..., T]:
    """A library operation that writes: busy or failing SQLite becomes a one-line error."""

    @functools.wraps(method)
    def run(self: Any, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except StoreBusy:
            raise LibraryBusy(BUSY_MESSAGE) from None
        except sqlite3.OperationalError as exc:
            if is_busy(exc):
                raise LibraryBusy(BUSY_MESSAGE) from None
            log.exception("writing the library failed")
            raise LibraryError(describe_error(exc, self.root)) from None

    return run


@contextmanager
def busy_as_error() -> Iterator[None]:
    """Turn a busy or failing write inside the block into a :class:`LibraryError`."""
    try:
        yield
    except StoreBusy:
        raise LibraryBusy(BUSY_MESSAGE) from None
    except sqlite3.OperationalError as exc:
        if is_busy(exc):
            raise LibraryBusy(BUSY_MESSAGE) from None
        raise LibraryError(f"the library could not be written ({exc})") from None
