"""Note preview time for hostile notes, with and without readq's preview bounds.

    QT_QPA_PLATFORM=offscreen python -m benchmarks.bench_preview [--quick]

For each note (a very wide or very tall Markdown table, deeply nested HTML, a wide
HTML table, deeply nested lists and quotes) it times, in the same process:

- *unbounded*: ``QTextBrowser.setMarkdown(note)`` plus one paint, what the preview
  did before (the anchor);
- *readq*: the real ``NoteEditor``: the note shown on its Write tab (the source
  editor, no preview rendered), then the switch to the Preview tab (bounds of
  ``readq.ui.preview_limits`` applied), each plus one paint.

The unbounded time is skipped (``--quick``) or capped by the note sizes below.
"""

from __future__ import annotations

import argparse
import time

from PySide6.QtWidgets import QApplication, QTextBrowser

NOTES = {
    "markdown table, 10,000 columns": "|" + "a|" * 10_000 + "\n|" + "-|" * 10_000
                                       + "\n|" + "b|" * 10_000,
    "markdown table, 8,000 rows": "|a|b|\n|-|-|\n" + "|x|y|\n" * 8_000,
    "html table, 20,000 cells": "<table><tr>" + "<td>a</td>" * 20_000 + "</tr></table>",
    "html, 20,000 nested divs": "<div>" * 20_000 + "x" + "</div>" * 20_000,
    "html, 5,000 nested lists": "<ul><li>" * 5_000 + "x",
    "markdown, 500 nested lists": "\n".join("  " * i + "- x" for i in range(500)),
    "markdown, 3,000 nested quotes": ">" * 3_000 + " x",
}


def _time(fn) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the unbounded anchor")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    from readq.ui.note_editor import NoteEditor

    print(f"{'note':36} {'unbounded':>10} {'readq write':>12} {'readq preview':>14}")
    for name, note in NOTES.items():
        anchor = float("nan")
        if not args.quick:
            browser = QTextBrowser()
            browser.resize(600, 400)
            browser.show()
            anchor = _time(lambda: (browser.setMarkdown(note), browser.grab()))
            browser.close()
            browser.deleteLater()
        editor = NoteEditor(lambda _id, _text: None)
        editor.resize(600, 400)
        editor.show()
        write = _time(lambda: (editor.set_paper(1, note), editor.grab()))
        preview = _time(lambda: (editor.tabs.setCurrentIndex(1), editor.grab()))
        editor.close()
        editor.deleteLater()
        app.processEvents()
        print(f"{name:36} {anchor:9.2f}s {write:11.2f}s {preview:13.2f}s", flush=True)


if __name__ == "__main__":
    main()
