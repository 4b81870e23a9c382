"""Best-first, but varied: the head of triage's "For you" order, re-ordered so that
it does not become one topic only.

Maximal marginal relevance (Carbonell & Goldstein, 1998) over the first
``WINDOW`` papers: each next card is the one whose score, less ``WEIGHT`` × its
closeness (in latent topics) to the cards already placed, is highest. The weight
is small: a paper of another topic moves up only when it is nearly as likely
wanted; benchmarks/RESULTS.md measures both the topics the first 20 cards cover
and their wanted share against plain best-first.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from readq.recommend.model import TasteModel

WINDOW = 60  # papers of the best-first order that may change places
PLACED = 20  # cards placed by the trade-off; the rest of the window keeps its order
WEIGHT = 0.05  # closeness to cards already placed costs this (score units); 0.1 lowered the wanted share


def diversify(model: TasteModel, ordered: Sequence[int], *, window: int = WINDOW,
              placed: int = PLACED, weight: float = WEIGHT) -> list[int]:
    """``ordered`` (best first) with its head varied; ids without features stay put."""
    f = model.features
    head = [i for i in ordered[:window] if f.row(i) is not None]
    if not model.ready or len(head) < 3 or not f.latent.shape[1] or weight <= 0:
        return list(ordered)
    rows = f.rows(head)
    score = model.scores(rows)
    topics = f.latent[rows]
    closeness = np.full(len(head), -np.inf)  # to the nearest card placed so far
    left = np.ones(len(head), dtype=bool)
    chosen: list[int] = []
    for _ in range(min(placed, len(head))):
        gain = score - weight * np.maximum(closeness, 0.0)
        gain[~left] = -np.inf
        pick = int(np.argmax(gain))
        chosen.append(pick)
        left[pick] = False
        closeness = np.maximum(closeness, topics @ topics[pick])
    rest = [i for i in range(len(head)) if left[i]]  # in their best-first order
    varied = [head[i] for i in chosen + rest]
    taken = set(varied)
    return varied + [i for i in ordered if i not in taken]
