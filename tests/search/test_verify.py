"""The index is verified, not assumed: damage is found by ``check`` and rebuilt by
``--repair``, a search on a damaged index is one line, and readq deletes only what it
created (a user's own ``index/`` folder is refused and left alone)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from readq.cli import main
from readq.library import Library
from readq.search.verify import IndexFolderRefused, verify
from tests.helpers import PROFILE, all_dumps

WORDS = ("learning", "agents", "reasoning", "language", "model", "data", "embodied")


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("verify")
    with Library(base / "lib") as lib:
        lib.import_paths(all_dumps(base / "d", (PROFILE,)))
        lib.sync_index()
    return base / "lib"


@pytest.fixture
def root(template, tmp_path) -> Path:
    shutil.copytree(template, tmp_path / "lib")
    return tmp_path / "lib"


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([*args])
    out, err = capsys.readouterr()
    return code, out, err


def _corrupt_until_searches_fail(root: Path, capsys) -> str:
    """Overwrite 4 kB of the segment at growing offsets until a search breaks."""
    segment = next((root / "index").glob("*.seg"))
    original = segment.read_bytes()
    for step in range(1, 20):
        data = bytearray(original)
        start = len(data) * step // 20
        data[start:start + 4096] = b"\xff" * min(4096, len(data) - start)
        segment.write_bytes(bytes(data))
        for word in WORDS:
            code, _, err = _run(capsys, "search", word, "--library", str(root))
            if code:
                return err
    raise AssertionError("no corruption broke a search")


def test_search_on_a_damaged_index_is_one_line_and_check_repairs_it(root, capsys):
    err = _corrupt_until_searches_fail(root, capsys)
    assert err.count("\n") == 1 and "search index" in err and "check --repair" in err
    assert "Traceback" not in err
    code, out, _ = _run(capsys, "check", "--library", str(root))
    assert code == 1 and "index: DAMAGED" in out and "index damage:" in out
    code, out, _ = _run(capsys, "check", "--repair", "--library", str(root))
    assert code == 0 and "store and index agree" in out
    assert verify(root / "index").ok
    for word in WORDS:
        assert _run(capsys, "search", word, "--library", str(root))[0] == 0


@pytest.mark.parametrize("kind", ["file", "symlink", "garbage"])
def test_repair_rebuilds_whatever_it_finds(root, tmp_path, capsys, kind):
    index = root / "index"
    shutil.rmtree(index)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "thesis.tex").write_text("mine")
    if kind == "file":
        index.write_text("a file where the index should be")
    elif kind == "symlink":
        index.symlink_to(elsewhere, target_is_directory=True)
    else:
        index.mkdir()
        (index / "readq-index-version").write_text("1\n")
        (index / "_MAIN_7.toc").write_bytes(b"\x00garbage" * 50)
        (index / "MAIN_abc.seg").write_bytes(b"\xffjunk" * 50)
    code, out, err = _run(capsys, "check", "--repair", "--library", str(root))
    assert code == 0 and "store and index agree" in out, err
    assert index.is_dir() and not index.is_symlink() and verify(index).ok
    assert (elsewhere / "thesis.tex").read_text() == "mine"  # a link's target is untouched
    if kind == "file":  # set aside, never deleted
        aside = [p for p in root.iterdir() if p.name.startswith("index.moved-aside-")]
        assert aside and aside[0].read_text() == "a file where the index should be"
    assert _run(capsys, "search", "embodied", "--library", str(root))[1].strip() != "no papers"


def test_a_users_own_index_folder_is_refused_and_never_deleted(tmp_path, capsys):
    root = tmp_path / "papers"
    (root / "index").mkdir(parents=True)
    own = root / "index" / "chapter1.md"
    own.write_text("my own index of chapters")
    dump = all_dumps(tmp_path / "d", (PROFILE,))[0]
    for command in (["import", str(dump)], ["check", "--repair"], ["search", "agents"]):
        code, _, err = _run(capsys, *command, "--library", str(root))
        assert code == 1 and err.count("\n") == 1 and "did not create" in err, err
    assert own.read_text() == "my own index of chapters"
    assert sorted(p.name for p in (root / "index").iterdir()) == ["chapter1.md"]
    with Library(root) as lib:
        assert lib.stats()["papers"] == 0  # the refused import stored nothing
        with pytest.raises(IndexFolderRefused):
            lib.rebuild_index()
    assert own.exists()


def test_the_index_folder_is_marked_as_readq_s(tmp_path):
    with Library(tmp_path / "lib") as lib:
        lib.sync_index()
        assert (lib.index_dir / "readq-index-version").exists()
        assert verify(lib.index_dir).ok
