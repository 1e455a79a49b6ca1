"""The dashboard and the JSON API: pages, filters, sorting, paging, drill-down, tokens, escaping."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from liens.presentation.cli.present import is_loopback
from liens.presentation.web import create_app
from liens.store import Store
from test_report import XSS_IMG, XSS_SCRIPT, analysed_store

TOKEN = "s3cret-token-0123456789"
LOCAL = "http://127.0.0.1:8765"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory) -> Path:
    return analysed_store(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def client(store_path) -> TestClient:
    # The dashboard answers only at its own address (the Host header): the client speaks to 127.0.0.1.
    return TestClient(create_app(store_path), base_url=LOCAL)


def test_every_section_page_answers(client):
    home = client.get("/")
    assert home.status_code == 200 and "Vanity vs real" in home.text
    assert "default-src 'self'" in home.headers["content-security-policy"]
    for key in ("vanity", "authenticity", "community", "conversation", "responsiveness", "business", "actions", "figures"):
        page = client.get(f"/sections/{key}")
        assert page.status_code == 200, key
        assert f'id="{key}"' in page.text
    assert client.get("/sections/nope").status_code == 404
    fr = client.get("/sections/vanity", params={"lang": "fr"})
    assert "Vitrine ou réalité" in fr.text and "12\u202f600" in fr.text


def test_api_tables_summary_and_openapi(client, store_path):
    tables = client.get("/api/tables").json()
    names = {t["name"] for t in tables}
    with Store(store_path, read_only=True) as store:
        assert names == set(store.result_names())
        n_interactions = store.count("result_interactions")
    assert {t["name"]: t["rows"] for t in tables}["interactions"] == n_interactions == 28
    page = client.get("/api/tables/interactions", params={"limit": 5, "offset": 2, "sort": "-created_at,interaction_id"}).json()
    assert page["total"] == 28 and len(page["rows"]) == 5 and page["offset"] == 2
    times = [r["created_at"] for r in page["rows"]]
    assert times == sorted(times, reverse=True)
    assert client.get("/api/tables/interactions", params={"sort": "nope"}).status_code == 400
    assert client.get("/api/tables/nope").status_code == 404
    assert client.get("/api/tables/interactions", params={"limit": 5000}).status_code == 422
    summary = client.get("/api/summary").json()
    assert summary["followers"] == 12600 and summary["vanity_engagements_on_brand_posts"] == 28
    spec = client.get("/openapi.json").json()
    assert {"/api/tables", "/api/tables/{name}", "/api/summary"} <= set(spec["paths"])
    # User text comes back as data, unchanged (escaping is the renderer's job).
    queue = client.get("/api/tables/unanswered").json()["rows"]
    assert {r["text"] for r in queue} == {XSS_SCRIPT, XSS_IMG + " combien ça coûte ?"}


def test_filters_by_period_and_platform(client):
    # Interactions on 2024-03-01 and 2024-03-02: 6 likes + 1 comment each day = 14.
    page = client.get("/api/tables/interactions", params={"start": "2024-03-01", "end": "2024-03-02", "limit": 0}).json()
    assert page["total"] == 14
    assert client.get("/api/tables/interactions", params={"platform": "tiktok", "limit": 0}).json()["total"] == 0
    html = client.get("/sections/vanity", params={"start": "2024-03-01", "end": "2024-03-02"}).text
    assert 'value="2024-03-01"' in html  # the filter form keeps the period


def test_sortable_paginated_table_and_drill_down(client):
    first = client.get("/tables/interactions", params={"sort": "interaction_id"}).text
    assert "Rows 1–28 of 28" in first
    pod = client.get("/pods/pod-1")
    assert pod.status_code == 200
    # The pod's 3 members, then their interactions: u1..u3 made 4 likes each plus 3 comments = 15.
    assert pod.text.count('href="/accounts/u') >= 3
    assert "Rows 1–15 of 15" in pod.text
    account = client.get("/accounts/u2")
    assert account.status_code == 200 and "Rows 1–5 of 5" in account.text
    assert client.get("/accounts/nobody").status_code == 404
    # A member (a person, here with one account) drills down to the same interactions.
    member = client.get("/members/u2")
    assert member.status_code == 200 and "Rows 1–5 of 5" in member.text
    assert client.get("/members/nobody").status_code == 404
    assert client.get("/pods/nope").status_code == 404


def test_user_text_is_escaped_everywhere(client):
    for url in ("/sections/responsiveness", "/accounts/u1", "/accounts/u2", "/pods/pod-1", "/tables/unanswered", "/tables/accounts"):
        html = client.get(url).text
        assert "<script>window.__xss" not in html, url
        assert "<img src=x onerror" not in html, url
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in client.get("/accounts/u1").text


def test_token_is_required_when_set(store_path):
    guarded = TestClient(create_app(store_path, token=TOKEN), base_url=LOCAL)
    assert guarded.get("/").status_code == 401
    assert guarded.get("/api/summary").status_code == 401
    assert guarded.get("/api/summary", headers={"Authorization": "Bearer wrong-token-000000"}).status_code == 401
    assert guarded.get("/api/summary", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    first = guarded.get("/", params={"token": TOKEN})
    assert first.status_code == 200
    assert guarded.get("/sections/business").status_code == 200  # the cookie set by ?token= carries on


def test_serve_refuses_a_public_address_without_token(store_path):
    from typer.testing import CliRunner

    from liens.presentation.cli import app

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")
    result = CliRunner().invoke(app, ["serve", "--store", str(store_path), "--host", "0.0.0.0", "--lang", "en"])
    assert result.exit_code != 0
    assert "--token" in str(result.exception) + result.output


def test_host_header_must_name_the_dashboard(store_path, client):
    """DNS rebinding: a page of evil.example resolving to 127.0.0.1 sends `Host: evil.example`; it is refused."""
    for host in ("evil.example", "evil.example:8765", "127.0.0.1.evil.example", "192.168.1.4", ""):
        refused = client.get("/api/summary", headers={"Host": host})
        assert refused.status_code == 400, host
        assert "vanity" not in refused.text.lower() and "x-frame-options" in refused.headers
    for host in ("127.0.0.1:8765", "localhost:8765", "[::1]:8765", "LOCALHOST"):
        assert client.get("/api/summary", headers={"Host": host}).status_code == 200, host
    assert client.get("/static/liens.css", headers={"Host": "evil.example"}).status_code == 400
    # An allow-list adds names (a reverse proxy's); a wildcard bind without one leaves the token to protect it.
    proxied = TestClient(create_app(store_path, host="127.0.0.1", allow_hosts=["liens.example.org"]), base_url=LOCAL)
    assert proxied.get("/api/summary", headers={"Host": "liens.example.org"}).status_code == 200
    assert proxied.get("/api/summary", headers={"Host": "evil.example"}).status_code == 400
    public = TestClient(create_app(store_path, token=TOKEN, host="0.0.0.0"), base_url="http://192.168.1.4:8765")
    assert public.get("/api/summary", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert public.get("/api/summary").status_code == 401


def test_huge_numbers_are_refused_not_crashed(client):
    for url, params in (("/api/tables/interactions", {"offset": 10**30}), ("/api/tables/interactions", {"offset": 2**63}),
                        ("/api/tables/interactions", {"limit": 10**12}), ("/api/tables/interactions", {"offset": -1}),
                        ("/tables/interactions", {"page": 10**30}), ("/tables/interactions", {"page": 2**62}),
                        ("/accounts/u1", {"page": 10**20}), ("/", {"start": "99999-01-01"}), ("/", {"end": "2025-13-45"})):
        got = client.get(url, params=params)
        assert got.status_code == 422, (url, params, got.status_code)
    far = client.get("/api/tables/interactions", params={"offset": 2**40})
    assert far.status_code == 200 and far.json()["rows"] == []
    assert client.get("/tables/interactions", params={"page": 2**31}).status_code == 200


def test_not_found_and_errors_are_pages(client):
    for path in ("/nope", "/sections/zzz", "/accounts/nobody", "/pods/none", "/tables/nope"):
        page = client.get(path)
        assert page.status_code == 404, path
        assert page.headers["content-type"].startswith("text/html") and "Page not found" in page.text, path
        assert 'class="sections"' in page.text  # the navigation is there, to go on from
    assert "Page introuvable" in client.get("/nope", params={"lang": "fr"}).text
    api_error = client.get("/api/tables/nope")
    assert api_error.status_code == 404 and api_error.json() == {"detail": "no result table 'nope'"}
