"""The recommender in a process of its own: ``python -m readq.recommend.service LIBRARY``.

The app asks it for rankings and explanations instead of computing them in its own
process: the features of a big library (a sparse TF-IDF matrix, 100+ MB at 100,000
papers) and scikit-learn itself then never sit in the window's memory, and the
CPU-bound Python of a ranking never takes the interpreter lock the window needs.

The protocol is one JSON object per line. A request is ``{"id": N, "op": "rank" |
"explain", ...}``; the answer is ``{"id": N, "result": {...}}`` or ``{"id": N,
"error": "one line"}``, after an optional ``{"id": N, "status": "building"}`` when the
features are built from scratch first (a minute at 100,000 papers). The process
ends when its standard input closes. Each answer reads the store afresh, so
imports and decisions made since are part of it.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from readq.recommend.explain import why

log = logging.getLogger(__name__)

Status = Callable[[str], None]


def rank_answer(library: Any, ids: Sequence[int], explain: Sequence[int] = (),
                explain_top: int = 0) -> dict[str, Any]:
    """Papers in "For you" order, whether the model has enough decisions, a note when
    it has not, and the "why" of the papers ``explain`` and the first ``explain_top``."""
    recommendations = library.recommendations
    order = recommendations.rank(list(ids))
    model = recommendations.model()
    note = "" if model.ready or not order else why(model, order[0])
    targets = list(dict.fromkeys([*explain, *order[:explain_top]]))
    whys = recommendations.whys(model, targets)
    return {"ids": order, "ready": bool(model.ready), "note": note,
            "whys": {str(pid): whys[pid] for pid in targets}}


def explain_answer(library: Any, paper_id: int, similar: int = 5) -> dict[str, Any]:
    """A paper's interest and why, and the papers most like it ``[id, title, why]``."""
    recommendations = library.recommendations
    interest, text = recommendations.explain(paper_id)
    found = recommendations.similar(paper_id, similar) if similar else []
    titles = {r["id"]: r["title"] or (r["abstract"] or "")[:80]
              for r in library.papers([s.paper_id for s in found])}
    return {"paper_id": paper_id, "interest": float(interest), "why": text,
            "similar": [[s.paper_id, titles.get(s.paper_id, ""), s.why] for s in found]}


def answer(library: Any, request: dict[str, Any], status: Status) -> dict[str, Any]:
    """The answer to one request (raises ``ValueError`` for an unknown one)."""
    op = request.get("op")
    if op not in ("rank", "explain"):
        raise ValueError(f"unknown request {op!r}")
    if library.recommendations.needs_full_build():
        status("building")
    if op == "rank":
        return rank_answer(library, [int(i) for i in request.get("ids", [])],
                           [int(i) for i in request.get("explain", [])],
                           int(request.get("explain_top", 0)))
    return explain_answer(library, int(request["paper_id"]), int(request.get("similar", 5)))


def serve(root: Path, requests: IO[str], answers: IO[str]) -> int:
    """Answer requests from ``requests`` until it closes."""
    from readq.library import Library

    def say(message: dict[str, Any]) -> None:
        answers.write(json.dumps(message) + "\n")
        answers.flush()

    with Library(root, read_only=True) as library:
        while line := requests.readline():  # line by line: an answer never waits
            if not line.strip():
                continue
            try:
                request = json.loads(line)
                rid = request.get("id")
            except (ValueError, AttributeError):
                say({"id": None, "error": "a request is one JSON object per line"})
                continue
            try:
                result = answer(library, request,
                                lambda state, rid=rid: say({"id": rid, "status": state}))
            except Exception as exc:  # one line to the app, the traceback to the log
                log.exception("recommender request %r failed", request.get("op"))
                say({"id": rid, "error": str(exc) or type(exc).__name__})
                continue
            say({"id": rid, "result": result})
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the service process."""
    from readq.logs import setup_logging

    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m readq.recommend.service LIBRARY", file=sys.stderr)
        return 2
    setup_logging()
    return serve(Path(args[0]), sys.stdin, sys.stdout)


if __name__ == "__main__":
    raise SystemExit(main())
