"""Imports are named after what they hold, and can be renamed."""

from __future__ import annotations

import pytest

from readq.import_names import import_name, profile_author, trending_date
from readq.library import Library, LibraryError
from tests.helpers import FIXTURES, TRENDING, all_dumps


def test_fixture_imports_are_named_after_their_content(tmp_path) -> None:
    with Library(tmp_path / "lib") as lib:
        lib.import_paths(all_dumps(tmp_path / "d"))
        names = {i["file"][:3]: i["name"] for i in lib.imports()}
        assert names == {"000": "Sainbayar Sukhbaatar", "001": "arXiv listing",
                         "002": "Trending Mar 11", "003": "Roberta Raileanu"}
        pasted = lib.import_text((FIXTURES / TRENDING).read_text(encoding="utf-8"),
                                 name="clipboard")
        assert pasted.import_id is not None  # new sightings (another source name)
        assert lib.imports()[0]["name"] == "Trending Mar 11"  # pasted text is named too
        first = lib.imports()[-1]["id"]
        assert lib.rename_import(first, "  Sukhbaatar\n 2023 ") == "Sukhbaatar 2023"
        assert lib.imports()[-1]["name"] == "Sukhbaatar 2023"
        with pytest.raises(LibraryError):
            lib.rename_import(first, "   ")


def test_naming_rules() -> None:
    assert profile_author([["A", "B"], ["A"], ["C", "A"], ["D"]]) == "A"
    assert profile_author([["A"], ["B"], ["C"], ["D"]]) is None
    assert trending_date("new\n\nSubscribe\n\nMar 11\n\nTitle") == "Mar 11"
    assert import_name("trending", [], "no date here") == "Trending"
    assert import_name("compact", [["X"], ["Y"]]) == "Author profile"


def test_samples_icon_and_desktop_file_are_package_data() -> None:
    import importlib.resources

    root = importlib.resources.files("readq").joinpath("resources")
    samples = {p.name: p.read_bytes() for p in root.joinpath("samples").iterdir()
               if p.name.endswith(".txt")}
    # the shipped samples are the seed fixtures under names a user can read
    assert sorted(samples.values()) == sorted(
        p.read_bytes() for p in FIXTURES.iterdir() if p.name[:3] in ("000", "001", "002", "003"))
    assert sorted(samples) == ["arxiv-listing.txt", "author-profile-compact-raileanu.txt",
                               "author-profile-sukhbaatar.txt", "trending-mar-11.txt"]
    assert root.joinpath("icons", "readq.svg").is_file()
    assert "Exec=readq" in root.joinpath("readq.desktop").read_text(encoding="utf-8")
