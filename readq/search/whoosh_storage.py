"""Reading Whoosh's on-disk index directly: the one module that knows its format.

Whoosh's own matchers walk postings one at a time in Python, which is what
made searching 100,000 papers slow. :mod:`readq.search.fast` scores whole
posting blocks with numpy instead, and gets them from here: a term's postings
as arrays of document numbers and weights, a field's per-document lengths (the
one-byte lengths BM25F uses), the deleted documents and the stored paper ids.

This relies on private parts of Whoosh's "whoosh3" codec (the block layout of
``W3LeafMatcher``, inlined term infos, the ``_<field>_len`` length columns).
It is pinned to the Whoosh versions it is tested on (``SUPPORTED_VERSIONS``):
with any other version :func:`supported` is False and readq searches through
Whoosh's own (slower) matchers. ``tests/search/test_whoosh_storage.py``
compares every term's postings read here with Whoosh's public API, so a format
change fails loudly.

It also makes Whoosh's segment writing read each new segment's field lengths
once instead of once per posting (same bytes written, a sixth less time to
index a dump); a test compares the segments with Whoosh's own.
"""

from __future__ import annotations

import zlib
from pickle import loads
from typing import Any

import numpy as np
import whoosh
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3Codec
from whoosh.system import _INT_SIZE
from whoosh.util.numeric import byte_to_length

__all__ = ["SUPPORTED_VERSIONS", "StorageFormatError", "SegmentData", "supported",
           "LENGTH_OF_BYTE"]

#: Whoosh versions whose storage this module has been tested against.
SUPPORTED_VERSIONS: frozenset[tuple[int, ...]] = frozenset({(2, 7, 5)})

#: The field length each length byte stands for (Whoosh stores lengths lossily).
LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)

_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_WEIGHTS = np.zeros(0, dtype=np.float64)


class StorageFormatError(Exception):
    """The index's storage is not laid out as this module expects."""


def supported() -> bool:
    """Whether the installed Whoosh is one this module can read directly."""
    return tuple(whoosh.__version__) in SUPPORTED_VERSIONS


class SegmentData:
    """Direct access to one segment of an open index (a Whoosh SegmentReader)."""

    def __init__(self, reader: Any) -> None:
        if not isinstance(getattr(reader, "_codec", None), W3Codec):
            raise StorageFormatError(f"unexpected codec {type(getattr(reader, '_codec', None))}")
        self.reader = reader
        self.doc_count_all = int(reader.doc_count_all())
        self._terms = reader._terms
        self._postfile = self._terms._postfile
        self._perdoc = reader._perdoc

    # -- per document ------------------------------------------------------------

    def deleted(self) -> np.ndarray:
        """Bool array: which of the segment's documents are deleted."""
        out = np.zeros(self.doc_count_all, dtype=bool)
        if self.reader.has_deletions():
            gone = [d for d in self._perdoc.deleted_docs() if d < self.doc_count_all]
            out[np.array(gone, dtype=np.int64)] = True
        return out

    def field_lengths(self, field: str) -> np.ndarray:
        """Each document's length of ``field`` as BM25F sees it (decoded byte)."""
        column = self._perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
        if column is None:
            return np.zeros(self.doc_count_all, dtype=np.float64)
        raw = np.fromiter(column, dtype=np.uint8, count=self.doc_count_all)
        return LENGTH_OF_BYTE[raw]

    def stored_ids(self, key: str = "id") -> np.ndarray:
        """The stored value ``key`` (the paper id) of each document; -1 if none."""
        out = np.full(self.doc_count_all, -1, dtype=np.int64)
        for docnum, fields in self.reader.iter_docs():
            value = fields.get(key)
            if value is not None:
                out[docnum] = int(value)
        return out

    # -- postings ----------------------------------------------------------------

    def postings(self, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers (ascending) and weights of one term in this segment."""
        if (field, btext) not in self.reader:
            return _EMPTY_IDS, _EMPTY_WEIGHTS
        info = self._terms.term_info(field, btext)
        if info.is_inlined():
            ids, weights, _values = info.inlined_postings()
            return (np.array(ids, dtype=np.int64),
                    np.array(weights, dtype=np.float64) if weights else
                    np.ones(len(ids), dtype=np.float64))
        offset, _length = info.extent()
        return self._read_blocks(offset)

    def _read_blocks(self, offset: int) -> tuple[np.ndarray, np.ndarray]:
        postfile = self._postfile
        postfile.seek(offset)
        if postfile.read(4) != WHOOSH3_HEADER_MAGIC:
            raise StorageFormatError("posting list without the whoosh3 block header")
        position = offset + 4
        id_parts: list[np.ndarray] = []
        weight_parts: list[np.ndarray] = []
        base = 0
        while True:
            postfile.seek(position)
            length = postfile.read_int()
            last = length < 0
            length = abs(length)
            next_offset = position + _INT_SIZE + length
            info = postfile.read_pickle()
            data_offset = postfile.tell()
            count, max_id, _max_weight, compression, _mn, _mx = info
            data = postfile.get(data_offset, next_offset - data_offset)
            if compression:
                data = zlib.decompress(data)
            block = loads(data)
            ids = np.cumsum(np.asarray(block[0], dtype=np.int64))
            if len(ids) != count or (count and ids[-1] != max_id):
                raise StorageFormatError("posting block ids do not add up to its header")
            id_parts.append(ids)
            weights = block[1]
            if weights is None:
                weight_parts.append(np.ones(count, dtype=np.float64))
            elif isinstance(weights, float):
                weight_parts.append(np.full(count, weights, dtype=np.float64))
            else:
                weight_parts.append(np.asarray(weights, dtype=np.float64))
            if last:
                break
            position = next_offset
        del base
        if len(id_parts) == 1:
            return id_parts[0], weight_parts[0]
        return np.concatenate(id_parts), np.concatenate(weight_parts)


def _remember_missing_length_columns() -> None:
    """Make Whoosh's per-document reader remember that a field has no length column.

    Writing a segment asks for every posting's field length (for the block's
    maximum), and Whoosh's ``W3PerDocReader._cached_reader`` remembers the
    length columns it found but not the ones it did not: for each posting of a
    field without lengths (the word pairs, organisations, category, year, id)
    it looked for the file on disk again — 180,000 ``stat`` calls, a tenth of
    the time to index 3,000 papers. A segment's column files are all written
    before its reader opens, so the answer cannot change for that reader.
    """
    from whoosh.codec.whoosh3 import W3PerDocReader

    original = W3PerDocReader._cached_reader

    def cached_reader(self: Any, fieldname: str, column: Any) -> Any:
        missing = self.__dict__.setdefault("_readq_missing_columns", set())
        if fieldname in missing:
            return None
        reader = original(self, fieldname, column)
        if reader is None:
            missing.add(fieldname)
        return reader

    W3PerDocReader._cached_reader = cached_reader


class _LoadedLengths:
    """A new segment's field lengths, read once per field for the writing of its
    postings (what ``W3PerDocReader.doc_field_length`` answers, same values).

    Whoosh's ``FieldWriter.add_postings`` asks for the length of every posting
    it writes: one seek, read and unpack of the segment's length column each
    time, in Python — 677,000 calls, a sixth of the time to index 3,000 papers.
    Here each field's column is read once and turned into lengths once.
    """

    def __init__(self, perdoc: Any) -> None:
        self._perdoc = perdoc
        self._fields: dict[str, list[int | None] | None] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        if fieldname in self._fields:
            lengths = self._fields[fieldname]
        else:
            lengths = self._fields[fieldname] = self._load(fieldname)
        if lengths is None:  # no length column for this field
            return default
        if docnum < len(lengths):
            return lengths[docnum]
        return self._perdoc.doc_field_length(docnum, fieldname, default)  # Whoosh decides

    def _load(self, fieldname: str) -> list[int | None] | None:
        from whoosh.codec.whoosh3 import _lenfield

        reader = self._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if reader is None:
            return None
        count = min(int(reader._count), int(self._perdoc._doccount))
        # a zero byte answers None, as Whoosh's own reader does
        return [LENGTHS_BY_BYTE[b] for b in reader._dbfile.get(reader._basepos, count)]


#: byte → field length as Whoosh's doc_field_length returns it (None for 0)
LENGTHS_BY_BYTE: list[int | None] = [byte_to_length(b) if b else None for b in range(256)]


def _read_lengths_once_per_segment() -> None:
    """Make segment writing (a commit, a merge) read each field's lengths once
    (:class:`_LoadedLengths`) instead of once per posting."""
    from whoosh.codec.base import FieldWriter
    from whoosh.codec.whoosh3 import W3PerDocReader

    original = FieldWriter.add_postings

    def add_postings(self: Any, schema: Any, lengths: Any, items: Any) -> Any:
        if type(lengths) is W3PerDocReader:
            lengths = _LoadedLengths(lengths)
        return original(self, schema, lengths, items)

    add_postings.__wrapped__ = original  # type: ignore[attr-defined]
    FieldWriter.add_postings = add_postings


if supported():
    _remember_missing_length_columns()
    _read_lengths_once_per_segment()
