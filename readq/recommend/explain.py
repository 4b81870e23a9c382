"""Why a paper is where it is: short, true sentences from the model's own numbers.

A sentence names the papers the user decided on that this one resembles most
(by cosine similarity of their features), the words or authors that raise its
score most, and followed authors; nothing is said that the numbers do not show.
"""

from __future__ import annotations

import numpy as np

from readq.recommend.decisions import MIN_DECISIONS, Decision
from readq.recommend.features import FeatureSet, author_key
from readq.recommend.model import TasteModel

RESEMBLES_AT = 0.05  # cosine similarity worth naming
MAX_TITLE = 60


def short_title(title: str) -> str:
    """A title cut to a readable length."""
    title = " ".join((title or "(untitled)").split())
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1].rstrip() + "…"


def neighbours(features: FeatureSet, row: int, decisions: list[Decision],
               positive: bool, limit: int = 2) -> list[tuple[Decision, float]]:
    """The decided papers (wanted or not) most like a paper, most similar first."""
    chosen = [d for d in decisions if d.positive == positive and d.paper_id != features.ids[row]]
    rows = features.rows(d.paper_id for d in chosen)
    if not len(rows):
        return []
    sims = (features.matrix[rows] @ features.matrix[row].T).toarray().ravel()
    order = np.argsort(-sims)[:limit]
    by_row = {features.row(d.paper_id): d for d in chosen}
    return [(by_row[int(rows[i])], float(sims[i])) for i in order if sims[i] >= RESEMBLES_AT]


def why(model: TasteModel, paper_id: int) -> str:
    """One or two sentences on a paper's place in the ranking."""
    f = model.features
    row = f.row(paper_id)
    if row is None:
        return "Not ranked yet: its features are being built."
    if not model.ready:
        made = len(model.decisions)
        return (f"Newest first: readq ranks by your taste after {MIN_DECISIONS} decisions "
                f"({made} so far).")
    parts = []
    liked = neighbours(f, row, model.decisions, positive=True)
    if liked:
        named = " and ".join(f"“{short_title(f.titles[f.row(d.paper_id)])}” ({d.reason})"
                             for d, _ in liked)
        parts.append(f"Like {named}")
    words, people = _words_and_people(
        f, row, [column for column, _ in model.contributions(row)[:8]], max_words=3)
    followed = [a for a in f.authors[row] if a in model.followed]
    for name in followed[:2]:
        if name not in people:
            people.append(name)
    if words:
        parts.append("words you favour: " + ", ".join(words))
    if people:
        parts.append("by " + " and ".join(people) + ", whose papers you chose before")
    if not parts:
        disliked = neighbours(f, row, model.decisions, positive=False, limit=1)
        if disliked:
            d, _ = disliked[0]
            return (f"Low: resembles “{short_title(f.titles[f.row(d.paper_id)])}”, "
                    f"which you {d.reason}.")
        return "Low: shares little with the papers you chose."
    text = "; ".join(parts)
    disliked = neighbours(f, row, model.decisions, positive=False, limit=1)
    if disliked and disliked[0][1] > (liked[0][1] if liked else 0):
        d, _ = disliked[0]
        text += (f". Lowered: closer still to “{short_title(f.titles[f.row(d.paper_id)])}”, "
                 f"which you {d.reason}")
    return text[0].upper() + text[1:] + "."


def _words_and_people(f: FeatureSet, row: int, columns: list[int], *, max_words: int,
                      max_people: int = 2) -> tuple[list[str], list[str]]:
    """The words (none inside another) and the authors (as the paper writes them)
    behind feature ``columns``, weightiest first."""
    words: list[str] = []
    people: list[str] = []
    for column in columns:
        if column < f.text_width:
            word = f.feature_name(column)
            if len(words) < max_words and not any(word in w or w in word for w in words):
                words.append(word)
        else:
            name = _display_author(f, row, f.feature_name(column))
            if name and len(people) < max_people:
                people.append(name)
    return words, people


def why_similar(features: FeatureSet, source_row: int, row: int) -> str:
    """Why one paper is similar to another: shared weighty words and authors."""
    a, b = features.matrix[source_row], features.matrix[row]
    shared = a.multiply(b).tocsr()
    order = np.argsort(-shared.data)
    words, people = _words_and_people(
        features, row, [int(shared.indices[i]) for i in order], max_words=4)
    source = short_title(features.titles[source_row])
    if not words and not people:
        return f"Little in common with “{source}”."
    if not words:
        return f"By {' and '.join(people)}, as “{source}”."
    text = f"Shares {', '.join(words)} with “{source}”"
    if people:
        text += f"; also by {' and '.join(people)}"
    return text + "."


def _display_author(features: FeatureSet, row: int, key: str) -> str:
    """The author's name as written on the paper, for a folded author token."""
    for name in features.authors[row]:
        if author_key(name) == key:
            return name
    return ""
