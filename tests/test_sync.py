"""`liens sync` against a replay server on 127.0.0.1 (tests/fake_platforms.py) in the platforms' real shapes.

Covered: first and incremental syncs of Instagram, Facebook and YouTube; `--since` and `--full`;
paging (Graph cursors and next URLs, YouTube page tokens, replies beyond the embedded ones);
HTTP 429 with Retry-After, Graph throttling codes, usage headers near the limit, YouTube
rateLimitExceeded and quotaExceeded; expired tokens, missing permissions named, deprecations;
partial failures (a media without insights, a video with comments off); malformed pages (truncated
JSON, an HTML gateway page, a recorded page the reader refuses); an interrupted sync resumed without
fetching a page twice or loading a row twice; the token never stored, written or echoed; empty
fields recorded as missing, not zero; nothing online outside `liens sync`.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fake_platforms import META, FakePlatforms, Fault, World, fixtures_present
from liens import api
from liens.errors import ReaderError
from liens.store import Store
from liens.sync import (
    ApiDeprecated,
    ApiFailure,
    PermissionMissing,
    RateLimited,
    SyncSettings,
    TokenInvalid,
    TokenMissing,
    resolve_token,
    spool_folder,
    sync,
)

pytestmark = pytest.mark.skipif(not fixtures_present(), reason="platform API fixtures absent (../shared/data/fixtures)")


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _settings(server: FakePlatforms, sleeps: Sleeps | None = None, **extra: object) -> SyncSettings:
    return SyncSettings(base_url=server.url, sleep=sleeps if sleeps is not None else Sleeps(), **extra)  # type: ignore[arg-type]


def _world(n_media: int = 24, comments: int = 12) -> World:
    world = World.generate(n_media, comments, hours_apart=48)
    if n_media < 6:
        return world
    world.media[3].hidden_likes = True
    world.media[4].empty_views = True
    world.media[5].insights_error = True
    world.media[0].comments[1].replies.extend(  # more replies than a thread or a field expansion embeds
        [type(world.media[0].comments[1])(f"1819{k:05d}", f"replier_{k}", world.media[0].when, f"reply {k}") for k in range(7)])
    return world


def _counts(store: Store) -> dict[str, int]:
    return {t: store.count(t) for t in ("accounts", "posts", "interactions", "post_metrics", "audience") if store.has_table(t)}


def _expected_comments(world: World) -> tuple[int, int]:
    top = sum(len(m.comments) for m in world.media)
    replies = sum(len(c.replies) for m in world.media for c in m.comments)
    return top, replies


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "brand.duckdb") as opened:
        yield opened


# -- a complete sync, each platform ---------------------------------------------------------------

@pytest.mark.parametrize("platform", ["instagram", "facebook", "youtube"])
def test_first_sync_loads_posts_comments_replies_metrics_and_audience(platform: str, store: Store) -> None:
    world = _world()
    with FakePlatforms(world, reply_page=2) as server:
        report = sync(store, platform, server.token, settings=_settings(server))
    top, replies = _expected_comments(world)
    kinds = dict(store.con.execute("SELECT kind, count(*) FROM interactions GROUP BY 1").fetchall())
    assert kinds == {"comment": top, "reply": replies}
    assert store.count("posts") == len(world.media)
    # every comment and reply sits on a post that exists; every reply names a comment that exists
    orphans = store.con.execute(
        "SELECT count(*) FROM interactions i LEFT JOIN posts p USING (post_id) WHERE p.post_id IS NULL").fetchone()[0]
    assert orphans == 0
    dangling = store.con.execute(
        "SELECT count(*) FROM interactions r LEFT JOIN interactions c ON r.parent_id = c.interaction_id "
        "WHERE r.kind = 'reply' AND c.interaction_id IS NULL").fetchone()[0]
    assert dangling == 0
    assert store.con.execute("SELECT count(*) FROM interactions i LEFT JOIN accounts a ON i.actor_id = a.account_id "
                             "WHERE a.account_id IS NULL").fetchone()[0] == 0
    # one metrics row per post, joined to it; likes as the platform counted them
    metrics = {r[0]: r[1:] for r in store.con.execute(
        "SELECT m.post_id, m.likes, m.comments, m.views, m.reach FROM post_metrics m JOIN posts p USING (post_id)").fetchall()}
    assert len(metrics) == len(world.media)
    prefix = {"instagram": "ig:media:", "facebook": "fb:post:104000000000001_", "youtube": "yt:video:v"}[platform]
    second = metrics[prefix + world.media[1].id]
    assert second[0] == world.media[1].likes and second[1] == world.media[1].comment_count
    if platform != "facebook":  # hidden likes: missing, not zero
        assert metrics[prefix + world.media[3].id][0] is None
    if platform == "instagram":
        assert metrics[prefix + world.media[4].id][2] is None  # views returned empty
        assert metrics[prefix + world.media[5].id][3] is None  # no insights for this media
        assert metrics[prefix + world.media[1].id][3] == 100 + world.media[1].likes
        assert any("insights of 1790" in w and "2108006" not in w for w in report.warnings)
    followers = store.con.execute("SELECT followers FROM audience a JOIN accounts b USING (account_id) "
                                  "WHERE b.is_brand ORDER BY date DESC LIMIT 1").fetchone()
    assert followers == (world.followers,)
    if platform == "facebook":  # the Page's daily follower counts too
        assert store.count("audience") == 1 + len(world.page_follows)
    assert not spool_folder(store, platform).exists()
    assert report.requests == len(server.requests)


@pytest.mark.parametrize("platform", ["instagram", "facebook", "youtube"])
def test_second_sync_fetches_only_what_is_new_or_changed(platform: str, store: Store) -> None:
    world = _world(n_media=40)
    with FakePlatforms(world) as server:
        first = sync(store, platform, server.token, settings=_settings(server, page_size=7))  # lists of many pages
        newest = store.con.execute("SELECT value FROM _liens_sync_cursors WHERE endpoint = 'media'").fetchall()
        assert newest == [(world.media[0].when.isoformat(),)]  # the newest media seen, whatever page it was on
        before = _counts(store)
        world.add_media(2, 5)
        world.add_comments(3, 4)  # a recent media gains comments
        world.add_comments(35, 4)  # one far older than the look-back: left for --full
        server.requests.clear()
        second = sync(store, platform, server.token, settings=_settings(server, lookback_days=10, page_size=7))
        asked = {r.split("?")[0] + (r.split("videoId=")[1].split("&")[0] if "videoId=" in r else "")
                 for r in server.requests if re.search(r"/comments|/commentThreads", r.split("?")[0])}
        assert second.requests < first.requests / 2
        assert not any(world.media[35].id in r for r in server.requests)  # outside the look-back
        assert len(asked) == 3  # the two new media and the recent one that gained comments
        after = _counts(store)
        assert after["interactions"] == before["interactions"] + 2 * 5 + 4
        assert after["posts"] == before["posts"] + 2
        dupes = store.con.execute("SELECT count(*) - count(DISTINCT interaction_id) FROM interactions").fetchone()[0]
        assert dupes == 0
        full = sync(store, platform, server.token, full=True, settings=_settings(server))
    assert full.requests > second.requests
    assert store.count("interactions") == after["interactions"] + 4  # --full found the old media's new comments


def test_since_bounds_what_is_revisited(store: Store) -> None:
    world = _world(n_media=20)
    with FakePlatforms(world) as server:
        sync(store, "instagram", server.token, since=world.media[4].when.isoformat(), settings=_settings(server))
        insights = server.count(r"/insights")
    assert insights == 5
    assert store.count("post_metrics") >= 5


# -- limits and faults --------------------------------------------------------------------------

def test_rate_limits_are_honoured_with_backoff(store: Store) -> None:
    world = _world(n_media=6, comments=3)
    sleeps = Sleeps()
    with FakePlatforms(world) as server:
        server.faults += [Fault(r"/media$", "http429"), Fault(r"/insights$", "graph_throttle", times=2),
                          Fault(r"/comments$", "server500", after=2)]
        server.usage = {"X-Business-Use-Case-Usage": '{"104000000000001":[{"type":"instagram","call_count":95,'
                                                     '"total_cputime":10,"total_time":12,"estimated_time_to_regain_access":0}]}'}
        report = sync(store, "instagram", server.token, settings=_settings(server, sleeps))
    assert 7.0 in sleeps  # Retry-After honoured
    assert 60.0 in sleeps  # 95 % of a Business Use Case quota: pause before the next call
    assert report.throttled == 3 and report.retries == 4
    assert store.count("interactions") == sum(1 + len(c.replies) for m in world.media for c in m.comments)


def test_youtube_rate_limit_retried_and_quota_stops_resumably(store: Store) -> None:
    world = _world(n_media=8, comments=4)
    sleeps = Sleeps()
    with FakePlatforms(world) as server:
        server.faults += [Fault(r"/videos$", "yt_rate"), Fault(r"/commentThreads$", "yt_quota", after=3)]
        with pytest.raises(RateLimited) as caught:
            sync(store, "youtube", server.token, settings=_settings(server, sleeps))
        assert "resume" in str(caught.value)
        assert sleeps[0] == 2.0  # userRateLimitExceeded: exponential backoff
        assert not store.has_table("interactions")  # nothing loaded
        fetched = len(server.requests)
        report = sync(store, "youtube", server.token, settings=_settings(server, sleeps))
    assert report.resumed
    assert server.count(r"/channels") == 1 and server.count(r"/playlistItems") == 1  # not fetched again
    assert len(server.requests) - fetched == report.requests
    top, replies = _expected_comments(world)
    assert store.count("interactions") == top + replies


def test_expired_token_mid_sync_leaves_the_store_unchanged_and_resumes(store: Store, tmp_path: Path) -> None:
    world = _world(n_media=10, comments=6)
    with FakePlatforms(world) as server:
        sync(store, "instagram", server.token, settings=_settings(server))
        before = _counts(store)
        world.add_media(3, 4)
        server.faults.append(Fault(r"/comments$", "graph_expired", after=1))
        with pytest.raises(TokenInvalid) as caught:
            sync(store, "instagram", server.token, settings=_settings(server))
        message = str(caught.value)
        assert "expired" in message and server.token not in message
        assert _counts(store) == before
        spool = spool_folder(store, "instagram")
        written = "".join(p.read_text(encoding="utf-8") for p in spool.rglob("*") if p.is_file())
        assert server.token not in written and written  # pages kept for the resume, without the token
        first_pages = server.count(r"/media$")
        sync(store, "instagram", server.token, settings=_settings(server))
        assert server.count(r"/media$") == first_pages  # the media page was not fetched again
    assert store.count("interactions") == before["interactions"] + 3 * 4
    assert server.token.encode() not in (tmp_path / "brand.duckdb").read_bytes()


@pytest.mark.parametrize(("platform", "path", "kind", "permission"), [
    ("instagram", r"/insights$", "graph_200", "instagram_manage_insights"),
    ("instagram", r"/comments$", "graph_permission", "instagram_manage_comments"),
    ("facebook", r"/posts$", "graph_missing_permission", "pages_read_engagement"),
    ("youtube", r"/commentThreads$", "yt_scope", "youtube.force-ssl"),
])
def test_missing_permission_is_named(platform: str, path: str, kind: str, permission: str, store: Store) -> None:
    with FakePlatforms(_world(n_media=6, comments=3)) as server:
        server.faults.append(Fault(path, kind, times=None))
        with pytest.raises(PermissionMissing) as caught:
            sync(store, platform, server.token, settings=_settings(server))
    assert permission in str(caught.value)
    assert not store.has_table("posts")


def test_wrong_token_and_deprecation_explained(store: Store) -> None:
    with FakePlatforms(_world(n_media=6, comments=3)) as server:
        with pytest.raises(TokenInvalid):
            sync(store, "youtube", "ya29.not-the-right-one", settings=_settings(server))
        server.faults.append(Fault(r"/media$", "graph_deprecated"))
        with pytest.raises(ApiDeprecated) as caught:
            sync(store, "instagram", server.token, restart=True, settings=_settings(server))
    assert "v21.0" in str(caught.value)


def test_malformed_pages_retried_then_refused(store: Store) -> None:
    world = _world(n_media=6, comments=3)
    with FakePlatforms(world) as server:
        server.faults += [Fault(r"/media$", "truncated"), Fault(r"/insights$", "html502")]
        sync(store, "instagram", server.token, settings=_settings(server))
        assert store.count("posts") == 6
        before = _counts(store)
        world.add_media(1, 2)
        server.faults.append(Fault(r"/comments$", "truncated", times=None))
        with pytest.raises(ApiFailure) as caught:
            sync(store, "instagram", server.token, settings=_settings(server, max_retries=2))
    assert "not a JSON object" in str(caught.value) and "3 attempt" in str(caught.value)
    assert _counts(store) == before


def test_comments_disabled_is_a_partial_failure(store: Store) -> None:
    world = _world(n_media=6, comments=3)
    world.media[2].comments_disabled = True
    world.media[2].comments_disabled = False
    with FakePlatforms(world) as server:
        server.faults.append(Fault(r"/commentThreads$", "yt_comments_disabled", after=1, times=1))
        report = sync(store, "youtube", server.token, settings=_settings(server))
    assert any("commentsDisabled" in w for w in report.warnings)
    top, replies = _expected_comments(world)
    skipped = 1 + len(world.media[1].comments) + sum(len(c.replies) for c in world.media[1].comments) - 1
    assert store.count("interactions") == top + replies - skipped
    cursor = store.con.execute("SELECT count FROM _liens_sync_cursors WHERE endpoint = 'comments' AND object_id = ?",
                               [f"v{world.media[1].id}"]).fetchone()
    assert cursor == (None,)  # asked again next time


def test_interrupted_sync_resumes_without_fetching_twice(store: Store, tmp_path: Path) -> None:
    world = _world(n_media=12, comments=30)
    with FakePlatforms(world) as server:
        with Store(tmp_path / "clean.duckdb") as clean:
            sync(clean, "facebook", server.token, settings=_settings(server))
            expected = _counts(clean)
        clean_requests = len(server.requests)
        server.requests.clear()

        def interrupt(pages: int, kind: str) -> None:
            if pages == 9:
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            sync(store, "facebook", server.token, settings=_settings(server), progress=interrupt)
        assert not store.has_table("posts")
        report = sync(store, "facebook", server.token, settings=_settings(server))
    assert report.resumed
    assert len(server.requests) == clean_requests
    counts = _counts(store)
    assert counts == expected


def test_recorded_instagram_pages_go_through_and_unreadable_ones_are_refused(store: Store) -> None:
    ig = META / "instagram" / "apidata"
    with FakePlatforms(World()) as server:
        account = "17841406338772941"
        server.files = {(f"/{account}", None): ig / "users" / "user_fields.json",
                        (f"/{account}/media", None): ig / "users" / "medias_p1.json",
                        (f"/{account}/media", "after"): ig / "users" / "medias_p2.json"}
        for page in ("medias_p1.json", "medias_p2.json"):
            for media in json.loads((ig / "users" / page).read_text(encoding="utf-8"))["data"]:
                server.files[(f"/{media['id']}/insights", None)] = ig / "medias" / "insights.json"
                server.files[(f"/{media['id']}/comments", None)] = ig / "medias" / "comments_p1.json"
        recorded_next = json.loads((ig / "medias" / "comments_p1.json").read_text(encoding="utf-8"))["paging"]["next"]
        server.files[(re.search(r"/\d+/comments", recorded_next).group(0), "after")] = ig / "medias" / "comments_p2.json"
        with pytest.raises(ReaderError) as caught:
            sync(store, "instagram", server.token, account=account, settings=_settings(server))
    # the recorded comments were asked without their authors: refused, naming the page and the fields
    assert "comments" in str(caught.value) and "username" in str(caught.value)
    assert not store.has_table("posts")
    assert server.count(r"/media") == 2  # the recorded next URL (v6.0, graph.facebook.com) was re-issued here


# -- tokens, the CLI, offline by default ----------------------------------------------------------

def test_tokens_from_environment_or_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIENS_YOUTUBE_TOKEN", raising=False)
    with pytest.raises(TokenMissing) as caught:
        resolve_token("youtube")
    assert "LIENS_YOUTUBE_TOKEN" in str(caught.value)
    monkeypatch.setenv("MY_TOKEN", "  ya29.abc \n")
    assert resolve_token("youtube", token_env="MY_TOKEN") == "ya29.abc"
    path = tmp_path / "token.txt"
    path.write_text("EAAfile\n", encoding="utf-8")
    assert resolve_token("instagram", token_file=path) == "EAAfile"
    path.write_text("", encoding="utf-8")
    with pytest.raises(TokenMissing):
        resolve_token("instagram", token_file=path)


def test_cli_sync_in_both_languages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from liens.presentation.cli import app

    runner = CliRunner()
    help_text = runner.invoke(app, ["sync", "--help"]).output
    assert "LIENS_INSTAGRAM_TOKEN" in help_text and "jeton" in help_text and "instagram_manage_insights" in help_text
    monkeypatch.delenv("LIENS_FACEBOOK_TOKEN", raising=False)
    store = tmp_path / "cli.duckdb"
    missing = runner.invoke(app, ["sync", "facebook", "--store", str(store), "--lang", "fr"])
    assert missing.exit_code == 2 and "aucun jeton facebook" in missing.output and "LIENS_FACEBOOK_TOKEN" in missing.output
    world = _world(n_media=6, comments=3)
    with FakePlatforms(world) as server:
        token_file = tmp_path / "fb.token"
        token_file.write_text(server.token, encoding="utf-8")
        done = runner.invoke(app, ["sync", "facebook", "--store", str(store), "--base-url", server.url,
                                   "--token-file", str(token_file), "--lang", "en"])
        assert done.exit_code == 0, done.output
        assert "new rows" in done.output and server.token not in done.output
        server.faults.append(Fault(r"/posts$", "graph_expired"))
        refused = runner.invoke(app, ["sync", "facebook", "--store", str(store), "--base-url", server.url,
                                      "--token-file", str(token_file), "--lang", "fr"])
    assert refused.exit_code == 2 and "refusé" in refused.output and server.token not in refused.output


def test_nothing_goes_online_outside_sync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import httpx

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("a platform was contacted outside liens sync")

    monkeypatch.setattr(httpx.Client, "send", no_network)
    folder = tmp_path / "ds"
    folder.mkdir()
    (folder / "accounts.csv").write_text("account_id,platform\nig:a,instagram\nig:b,instagram\n", encoding="utf-8")
    (folder / "posts.csv").write_text("post_id,author_id,created_at\np1,ig:a,2024-01-01T10:00:00Z\n", encoding="utf-8")
    (folder / "interactions.csv").write_text(
        "interaction_id,kind,actor_id,created_at,post_id\ni1,comment,ig:b,2024-01-01T11:00:00Z,p1\n", encoding="utf-8")
    report = api.load(folder, tmp_path / "s.duckdb")
    assert report.rows_new["interactions"] == 1
