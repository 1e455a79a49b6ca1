"""One definition per figure, and complete French: every surface from one store.

The CLI summary (`liens summary`), the report (its tiles carry `data-headline`) and the dashboard's
JSON API (`/api/headline`) show the same headline figures, formatted the same, in each language; a
French surface shows no string of the English catalogue.
"""

from __future__ import annotations

import html as htmllib
import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from liens import api
from liens.presentation import i18n
from liens.presentation.cli import app
from liens.presentation.headline import formatted
from liens.presentation.report import render_report
from liens.presentation.report.source import Source
from liens.presentation.web import create_app
from liens.store import Store

runner = CliRunner(env={"COLUMNS": "250"})


@pytest.fixture(scope="module")
def store(analysed_world):
    return analysed_world.store


@pytest.fixture(scope="module")
def client(store):
    return TestClient(create_app(store), base_url="http://127.0.0.1")


def _report_tiles(html: str) -> dict[str, str]:
    tiles = re.findall(r'data-headline="([^"]+)">\s*<div class="tile-label">.*?</div>\s*<div class="tile-value">(.*?)</div>',
                       html, flags=re.S)
    return {k: htmllib.unescape(v) for k, v in tiles}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_surface_shows_the_same_figures(store, client, lang):
    with Store(store, read_only=True) as s:
        summary = s.summary()
        html = render_report(Source(s.con), lang)
    expected = formatted(summary, lang)
    # the definitions: the real rate is the vanity rate's basis without pods, never above it
    hl = api.headline(summary)
    assert hl["engagement_rate_real"] == pytest.approx(
        summary["brand_posts_engagement_clean"] / summary["brand_posts"] / summary["followers"])
    assert hl["engagement_rate_real"] <= hl["engagement_rate_vanity"]
    by_label = summary["audience_by_label"]
    assert hl["low_quality_share"] == pytest.approx(
        (by_label.get("fake", 0) + by_label.get("inactive", 0) + by_label.get("mass_follower", 0)) / sum(by_label.values()))
    assert hl["low_quality_share"] > hl["fake_share"]
    # the dashboard's API
    served = client.get("/api/headline", params={"lang": lang}).json()
    assert {k: v["text"] for k, v in served.items()} == {k: v["text"] for k, v in expected.items()}
    # the report (and the dashboard pages, built from the same sections)
    tiles = _report_tiles(html)
    for key in ("followers", "real_reachable_audience", "active_members", "engagement_rate_vanity", "engagement_rate_real",
                "weighted_engagement_raw", "weighted_engagement_clean", "low_quality_share"):
        assert tiles[key] == expected[key]["text"], key
    page = _report_tiles(client.get("/", params={"lang": lang}).text)
    assert all(page[k] == tiles[k] for k in page) and "engagement_rate_real" in page
    # the CLI
    out = runner.invoke(app, ["summary", "--store", str(store), "--lang", lang])
    assert out.exit_code == 0, out.output
    for key in ("followers", "real_reachable_audience", "engagement_rate_vanity", "engagement_rate_real", "fake_share",
                "low_quality_share", "response_rate", "unanswered", "cost_per_lead"):
        if expected[key]["value"] is not None:
            assert expected[key]["text"] in out.output, (key, expected[key]["text"])
    # two shares told apart everywhere: fake alone, and fake + inactive + mass
    assert expected["fake_share"]["label"] in out.output and expected["low_quality_share"]["label"] in out.output


def _english_only(lang_texts: dict[str, dict[str, str]]) -> set[str]:
    """English catalogue strings that differ from their French and are long enough to be telling."""
    found = set()
    for texts in lang_texts.values():
        en, fr = texts["en"], texts["fr"]
        for part in re.split(r"\{[^}]*\}", en):
            part = part.strip(" :,.;()–-·\n")
            if len(part) >= 12 and part not in fr and " " in part:
                found.add(part)
    return found


def test_french_surfaces_show_no_english_catalogue_string(store, client):
    english = _english_only(i18n._CATALOG)
    assert len(english) > 300  # the catalogue is there

    def leaks(text: str) -> list[str]:
        text = htmllib.unescape(re.sub(r"<script.*?</script>", "", text, flags=re.S))
        return sorted(e for e in english if e in text)

    with Store(store, read_only=True) as s:
        report = render_report(Source(s.con), "fr")
    assert leaks(report) == []
    for path in ("/", "/sections/authenticity", "/sections/community", "/sections/conversation", "/sections/responsiveness",
                 "/sections/business", "/sections/actions", "/inbox", "/tables"):
        page = client.get(path, params={"lang": "fr"})
        assert page.status_code == 200, path
        assert leaks(page.text) == [], path
    for args in (["summary"], ["inbox"], ["leads"]):
        out = runner.invoke(app, [*args, "--store", str(store), "--lang", "fr"])
        assert out.exit_code == 0, out.output
        assert leaks(out.output) == [], args
    # and the English report does show them (the test can fail)
    with Store(store, read_only=True) as s:
        assert len(leaks(render_report(Source(s.con), "en"))) > 30


def test_report_of_an_unanalysed_store_says_so(tmp_path, world_dataset):
    path = tmp_path / "loaded.duckdb"
    with Store(path) as s:
        api.load(world_dataset, s)
    for command in (["report", "--out", str(tmp_path / "r.html")], ["summary"]):
        out = runner.invoke(app, [*command, "--store", str(path), "--lang", "en"])
        assert out.exit_code == 2 and "no analysis yet" in out.output, out.output
    assert not (tmp_path / "r.html").exists()
