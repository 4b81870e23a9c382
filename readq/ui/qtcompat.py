"""Work-arounds for bugs of the installed Qt binding, in one place.

PySide6 6.12.0 on Python 3.11: ``SignalInstance.emit()`` returns ``True``
without taking a reference to it, so every emit from Python steals one
reference to ``True``; after a few thousand emits the interpreter aborts with
"Fatal Python error: bool_dealloc". (From Python 3.12 on, ``True`` is immortal
and the bug is harmless.) :func:`emit` is used for every emit in ``readq.ui``:
it detects the bug once, at import, and gives the stolen reference back.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance


class _Probe(QObject):
    fired = Signal()


def _emit_steals_references() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    probe.fired.emit()  # the result is dropped at once: a stolen reference shows as -1
    after = sys.getrefcount(True)
    if after < before:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))  # give the probe's back
        return True
    return False


EMIT_STEALS = _emit_steals_references()


def emit(signal: SignalInstance, *args: Any) -> None:
    """``signal.emit(*args)``, safe from the reference bug above."""
    result = signal.emit(*args)
    if EMIT_STEALS and isinstance(result, bool):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
