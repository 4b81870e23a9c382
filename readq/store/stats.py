"""The figures of the Statistics page and ``readq stats``, as SQL over the store.

Each figure is one function taking a SQLite connection (no Qt) and returning
plain data (dicts, lists, numbers) ready for JSON. Weeks start on Monday and
are counted in UTC. Times of reading, queueing and dismissing come from
``state_history``, which the store's triggers fill from the moment the library
was upgraded (``history_since``); a paper read before then is counted as read
"before the history began", never given an invented date.

Every bar or point of a figure names a *selection* (``"added:2026-11-23"``,
``"stars:4"``…); :func:`selection_where` turns one into a SQL condition on
``papers p JOIN user_state s`` so the app can list exactly those papers.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_left
from datetime import date, datetime, timedelta, timezone
from typing import Any

from readq.stats_rules import MOST_WEEKS, weeks_to_show

DEFAULT_WEEKS = MOST_WEEKS
TOP = 10
# wait buckets: (key, label, upper bound in days — exclusive)
BUCKETS: tuple[tuple[str, str, float], ...] = (
    ("day", "< 1 day", 1),
    ("week", "1–7 days", 7),
    ("month", "1–4 weeks", 28),
    ("quarter", "1–3 months", 91),
    ("year", "3–12 months", 365),
    ("older", "> 1 year", float("inf")),
)
# the latest reading / dismissal / queueing of the paper of ``s`` (``paper_clock``, kept
# by triggers from the history; NULL: none since the history began)
LAST_READ = "(SELECT read_at FROM paper_clock WHERE paper_id = s.paper_id)"
LAST_DISMISSED = "(SELECT dismissed_at FROM paper_clock WHERE paper_id = s.paper_id)"
LAST_QUEUED = "(SELECT queued_at FROM paper_clock WHERE paper_id = s.paper_id)"
# when a paper that is out of the inbox now left it (NULL: before the history began)
LEFT_INBOX = ("(SELECT NULLIF(MAX(COALESCE(read_at, ''), COALESCE(dismissed_at, '')), '') "
              "FROM paper_clock WHERE paper_id = s.paper_id)")
IN_INBOX = "s.status = 'unread' AND s.dismissed = 0"


class SelectionError(ValueError):
    """A selection key this module does not know."""


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(timezone.utc)


def iso(moment: datetime | date) -> str:
    """A time as stored (``YYYY-MM-DDTHH:MM:SS+00:00``), or a date at midnight UTC."""
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day, tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def week_range(week: str) -> tuple[str, str]:
    """Stored-time bounds ``[start, end)`` of the week starting on ``week`` (a Monday)."""
    start = date.fromisoformat(week)
    return iso(start), iso(start + timedelta(days=7))


def history_since(conn: sqlite3.Connection) -> str | None:
    """When the state history began (the upgrade or the library's creation)."""
    row = conn.execute("SELECT value FROM settings WHERE key = 'history_since'").fetchone()
    return None if row is None else str(row[0])


def _weeks(now: datetime, count: int) -> list[date]:
    last = week_start(now.date())
    return [last - timedelta(weeks=n) for n in range(count - 1, -1, -1)]


# --- figures ------------------------------------------------------------------------------

def totals(conn: sqlite3.Connection) -> dict[str, int]:
    """Counts of the whole library by state (each from an index)."""
    one = lambda sql: int(conn.execute(sql).fetchone()[0])  # noqa: E731
    return {
        "papers": one("SELECT COUNT(*) FROM paper_clock"),
        "inbox": one(f"SELECT COUNT(*) FROM user_state s WHERE {IN_INBOX}"),
        "read": one("SELECT COUNT(*) FROM user_state WHERE status = 'read'"),
        "queued": one("SELECT COUNT(*) FROM user_state WHERE queue_position IS NOT NULL"),
        "dismissed": one("SELECT COUNT(*) FROM user_state INDEXED BY user_state_status "
                         "WHERE status IN ('read', 'unread') AND dismissed = 1"),
        "rated": one("SELECT COUNT(*) FROM user_state WHERE rating > 0"),
    }


def _per_day(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> list[tuple[str, int]]:
    """``(day, count)`` rows of a query grouping papers by a day (``YYYY-MM-DD``)."""
    return [(str(r[0]), int(r[1])) for r in conn.execute(sql, params) if r[0]]


def _week_of(stamp: str, cache: dict[str, str]) -> str:
    day = stamp[:10]
    week = cache.get(day)
    if week is None:
        week = cache[day] = week_start(date.fromisoformat(day)).isoformat()
    return week


def backlog(conn: sqlite3.Connection, now: datetime, weeks: int = DEFAULT_WEEKS
            ) -> list[dict[str, Any]]:
    """Per week: papers added, papers read (their latest reading), and the inbox size at
    the week's end (None for weeks before the history began: not known).

    The inbox is counted back from today: a week's end had today's inbox, minus the
    papers added since, plus those that left it since (read or dismissed, by their
    latest such event). A paper that left and came back counts as never having left."""
    days = _weeks(now, weeks)
    first = iso(days[0])
    added = {}
    for day in days:  # index range counts: no row of ``papers`` is read
        start, end = week_range(day.isoformat())
        added[day.isoformat()] = int(conn.execute(
            "SELECT COUNT(*) FROM papers WHERE added_at >= ? AND added_at < ?",
            (start, end)).fetchone()[0])
    cache: dict[str, str] = {}
    read: dict[str, int] = {}
    for day, count in _per_day(  # each paper read now, in the day of its latest reading
            conn, "SELECT substr(c.read_at, 1, 10) AS d, COUNT(*) FROM paper_clock c "
            "INDEXED BY paper_clock_read JOIN user_state s ON s.paper_id = c.paper_id "
            "WHERE c.read_at >= ? AND s.status = 'read' GROUP BY d", (first,)):
        week = _week_of(day, cache)
        read[week] = read.get(week, 0) + count
    left_after: dict[str, int] = {}
    for day, count in _per_day(  # each paper out of the inbox, in the day it last left
            conn, "SELECT substr(MAX(COALESCE(c.read_at, ''), COALESCE(c.dismissed_at, '')), "
            "1, 10) AS d, COUNT(*) FROM paper_clock c JOIN user_state s "
            f"ON s.paper_id = c.paper_id WHERE (c.read_at >= ? OR c.dismissed_at >= ?) "
            f"AND NOT ({IN_INBOX}) GROUP BY d", (first, first)):
        week = _week_of(day, cache)
        left_after[week] = left_after.get(week, 0) + count
    inbox_now = int(conn.execute(f"SELECT COUNT(*) FROM user_state s WHERE {IN_INBOX}")
                    .fetchone()[0])
    since = history_since(conn)
    since_week = week_start(datetime.fromisoformat(since).date()) if since else None
    rows: list[dict[str, Any]] = []
    inbox = inbox_now
    for day in reversed(days):
        key = day.isoformat()
        known = since_week is not None and day >= since_week
        rows.append({"week": key, "added": added.get(key, 0), "read": read.get(key, 0),
                     "inbox": inbox if known else None})
        inbox = inbox - added.get(key, 0) + left_after.get(key, 0)
    rows.reverse()
    return rows


def reading_rate(conn: sqlite3.Connection, now: datetime, backlog_rows: list[dict[str, Any]]
                 ) -> dict[str, Any]:
    """Papers read per week, the average of the last 4 weeks (28 days), and how many read
    papers were read before the history began."""
    recent = int(conn.execute(
        f"SELECT COUNT(*) FROM user_state s WHERE s.status = 'read' AND {LAST_READ} >= ?",
        (iso(now - timedelta(days=28)),)).fetchone()[0])
    undated = int(conn.execute(
        "SELECT COUNT(*) FROM user_state s WHERE s.status = 'read' AND NOT EXISTS "
        "(SELECT 1 FROM state_history h WHERE h.paper_id = s.paper_id AND h.event = 'read')"
    ).fetchone()[0])
    return {"weeks": [{"week": r["week"], "read": r["read"]} for r in backlog_rows],
            "last_4_weeks_average": round(recent / 4, 2), "read_before_history": undated}


def _days_between(later: str, earlier: str) -> str:
    return f"(julianday(substr({later}, 1, 19)) - julianday(substr({earlier}, 1, 19)))"


# the papers behind the waiting figure's bars: (which papers, days waited); ``?`` is now
WAIT_EXPRESSIONS = {
    # how long papers in the inbox have waited so far (since they were added)
    "inbox": (IN_INBOX, _days_between("?", "p.added_at")),
    # how long queued papers have been in the queue (unknown: queued before the history)
    "queue": ("s.queue_position IS NOT NULL", _days_between("?", LAST_QUEUED)),
    # how long read papers waited from being added to being read
    "read": ("s.status = 'read'", _days_between(LAST_READ, "p.added_at")),
    # how long dismissed papers waited from being added to being dismissed
    "dismissed": ("s.dismissed = 1", _days_between(LAST_DISMISSED, "p.added_at")),
}


def _summary(values: list[float], unknown: int) -> dict[str, Any]:
    values.sort()
    edges = [0] + [bisect_left(values, bound) for _, _, bound in BUCKETS[:-1]] + [len(values)]
    return {"buckets": [{"bucket": key, "label": label, "papers": edges[i + 1] - edges[i]}
                        for i, (key, label, _) in enumerate(BUCKETS)],
            "unknown": unknown,
            "median_days": round(max(0.0, values[len(values) // 2]), 1) if values else None}


def ages(conn: sqlite3.Connection, now: datetime) -> dict[str, Any]:
    """How long the papers in the inbox and in the queue now have waited so far: counts
    per bucket (``unknown``: queued before the history began) and the median."""
    result: dict[str, Any] = {}
    # the inbox: bucket bounds as times, compared with added_at (no date arithmetic,
    # no rows brought into Python)
    bounds = [iso(now - timedelta(days=b[2])) for b in BUCKETS[:-1]]
    sums = ", ".join("COALESCE(SUM(c.added_at > ?), 0)" for _ in bounds)
    row = conn.execute(f"SELECT COUNT(*), {sums} FROM user_state s JOIN paper_clock c "
                       f"ON c.paper_id = s.paper_id WHERE {IN_INBOX}", bounds).fetchone()
    total, newer = int(row[0]), [int(v) for v in row[1:]]
    counts = [newer[0]] + [newer[i] - newer[i - 1] for i in range(1, len(newer))]
    counts.append(total - newer[-1])
    median = None
    if total:  # walk the added_at index, within the bucket that holds the middle paper
        seen, bucket = 0, 0
        while seen + counts[bucket] <= total // 2:
            seen += counts[bucket]
            bucket += 1
        upper = iso(now + timedelta(days=1)) if bucket == 0 else bounds[bucket - 1]
        lower = bounds[bucket] if bucket < len(bounds) else ""
        middle = conn.execute(
            "SELECT c.added_at FROM paper_clock c INDEXED BY paper_clock_added "
            f"JOIN user_state s ON s.paper_id = c.paper_id WHERE {IN_INBOX} "
            "AND c.added_at > ? AND c.added_at <= ? ORDER BY c.added_at DESC "
            "LIMIT 1 OFFSET ?", (lower, upper, total // 2 - seen)).fetchone()[0]
        median = round(max(0.0, (now - datetime.fromisoformat(middle)).total_seconds()
                           / 86400), 1)
    result["inbox"] = {"buckets": [{"bucket": key, "label": label, "papers": n}
                                   for (key, label, _), n in zip(BUCKETS, counts)],
                       "unknown": 0, "median_days": median}
    # the queue (short): since each paper's latest queueing
    queued = conn.execute(
        f"SELECT {_days_between('?', 'c.queued_at')} FROM user_state s "
        "JOIN paper_clock c ON c.paper_id = s.paper_id "
        "WHERE s.queue_position IS NOT NULL", (iso(now),)).fetchall()
    known = [max(0.0, r[0]) for r in queued if r[0] is not None]
    result["queue"] = _summary(known, len(queued) - len(known))
    return result


def waits(conn: sqlite3.Connection) -> dict[str, Any]:
    """How long read and dismissed papers waited, from being added to their latest
    reading / dismissal: counts per bucket (``unknown``: before the history) and median."""
    result: dict[str, Any] = {}
    for kind, where, column in (("read", "s.status = 'read'", "c.read_at"),
                                ("dismissed", "s.dismissed = 1", "c.dismissed_at")):
        cursor = conn.cursor()
        cursor.row_factory = None  # plain tuples: thousands of rows
        rows = cursor.execute(
            f"SELECT {_days_between(column, 'c.added_at')} FROM user_state s "
            f"JOIN paper_clock c ON c.paper_id = s.paper_id WHERE {where}").fetchall()
        known = [max(0.0, r[0]) for r in rows if r[0] is not None]
        result[kind] = _summary(known, len(rows) - len(known))
    return result


def waiting(conn: sqlite3.Connection, now: datetime) -> dict[str, Any]:
    """The waiting figure: :func:`ages` (inbox, queue) and :func:`waits` (read, dismissed)."""
    return {**ages(conn, now), **waits(conn)}


def ratings(conn: sqlite3.Connection) -> dict[str, Any]:
    """How many papers have each number of stars, and average stars by category."""
    counts = dict(conn.execute(
        "SELECT rating, COUNT(*) FROM user_state GROUP BY rating").fetchall())
    by_category = [
        {"category": r[0], "rated": int(r[1]), "average": round(float(r[2]), 2)}
        for r in conn.execute(
            "SELECT COALESCE(p.category, '?'), COUNT(*), AVG(s.rating) "
            "FROM user_state s INDEXED BY user_state_rating "
            "JOIN paper_clock p ON p.paper_id = s.paper_id "
            "WHERE s.rating > 0 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?", (TOP,))]
    return {"distribution": [{"stars": n, "papers": int(counts.get(n, 0))} for n in range(1, 6)],
            "unrated": int(counts.get(0, 0)), "by_category": by_category}


def top(conn: sqlite3.Connection, limit: int = TOP) -> dict[str, list[dict[str, Any]]]:
    """The categories, organisations and authors with the most papers, and the share of
    their papers read. Counts come from indexes; read counts are taken from whichever is
    smaller: the winners' papers or the papers read."""
    def shaped(rows: list[tuple[str, int]], read: dict[str, int]) -> list[dict[str, Any]]:
        return [{"name": name, "papers": papers, "read": read.get(name, 0),
                 "share_read": round(read.get(name, 0) / papers, 3) if papers else 0.0}
                for name, papers in rows]

    read_total = int(conn.execute("SELECT COUNT(*) FROM user_state WHERE status = 'read'")
                     .fetchone()[0])
    result: dict[str, list[dict[str, Any]]] = {}
    rows = [(str(r[0]), int(r[1])) for r in conn.execute(
        "SELECT category, COUNT(*) FROM papers WHERE category IS NOT NULL "
        "GROUP BY category ORDER BY 2 DESC, 1 LIMIT ?", (limit,))]
    names = [name for name, _ in rows]
    marks = ", ".join("?" * len(names))
    read = dict(conn.execute(
        "SELECT c.category, COUNT(*) FROM user_state s INDEXED BY user_state_status "
        "JOIN paper_clock c ON c.paper_id = s.paper_id WHERE s.status = 'read' "
        f"AND c.category IN ({marks}) GROUP BY c.category", names).fetchall()) if names else {}
    result["categories"] = shaped(rows, read)
    for kind, key in (("org", "orgs"), ("author", "authors")):
        rows = [(str(r[0]), int(r[1])) for r in conn.execute(  # counts kept by triggers
            "SELECT name, papers FROM name_counts WHERE kind = ? "
            "ORDER BY papers DESC, name LIMIT ?", (kind, limit))]
        names = [name for name, _ in rows]
        marks = ", ".join("?" * len(names))
        if not names:
            read = {}
        elif sum(n for _, n in rows) <= read_total:  # a few papers each (authors)
            read = dict(conn.execute(
                "SELECT n.name, COUNT(*) FROM paper_names n JOIN user_state s "
                "ON s.paper_id = n.paper_id WHERE n.kind = ? AND s.status = 'read' "
                f"AND n.name IN ({marks}) GROUP BY n.name", (kind, *names)).fetchall())
        else:  # names on many papers (organisations): start from the papers read
            read = dict(conn.execute(
                "SELECT n.name, COUNT(*) FROM user_state s INDEXED BY user_state_status "
                "JOIN paper_names n INDEXED BY paper_names_paper ON n.paper_id = s.paper_id "
                f"WHERE s.status = 'read' AND n.kind = ? AND n.name IN ({marks}) "
                "GROUP BY n.name", (kind, *names)).fetchall())
        result[key] = shaped(rows, read)
    return result


def imports(conn: sqlite3.Connection, limit: int = 30) -> list[dict[str, Any]]:
    """The latest imports (one per file), oldest first: its name (as the sidebar shows
    it), records, new and merged papers."""
    rows = conn.execute(
        "SELECT id, file, name, format, imported_at, records, new, merged, unchanged, "
        "possible_duplicates FROM imports ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    return [dict(r) if isinstance(r, sqlite3.Row) else dict(zip(
        ("id", "file", "name", "format", "imported_at", "records", "new", "merged",
         "unchanged", "possible_duplicates"), r)) for r in reversed(rows)]


def triage(conn: sqlite3.Connection, limit: int = 30) -> dict[str, Any]:
    """The latest triage sessions, oldest first: decisions (undone ones taken back),
    papers decided, minutes from start to last decision, papers per minute."""
    rows = conn.execute(
        "SELECT t.id, t.started_at, t.label, t.papers, "
        "SUM(l.decision != 'undo') - SUM(l.decision = 'undo'), "
        "COUNT(DISTINCT CASE WHEN l.decision != 'undo' THEN l.paper_id END), MAX(l.at) "
        "FROM triage_sessions t JOIN triage_log l ON l.session_id = t.id "
        "GROUP BY t.id ORDER BY t.id DESC LIMIT ?", (limit,)).fetchall()
    sessions = []
    for sid, started, label, size, decisions, papers, last in reversed(rows):
        seconds = (datetime.fromisoformat(last) - datetime.fromisoformat(started)).total_seconds()
        minutes = max(seconds, 1.0) / 60
        decisions = max(0, int(decisions or 0))
        sessions.append({"id": int(sid), "started_at": started, "label": label,
                         "papers_in_pass": int(size), "decisions": decisions,
                         "papers_decided": int(papers), "minutes": round(minutes, 2),
                         "papers_per_minute": round(decisions / minutes, 2)})
    total_minutes = sum(s["minutes"] for s in sessions)
    total = sum(s["decisions"] for s in sessions)
    count = conn.execute("SELECT COUNT(DISTINCT session_id) FROM triage_log").fetchone()[0]
    return {"sessions": sessions, "sessions_total": int(count),
            "papers_per_minute": round(total / total_minutes, 2) if total_minutes else None}


def first_added(conn: sqlite3.Connection) -> date | None:
    """The day the library's first paper came in (None for an empty library)."""
    row = conn.execute("SELECT MIN(added_at) FROM papers").fetchone()
    return date.fromisoformat(str(row[0])[:10]) if row and row[0] else None


def figures(conn: sqlite3.Connection, now: datetime | None = None,
            weeks: int | None = None) -> dict[str, Any]:
    """Every figure of the Statistics page; the week axes span ``weeks``, by default
    the library's own history (:func:`readq.stats_rules.weeks_to_show`)."""
    now = now or utc_now()
    if weeks is None:
        weeks = weeks_to_show(first_added(conn), now.date())
    rows = backlog(conn, now, weeks)
    return {
        "generated_at": iso(now),
        "history_since": history_since(conn),
        "totals": totals(conn),
        "backlog": rows,
        "reading_rate": reading_rate(conn, now, rows),
        "waiting": waiting(conn, now),
        "ratings": ratings(conn),
        "top": top(conn),
        "imports": imports(conn),
        "triage": triage(conn),
    }


# --- selections: the papers behind a bar ----------------------------------------------------

def selection_where(key: str, now: datetime | None = None) -> tuple[str, tuple[Any, ...]]:
    """SQL (over ``papers p JOIN user_state s``) for the papers behind one bar or point."""
    kind, _, arg = key.partition(":")
    if kind == "added":
        return "p.added_at >= ? AND p.added_at < ?", week_range(_monday(arg))
    if kind == "read":
        return f"s.status = 'read' AND {LAST_READ} >= ? AND {LAST_READ} < ?", \
            week_range(_monday(arg))
    if kind == "inbox":
        end = week_range(_monday(arg))[1]
        return (f"p.added_at < ? AND (({IN_INBOX}) OR {LEFT_INBOX} >= ?)", (end, end))
    if kind == "stars":
        return "s.rating = ?", (_int(arg, 0, 5),)
    if kind == "rated-category":
        return "COALESCE(p.category, '?') = ? AND s.rating > 0", (arg,)
    if kind == "category":
        return "p.category = ?", (arg,)
    if kind in ("org", "author"):
        return ("p.id IN (SELECT paper_id FROM paper_names WHERE kind = ? AND name = ?)",
                (kind, arg))
    if kind == "import":
        return "p.id IN (SELECT paper_id FROM sightings WHERE import_id = ?)", (_int(arg, 0),)
    if kind == "triage":
        return ("p.id IN (SELECT paper_id FROM triage_log WHERE session_id = ? "
                "AND decision != 'undo')", (_int(arg, 0),))
    if kind == "wait":
        which, _, bucket = arg.partition(":")
        if which not in WAIT_EXPRESSIONS:
            raise SelectionError(f"unknown selection {key!r}")
        where, expression = WAIT_EXPRESSIONS[which]
        params: tuple[Any, ...] = (iso(now or utc_now()),) if which in ("inbox", "queue") else ()
        bounds = {b[0]: (lower, b[2]) for b, lower in
                  zip(BUCKETS, [0.0] + [b[2] for b in BUCKETS[:-1]])}
        if bucket == "unknown":
            return f"{where} AND {expression} IS NULL", params
        if bucket not in bounds:
            raise SelectionError(f"unknown selection {key!r}")
        lower, upper = bounds[bucket]
        days = f"MAX(0, {expression})"
        sql = f"{where} AND {expression} IS NOT NULL AND {days} >= ?"
        if upper == float("inf"):
            return sql, (*params, *params, lower)
        return f"{sql} AND {days} < ?", (*params, *params, lower, *params, upper)
    raise SelectionError(f"unknown selection {key!r}")


def _monday(text: str) -> str:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise SelectionError(f"not a week: {text!r}") from None
    return week_start(day).isoformat()


def _int(text: str, low: int, high: int | None = None) -> int:
    try:
        value = int(text)
    except ValueError:
        raise SelectionError(f"not a number: {text!r}") from None
    if value < low or (high is not None and value > high):
        raise SelectionError(f"out of range: {value}")
    return value


# --- the triage log -------------------------------------------------------------------------

TRIAGE_DECISIONS = ("queue", "rate", "read", "dismiss", "skip", "not_this", "undo")


def start_triage_session(conn: sqlite3.Connection, label: str, papers: int) -> int:
    """Open a triage session in the log; return its id."""
    cur = conn.execute("INSERT INTO triage_sessions (started_at, label, papers) VALUES (?, ?, ?)",
                       (iso(utc_now()), label, int(papers)))
    return int(cur.lastrowid)


def log_triage_decision(conn: sqlite3.Connection, session_id: int, paper_id: int | None,
                        decision: str) -> None:
    """Append one decision (or ``undo``) to a triage session's log."""
    if decision not in TRIAGE_DECISIONS:
        raise ValueError(decision)
    conn.execute("INSERT INTO triage_log (session_id, paper_id, decision, at) VALUES (?, ?, ?, ?)",
                 (session_id, paper_id, decision, iso(utc_now())))
