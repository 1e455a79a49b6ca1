"""The HTML report: every result and figure shown, offline, escaped, formatted per language."""

from __future__ import annotations

import csv
import json
import re
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import pytest

from liens import api
from liens.presentation.i18n import has_text
from liens.presentation.report import build_report, export_charts, render_report, report_charts
from liens.presentation.report.charts import export_chart
from liens.presentation.report.sections import presented
from liens.presentation.report.source import Source
from liens.store import Store

XSS_SCRIPT = "<script>window.__xss = 1</script> where can I buy this bag?"
XSS_IMG = '<img src=x onerror="window.__xss = 2">'


def _write(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def hand_built_dataset(folder: Path) -> Path:
    """A tiny brand world with known counts and two planted XSS payloads in user text.

    brand posts p1..p4 (instagram); 6 people; 3 comments (one <script>, one onerror), likes.
    """
    folder.mkdir(parents=True, exist_ok=True)
    accounts = [{"account_id": "brand", "platform": "instagram", "handle": "maison", "display_name": "Maison",
                 "followers_count": "12000", "is_brand": "true"}]
    for i in range(1, 7):
        accounts.append({"account_id": f"u{i}", "platform": "instagram", "handle": f"user{i}",
                         "display_name": XSS_IMG if i == 2 else f"User {i}", "followers_count": str(10 * i),
                         "is_brand": "false"})
    _write(folder / "accounts.csv", accounts)
    posts = [{"post_id": f"p{i}", "author_id": "brand", "created_at": f"2024-03-0{i}T10:00:00Z", "platform": "instagram",
              "format": "photo", "caption": f"Post {i}"} for i in range(1, 5)]
    _write(folder / "posts.csv", posts)
    inter = []
    n = 0
    for p in range(1, 5):
        for u in range(1, 7):
            n += 1
            inter.append({"interaction_id": f"i{n}", "kind": "like", "actor_id": f"u{u}", "created_at": f"2024-03-0{p}T10:0{u}:00Z",
                          "post_id": f"p{p}", "parent_id": "", "text": "", "platform": "instagram"})
    inter += [
        {"interaction_id": "c1", "kind": "comment", "actor_id": "u1", "created_at": "2024-03-01T11:00:00Z", "post_id": "p1",
         "parent_id": "", "text": XSS_SCRIPT, "platform": "instagram"},
        {"interaction_id": "c2", "kind": "comment", "actor_id": "u2", "created_at": "2024-03-02T11:00:00Z", "post_id": "p2",
         "parent_id": "", "text": XSS_IMG + " combien ça coûte ?", "platform": "instagram"},
        {"interaction_id": "c3", "kind": "comment", "actor_id": "u3", "created_at": "2024-03-03T11:00:00Z", "post_id": "p3",
         "parent_id": "", "text": "Super produit", "platform": "instagram"},
        {"interaction_id": "r1", "kind": "reply", "actor_id": "brand", "created_at": "2024-03-03T12:00:00Z", "post_id": "p3",
         "parent_id": "c3", "text": "Merci !", "platform": "instagram"},
    ]
    _write(folder / "interactions.csv", inter)
    _write(folder / "audience.csv", [{"account_id": "brand", "date": f"2024-03-{d:02d}", "followers": str(11000 + 100 * d + (600 if d >= 5 else 0))}
                                     for d in range(1, 11)])
    _write(folder / "follows.csv", [{"follower_id": f"u{i}", "followee_id": "brand", "followed_at": f"2024-02-0{i}T08:00:00Z",
                                     "unfollowed_at": ""} for i in range(1, 7)])
    _write(folder / "conversions.csv", [
        {"conversion_id": "v1", "kind": "sale", "occurred_at": "2024-03-05T09:00:00Z", "account_id": "u1", "value": "50", "campaign": ""},
        {"conversion_id": "v2", "kind": "lead", "occurred_at": "2024-03-06T09:00:00Z", "account_id": "u2", "value": "", "campaign": ""},
        {"conversion_id": "v3", "kind": "sale", "occurred_at": "2024-03-07T09:00:00Z", "account_id": "", "value": "80", "campaign": "spring"},
    ])
    _write(folder / "costs.csv", [{"period_start": "2024-03-01", "period_end": "2024-03-10", "amount": "500", "hours": "10",
                                   "platform": "instagram", "campaign": ""}])
    return folder


def plant_results(store: Store) -> None:
    """Result tables shaped like the other analyses' (pods, unanswered, …), with user text in them."""
    con = store.con
    # A pod the detector would not find in so small a world, with the evidence columns it writes.
    con.execute("""INSERT INTO result_pods BY NAME SELECT * FROM (VALUES
        ('pod-1', 'u1', 0.93, 3, 4, 2.5, 0.9, 1.0, 'great post 🔥'),
        ('pod-1', 'u2', 0.93, 3, 4, 2.5, 0.9, 1.0, 'great post 🔥'),
        ('pod-1', 'u3', 0.93, 3, 4, 2.5, 0.9, 1.0, 'great post 🔥')) AS t(pod_id, account_id, pod_score, members,
        posts_co_engaged, median_delay_minutes, reciprocity, coverage, example_comments)""")
    if store.has_table("result_unanswered"):
        return
    con.execute(f"""CREATE OR REPLACE TABLE result_unanswered AS SELECT * FROM (VALUES
        ('c1', 'u1', TIMESTAMP '2024-03-01 11:00:00', 'critique', 'comment', {sql_str(XSS_SCRIPT)}, 3),
        ('c2', 'u2', TIMESTAMP '2024-03-02 11:00:00', 'purchase', 'comment', {sql_str(XSS_IMG)}, 5))
        AS t(interaction_id, account_id, created_at, intent, kind, text, urgency)""")


def sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@lru_cache(maxsize=1)
def _analysed_template() -> Path:
    """The hand-built dataset, loaded and analysed once per test session (the analyses take a while)."""
    root = Path(tempfile.mkdtemp(prefix="liens-report-test-"))
    data = hand_built_dataset(root / "data")
    path = root / "small.duckdb"
    with Store(path) as store:
        api.load(data, store)
        api.analyze(store)
        plant_results(store)
    return path


def analysed_store(folder: Path) -> Path:
    """A private copy of the analysed hand-built store."""
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(_analysed_template(), folder / "small.duckdb"))


@pytest.fixture(scope="module")
def small_store(tmp_path_factory) -> Path:
    return analysed_store(tmp_path_factory.mktemp("report"))


def test_report_is_self_contained_and_offline(small_store, tmp_path):
    with Store(small_store) as store:
        out = build_report(store, tmp_path / "r.html", lang="en")
    html = out.read_text(encoding="utf-8")
    # No network at view time: no external script, stylesheet, image or font (links to profiles and
    # permalinks are followed only when clicked, and open outside the report).
    assert not re.search(r"""(src\s*=|<link[^>]*href\s*=|url\()\s*["']?(https?:)?//""", html)
    for link in re.findall(r"<a [^>]*href=\"https?://[^>]*>", html):
        assert 'rel="noopener noreferrer"' in link
    assert "vegaEmbed" in html and "<script src" not in html
    assert 'http-equiv="Content-Security-Policy"' in html and "unsafe-inline" not in html.split("script-src")[1].split('"')[0]
    for key in ("vanity", "authenticity", "community", "conversation", "responsiveness", "business", "actions"):
        assert f'id="{key}"' in html


def test_user_text_is_escaped(small_store):
    with Store(small_store) as store:
        html = render_report(Source(store.con), "en")
    assert XSS_SCRIPT not in html and "onerror=\"window" not in html
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt; where can I buy" in html
    # Chart specs hold no raw '<' either (they sit inside <script> elements).
    for spec in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', html, flags=re.S):
        assert "<" not in spec
        json.loads(spec)


def test_every_result_table_and_figure_is_shown(small_store):
    """Fails until a new result table gets a view and every summary figure a label."""
    with Store(small_store) as store:
        names = store.result_names()
        summary = store.summary()
        html = render_report(Source(store.con), "en")
    missing_views = [n for n in names if not presented(n)]
    assert not missing_views, f"result tables without a presentation in the report: {missing_views}"
    shown = set(re.findall(r'data-tables?="([^"]*)"', html))
    shown_tables = {name for group in shown for name in group.split()}
    assert set(names) <= shown_tables, f"not shown: {set(names) - shown_tables}"
    assert "data-fallback" not in html
    unlabeled = [k for k in summary if not has_text(f"fig:{k}")]
    assert not unlabeled, f"summary figures without a label: {unlabeled}"
    figures = set(re.findall(r'data-figure="([^"]+)"', html))
    listed = set(re.findall(r"<td[^>]*>([a-z0-9_]+)</td>", html))
    for key in summary:
        assert key in figures or key in listed


def test_key_figures_and_french_formatting(small_store):
    with Store(small_store) as store:
        summary = store.summary()
        en = render_report(Source(store.con), "en")
        fr = render_report(Source(store.con), "fr")
    # 12,000 followers in the accounts table, but the audience series says 11,000 + 100*10 + 600 = 12,600.
    assert summary["followers"] == 12600
    assert "12,600" in en and "12\u202f600" in fr
    # 24 likes + 3 comments + 1 reply on 4 brand posts: 28 / 4 / 12 600 = 0.0556 %
    assert summary["vanity_engagements_on_brand_posts"] == 28
    assert "0.06%" in en and "0,06\u00a0%" in fr
    assert "Vitrine ou réalité" in fr and "Vanity vs real" in en
    # The planted pod shows with its evidence, one row per pod, 3 members.
    row = re.search(r'<tr><td data-label="Pod" data-sort="pod-1">pod-1</td><td data-label="Members" class="num" data-sort="(\d+)">', en)
    assert row and row.group(1) == "3"
    # Recommended actions come from the figures: two unanswered messages.
    assert "Answer the 2 messages" in en


def test_missing_analysis_says_so_in_one_line(tmp_path):
    from liens.analyses import STEPS
    from liens.analyses.runner import run_analyses
    from liens.config import Config

    data = hand_built_dataset(tmp_path / "data")
    with Store(tmp_path / "s.duckdb") as store:
        api.load(data, store)
        run_analyses(store, Config(), steps=[step for step in STEPS if step.name == "core"])
        html = render_report(Source(store.con), "en")
    sections = dict(re.findall(r'<section id="(\w+)" class="section">(.*?)</section>', html, flags=re.S))
    for key in ("authenticity", "community", "conversation", "responsiveness", "business"):
        assert "has not run on this store" in sections[key], key
    assert sections["authenticity"].count("has not run") == 2  # pods, audience
    # The vanity side is there; the real side says what is missing.
    assert "12,600" in sections["vanity"] and "audience quality analysis has not run" in sections["vanity"]


def test_charts_export_to_svg_and_png(small_store, tmp_path):
    with Store(small_store) as store:
        files = export_charts(store, tmp_path / "charts", lang="fr", formats=("svg",))
        ids = [c.id for c in report_charts(store, "fr")]
    assert sorted(f.stem for f in files) == sorted(ids) and "vanity-audience" in ids
    text = (tmp_path / "charts" / "vanity-audience.svg").read_text(encoding="utf-8")
    assert "Abonnés" in text and "12 600" in text and "<script" not in text
    png = export_chart(report_charts_by_id(small_store)["vanity-rate"], tmp_path / "rate.png", lang="en")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def report_charts_by_id(path: Path) -> dict:
    with Store(path) as store:
        return {c.id: c.spec for c in report_charts(store, "en")}


def test_report_command(small_store, tmp_path):
    from typer.testing import CliRunner

    from liens.presentation.cli import app

    out = tmp_path / "rapport.html"
    result = CliRunner().invoke(app, ["report", "--store", str(small_store), "--out", str(out), "--lang", "fr"])
    assert result.exit_code == 0, result.output
    assert out.exists() and 'lang="fr"' in out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def generated_store(analysed_world) -> Path:
    """The session's planted-truth world from the generator, analysed by every step (conftest.py)."""
    return analysed_world.store


def test_generated_world_report_shows_everything(generated_store):
    with Store(generated_store, read_only=True) as store:
        names = store.result_names()
        summary = store.summary()
        html = render_report(Source(store.con), "en")
        n_pods = store.con.execute("SELECT count(DISTINCT pod_id) FROM result_pods").fetchone()[0]
    assert not [n for n in names if not presented(n)]
    shown = {name for group in re.findall(r'data-tables?="([^"]*)"', html) for name in group.split()}
    assert set(names) <= shown and "data-fallback" not in html
    figures = set(re.findall(r'data-figure="([^"]+)"', html))
    listed = set(re.findall(r"<td[^>]*>([a-z0-9_]+)</td>", html))
    assert all(has_text(f"fig:{k}") and (k in figures or k in listed) for k in summary)
    # The generator plants pods; the report lists each once, linked to its evidence.
    assert n_pods == summary["pod_count"] >= 1
    pods = re.search(r'<div class="block table-block" data-table="pods">.*?</table>', html, flags=re.S).group(0)
    assert len(re.findall(r"<tr><td", pods)) == min(n_pods, 15)
    # The first recommended action is the unanswered queue, with its exact size.
    actions = re.search(r'<ol class="actions">(.*?)</ol>', html, flags=re.S).group(1)
    first = re.search(r"<li[^>]*>(.*?)</li>", actions, flags=re.S).group(1)
    assert first.startswith(f"Answer the {summary['unanswered']:,} messages")
    # Vanity next to real: the followers and the real reachable audience, as computed.
    assert f"{summary['followers']:,}" in html and f"{summary['real_reachable_audience']:,}" in html


def test_report_says_how_many_most_engaged_people_are_pod_members(generated_store, tmp_path) -> None:
    with Store(generated_store, read_only=True) as store:
        summary = store.summary()
        out = build_report(store, tmp_path / "r.html", lang="en")
    checked, in_pods = summary["most_engaged_checked"], summary["most_engaged_pod_members"]
    assert checked > 0 and in_pods > 0  # the shared world plants pods among the most engaged
    html = out.read_text(encoding="utf-8")
    assert f"Of the {checked} people a dashboard would call most engaged, {in_pods} are pod members" in html
