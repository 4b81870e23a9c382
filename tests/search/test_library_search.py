"""Library search: state filters and views rank in one pass, counts, tag: filters."""

from __future__ import annotations

import pytest

from readq.library import Library
from readq.search.query import QueryError, parse_query
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


def _sql_ids(library: Library, where: str) -> set[int]:
    return set(library.store.column(
        f"SELECT p.id FROM papers p JOIN user_state s ON s.paper_id = p.id WHERE {where}"))


@pytest.mark.parametrize("query, where, excluded", [
    ("learning status:unread", "s.status = 'unread'", True),   # most papers: the complement
    ("learning status:read", "s.status = 'read'", False),       # a few: the ids themselves
    ("learning rating:>=4", "s.rating >= 4", False),
    ("learning -rating:>=4", "NOT (s.rating >= 4)", True),
    ("model status:unread code:yes", "s.status = 'unread' AND p.has_code = 1", None),
])
def test_filtered_search_is_the_unfiltered_search_within_the_sql_set(
        seeded: Library, query: str, where: str, excluded: bool | None) -> None:
    word = query.split()[0]
    ranked = seeded.search(word, limit=None)
    seeded.set_status(ranked[::3], "read")
    seeded.set_rating(ranked[1::5], 4)
    try:
        allowed = _sql_ids(seeded, where)
        assert 0 < len(allowed) < seeded.paper_count()
        id_set = seeded._allowed_ids("all", parse_query(query).conditions)
        if excluded is not None:
            assert id_set.excluded is excluded
        filtered, total = seeded.search_counted(query, limit=None)
        assert filtered == [i for i in ranked if i in allowed]
        assert total == len(filtered) > 0
        top, count = seeded.search_counted(query, limit=4)
        assert (top, count) == (filtered[:4], total)
        in_inbox = seeded.search(word + " " + " ".join(query.split()[1:]), limit=None,
                                 view="inbox")
        inbox = _sql_ids(seeded, "s.status = 'unread' AND s.dismissed = 0")
        assert in_inbox == [i for i in filtered if i in inbox]
    finally:
        seeded.set_status(ranked[::3], "unread")
        seeded.set_rating(ranked[1::5], 0)


def test_complement_follows_a_change_that_flips_the_smaller_side(seeded: Library) -> None:
    ranked = seeded.search("learning", limit=None)
    every = seeded.store.all_ids()
    assert seeded._allowed_ids("all", parse_query("x status:unread").conditions).excluded
    seeded.set_status(every, "read")  # now almost nothing is unread
    seeded.set_status(ranked[:3], "unread")
    try:
        assert seeded.search("learning status:unread", limit=None) == ranked[:3]
        assert seeded.search("learning status:unread", limit=None) == ranked[:3]  # cached
        seeded.set_rating(ranked[:1], 1)  # the next read takes the smaller side again
        assert not seeded._allowed_ids("all", parse_query("x status:unread").conditions).excluded
        assert seeded.search("learning status:unread", limit=None) == ranked[:3]
        seeded.set_rating(ranked[:1], 0)
    finally:
        seeded.set_status(every, "unread")
    assert seeded.search("learning status:unread", limit=None) == ranked


def test_state_only_conditions_skip_the_papers_table() -> None:
    from readq.store.id_sets import state_only

    assert state_only("s.status = 'unread'") == "s.status = 'unread'"
    assert state_only("p.id IN (SELECT paper_id FROM paper_tags WHERE tag = ?)") == \
        "s.paper_id IN (SELECT paper_id FROM paper_tags WHERE tag = ?)"
    assert state_only("s.rating > 0 AND p.has_code = 1") is None
    assert state_only("p.added_at >= ?") is None
