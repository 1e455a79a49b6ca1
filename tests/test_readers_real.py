"""Real exports (public fixtures in ../shared/data/fixtures, each with its README and licence) and
the bad cases of issue 18: options, owners, group spaces, single files, never-silent loads, caps.

The real-file tests skip, saying why, when the shared fixtures are not on this machine.
"""

from __future__ import annotations

import json
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from liens.errors import DatasetError, ReaderError
from liens.readers.registry import detect_format, read_platform, read_platform_logged
from liens.store import Store, load_path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "fixtures"
if not SHARED.exists():
    SHARED = Path("/work/shared/data/fixtures")
WHATSAPP = SHARED / "whatsapp" / "joweich_chat-miner"
TELEGRAM = SHARED / "telegram" / "joweich_chat-miner"
TWITTER = SHARED / "twitter_archive" / "dogsheep_twitter-to-sqlite"
INSTAGRAM = SHARED / "instagram" / "joweich_chat-miner"
META = SHARED / "meta_graph_api" / "sns-sdks_python-facebook" / "testdata" / "instagram" / "apidata"
YOUTUBE = SHARED / "youtube_data_api" / "sns-sdks_python-youtube" / "testdata" / "apidata"


def needs(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"shared fixture {path} is not on this machine")


def rows(dataset, table):
    return dataset[table].to_pylist() if table in dataset else []


# --------------------------------------------------------------------------------------------
# Real files
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["test_ddmmyy_24hrs.txt", "test_mmddyy_24hrs.txt", "test_[mmddyy]_24hrs.txt",
                                  "test_mmddyyyy_12hrs.txt", "test_yyyymmdd_24hrs.txt"])
def test_whatsapp_real_files_match_the_golden_parse(name):
    needs(WHATSAPP)
    target = json.loads((WHATSAPP / "target.json").read_text())
    data = read_platform(WHATSAPP / name)
    messages = [r for r in rows(data, "interactions") if r["kind"] == "comment"]
    got = sorted((r["created_at"], r["text"].replace("\n", " ") if r["text"] else None) for r in messages)
    # chat-miner's golden output gathers the messages of all five files; each file holds the 2019-2020 ones
    wanted = sorted((datetime.fromisoformat(m["timestamp"]), m["message"]) for m in target
                    if m["timestamp"] < "2021")
    assert [g for g in got if g[0].year < 2021] == wanted
    # a group chat is a space of the brand: one post, every message on it
    post = rows(data, "posts")
    assert len(post) == 1 and post[0]["is_space"] is True
    assert {r["post_id"] for r in messages} == {post[0]["post_id"]}


def test_whatsapp_timezone_and_me_reach_the_reader_through_the_loader(tmp_path):
    needs(WHATSAPP)
    store = Store(tmp_path / "s.duckdb")
    report = load_path(store, WHATSAPP / "test_ddmmyy_24hrs.txt", options={"timezone": "Europe/Paris", "me": "John Doe"})
    first = store.con.execute("SELECT min(created_at) FROM interactions").fetchone()[0]
    assert first == datetime(2019, 1, 1, 10, 25)  # 11:25 in Paris is 10:25 UTC
    brand = store.con.execute("SELECT account_id FROM accounts WHERE is_brand ORDER BY 1").fetchall()
    assert ("whatsapp:name:John Doe",) in brand
    assert report.format == "whatsapp" and report.files[0].taken_for["en"] == "WhatsApp group chat"
    assert report.files[0].rows["interactions"] == 6
    assert not report.warnings  # --me was given
    store.close()


@pytest.mark.slow
def test_whatsapp_group_has_active_members_in_the_community_step(tmp_path):
    needs(WHATSAPP)
    from liens import api

    store = tmp_path / "s.duckdb"
    api.load(WHATSAPP / "test_ddmmyy_24hrs.txt", store, me="John Doe")
    results = api.analyze(store)
    summary = results.summary
    results.store.close()
    # four people besides John Doe (the brand) wrote in the group
    assert summary["members"] == 4
    assert summary["active_members"] >= 1


def test_telegram_single_chat_and_full_account_export():
    needs(TELEGRAM)
    target = json.loads((TELEGRAM / "target.json").read_text())
    for name in ("test_single_export.json", "test_batch_export.json"):
        assert detect_format(TELEGRAM / name) == "telegram"
        data = read_platform(TELEGRAM / name)
        messages = sorted(rows(data, "interactions"), key=lambda r: r["created_at"])
        assert [m["created_at"] for m in messages] == [datetime.fromisoformat(t["timestamp"]) for t in target]
        assert messages[0]["text"] == "Minimal Message"
        assert messages[1]["text"] == "Link:https://telegram.org/"  # rich text flattened
        assert {m["actor_id"] for m in messages} == {"telegram:name:Author 1", "telegram:name:Author 2"}


def test_telegram_group_is_a_brand_space_with_replies_reactions_and_joins(tmp_path):
    chat = {"name": "Club Lumière", "type": "private_supergroup", "id": 77, "messages": [
        {"id": 1, "type": "service", "date_unixtime": "1700000000", "actor": "Léa", "actor_id": "user2",
         "action": "join_group_by_link"},
        {"id": 2, "type": "message", "date_unixtime": "1700000100", "from": "Léa", "from_id": "user2",
         "text": ["Bonjour, ", {"type": "bold", "text": "prix"}, " ?"],
         "reactions": [{"type": "emoji", "count": 3, "emoji": "👍",
                        "recent": [{"from": "Hugo", "from_id": "user3", "date": "2023-11-14T23:00:00"}]}]},
        {"id": 3, "type": "message", "date_unixtime": "1700000200", "from": "Maison", "from_id": "user1",
         "text": "25 €", "reply_to_message_id": 2},
        {"id": 4, "type": "service", "date_unixtime": "1700000300", "actor": "Maison", "actor_id": "user1",
         "action": "pin_message"},
    ]}
    path = tmp_path / "result.json"
    path.write_text(json.dumps(chat, ensure_ascii=False), encoding="utf-8")
    data, log = read_platform_logged(path, options={"me": "Maison"})
    posts = rows(data, "posts")
    assert [p["post_id"] for p in posts] == ["telegram:chat:77"] and posts[0]["author_id"] == "telegram:group:77"
    inter = {r["interaction_id"]: r for r in rows(data, "interactions")}
    reply = inter["telegram:msg:77:3"]
    assert reply["kind"] == "reply" and reply["parent_id"] == "telegram:msg:77:2" and reply["post_id"] == "telegram:chat:77"
    assert inter["telegram:msg:77:2"]["text"] == "Bonjour, prix ?"
    reactions = [r for r in inter.values() if r["kind"] == "reaction"]
    assert len(reactions) == 1 and reactions[0]["actor_id"] == "telegram:user3"
    assert {a["account_id"] for a in rows(data, "accounts") if a.get("is_brand")} == {"telegram:group:77", "telegram:user1"}
    assert rows(data, "follows")[0]["follower_id"] == "telegram:user2"
    skipped = {k: n for k, (_, n) in log.files[0].skipped.items()}
    assert skipped == {"anonymous_reactions": 2, "service": 1}


def _twitter_archive(tmp_path: Path) -> Path:
    """The real archive files, plus tweets.js made from the real API v1.1 statuses (same tweet objects)."""
    folder = tmp_path / "twitter-archive" / "data"
    folder.mkdir(parents=True)
    for name in ("account.js", "follower.js", "following.js", "app.js"):
        (folder / name).write_text((TWITTER / "zip_contents" / name).read_text())
    tweets = json.loads((TWITTER / "tweets_api_v1.json").read_text())
    for tweet in tweets:
        tweet.pop("user")
    (folder / "tweets.js").write_text("window.YTD.tweets.part0 = " + json.dumps([{"tweet": t} for t in tweets]))
    return folder.parent


def test_twitter_archive_owner_tweets_replies_retweets_mentions(tmp_path):
    needs(TWITTER)
    archive = _twitter_archive(tmp_path)
    assert detect_format(archive) == "twitter-archive"
    data, log = read_platform_logged(archive)
    accounts = {a["account_id"]: a for a in rows(data, "accounts")}
    assert accounts["twitter:12497"]["is_brand"] and accounts["twitter:12497"]["handle"] == "simonw"
    assert accounts["twitter:73747798"]["is_follower"] and accounts["twitter:547842573"]["is_followed"]
    posts = rows(data, "posts")
    assert [p["post_id"] for p in posts] == ["twitter:tweet:1168529001599533057"]
    assert posts[0]["like_count"] == 31 and posts[0]["share_count"] == 4
    inter = rows(data, "interactions")
    kinds = sorted(r["kind"] for r in inter)
    # 1 retweet, 1 reply naming 7 people (one of them the person answered: not a separate mention)
    assert kinds.count("share") == 1 and kinds.count("reply") == 1 and kinds.count("mention") == 6
    reply = next(r for r in inter if r["kind"] == "reply")
    assert reply["parent_id"] == "twitter:tweet:1169079390577319937" and reply["actor_id"] == "twitter:12497"
    skipped: dict[str, int] = {}
    for note in log.files:
        for key, (_, n) in note.skipped.items():
            skipped[key] = skipped.get(key, 0) + n
    assert skipped["follow_undated"] == 4 and skipped["not_read"] == 1  # 2 followers + 2 followings; 1 app


def test_twitter_archive_without_tweets_is_refused_saying_why():
    needs(TWITTER)
    with pytest.raises(ReaderError) as error:
        read_platform(TWITTER / "zip_contents")
    assert "nothing to load" in str(error.value) and "without a date" in str(error.value)


def test_twitter_api_statuses_alone():
    needs(TWITTER)
    data, log = read_platform_logged(TWITTER / "tweets_api_v1.json")
    assert len(rows(data, "posts")) == 1 and len(rows(data, "interactions")) == 8
    assert any("author of every status" in w["en"] for w in log.warnings)


def test_a_lone_instagram_message_file_loads_and_the_owner_can_be_named():
    needs(INSTAGRAM)
    path = INSTAGRAM / "test_export.json"
    assert detect_format(path) == "instagram-export"
    data, log = read_platform_logged(path)
    assert len(rows(data, "interactions")) == 2
    assert any("--owner" in w["en"] for w in log.warnings)
    data, log = read_platform_logged(path, options={"owner": "John Doe"})
    by_actor = {r["actor_id"]: r for r in rows(data, "interactions")}
    assert by_actor["ig:name:John Doe"]["target_id"] == "ig:name:Jane Doe"
    assert {a["account_id"] for a in rows(data, "accounts") if a.get("is_brand")} == {"ig:name:John Doe"}
    assert not log.warnings


def test_meta_graph_multi_id_media_insights_and_account_insights():
    needs(META)
    data = read_platform(META / "medias" / "medias_fields.json")  # a ?ids=a,b response
    assert len(rows(data, "posts")) == 2
    metrics = rows(data, "post_metrics")
    assert {m["post_id"] for m in metrics} == {p["post_id"] for p in rows(data, "posts")}
    assert all(isinstance(m["likes"], int) and m["measured_at"] is not None for m in metrics)
    data, log = read_platform_logged(META / "medias" / "insights.json", options={"measured_at": "2021-06-10T00:00:00Z"})
    (metric,) = rows(data, "post_metrics")
    assert (metric["impressions"], metric["reach"], metric["saves"]) == (8, 5, 0)
    assert metric["measured_at"] == datetime(2021, 6, 10)
    assert any("media response is not in the load" in w["en"] for w in log.warnings)
    data = read_platform(META / "users" / "user_insights.json")
    audience = rows(data, "audience")
    assert [a["insight_impressions"] for a in audience] == [4, 66] and audience[0]["followers_is_relative"]


@pytest.mark.parametrize("name, why", [
    ("users/user_fields.json", "accounts only"),
    ("medias/insights_new.json", "profile_activity"),
    ("users/user_insights_new.json", "account totals without a day"),
])
def test_meta_graph_files_that_yield_nothing_are_refused_saying_why(name, why):
    needs(META)
    with pytest.raises(ReaderError) as error:
        read_platform(META / name)
    assert "nothing to load" in str(error.value) and why in str(error.value)


def test_youtube_search_results_and_a_brand_that_no_response_names():
    needs(YOUTUBE)
    data = read_platform(YOUTUBE / "search" / "search_by_keywords_p1.json")
    payload = json.loads((YOUTUBE / "search" / "search_by_keywords_p1.json").read_text())
    videos = [i for i in payload["items"] if i["id"].get("videoId")]
    assert len(rows(data, "posts")) == len(videos) == 25
    with pytest.raises(ReaderError, match="channels or playlists"):
        read_platform(YOUTUBE / "search" / "search_channels.json")
    data, log = read_platform_logged(YOUTUBE / "comments" / "comments_multi.json")
    assert any("--owner" in w["en"] for w in log.warnings)


# --------------------------------------------------------------------------------------------
# Hand-made bad cases
# --------------------------------------------------------------------------------------------


CHAT = "12/03/2024, 14:05 - Marie: Bonjour !\n12/03/2024, 14:06 - Paul: Salut\n12/03/2024, 14:07 - Léa: Coucou\n"


def test_an_option_the_format_does_not_take_is_an_error(tmp_path):
    path = tmp_path / "WhatsApp Chat with Club.txt"
    path.write_text(CHAT, encoding="utf-8")
    with pytest.raises(ReaderError, match=r"--owner does not apply to the whatsapp format.*--timezone"):
        read_platform(path, owner="x")
    with pytest.raises(ReaderError, match="unknown time zone"):
        read_platform(path, timezone="Mars/Olympus")
    with pytest.raises(ReaderError, match="DMY, MDY, YMD"):
        read_platform(path, date_order="DDD")


def test_reader_options_on_a_dataset_folder_are_refused(tmp_path):
    folder = tmp_path / "ds"
    folder.mkdir()
    (folder / "accounts.csv").write_text("account_id,platform\na,x\n")
    (folder / "posts.csv").write_text("post_id,author_id,created_at\n")
    (folder / "interactions.csv").write_text("interaction_id,kind,actor_id,created_at\n")
    store = Store(tmp_path / "s.duckdb")
    with pytest.raises(DatasetError, match="--timezone"):
        load_path(store, folder, options={"timezone": "Europe/Paris"})
    store.close()


def test_utf16_whatsapp_export_is_read(tmp_path):
    path = tmp_path / "WhatsApp Chat with Club.txt"
    path.write_bytes(CHAT.encode("utf-16"))
    assert detect_format(path) == "whatsapp"
    data = read_platform(path)
    assert sorted(r["text"] for r in rows(data, "interactions")) == ["Bonjour !", "Coucou", "Salut"]


def test_an_empty_or_unknown_json_says_what_the_file_is(tmp_path):
    empty = tmp_path / "export.json"
    empty.write_text("")
    with pytest.raises(ReaderError, match="it is empty"):
        read_platform(empty)
    other = tmp_path / "channel.json"
    other.write_text('{"guild": {"id": "1"}, "channel": {"id": "2"}}')
    with pytest.raises(ReaderError, match="not a DiscordChatExporter export"):
        read_platform(other)


def test_zip_member_over_the_cap_is_refused_without_inflating(tmp_path):
    path = tmp_path / "chat.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("WhatsApp Chat with Club.txt", CHAT + "12/03/2024, 14:08 - Marie: " + "a" * 300_000 + "\n")
    with pytest.raises(ReaderError, match=r"over the 0.1 MB cap.*--max-file-mb") as error:
        read_platform(path, max_file_mb=0.1)
    assert "WhatsApp Chat with Club.txt" in str(error.value)
    assert len(rows(read_platform(path, max_file_mb=1), "interactions")) == 4  # the cap is overridable


def test_a_cell_over_the_cap_is_refused(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Post title", "Post link", "Created date", "Impressions"])
    sheet.append(["x" * 5000, "https://www.linkedin.com/feed/update/urn:li:activity:1", "03/12/2024", 10])
    path = tmp_path / "maison_content_1.xlsx"
    book.save(path)
    with pytest.raises(ReaderError, match=r"5,000 characters, over the 1,000 cap.*--max-cell-chars"):
        read_platform(path, fmt="linkedin", max_cell_chars=1000)


def test_a_takeout_csv_cut_mid_row_is_refused(tmp_path):
    path = tmp_path / "comments.csv"
    path.write_text('Comment ID,Channel ID,Comment Create Timestamp,Price,Parent Comment ID,Video ID,Comment Text\n'
                    'c1,UC1,2024-01-01T10:00:00Z,,,v1,"{""text"":""Super vid')
    with pytest.raises(ReaderError, match="truncated"):
        read_platform(path, fmt="youtube")


def _ig_thread(folder: Path, people: list[str], lines: list[tuple[str, int, str]]) -> None:
    folder.mkdir(parents=True)
    (folder / "message_1.json").write_text(json.dumps({
        "participants": [{"name": p} for p in people],
        "messages": [{"sender_name": s, "timestamp_ms": t, "content": c} for s, t, c in lines],
    }))


def test_instagram_owner_inferred_from_the_threads_and_tied_by_the_folder(tmp_path):
    root = tmp_path / "export"
    inbox = root / "your_instagram_activity" / "messages" / "inbox"
    _ig_thread(inbox / "leaparis_1234567890", ["Léa", "Maison"], [("Léa", 1700000000000, "Prix ?"),
                                                                   ("Maison", 1700000100000, "25 €")])
    _ig_thread(inbox / "hugo_987654321", ["Hugo", "Maison"], [("Hugo", 1700000200000, "Bonjour")])
    followers = root / "connections" / "followers_and_following"
    followers.mkdir(parents=True)
    (followers / "followers_1.json").write_text(json.dumps([
        {"title": "", "string_list_data": [{"href": "https://www.instagram.com/lea.paris", "value": "lea.paris",
                                            "timestamp": 1690000000}]}]))
    data, log = read_platform_logged(root)
    dms = {r["text"]: r for r in rows(data, "interactions")}
    assert dms["25 €"]["actor_id"] == "ig:name:Maison"  # the owner: in every thread
    assert dms["Prix ?"]["actor_id"] == "ig:lea.paris"  # the folder leaparis_… names the follower lea.paris
    assert dms["Bonjour"]["actor_id"] == "ig:name:Hugo"  # no listed account to tie him to: not guessed
    assert any("present in every message thread" in w["en"] for w in log.warnings)


def test_instagram_new_liked_posts_layout_keeps_the_target(tmp_path):
    path = tmp_path / "liked_posts.json"
    path.write_text(json.dumps({"likes_media_likes": [{"timestamp": 1700000000, "label_values": [
        {"label": "URL", "value": "https://www.instagram.com/p/C4xYzAbCdEf/"},
        {"label": "Owner", "dict": [{"dict": [{"label": "URL", "value": "https://www.instagram.com/cafe.rene"},
                                              {"label": "Name", "value": "Café René"},
                                              {"label": "Username", "value": "cafe.rene"}], "title": ""}]},
    ]}]}))
    data = read_platform(path, owner="maison.lumiere")
    (like,) = rows(data, "interactions")
    assert like["target_id"] == "ig:cafe.rene" and like["post_id"] == "ig:post:C4xYzAbCdEf"


def test_cli_lists_formats_and_load_options():
    from typer.testing import CliRunner

    from liens.presentation.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["formats", "--lang", "fr"])
    assert result.exit_code == 0
    assert "telegram" in result.output and "twitter-archive" in result.output and "--me" in result.output
    result = runner.invoke(app, ["load", "--help"])
    assert "--timezone" in result.output and "--owner" in result.output and "--max-file-mb" in result.output
