"""The search index is verified, not assumed; readq deletes only what it created.

The index folder (``<library>/index``) is readq's: it carries a marker file (the
index version file, written when the folder is made), and
holds only names readq's index writes (Whoosh's ``MAIN_*``/``_MAIN_*`` files, its lock
and temporary folders, readq's version file and marker). ``prepare_folder`` makes it
so before the index is opened:

- missing: created (mode 0700) with the marker — the caller then refills it;
- a symlink: the link is removed (never what it points to) and a folder made;
- a regular file: moved aside to ``index.moved-aside-<time>`` (never deleted);
- a folder holding anything else (the user's own ``index/``): ``IndexFolderRefused``,
  a one-line message; nothing in it is touched, then or later.

``clear_folder`` empties the folder of readq's own files only, for a rebuild.
``mark_for_rebuild`` leaves a mark in the folder before the store is replaced (a
restore): an index that no longer matches its store is then rebuilt by the next
open that may write, even if the restore was killed half-way; ``rebuild_started``
takes the mark away once every paper is queued for the rebuild (the store's queue
carries on from there).
``verify`` reads an open index the way searches do — every segment, a sample of
stored documents and of each field's postings — and reports the first damage found;
``damage_message`` is the one line a failed search shows.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from whoosh.filedb.filestore import FileStorage

from readq.search.index import SCHEMA_VERSION, IndexBusy
from readq.search.query import QueryError

MARKER = "readq-index-version"  # readq's mark on the folder, read by SearchIndex too
REBUILD_MARK = "readq-rebuild-needed"  # the store is being replaced: rebuild at next open
_OURS = re.compile(r"^(_?MAIN[_.].*|MAIN_WRITELOCK|readq-index-version|readq-rebuild-needed"
                   r"|readq-index-writer|[a-z0-9]{6,40}\.tmp)$")
_INDEX_NAME = "MAIN"
SAMPLE_DOCS = 200  # stored documents read per segment
SAMPLE_TERMS = 150  # terms whose postings are decoded, per field and segment
POSTINGS_PER_TERM = 500  # the first postings of each sampled term (blocks are decoded whole)


class IndexFolderRefused(Exception):
    """The index folder holds things readq did not create; ``str()`` is one line."""


@dataclass
class IndexFinding:
    """What reading the index found: the paper ids it holds, or the damage."""

    ids: set[int] = field(default_factory=set)
    problem: str | None = None

    @property
    def ok(self) -> bool:
        """The index could be read throughout the sample."""
        return self.problem is None


def foreign_names(folder: Path) -> list[str]:
    """Entries of ``folder`` that readq's index did not write (sorted)."""
    return sorted(p.name for p in folder.iterdir() if not _OURS.match(p.name))


def prepare_folder(folder: Path) -> bool:
    """Make ``folder`` a usable index folder of readq's; True if it holds no index yet.

    Raises ``IndexFolderRefused`` if it holds things readq did not create.
    """
    folder = Path(folder)
    if folder.is_symlink():
        folder.unlink()  # the link only: whatever it points to is not readq's
    elif folder.exists() and not folder.is_dir():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = folder.with_name(f"{folder.name}.moved-aside-{stamp}")
        os.replace(folder, aside)
    if not folder.exists():
        folder.mkdir(mode=0o700)
        _write_marker(folder)
        return True
    strangers = foreign_names(folder)
    if strangers:
        shown = ", ".join(strangers[:3]) + (f" and {len(strangers) - 3} more"
                                            if len(strangers) > 3 else "")
        raise IndexFolderRefused(
            f"the folder {folder} holds files readq did not create ({shown}); readq keeps "
            "its search index there and will not touch them — move them elsewhere, or use "
            "another library folder")
    empty = not any(folder.glob(f"_{_INDEX_NAME}_*.toc"))
    if empty and not (folder / MARKER).exists():
        _write_marker(folder)
    return empty


def clear_folder(folder: Path) -> None:
    """Delete readq's own files from the index folder (after ``prepare_folder`` checks)."""
    folder = Path(folder)
    prepare_folder(folder)
    for path in folder.iterdir():
        if path.name in (MARKER, REBUILD_MARK) or not _OURS.match(path.name):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def mark_for_rebuild(folder: Path) -> None:
    """Say that the index in ``folder`` must be rebuilt from the store (written before a
    restore replaces the store; an OSError means the restore must not start)."""
    folder = Path(folder)
    if not folder.is_dir() or folder.is_symlink():
        return  # no index: the next open makes one and fills it from the store anyway
    fd = os.open(folder / REBUILD_MARK, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        os.fsync(fd)  # on disk before the store is touched
    finally:
        os.close(fd)


def needs_rebuild(folder: Path) -> bool:
    """Whether a restore marked the index for rebuilding (and no rebuild began since)."""
    return (Path(folder) / REBUILD_MARK).is_file()


def rebuild_started(folder: Path) -> None:
    """Every paper is queued for a rebuild of a cleared index: the mark can go."""
    (Path(folder) / REBUILD_MARK).unlink(missing_ok=True)


def verify(folder: Path, *, sample_docs: int = SAMPLE_DOCS,
           sample_terms: int = SAMPLE_TERMS) -> IndexFinding:
    """Read the index in ``folder``: every segment, its stored ids, sampled postings."""
    finding = IndexFinding()
    try:
        index = FileStorage(str(folder)).open_index(_INDEX_NAME)
    except Exception as exc:  # any failure to read is what this is for
        finding.problem = _describe(exc)
        return finding
    try:
        with index.reader() as reader:
            for segment, offset in reader.leaf_readers():
                _verify_segment(segment, offset, finding, sample_docs, sample_terms)
    except Exception as exc:
        finding.problem = _describe(exc)
    finally:
        index.close()
    return finding


def damage_message(folder: Path, exc: BaseException) -> str:
    """The one line shown when the index fails while searching."""
    return (f"the search index in {folder} is damaged ({_describe(exc)}); "
            "run `readq check --repair` to rebuild it from the library")


def guarded(folder: Path, run: Callable[[], list[int]]) -> list[int]:
    """Run a search; an index that fails while read raises ``IndexDamaged``."""
    try:
        return run()
    except (IndexDamaged, IndexFolderRefused, QueryError, IndexBusy):
        raise
    except Exception as exc:  # whatever a damaged file makes Whoosh raise
        raise IndexDamaged(damage_message(folder, exc)) from None


class IndexDamaged(Exception):
    """A search failed because the index cannot be read; ``str()`` is one line."""


def _verify_segment(segment: object, offset: int, finding: IndexFinding, sample_docs: int,
                    sample_terms: int) -> None:
    total = segment.doc_count_all()  # type: ignore[attr-defined]
    step = max(1, total // max(1, sample_docs))
    deleted = segment.has_deletions()  # type: ignore[attr-defined]
    for docnum in range(0, total, step):
        if deleted and segment.is_deleted(docnum):  # type: ignore[attr-defined]
            continue
        stored = segment.stored_fields(docnum)  # type: ignore[attr-defined]
        if not isinstance(stored.get("id"), int):
            raise ValueError(f"document {offset + docnum} has no paper id")
    for docnum in segment.all_doc_ids():  # type: ignore[attr-defined]
        finding.ids.add(int(segment.stored_fields(docnum)["id"]))  # type: ignore[attr-defined]
    for name in segment.indexed_field_names():  # type: ignore[attr-defined]
        terms = list(segment.lexicon(name))  # type: ignore[attr-defined]
        step = max(1, len(terms) // max(1, sample_terms))
        for text in terms[::step]:
            matcher = segment.postings(name, text)  # type: ignore[attr-defined]
            previous = -1
            for _ in range(POSTINGS_PER_TERM):
                if not matcher.is_active():
                    break
                docnum = matcher.id()
                if not previous < docnum < total:
                    raise ValueError(f"postings of {name}:{text!r} point outside the segment")
                matcher.weight()
                previous = docnum
                matcher.next()


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:120]}" if text else type(exc).__name__


def _write_marker(folder: Path) -> None:
    (folder / MARKER).write_text(f"{SCHEMA_VERSION}\n", encoding="utf-8")
