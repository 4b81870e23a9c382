"""readq.search.whoosh_storage reads exactly what Whoosh's public API reads.

These tests fail loudly if a Whoosh upgrade changes the storage format or the
installed version is not one the module was tested on.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import whoosh

from readq.search import whoosh_storage
from readq.search.index import IndexDoc, SearchIndex
from readq.search.whoosh_storage import SegmentData

from benchmarks.generate import Generator


def test_installed_whoosh_is_a_tested_version() -> None:
    assert tuple(whoosh.__version__) in whoosh_storage.SUPPORTED_VERSIONS, (
        f"Whoosh {whoosh.__version__} is installed but readq.search.whoosh_storage is "
        f"tested on {sorted(whoosh_storage.SUPPORTED_VERSIONS)}: run these tests, fix "
        "the reader if needed, then add the version"
    )
    assert whoosh_storage.supported()


def _docs(n: int) -> list[IndexDoc]:
    out = []
    for i, p in enumerate(Generator(seed=5).papers(n), start=1):
        out.append(IndexDoc(id=i * 7, title=p.title, authors=p.authors, orgs=p.orgs,
                            abstract=p.abstract, note="a note" if i % 9 == 0 else "",
                            category=p.category, year=p.year, arxiv_id=p.arxiv_id))
    return out


def _public_postings(reader, field: str, btext: bytes) -> tuple[list[int], list[float]]:
    m = reader.postings(field, btext)
    ids, weights = [], []
    while m.is_active():
        ids.append(m.id())
        weights.append(m.weight())
        m.next()
    return ids, weights


def test_every_term_reads_as_whoosh_reads_it(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "ix")
    index.open()
    # 200 papers: long posting lists span several 128-posting blocks, rare ones
    # are inlined in the term info; both layouts are read.
    index.upsert(_docs(200), bulk=True)
    ix = index._require()
    with ix.reader() as reader:
        (segment_reader, _offset), = reader.leaf_readers()
        seg = SegmentData(segment_reader)
        checked = multi_block = 0
        for field in ("title", "authors", "abstract", "note", "pairs", "year", "category"):
            for btext in reader.lexicon(field):
                ids, weights = seg.postings(field, btext)
                want_ids, want_weights = _public_postings(segment_reader, field, btext)
                assert ids.tolist() == want_ids, (field, btext)
                assert np.allclose(weights, want_weights), (field, btext)
                checked += 1
                multi_block += len(want_ids) > 128
        assert checked > 5000 and multi_block > 10
        for field in ("title", "authors", "abstract", "note"):
            lengths = seg.field_lengths(field)
            want = [segment_reader.doc_field_length(d, field, 0) or 0 for d in range(200)]
            assert lengths.tolist() == want
        assert seg.stored_ids().tolist() == [i * 7 for i in range(1, 201)]
    index.close()


def test_deleted_documents_are_reported(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "ix")
    index.open()
    index.upsert(_docs(40))
    index.delete([7 * 3, 7 * 10])
    with index._require().reader() as reader:
        (segment_reader, _offset), = reader.leaf_readers()
        deleted = SegmentData(segment_reader).deleted()
        assert np.flatnonzero(deleted).tolist() == [2, 9]
    index.close()


def _segment_files(folder: Path) -> list[tuple[str, bytes]]:
    """A segment's files by kind (segment names are random), the table of contents aside."""
    return sorted((f.name.split(".", 1)[1], f.read_bytes())
                  for f in folder.iterdir() if f.name.startswith("MAIN_") and "." in f.name)


def test_segments_written_with_lengths_read_once_are_whooshs_own(tmp_path: Path,
                                                                 monkeypatch) -> None:
    """Reading a new segment's field lengths once per field (not once per posting)
    writes the very same bytes as Whoosh's own writer, for commits and merges."""
    from whoosh.codec.base import FieldWriter

    docs = _docs(300)

    def build(folder: Path) -> list[tuple[str, bytes]]:
        index = SearchIndex(folder)
        index.open()
        index.upsert(docs[:180], merge=False)
        index.upsert(docs[120:], merge=False)  # replaces 60: deleted documents to merge away
        assert index.merge_small() == 2
        index.close()
        return _segment_files(folder)

    ours = build(tmp_path / "ours")
    assert FieldWriter.add_postings.__wrapped__ is not None  # the faster path is installed
    monkeypatch.setattr(FieldWriter, "add_postings", FieldWriter.add_postings.__wrapped__)
    whooshs = build(tmp_path / "whoosh")
    assert [kind for kind, _ in ours] == [kind for kind, _ in whooshs]
    assert len(ours) >= 5  # postings, terms, stored fields, length columns
    for (kind, mine), (_, theirs) in zip(ours, whooshs):
        assert mine == theirs, f"the segment's {kind} differs from Whoosh's own"
