"""A guard against a reference-counting bug of PySide6 6.12.0 on Python 3.11.

With the PySide6-Essentials 6.12.0 wheels (``cp310-abi3``) on Python 3.11,
every call of a ``void`` Qt method from Python (``label.setText(…)``), every
Python override of a ``void`` virtual called by Qt (``paintEvent``,
``keyPressEvent``…) and every invalid ``QVariant`` handed back to Python steals
a reference to ``None``; ``SignalInstance.emit()`` steals one to ``True``. After
a few thousand calls the interpreter aborts ("Fatal Python error: none_dealloc:
deallocating None"). From Python 3.12 on these objects are immortal (PEP 683)
and the bug is harmless.

:func:`protect_singletons` detects the bug once and, only if it is present,
gives ``None``, ``True`` and ``False`` a huge number of extra references — the
same thing Python 3.12 does — so they can never reach zero. The real fix is a
PySide6 release without the bug or Python ≥ 3.12; this module can then go.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

EXTRA_REFERENCES = 1 << 40  # at a million stolen references a second: 12 days
PROBE_CALLS = 64


class _Probe(QObject):
    fired = Signal()


def _steals(target: object, call: object) -> bool:
    before = sys.getrefcount(target)
    for _ in range(PROBE_CALLS):
        call()  # type: ignore[operator]
    return sys.getrefcount(target) <= before - PROBE_CALLS


def _add_references(target: object, count: int) -> None:
    """Raise an object's reference count (CPython: ``ob_refcnt`` is the first field)."""
    refcnt = ctypes.c_ssize_t.from_address(id(target))
    refcnt.value += count


def protect_singletons() -> bool:
    """Make ``None``, ``True`` and ``False`` unkillable if this PySide steals references."""
    probe = _Probe()
    steals_none = _steals(None, lambda: probe.setObjectName("probe"))
    steals_bool = _steals(True, probe.fired.emit)
    if steals_none or steals_bool:
        for target in (None, True, False):
            _add_references(target, EXTRA_REFERENCES + PROBE_CALLS)
    return steals_none or steals_bool


BUG_PRESENT = protect_singletons()
