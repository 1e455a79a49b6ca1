"""Platform readers: real export shapes in, dataset v1 rows out; bad input raises ReaderError naming the file.

Fixtures (fictional people only) are in tests/fixtures/platforms/<format>/, written in the shapes
the platforms produce; zips and broken files are made from them here.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from liens.errors import ReaderError
from liens.readers.registry import READERS, detect_format, read_platform
from liens.readers.values import fix_mojibake
from liens.schema import MANDATORY_TABLES, TABLES

FIX = Path(__file__).parent / "fixtures" / "platforms"
IG_NEW = FIX / "instagram" / "instagram-maison.lumiere-2024-03-20-Xk3pQa9Z"
IG_OLD = FIX / "instagram" / "old-layout"
META_IG = FIX / "meta_graph" / "instagram"
META_FB = FIX / "meta_graph" / "facebook"
YT_API = FIX / "youtube" / "api"
YT_TAKEOUT = FIX / "youtube" / "takeout"
YT_TAKEOUT_2023 = FIX / "youtube" / "takeout-2023"
DISCORD = FIX / "discord"
WA_EN = FIX / "whatsapp" / "android-en"
WA_FR = FIX / "whatsapp" / "android-fr"
WA_IOS = FIX / "whatsapp" / "ios-fr"
LINKEDIN = FIX / "linkedin"
REDDIT = FIX / "reddit" / "export_maisonlumiere_20240320"
CSV_MAP = FIX / "csv_map"


def rows(dataset: dict[str, pa.Table], table: str) -> list[dict]:
    return dataset[table].to_pylist() if table in dataset else []


def by(dataset: dict[str, pa.Table], table: str, key: str) -> dict:
    return {r[key]: r for r in rows(dataset, table)}


def kinds(dataset: dict[str, pa.Table]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in rows(dataset, "interactions"):
        counts[r["kind"]] = counts.get(r["kind"], 0) + 1
    return counts


def zip_folder(folder: Path, target: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, prefix + path.relative_to(folder).as_posix())
    return target


def assert_canonical(dataset: dict[str, pa.Table]) -> None:
    """What the loader relies on: mandatory tables, required columns filled, types, allowed values,
    every named account listed, times as naive UTC timestamps."""
    for name in MANDATORY_TABLES:
        assert name in dataset, name
    arrow_types = {"string": pa.string(), "timestamp": pa.timestamp("us"), "date": pa.date32(),
                   "integer": pa.int64(), "float": pa.float64(), "boolean": pa.bool_()}
    for name, table in dataset.items():
        spec = TABLES[name]
        for col in spec.columns:
            if col.required:
                assert col.name in table.column_names, (name, col.name)
                assert table.column(col.name).null_count == 0, (name, col.name)
            if col.name in table.column_names:
                assert table.schema.field(col.name).type == arrow_types[col.type], (name, col.name)
            if col.allowed and col.name in table.column_names:
                assert set(table.column(col.name).to_pylist()) - {None} <= set(col.allowed), (name, col.name)
        for key_cols in [spec.key]:
            keys = list(zip(*(table.column(c).to_pylist() for c in key_cols if c in table.column_names)))
            assert len(keys) == len(set(keys)), f"duplicate keys in {name}"
    accounts = set(dataset["accounts"].column("account_id").to_pylist())
    named = [r.get(c) for r in rows(dataset, "interactions") for c in ("actor_id", "target_id")]
    named += [r["author_id"] for r in rows(dataset, "posts")]
    named += [r[c] for r in rows(dataset, "follows") for c in ("follower_id", "followee_id")]
    named += [r["account_id"] for r in rows(dataset, "audience")]
    assert {n for n in named if n} <= accounts


# --------------------------------------------------------------------------------------------
# Registry and detection
# --------------------------------------------------------------------------------------------


def test_registry_lists_every_format():
    assert set(READERS) == {"instagram-export", "meta-graph", "youtube", "discord", "whatsapp", "linkedin",
                            "reddit", "csv-map", "telegram", "twitter-archive"}


@pytest.mark.parametrize("path, expected", [
    (IG_NEW, "instagram-export"), (IG_OLD, "instagram-export"), (META_IG, "meta-graph"), (META_FB, "meta-graph"),
    (YT_API, "youtube"), (YT_TAKEOUT, "youtube"), (YT_TAKEOUT_2023 / "comments.csv", "youtube"),
    (DISCORD, "discord"), (WA_EN, "whatsapp"), (WA_IOS / "_chat.txt", "whatsapp"), (LINKEDIN, "linkedin"),
    (LINKEDIN / "maisonlumiere_content_1710892800000.xls", "linkedin"), (REDDIT, "reddit"),
])
def test_detect_format(path, expected):
    assert detect_format(path) == expected


def test_detect_zipped_exports(tmp_path):
    assert detect_format(zip_folder(IG_NEW, tmp_path / "instagram.zip")) == "instagram-export"
    assert detect_format(zip_folder(YT_TAKEOUT, tmp_path / "takeout-20240320T000000Z-001.zip")) == "youtube"
    assert detect_format(zip_folder(WA_IOS, tmp_path / "WhatsApp Chat - Club Lumière.zip")) == "whatsapp"
    assert detect_format(zip_folder(REDDIT, tmp_path / "export_maisonlumiere.zip")) == "reddit"


def test_dataset_folder_is_not_a_platform_export(tmp_path):
    (tmp_path / "accounts.csv").write_text("account_id,platform\nb1,instagram\n")
    (tmp_path / "posts.csv").write_text("post_id,author_id,created_at\np1,b1,2024-01-01T00:00:00Z\n")
    (tmp_path / "interactions.csv").write_text("interaction_id,kind,actor_id,created_at\n")
    assert detect_format(tmp_path) is None
    (tmp_path / "store.duckdb").write_bytes(b"")
    assert detect_format(tmp_path / "store.duckdb") is None


def test_zip_that_is_not_an_export(tmp_path):
    archive = tmp_path / "holiday-photos.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("IMG_0001.jpg", b"\xff\xd8\xff fictional")
        z.writestr("notes/readme.md", "nothing here")
    with pytest.raises(ReaderError) as error:
        detect_format(archive)
    assert error.value.file == str(archive)
    assert "not a platform export" in str(error.value)
    with pytest.raises(ReaderError) as error:
        read_platform(archive)
    assert str(archive) in str(error.value)


def test_truncated_zip(tmp_path):
    whole = zip_folder(IG_NEW, tmp_path / "instagram-maison.lumiere-2024-03-20.zip")
    cut = tmp_path / "instagram-partial.zip"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(ReaderError) as error:
        read_platform(cut, "instagram-export")
    assert error.value.file == str(cut)
    assert "truncated" in str(error.value)


def test_json_of_unknown_shape(tmp_path):
    other = tmp_path / "settings.json"
    other.write_text(json.dumps({"theme": "dark", "volume": 3}))
    with pytest.raises(ReaderError) as error:
        detect_format(other)
    assert error.value.file == str(other)


def test_unknown_format_name_and_mapping_misuse(tmp_path):
    with pytest.raises(ReaderError, match="unknown format"):
        read_platform(DISCORD, "tiktok")
    with pytest.raises(ReaderError, match="mapping"):
        read_platform(DISCORD, "discord", mapping=CSV_MAP / "mapping.toml")
    with pytest.raises(ReaderError, match="mapping"):
        read_platform(CSV_MAP / "tiktok_comments.csv", "csv-map")


def test_mojibake_repair():
    assert fix_mojibake("Tr\u00c3\u00a8s joli \u00f0\u009f\u0091\u008f") == "Très joli 👏"
    assert fix_mojibake({"L\u00c3\u00a9a": ["caf\u00c3\u00a9"]}) == {"Léa": ["café"]}
    assert fix_mojibake("déjà juste") == "déjà juste"  # already right: left alone
    assert fix_mojibake("Zoë 😀") == "Zoë 😀"


# --------------------------------------------------------------------------------------------
# Instagram "Download your information"
# --------------------------------------------------------------------------------------------


def test_instagram_new_layout():
    data = read_platform(IG_NEW)
    assert_canonical(data)
    accounts = by(data, "accounts", "account_id")
    owner = accounts["ig:maison.lumiere"]
    assert owner["is_brand"] is True and owner["display_name"] == "Maison Lumière"
    # usernames that only exist in the href profile URL (instagram.com/_u/<name>)
    assert {"ig:lea.martin", "ig:hugo_petit", "ig:camille.rousseau", "ig:cafe.rene"} <= set(accounts)
    follows = rows(data, "follows")
    followers = sorted(f["follower_id"] for f in follows if f["followee_id"] == "ig:maison.lumiere")
    assert followers == ["ig:camille.rousseau", "ig:hugo_petit", "ig:lea.martin"]
    following = sorted(f["followee_id"] for f in follows if f["follower_id"] == "ig:maison.lumiere")
    assert following == ["ig:cafe.rene", "ig:lea.martin"]
    lea_follows = next(f for f in follows if f["follower_id"] == "ig:lea.martin")
    assert lea_follows["followed_at"] == datetime(2024, 3, 1, 11, 0)  # 1709290800 in UTC
    assert kinds(data) == {"comment": 2, "like": 2, "dm": 3, "reaction": 1}
    comments = [r for r in rows(data, "interactions") if r["kind"] == "comment"]
    texts = {c["text"] for c in comments}
    assert "Très joli, bravo à l'équipe 👏" in texts and "Merci Léa !" in texts  # mojibake repaired
    assert all(c["actor_id"] == "ig:maison.lumiere" for c in comments)
    assert {c["target_id"] for c in comments} == {"ig:cafe.rene", "ig:lea.martin"}
    likes = {r["post_id"]: r for r in rows(data, "interactions") if r["kind"] == "like"}
    assert set(likes) == {"ig:post:C4xYzAbCdEf", "ig:post:C4zZzQwErTy"}
    dms = sorted((r for r in rows(data, "interactions") if r["kind"] == "dm"), key=lambda r: r["created_at"])
    # the thread folder inbox/leamartin_… names her: the display name and the follower are one account
    assert dms[0]["actor_id"] == "ig:lea.martin" and dms[0]["target_id"] == "ig:maison.lumiere"
    assert accounts["ig:lea.martin"]["display_name"] == "Léa Martin" and "ig:name:Léa Martin" not in accounts
    assert dms[0]["text"] == "Bonjour ! Quel est le prix de la lampe Éclat ? Elle existe en vert ?"
    assert dms[0]["created_at"] == datetime(2024, 3, 10, 11, 0)
    assert dms[1]["text"] is None and dms[1]["has_media"] is True  # a photo only
    assert dms[2]["actor_id"] == "ig:maison.lumiere" and dms[2]["target_id"] == "ig:lea.martin"
    reaction = next(r for r in rows(data, "interactions") if r["kind"] == "reaction")
    assert reaction["parent_id"] == dms[0]["interaction_id"] and reaction["actor_id"] == "ig:maison.lumiere"
    assert reaction["reaction"] == "❤"


def test_instagram_zip_gives_the_same_rows_and_stable_ids(tmp_path):
    folder = read_platform(IG_NEW)
    archive = read_platform(zip_folder(IG_NEW, tmp_path / "instagram-maison.lumiere-2024-03-20-Xk3pQa9Z.zip"))
    assert sorted(folder["interactions"].column("interaction_id").to_pylist()) == \
        sorted(archive["interactions"].column("interaction_id").to_pylist())
    assert folder["follows"].num_rows == archive["follows"].num_rows == 5


def test_instagram_old_layout_and_owner_option():
    data = read_platform(IG_OLD, owner="atelier.sol")
    assert_canonical(data)
    assert by(data, "accounts", "account_id")["ig:atelier.sol"]["is_brand"] is True
    assert sorted(f["follower_id"] for f in rows(data, "follows") if f["followee_id"] == "ig:atelier.sol") == \
        ["ig:jules_b", "ig:zoe.lefevre"]
    comment = next(r for r in rows(data, "interactions") if r["kind"] == "comment")
    assert comment["text"] == "Super café, à bientôt ☕" and comment["target_id"] == "ig:zoe.lefevre"
    anonymous = read_platform(IG_OLD)  # no personal_information.json, no export name: a placeholder owner
    assert by(anonymous, "accounts", "account_id")["ig:me"]["is_brand"] is True


def test_instagram_half_downloaded_export(tmp_path):
    archive = tmp_path / "instagram-maison.lumiere-2024-03-20-Xk3pQa9Z.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(IG_NEW / "personal_information/personal_information/personal_information.json",
                "personal_information/personal_information/personal_information.json")
        z.writestr("media/posts/202403/1234.jpg", b"\xff\xd8 fictional")
    with pytest.raises(ReaderError) as error:
        read_platform(archive)
    assert error.value.file == str(archive)
    assert "incomplete" in str(error.value) and "followers_1.json" in str(error.value)


def test_instagram_html_export_is_refused(tmp_path):
    folder = tmp_path / "instagram-someone-2024-03-20"
    (folder / "connections/followers_and_following").mkdir(parents=True)
    (folder / "connections/followers_and_following/followers_1.html").write_text("<html></html>")
    with pytest.raises(ReaderError, match="JSON"):
        read_platform(folder, "instagram-export")


def test_instagram_truncated_json_names_the_file(tmp_path):
    copy = tmp_path / "export"
    shutil.copytree(IG_NEW, copy)
    target = copy / "connections/followers_and_following/followers_1.json"
    target.write_text(target.read_text()[:150])
    with pytest.raises(ReaderError) as error:
        read_platform(copy, "instagram-export")
    assert error.value.file == str(target)
    assert "truncated" in str(error.value)


def test_instagram_entry_without_username(tmp_path):
    folder = tmp_path / "export"
    (folder / "followers_and_following").mkdir(parents=True)
    (folder / "followers_and_following/followers_1.json").write_text(json.dumps(
        [{"title": "", "media_list_data": [], "string_list_data": [{"timestamp": 1709290800}]}]))
    with pytest.raises(ReaderError) as error:
        read_platform(folder, "instagram-export")
    assert error.value.row == 1 and error.value.file.endswith("followers_1.json")


# --------------------------------------------------------------------------------------------
# Meta Graph API
# --------------------------------------------------------------------------------------------


def test_meta_graph_instagram_media_comments_insights_paging():
    data = read_platform(META_IG, "meta-graph")
    assert_canonical(data)
    posts = by(data, "posts", "post_id")
    assert set(posts) == {"ig:media:17900000000000001", "ig:media:17900000000000002", "ig:media:17900000000000003"}
    first = posts["ig:media:17900000000000001"]
    assert first["format"] == "photo" and first["created_at"] == datetime(2024, 3, 10, 9, 0)
    assert first["author_id"] == "ig:maison.lumiere"
    assert (first["insight_saved"], first["insight_shares"], first["insight_reach"]) == (37, 12, 812)
    assert first["insight_total_interactions"] == 136 and first["like_count"] == 84
    assert posts["ig:media:17900000000000002"]["format"] == "carousel"
    reel = posts["ig:media:17900000000000003"]
    assert reel["format"] == "reel" and reel["insight_reach"] == 4100 and reel["insight_saved"] == 51
    # aggregates stay aggregates: no save / share / like interactions are invented from counts
    assert kinds(data) == {"comment": 4, "reply": 1}
    comments = by(data, "interactions", "interaction_id")
    reply = comments["ig:comment:17950000000000002"]
    assert reply["kind"] == "reply" and reply["parent_id"] == "ig:comment:17950000000000001"
    assert reply["actor_id"] == "ig:maison.lumiere" and reply["post_id"] == "ig:media:17900000000000001"
    # page 2 of the comments only has a 'previous' URL: the media is still found from it
    assert comments["ig:comment:17950000000000004"]["post_id"] == "ig:media:17900000000000001"
    assert comments["ig:comment:17950000000000010"]["post_id"] == "ig:media:17900000000000003"
    assert comments["ig:comment:17950000000000001"]["created_at"] == datetime(2024, 3, 10, 9, 3)
    accounts = by(data, "accounts", "account_id")
    assert accounts["ig:maison.lumiere"]["is_brand"] is True
    assert accounts["ig:maison.lumiere"]["followers_count"] == 1520
    assert accounts["ig:lea.martin"].get("is_brand") is not True


def test_meta_graph_pages_in_any_order_and_repeated(tmp_path):
    folder = tmp_path / "graph"
    folder.mkdir()
    for path in META_IG.iterdir():
        shutil.copy(path, folder / ("z_" + path.name if "page_1" in path.name else path.name))
    shutil.copy(META_IG / "comments_17900000000000001_page_1.json", folder / "again.json")  # the same page twice
    data = read_platform(folder, "meta-graph")
    assert kinds(data) == {"comment": 4, "reply": 1}


def test_meta_graph_facebook_posts_and_replies():
    data = read_platform(META_FB, "meta-graph")
    assert_canonical(data)
    post = by(data, "posts", "post_id")["fb:post:104000000000001_555000000000001"]
    assert post["share_count"] == 4 and post["reaction_count"] == 57 and post["format"] == "photo"
    inter = by(data, "interactions", "interaction_id")
    question = inter["fb:comment:555000000000001_700000000000001"]
    answer = inter["fb:comment:555000000000001_700000000000002"]
    assert question["kind"] == "comment" and question["actor_id"] == "fb:690000000000001"
    assert answer["kind"] == "reply" and answer["parent_id"] == question["interaction_id"]
    assert answer["actor_id"] == "fb:104000000000001" and answer["post_id"] == post["post_id"]
    assert by(data, "accounts", "account_id")["fb:104000000000001"]["is_brand"] is True


def test_meta_graph_error_response(tmp_path):
    bad = tmp_path / "media.json"
    bad.write_text(json.dumps({"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}}))
    with pytest.raises(ReaderError) as error:
        read_platform(bad, "meta-graph")
    assert error.value.file == str(bad) and "Invalid OAuth" in str(error.value)


def test_meta_graph_rejects_other_json_and_comments_without_author(tmp_path):
    discord_file = next(DISCORD.glob("*.json"))
    with pytest.raises(ReaderError) as error:
        read_platform(discord_file, "meta-graph")
    assert error.value.file == str(discord_file)
    bare = tmp_path / "comments.json"
    bare.write_text(json.dumps({"data": [{"id": "1795", "text": "hello", "timestamp": "2024-03-10T09:03:00+0000"}],
                                "paging": {"cursors": {"before": "a", "after": "b"}}}))
    with pytest.raises(ReaderError, match="username"):
        read_platform(bare, "meta-graph")


# --------------------------------------------------------------------------------------------
# YouTube
# --------------------------------------------------------------------------------------------


def test_youtube_api_threads_replies_videos_channel():
    data = read_platform(YT_API)
    assert_canonical(data)
    assert kinds(data) == {"comment": 3, "reply": 3}
    inter = by(data, "interactions", "interaction_id")
    top = inter["yt:comment:UgzLeaMartin000000001AaABAg"]
    assert top["actor_id"] == "yt:UCleaMartin0000000000b2" and top["post_id"] == "yt:video:Xq3vL0m1erE"
    assert top["text"] == "Combien coûte la lampe ? Je l'adore"  # textOriginal, not the HTML textDisplay
    brand_reply = inter["yt:comment:UgzLeaMartin000000001AaABAg.9z0aB1cD2eF"]
    assert brand_reply["kind"] == "reply" and brand_reply["parent_id"] == top["interaction_id"]
    assert brand_reply["actor_id"] == "yt:UCmaisonLumiere0000000a1"
    separate = inter["yt:comment:UgwCamille0000000000003AaABAg.9z1xY2zA3bC"]  # from comments.list
    assert separate["parent_id"] == "yt:comment:UgwCamille0000000000003AaABAg"
    assert inter["yt:comment:UgxHugoPetit000000002AaABAg"]["created_at"] == datetime(2024, 3, 16, 8, 5)  # +02:00
    video = by(data, "posts", "post_id")["yt:video:Xq3vL0m1erE"]
    assert video["created_at"] == datetime(2024, 3, 16, 9, 0) and video["view_count"] == 5321
    channel = by(data, "accounts", "account_id")["yt:UCmaisonLumiere0000000a1"]
    assert channel["is_brand"] is True and channel["followers_count"] == 2300 and channel["handle"] == "maisonlumiere"
    assert by(data, "accounts", "account_id")["yt:UCleaMartin0000000000b2"]["handle"] == "lea.martin"


def test_youtube_takeout_zip(tmp_path):
    data = read_platform(zip_folder(YT_TAKEOUT, tmp_path / "takeout-20240320T000000Z-001.zip"))
    assert_canonical(data)
    inter = by(data, "interactions", "interaction_id")
    first = inter["yt:comment:UgyTk0uT0001"]
    assert first["text"] == "Merci pour le partage, @atelier.sol !"
    assert first["actor_id"] == "yt:UCmaisonLumiere0000000a1" and first["post_id"] == "yt:video:Ab1Cd2Ef3Gh"
    assert first["created_at"] == datetime(2024, 2, 1, 18, 20, 0, 123000)
    reply = inter["yt:comment:UgyTk0uT0001.9zAbCdEf"]
    assert reply["kind"] == "reply" and reply["parent_id"] == "yt:comment:UgyTk0uT0001"
    assert reply["text"] == "Et la suite arrive bientôt,\nrestez connectés"
    mention = inter["yt:mention:UgyTk0uT0001:UCatelierSol0000000000e5"]
    assert mention["kind"] == "mention" and mention["target_id"] == "yt:UCatelierSol0000000000e5"
    owner = by(data, "accounts", "account_id")["yt:UCmaisonLumiere0000000a1"]
    assert owner["is_brand"] is True and owner["display_name"] == "Maison Lumière"


def test_youtube_takeout_older_text_encoding():
    data = read_platform(YT_TAKEOUT_2023 / "comments.csv")
    (comment,) = rows(data, "interactions")
    assert comment["text"] == "Très belle vidéo" and comment["kind"] == "comment"
    assert comment["created_at"] == datetime(2023, 9, 19, 17, 42, 53, 434647)


def test_youtube_half_downloaded_takeout(tmp_path):
    archive = tmp_path / "takeout-20240320T000000Z-001.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("Takeout/archive_browser.html", "<html></html>")
    with pytest.raises(ReaderError) as error:
        read_platform(archive, "youtube")
    assert error.value.file == str(archive) and "incomplete" in str(error.value)


def test_youtube_rejects_other_json_and_missing_columns(tmp_path):
    ig_file = IG_NEW / "connections/followers_and_following/followers_1.json"
    with pytest.raises(ReaderError) as error:
        read_platform(ig_file, "youtube")
    assert error.value.file == str(ig_file) and "YouTube" in str(error.value)
    broken = tmp_path / "comments.csv"
    broken.write_text("Comment ID,Channel ID,Video ID,Comment Text\nUg1,UC1,v1,hi\n")
    with pytest.raises(ReaderError) as error:
        read_platform(broken, "youtube")
    assert error.value.file == str(broken) and error.value.column == "Comment Create Timestamp"


# --------------------------------------------------------------------------------------------
# Discord
# --------------------------------------------------------------------------------------------


def test_discord_messages_replies_reactions_bots():
    data = read_platform(DISCORD)
    assert_canonical(data)
    assert kinds(data) == {"comment": 3, "reply": 1, "reaction": 2, "mention": 1}
    inter = by(data, "interactions", "interaction_id")
    question = inter["discord:msg:1200000000000000002"]
    assert question["actor_id"] == "discord:310000000000000001"
    assert question["created_at"] == datetime(2024, 3, 1, 9, 5, 12, 345000)  # +01:00 → UTC
    assert question["reaction_count"] == 4 and question["channel"] == "général"
    answer = inter["discord:msg:1200000000000000003"]
    assert answer["kind"] == "reply" and answer["parent_id"] == question["interaction_id"]
    reactions = [r for r in rows(data, "interactions") if r["kind"] == "reaction"]
    assert {r["actor_id"] for r in reactions} == {"discord:310000000000000002", "discord:310000000000000003"}
    assert all(r["parent_id"] == question["interaction_id"] and r["target_id"] == question["actor_id"]
               and r["time_estimated"] is True for r in reactions)
    # the reply's implicit mention of Léa is not counted twice; Hugo's mention of the staff is
    (mention,) = [r for r in rows(data, "interactions") if r["kind"] == "mention"]
    assert mention["actor_id"] == "discord:310000000000000002" and mention["target_id"] == "discord:310000000000000003"
    assert "discord:msg:1200000000000000006" not in inter  # "pinned a message" is not an interaction
    accounts = by(data, "accounts", "account_id")
    assert accounts["discord:310000000000000009"]["is_bot"] is True
    assert accounts["discord:310000000000000001"]["is_bot"] is False
    (join,) = rows(data, "follows")
    assert join["follower_id"] == "discord:310000000000000002" and join["followee_id"] == "discord:guild:1100000000000000001"


def test_discord_cut_short_and_truncated(tmp_path):
    source = next(DISCORD.glob("*.json"))
    export = json.loads(source.read_text())
    export["messages"] = export["messages"][:3]
    short = tmp_path / "short.json"
    short.write_text(json.dumps(export))
    with pytest.raises(ReaderError) as error:
        read_platform(short, "discord")
    assert error.value.file == str(short) and "cut short" in str(error.value)
    truncated = tmp_path / "general.json"
    truncated.write_bytes(source.read_bytes()[:2000])
    with pytest.raises(ReaderError) as error:
        read_platform(truncated, "discord")
    assert error.value.file == str(truncated) and "truncated" in str(error.value)


def test_discord_rejects_other_json(tmp_path):
    with pytest.raises(ReaderError, match="DiscordChatExporter"):
        read_platform(META_IG / "ig_user.json", "discord")


# --------------------------------------------------------------------------------------------
# WhatsApp
# --------------------------------------------------------------------------------------------


def test_whatsapp_android_english_12h():
    data = read_platform(WA_EN, timezone="Europe/Paris")
    assert_canonical(data)
    messages = sorted(rows(data, "interactions"), key=lambda r: (r["created_at"], r["interaction_id"]))
    assert len(messages) == 5 and {m["kind"] for m in messages} == {"comment"}
    assert all("end-to-end" not in (m["text"] or "") for m in messages)
    welcome = messages[0]
    assert welcome["actor_id"] == "whatsapp:name:Marie Dubois"
    assert welcome["text"] == "Welcome to the club!\nNext workshop is on Wednesday.\nBring your own lampshade 💡"
    assert welcome["created_at"] == datetime(2024, 3, 12, 13, 5)  # 2:05 PM in Paris (UTC+1) = 13:05 UTC
    media = next(m for m in messages if m["actor_id"] == "whatsapp:name:Léa Martin")
    assert media["text"] is None and media["has_media"] is True
    phone = next(m for m in messages if m["actor_id"] == "whatsapp:tel:+33612345678")
    assert phone["text"] == "How much is the brass lamp?"
    deleted = next(m for m in messages if m["actor_id"] == "whatsapp:name:Paul Girard")
    assert deleted["is_deleted"] is True and deleted["text"] is None
    last = messages[-1]
    assert last["created_at"] == datetime(2024, 3, 13, 8, 15)  # 3/13 → month first
    assert last["text"] == "89 € for the brass lamp" and last["is_edited"] is True
    follows = by(data, "follows", "follower_id")
    assert set(follows) == {"whatsapp:name:Marie Dubois", "whatsapp:name:Paul Girard", "whatsapp:tel:+33612345678",
                            "whatsapp:name:Léa Martin"}
    assert all(f["followee_id"] == "whatsapp:group:Club Lumière" for f in follows.values())
    assert follows["whatsapp:name:Paul Girard"]["unfollowed_at"] == datetime(2024, 3, 13, 8, 16)
    assert by(data, "accounts", "account_id")["whatsapp:group:Club Lumière"]["is_brand"] is True


def test_whatsapp_android_french_day_first_and_default_utc():
    data = read_platform(WA_FR)
    messages = sorted(rows(data, "interactions"), key=lambda r: r["created_at"])
    assert [m["created_at"] for m in messages] == [datetime(2024, 3, 12, 14, 5), datetime(2024, 3, 13, 9, 20),
                                                   datetime(2024, 3, 13, 9, 21)]
    assert messages[1]["has_media"] is True and messages[1]["text"] is None  # <Médias omis>
    assert messages[2]["is_deleted"] is True
    follows = by(data, "follows", "follower_id")
    assert follows["whatsapp:name:Paul Girard"]["unfollowed_at"] == datetime(2024, 3, 13, 9, 30)


def test_whatsapp_ios_zip_with_media(tmp_path):
    archive = zip_folder(WA_IOS, tmp_path / "WhatsApp Chat - Club Lumière.zip")
    data = read_platform(archive, timezone="Europe/Paris")
    assert_canonical(data)
    messages = sorted(rows(data, "interactions"), key=lambda r: r["created_at"])
    assert len(messages) == 4
    assert messages[0]["text"] == "Bienvenue Léa !" and messages[0]["created_at"] == datetime(2024, 3, 12, 13, 5, 33)
    assert [m["has_media"] for m in messages[1:3]] == [True, True]
    assert messages[3]["text"] == "Merci ! Vous livrez à Bruxelles ?\nEt en Suisse ?"
    assert {m["chat"] for m in messages} == {"Club Lumière"}
    assert set(by(data, "follows", "follower_id")) == {"whatsapp:name:Marie Dubois", "whatsapp:name:Léa Martin"}


def test_whatsapp_two_person_chat_is_dm_and_ids_do_not_depend_on_timezone(tmp_path):
    chat = tmp_path / "WhatsApp Chat with Léa Martin.txt"
    chat.write_text("[3/12/24, 2:05:33 PM] Léa Martin: Hi, is the lamp in stock?\n"
                    "[3/12/24, 2:30:00 PM] Maison Lumière: Yes! Shall we keep one for you?\n", encoding="utf-8")
    utc = read_platform(chat, "whatsapp")
    paris = read_platform(chat, "whatsapp", timezone="Europe/Paris")
    assert kinds(utc) == {"dm": 2}
    first = min(rows(utc, "interactions"), key=lambda r: r["created_at"])
    assert first["target_id"] == "whatsapp:name:Maison Lumière" and first["created_at"] == datetime(2024, 3, 12, 14, 5, 33)
    assert sorted(utc["interactions"].column("interaction_id").to_pylist()) == \
        sorted(paris["interactions"].column("interaction_id").to_pylist())
    assert "follows" not in utc


def test_whatsapp_not_a_chat(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("Shopping list\n- bulbs\n")
    with pytest.raises(ReaderError) as error:
        read_platform(notes, "whatsapp")
    assert error.value.file == str(notes) and error.value.row == 1
    empty_zip = tmp_path / "WhatsApp Chat - Club.zip"
    with zipfile.ZipFile(empty_zip, "w") as z:
        z.writestr("00000012-PHOTO.jpg", b"\xff\xd8")
    with pytest.raises(ReaderError) as error:
        read_platform(empty_zip, "whatsapp")
    assert error.value.file == str(empty_zip)
    with pytest.raises(ReaderError, match="time zone"):
        read_platform(WA_EN, "whatsapp", timezone="Mars/Olympus")


# --------------------------------------------------------------------------------------------
# LinkedIn
# --------------------------------------------------------------------------------------------


def test_linkedin_content_and_followers_exports():
    data = read_platform(LINKEDIN)
    assert_canonical(data)
    assert data["interactions"].num_rows == 0
    posts = by(data, "posts", "post_id")
    job = posts["linkedin:urn:li:activity:7173000000000000002"]
    assert job["author_id"] == "linkedin:page:maisonlumiere" and job["created_at"] == datetime(2024, 3, 15)
    assert (job["impressions"], job["reactions"], job["comments"], job["shares"]) == (10876, 150, 31, 22)
    assert job["format"] == "video" and job["campaign"] == "Recrutement printemps" and job["paid"] is True
    lamp = posts["linkedin:urn:li:activity:7172000000000000001"]
    assert lamp["format"] == "photo" and lamp["engagement_rate"] == pytest.approx(0.0591)
    audience = sorted(rows(data, "audience"), key=lambda r: r["date"])
    assert [a["date"] for a in audience][:2] == [date(2024, 3, 12), date(2024, 3, 13)]
    assert [a["new_followers"] for a in audience] == [4, 4, 2, 43, 24]
    assert [a["followers"] for a in audience] == [4, 8, 10, 53, 77]  # counted from the export's first day
    assert audience[3]["sponsored_followers"] == 38 and audience[0]["followers_is_relative"] is True
    assert audience[0]["page_impressions"] == 1800  # the content export's daily metrics, same day
    assert by(data, "accounts", "account_id")["linkedin:page:maisonlumiere"]["is_brand"] is True
    assert data["audience"].schema.field("date").type == pa.date32()


def test_linkedin_followers_total_and_csv():
    data = read_platform(LINKEDIN, "linkedin", followers_total=1077)
    assert [a["followers"] for a in sorted(rows(data, "audience"), key=lambda r: r["date"])] == [1004, 1008, 1010, 1053, 1077]
    csv_data = read_platform(LINKEDIN / "csv")
    assert [a["followers"] for a in rows(csv_data, "audience")] == [4, 8]


def test_linkedin_says_which_analyses_need_people():
    from liens.readers.linkedin import NEEDS_PER_PERSON_DATA, limitations

    assert {"pods", "fake_followers", "members", "responsiveness"} <= set(NEEDS_PER_PERSON_DATA)
    assert "aggregates only" in limitations()


def test_linkedin_broken_spreadsheets(tmp_path):
    source = LINKEDIN / "maisonlumiere_content_1710892800000.xls"
    cut = tmp_path / "maisonlumiere_content_1.xls"
    cut.write_bytes(source.read_bytes()[:1500])
    with pytest.raises(ReaderError) as error:
        read_platform(cut, "linkedin")
    assert error.value.file == str(cut)
    import openpyxl

    other = tmp_path / "budget.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Poste", "Montant"])
    book.active.append(["Ampoules", 120])
    book.save(other)
    with pytest.raises(ReaderError, match="no LinkedIn analytics sheet"):
        read_platform(other, "linkedin")


# --------------------------------------------------------------------------------------------
# Reddit
# --------------------------------------------------------------------------------------------


def test_reddit_export():
    data = read_platform(REDDIT)
    assert_canonical(data)
    owner = "reddit:u:maisonlumiere"
    assert by(data, "accounts", "account_id")[owner]["is_brand"] is True
    posts = by(data, "posts", "post_id")
    assert set(posts) == {"reddit:t3_1b9xq2k", "reddit:t3_1bc0aa1"}
    assert posts["reddit:t3_1b9xq2k"]["created_at"] == datetime(2024, 3, 8, 16, 2, 11)
    assert posts["reddit:t3_1b9xq2k"]["caption"].startswith("We made a brass lamp")
    inter = by(data, "interactions", "interaction_id")
    reply = inter["reddit:t1_kxa1b2c"]
    assert reply["kind"] == "reply" and reply["parent_id"] == "reddit:t1_kx9zz01"
    assert reply["post_id"] == "reddit:t3_1b9xq2k" and reply["actor_id"] == owner
    assert inter["reddit:t1_kxb3d4e"]["kind"] == "comment" and inter["reddit:t1_kxb3d4e"]["post_id"] == "reddit:t3_1b7aaaa"
    question = inter["reddit:msg:2ab1cd"]
    assert question["kind"] == "dm" and question["actor_id"] == "reddit:u:zoe_lefevre_fictive" and question["target_id"] == owner
    assert inter["reddit:msg:2ab1ce"]["actor_id"] == owner


def test_reddit_zip_and_bad_input(tmp_path):
    data = read_platform(zip_folder(REDDIT, tmp_path / "export_maisonlumiere_20240320.zip"))
    assert data["posts"].num_rows == 2
    broken = tmp_path / "export"
    broken.mkdir()
    (broken / "comments.csv").write_text("id,permalink,subreddit,body\nabc,https://x.invalid,DIY,hi\n")
    with pytest.raises(ReaderError) as error:
        read_platform(broken, "reddit")
    assert error.value.column == "date" and error.value.file == str(broken / "comments.csv")
    with pytest.raises(ReaderError, match=r"posts\.csv or comments\.csv"):
        read_platform(DISCORD, "reddit")


# --------------------------------------------------------------------------------------------
# Any CSV with a mapping
# --------------------------------------------------------------------------------------------


def test_csv_map():
    data = read_platform(CSV_MAP, mapping=CSV_MAP / "mapping.toml")  # auto + mapping = csv-map
    assert_canonical(data)
    inter = by(data, "interactions", "interaction_id")
    assert [inter[i]["kind"] for i in ("tt:c-001", "tt:c-002", "tt:c-003")] == ["comment", "like", "reply"]
    assert inter["tt:c-001"]["actor_id"] == "tt:@lea.martin" and inter["tt:c-001"]["platform"] == "tiktok"
    assert inter["tt:c-001"]["created_at"] == datetime(2024, 3, 12, 13, 5)  # 14:05 in Paris
    assert inter["tt:c-002"]["text"] is None
    post = by(data, "posts", "post_id")["tt:v-100"]
    assert post["created_at"] == datetime(2024, 3, 12, 13, 0) and post["views"] == 12400 and post["format"] == "video"
    assert {"tt:@lea.martin", "tt:@hugo_petit", "tt:@maisonlumiere"} <= set(by(data, "accounts", "account_id"))


def test_csv_map_missing_column():
    with pytest.raises(ReaderError) as error:
        read_platform(CSV_MAP, "csv-map", mapping=CSV_MAP / "mapping_missing_column.toml")
    assert error.value.file == str(CSV_MAP / "tiktok_comments.csv")
    assert error.value.column == "Utilisateur" and "not in the file" in str(error.value)


def write_map(folder: Path, body: str, csv_text: str) -> Path:
    (folder / "data.csv").write_text(csv_text, encoding="utf-8")
    mapping = folder / "map.toml"
    mapping.write_text(body, encoding="utf-8")
    return mapping


COLUMNS = """
[interactions]
file = "data.csv"
[interactions.columns]
interaction_id = "id"
kind = "type"
actor_id = "who"
created_at = "when"
"""


def test_csv_map_bad_values_name_row_and_column(tmp_path):
    mapping = write_map(tmp_path, COLUMNS, "id,type,who,when\n1,like,a,2024-03-01T10:00:00Z\n2,poke,b,2024-03-01T10:00:00Z\n")
    with pytest.raises(ReaderError) as error:
        read_platform(tmp_path, "csv-map", mapping=mapping)
    assert (error.value.row, error.value.column) == (3, "type") and "like" in str(error.value)
    mapping = write_map(tmp_path, COLUMNS, "id,type,who,when\n1,like,a,2024-03-01T10:00:00Z\n2,like,b,yesterday\n")
    with pytest.raises(ReaderError) as error:
        read_platform(tmp_path, "csv-map", mapping=mapping)
    assert (error.value.row, error.value.column) == (3, "when")


def test_csv_map_bad_mappings(tmp_path):
    mapping = write_map(tmp_path, COLUMNS.replace('created_at = "when"\n', ""), "id,type,who,when\n1,like,a,2024-03-01\n")
    with pytest.raises(ReaderError) as error:
        read_platform(tmp_path, "csv-map", mapping=mapping)
    assert error.value.file == str(mapping) and error.value.column == "created_at"
    mapping = write_map(tmp_path, COLUMNS + "\n[likes]\nfile = \"x.csv\"\n[likes.columns]\na = \"b\"\n", "id\n")
    with pytest.raises(ReaderError, match="unknown table"):
        read_platform(tmp_path, "csv-map", mapping=mapping)
    mapping = write_map(tmp_path, "[interactions\nfile=", "id\n")
    with pytest.raises(ReaderError, match="TOML"):
        read_platform(tmp_path, "csv-map", mapping=mapping)
    mapping = write_map(tmp_path, COLUMNS.replace("data.csv", "absent.csv"), "id\n")
    with pytest.raises(ReaderError) as error:
        read_platform(tmp_path, "csv-map", mapping=mapping)
    assert error.value.file == str(tmp_path / "absent.csv")


def test_csv_map_epochs_offsets_and_single_file(tmp_path):
    mapping = tmp_path / "map.toml"
    mapping.write_text(COLUMNS.replace('file = "data.csv"\n', ""), encoding="utf-8")
    data_file = tmp_path / "export.csv"
    data_file.write_text("id,type,who,when\n1,like,a,1709290800\n2,comment,b,2024-03-01T12:00:00+01:00\n"
                         "3,Comment,c,2024-03-01 11:00:00\n", encoding="utf-8")
    data = read_platform(data_file, "csv-map", mapping=mapping)
    times = [r["created_at"] for r in rows(data, "interactions")]
    assert times == [datetime(2024, 3, 1, 11, 0)] * 3
    assert rows(data, "interactions")[2]["kind"] == "comment"


# --------------------------------------------------------------------------------------------
# Through the loader
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path, fmt, options", [
    (IG_NEW, "instagram-export", {}), (META_IG.parent, "meta-graph", {}), (YT_API, "youtube", {}),
    (DISCORD, "discord", {}), (WA_EN, "whatsapp", {}), (LINKEDIN, "linkedin", {}), (REDDIT, "reddit", {}),
    (CSV_MAP, "csv-map", {"mapping": CSV_MAP / "mapping.toml"}),
])
def test_every_reader_loads_into_the_store_twice_without_duplicates(tmp_path, path, fmt, options):
    from liens.store import Store, load_path

    store = Store(tmp_path / "liens.duckdb")
    first = load_path(store, path, fmt=fmt, **options)
    second = load_path(store, path, fmt=fmt, **options)
    assert first.rows_new["interactions"] == first.rows_in["interactions"]
    assert sum(second.rows_new.values()) == 0
