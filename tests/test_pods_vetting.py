"""Vetting an influencer's engagement: does the engagement on another account's posts come from a pod?

An influencer's dataset is made from a generated brand's-eye world: the brand's main account (whose
posts a planted pod comments on, among loyal fans, staff, the brand's friends, a viral post and a
contest) becomes an ordinary account, and only its posts and their public comments are kept — what
a CSV of another account's posts and comments holds. The planted pod (truth/pods.csv) must be found
by handle; loyal fans, who are as prompt and frequent, are left out by what they write. The same
world without pods, and the fan-club star of a full-view world, get none.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from liens import api
from liens.config import Config
from liens.presentation.cli import app

SPARED = ("loyal_fan", "staff", "brand_friend", "contest", "viral")


def _influencer_world(folder: Path, seed: int, pods: bool = True) -> tuple[Path, str, pd.DataFrame, pd.DataFrame]:
    """A CSV dataset holding one account's posts and the comments on them, and that account's id."""
    world = folder / "world"
    api.generate(world, accounts=3000, seed=seed, view="brand", pods=pods, file_format="csv")
    accounts = pd.read_csv(world / "accounts.csv")
    posts = pd.read_csv(world / "posts.csv")
    inter = pd.read_csv(world / "interactions.csv")
    brands = set(accounts.account_id[accounts.is_brand])
    main = str(posts.author_id.value_counts().idxmax())
    posts = posts[posts.author_id == main]
    inter = inter[inter.post_id.isin(posts.post_id) & ~inter.actor_id.isin(brands)]
    assert set(inter.kind) <= {"comment", "reply", "story_reply"}  # public comments only
    accounts["is_brand"] = False
    out = folder / "influencer"
    out.mkdir()
    accounts.to_csv(out / "accounts.csv", index=False)
    posts.to_csv(out / "posts.csv", index=False)
    inter.to_csv(out / "interactions.csv", index=False)
    store = folder / "store.duckdb"
    api.load(out, store)
    return store, main, pd.read_csv(world / "truth" / "pods.csv"), pd.read_csv(world / "truth" / "hard_negatives.csv")


def _handle(store: Path, account: str) -> str:
    accounts = pd.read_csv(Path(store).parent / "influencer" / "accounts.csv").set_index("account_id")
    assert accounts.platform[account] == "instagram"
    return str(accounts.handle[account])


def _config(hard: pd.DataFrame) -> Config:
    config = Config()
    config.pods.staff_accounts = sorted(hard.account_id[hard.kind == "staff"])  # its staff, named
    return config


@pytest.fixture(scope="module")
def influencer(tmp_path_factory):
    return _influencer_world(tmp_path_factory.mktemp("influencer"), seed=1)


def test_vetting_finds_the_pod_on_an_influencers_comments(influencer):
    store, main, truth, hard = influencer
    handle = _handle(store, main)
    found = api.vet_pods(store, f"instagram:@{handle.upper()}", _config(hard))  # by handle, any case
    assert found["account_id"] == main and found["in_pod"] and not found["reciprocity_known"]
    planted = set(truth.account_id[truth.pod_id.isin(truth.pod_id[truth.account_id == main])]) - {main}
    flagged = {m["account_id"] for m in found["pod_members"]}
    precision = len(flagged & planted) / max(1, len(flagged))
    recall = len(flagged & planted) / len(planted)
    assert precision >= 0.9, sorted(flagged - planted)
    assert recall >= 0.9, sorted(planted - flagged)
    spared = hard[hard.kind.isin(SPARED) & ~hard.account_id.isin(planted)]
    assert not set(spared.account_id) & flagged
    assert found["left_out_specific"] > 0  # the loyal fans: prompt and frequent, in their own words
    for m in found["pod_members"]:
        assert m["handle"] and m["share_of_posts"] > 0.3 and m["co_arrival"] >= 0.5
        assert m["median_delay_minutes"] < 60 and m["generic_comment_share"] >= 0.5 and m["returns"] is None
    assert found["generic_comment_share"] >= 0.5 and found["median_delay_minutes"] < 60


def test_vetting_without_the_staff_allow_list_flags_the_staff(influencer):
    """Staff cheer like a pod: only naming them spares them (as for the brand)."""
    store, main, _, hard = influencer
    flagged = {m["account_id"] for m in api.vet_pods(store, main, Config())["pod_members"]}
    assert set(hard.account_id[hard.kind == "staff"]) & flagged


def test_an_account_without_a_pod_gets_none(tmp_path):
    store, main, _, hard = _influencer_world(tmp_path, seed=4, pods=False)
    found = api.vet_pods(store, main, _config(hard))
    assert not found["in_pod"] and found["pod_members"] == [] and found["posts"] > 50


def test_full_view_fan_club_star_gets_none_and_pod_member_its_pod(tmp_path):
    """In a crawl of everyone, a star who never engages back is seen not to: its fan club is no pod."""
    world = tmp_path / "world"
    api.generate(world, accounts=3000, seed=1, file_format="parquet")
    store = tmp_path / "store.duckdb"
    api.load(world, store)
    hard = pd.read_csv(world / "truth" / "hard_negatives.csv")
    truth = pd.read_csv(world / "truth" / "pods.csv")
    posts = pd.read_parquet(world / "posts.parquet")
    fans = set(hard.account_id[hard.kind == "fan_club"]) - set(truth.account_id)
    star = posts[~posts.author_id.isin(fans | set(truth.account_id))]
    # the star: the account most of the fan club engaged
    inter = pd.read_parquet(world / "interactions.parquet", columns=["actor_id", "post_id"])
    on = inter[inter.actor_id.isin(fans)].merge(star[["post_id", "author_id"]], on="post_id")
    star_id = str(on.groupby("author_id").actor_id.nunique().idxmax())
    found = api.vet_pods(store, star_id, Config())
    assert found["reciprocity_known"] and not found["in_pod"]
    # A pod member with enough posts: its pod mates, reciprocated.
    counts = posts.author_id.value_counts()
    members = truth[~truth.includes_brand]
    member = max(members.account_id, key=lambda a: (counts.get(a, 0), a))
    found = api.vet_pods(store, member, Config())
    mates = set(members.account_id[members.pod_id == members.pod_id[members.account_id == member].iloc[0]]) - {member}
    flagged = {m["account_id"] for m in found["pod_members"]}
    assert found["in_pod"] and flagged and flagged <= mates
    assert all(m["returns"] is not None for m in found["pod_members"])


def test_cli_pods_account_en_fr(influencer):
    store, main, truth, _ = influencer
    handle = _handle(store, main)
    member = sorted(set(truth.account_id[truth.pod_id.isin(truth.pod_id[truth.account_id == main])]) - {main})[0]
    result = CliRunner().invoke(app, ["pods", "--store", str(store), "--account", f"instagram:@{handle}", "--lang", "en"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert f"Pod vetting of @{handle}" in out and "Pod found" in out and "reciprocity cannot be seen" in out
    assert "Share of" in out and "@" + _handle(store, member) in out
    result = CliRunner().invoke(app, ["pods", "--store", str(store), "--account", f"instagram:{handle}", "--lang", "fr"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "Pod détecté" in result.output and "Part de" in result.output
    result = CliRunner().invoke(app, ["pods", "--store", str(store), "--account", "nobody-here", "--lang", "en"])
    assert result.exit_code == 2 and "nobody-here" in result.output and "Traceback" not in result.output


def test_cli_pods_shows_evidence_and_data_view(analysed_world):
    result = CliRunner().invoke(app, ["pods", "--store", str(analysed_world.store), "--lang", "en", "--limit", "50"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    summary = api.results(analysed_world.store).summary
    assert summary["pods_data_view"] == "full" and "Data view: full" in result.output
    assert "Found by" in result.output and ("co-engagement" in result.output or "both" in result.output)
    result = CliRunner().invoke(app, ["pods", "--store", str(analysed_world.store), "--lang", "fr"], env={"COLUMNS": "200"})
    assert "Vue des données : complète" in result.output and "Trouvé par" in result.output
