"""The inbox a community manager works from: filters, names, one unit, `liens inbox done` kept in the
store (the queue shrinks in the CLI, the report and the dashboard), the dashboard's POST with CSRF,
and accounts named by handle in every command that takes one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from liens import api
from liens.presentation.cli import app
from liens.presentation.web import create_app
from liens.store import Store

runner = CliRunner(env={"COLUMNS": "200"})


@pytest.fixture()
def store(analysed_world, tmp_path) -> Path:
    return analysed_world.copy_store(tmp_path)


def _queue(path: Path) -> list[dict]:
    with Store(path, read_only=True) as s:
        return s.con.execute("SELECT u.*, a.handle FROM result_unanswered u LEFT JOIN result_accounts a "
                             "ON a.account_id = u.actor_id ORDER BY rank").to_arrow_table().to_pylist()


def test_inbox_filters_names_and_hours(store):
    queue = _queue(store)
    assert len(queue) > 10
    every = api.inbox(store)
    assert [r["interaction_id"] for r in every] == [r["interaction_id"] for r in queue]  # rank order, stable
    purchase = api.inbox(store, intents=["purchase"])
    assert purchase and {r["intent"] for r in purchase} == {"purchase"}
    assert len(purchase) == sum(r["intent"] == "purchase" for r in queue)
    platform = queue[0]["platform"]
    assert {r["platform"] for r in api.inbox(store, platform=platform)} == {platform}
    old = api.inbox(store, older_than_hours=48)
    assert old and all(r["waiting_hours"] >= 48 for r in old)
    assert len(old) == sum((r["waiting_hours"] or 0) >= 48 for r in queue)
    result = runner.invoke(app, ["inbox", "--store", str(store), "--intent", "purchase", "--older-than", "2d",
                                 "--limit", "200", "--lang", "en"])
    assert result.exit_code == 0, result.output
    shown = [r for r in purchase if r["waiting_hours"] >= 48]
    assert f"({len(shown)})" in result.output
    # people by handle, waiting times in hours (never days)
    handled = next(r for r in shown if r["handle"])
    assert f"@{handled['handle']}" in result.output
    assert " h" in result.output and " d " not in result.output


def test_inbox_done_shrinks_every_queue_and_stays(store, tmp_path):
    queue = _queue(store)
    first, second = queue[0]["interaction_id"], queue[1]["interaction_id"]
    result = runner.invoke(app, ["inbox", "done", first, second, "--store", str(store), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "2 of 2 marked" in result.output
    again = runner.invoke(app, ["inbox", "done", first, "--store", str(store), "--lang", "en"])
    assert "0 of 1 marked" in again.output
    remaining = api.inbox(store)
    assert len(remaining) == len(queue) - 2 and first not in {r["interaction_id"] for r in remaining}
    assert len(api.inbox(store, include_done=True)) == len(queue)
    listing = runner.invoke(app, ["inbox", "--store", str(store), "--lang", "en"])
    assert f"({len(queue) - 2})" in listing.output
    # an unknown id is refused, nothing marked
    bad = runner.invoke(app, ["inbox", "done", "nope-123", "--store", str(store), "--lang", "en"])
    assert bad.exit_code == 2 and "nope-123" in bad.output
    assert len(api.inbox(store)) == len(queue) - 2
    # the report's recommended action counts what is left
    from liens.presentation.report import render_report
    from liens.presentation.report.source import Source

    with Store(store, read_only=True) as s:
        html = render_report(Source(s.con), "en")
    assert f"Answer the {len(queue) - 2:,} messages" in html


def test_dashboard_marks_handled_with_csrf_only(store):
    client = TestClient(create_app(store), base_url="http://127.0.0.1")
    page = client.get("/inbox")
    assert page.status_code == 200
    ids = re.findall(r'<tr data-id="([^"]+)"', page.text)
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    assert ids and ids[0] == _queue(store)[0]["interaction_id"]
    # without the token, or with another: refused, nothing marked
    assert client.post("/inbox/done", data={"id": ids[0]}).status_code == 403
    assert client.post("/inbox/done", data={"id": ids[0], "csrf": "x" * 43}).status_code == 403
    assert client.get("/inbox/done").status_code in (404, 405)  # no GET that writes
    done = client.post("/inbox/done", data={"id": ids[0], "csrf": token, "back": "/inbox"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/inbox?done=1"
    after = client.get("/inbox?done=1")
    assert ids[0] not in re.findall(r'<tr data-id="([^"]+)"', after.text) and "1 text(s) marked handled" in after.text
    assert ids[0] not in client.get("/sections/responsiveness").text
    # an open redirect is not followed
    other = client.post("/inbox/done", data={"id": ids[1], "csrf": token, "back": "https://evil.example/"},
                        follow_redirects=False)
    assert other.headers["location"].startswith("/inbox?")
    assert {r["interaction_id"] for r in api.inbox(store, include_done=True) if r["done"]} == {ids[0], ids[1]}


def test_accounts_by_handle(store):
    with Store(store, read_only=True) as s:
        row = s.con.execute("SELECT account_id, handle, platform FROM result_accounts WHERE handle IS NOT NULL "
                            "AND handle IN (SELECT handle FROM result_accounts GROUP BY handle HAVING count(*) = 1) "
                            "AND NOT coalesce(is_brand, FALSE) LIMIT 1").fetchone()
        shared = s.con.execute("SELECT handle, min(platform) FROM result_accounts WHERE handle IS NOT NULL GROUP BY handle "
                               "HAVING count(*) > 1 LIMIT 1").fetchone()
    account, handle, _platform = row
    assert api.account_id(store, handle) == account
    assert api.account_id(store, "@" + handle.upper()) == account
    assert api.account_id(store, account) == account
    with pytest.raises(api.ConfigError, match="no account"):
        api.account_id(store, "nobody-at-all")
    if shared:
        with pytest.raises(api.ConfigError, match="say which one"):
            api.account_id(store, shared[0])
        assert api.account_id(store, f"{shared[1]}:{shared[0]}")
    forgotten = runner.invoke(app, ["forget", "@" + handle, "--store", str(store), "--lang", "en"])
    assert forgotten.exit_code == 0, forgotten.output
    with Store(store, read_only=True) as s:
        assert not s.con.execute("SELECT count(*) FROM accounts WHERE account_id = ?", [account]).fetchone()[0]
