"""Why a paper is where it is: short, true sentences from the model's own numbers.

A sentence names the papers the user decided on that this one resembles most
(by cosine similarity of their features), the paper's most distinctive terms
that the model weighs up, followed authors, and — when the paper was lowered —
the turned-down topic it is close to; nothing is said that the numbers do not
show. Terms present in more than ``COMMON_SHARE`` of the library are never
named (they are the field's common words, not why this paper stands out), and
two adjacent terms of the paper that both count are shown as one phrase.
"""

from __future__ import annotations

import re

import numpy as np

from readq.recommend.decisions import Decision
from readq.recommend.features import TOKEN_PATTERN, FeatureSet, author_key
from readq.recommend.model import NEGATIVE, TasteModel
from readq.store.signals import PaperText
from readq.text import fold

RESEMBLES_AT = 0.05  # cosine similarity worth naming
SAME_SUBJECT_AT = 0.2  # cosine in latent topics worth naming
LOWERED_AT = 0.02  # a turned-down topic's pull on a paper worth naming (score units)
COMMON_SHARE = 0.05  # terms in more of the library's papers than this are never named
MAX_TITLE = 60
_TOKEN = re.compile(TOKEN_PATTERN)


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


def terms(features: FeatureSet, row: int, weights: np.ndarray, text: PaperText | None,
          limit: int = 3, support: np.ndarray | None = None) -> list[str]:
    """A paper's most distinctive terms by ``weights`` (its own row's parts the model
    counts, times how rare the term is in the library, biggest first), phrases where
    two such terms stand side by side in the paper; none of the library's common
    words, none inside another. With ``support`` (per column: in how many of the
    decided papers it is), only terms that at least two of them share or that the
    paper's own title holds (a word of one abstract alone is chance)."""
    x = features.matrix[row]
    share = features.doc_share()
    title = {features.column(m.group())
             for m in _TOKEN.finditer(fold(features.titles[row]).lower())}
    part = {int(c): float(v) * float(weights[c]) * -np.log(share[c])
            for c, v in zip(x.indices, x.data)
            if c < features.text_width and share[c] <= COMMON_SHARE and weights[c] > 0
            and (support is None or support[c] >= 2 or c in title)}
    candidates: list[tuple[float, str, tuple[int, ...]]] = [
        (v, features.feature_name(c), (c,)) for c, v in part.items()]
    if text is not None:
        candidates += _phrases(features, f"{text.title} {text.abstract}", part)
    candidates.sort(key=lambda item: -item[0])
    chosen: list[str] = []
    used: set[int] = set()
    for _, name, columns in candidates:
        if len(chosen) >= limit:
            break
        if used.isdisjoint(columns) and not any(name in c or c in name for c in chosen):
            chosen.append(name)
            used.update(columns)
    return chosen


def support(model: TasteModel, positive: bool) -> np.ndarray:
    """Per column, in how many of the wanted (or turned-down) papers it is (kept on the
    model: every "why" of one ranking asks)."""
    kept = model.__dict__.setdefault("_support", {})
    if positive not in kept:
        f = model.features
        rows = f.rows(d.paper_id for d in model.decisions if d.positive == positive)
        kept[positive] = np.bincount(f.matrix[rows].indices, minlength=f.matrix.shape[1])
    return kept[positive]


def _phrases(features: FeatureSet, text: str, part: dict[int, float]
             ) -> list[tuple[float, str, tuple[int, ...]]]:
    """Adjacent pairs of counted terms in the text (only spaces or a hyphen between)."""
    folded = fold(text).lower()
    found: dict[tuple[int, int], tuple[float, str, tuple[int, ...]]] = {}
    previous: tuple[int, int] | None = None  # (column, end of the match)
    for match in _TOKEN.finditer(folded):
        column = features.column(match.group())
        if column is not None and column in part:
            if previous is not None and folded[previous[1]:match.start()].strip(" -") == "" \
                    and previous[0] != column:
                key = (previous[0], column)
                name = f"{features.feature_name(key[0])} {features.feature_name(key[1])}"
                found[key] = (part[key[0]] + part[key[1]], name, key)
            previous = (column, match.end())
        else:
            previous = None
    return list(found.values())


def why(model: TasteModel, paper_id: int, text: PaperText | None = None) -> str:
    """One or two sentences on a paper's place in the ranking (``text``, the paper's
    title and abstract, lets terms that stand side by side be named as a phrase)."""
    f = model.features
    row = f.row(paper_id)
    if row is None:
        return "Not ranked yet: its features are being built."
    if not model.ready:
        made = len(model.decisions)
        return ("Newest first: readq ranks by your taste once you want a paper "
                f"(rate, queue or read one; {made} decision{'s' * (made != 1)} so far).")
    parts = []
    liked = neighbours(f, row, model.decisions, positive=True)
    if liked:
        named = " and ".join(f"“{short_title(f.titles[f.row(d.paper_id)])}” ({d.reason})"
                             for d, _ in liked)
        parts.append(f"Like {named}")
    words = terms(f, row, model.coef, text, support=support(model, positive=True)) \
        if model.coef is not None else []
    people = _people(f, row, model)
    if words:
        parts.append("for " + ", ".join(words))
    if people:
        parts.append("by " + " and ".join(people) + ", whose papers you chose before")
    lowered = _lowered(model, row, text)
    if not parts:  # no shared words: the latent topics may still place it
        subject = _same_subject(model, row)
        if subject is not None:
            d, _ = subject
            parts.append(f"same subject as “{short_title(f.titles[f.row(d.paper_id)])}” "
                         f"({d.reason}), in different words")
    if not parts:
        return "Low: " + (lowered or "shares little with the papers you chose.")
    text_out = "; ".join(parts)
    if lowered:
        text_out += ". Lowered: " + lowered[:-1]
    return text_out[0].upper() + text_out[1:] + "."


def _same_subject(model: TasteModel, row: int) -> tuple[Decision, float] | None:
    """The wanted paper closest to this one in latent topics, when close enough."""
    f = model.features
    if model.latent_coef is None:
        return None
    wanted = [d for d in model.decisions if d.positive and d.paper_id != f.ids[row]]
    rows = f.rows(d.paper_id for d in wanted)
    if not len(rows):
        return None
    if float(f.latent[row] @ model.latent_coef) <= 0:  # the topics do not raise it
        return None
    sims = f.latent[rows] @ f.latent[row]
    best = int(np.argmax(sims))
    return (wanted[best], float(sims[best])) if sims[best] >= SAME_SUBJECT_AT else None


def _lowered(model: TasteModel, row: int, text: PaperText | None) -> str:
    """The turned-down topic a paper is close to, or ""."""
    f = model.features
    if model.turned_down is None:
        return ""
    x = f.matrix[row]
    pull = NEGATIVE * float(x.data @ model.turned_down[x.indices])
    if pull < LOWERED_AT:
        return ""
    close = neighbours(f, row, model.decisions, positive=False, limit=50)
    topic = terms(f, row, model.turned_down, text, limit=2,
                  support=support(model, positive=False))
    if not close:
        return ""
    what = f"on {', '.join(topic)}, a topic you turned down" if topic else \
        "close to papers you turned down"
    d, _ = close[0]
    example = f"“{short_title(f.titles[f.row(d.paper_id)])}”, which you {d.reason}"
    if len(close) == 1:
        return f"{what} ({example})."
    return f"{what} ({len(close)} papers like it, e.g. {example})."


def _people(f: FeatureSet, row: int, model: TasteModel, limit: int = 2) -> list[str]:
    """Authors of the paper whose columns the model weighs up, and followed authors."""
    people: list[str] = []
    if model.coef is not None:
        x = f.matrix[row]
        parts = sorted(((float(v) * float(model.coef[c]), int(c))
                        for c, v in zip(x.indices, x.data) if c >= f.text_width), reverse=True)
        for value, column in parts:
            name = _display_author(f, row, f.feature_name(column))
            if value > 0 and name and name not in people and len(people) < limit:
                people.append(name)
    for name in [a for a in f.authors[row] if a in model.followed][:limit]:
        if name not in people:
            people.append(name)
    return people


def why_similar(features: FeatureSet, source_row: int, row: int,
                text: PaperText | None = None) -> str:
    """Why one paper is similar to another: shared distinctive terms and authors."""
    shared = features.matrix[source_row].toarray().ravel()
    words = terms(features, row, shared, text, limit=4)
    b = features.matrix[row]
    people = [name for c in b.indices if c >= features.text_width and shared[c] > 0
              for name in [_display_author(features, row, features.feature_name(int(c)))]
              if name][:2]
    source = short_title(features.titles[source_row])
    if not words and not people:
        return f"Little in common with “{source}”."
    if not words:
        return f"By {' and '.join(people)}, as “{source}”."
    text_out = f"Shares {', '.join(words)} with “{source}”"
    if people:
        text_out += f"; also by {' and '.join(people)}"
    return text_out + "."


def _display_author(features: FeatureSet, row: int, key: str) -> str:
    """The author's name as written on the paper, for a folded author token."""
    for name in features.authors[row]:
        if author_key(name) == key:
            return name
    return ""
