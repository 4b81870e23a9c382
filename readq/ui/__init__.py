"""readq's desktop app (PySide6). The only package that imports Qt.

``readq.ui.app.run_app`` starts it; ``readq.ui.main_window.MainWindow`` is the
window (usable from tests with a temporary library and settings file).
Importing the package first guards against a PySide6 6.12 reference-counting
bug on Python 3.11 (see ``readq.ui.qtcompat``).
"""

from readq.ui import qtcompat as _qtcompat  # noqa: F401  (must run before any Qt use)
