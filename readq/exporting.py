"""Export papers as JSON (the §6 contract), BibTeX, Markdown or CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from typing import Any

from readq.text import fold

FORMATS = ("json", "bibtex", "markdown", "csv")


def to_json(rows: list[dict[str, Any]]) -> str:
    """A JSON list, one object per paper, keys exactly as DESIGN.md §6."""
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


_BIB_SPECIAL = str.maketrans({"{": r"\{", "}": r"\}", "\\": r"\textbackslash{}",
                              "%": r"\%", "&": r"\&", "#": r"\#", "$": r"\$", "_": r"\_"})


def _bib_escape(text: str) -> str:
    return text.translate(_BIB_SPECIAL)


def bibtex_key(row: dict[str, Any], taken: set[str]) -> str:
    """``surnameYEARfirstword``, ASCII, unique within one export."""
    surname = row["authors"][0].split()[-1] if row["authors"] else "anon"
    year = (row["published"] or "")[:4] or "nd"
    first_word = next((w for w in re.findall(r"\w+", fold(row["title"] or ""))
                       if len(w) > 3), "paper")
    base = re.sub(r"[^a-z0-9]", "", fold(surname) + year + first_word) or f"paper{row['id']}"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}{chr(ord('a') + n - 2) if n <= 27 else n}"
    taken.add(key)
    return key


def to_bibtex(rows: list[dict[str, Any]]) -> str:
    """``@misc``/``@article`` entries; arXiv papers carry eprint fields."""
    taken: set[str] = set()
    entries = []
    for row in rows:
        fields: list[tuple[str, str]] = []
        if row["title"]:
            fields.append(("title", "{" + _bib_escape(row["title"]) + "}"))
        if row["authors"]:
            names = " and ".join(_bib_escape(a) for a in row["authors"])
            if row["authors_truncated"]:
                names += " and others"
            fields.append(("author", "{" + names + "}"))
        if row["published"]:
            fields.append(("year", row["published"][:4]))
        if row["arxiv_id"]:
            fields += [("eprint", row["arxiv_id"]), ("archiveprefix", "arXiv"),
                       ("url", f"https://arxiv.org/abs/{row['arxiv_id']}")]
        if row["journal_ref"]:
            fields.append(("journal", "{" + _bib_escape(row["journal_ref"]) + "}"))
        if row["abstract"]:
            fields.append(("abstract", "{" + _bib_escape(row["abstract"]) + "}"))
        if row.get("tags"):
            fields.append(("keywords", "{" + _bib_escape(", ".join(row["tags"])) + "}"))
        kind = "article" if row["journal_ref"] else "misc"
        body = ",\n".join(f"  {name} = {value}" for name, value in fields)
        entries.append(f"@{kind}{{{bibtex_key(row, taken)},\n{body}\n}}\n")
    return "\n".join(entries)


def to_markdown(rows: list[dict[str, Any]]) -> str:
    """A reading list: title, authors, date, stars, link, abstract and note."""
    parts = []
    for row in rows:
        title = row["title"] or f"(untitled) arXiv:{row['arxiv_id']}"
        lines = [f"## {title}", ""]
        meta = []
        if row["authors"]:
            meta.append(", ".join(row["authors"]) + (" et al." if row["authors_truncated"] else ""))
        if row["published"]:
            meta.append(row["published"])
        if row["category"]:
            meta.append(row["category"])
        if row["rating"]:
            meta.append("★" * row["rating"] + "☆" * (5 - row["rating"]))
        meta.append(row["status"])
        if row.get("tags"):
            meta.append(" ".join(f"#{tag}" for tag in row["tags"]))
        lines.append(" · ".join(meta))
        if row["arxiv_id"]:
            lines += ["", f"<https://arxiv.org/abs/{row['arxiv_id']}>"]
        if row["abstract"]:
            lines += ["", "> " + row["abstract"]]
        if row["note"]:
            lines += ["", "**Note**", "", row["note"]]
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)


def to_csv(rows: list[dict[str, Any]]) -> str:
    """One row per paper, every §6 key as a column (lists joined with ``; ``)."""
    out = io.StringIO()
    if not rows:
        return ""
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        flat = dict(row)
        flat["authors"] = "; ".join(row["authors"])
        flat["orgs"] = "; ".join(row["orgs"])
        flat["sources"] = "; ".join(f"{s['file']}#{s['index']}" for s in row["sources"])
        if "tags" in row:
            flat["tags"] = "; ".join(row["tags"])
        writer.writerow(flat)
    return out.getvalue()


EXPORTERS: dict[str, Callable[[list[dict[str, Any]]], str]] = {
    "json": to_json, "bibtex": to_bibtex, "markdown": to_markdown, "csv": to_csv,
}
