"""Export papers as JSON (the §6 contract), BibTeX, Markdown or CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from readq.bibtex import to_bibtex

FORMATS = ("json", "bibtex", "markdown", "csv")


def to_json(rows: list[dict[str, Any]]) -> str:
    """A JSON list, one object per paper, keys exactly as DESIGN.md §6."""
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


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
