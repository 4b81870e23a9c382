"""Damage found at any size: a big store (above the size the open used to check in full)
with pages overwritten is refused by every write in one line, nothing is written and no
backup is kept; a healthy big store takes writes; readq's own checkpoints keep the
remembered verdict standing, anything else's changes make the next open check again."""

from __future__ import annotations

import hashlib
import os
import random
import time
from datetime import date
from pathlib import Path

import pytest

from readq.library import Library, LibraryError
from readq.models import Record
from readq.store import verdict
from readq.store.health import QUICK_CHECK_MAX_BYTES, StoreDamaged
from tests.helpers import PROFILE, dump_copy, run_cli

PAPERS = 4_600  # ≈ 20 MB with 3,500-character abstracts: above QUICK_CHECK_MAX_BYTES
WORDS = "agent policy reward transformer attention gradient memory planning".split()


def _big_library(root: Path) -> None:
    """A library whose store is above QUICK_CHECK_MAX_BYTES, with one manual backup
    (built through the store directly: indexing 4,600 papers would take a minute)."""
    rng = random.Random(5)
    with Library(root) as lib:
        store = lib.store
        with store.transaction():
            for n in range(PAPERS):
                abstract = " ".join(rng.choice(WORDS) for _ in range(500))[:3_500]
                record = Record(index=n, line=n + 1, title=f"Paper {n} on {rng.choice(WORDS)}",
                                authors=["Ana Bauer"], published=date(2024, 1, 1 + n % 28),
                                abstract=abstract, arxiv_id=f"2401.{n + 10000:05d}")
                store.insert_paper(record, f"paper {n}", [], "2024-01-01T00:00:00+00:00")
            store.conn.execute("DELETE FROM index_queue")  # no index wanted here
        lib.backup("manual")
    assert (root / "library.sqlite3").stat().st_size > QUICK_CHECK_MAX_BYTES


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("big") / "lib"
    _big_library(root)
    return root


def _overwrite_pages(store: Path, count: int, seed: int = 20) -> None:
    """Random bytes over ``count`` random whole pages of the later half of the file —
    the papers stored last, as in a big library where most pages are papers: the
    header and schema stay sound, so only a full check sees the damage (and before,
    a write touching only sound pages went through)."""
    rng = random.Random(seed)
    page = 4096
    pages = store.stat().st_size // page
    with open(store, "r+b") as handle:
        for number in rng.sample(range(pages // 2, pages), count):
            handle.seek(number * page)
            handle.write(rng.randbytes(page))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _backups(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "backups").iterdir())


def test_every_write_refuses_a_big_damaged_store_in_one_line(root, capsys, tmp_path):
    store = root / "library.sqlite3"
    _overwrite_pages(store, 200)
    before, kept = _digest(store), _backups(root)
    dump = dump_copy(PROFILE, tmp_path / "dumps")
    writes = [("rate", "1", "4"), ("note", "1", "--text", "a note"), ("queue", "add", "2"),
              ("mark", "3", "read"), ("tag", "4", "add", "later"), ("import", str(dump))]
    for command in writes:
        code, out, err = run_cli(capsys, "--library", str(root), *command)
        lines = err.strip().splitlines()
        assert code != 0, (command, out, err)
        assert len(lines) == 1 and "damaged" in lines[0] and "readq restore" in lines[0], \
            (command, err)
        assert _digest(store) == before, command  # nothing written
        assert _backups(root) == kept, command  # no backup of the damaged store kept
    assert verdict.known_damage(store) is not None  # found once, remembered after


def test_a_healthy_big_store_takes_writes_and_remembers_its_check(root, capsys):
    store = root / "library.sqlite3"
    verdict.forget(store)  # as a library from before verdicts: the first open checks
    started = time.perf_counter()
    code, out, err = run_cli(capsys, "--library", str(root), "rate", "1", "4")
    first = time.perf_counter() - started
    assert code == 0, err
    found = verdict.read(store)
    assert found is not None and found.problem is None and found.seconds > 0
    started = time.perf_counter()
    code, out, err = run_cli(capsys, "--library", str(root), "queue", "add", "2")
    second = time.perf_counter() - started
    assert code == 0, err
    assert verdict.standing(store) is not None  # readq's own changes keep it standing
    assert verdict.read(store).checked_at == found.checked_at  # not checked again
    print(f"\nstore {store.stat().st_size / 1e6:.1f} MB: full check {found.seconds * 1000:.0f} ms;"
          f" first write {first * 1000:.0f} ms, next write {second * 1000:.0f} ms")
    with Library(root) as lib:
        assert lib.paper(1)["rating"] == 4 and lib.queue() == [2]


def test_a_store_changed_outside_readq_is_checked_again(root, capsys):
    store = root / "library.sqlite3"
    assert run_cli(capsys, "--library", str(root), "rate", "1", "3")[0] == 0
    first = verdict.read(store)
    assert first is not None and verdict.standing(store) is not None
    stat = store.stat()
    os.utime(store, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # not readq
    assert verdict.standing(store) is None
    assert run_cli(capsys, "--library", str(root), "rate", "1", "2")[0] == 0
    assert verdict.standing(store) is not None  # checked in full again, found sound


def test_an_import_keeps_the_verdict_standing(tmp_path):
    root = tmp_path / "lib"
    with Library(root) as lib:
        lib.import_paths([dump_copy(PROFILE, tmp_path / "d")])
    with Library(root) as lib:
        lib.set_rating([1], 5)
    assert verdict.standing(root / "library.sqlite3") is not None


def test_a_damaged_copy_is_never_kept_and_later_writes_are_refused(root):
    store = root / "library.sqlite3"
    kept = _backups(root)
    with Library(root) as lib:  # opened sound; damaged while open (a failing disk)
        rating = lib.paper(7)["rating"]
        _overwrite_pages(store, 200, seed=3)
        with pytest.raises(LibraryError, match="damaged"):
            lib.backup("manual")
        assert _backups(root) == kept
        with pytest.raises(StoreDamaged):  # what the window's writes get
            lib.set_rating([7], 5)
    assert verdict.known_damage(store) is not None
    with pytest.raises(StoreDamaged):
        Library(root, read_only=True)  # the window's next start offers a restore
    assert rating == 0


def test_restoring_over_a_known_damaged_store_clears_the_verdict(root, capsys):
    store = root / "library.sqlite3"
    backup = root / "backups" / _backups(root)[0]
    _overwrite_pages(store, 200)
    assert run_cli(capsys, "--library", str(root), "rate", "1", "4")[0] != 0
    code, out, err = run_cli(capsys, "--library", str(root), "restore", str(backup))
    assert code == 0, err
    assert verdict.known_damage(store) is None
    assert run_cli(capsys, "--library", str(root), "rate", "1", "4")[0] == 0
    assert any(p.name.startswith("damaged-") for p in root.iterdir())
