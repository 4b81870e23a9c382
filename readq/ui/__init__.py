"""readq's desktop app (PySide6). The only package that imports Qt.

``readq.ui.app.run_app`` starts it; ``readq.ui.main_window.MainWindow`` is the
window (usable from tests with a temporary library and settings file).
"""
