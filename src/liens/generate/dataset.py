"""The generated world as data: string ids for its rows, and the dataset v1 tables written from it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from liens.generate import texts as tx
from liens.generate.activity import CAMPAIGN, CONTEST, Activity
from liens.generate.audience import Follows, daily_audience
from liens.generate.business import CONVERSION_KINDS, SALE, Conversions, build_costs, identity_rows
from liens.generate.model import BRAND, ID_PREFIX, PLATFORMS, Plan, Rng
from liens.generate.output import CHUNK, TableWriter, dataset_schema, dates, labels, timestamps, write_table
from liens.generate.population import Population
from liens.schema import INTERACTION_KINDS, POST_FORMATS

VIEWS = ("full", "brand")
# Kinds a brand's sources hold per person on its own posts (the platforms' APIs): the rest are counts.
_BRAND_VIEW_ON_POSTS = ("comment", "reply", "story_reply")
_BRAND_VIEW_ADDRESSED = ("dm", "mention", "story_reply")

_URL_BASE = ("https://www.instagram.com/p/", "https://www.facebook.com/rivage.paris/posts/",
             "https://www.tiktok.com/@rivage.paris/video/", "https://www.linkedin.com/feed/update/")


@dataclass
class World:
    """Everything generated, as row-indexed numpy columns."""

    plan: Plan
    pop: Population
    act: Activity
    follows: Follows
    bursts: list[dict]
    conversions: Conversions
    texts: pa.Array             # pool of distinct texts
    text_of: np.ndarray         # pool index per interaction row, -1 without text
    language: np.ndarray        # language actually written, per interaction row (-1 without text)


def brand_view(world: World) -> tuple[np.ndarray, np.ndarray]:
    """What a brand's own sources hold of the interactions (DESIGN.md, "What a brand's data really
    holds"): per interaction row, whether it is kept, and its `target` as written.

    Kept: comments, replies and story replies on the brand's posts (the APIs give them with author
    and time), DMs, mentions and story replies addressed to the brand, and everything the brand did
    itself (its export: its likes and comments on other accounts' posts, its replies and DMs). Likes,
    saves, shares and views of the brand's posts are only counts (`post_metrics`); what others did
    among themselves is not there at all. The brand's interactions on other accounts' posts name
    that post's author as `target_id` (the export names the owner; the post itself is not known).
    """
    V, pop, P = world.act.buf.view(), world.pop, world.act.P
    role, kind, actor = pop.role, V["kind"], V["actor"]
    code = {k: i for i, k in enumerate(INTERACTION_KINDS)}
    on_post = V["post"] >= 0
    author = np.full(len(kind), -1, dtype=np.int64)
    author[on_post] = P["author"][V["post"][on_post]]
    brand_post = on_post & (role[np.maximum(author, 0)] == BRAND)
    addressed = V["target"] >= 0
    to_brand = addressed & (role[np.maximum(V["target"], 0)] == BRAND)
    by_brand = role[actor] == BRAND
    keep = (brand_post & np.isin(kind, [code[k] for k in _BRAND_VIEW_ON_POSTS])) | by_brand
    keep |= to_brand & np.isin(kind, [code[k] for k in _BRAND_VIEW_ADDRESSED])
    target = np.where(by_brand & on_post & ~brand_post, author, V["target"]).astype(np.int64)
    return keep, target


class Ids:
    """String ids of accounts, posts, interactions and members. Posts and interactions are numbered
    in time order, so the files read chronologically."""

    def __init__(self, world: World) -> None:
        pop = world.pop
        prefix = pa.array(ID_PREFIX).take(pa.array(pop.platform))
        self.accounts = pc.binary_join_element_wise(prefix, pc.cast(pa.array(np.arange(1, pop.n + 1)), pa.string()), "")
        self.post_order = np.argsort(world.act.P["time"], kind="stable")
        self.posts = labels("p", _ranks(self.post_order))
        self.order = np.argsort(world.act.buf.view()["time"], kind="stable")
        self.rank = _ranks(self.order)
        self._member = pop.member

    def account(self, rows: np.ndarray) -> pa.Array:
        return labels("", rows, self.accounts)

    def post(self, rows: np.ndarray) -> pa.Array:
        return labels("", rows, self.posts)

    def interaction(self, rows: np.ndarray) -> pa.Array:
        rows = np.asarray(rows, dtype=np.int64)
        return labels("i", np.where(rows >= 0, self.rank[np.maximum(rows, 0)], -1))

    def member(self, rows: np.ndarray) -> pa.Array:
        rows = np.asarray(rows, dtype=np.int64)
        return labels("m", np.where(rows >= 0, self._member[np.maximum(rows, 0)], -1))


def _ranks(order: np.ndarray) -> np.ndarray:
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank


PLATFORM_NAMES = pa.array(PLATFORMS)


def write_dataset(out: Path, file_format: str, world: World, ids: Ids, bank: tx.TextBank, rngs: Rng,
                  progress: Callable[[float], None], view: str = "full") -> dict[str, int]:
    """Write the tables; returns their row counts. `view="brand"` writes only what the brand's own
    sources hold (`brand_view`): the same world, the same ids, fewer rows and columns."""
    if view not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}, not {view!r}")
    counts = {}
    brand_eye = view == "brand"

    def write(name: str, columns: dict) -> None:
        counts[name] = write_table(out, name, file_format, columns)

    pop, act, f, c = world.pop, world.act, world.follows, world.conversions
    P = act.P

    # accounts: counts consistent with the data (the brand's followers are its current followers)
    prof = pop.profile
    posted = np.bincount(P["author"], minlength=pop.n)
    posts_count = np.maximum(prof["posts_count"], posted)
    posts_count[pop.brand] = posted[pop.brand] + 250
    followers = prof["followers_count"].copy()
    followers[pop.brand] = [int(((f.followee == b) & (f.unfollowed < 0)).sum()) for b in pop.brand]
    is_brand = np.zeros(pop.n, dtype=bool)
    is_brand[pop.brand] = True
    V = act.buf.view()
    visible, target = brand_view(world) if brand_eye else (np.ones(len(V["kind"]), dtype=bool), V["target"])
    follow_rows = np.arange(len(f.follower))
    if brand_eye:  # its followers and followings, by handle and date
        follow_rows = follow_rows[is_brand[f.follower] | is_brand[f.followee]]
    accounts = {
        "account_id": ids.accounts, "platform": PLATFORM_NAMES.take(pa.array(pop.platform)),
        "handle": prof["handle"], "display_name": prof["display_name"], "created_at": timestamps(pop.created),
        "followers_count": followers, "following_count": prof["following_count"], "posts_count": posts_count,
        "has_profile_picture": prof["has_profile_picture"], "bio": prof["bio"], "is_brand": is_brand,
        "is_verified": prof["is_verified"],
    }
    if brand_eye:
        # Accounts the brand's sources name (by handle and name only: no profile counts, no bio).
        named = np.zeros(pop.n, dtype=bool)
        named[pop.brand] = True
        named[V["actor"][visible]] = True
        named[target[visible & (target >= 0)]] = True
        named[f.follower[follow_rows]] = named[f.followee[follow_rows]] = True
        named[c.account[c.account >= 0]] = True
        rows = np.flatnonzero(named)
        hidden = ~is_brand[rows]
        accounts = {k: (v.take(pa.array(rows)) if isinstance(v, pa.Array) else np.asarray(v)[rows])
                    for k, v in accounts.items()}
        for name in ("created_at", "followers_count", "following_count", "posts_count", "has_profile_picture",
                     "bio", "is_verified"):
            accounts[name] = pa.array(accounts[name], mask=hidden) if not isinstance(accounts[name], pa.Array) \
                else pc.if_else(pa.array(hidden), pa.scalar(None, accounts[name].type), accounts[name])
    write("accounts", accounts)

    # posts, with captions in the brand's languages or the author's
    rng = rngs("captions")
    rows = ids.post_order
    brand = pop.role[P["author"]] == BRAND
    lang = np.where(brand, np.where(rng.random(len(brand)) < 0.6, tx.FR, tx.EN), pop.lang[P["author"]])
    caption = np.full(len(brand), None, dtype=object)
    for code, caption_kind in enumerate(tx.CAPTION_KINDS):
        sel = np.flatnonzero(P["caption"] == code)
        if len(sel):
            texts, index = bank.phrases("caption", caption_kind, lang[sel], rng)
            caption[sel] = np.asarray(texts, dtype=object)[index]
    url = pc.binary_join_element_wise(pa.array(_URL_BASE).take(pa.array(P["platform"])), ids.posts, "")
    url = pc.if_else(pa.array(brand), url, pa.scalar(None, pa.string()))
    if brand_eye:  # its own posts only
        rows = rows[brand[rows]]
    campaign = np.full(len(P["campaign"]), None, dtype=object)
    campaign[P["campaign"]] = CAMPAIGN
    if act.contest_post >= 0:
        campaign[act.contest_post] = CONTEST
    write("posts", {
        "post_id": ids.post(rows), "author_id": ids.account(P["author"][rows]),
        "created_at": timestamps(P["time"][rows]),
        "platform": PLATFORM_NAMES.take(pa.array(P["platform"][rows])),
        "format": pa.array(POST_FORMATS).take(pa.array(P["format"][rows])),
        "caption": pa.array(caption[rows], pa.string()), "url": url.take(pa.array(rows)),
        "campaign": pa.array(campaign[rows], pa.string()),
    })

    # interactions, in chunks of time-ordered rows
    kinds = pa.array(INTERACTION_KINDS)
    writer = TableWriter(out, "interactions", file_format, dataset_schema("interactions"))
    n = len(ids.order)
    for lo in range(0, n, CHUNK):
        rows = ids.order[lo:lo + CHUNK]
        number = np.arange(lo, lo + len(rows))  # the full view's ids, so truth/ holds for both views
        shown = visible[rows]
        rows, number = rows[shown], number[shown]
        text = world.text_of[rows]
        writer.write({
            "interaction_id": labels("i", number),
            "kind": kinds.take(pa.array(V["kind"][rows])), "actor_id": ids.account(V["actor"][rows]),
            "created_at": timestamps(V["time"][rows]), "post_id": ids.post(V["post"][rows]),
            "target_id": ids.account(target[rows]), "parent_id": ids.interaction(V["parent"][rows]),
            "text": world.texts.take(pa.array(text, mask=text < 0)),
            "dwell_seconds": V["dwell"][rows].astype(np.float64),
            "platform": PLATFORM_NAMES.take(pa.array(pop.platform[V["actor"][rows]])),
        })
        progress(min(1.0, (lo + CHUNK) / max(n, 1)))
    writer.close()
    counts["interactions"] = writer.rows

    # post_metrics: the counts a platform's API gives for the brand's posts, read at the end of the data
    kind, on_post = V["kind"], V["post"] >= 0
    brand_posts = np.flatnonzero(brand[ids.post_order])
    post_rows = ids.post_order[brand_posts]

    def count(*names: str) -> np.ndarray:
        chosen = on_post & np.isin(kind, [INTERACTION_KINDS.index(k) for k in names])
        return np.bincount(V["post"][chosen], minlength=len(P["time"]))[post_rows]

    views = count("view")
    write("post_metrics", {
        "post_id": ids.post(post_rows), "measured_at": timestamps(np.full(len(post_rows), V["time"].max())),
        "likes": count("like", "reaction"), "comments": count("comment", "reply"), "shares": count("share"),
        "saves": count("save"), "reach": pa.nulls(len(post_rows), pa.int64()),
        "impressions": pa.nulls(len(post_rows), pa.int64()), "views": views,
        "platform": PLATFORM_NAMES.take(pa.array(P["platform"][post_rows])),
    })

    order = follow_rows[np.lexsort((f.follower[follow_rows], f.followed[follow_rows]))]
    write("follows", {
        "follower_id": ids.account(f.follower[order]), "followee_id": ids.account(f.followee[order]),
        "followed_at": timestamps(f.followed[order]), "unfollowed_at": timestamps(f.unfollowed[order]),
    })
    account, day, followers = daily_audience(world.plan, pop, f)
    write("audience", {"account_id": ids.account(account), "date": dates(day), "followers": followers})
    write("conversions", {
        "conversion_id": labels("c", np.arange(len(c.kind))),
        "kind": pa.array(CONVERSION_KINDS).take(pa.array(c.kind)), "occurred_at": timestamps(c.time),
        "account_id": ids.account(c.account), "value": c.value,
        "currency": pc.if_else(pa.array(c.kind == SALE), "EUR", pa.scalar(None, pa.string())),
        "source": pa.array(c.source, pa.string()),
        "campaign": pc.if_else(pa.array(c.campaign), CAMPAIGN, pa.scalar(None, pa.string())),
    })
    costs = build_costs(world.plan, act, rngs)
    write("costs", {k: [r[k] for r in costs] for k in costs[0]})
    member, account = identity_rows(pop)
    write("identities", {"member_id": labels("m", member), "account_id": ids.account(account)})
    return counts
