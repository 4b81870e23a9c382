"""``readq stats [--json] [--plot FILE.png|FILE.svg]`` as a user runs it."""

from __future__ import annotations

import json
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from tests.helpers import all_dumps, run_cli


run = run_cli  # the shared in-process runner (tests/helpers.py)


@pytest.fixture
def seeded(tmp_path, capsys) -> str:
    lib = str(tmp_path / "lib")
    paths = [str(p) for p in all_dumps(tmp_path / "dumps")]
    assert run(capsys, "import", *paths, "--library", lib)[0] == 0
    for paper, status in (("1", "read"), ("2", "read"), ("3", "read")):
        assert run(capsys, "mark", paper, status, "--library", lib)[0] == 0
    assert run(capsys, "rate", "1", "5", "--library", lib)[0] == 0
    assert run(capsys, "rate", "2", "3", "--library", lib)[0] == 0
    assert run(capsys, "queue", "add", "7", "--library", lib)[0] == 0
    return lib


def sql(lib: str, query: str) -> int:
    conn = sqlite3.connect(Path(lib) / "library.sqlite3")
    try:
        return int(conn.execute(query).fetchone()[0])
    finally:
        conn.close()


def test_text_keeps_the_counts_and_adds_the_figures(seeded, capsys):
    code, out, err = run(capsys, "stats", "--library", seeded)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["papers", "161"]
    assert any(line.split()[:2] == ["read", "3"] for line in lines)
    assert "history since " in out
    assert "reading rate" in out and "top categories: LG 37" in out
    assert "4★ 0, 5★ 1" in out


def test_json_figures_agree_with_sql(seeded, capsys):
    code, out, err = run(capsys, "stats", "--json", "--library", seeded)
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["papers"] == 161 and data["read"] == 3  # the counts stay where they were
    figures = data["figures"]
    assert figures["totals"]["read"] == sql(seeded, "SELECT COUNT(*) FROM user_state "
                                                    "WHERE status = 'read'")
    assert figures["backlog"][-1]["read"] == sql(
        seeded, "SELECT COUNT(DISTINCT paper_id) FROM state_history WHERE event = 'read'")
    assert figures["backlog"][-1]["inbox"] == sql(
        seeded, "SELECT COUNT(*) FROM user_state WHERE status = 'unread' AND dismissed = 0")
    assert figures["waiting"]["queue"]["buckets"][0]["papers"] == 1
    assert {r["stars"]: r["papers"] for r in figures["ratings"]["distribution"]}[3] == 1
    top_author = figures["top"]["authors"][0]
    assert top_author["papers"] == sql(
        seeded, "SELECT COUNT(*) FROM papers p, json_each(p.authors) j "
                f"WHERE j.value = '{top_author['name']}'")


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_plot_writes_a_valid_picture(seeded, tmp_path, capsys, suffix):
    target = tmp_path / f"stats.{suffix}"
    code, out, err = run(capsys, "stats", "--json", "--plot", str(target), "--library", seeded)
    assert code == 0
    json.loads(out)  # stdout holds the JSON only
    assert "wrote the statistics picture" in err
    if suffix == "png":
        with Image.open(target) as image:
            image.verify()
        with Image.open(target) as image:
            assert image.format == "PNG" and image.size[0] >= 1000 and image.size[1] >= 1000
            assert len(image.getcolors(1_000_000) or []) > 20  # drawn, not blank
    else:
        root = ET.parse(target).getroot()
        assert root.tag.endswith("svg")
        assert "Backlog" in target.read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".*.tmp"))


def test_plot_of_an_empty_library(tmp_path, capsys):
    target = tmp_path / "empty.png"
    code, _, err = run(capsys, "stats", "--plot", str(target), "--library", str(tmp_path / "e"))
    assert code == 0, err
    with Image.open(target) as image:
        assert image.format == "PNG"


@pytest.mark.parametrize("name", ["stats.pdf", "no-such-folder/stats.png", "folder.png"])
def test_plot_refuses_what_it_cannot_write(seeded, tmp_path, capsys, name):
    target = tmp_path / name
    if name == "folder.png":
        target.mkdir()
    code, out, err = run(capsys, "stats", "--plot", str(target), "--library", seeded)
    assert code == 1 and out == ""
    assert err.startswith("readq: ") and len(err.strip().splitlines()) == 1
    assert not target.exists() or target.is_dir()
    assert not list(tmp_path.glob(".*.tmp"))


def test_plot_replaces_a_planted_link_without_following_it(seeded, tmp_path, capsys):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    target = tmp_path / "stats.svg"
    target.symlink_to(victim)
    code, _, err = run(capsys, "stats", "--plot", str(target), "--library", seeded)
    assert code == 0, err
    assert victim.read_text() == "keep me"
    assert not target.is_symlink() and target.read_text().lstrip().startswith("<?xml")


def test_plot_names_imports_as_the_sidebar_does_and_counts_start_at_zero(seeded, tmp_path):
    from readq.library import Library
    from readq.stats_plot import draw

    with Library(Path(seeded)) as lib:
        figures = lib.statistics()
        names = {i["name"] for i in lib.imports()}
    fig = draw(figures)
    by_title = {ax.get_title(loc="left"): ax for ax in fig.axes}
    imports = by_title["Imports: new and merged papers"]
    labels = [t.get_text() for t in imports.get_xticklabels()]
    assert "arXiv listing" in names and any(label.startswith("arXiv listing · ") for label in labels)
    assert not any(".txt" in label for label in labels)
    for ax in fig.axes:  # no count axis reaches below 0
        if len(ax.get_yticks()):
            assert ax.get_ylim()[0] >= 0 or ax.get_title(loc="left").startswith("Top")
    with Library(tmp_path / "empty") as blank:
        empty = draw(blank.statistics())
    rate = next(ax for ax in empty.axes if ax.get_title(loc="left").startswith("Reading rate"))
    assert rate.get_ylim()[0] == 0 and rate.get_ylim()[1] > 0


def test_plot_of_a_one_day_library_spans_a_few_weeks_with_whole_count_ticks(seeded):
    from readq.library import Library
    from readq.stats_plot import draw

    with Library(Path(seeded)) as lib:
        figures = lib.statistics()
    assert 2 <= len(figures["backlog"]) <= 6  # the library's own history, not 26 weeks
    assert figures["backlog"][-1]["added"] == 161
    fig = draw(figures)
    by_title = {ax.get_title(loc="left"): ax for ax in fig.axes}
    backlog = next(ax for t, ax in by_title.items() if t.startswith("Backlog"))
    assert len(backlog.get_xticks()) == len(figures["backlog"])
    for title, ax in by_title.items():
        if title.startswith(("Backlog", "Reading rate", "How long", "Ratings", "Imports")):
            ticks = list(ax.get_yticks())
            assert ticks and all(float(t).is_integer() for t in ticks), (title, ticks)
        if title.startswith("Top"):
            ticks = list(ax.get_xticks())
            assert ticks and all(float(t).is_integer() for t in ticks), (title, ticks)
