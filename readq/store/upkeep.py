"""Derived values the store keeps, brought up to the current rules after an upgrade.

A paper's ``title_key`` (``readq.text.title_key``) is how an import recognises a
paper it has seen. When the folding behind it changes (readq once left ``ø``,
``æ``, ``ł`` and ``ß`` as they were; they now fold to ``o``, ``ae``, ``l`` and
``ss``), the keys stored by an older readq no longer match what an import
computes, and re-importing such a paper would add it a second time. So the keys
are recomputed once per rule, under the version kept in ``settings``; only
titles with non-ASCII letters can change (ASCII folding never did).
"""

from __future__ import annotations

import sqlite3

from readq.text import title_key

TITLE_KEY_RULE = "2"  # bump when readq.text.title_key/fold change what they give
_SETTING = "title_key_rule"


def refresh_title_keys(conn: sqlite3.Connection) -> int:
    """Recompute stored title keys made under an older rule (one transaction, once);
    return how many changed."""
    found = conn.execute("SELECT value FROM settings WHERE key = ?", (_SETTING,)).fetchone()
    if found is not None and str(found[0]) == TITLE_KEY_RULE:
        return 0
    conn.execute("BEGIN IMMEDIATE")
    try:
        changed = [(key, paper_id) for paper_id, title, old in conn.execute(
                       "SELECT id, title, title_key FROM papers")
                   if title and not title.isascii() and (key := title_key(title)) != old]
        conn.executemany("UPDATE papers SET title_key = ? WHERE id = ?", changed)
        conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                     (_SETTING, TITLE_KEY_RULE))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return len(changed)
