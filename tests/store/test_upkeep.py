"""Title keys stored under an older folding rule are recomputed when the library is
opened, so an import looking the paper up by its title finds it instead of adding it
again."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from readq.library import Library
from readq.text import title_key
from tests.helpers import all_dumps

TITLE = "Straße der Ökonomie: Æsthetic Reinforcement Learning by Søren and Łukasz"


def _old_key(title: str) -> str:
    """What readq stored before ø, æ, ł and ß folded to o, ae, l, ss."""
    folded = re.sub(r"[\u0300-\u036f]", "", unicodedata.normalize("NFKD", title.casefold()))
    return re.sub(r"[\W_]+", " ", folded).strip()


def test_old_title_keys_are_recomputed_when_the_library_is_opened(tmp_path: Path) -> None:
    assert title_key(TITLE) != _old_key(TITLE)  # the rule did change for this title
    with Library(tmp_path / "lib") as lib:
        lib.import_paths(all_dumps(tmp_path / "d"))
        paper, other = lib.view_ids("all", sort="id")[:2]
        other_key = lib.store.one("SELECT title_key FROM papers WHERE id = ?", (other,))
        with lib.store.transaction():  # as an older readq left the library
            lib.store.conn.execute("UPDATE papers SET title = ?, title_key = ? WHERE id = ?",
                                   (TITLE, _old_key(TITLE), paper))
            lib.store.conn.execute("DELETE FROM settings WHERE key = 'title_key_rule'")
        assert lib.store.ids_by_title_key(title_key(TITLE)) == []
    with Library(tmp_path / "lib") as lib:
        assert lib.store.ids_by_title_key(title_key(TITLE)) == [paper]
        assert lib.store.one("SELECT title_key FROM papers WHERE id = ?", (other,)) == other_key
