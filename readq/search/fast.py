"""Whoosh's BM25F ranking, computed a posting block at a time with numpy.

:class:`FastSearcher` answers a Whoosh query (as built by
:mod:`readq.search.whoosh_query`) over one snapshot of the index. It gives the
same scores as Whoosh's own matchers — BM25F with B=0.75, K1=1.2, idf =
log(N / (df + 1)) + 1 over all documents, Whoosh's one-byte field lengths, the
query's field weights, and a stem/prefix/fuzzy expansion's weight dropped when
it finds a single word, as Whoosh does — but sums whole posting lists in
numpy instead of walking them one posting at a time in Python.

* Terms, ORs and ANDs are dense score arrays over the snapshot's documents.
* A phrase (its words in any of their forms, or exactly: :mod:`readq.search.phrases`):
  the papers with all its words, narrowed by the word-pair field, checked
  with positions where the pairs do not prove it. The score is Whoosh's
  phrase score (the sum of its words').
* Year ranges read the year terms' postings; state filters arrive as the
  allowed paper ids, or the excluded ones when a filter lets most papers
  through (the mask is inverted), so a filtered search is one pass.
* A prefix or wildcard is scored as Whoosh scores it: BM25F summed over the
  words it finds, or 1 per match where Whoosh preloads the union unscored.
* Anything else (a phrase with slop, a wildcard on an unusual field…) falls
  back to Whoosh's own matcher for that part of the query.

Postings read from disk are kept in a least-recently-used cache bounded in
bytes (``cache_bytes``), so memory stays flat however many searches run.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any

import numpy as np
import numpy.ma  # noqa: F401  np.unique imports it at its first call: here, not in a search
from whoosh import query as wq

from readq.search import phrases
from readq.search import terms as term_lists
from readq.search.whoosh_query import FormsPhrase, StemVariants, Typo
from readq.search.whoosh_storage import SegmentData

__all__ = ["FastSearcher", "Hits", "PostingsCache"]

K1 = 1.2
B = 0.75
DEFAULT_CACHE_BYTES = 48 * 1024 * 1024
_TEXT_LENGTH_FIELDS = ("title", "authors", "abstract", "note")
# whoosh.query.Or preloads (and, for a prefix or wildcard, stops scoring) a
# union of more than two terms in an index of at most this many documents, or
# of this many terms or more in any index.
_SMALL_INDEX = 5000
_TOO_MANY_CLAUSES = 1024

Scored = tuple[np.ndarray, np.ndarray]  # dense (scores float64[N], matched bool[N])


class Hits:
    """Ranked paper ids (best first, at most the limit) and how many matched."""

    __slots__ = ("ids", "total")

    def __init__(self, ids: list[int], total: int) -> None:
        self.ids = ids
        self.total = total


class PostingsCache:
    """Arrays read from the index, per segment, least recently used dropped
    first once they hold more than ``limit_bytes``. Shared by the snapshots of
    one index, so a small write (a new segment) keeps what the others read."""

    def __init__(self, limit_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self.limit_bytes = limit_bytes
        self.bytes = 0
        self._items: OrderedDict[tuple[Any, ...], tuple[int, Any]] = OrderedDict()

    def get(self, key: tuple[Any, ...]) -> Any:
        item = self._items.get(key)
        if item is None:
            return None
        self._items.move_to_end(key)
        return item[1]

    def put(self, key: tuple[Any, ...], value: Any, size: int) -> None:
        if size > self.limit_bytes // 4 or key in self._items:
            return
        self._items[key] = (size, value)
        self.bytes += size
        while self.bytes > self.limit_bytes:
            _key, (old, _value) = self._items.popitem(last=False)
            self.bytes -= old

    def clear(self) -> None:
        self._items.clear()
        self.bytes = 0


class FastSearcher:
    """numpy BM25F over one Whoosh searcher (a fixed snapshot of the index)."""

    def __init__(self, searcher: Any, cache: PostingsCache | None = None,
                 words: dict[tuple[str, str], term_lists.FieldTerms] | None = None) -> None:
        self.searcher = searcher
        self.cache = cache if cache is not None else PostingsCache()
        # Each segment's sorted words per field, shared by the snapshots of one index
        # (a segment never changes; those of segments no longer in the index are dropped).
        self.words = words if words is not None else {}
        self.reader = searcher.reader()
        self.schema = searcher.schema
        subs = searcher.subsearchers or [(searcher, 0)]
        self.segments: list[tuple[Any, SegmentData, int, str]] = []
        for sub, offset in subs:
            reader = sub.reader()
            if not reader.doc_count_all():  # an empty index has no segment at all
                continue
            self.segments.append((sub, SegmentData(reader), offset, reader.segment().segment_id()))
        self.n = int(self.reader.doc_count_all())
        self.live = np.ones(self.n, dtype=bool)
        self.ids = np.full(self.n, -1, dtype=np.int64)
        self.lengths: dict[str, np.ndarray] = {}
        for field in _TEXT_LENGTH_FIELDS:
            self.lengths[field] = np.zeros(self.n, dtype=np.float64)
        for _sub, seg, off, segid in self.segments:
            end = off + seg.doc_count_all
            self.live[off:end] = ~seg.deleted()
            key = ("segment", segid)
            static = self.cache.get(key)
            if static is None:
                static = (seg.stored_ids(), {f: seg.field_lengths(f) for f in _TEXT_LENGTH_FIELDS})
                self.cache.put(key, static, static[0].nbytes * (1 + len(_TEXT_LENGTH_FIELDS)))
            self.ids[off:end] = static[0]
            for field in _TEXT_LENGTH_FIELDS:
                self.lengths[field][off:end] = static[1][field]
        live_segments = {segid for *_rest, segid in self.segments}
        for key in [k for k in self.words if k[0] not in live_segments]:
            del self.words[key]
        self.avg_length = {f: (searcher.avg_field_length(f) or 1.0) for f in _TEXT_LENGTH_FIELDS}
        self._years: dict[int, bytes] | None = None
        self._expansions: dict[tuple[Any, ...], list[bytes]] = {}
        self._id_lookup: np.ndarray | None = None

    # -- memory ------------------------------------------------------------------

    def memory_bytes(self) -> int:
        """Bytes held by this searcher's arrays and its postings cache."""
        fixed = self.live.nbytes + self.ids.nbytes + sum(a.nbytes for a in self.lengths.values())
        return fixed + self.cache.bytes

    # -- postings ----------------------------------------------------------------

    def postings(self, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        """All documents (global numbers) and weights of a term, through the cache."""
        id_parts, weight_parts = [], []
        for _sub, seg, off, segid in self.segments:
            key = (segid, field, btext)
            hit = self.cache.get(key)
            if hit is None:
                hit = seg.postings(field, btext)
                self.cache.put(key, hit, hit[0].nbytes + hit[1].nbytes + 200)
            ids, weights = hit
            if len(ids):
                id_parts.append(ids + off if off else ids)
                weight_parts.append(weights)
        if not id_parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        if len(id_parts) == 1:
            return id_parts[0], weight_parts[0]
        return np.concatenate(id_parts), np.concatenate(weight_parts)

    def _term_scores(self, field: str, btext: bytes, boost: float) -> tuple[np.ndarray, np.ndarray] | None:
        return self._terms_scores(field, [btext], boost)

    def _terms_scores(self, field: str, btexts: list[bytes],
                      boost: float) -> tuple[np.ndarray, np.ndarray] | None:
        """BM25F of several terms of one field, as one sparse (ids, scores) part
        (ids repeat where a document has several of the terms)."""
        lists = [self.postings(field, b) for b in btexts]
        lists = [x for x in lists if len(x[0])]
        if not lists:
            return None
        if len(lists) == 1:
            ids, tf = lists[0]
        else:
            ids = np.concatenate([x[0] for x in lists])
            tf = np.concatenate([x[1] for x in lists])
        if not self.schema[field].scorable:
            return ids, tf * boost
        # A term's document frequency is the length of its posting list (Whoosh
        # counts deleted documents in both until segments merge).
        counts = [len(x[0]) for x in lists]
        idf = np.log(self.n / (np.array(counts, dtype=np.float64) + 1)) + 1
        if len(lists) > 1:
            idf = np.repeat(idf, counts)
        else:
            idf = float(idf[0])
        fl = self.lengths[field][ids] if field in self.lengths else np.ones(len(ids))
        avg = self.avg_length.get(field, 1.0)
        scores = idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avg)))
        return ids, scores * boost if boost != 1.0 else scores

    def field_terms(self, field: str) -> list[term_lists.FieldTerms]:
        """Each segment's sorted words of ``field`` (read from the index once)."""
        out = []
        for _sub, seg, _off, segid in self.segments:
            key = (segid, field)
            found = self.words.get(key)
            if found is None:
                found = self.words[key] = term_lists.FieldTerms.read(seg.reader, field)
            out.append(found)
        return out

    def load_terms(self, fields: tuple[str, ...]) -> None:
        """Read the word lists of ``fields`` ahead of the first pattern query."""
        for field in fields:
            self.field_terms(field)

    def prefill(self, fields: tuple[str, ...], budget_bytes: int, seconds: float) -> int:
        """Read the postings of the words found in most papers of ``fields`` into the
        cache, most frequent first, until ``budget_bytes`` or ``seconds`` are spent;
        return how many words. The first search with a common word ("model",
        "learning") then scores from memory instead of decoding its postings."""
        deadline = time.monotonic() + seconds
        counts: dict[tuple[str, str], int] = {}
        for field in fields:
            for terms in self.field_terms(field):
                top = np.argsort(terms.doc_counts())[::-1][:200]
                for k, n in zip(top.tolist(), terms.doc_counts()[top].tolist()):
                    key = (field, terms.words[k])
                    counts[key] = counts.get(key, 0) + n
        spent = read = 0
        for (field, word), n in sorted(counts.items(), key=lambda item: -item[1]):
            if spent + n * 16 > budget_bytes or time.monotonic() > deadline:
                break
            self.postings(field, word.encode("utf-8"))
            spent += n * 16  # int64 document numbers and float64 weights
            read += 1
        return read

    def expand(self, q: wq.MultiTerm) -> list[bytes]:
        """The indexed words a prefix, wildcard, typo or other-forms query stands
        for (remembered for this snapshot: its word list does not change). Raises
        :class:`readq.search.query.QueryError` when a pattern matches too many."""
        key = (type(q).__name__, q.field(), getattr(q, "text", None),
               getattr(q, "maxdist", None), getattr(q, "prefixlength", None))
        found = self._expansions.get(key)
        if found is None:
            words = self._expand_words(q)
            if words is None:
                found = [b if isinstance(b, bytes) else str(b).encode("utf-8")
                         for b in q._btexts(self.reader) if b]
            else:
                found = [w.encode("utf-8") for w in words if w]
            if len(self._expansions) > 4096:
                self._expansions.clear()
            self._expansions[key] = found
        return found

    def _expand_words(self, q: wq.MultiTerm) -> list[str] | None:
        """The expansion from the sorted word lists (None: a kind they do not answer)."""
        field = q.field()
        if field not in self.schema or not isinstance(getattr(q, "text", None), str):
            return None
        if isinstance(q, StemVariants):
            return term_lists.expand_forms(self.field_terms(field), q.text)
        if isinstance(q, Typo):
            return term_lists.expand_typo(self.field_terms(field), q.text, q.maxdist,
                                          q.prefixlength)
        if isinstance(q, wq.Prefix):
            return term_lists.expand_prefix(self.field_terms(field), q.text)
        if isinstance(q, wq.Wildcard):
            return term_lists.expand_wildcard(self.field_terms(field), q.text)
        return None

    def _dense(self, parts: list[tuple[np.ndarray, np.ndarray]]) -> Scored | None:
        if not parts:
            return None
        if len(parts) == 1:
            ids, sc = parts[0]
        else:
            ids = np.concatenate([p[0] for p in parts])
            sc = np.concatenate([p[1] for p in parts])
        scores = np.bincount(ids, weights=sc, minlength=self.n)  # sums repeated ids
        matched = np.zeros(self.n, dtype=bool)
        matched[ids] = True
        return scores, matched

    def _parts(self, q: wq.Query) -> list[tuple[np.ndarray, np.ndarray]] | None:
        """Sparse (ids, scores) parts of a term, an expansion or an OR of them;
        None when ``q`` is something else."""
        if isinstance(q, wq.Term):
            try:
                btext = self.schema[q.fieldname].to_bytes(q.text)
            except (KeyError, ValueError):
                return []
            part = self._term_scores(q.fieldname, btext, q.boost)
            return [part] if part is not None else []
        if isinstance(q, wq.MultiTerm) and not isinstance(q, wq.NumericRange):
            field = q.field()
            btexts = self.expand(q)
            if q.constantscore and len(btexts) > 1 and (
                    len(btexts) >= _TOO_MANY_CLAUSES or (len(btexts) != 2 and self.n <= _SMALL_INDEX)):
                # Whoosh then preloads the union unscored: every match counts 1.
                ids = [self.postings(field, b)[0] for b in btexts]
                union = np.unique(np.concatenate(ids)) if ids else np.zeros(0, dtype=np.int64)
                return [(union, np.ones(len(union)))] if len(union) else []
            boost = q.boost if len(btexts) > 1 else 1.0  # Whoosh drops it for one word
            part = self._terms_scores(field, btexts, boost)
            return [part] if part is not None else []
        if isinstance(q, wq.Or) and not any(isinstance(c, wq.Not) for c in q.subqueries):
            out: list[tuple[np.ndarray, np.ndarray]] = []
            for child in q.subqueries:
                sub = self._parts(child)
                if sub is None:
                    return None
                out.extend(sub)
            if q.boost != 1.0 and len(q.subqueries) > 1:
                out = [(ids, sc * q.boost) for ids, sc in out]
            return out
        return None

    # -- evaluation --------------------------------------------------------------

    def evaluate(self, q: wq.Query) -> Scored | None:
        """Scores and matches of ``q`` over every document (None: no match)."""
        parts = self._parts(q)
        if parts is not None:
            return self._dense(parts)
        if isinstance(q, wq.NumericRange) and q.fieldname == "year":
            return self._years_range(q)
        if isinstance(q, (wq.Phrase, FormsPhrase)):
            words = phrases.phrase_words(self, q)
            if words is not None:
                return phrases.evaluate(self, words[0], words[1], q.boost)
        if isinstance(q, wq.Or):
            acc: Scored | None = None
            for child in q.subqueries:
                r = self.evaluate(child)
                if r is None:
                    continue
                if acc is None:
                    acc = r
                else:
                    acc[0].__iadd__(r[0])
                    acc[1].__ior__(r[1])
            if acc is not None and q.boost != 1.0 and len(q.subqueries) > 1:
                acc[0].__imul__(q.boost)
            return acc
        if isinstance(q, wq.And):
            positives = [c for c in q.subqueries if not isinstance(c, wq.Not)]
            negatives = [c.query for c in q.subqueries if isinstance(c, wq.Not)]
            acc = None
            for child in positives:
                r = self.evaluate(child)
                if r is None:
                    return None
                if acc is None:
                    acc = r
                else:
                    acc[0].__iadd__(r[0])
                    acc[1].__iand__(r[1])
            if acc is None:
                acc = (np.zeros(self.n), self.live.copy())
            for child in negatives:
                r = self.evaluate(child)
                if r is not None:
                    acc[1].__iand__(~r[1])
            if q.boost != 1.0 and len(q.subqueries) > 1:
                acc[0].__imul__(q.boost)
            return acc
        if isinstance(q, wq.Not):
            r = self.evaluate(q.query)
            matched = self.live.copy() if r is None else self.live & ~r[1]
            return np.zeros(self.n), matched
        return self._fallback(q)

    def _years_range(self, q: wq.NumericRange) -> Scored | None:
        field = self.schema["year"]
        if self._years is None:
            self._years = {}
            for btext in field.sortable_terms(self.reader, "year"):
                self._years[int(field.from_bytes(btext))] = btext
        parts = []
        for year, btext in self._years.items():
            if q.start is not None and (year < q.start or (q.startexcl and year == q.start)):
                continue
            if q.end is not None and (year > q.end or (q.endexcl and year == q.end)):
                continue
            ids, _w = self.postings("year", btext)
            parts.append((ids, np.full(len(ids), q.boost)))
        return self._dense(parts)

    def _fallback(self, q: wq.Query) -> Scored | None:
        """Whoosh's own matcher for a part this class does not score itself."""
        scores = np.zeros(self.n, dtype=np.float64)
        matched = np.zeros(self.n, dtype=bool)
        found = False
        for sub, _seg, off, _id in self.segments:
            m = q.matcher(sub, sub.context())
            ids, sc = [], []
            while m.is_active():
                ids.append(m.id() + off)
                sc.append(m.score())
                m.next()
            if ids:
                found = True
                idx = np.array(ids, dtype=np.int64)
                scores[idx] = sc
                matched[idx] = True
        return (scores, matched) if found else None

    # -- ranking -----------------------------------------------------------------

    def allowed_mask(self, allowed_ids: np.ndarray, *, excluded: bool = False) -> np.ndarray:
        """Bool array over documents: is the paper's id among ``allowed_ids`` (or,
        ``excluded``, not among them)."""
        ids = np.asarray(allowed_ids, dtype=np.int64)
        top = int(max(self.ids.max(initial=0), ids.max(initial=0))) + 1
        lookup = np.zeros(top, dtype=bool)
        lookup[ids[ids >= 0]] = True
        inside = lookup[np.clip(self.ids, 0, None)]
        if excluded:
            np.logical_not(inside, out=inside)
        return inside & (self.ids >= 0)

    def search(self, q: wq.Query, limit: int | None, *,
               allowed_ids: np.ndarray | None = None,
               excluded_ids: np.ndarray | None = None) -> Hits:
        """Best ``limit`` paper ids for ``q`` (ties by index order, as Whoosh),
        among ``allowed_ids`` and not among ``excluded_ids`` when given."""
        r = self.evaluate(q)
        if r is None:
            return Hits([], 0)
        scores, matched = r
        matched &= self.live
        if allowed_ids is not None:
            matched &= self.allowed_mask(allowed_ids)
        if excluded_ids is not None and len(excluded_ids):
            matched &= self.allowed_mask(excluded_ids, excluded=True)
        candidates = np.flatnonzero(matched)
        total = len(candidates)
        if limit is not None and total > limit:
            cand_scores = scores[candidates]
            cut = np.partition(cand_scores, total - limit)[total - limit]
            candidates = candidates[cand_scores >= cut]  # keeps ties at the cut
        order = np.lexsort((candidates, -scores[candidates]))
        ranked = self.ids[candidates[order]]
        if limit is not None:
            ranked = ranked[:limit]
        return Hits(ranked.tolist(), total)
