"""Real X input for :mod:`benchmarks.real_window`: an Xvfb server and XTEST events.

Events go through the XTEST extension, as a person's keyboard and mouse would reach
the app through the X server (not posted into Qt's queue); each call flushes and
waits for the server (``sync``) before it returns the time, so a latency starts at
the moment the event is the server's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time

MODIFIERS = {"ctrl": "Control_L", "shift": "Shift_L", "alt": "Alt_L"}


def start_xvfb(size: str) -> tuple[subprocess.Popen[bytes], str]:
    """An Xvfb server on a free display number, listening on no network port."""
    if shutil.which("Xvfb") is None:
        raise SystemExit("Xvfb is needed: apt-get install xvfb")
    for number in range(70, 120):
        if not os.path.exists(f"/tmp/.X11-unix/X{number}") and not os.path.exists(f"/tmp/.X{number}-lock"):
            break
    proc = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not os.path.exists(f"/tmp/.X11-unix/X{number}"):
        if time.monotonic() > deadline or proc.poll() is not None:
            raise SystemExit("Xvfb did not start")
        time.sleep(0.05)
    return proc, f":{number}"


class XInput:
    """Keys and clicks through XTEST on one display."""

    def __init__(self, display: str) -> None:
        from Xlib import display as xdisplay

        self.display = xdisplay.Display(display)
        if not self.display.has_extension("XTEST"):
            raise SystemExit("the X server has no XTEST extension")

    def _keycode(self, keysym: int) -> tuple[int, bool]:
        """The keycode giving ``keysym`` and whether Shift is needed for it."""
        code = self.display.keysym_to_keycode(keysym)
        if code == 0:
            raise ValueError(f"no key gives keysym {keysym:#x}")
        shifted = self.display.keycode_to_keysym(code, 0) != keysym
        return code, shifted

    def _press(self, code: int, down: bool) -> None:
        from Xlib import X
        from Xlib.ext import xtest

        xtest.fake_input(self.display, X.KeyPress if down else X.KeyRelease, code)

    def _stroke(self, keysym: int, modifiers: list[str]) -> float:
        from Xlib import XK

        code, shifted = self._keycode(keysym)
        held = [self.display.keysym_to_keycode(XK.string_to_keysym(MODIFIERS[m])) for m in modifiers]
        if shifted and "shift" not in modifiers:
            held.append(self.display.keysym_to_keycode(XK.string_to_keysym("Shift_L")))
        for mod in held:
            self._press(mod, True)
        self._press(code, True)
        self._press(code, False)
        for mod in reversed(held):
            self._press(mod, False)
        self.display.sync()
        return time.monotonic()

    def key(self, combo: str) -> float:
        """``"ctrl+f"``, ``"Escape"``, ``"5"``: pressed and released; the time it reached X."""
        from Xlib import XK

        *mods, name = combo.split("+") if combo != "+" else ["+"]
        keysym = XK.string_to_keysym(name) if len(name) > 1 else ord(name)
        return self._stroke(keysym, [m.lower() for m in mods])

    def type(self, text: str, gap_s: float) -> float:
        """Type ``text`` one key at a time (Latin-1 keysyms are their code points)."""
        last = time.monotonic()
        for ch in text:
            last = self._stroke(ord(ch), [])
            time.sleep(gap_s)
        return last

    def click(self, x: int, y: int) -> float:
        """A left click at screen position (x, y)."""
        from Xlib import X
        from Xlib.ext import xtest

        xtest.fake_input(self.display, X.MotionNotify, x=int(x), y=int(y))
        self.display.sync()
        time.sleep(0.05)
        xtest.fake_input(self.display, X.ButtonPress, 1)
        xtest.fake_input(self.display, X.ButtonRelease, 1)
        self.display.sync()
        return time.monotonic()
