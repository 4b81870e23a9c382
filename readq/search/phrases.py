"""Phrases scored with numpy: word pairs where they prove a phrase, positions elsewhere.

A phrase's words match in any of their English forms, as plain words do
(``"language model"`` finds "Language Models": a
:class:`readq.search.whoosh_query.FormsPhrase`), or exactly (``="language model"``:
a Whoosh ``Phrase``). Either way each word is a set of *forms* (indexed words).

Checking every paper's word positions is slow when the words are common
("language model" is in most abstracts), so the word-pair field (``pairs``:
neighbouring words that are both among ``COMMON_WORDS``, see
:mod:`readq.search.schema`) narrows it first. For each pair of neighbouring
phrase words, every combination of their forms is looked at:

* both forms common: the pair's postings are the papers that have the two
  forms side by side — proven, no positions needed;
* otherwise one form is rarer: the papers with both forms are few, and they
  are candidates whose positions are checked.

A two-word phrase proven by pairs needs no positions at all; a longer one
checks the positions of the candidates left after every pair narrowed them.
The score is Whoosh's: the sum of the words' scores (each word scored as a
plain word is, its other forms at their lower weight).
"""

from __future__ import annotations

from itertools import product
from typing import Any

import numpy as np
from whoosh import query as wq

from readq.search.schema import COMMON_WORDS, PAIR_CODES, PAIR_FIELD, pair_token
from readq.search.whoosh_query import FormsPhrase, StemVariants

__all__ = ["phrase_words", "evaluate"]

Part = tuple[np.ndarray, np.ndarray]  # sparse (document numbers, scores)
Word = tuple[list[str], list[Part]]  # a phrase word's forms and its score parts


def phrase_words(fs: Any, q: wq.Query) -> tuple[str, list[Word]] | None:
    """The field and the words (forms, score parts) of an adjacent-words phrase
    the numpy path answers; None for anything else (slop, another field…)."""
    if isinstance(q, wq.Phrase):
        if q.slop != 1 or q.fieldname not in PAIR_CODES or len(q.words) < 2:
            return None
        out: list[Word] = []
        for word in q.words:
            part = fs._term_scores(q.fieldname, fs.schema[q.fieldname].to_bytes(word), 1.0)
            out.append(([word], [part] if part is not None else []))
        return q.fieldname, out
    if not isinstance(q, FormsPhrase) or q.slop != 1 or len(q.subqueries) < 2:
        return None
    fields = set()
    out = []
    for child in q.subqueries:
        leaves = child.subqueries if isinstance(child, wq.Or) else [child]
        forms: list[str] = []
        for leaf in leaves:
            if isinstance(leaf, StemVariants):
                forms.extend(b.decode("utf-8") for b in fs.expand(leaf))
            elif isinstance(leaf, wq.Term) and isinstance(leaf.text, str):
                forms.append(leaf.text)
            else:
                return None
            fields.add(leaf.fieldname)
        parts = fs._parts(child)
        if parts is None:
            return None
        out.append((list(dict.fromkeys(forms)), parts))
    if len(fields) != 1 or next(iter(fields)) not in PAIR_CODES:
        return None
    return fields.pop(), out


def evaluate(fs: Any, field: str, words: list[Word], boost: float) -> Any:
    """Scores and matches of the phrase over every document (None: no match)."""
    docs = []
    for _forms, parts in words:
        if not parts:
            return None
        docs.append(np.unique(np.concatenate([p[0] for p in parts])))
    candidates: np.ndarray | None = None
    proven = np.zeros(0, dtype=np.int64)
    for i in range(len(words) - 1):
        sure, unsure = _neighbours(fs, field, words[i][0], words[i + 1][0])
        both = np.union1d(sure, unsure)
        candidates = both if candidates is None else np.intersect1d(candidates, both,
                                                                    assume_unique=True)
        if len(words) == 2:
            proven = sure
        if not len(candidates):
            return None
    assert candidates is not None
    for ids in sorted(docs, key=len):
        candidates = np.intersect1d(candidates, ids, assume_unique=True)
        if not len(candidates):
            return None
    unsure = np.setdiff1d(candidates, proven, assume_unique=True)
    matched_ids = np.intersect1d(candidates, proven, assume_unique=True)
    if len(unsure):
        matched_ids = np.union1d(matched_ids, _verify(fs, field, [w[0] for w in words], unsure))
    if not len(matched_ids):
        return None
    every = [p for _forms, parts in words for p in parts]
    scores = np.bincount(np.concatenate([p[0] for p in every]),
                         weights=np.concatenate([p[1] for p in every]), minlength=fs.n)
    matched = np.zeros(fs.n, dtype=bool)
    matched[matched_ids] = True
    scores[~matched] = 0.0
    if boost != 1.0:
        scores *= boost
    return scores, matched


def _neighbours(fs: Any, field: str, firsts: list[str],
                seconds: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Papers where some form of one word is followed by some form of the next:
    (proven by the pair field, candidates whose positions must be checked)."""
    sure: list[np.ndarray] = []
    unsure: list[np.ndarray] = []
    schema_field = fs.schema[field]
    for first, second in product(firsts, seconds):
        if first in COMMON_WORDS and second in COMMON_WORDS:
            token = pair_token(field, first, second).encode("utf-8")
            sure.append(fs.postings(PAIR_FIELD, token)[0])
        else:
            a = fs.postings(field, schema_field.to_bytes(first))[0]
            b = fs.postings(field, schema_field.to_bytes(second))[0]
            if len(a) and len(b):
                unsure.append(np.intersect1d(a, b, assume_unique=True))
    return _union(sure), _union(unsure)


def _union(arrays: list[np.ndarray]) -> np.ndarray:
    if not arrays:
        return np.zeros(0, dtype=np.int64)
    return np.unique(np.concatenate(arrays)) if len(arrays) > 1 else np.unique(arrays[0])


def _verify(fs: Any, field: str, forms: list[list[str]], candidates: np.ndarray) -> np.ndarray:
    """The candidates where the words' positions (any form each) confirm the phrase."""
    keep = []
    to_bytes = fs.schema[field].to_bytes
    for _sub, seg, off, _id in fs.segments:
        local = candidates[(candidates >= off) & (candidates < off + seg.doc_count_all)] - off
        if not len(local):
            continue
        matchers = [[seg.reader.postings(field, to_bytes(f)) for f in word_forms
                     if (field, to_bytes(f)) in seg.reader]
                    for word_forms in forms]
        if not all(matchers):
            continue
        for doc in local.tolist():
            starts: set[int] | None = None
            for i, word_matchers in enumerate(matchers):
                at: set[int] = set()
                for m in word_matchers:
                    if m.is_active() and m.id() < doc:
                        m.skip_to(doc)
                    if m.is_active() and m.id() == doc:
                        at.update(p - i for p in m.value_as("positions"))
                starts = at if starts is None else starts & at
                if not starts:
                    break
            if starts:
                keep.append(doc + off)
    return np.array(keep, dtype=np.int64)
