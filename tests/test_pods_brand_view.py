"""Pods from what a brand can see: its posts' comments, their timing, its own outgoing likes and comments.

Generated brand's-eye worlds (only what the brand's APIs and export hold, with loyal fans, staff, the
brand's friends, a viral post and a contest) and small hand-built ones; the community after pods;
counts-only engagement from `post_metrics`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from liens.analyses.community import STEP as COMMUNITY
from liens.analyses.core import STEP as CORE
from liens.analyses.pods import STEP as PODS
from liens.analyses.runner import run_analyses
from liens.config import Config
from liens.store import Store, load_path

T0 = datetime(2024, 3, 1, 8, 0, 0)
CIRCLE = ("loyal_fan", "staff", "brand_friend", "contest")


def _run(folder: Path, seed: int, *, view: str = "brand", pods: bool = True, staff: bool = True):
    from liens.generate import generate_world

    world = folder / "world"
    generate_world(world, accounts=5000, seed=seed, view=view, pods=pods, circle=True, file_format="parquet")
    hard = pd.read_csv(world / "truth" / "hard_negatives.csv")
    config = Config()
    if staff:
        config.pods.staff_accounts = sorted(hard.account_id[hard.kind == "staff"])
    store = Store(folder / "store.duckdb")
    load_path(store, world)
    summary = run_analyses(store, config, steps=[CORE, PODS, COMMUNITY])
    found = {name: store.result(name).to_pandas() for name in ("pods", "ambassadors", "members", "accounts")}
    store.close()
    return found, summary, world


@pytest.fixture(scope="module")
def brand_worlds(tmp_path_factory):
    return {seed: _run(tmp_path_factory.mktemp(f"brand{seed}"), seed) for seed in (1, 2)}


def _truth(world: Path) -> tuple[set[str], pd.DataFrame]:
    pods = pd.read_csv(world / "truth" / "pods.csv")
    hard = pd.read_csv(world / "truth" / "hard_negatives.csv")
    return set(pods.account_id[pods.includes_brand]), hard[~hard.account_id.isin(set(pods.account_id))]


@pytest.mark.parametrize("seed", (1, 2))
def test_brand_view_holds_only_what_a_brand_sees(brand_worlds, seed):
    _, summary, world = brand_worlds[seed]
    inter = pd.read_parquet(world / "interactions.parquet")
    posts = pd.read_parquet(world / "posts.parquet")
    accounts = pd.read_parquet(world / "accounts.parquet")
    brand = set(accounts.account_id[accounts.is_brand])
    assert set(posts.author_id) <= brand  # its own posts only
    by_others = inter[~inter.actor_id.isin(brand)]
    on_posts = by_others[by_others.post_id.notna()]
    assert set(on_posts.kind) <= {"comment", "reply", "story_reply"}  # likes and saves are counts only
    assert on_posts.post_id.isin(posts.post_id).all()  # nothing others did among themselves
    outgoing = inter[inter.actor_id.isin(brand) & inter.post_id.notna() & ~inter.post_id.isin(posts.post_id)]
    assert len(outgoing) and outgoing.target_id.notna().all()  # the brand's likes name the post's owner
    assert accounts.followers_count[~accounts.is_brand].isna().all()
    assert summary["pods_data_view"] == "brand" and summary["engagement_method"] == "post_counts"


@pytest.mark.parametrize("seed", (1, 2))
def test_brand_view_pod_members_found_and_hard_negatives_spared(brand_worlds, seed):
    found, summary, world = brand_worlds[seed]
    planted, hard = _truth(world)
    pods = found["pods"]
    flagged = set(pods.account_id)
    precision = len(flagged & planted) / max(1, len(flagged))
    recall = len(flagged & planted) / len(planted)
    assert precision >= 0.95, sorted(flagged - planted)
    assert recall >= 0.9, sorted(planted - flagged)
    spared = hard[hard.kind.isin(CIRCLE + ("viral", "fan_club", "friend_group"))]
    assert not set(spared.account_id) & flagged, spared[spared.account_id.isin(flagged)].kind.value_counts().to_dict()
    assert set(pods.evidence) == {"brand_exchange"} and summary["brand_in_pod"]
    members = pods[~pods.is_brand]
    assert (members.brand_returns >= 3).all() and (members.co_arrival >= 0.5).all()


@pytest.mark.parametrize("seed", (1, 2))
def test_community_after_pods_no_pod_member_is_an_ambassador(brand_worlds, seed):
    found, summary, world = brand_worlds[seed]
    planted, _ = _truth(world)
    pods = set(found["pods"].account_id)
    assert not set(found["ambassadors"].account_id) & planted
    accounts = found["accounts"].set_index("account_id")
    assert not accounts.loc[sorted(planted & set(accounts.index)), "is_ambassador"].any()
    assert (accounts.loc[sorted(pods), "engagement_score"] == 0).all()  # never a top member
    assert not set(found["members"].member_id) & pods
    # A dashboard's "most engaged" (raw weighted engagement): how many were pod members, said.
    people = found["accounts"][found["accounts"].engagement_score_raw > 0]
    per = people.groupby("member_id").agg(raw=("engagement_score_raw", "max"), pod=("pod_id", lambda v: v.notna().any()))
    top = per.reset_index().sort_values(["raw", "member_id"], ascending=[False, True]).head(10)
    assert summary["most_engaged_checked"] == 10
    assert summary["most_engaged_pod_members"] == int(top.pod.sum()) > 0


def test_brand_view_without_pods_flags_nobody(tmp_path):
    found, summary, _ = _run(tmp_path, seed=4, pods=False)
    assert found["pods"].empty and summary["pod_members"] == 0
    assert summary["most_engaged_pod_members"] == 0


def test_staff_are_spared_only_by_the_allow_list(tmp_path):
    """Staff look exactly like a pod from the brand's data: without the allow-list they are flagged."""
    found, _, world = _run(tmp_path, seed=3, staff=False)
    hard = pd.read_csv(world / "truth" / "hard_negatives.csv")
    staff = set(hard.account_id[hard.kind == "staff"])
    assert staff <= set(found["pods"].account_id)


def test_full_view_with_the_circle_one_result_both_evidences(tmp_path):
    found, summary, world = _run(tmp_path, seed=1, view="full")
    truth = pd.read_csv(world / "truth" / "pods.csv")
    hard = pd.read_csv(world / "truth" / "hard_negatives.csv")
    pods = found["pods"]
    flagged, planted = set(pods.account_id), set(truth.account_id)
    assert len(flagged & planted) / len(flagged) >= 0.95 and len(flagged & planted) / len(planted) >= 0.9
    assert not set(hard.account_id[~hard.account_id.isin(planted)]) & flagged
    brand_pod = set(truth.account_id[truth.includes_brand])
    evidence = pods.set_index("account_id").evidence
    assert (evidence[sorted(brand_pod & flagged)] == "both").all()
    assert set(evidence[sorted(flagged - brand_pod)]) == {"co_engagement"}
    assert summary["pods_data_view"] == "full" and summary["pod_evidence"]["both"] == len(brand_pod & flagged)


# -- hand-built brand's-eye worlds -------------------------------------------------------------------

class BrandWorld:
    """A brand's own data: its posts, comments on them, its own outgoing likes (post unknown, owner named)."""

    def __init__(self) -> None:
        self.accounts: list[dict] = [{"account_id": "brand", "platform": "instagram", "is_brand": True, "handle": "brand"}]
        self.posts: list[dict] = []
        self.interactions: list[dict] = []
        self.metrics: list[dict] = []

    def account(self, name: str) -> None:
        self.accounts.append({"account_id": name, "platform": "instagram", "is_brand": False, "handle": f"h_{name}"})

    def post(self, at: datetime) -> str:
        self.posts.append({"post_id": f"p{len(self.posts)}", "author_id": "brand", "created_at": at.isoformat()})
        return self.posts[-1]["post_id"]

    def act(self, actor: str, post: str | None, at: datetime, kind: str = "comment", text: str | None = "nice",
            target: str | None = None, parent: str | None = None) -> str:
        iid = f"i{len(self.interactions)}"
        self.interactions.append({"interaction_id": iid, "kind": kind, "actor_id": actor, "post_id": post,
                                  "created_at": at.isoformat(), "text": text if kind in ("comment", "reply") else None,
                                  "target_id": target, "parent_id": parent})
        return iid

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        pd.DataFrame(self.accounts).to_csv(folder / "accounts.csv", index=False)
        pd.DataFrame(self.posts).to_csv(folder / "posts.csv", index=False)
        pd.DataFrame(self.interactions).to_csv(folder / "interactions.csv", index=False)
        if self.metrics:
            pd.DataFrame(self.metrics).to_csv(folder / "post_metrics.csv", index=False)
        return folder


def brand_world(seed: int = 0) -> tuple[BrandWorld, dict[str, list[str]]]:
    """30 brand posts. Pod P0-P3: comment 80 % of them within 5-15 minutes, together, and the brand
    likes 5 of each one's posts. Fans F0-F3: as prompt and frequent, in their own words, and the brand
    only answers under their comments. Friends R0-R1: the brand likes their posts, they comment hours
    later. Staff S0: like a pod member. 60 accounts comment one contest post within minutes."""
    rng = np.random.default_rng(seed)
    w = BrandWorld()
    roles = {"pod": [f"P{i}" for i in range(4)], "fan": [f"F{i}" for i in range(4)],
             "friend": [f"R{i}" for i in range(2)], "staff": ["S0"], "contest": [f"C{i}" for i in range(60)]}
    for names in roles.values():
        for name in names:
            w.account(name)
    posts = [(w.post(T0 + timedelta(days=2 * k, hours=int(rng.integers(0, 10)))), T0 + timedelta(days=2 * k)) for k in range(30)]
    posts = [(pid, datetime.fromisoformat(w.posts[i]["created_at"])) for i, (pid, _) in enumerate(posts)]
    for pid, at in posts:
        for who in roles["pod"] + roles["staff"] + roles["fan"]:
            if rng.random() < 0.8:
                text = "🔥🔥" if who[0] in "PS" else f"love the {rng.choice(['colour', 'sole', 'stitching'])} on this one, size 39?"
                cid = w.act(who, pid, at + timedelta(minutes=float(rng.uniform(5, 15))), text=text)
                if who[0] == "F" and rng.random() < 0.5:
                    w.act("brand", pid, at + timedelta(minutes=40), "reply", "thanks!", parent=cid)
        for who in roles["friend"]:
            if rng.random() < 0.4:
                w.act(who, pid, at + timedelta(hours=float(rng.uniform(3, 30))), text="so proud of you guys, see you friday")
    contest, at = posts[10]
    for who in roles["contest"]:
        w.act(who, contest, at + timedelta(minutes=float(rng.uniform(1, 20))), text="@friend 🎁")
    for who in roles["pod"] + roles["staff"] + roles["friend"]:
        for k in range(5):
            w.act("brand", f"theirs-{who}-{k}", T0 + timedelta(days=5 * k, hours=3), "like", target=who)
    return w, roles


def _analyse(w: BrandWorld, folder: Path, config: Config | None = None):
    store = Store(folder / "store.duckdb")
    load_path(store, w.write(folder / "world"))
    summary = run_analyses(store, config or Config(), steps=[CORE, PODS, COMMUNITY])
    found = {n: store.result(n).to_pandas() for n in ("pods", "interactions", "ambassadors")}
    store.close()
    return found, summary


def test_hand_built_brand_view_flags_the_pod_and_nothing_else(tmp_path):
    w, roles = brand_world()
    config = Config()
    config.pods.staff_accounts = ["@h_S0"]  # by handle
    found, summary = _analyse(w, tmp_path, config)
    pods = found["pods"]
    assert set(pods.account_id) == {"brand", *roles["pod"]}
    assert set(pods.evidence) == {"brand_exchange"} and summary["pods_data_view"] == "brand"
    row = pods[pods.account_id == "P0"].iloc[0]
    assert row.brand_returns == 5 and row.co_arrival >= 0.9 and row.generic_comment_share == 1.0
    # What the pod traded is flagged: its comments on the brand's posts, and the brand's likes of its posts.
    inter = found["interactions"]
    flagged = inter[~inter.is_authentic]
    assert set(flagged.actor_id) == {"brand", *roles["pod"]}
    assert set(flagged[flagged.actor_id == "brand"].kind) == {"like"}
    assert summary["brand_posts_engagement_method"] == "per_person"
    assert not set(found["ambassadors"].account_id) & set(roles["pod"])


def test_hand_built_staff_without_allow_list_is_flagged(tmp_path):
    w, roles = brand_world()
    found, _ = _analyse(w, tmp_path)
    assert set(found["pods"].account_id) == {"brand", *roles["pod"], *roles["staff"]}


def test_hand_built_no_reciprocity_no_pod(tmp_path):
    """The same world where the brand never goes to anyone's posts: prompt, frequent commenters are fans."""
    w, _ = brand_world()
    w.interactions = [i for i in w.interactions if not (i["actor_id"] == "brand" and i["kind"] == "like")]
    found, summary = _analyse(w, tmp_path)
    assert found["pods"].empty and summary["pod_count"] == 0


def test_counts_only_engagement_uses_post_metrics(tmp_path):
    """Likes only as counts: the vanity figure takes the platform's count, and the pod's share of those
    likes is estimated from the pod members seen commenting each post."""
    w, roles = brand_world()
    for post in w.posts:
        w.metrics.append({"post_id": post["post_id"], "measured_at": (T0 + timedelta(days=90)).isoformat(),
                          "likes": 100, "comments": 1, "shares": 2, "saves": 3})
    config = Config()
    config.pods.staff_accounts = ["S0"]
    _, summary = _analyse(w, tmp_path, config)
    inter = pd.DataFrame(w.interactions)
    on_posts = inter[inter.post_id.isin({p["post_id"] for p in w.posts})]
    comments = on_posts[on_posts.kind.isin(("comment", "reply"))].groupby("post_id").size()
    expected = sum(100 + max(1, comments.get(p["post_id"], 0)) + 2 + 3 for p in w.posts)
    assert summary["engagement_method"] == "post_counts"
    assert summary["vanity_engagements_on_brand_posts"] == summary["brand_posts_engagement_raw"] == expected
    pod_comments = on_posts[on_posts.actor_id.isin(roles["pod"])]
    seen = pod_comments.groupby("post_id").actor_id.nunique().sum()
    assert summary["brand_posts_engagement_pods_estimated"] == seen
    assert summary["brand_posts_engagement_pods"] == len(pod_comments) + seen
    assert summary["brand_posts_engagement_clean"] == expected - len(pod_comments) - seen
    assert summary["engagement_rate_method"] == "post_counts" and summary["counts_only_engagement_raw"] > 0
