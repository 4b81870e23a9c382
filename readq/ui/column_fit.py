"""How the paper list shares its width between columns (pure arithmetic, no widgets).

The title takes what the other columns leave and never less than ``TITLE_SHARE`` of
the list; the others get the width their content needs. When that does not fit,
columns with nothing in them are left out for now, then the columns readq sized (not
the user) narrow to a readable floor, then the columns that matter least are left
out too, so the list never scrolls sideways in an everyday window. They come back
when it widens.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TITLE_SHARE = 0.4  # the title's least share of the list's width
TITLE_FLOOR = 160  # …and its least width in pixels


@dataclass
class ColumnNeed:
    """What one shown non-title column needs."""

    natural: int  # the width that shows its content
    floor: int  # the narrowest it stays readable (≤ natural)
    fixed: bool = False  # the user's width: never narrowed or left out by readq
    droppable: bool = False  # may be left out when there is no room
    empty: bool = False  # nothing in it anywhere in the library


@dataclass
class Fit:
    """The widths to give, the title's, and the columns left out for now."""

    widths: dict[int, int] = field(default_factory=dict)
    title: int = 0
    dropped: list[int] = field(default_factory=list)


def share_width(avail: int, needs: dict[int, ColumnNeed], drop_order: list[int]) -> Fit:
    """Share ``avail`` pixels: ``needs`` by column (title excluded); ``drop_order``
    lists the droppable columns, least wanted first (empty ones go before all)."""
    want_title = max(TITLE_FLOOR, int(avail * TITLE_SHARE))
    widths = {c: n.natural for c, n in needs.items()}

    def short() -> int:
        return sum(widths.values()) + want_title - avail

    dropped: list[int] = []

    def drop(columns: list[int]) -> None:
        for column in columns:
            if short() <= 0:
                return
            if needs[column].droppable and not needs[column].fixed:
                dropped.append(column)
                del widths[column]

    # empty columns go first: they show nothing, the authors show who wrote it
    drop([c for c in drop_order if c in needs and needs[c].empty])
    for column, need in needs.items():  # narrow what readq sized, down to its floor
        if short() <= 0:
            break
        if not need.fixed and column in widths:
            widths[column] = max(need.floor, widths[column] - short())
    drop([c for c in drop_order if c in needs and not needs[c].empty])
    title = max(min(want_title, TITLE_FLOOR), avail - sum(widths.values()))
    return Fit(widths=widths, title=title, dropped=dropped)
