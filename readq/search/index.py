"""The on-disk full-text index of the library (Whoosh), kept beside the store.

The index is derived data: it holds one document per paper (title, authors,
orgs, abstract, note, category, year, arXiv id) keyed by the store's paper id,
and can always be cleared and rebuilt from the store. Only the id is stored;
searches return paper ids, best match first, and the caller applies the state
filters of the query (read/rating/queued…) in SQL.

Searching scores Whoosh's postings a block at a time with numpy
(:mod:`readq.search.fast`, same BM25F ranking as Whoosh); what it reads from
disk is cached within ``cache_bytes``.

Only one writer may change the index at a time, across processes (Whoosh keeps
a lock file); writers wait for a busy lock for up to ``lock_timeout`` seconds
and then raise :class:`IndexBusy`.
"""

from __future__ import annotations

import gc
import shutil
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex, LockError
from whoosh.writing import IndexWriter

from readq.search import whoosh_storage, writer_note
from readq.search.fast import DEFAULT_CACHE_BYTES, FastSearcher, Hits, PostingsCache
from readq.search.query import ParsedQuery
from readq.search.whoosh_query import highlight_terms, to_whoosh
from readq.search.schema import (
    PAIR_FIELD,
    TEXT_FIELDS,
    build_schema,
    normalize_arxiv_id,
    normalize_org,
    common_pairs,
    words_of,
)

__all__ = ["Hits", "IndexDoc", "SearchIndex", "IndexCorrupt", "IndexBusy", "SCHEMA_VERSION"]

#: Bump when the schema or analysis changes: an index with another version is
#: reported as :class:`IndexCorrupt` so the caller rebuilds it.
SCHEMA_VERSION = 3  # 2: one fold, word pairs, separate segment files; 3: common pairs only

_INDEX_NAME = "MAIN"
_VERSION_FILE = "readq-index-version"
_PROGRESS_EVERY = 200
_MAX_FUZZY_EXPANSIONS = 20
#: Fields whose word lists :meth:`SearchIndex.warm` reads (those plain, typo and
#: prefix words are searched in).
WARM_TERM_FIELDS = ("title", "authors", "abstract", "note")
#: How long :meth:`SearchIndex.warm` may spend reading the most frequent words'
#: postings (into a third of the postings cache): warming runs on the lane searches
#: use, so a search typed right after the window opens waits at most this long.
PREFILL_SECONDS = 0.8

#: Writer settings for large batches, chosen by measurement (2-core machine,
#: 2,000 papers with ~1,500-character abstracts, medians of 4 runs): default
#: writer ~350 docs/s, limitmb=256 ~370, limitmb=256 with add_document on an
#: empty index ~400, procs=2 + multisegment ~340 (no gain: pickling documents
#: to the helper process costs what the second core saves, and it leaves
#: extra segments). procs>1 would also fork() the GUI process, which is unsafe
#: once Qt has started threads, so bulk writes stay in one process.
#: Segments stay as separate files (compound=False): Whoosh opens a compound
#: segment by copying each of its parts into memory (BytesIO over the memory
#: map), which doubled the app's memory by the size of the index — hundreds of
#: MB at 100,000 papers. Separate files are read as needed (and assembling the
#: compound file at commit is skipped).
_BULK_WRITER_ARGS: dict[str, Any] = {"limitmb": 256, "compound": False}
_PLAIN_WRITER_ARGS: dict[str, Any] = {"compound": False}

#: Segment merging stays off the interactive path: a sync commits its papers
#: as a new segment without merging any (``merge=False``), so 100 papers added
#: to a 100,000-paper index are searchable as soon as they are written. Small
#: segments pile up; once there are more than ``MAX_SMALL_SEGMENTS`` of them
#: (or after a bulk import), :meth:`SearchIndex.merge_small` — run in the
#: background (the child indexer or the app's write lane) — merges every
#: segment of at most ``SMALL_SEGMENT_DOCS`` papers into one. Large segments
#: are never rewritten there: merging a 100,000-paper index into one segment
#: takes minutes and holds the index lock throughout.
SMALL_SEGMENT_DOCS = 5_000
MAX_SMALL_SEGMENTS = 8
MERGE_MAX_DOCS = 20_000  # one merge takes the smallest segments up to this many papers




class IndexCorrupt(Exception):
    """The index directory holds something that is not a readable index of the
    current version. The caller should :meth:`SearchIndex.clear` and rebuild."""


class IndexBusy(Exception):
    """Another writer (probably another readq process) holds the index lock."""


@dataclass(frozen=True)
class IndexDoc:
    """One paper as the index sees it."""

    id: int  # paper id from the store
    title: str  # may be "" (arXiv-listing papers have no title)
    authors: list[str]  # e.g. ["Roberta Raileanu", "Heinrich Küttler"]
    orgs: list[str]  # e.g. ["meta-ai", "oxford"]
    abstract: str
    note: str  # the user's Markdown note, "" if none
    category: str | None  # two-letter code like "LG", "CL"
    year: int | None
    arxiv_id: str | None  # like "2401.10020"


def _fields(doc: IndexDoc) -> dict[str, Any]:
    """The whoosh field values for ``doc`` (empty values left out)."""
    fields: dict[str, Any] = {"id": int(doc.id)}
    texts = {
        "title": doc.title,
        "authors": "\n".join(a for a in doc.authors if a),
        "abstract": doc.abstract,
        "note": doc.note,
    }
    pairs: list[str] = []
    for name, value in texts.items():
        if value and value.strip():
            fields[name] = value
            pairs.extend(common_pairs(name, words_of(value)))
    if pairs:
        fields[PAIR_FIELD] = pairs
    orgs = [o for o in (normalize_org(x) for x in doc.orgs) if o]
    if orgs:
        fields["orgs"] = ",".join(orgs)
    if doc.category and doc.category.strip():
        fields["category"] = doc.category.strip()
    if doc.year is not None:
        fields["year"] = int(doc.year)
    if doc.arxiv_id and normalize_arxiv_id(doc.arxiv_id):
        fields["arxiv_id"] = normalize_arxiv_id(doc.arxiv_id)
    return fields


class SearchIndex:
    """Whoosh index in a directory; derived data, rebuildable from the store.

    Call :meth:`open` first (it raises :class:`IndexCorrupt` if the directory
    holds a broken index; then call :meth:`clear`, which leaves an empty
    index open, and re-add every paper). Reading methods take a fresh snapshot
    of the index each time, so they see every committed write.
    """

    def __init__(self, directory: Path, *, lock_timeout: float = 10.0,
                 cache_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self.directory = Path(directory)
        self.lock_timeout = lock_timeout
        self._ix: FileIndex | None = None
        self._searcher: Any = None  # kept open between searches, refreshed when stale
        self._fast: FastSearcher | None = None  # numpy scoring over self._searcher
        self.cache = PostingsCache(cache_bytes)  # bounded: postings read from disk
        self.words: dict[tuple[str, str], Any] = {}  # each segment's sorted words per field

    # -- lifecycle ---------------------------------------------------------

    def open(self) -> None:
        """Open the index in the directory, creating an empty one if there is
        none. Raises IndexCorrupt if the directory holds anything else."""
        self.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        storage = FileStorage(str(self.directory))
        # Whoosh names each generation's table of contents _MAIN_<n>.toc.
        if not any(self.directory.glob(f"_{_INDEX_NAME}_*.toc")):
            leftovers = [p.name for p in self.directory.iterdir() if not self._is_ignorable(p)]
            if leftovers:
                shown = ", ".join(sorted(leftovers)[:3]) + (", …" if len(leftovers) > 3 else "")
                raise IndexCorrupt(
                    f"{self.directory} holds files that are not a search index ({shown})"
                )
            self._create(storage)
            return
        version = self._read_version()
        if version != SCHEMA_VERSION:
            raise IndexCorrupt(
                f"Search index in {self.directory} was built by another version of readq "
                f"(index version {version}, expected {SCHEMA_VERSION})"
            )
        self._ix = self._open_existing(storage)

    def _open_existing(self, storage: FileStorage) -> FileIndex:
        """Open and sanity-check an existing index, or raise IndexCorrupt."""
        problem = ""
        # Whoosh leaves the files of a half-opened index for the garbage
        # collector; collect them here, quietly, rather than at some random
        # later moment with a ResourceWarning.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                ix = storage.open_index(_INDEX_NAME)
                if sorted(ix.schema.names()) != sorted(build_schema().names()):
                    problem = "it has an unexpected schema"
                else:
                    with ix.reader() as reader:  # opens every segment's files
                        reader.doc_count_all()
                        for _stored in reader.all_stored_fields():
                            break
                    return ix
            except Exception as exc:  # any failure to read means "rebuild it"
                problem = f"{type(exc).__name__}: {exc}"
            gc.collect()
        raise IndexCorrupt(f"Search index in {self.directory} is unreadable ({problem})")

    def clear(self) -> None:
        """Delete everything in the index directory and leave an empty index open."""
        self.close()
        if self.directory.exists():
            for path in self.directory.iterdir():
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()
        self.directory.mkdir(parents=True, exist_ok=True)
        self._create(FileStorage(str(self.directory)))

    def close(self) -> None:
        """Release the index (safe to call twice)."""
        self._fast = None
        self.cache.clear()
        self.words.clear()
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        if self._ix is not None:
            self._ix.close()
            self._ix = None

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- reading -----------------------------------------------------------

    def doc_count(self) -> int:
        """Number of papers in the index."""
        return int(self._require().doc_count())

    def indexed_ids(self) -> set[int]:
        """Every paper id in the index (for consistency checks against the store)."""
        with self._require().reader() as reader:
            return {int(stored["id"]) for stored in reader.all_stored_fields()}

    def search(self, query: ParsedQuery, *, limit: int | None = 200) -> list[int]:
        """Paper ids matching the text part of ``query``, best match first.

        Only ``query.text`` is used; the state conditions are the caller's to
        apply. When ``query.text`` is None there is no text restriction and
        this returns [] — callers should not consult the index at all then.
        """
        return self.search_hits(query, limit=limit).ids

    def search_hits(self, query: ParsedQuery, *, limit: int | None = 200,
                    allowed_ids: Sequence[int] | Any | None = None,
                    excluded_ids: Sequence[int] | Any | None = None) -> Hits:
        """The best ``limit`` paper ids for the text part of ``query`` and how many
        papers match in all. ``allowed_ids`` (paper ids, e.g. those a state filter
        lets through) restricts the ranking in the same pass; ``excluded_ids``
        leaves papers out (a filter that lets most papers through is cheaper
        given as the few it excludes)."""
        compiled = to_whoosh(query.text)
        if compiled is None:
            return Hits([], 0)
        searcher = self._current_searcher()
        if whoosh_storage.supported():
            fast = self._fast_searcher(searcher)
            allowed = None if allowed_ids is None else np.asarray(allowed_ids, dtype=np.int64)
            excluded = None if excluded_ids is None else np.asarray(excluded_ids, dtype=np.int64)
            # (an int64 array, as Library passes, is used as it is)
            return fast.search(compiled, limit, allowed_ids=allowed, excluded_ids=excluded)
        # Another Whoosh version: its own matchers (slower, same ranking).
        if allowed_ids is not None or excluded_ids is not None:
            allowed_set = None if allowed_ids is None else set(int(i) for i in allowed_ids)
            excluded_set = set() if excluded_ids is None else set(int(i) for i in excluded_ids)
            ranked = [int(hit["id"]) for hit in searcher.search(compiled, limit=None)]
            ranked = [i for i in ranked if (allowed_set is None or i in allowed_set)
                      and i not in excluded_set]
            return Hits(ranked[:limit] if limit is not None else ranked, len(ranked))
        results = searcher.search(compiled, limit=limit)
        return Hits([int(hit["id"]) for hit in results], len(results))

    def _current_searcher(self) -> Any:
        """One searcher reused across searches, replaced by a fresh one when the index
        has changed. Not Whoosh's ``refresh()``: it reuses the readers of segments
        whose deletions have changed since (an updated paper then matched twice, old
        and new version) and keeps the segments a merge replaced. A fresh searcher
        costs under a millisecond at 100,000 papers; the postings cache, keyed by
        segment, keeps what was read from segments that did not change."""
        ix = self._require()
        old = self._searcher
        if old is None or old.reader().generation() != ix.latest_generation():
            self._searcher = ix.searcher()
            if old is not None:
                old.close()
        return self._searcher

    def _fast_searcher(self, searcher: Any) -> FastSearcher:
        """The numpy scorer over ``searcher`` (made anew when the snapshot changed)."""
        if self._fast is None or self._fast.searcher is not searcher:
            self._fast = FastSearcher(searcher, self.cache, self.words)
        return self._fast

    def warm(self) -> None:
        """Open the searcher and read what every search needs (ids, lengths), the
        word lists that prefix, typo and other-forms words expand from, and the
        postings of the most frequent words."""
        searcher = self._current_searcher()
        if whoosh_storage.supported():
            fast = self._fast_searcher(searcher)
            fast.load_terms(WARM_TERM_FIELDS)
            fast.prefill(WARM_TERM_FIELDS, self.cache.limit_bytes // 3, PREFILL_SECONDS)

    def terms_for_highlight(self, query: ParsedQuery) -> list[str]:
        """The words, phrases and prefixes the user searched for, to highlight.

        Lowercase and accent-folded (match them against
        :func:`readq.search.schema.fold`-ed text, or use
        :func:`readq.search.highlight.highlight_spans`), without field names,
        in query order, without duplicates. Negated parts are left out,
        prefixes are given without the ``*``, and a fuzzy word is replaced by
        the indexed words it matches (the typo itself is not in the text).
        """
        if query.text is None:
            return []
        compiled = to_whoosh(query.text)
        if compiled is None:
            return []
        searcher = self._current_searcher()
        expand = self._fast_searcher(searcher).expand if whoosh_storage.supported() else None
        return highlight_terms(compiled, searcher.reader(), TEXT_FIELDS,
                               _MAX_FUZZY_EXPANSIONS, expand)

    # -- writing -----------------------------------------------------------

    def upsert(
        self,
        docs: Iterable[IndexDoc],
        *,
        bulk: bool = False,
        progress: Callable[[int], None] | None = None,
        should_cancel: Callable[[], bool] | None = None,
        merge: bool = True,
    ) -> int:
        """Add or replace papers (matched on id); return how many were written.

        ``bulk=True`` uses writer settings tuned for large batches (a full
        rebuild). ``progress(n_done)`` is called every 200 papers and once at
        the end. If ``should_cancel()`` returns True the loop stops and what
        was written so far is committed, so the index is never left broken.
        ``merge=False`` commits a new segment without merging existing ones
        (Whoosh's default merges small segments at commit).
        """
        writer = self._writer(bulk)
        # Nothing to replace in an empty index (a rebuild): skip the lookups.
        replace = self._require().doc_count_all() > 0
        written = 0
        batch_ids: set[int] = set()
        try:
            for doc in docs:
                if should_cancel is not None and should_cancel():
                    break
                if doc.id in batch_ids:
                    # Replacing only finds committed documents: commit first so
                    # an id repeated within one call still ends up once.
                    writer.commit(merge=merge)
                    writer = self._writer(bulk)
                    batch_ids.clear()
                    replace = True
                batch_ids.add(doc.id)
                if replace:
                    writer.update_document(**_fields(doc))
                else:
                    writer.add_document(**_fields(doc))
                written += 1
                if progress is not None and written % _PROGRESS_EVERY == 0:
                    progress(written)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(merge=merge)
        if progress is not None and written % _PROGRESS_EVERY:
            progress(written)
        return written

    def segment_sizes(self) -> list[int]:
        """Documents in each segment of the index (deleted ones included)."""
        return [int(seg.doc_count_all()) for seg in self._require()._segments()]

    def small_segments(self) -> int:
        """How many segments a :meth:`merge_small` would merge."""
        return sum(1 for n in self.segment_sizes() if n <= SMALL_SEGMENT_DOCS)

    def needs_merge(self) -> bool:
        """Whether small segments have piled up past ``MAX_SMALL_SEGMENTS``."""
        return self.small_segments() > MAX_SMALL_SEGMENTS

    def merge_small(self) -> int:
        """Merge the segments of at most ``SMALL_SEGMENT_DOCS`` documents into one,
        smallest first up to ``MERGE_MAX_DOCS`` documents (deleted ones dropped),
        leaving large segments as they are; return how many segments were merged
        (0: nothing to do). Slow-ish (seconds for a few thousand papers): run it in
        the background, never where a user waits."""
        if self.small_segments() < 2:
            return 0
        merged: list[int] = []

        def policy(writer: IndexWriter, segments: list[Any]) -> list[Any]:
            from whoosh.reading import SegmentReader

            keep, small, taken = [], [], 0
            for seg in sorted(segments, key=lambda seg: seg.doc_count_all()):
                size = seg.doc_count_all()
                fits = taken + size <= MERGE_MAX_DOCS or len(small) < 2
                if size <= SMALL_SEGMENT_DOCS and fits:
                    small.append(seg)
                    taken += size
                else:
                    keep.append(seg)
            if len(small) < 2:
                return segments
            for seg in small:
                reader = SegmentReader(writer.storage, writer.schema, seg)
                writer.add_reader(reader)
                reader.close()
            merged.append(len(small))
            return keep

        writer = self._writer(True)
        try:
            writer.commit(mergetype=policy)
        except BaseException:
            writer.cancel()
            raise
        return merged[0] if merged else 0

    def delete(self, ids: Iterable[int], *, merge: bool = True) -> None:
        """Remove papers from the index (unknown ids are ignored)."""
        wanted = [int(i) for i in ids]
        if not wanted:
            return
        writer = self._writer(False)
        try:
            for paper_id in wanted:
                writer.delete_by_term("id", paper_id)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(merge=merge)

    # -- internals ---------------------------------------------------------

    def _require(self) -> FileIndex:
        if self._ix is None:
            raise RuntimeError("SearchIndex is not open; call open() first")
        return self._ix

    def _writer(self, bulk: bool) -> IndexWriter:
        """A writer, waiting (with backoff) up to lock_timeout for the lock."""
        ix = self._require()
        args = _BULK_WRITER_ARGS if bulk else _PLAIN_WRITER_ARGS
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.02
        while True:
            try:
                writer = ix.writer(**args)
                writer_note.note_holder(self.directory)  # whom a waiting writer waits for
                return writer
            except LockError:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    holder = writer_note.describe(self.directory)
                    raise IndexBusy(
                        f"the search index is being updated by {holder}; try again once "
                        "it has finished"
                        if holder else
                        "The search index is being updated by another readq process; "
                        "try again in a moment"
                    ) from None
                time.sleep(min(delay, remaining))
                delay = min(delay * 2, 0.5)

    def _create(self, storage: FileStorage) -> None:
        self._ix = storage.create_index(build_schema(), indexname=_INDEX_NAME)
        (self.directory / _VERSION_FILE).write_text(f"{SCHEMA_VERSION}\n", encoding="utf-8")

    def _read_version(self) -> int | None:
        try:
            return int((self.directory / _VERSION_FILE).read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            return None

    @staticmethod
    def _is_ignorable(path: Path) -> bool:
        """Files that may exist without an index: the lock file, its holder's note
        and readq's marks."""
        return path.name in (_VERSION_FILE, "readq-rebuild-needed", "readq-index-writer") \
            or path.name.endswith("WRITELOCK")
