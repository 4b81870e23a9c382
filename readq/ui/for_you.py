""""For you" in the app: rankings, explanations and similar papers, off the GUI thread.

:class:`ForYou` asks the recommender process (:mod:`readq.recommend.service`, started
on first use and kept) from a lane of its own, so the features of a big library and
scikit-learn never sit in the window's memory, and a feature build never holds up
searches, counts or the window's interpreter lock: ``rank`` orders papers for
the "For you" view, the Inbox and triage; ``explain`` gives a paper's "why" and
its similar papers for the card and the detail pane. A newer request of the
same kind cancels an older one that has not started. :class:`NotThisCommand`
makes "not this" undoable; :class:`ForYouPanel` is the detail pane's section.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from readq.library import Library
from readq.recommend.client import RecommenderProcess
from readq.ui.tasks import READ, Task, TaskContext, TaskRunner
from readq.ui.operations import Operations
from readq.ui.safe_document import plain_tooltip
from readq.ui.undo import Changed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Ranking:
    """Papers in "For you" order; ``note`` says why when it is newest first."""

    ids: list[int]
    ready: bool
    note: str = ""
    whys: dict[int, str] = field(default_factory=dict)  # explanations asked for with it


@dataclass(frozen=True)
class Explanation:
    """A paper's place and its most similar papers ``(id, title, why)``."""

    paper_id: int
    interest: float
    why: str
    similar: list[tuple[int, str, str]] = field(default_factory=list)


BUILDING = "Learning what you like…"  # shown while the features are built from scratch


def rank_job(process: RecommenderProcess, ids: Sequence[int], explain: Sequence[int] = (),
             explain_top: int = 0) -> Callable[[TaskContext], Ranking | None]:
    """A background job ranking ``ids`` in the recommender process (and explaining
    the papers ``explain`` and the first ``explain_top`` of the ranking)."""
    wanted, explained = [int(i) for i in ids], [int(i) for i in explain]

    def job(ctx: TaskContext) -> Ranking | None:
        answer = process.request("rank", lambda _: ctx.progress(0, 0, BUILDING),
                                 ids=wanted, explain=explained, explain_top=explain_top)
        if ctx.cancelled():  # a newer request replaced this one
            return None
        return Ranking([int(i) for i in answer["ids"]], bool(answer["ready"]), answer["note"],
                       {int(pid): text for pid, text in answer["whys"].items()})

    return job


def explain_job(process: RecommenderProcess, paper_id: int, similar: int = 5
                ) -> Callable[[TaskContext], Explanation | None]:
    """A background job explaining one paper (and finding papers like it)."""

    def job(ctx: TaskContext) -> Explanation | None:
        answer = process.request("explain", lambda _: ctx.progress(0, 0, BUILDING),
                                 paper_id=int(paper_id), similar=similar)
        if ctx.cancelled():
            return None
        return Explanation(int(answer["paper_id"]), float(answer["interest"]), answer["why"],
                           [(int(i), title, text) for i, title, text in answer["similar"]])

    return job


class ForYou(QObject):
    """The app's access to the recommender (results arrive on the GUI thread)."""

    def __init__(self, root: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = TaskRunner(root, self)
        self.process = RecommenderProcess(root)  # started on the first request
        self._latest: dict[str, Task] = {}
        self._list_places: dict[int, int] = {}  # the list's last "For you" order

    def _submit(self, kind: str, fn: Callable[[TaskContext], object],
                done: Callable[[object], None]) -> Task:
        old = self._latest.get(kind)
        if old is not None and not old.done:
            old.cancel()
        task = self.runner.submit(fn, lane=READ, name=f"for-you {kind}")
        self._latest[kind] = task

        def finished(result: object) -> None:
            if result is not None and not task.is_cancelled() and self._latest.get(kind) is task:
                done(result)

        task.finished.connect(finished)
        task.failed.connect(lambda message: log.warning("for you (%s): %s", kind, message))
        return task

    def rank(self, ids: Sequence[int], done: Callable[[Ranking], None],
             kind: str = "rank", explain: Sequence[int] = (), explain_top: int = 0) -> Task:
        """Order papers "For you"; ``done(Ranking)`` on the GUI thread."""
        if kind == "list":
            def remember(ranking: Ranking) -> None:
                self._list_places = {pid: n for n, pid in enumerate(ranking.ids)}
                done(ranking)

            return self._submit(kind, rank_job(self.process, ids),
                                remember)  # type: ignore[arg-type]
        return self._submit(kind, rank_job(self.process, ids, explain, explain_top),
                            done)  # type: ignore[arg-type]

    def arrange(self, ids: Sequence[int]) -> list[int]:
        """Papers in the list's last "For you" order (papers it did not hold last), to
        show at once while the new order is computed."""
        places = self._list_places
        return sorted(ids, key=lambda pid: places.get(pid, len(places)))

    def explain(self, paper_id: int, done: Callable[[Explanation], None],
                kind: str = "explain", similar: int = 5) -> Task:
        """Why a paper is where it is, and papers like it."""
        return self._submit(kind, explain_job(self.process, paper_id, similar),
                            done)  # type: ignore[arg-type]

    def busy(self) -> bool:
        """Whether a ranking or explanation is being computed."""
        return self.runner.busy()

    def shutdown(self) -> None:
        """Stop the recommender process and the lane (a request waiting on the process
        ends when it stops)."""
        self.process.stop()
        self.runner.shutdown()
        self.process.close()


class NotThisCommand(QUndoCommand):
    """Say "not this" to papers (a negative decision), undoably, on the window's
    user lane (the GUI thread never writes)."""

    def __init__(self, ops: Operations, library: Library, text: str, ids: Sequence[int],
                 changed: Changed) -> None:
        super().__init__(text)
        self._ops = ops
        self._ids = list(ids)
        self._changed = changed
        already = library.not_this_ids()
        self._new = [i for i in self._ids if i not in already]

    def redo(self) -> None:
        new = self._new
        self._ops.run(lambda lib: lib.set_not_this(new, True),
                      lambda _: self._changed(self._ids, []), name=self.text())

    def undo(self) -> None:
        new = self._new
        self._ops.run(lambda lib: lib.set_not_this(new, False),
                      lambda _: self._changed(self._ids, self._ids), name=f"undo {self.text()}")


class ForYouPanel(QWidget):
    """The detail pane's "For you" parts: similar papers to click (this widget) and
    ``why``, a label the pane shows above the abstract."""

    open_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("forYouPanel")
        self.why = QLabel()
        self.why.setWordWrap(True)
        self.why.setTextFormat(Qt.TextFormat.RichText)
        self.why.setAccessibleName("Why")
        self.similar = QLabel(self)
        self.similar.setWordWrap(True)
        self.similar.setTextFormat(Qt.TextFormat.RichText)
        self.similar.setOpenExternalLinks(False)
        self.similar.setAccessibleName("Similar papers")
        self.similar.linkActivated.connect(self._on_link)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.similar)
        self.paper_id: int | None = None
        self.clear()

    def clear(self, paper_id: int | None = None) -> None:
        """Forget what was shown (a new paper: its explanation is on its way)."""
        self.paper_id = paper_id
        self.why.setText("")
        self.why.setVisible(False)
        self.similar.setText("")
        self.setVisible(False)

    def show_explanation(self, explanation: Explanation) -> None:
        """Fill in the why and the similar papers (ignored if another paper is shown)."""
        if explanation.paper_id != self.paper_id:
            return
        self.why.setText(f"<b>For you</b> — {html.escape(explanation.why)}")
        self.why.setVisible(True)
        if explanation.similar:
            items = "".join(
                f'<li><a href="paper:{pid}">{html.escape(title or "(untitled)")}</a></li>'
                for pid, title, _ in explanation.similar)
            self.similar.setText(f"<b>Similar papers</b><ul style='margin-left:-20px'>"
                                 f"{items}</ul>")
            self.similar.setToolTip(plain_tooltip(
                "\n".join(f"• {w}" for _, _, w in explanation.similar)))
        else:
            self.similar.setText("")
        self.setVisible(bool(explanation.similar))

    def similar_ids(self) -> list[int]:
        """The similar papers listed, in order."""
        text = self.similar.text()
        return [int(part.split('"')[0]) for part in text.split('href="paper:')[1:]]

    def _on_link(self, link: str) -> None:
        if link.startswith("paper:"):
            self.open_requested.emit(int(link.split(":", 1)[1]))
