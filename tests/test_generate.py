"""The planted-truth world generator: format, determinism, and that the planted structures hold."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from liens.generate import generate_world
from liens.schema import BOOLEAN, DATE, FLOAT, INTEGER, TABLES, TIMESTAMP

ISO_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    generate_world(out, accounts=2000, seed=3)
    return out


def read(folder: Path, name: str) -> pd.DataFrame:
    """A CSV table as text, empty cells as NaN."""
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False, na_values=[""])


def times(column: pd.Series) -> pd.Series:
    return pd.to_datetime(column, utc=True, format="%Y-%m-%dT%H:%M:%SZ")


def summary(folder: Path) -> dict:
    return json.loads((folder / "truth" / "summary.json").read_text(encoding="utf-8"))


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    generate_world(tmp_path / "a", accounts=800, seed=7)
    generate_world(tmp_path / "b", accounts=800, seed=7)
    generate_world(tmp_path / "c", accounts=800, seed=8)
    a, b, c = files(tmp_path / "a"), files(tmp_path / "b"), files(tmp_path / "c")
    assert a.keys() == b.keys() == c.keys()
    assert a == b
    assert a["interactions.csv"] != c["interactions.csv"]
    assert a["accounts.csv"] != c["accounts.csv"]


def test_every_table_follows_the_dataset_format(world: Path) -> None:
    for name, spec in TABLES.items():
        frame = read(world, name)
        assert list(frame.columns) == [c.name for c in spec.columns], name
        assert len(frame), name
        for column in spec.columns:
            values = frame[column.name].dropna()
            if column.required:
                assert frame[column.name].notna().all(), f"{name}.{column.name} has empty cells"
            if column.allowed:
                assert set(values) <= set(column.allowed), f"{name}.{column.name}"
            if column.type == TIMESTAMP:
                assert values.str.match(ISO_TIMESTAMP).all(), f"{name}.{column.name}"
            elif column.type == DATE:
                assert values.str.match(ISO_DATE).all(), f"{name}.{column.name}"
            elif column.type == BOOLEAN:
                assert set(values) <= {"true", "false"}, f"{name}.{column.name}"
            elif column.type == INTEGER:
                assert values.str.fullmatch(r"-?\d+").all(), f"{name}.{column.name}"
            elif column.type == FLOAT:
                pd.to_numeric(values)
        key = list(spec.key)
        assert not frame.duplicated(key).any(), f"{name} key {key} is not unique"


def test_texts_only_on_a_minority_and_never_on_likes(world: Path) -> None:
    inter = read(world, "interactions")
    with_text = inter["text"].notna()
    assert 0.05 < with_text.mean() < 0.35
    assert not inter.loc[inter["kind"].isin(["like", "view", "save", "reaction", "click"]), "text"].notna().any()
    views = inter[inter["kind"] == "view"]
    assert views["dwell_seconds"].notna().all()


def test_truth_ids_exist_in_the_data(world: Path) -> None:
    accounts = set(read(world, "accounts")["account_id"])
    inter = read(world, "interactions")
    interaction_ids = set(inter["interaction_id"])
    truth = world / "truth"
    t_accounts = read(truth, "accounts")
    assert set(t_accounts["account_id"]) == accounts
    for name in ("pods", "hard_negatives"):
        assert set(read(truth, name)["account_id"]) <= accounts, name
    texts = read(truth, "texts")
    assert set(texts["interaction_id"]) <= interaction_ids
    assert set(texts["reply_id"].dropna()) <= interaction_ids
    assert set(inter.loc[inter["text"].notna() & ~inter["actor_id"].isin(brand_ids(world)), "interaction_id"]) \
        == set(texts["interaction_id"])
    conversions = read(truth, "conversions")
    assert set(conversions["conversion_id"]) == set(read(world, "conversions")["conversion_id"])
    assert set(conversions["account_id"].dropna()) <= accounts
    assert set(conversions["interaction_id"].dropna()) <= interaction_ids
    posts = set(read(world, "posts")["post_id"])
    assert set(inter["post_id"].dropna()) <= posts
    assert set(inter["actor_id"]) <= accounts and set(inter["target_id"].dropna()) <= accounts
    follows = read(world, "follows")
    assert set(follows["follower_id"]) | set(follows["followee_id"]) <= accounts
    assert set(read(world, "identities")["account_id"]) <= accounts
    assert set(read(truth, "hard_negatives")["anchor_id"].dropna()) <= accounts | posts


def test_interactions_are_consistent_in_time_and_platform(world: Path) -> None:
    inter, posts, accounts = read(world, "interactions"), read(world, "posts"), read(world, "accounts")
    s = summary(world)
    at = times(inter["created_at"])
    assert at.min() >= pd.Timestamp(s["window"]["start"]) and at.max() < pd.Timestamp(s["window"]["end"])
    on_post = inter.merge(posts[["post_id", "platform", "created_at"]], on="post_id", suffixes=("", "_post"))
    assert (on_post["platform"] == on_post["platform_post"]).all()
    assert (times(on_post["created_at"]) > times(on_post["created_at_post"])).all()
    by_actor = inter.merge(accounts[["account_id", "platform", "created_at"]], left_on="actor_id",
                           right_on="account_id", suffixes=("", "_actor"))
    assert (by_actor["platform"] == by_actor["platform_actor"]).all()
    assert (times(by_actor["created_at"]) > times(by_actor["created_at_actor"])).all()
    follows = read(world, "follows").merge(accounts[["account_id", "created_at"]], left_on="follower_id",
                                           right_on="account_id")
    assert (times(follows["followed_at"]) > times(follows["created_at"])).all()
    left = follows["unfollowed_at"].notna()
    assert (times(follows.loc[left, "unfollowed_at"]) >= times(follows.loc[left, "followed_at"])).all()


def brand_ids(folder: Path) -> set[str]:
    accounts = read(folder, "accounts")
    return set(accounts.loc[accounts["is_brand"] == "true", "account_id"])


def engagement(folder: Path) -> pd.DataFrame:
    """Likes, reactions and comments on posts, with the post's author and the delay in minutes."""
    inter = read(folder, "interactions")
    posts = read(folder, "posts")
    inter = inter[inter["kind"].isin(["like", "reaction", "comment"])]
    joined = inter.merge(posts[["post_id", "author_id", "created_at"]], on="post_id", suffixes=("", "_post"))
    joined["delay_min"] = (times(joined["created_at"]) - times(joined["created_at_post"])).dt.total_seconds() / 60
    return joined


def test_pods_engage_each_other_promptly_and_reciprocally(world: Path) -> None:
    eng = engagement(world)
    pods = read(world / "truth", "pods")
    assert set(pods["style"]) == {"tight", "rotating", "partial"}
    assert (pods.groupby("pod_id")["includes_brand"].first() == "true").sum() == 1
    for pod_id, members in pods.groupby("pod_id"):
        ids = set(members["account_id"])
        inside = eng[eng["actor_id"].isin(ids) & eng["author_id"].isin(ids) & (eng["actor_id"] != eng["author_id"])]
        assert inside["delay_min"].median() < 20, pod_id
        pairs = set(zip(inside["actor_id"], inside["author_id"]))
        if members["style"].iloc[0] != "rotating":  # rotating members may never overlap
            reciprocal = sum((b, a) in pairs for a, b in pairs) / len(pairs)
            assert reciprocal > 0.9, pod_id


def test_stars_never_engage_their_fans_and_fans_rarely_each_other(world: Path) -> None:
    eng = engagement(world)
    hn = read(world / "truth", "hard_negatives")
    clubs = hn[hn["kind"] == "fan_club"]
    for _, club in clubs.groupby("group_id"):
        star = club.loc[club["member_role"] == "star", "account_id"].iloc[0]
        fans = set(club.loc[club["member_role"] == "fan", "account_id"])
        assert 30 <= len(fans) <= 120
        assert not (eng["actor_id"].eq(star) & eng["author_id"].isin(fans)).any()
        on_star = eng[eng["author_id"].eq(star) & eng["actor_id"].isin(fans)]
        assert on_star["delay_min"].median() < 15
        fan_to_fan = eng[eng["author_id"].isin(fans) & eng["actor_id"].isin(fans)]
        assert len(fan_to_fan) < 0.1 * len(on_star)


def test_friend_groups_are_slower_than_pods(world: Path) -> None:
    eng = engagement(world)
    hn = read(world / "truth", "hard_negatives")
    pods = read(world / "truth", "pods")

    def median_delay(groups: pd.DataFrame, key: str) -> float:
        delays = []
        for _, g in groups.groupby(key):
            ids = set(g["account_id"])
            delays.append(eng.loc[eng["actor_id"].isin(ids) & eng["author_id"].isin(ids)
                                  & (eng["actor_id"] != eng["author_id"]), "delay_min"])
        return float(pd.concat(delays).median())

    friends = median_delay(hn[hn["kind"] == "friend_group"], "group_id")
    pod = median_delay(pods, "pod_id")
    assert friends > 120 and friends > 10 * pod


def test_viral_post_gets_a_burst_and_new_followers(world: Path) -> None:
    hn = read(world / "truth", "hard_negatives")
    viral = hn[hn["kind"] == "viral"]
    post = viral["anchor_id"].iloc[0]
    eng = engagement(world)
    on_post = eng[eng["post_id"] == post]
    assert len(on_post) > 300
    assert (on_post["delay_min"] < 24 * 60).mean() > 0.8
    bursts = read(world / "truth", "bursts")
    assert {"bought", "viral", "campaign"} <= set(bursts["kind"])


def test_follower_labels_match_the_summary_and_the_audience(world: Path) -> None:
    truth = read(world / "truth", "accounts")
    s = summary(world)["followers"]
    counts = truth["audience_label"].value_counts()
    for label in ("real", "fake", "inactive", "mass_follower"):
        assert counts.get(label, 0) == s["by_label"][label]
    labelled = truth["audience_label"].notna().sum()
    assert s["share"]["fake"] == round(counts["fake"] / labelled, 4)
    # Fakes and inactive followers never interact.
    inter = read(world, "interactions")
    silent = truth.loc[truth["audience_label"].isin(["fake", "inactive"]), "account_id"]
    assert not inter["actor_id"].isin(silent).any()
    # Daily audience equals the follows still active at the end of each day.
    follows, audience = read(world, "follows"), read(world, "audience")
    for account, daily in audience.groupby("account_id"):
        last = daily.iloc[-1]
        end = pd.Timestamp(last["date"], tz="UTC") + pd.Timedelta(days=1)
        mine = follows[follows["followee_id"] == account]
        left = mine["unfollowed_at"].isna() | (times(mine["unfollowed_at"]) >= end)
        active = (times(mine["followed_at"]) < end) & left
        assert int(last["followers"]) == int(active.sum())


def test_every_reply_has_its_parent_and_the_planted_delay(world: Path) -> None:
    inter = read(world, "interactions").set_index("interaction_id")
    with_parent = inter[inter["parent_id"].notna()]
    assert with_parent["parent_id"].isin(inter.index).all()
    parent_time = times(inter.loc[with_parent["parent_id"], "created_at"]).to_numpy()
    assert (times(with_parent["created_at"]).to_numpy() > parent_time).all()
    texts = read(world / "truth", "texts")
    timed = texts[texts["response_minutes"].notna()]
    assert len(timed) > 50
    assert (timed["needs_answer"] == "true").all() and (timed["answered"] == "true").all()
    replies = inter.loc[timed["reply_id"]]
    assert (replies["parent_id"].to_numpy() == timed["interaction_id"].to_numpy()).all()
    assert replies["actor_id"].isin(brand_ids(world)).all()
    asked = times(inter.loc[timed["interaction_id"], "created_at"]).to_numpy()
    delay = times(replies["created_at"]).to_numpy() - asked
    assert (delay / np.timedelta64(1, "m") == timed["response_minutes"].astype(int).to_numpy()).all()
    needing = texts[texts["needs_answer"] == "true"]
    unanswered = (needing["answered"] == "false").mean()
    assert 0.25 < unanswered < 0.45


def test_texts_cover_every_intent_in_both_languages(world: Path) -> None:
    texts = read(world / "truth", "texts")
    table = pd.crosstab(texts["intent"], texts["language"])
    for intent in ("purchase", "job", "cocreation", "support", "critique", "praise", "generic", "spam"):
        assert table.loc[intent, "fr"] > 0 and table.loc[intent, "en"] > 0, intent
    assert "other" in table.columns


ENGAGING = ("like", "reaction", "comment", "reply", "share", "save", "story_reply", "dm", "mention")


def self_engaged(folder: Path) -> set[str]:
    """Accounts with brand engagement of their own (no pod member converts, so pods do not matter here)."""
    inter = read(folder, "interactions")
    posts = read(folder, "posts")
    brand = brand_ids(folder)
    on_brand = inter["post_id"].isin(posts.loc[posts["author_id"].isin(brand), "post_id"]) | inter["target_id"].isin(brand)
    return set(inter.loc[on_brand & inter["kind"].isin(ENGAGING), "actor_id"]) - brand


def test_conversions_are_linked_in_every_planted_way(world: Path) -> None:
    """linked_by follows what the data shows: identity = recorded on a listed account that never
    engaged the brand itself; account = any other recorded account; the planted person is the
    recorded account's person either way."""
    truth = read(world / "truth", "conversions")
    assert {"account", "identity", "campaign", "none"} <= set(truth["linked_by"])
    data = read(world, "conversions").set_index("conversion_id")
    identities = read(world, "identities")
    member_of = dict(zip(identities["account_id"], identities["member_id"]))
    true_person = read(world / "truth", "accounts").set_index("account_id")["member_id"]
    engaged = self_engaged(world)
    recorded = truth[truth["linked_by"].isin(["account", "identity"])]
    written = data.loc[recorded["conversion_id"], "account_id"].to_numpy()
    assert (written == recorded["data_account_id"].to_numpy()).all()
    assert (true_person.loc[written].to_numpy() == recorded["member_id"].to_numpy()).all()
    via_identity = np.array([w in member_of and w not in engaged for w in written])
    assert (via_identity == (recorded["linked_by"] == "identity").to_numpy()).all()
    # Some are recorded on the person's other (quiet) account, reachable only through identities.
    moved = recorded[written != recorded["account_id"].to_numpy()]
    assert len(moved) and all(member_of[a] == member_of[b] for a, b in zip(moved["data_account_id"], moved["account_id"]))
    anonymous = truth.loc[truth["linked_by"].isin(["campaign", "none"]), "conversion_id"]
    assert data.loc[anonymous, "account_id"].isna().all()


def test_planted_themes_are_where_the_truth_says(world: Path) -> None:
    """Rising themes: named by new authors only inside their window, nowhere before; the steady
    decoy: at least three French mentions in every 7-day span; every theme text holds a keyword."""
    themes = read(world / "truth", "weak_signals").set_index("theme")
    texts = read(world / "truth", "texts")
    inter = read(world, "interactions").set_index("interaction_id")
    words = inter["text"].fillna("").str.lower().str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")
    words = words.str.findall(r"[a-z]+").map(set)
    at = times(inter["created_at"])
    for name, theme in themes.iterrows():
        mine = texts.loc[texts["theme"] == name, "interaction_id"]
        keywords = set(theme["keywords"].split())
        assert len(mine) == int(theme["texts"]) and inter.loc[mine, "actor_id"].nunique() == int(theme["authors"])
        assert (texts.loc[texts["interaction_id"].isin(mine), "intent"] == "critique").all()
        assert all(w & keywords for w in words.loc[mine]), name
        lo, hi = times(pd.Series([theme["window_start"], theme["window_end"]]))
        assert at.loc[mine].between(lo, hi, inclusive="left").all(), name
        if theme["kind"] == "rising":
            before = words[at < lo]
            assert not any(w & keywords for w in before), name
        else:
            fr = at.loc[mine[texts.set_index("interaction_id").loc[mine, "language"].to_numpy() == "fr"]].sort_values()
            spans = fr.searchsorted(fr + pd.Timedelta(days=7)) - np.arange(len(fr))
            assert spans[fr + pd.Timedelta(days=7) <= hi].min() >= 3


def test_observable_funnel_is_counted_from_the_data(world: Path) -> None:
    """summary.funnel_observable: the rules in truth/README.md, recounted here from the files."""
    s = summary(world)["funnel_observable"]
    identities = read(world, "identities")
    person = dict(zip(identities["account_id"], identities["member_id"]))
    label = read(world / "truth", "accounts").set_index("account_id")["audience_label"]
    brand = brand_ids(world)
    follows = read(world, "follows")
    now = follows.loc[follows["followee_id"].isin(brand) & follows["unfollowed_at"].isna(), "follower_id"]
    assert s["followers_all"] == len({person.get(a, a) for a in now})
    assert s["followers"] == len({person.get(a, a) for a in now if label.get(a) == "real"})
    inter = read(world, "interactions")
    posts = read(world, "posts").set_index("post_id")
    pods = read(world / "truth", "pods")
    pod_of = dict(zip(pods["account_id"], pods["pod_id"]))
    author = posts["author_id"].reindex(inter["post_id"]).to_numpy()
    mine, theirs = inter["actor_id"].map(pod_of), pd.Series(author).map(pod_of)
    pod = (mine.notna() & (mine.to_numpy() == theirs.to_numpy()) & (inter["actor_id"].to_numpy() != author))
    on_brand = pd.Series(author).isin(brand).to_numpy() | inter["target_id"].isin(brand)
    clean = (on_brand & inter["kind"].isin(ENGAGING) & ~inter["actor_id"].isin(brand) & ~pod
             & label.reindex(inter["actor_id"]).ne("fake").to_numpy())
    engaged = inter[clean]
    who = engaged["actor_id"].map(lambda a: person.get(a, a))
    assert s["engaged_members"] == who.nunique()
    texts = read(world / "truth", "texts")
    intent = set(texts.loc[texts["intent"].isin(["purchase", "job", "cocreation"]), "interaction_id"])
    assert s["members_with_intent"] == who[engaged["interaction_id"].isin(intent)].nunique()
    conversions = read(world, "conversions").dropna(subset=["account_id"])
    buyer = conversions["account_id"].map(lambda a: person.get(a, a))
    assert s["converted_members"] == buyer.nunique()
    first = times(engaged["created_at"]).groupby(who.to_numpy()).min()
    after = times(conversions["occurred_at"]).to_numpy() >= first.reindex(buyer).to_numpy()
    assert s["converted_after_engaging"] == buyer[after].nunique()
    # Close to the planted funnel, which counts true people (and contacts the data cannot see).
    planted = summary(world)["funnel"]
    for stage in ("followers", "engaged_members", "members_with_intent"):
        assert abs(s[stage] - planted[stage]) <= 0.05 * planted[stage], stage


def test_no_pods_means_no_pod(tmp_path: Path) -> None:
    s = generate_world(tmp_path, accounts=1000, seed=1, pods=False)
    assert s["pods"]["count"] == 0
    assert read(tmp_path / "truth", "pods").empty
    truth = read(tmp_path / "truth", "accounts")
    assert truth["pod_id"].isna().all() and not (truth["role"] == "pod").any()


@pytest.mark.parametrize("accounts, interactions", [(1000, None), (1500, 40_000), (3000, 12_000)])
def test_interaction_count_is_close_to_the_request(tmp_path: Path, accounts: int, interactions: int | None) -> None:
    s = generate_world(tmp_path, accounts=accounts, seed=2, interactions=interactions)
    wanted = interactions or 10 * accounts
    written = len(read(tmp_path, "interactions"))
    assert written == s["interactions"]
    assert abs(written - wanted) <= 0.15 * wanted


@pytest.mark.parametrize("file_format", ["parquet", "jsonl"])
def test_other_file_formats_hold_the_same_tables(tmp_path: Path, file_format: str) -> None:
    s = generate_world(tmp_path, accounts=600, seed=4, file_format=file_format)
    for name in TABLES:
        path = tmp_path / f"{name}.{file_format}"
        if file_format == "parquet":
            frame = pq.read_table(path).to_pandas()
        else:
            frame = pd.read_json(path, lines=True, dtype=False)
        assert len(frame) == s["tables"][name], name
        assert list(frame.columns) == [c.name for c in TABLES[name].columns], name
    assert not list(tmp_path.glob("*.csv"))
    again = tmp_path / "again"
    generate_world(again, accounts=600, seed=4, file_format=file_format)
    assert all((tmp_path / f"{name}.{file_format}").read_bytes() == (again / f"{name}.{file_format}").read_bytes()
               for name in TABLES)


def test_progress_is_reported_up_to_one(tmp_path: Path) -> None:
    seen: list[float] = []
    generate_world(tmp_path, accounts=600, seed=5, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0
