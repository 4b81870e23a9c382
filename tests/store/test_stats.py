"""State history (triggers, migration) and the Statistics figures, checked against SQL."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from readq.library import Library, LibraryError
from readq.store import stats
from readq.store.schema import MIGRATIONS, SCHEMA_VERSION, sql_statements
from tests.helpers import all_dumps


@pytest.fixture
def library(tmp_path: Path) -> Library:
    lib = Library(tmp_path / "lib")
    lib.import_paths(all_dumps(tmp_path / "dumps"))
    yield lib
    lib.close()


def events(lib: Library, paper_id: int) -> list[tuple[str, int | None]]:
    return [(r[0], r[1]) for r in lib.store.conn.execute(
        "SELECT event, value FROM state_history WHERE paper_id = ? ORDER BY id", (paper_id,))]


def test_every_state_change_is_recorded_once(library: Library) -> None:
    a, b, c = library.view_ids("all", sort="id")[:3]
    library.set_status([a], "read")
    library.set_status([a], "read")  # no change: no event
    library.set_rating([a], 4)
    library.set_rating([a], 4)
    library.queue_add([b, c])
    library.queue_move(c, 1)  # reordering the queue is not an event
    library.queue_remove([b])
    library.set_dismissed([c])
    library.set_dismissed([c], False)
    library.set_status([a], "unread")
    assert events(library, a) == [("read", None), ("rated", 4), ("unread", None)]
    assert events(library, b) == [("queued", None), ("unqueued", None)]
    assert events(library, c) == [("queued", None), ("dismissed", None), ("undismissed", None)]
    stamp = library.store.one("SELECT at FROM state_history ORDER BY id DESC LIMIT 1")
    moment = datetime.fromisoformat(stamp)
    assert abs((datetime.now(timezone.utc) - moment).total_seconds()) < 60


def test_undo_restores_state_and_the_history_says_so(library: Library) -> None:
    paper = library.view_ids("all", sort="id")[0]
    before = library.snapshot([paper])
    library.set_status([paper], "read")
    library.restore(before)
    assert library.paper(paper)["status"] == "unread"
    assert events(library, paper) == [("read", None), ("unread", None)]
    figures = library.statistics()
    assert figures["totals"]["read"] == 0
    assert sum(w["read"] for w in figures["backlog"]) == 0  # an undone reading is not counted


def test_a_deleted_paper_takes_its_history_along(library: Library) -> None:
    paper = library.view_ids("all", sort="id")[0]
    library.set_status([paper], "read")
    with library.store.transaction():
        library.store.conn.execute("DELETE FROM papers WHERE id = ?", (paper,))
    assert events(library, paper) == []


def test_migration_keeps_existing_data_and_starts_the_history(tmp_path: Path) -> None:
    path = tmp_path / "old" / Library.DB_NAME
    path.parent.mkdir()
    conn = sqlite3.connect(path, isolation_level=None)
    for version in range(2):  # a library written before the history existed
        for statement in sql_statements(MIGRATIONS[version]):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {version + 1}")
    conn.execute("INSERT INTO papers (title, authors, orgs, category, added_at, updated_at) "
                 "VALUES ('Old paper', '[\"Ada Lovelace\"]', '[\"mila\"]', 'LG', "
                 "'2025-01-02T10:00:00+00:00', '2025-01-02T10:00:00+00:00')")
    conn.execute("INSERT INTO user_state (paper_id, status, rating, note, queue_position) "
                 "VALUES (1, 'read', 5, 'kept', 1)")
    conn.close()

    with Library(path.parent) as lib:
        assert lib.store.one("PRAGMA user_version") == SCHEMA_VERSION
        row = lib.paper(1)
        assert (row["title"], row["status"], row["rating"], row["note"],
                row["queue_position"]) == ("Old paper", "read", 5, "kept", 1)
        assert events(lib, 1) == []  # no invented dates for what happened before
        figures = lib.statistics()
        assert figures["history_since"] is not None
        assert figures["reading_rate"]["read_before_history"] == 1
        assert figures["waiting"]["queue"]["unknown"] == 1
        top = figures["top"]
        assert [(r["name"], r["papers"], r["read"]) for r in top["authors"]] == [
            ("Ada Lovelace", 1, 1)]
        assert [(r["name"], r["papers"]) for r in top["orgs"]] == [("mila", 1)]
        assert figures["waiting"]["read"]["unknown"] == 1
        lib.set_rating([1], 3)
        assert events(lib, 1) == [("rated", 3)]
    assert list((path.parent / "backups").glob("*before-upgrade*"))


def test_json_figures_agree_with_sql_counts(library: Library) -> None:
    ids = library.view_ids("all", sort="id")
    library.set_status(ids[:10], "read")
    library.set_rating(ids[:4], 5)
    library.set_rating(ids[4:6], 2)
    library.set_dismissed(ids[20:25])
    library.queue_add(ids[30:33])
    figures = library.statistics()
    one = library.store.one
    assert figures["totals"] == {
        "papers": one("SELECT COUNT(*) FROM papers"),
        "inbox": one("SELECT COUNT(*) FROM user_state WHERE status='unread' AND dismissed=0"),
        "read": 10, "queued": 3, "dismissed": 5, "rated": 6}
    dist = {r["stars"]: r["papers"] for r in figures["ratings"]["distribution"]}
    assert dist == {1: 0, 2: 2, 3: 0, 4: 0, 5: 4}
    assert figures["ratings"]["unrated"] == one("SELECT COUNT(*) FROM user_state WHERE rating=0")
    assert sum(w["added"] for w in figures["backlog"]) == 161
    assert figures["backlog"][-1]["read"] == 10
    assert figures["backlog"][-1]["inbox"] == figures["totals"]["inbox"]
    cats = {r["name"]: r["papers"] for r in figures["top"]["categories"]}
    for name, count in cats.items():
        assert count == one("SELECT COUNT(*) FROM papers WHERE category = ?", (name,))
    org = figures["top"]["orgs"][0]
    assert org["papers"] == one(
        "SELECT COUNT(*) FROM papers p, json_each(p.orgs) j WHERE j.value = ?", (org["name"],))
    assert [i["new"] for i in figures["imports"]] == [
        r[0] for r in library.store.conn.execute("SELECT new FROM imports ORDER BY id")]


def backdate(lib: Library, paper_id: int, when: datetime) -> None:
    lib.store.conn.execute("UPDATE state_history SET at = ? WHERE paper_id = ?",
                           (stats.iso(when), paper_id))


def test_backdated_history_makes_weeks_and_every_bar_lists_its_papers(library: Library) -> None:
    now = datetime.now(timezone.utc)
    ids = library.view_ids("all", sort="id")
    library.store.set_setting("history_since", stats.iso(now - timedelta(weeks=8)))
    added = now - timedelta(weeks=6)
    library.store.conn.execute("UPDATE papers SET added_at = ?", (stats.iso(added),))
    # read over the last weeks, a little before this moment of each week (never across
    # a Monday: just after midnight on a Monday, an hour earlier is last week)
    into_week = now - datetime.combine(stats.week_start(now.date()), datetime.min.time(),
                                       tzinfo=timezone.utc)
    earlier = min(timedelta(hours=1), into_week / 2)
    for n, paper in enumerate(ids[:12]):
        library.set_status([paper], "read")
        backdate(library, paper, now - timedelta(weeks=n % 4) - earlier)
    library.set_dismissed(ids[12:15])
    for paper in ids[12:15]:
        backdate(library, paper, added + timedelta(hours=3))
    library.set_rating([ids[0]], 3)
    session = library.start_triage_log("Inbox", 5)
    for paper in ids[15:20]:
        library.log_triage(session, paper, "skip")
    library.log_triage(session, ids[19], "undo")

    figures = stats.figures(library.store.conn, now, weeks=10)
    weeks = figures["backlog"]
    assert sum(w["read"] for w in weeks) == 12
    assert [w["read"] for w in weeks[-4:]] == [3, 3, 3, 3]
    assert weeks[-1]["inbox"] == 161 - 15
    added_week = stats.week_start(added.date()).isoformat()
    by_week = {w["week"]: w for w in weeks}
    assert by_week[added_week]["added"] == 161
    assert figures["reading_rate"]["last_4_weeks_average"] == pytest.approx(12 / 4, abs=0.76)
    assert figures["waiting"]["dismissed"]["buckets"][0]["papers"] == 3  # within a day
    inbox_age = figures["waiting"]["inbox"]
    assert [b["papers"] for b in inbox_age["buckets"]] == [0, 0, 0, 161 - 15, 0, 0]
    assert inbox_age["median_days"] == pytest.approx(42, abs=0.1)
    assert figures["triage"]["sessions"][0]["decisions"] == 4
    assert figures["triage"]["sessions"][0]["papers_decided"] == 5

    # every bar names the papers behind it
    bars: list[tuple[str, int]] = []
    for w in weeks:
        bars += [(f"added:{w['week']}", w["added"]), (f"read:{w['week']}", w["read"])]
        if w["inbox"] is not None:
            bars.append((f"inbox:{w['week']}", w["inbox"]))
    for kind, figure in figures["waiting"].items():
        bars += [(f"wait:{kind}:{b['bucket']}", b["papers"]) for b in figure["buckets"]]
        bars.append((f"wait:{kind}:unknown", figure["unknown"]))
    bars += [(f"stars:{r['stars']}", r["papers"]) for r in figures["ratings"]["distribution"]]
    bars += [(f"rated-category:{r['category']}", r["rated"])
             for r in figures["ratings"]["by_category"]]
    for key, prefix in (("categories", "category"), ("orgs", "org"), ("authors", "author")):
        bars += [(f"{prefix}:{r['name']}", r["papers"]) for r in figures["top"][key]]
    bars += [(f"import:{i['id']}", i["new"] + i["merged"] + i["possible_duplicates"])
             for i in figures["imports"]]
    bars += [(f"triage:{s['id']}", s["papers_decided"]) for s in figures["triage"]["sessions"]]
    for key, value in bars:
        assert library.view_count(f"stats:{key}") == value, key


def test_unknown_selection_is_a_readable_error(library: Library) -> None:
    with pytest.raises(LibraryError, match="not a week"):
        library.view_ids("stats:added:someday")
    with pytest.raises(LibraryError, match="unknown selection"):
        library.view_ids("stats:nonsense:1")


def test_empty_library_has_figures_of_zeros(tmp_path: Path) -> None:
    with Library(tmp_path / "empty") as lib:
        figures = lib.statistics()
    assert figures["totals"]["papers"] == 0
    assert all(w["added"] == w["read"] == 0 for w in figures["backlog"])
    assert figures["top"] == {"categories": [], "orgs": [], "authors": []}
    assert figures["triage"] == {"sessions": [], "sessions_total": 0, "papers_per_minute": None}


def test_derived_tables_follow_every_change(library: Library) -> None:
    """paper_names, name_counts and paper_clock (kept by triggers) agree with the papers
    and the history after reading, backdating, an author fix and a deletion."""
    conn = library.store.conn
    ids = library.view_ids("all", sort="id")
    library.set_status(ids[:3], "read")
    library.set_dismissed(ids[3:5])
    conn.execute("UPDATE state_history SET at = '2026-01-05T10:00:00+00:00' WHERE paper_id = ?",
                 (ids[0],))
    with library.store.transaction():
        library.store.update_paper(ids[5], {"authors": ["Ada Lovelace", "Ada Lovelace"]},
                                   "2026-02-01T00:00:00+00:00")
        conn.execute("DELETE FROM papers WHERE id = ?", (ids[6],))
        conn.execute("DELETE FROM state_history WHERE paper_id = ?", (ids[1],))

    def rows(sql: str) -> list[tuple]:
        return sorted(tuple(r) for r in conn.execute(sql))

    assert rows("SELECT kind, name, papers FROM name_counts") == rows(
        "SELECT 'author', j.value, COUNT(DISTINCT p.id) FROM papers p, json_each(p.authors) j "
        "GROUP BY j.value UNION ALL SELECT 'org', j.value, COUNT(DISTINCT p.id) "
        "FROM papers p, json_each(p.orgs) j GROUP BY j.value")
    assert rows("SELECT paper_id, added_at, category, read_at, dismissed_at FROM paper_clock") \
        == rows("SELECT p.id, p.added_at, p.category, "
                "(SELECT MAX(at) FROM state_history h WHERE h.paper_id = p.id AND event='read'), "
                "(SELECT MAX(at) FROM state_history h WHERE h.paper_id = p.id "
                "AND event='dismissed') FROM papers p")
    assert library.store.one("SELECT read_at FROM paper_clock WHERE paper_id = ?",
                             (ids[0],)) == "2026-01-05T10:00:00+00:00"


def test_the_week_axes_span_the_librarys_own_history(library: Library) -> None:
    now = stats.utc_now()
    fresh = library.statistics()["backlog"]  # every paper came in today
    assert len(fresh) == 4 and fresh[-1]["added"] == 161
    assert fresh[-1]["week"] == stats.week_start(now.date()).isoformat()
    ten_weeks = stats.figures(library.store.conn, now + timedelta(weeks=10))["backlog"]
    assert len(ten_weeks) == 11 and ten_weeks[0]["added"] == 161
    years = stats.figures(library.store.conn, now + timedelta(weeks=80))["backlog"]
    assert len(years) == 26  # at most half a year
    assert len(library.statistics(weeks=8)["backlog"]) == 8  # asked for: as asked
