"""Library search: state filters and views rank in one pass, counts, tag: filters."""

from __future__ import annotations

import pytest

from readq.library import Library
from readq.search.query import QueryError
from readq.store.database import now_iso
from tests.helpers import all_dumps

TAGS_TABLE = ("CREATE TABLE IF NOT EXISTS paper_tags (paper_id INTEGER NOT NULL REFERENCES "
              "papers(id) ON DELETE CASCADE, tag TEXT NOT NULL, added_at TEXT NOT NULL, "
              "PRIMARY KEY (paper_id, tag))")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    root = tmp_path_factory.mktemp("search-lib")
    with Library(root / "lib") as library:
        library.import_paths(all_dumps(root / "dumps"))
        library.sync_index()
        yield library


def test_state_filter_keeps_the_text_ranking(seeded: Library) -> None:
    ranked, total = seeded.search_counted("learning", limit=None)
    assert total == len(ranked) > 20
    rated = ranked[1::4]
    seeded.set_rating(rated, 4)
    try:
        filtered, count = seeded.search_counted("learning rating:>=4", limit=None)
        assert filtered == [i for i in ranked if i in set(rated)]
        assert count == len(rated)
        top, count = seeded.search_counted("learning rating:>=4", limit=3)
        assert top == filtered[:3] and count == len(rated)
        unrated = seeded.search("learning -rating:>=4", limit=None)
        assert unrated == [i for i in ranked if i not in set(rated)]
    finally:
        seeded.set_rating(rated, 0)


def test_view_restricts_the_ranking(seeded: Library) -> None:
    ranked = seeded.search("learning", limit=None)
    seeded.set_status(ranked[:5], "read")
    try:
        assert seeded.search("learning", limit=None, view="read") == ranked[:5]
        assert seeded.search_counted("learning", limit=2, view="read") == (ranked[:2], 5)
    finally:
        seeded.set_status(ranked[:5], "unread")


def test_tag_filter(seeded: Library) -> None:
    ranked = seeded.search("learning", limit=None)
    conn = seeded.store.conn
    conn.execute(TAGS_TABLE)
    with conn:
        conn.executemany("INSERT OR IGNORE INTO paper_tags VALUES (?, ?, ?)",
                         [(i, "re-read", now_iso()) for i in ranked[2:6]])
    assert seeded.search("learning tag:Re-Read", limit=None) == ranked[2:6]
    assert seeded.search("tag:re-read", limit=None) == sorted(
        ranked[2:6], key=lambda i: seeded.view_ids("all", sort="added", descending=True).index(i))
    assert seeded.search("learning -tag:re-read", limit=None) == ranked[:2] + ranked[6:]
    assert seeded.search("learning tag:nothing", limit=None) == []


def test_tag_filter_in_a_library_without_tags(tmp_path) -> None:
    with Library(tmp_path / "lib") as library:
        library.import_paths(all_dumps(tmp_path / "dumps")[:1])
        library.sync_index()
        if library.store.one("SELECT 1 FROM sqlite_master WHERE name = 'paper_tags'"):
            assert library.search("learning tag:x") == []  # the schema has tags
        else:
            with pytest.raises(QueryError, match="no tags"):
                library.search("learning tag:x")


def test_allowed_ids_follow_changes_from_any_connection(seeded: Library) -> None:
    ranked = seeded.search("learning", limit=None)
    assert seeded.search("learning rating:5", limit=None) == []
    seeded.set_rating(ranked[:2], 5)  # this connection
    try:
        assert seeded.search("learning rating:5", limit=None) == ranked[:2]
        with Library(seeded.root) as other:  # another connection (another thread)
            other.set_rating(ranked[2:3], 5)
        assert seeded.search("learning rating:5", limit=None) == ranked[:3]
    finally:
        seeded.set_rating(ranked[:3], 0)
