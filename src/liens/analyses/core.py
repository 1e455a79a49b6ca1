"""The base of every result: one row per account and per interaction, and the dataset's headline counts."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from .base import Context, Output, Step
from .common import ENGAGEMENT_KINDS, TEXT_KINDS, safe_ratio

# Interactions that count toward the usual "engagement rate" of a dashboard (the vanity figure).
VANITY_KINDS = ("like", "reaction", "comment", "reply", "share", "save")
# The post-level counts of `post_metrics` and the per-person kinds each one counts.
COUNT_KINDS = {"likes": ("like", "reaction"), "comments": ("comment", "reply"), "shares": ("share",), "saves": ("save",)}
PER_PERSON, POST_COUNTS = "per_person", "post_counts"


def brand_post_counts(inputs: dict[str, ir.Table], brand_ids: list[str]) -> tuple[ir.Table, str]:
    """Per brand post, the vanity engagement per kind: (post_id, <kind>_rows, <kind>_counts, <kind>)
    for likes, comments, shares and saves, and the method used.

    `<kind>_rows` counts the per-person interactions of the dataset; `<kind>_counts` is the latest
    `post_metrics` figure (null without one); `<kind>` is the larger of the two: a platform's count
    holds everyone, per-person rows only those the source lists (a brand's API gives who commented,
    never who liked). Method: `post_counts` when `post_metrics` holds a figure for a brand post,
    else `per_person`.
    """
    posts, interactions = inputs["posts"], inputs["interactions"]
    mine = (posts.filter(posts.author_id.isin(brand_ids)) if brand_ids else posts.limit(0)).select("post_id").distinct()
    acts = interactions.filter(interactions.kind.isin(VANITY_KINDS)).select("post_id", "kind")
    acts = acts.join(mine, "post_id")
    rows = acts.group_by("post_id").agg(**{f"{k}_rows": acts.kind.isin(kinds).cast("int64").sum()
                                           for k, kinds in COUNT_KINDS.items()})
    table = mine.left_join(rows, "post_id").select(
        "post_id", **{f"{k}_rows": ibis._[f"{k}_rows"].fill_null(0) for k in COUNT_KINDS})
    metrics = inputs.get("post_metrics")
    method = PER_PERSON
    if metrics is not None:
        measured = metrics.join(mine, "post_id")
        latest = measured.mutate(_r=ibis.row_number().over(group_by="post_id", order_by=ibis.desc("measured_at")))
        latest = latest.filter(latest._r == 0).select(
            _mpost=latest.post_id, **{f"{k}_counts": latest[k].cast("int64") for k in COUNT_KINDS})
        if int(latest.count().to_pyarrow().as_py() or 0):
            method = POST_COUNTS
        table = table.left_join(latest, table.post_id == latest._mpost).drop("_mpost")
    else:
        table = table.mutate(**{f"{k}_counts": ibis.null("int64") for k in COUNT_KINDS})
    return table.mutate(**{k: ibis.greatest(table[f"{k}_rows"], table[f"{k}_counts"].fill_null(0))
                           for k in COUNT_KINDS}), method


def base_accounts(accounts: ir.Table, brand_ids: list[str]) -> ir.Table:
    return accounts.select(
        "account_id", "platform", "handle", "display_name", "created_at",
        "followers_count", "following_count", "posts_count", "has_profile_picture", "is_verified",
        is_brand=accounts.account_id.isin(brand_ids) if brand_ids else ibis.literal(False),
    )


def base_interactions(interactions: ir.Table, posts: ir.Table, brand_ids: list[str]) -> ir.Table:
    post_side = posts.select(
        _post_id=posts.post_id, post_author_id=posts.author_id, _post_at=posts.created_at,
        _post_platform=posts.platform,
    )
    joined = interactions.left_join(post_side, interactions.post_id == post_side._post_id)
    delay = (joined.created_at.epoch_seconds() - joined._post_at.epoch_seconds()) / 60.0
    return joined.select(
        "interaction_id", "kind", "actor_id", "created_at", "post_id", "target_id", "parent_id",
        platform=joined.platform.fill_null(joined._post_platform),
        post_author_id=joined.post_author_id,
        minutes_after_post=delay.cast("float64"),
        is_brand_actor=joined.actor_id.isin(brand_ids) if brand_ids else ibis.literal(False),
        text_length=joined.text.length().fill_null(0),
    )


def core(ctx: Context) -> Output:
    accounts, posts, interactions = ctx.inputs["accounts"], ctx.inputs["posts"], ctx.inputs["interactions"]
    acts = interactions.group_by(account_id=interactions.actor_id).agg(
        interactions_made=interactions.count(),
        first_active_at=interactions.created_at.min(),
        last_active_at=interactions.created_at.max(),
    )
    authored = posts.group_by(account_id=posts.author_id).agg(posts_published=posts.count())
    per_account = (
        accounts.select("account_id")
        .left_join(acts, "account_id")
        .left_join(authored, "account_id")
        .select(
            "account_id",
            interactions_made=ibis._.interactions_made.fill_null(0),
            posts_published=ibis._.posts_published.fill_null(0),
            first_active_at=ibis._.first_active_at,
            last_active_at=ibis._.last_active_at,
        )
    )
    follows = ctx.table("follows")
    if follows is not None and ctx.brand_ids:
        current = follows.filter(follows.followee_id.isin(ctx.brand_ids) & follows.unfollowed_at.isnull())
        followers = current.select(account_id=current.follower_id).distinct().mutate(follows_brand=ibis.literal(True))
        per_account = per_account.left_join(followers, "account_id").select(
            *per_account.columns, follows_brand=ibis._.follows_brand.fill_null(False)
        )
    return Output(account_columns=per_account, summary=_summary(ctx, posts, interactions))


def _summary(ctx: Context, posts: ir.Table, interactions: ir.Table) -> dict:
    by_kind = interactions.group_by("kind").agg(n=interactions.count()).to_pyarrow().to_pylist()
    counts = {row["kind"]: int(row["n"]) for row in by_kind}
    span = interactions.agg(start=interactions.created_at.min(), end=interactions.created_at.max()).to_pyarrow().to_pylist()[0]
    brand_posts = posts.filter(posts.author_id.isin(ctx.brand_ids)) if ctx.brand_ids else posts.limit(0)
    n_brand_posts = int(brand_posts.count().to_pyarrow().as_py())
    per_post, method = brand_post_counts(ctx.inputs, ctx.brand_ids)
    totals = per_post.agg(**{k: per_post[k].sum() for k in COUNT_KINDS}).to_pyarrow().to_pylist()[0]
    by_kind = {k: int(totals[k] or 0) for k in COUNT_KINDS}
    vanity_engagements = sum(by_kind.values())
    followers = _vanity_followers(ctx)
    per_post = safe_ratio(vanity_engagements, n_brand_posts)
    return {
        "period_start": None if span["start"] is None else span["start"].isoformat(),
        "period_end": None if span["end"] is None else span["end"].isoformat(),
        "accounts": int(ctx.inputs["accounts"].count().to_pyarrow().as_py()),
        "posts": int(posts.count().to_pyarrow().as_py()),
        "brand_posts": n_brand_posts,
        "interactions": sum(counts.values()),
        "interactions_by_kind": counts,
        "text_interactions": sum(v for k, v in counts.items() if k in TEXT_KINDS),
        "engagement_interactions": sum(v for k, v in counts.items() if k in ENGAGEMENT_KINDS),
        "brand_accounts": ctx.brand_ids,
        "followers": followers,
        "vanity_engagements_on_brand_posts": vanity_engagements,
        "vanity_engagements_by_kind": by_kind,
        "engagement_method": method,
        # The dashboard figure: (likes + comments + shares + saves) per post, over followers.
        "vanity_engagement_rate": None if per_post is None or not followers else per_post / followers,
    }


def _vanity_followers(ctx: Context) -> int | None:
    """What a dashboard shows: the latest follower count of the brand's accounts."""
    if not ctx.brand_ids:
        return None
    audience = ctx.table("audience")
    if audience is not None:
        mine = audience.filter(audience.account_id.isin(ctx.brand_ids))
        latest = mine.group_by("account_id").agg(date=mine.date.max())
        last = mine.join(latest, ["account_id", "date"])
        value = last.followers.sum().to_pyarrow().as_py()
        if value is not None:
            return int(value)
    accounts = ctx.inputs["accounts"]
    value = accounts.filter(accounts.account_id.isin(ctx.brand_ids)).followers_count.sum().to_pyarrow().as_py()
    if value is not None:
        return int(value)
    follows = ctx.table("follows")
    if follows is not None:
        current = follows.filter(follows.followee_id.isin(ctx.brand_ids) & follows.unfollowed_at.isnull())
        return int(current.count().to_pyarrow().as_py())
    return None


STEP = Step(
    "core", core,
    reads=("accounts", "posts", "interactions", "follows", "audience", "post_metrics"),
    account_columns=("interactions_made", "posts_published", "first_active_at", "last_active_at", "follows_brand"),
    optional_columns=("follows_brand",),  # only when `follows` is loaded
)
