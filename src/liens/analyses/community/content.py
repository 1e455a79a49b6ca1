"""Content: which posts, formats and campaigns earn real engagement, against the vanity ranking.

The vanity ranking orders posts by likes (likes and reactions, everything counted); the real
ranking by clean weighted engagement (authenticity flags removed, each interaction weighed by what
it cost its author). A post that climbs from one to the other earns engagement likes do not show.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from ...schema import LIKE_KINDS
from ..base import Context

DIMENSIONS = ("format", "campaign", "platform")


def _rank(column: str) -> ir.IntegerValue:
    return (ibis.rank().over(order_by=ibis.desc(column)) + 1).cast("int64")


def post_figures(ctx: Context, base: ir.Table) -> ir.Table:
    """One row per brand post (every post when no brand is known): raw and clean engagement, both ranks."""
    posts = ctx.inputs["posts"]
    if ctx.brand_ids:
        posts = posts.filter(posts.author_id.isin(ctx.brand_ids))
    on_posts = base.filter(base.post_id.notnull())
    like = on_posts.kind.isin(LIKE_KINDS)
    clean = on_posts.is_clean
    per = on_posts.group_by("post_id").agg(
        likes=like.sum().cast("int64"),
        clean_likes=(like & clean).sum().cast("int64"),
        raw_interactions=on_posts.is_engaging.sum().cast("int64"),
        clean_interactions=(on_posts.is_engaging & clean).sum().cast("int64"),
        raw_engagement=on_posts.weight.sum(),
        clean_engagement=clean.ifelse(on_posts.weight, 0.0).sum(),
        engaged_members=(clean & on_posts.is_engaging).ifelse(on_posts.member_id, ibis.null("string")).nunique(),
    )
    optional = {c: posts[c] for c in ("platform", "format", "campaign") if c in posts.columns}
    side = posts.select("post_id", "author_id", "created_at", **optional)
    for c in ("platform", "format", "campaign"):
        if c not in side.columns:
            side = side.mutate(**{c: ibis.null("string")})
    table = side.left_join(per, "post_id").select(
        "post_id", "author_id", "created_at", "platform", "format", "campaign",
        likes=ibis._.likes.fill_null(0),
        clean_likes=ibis._.clean_likes.fill_null(0),
        raw_interactions=ibis._.raw_interactions.fill_null(0),
        clean_interactions=ibis._.clean_interactions.fill_null(0),
        raw_engagement=ibis._.raw_engagement.fill_null(0.0),
        clean_engagement=ibis._.clean_engagement.fill_null(0.0),
        engaged_members=ibis._.engaged_members.fill_null(0),
    )
    table = table.mutate(
        clean_share=ibis.ifelse(table.raw_engagement > 0, table.clean_engagement / table.raw_engagement, ibis.null("float64")),
        likes_rank=_rank("likes"),
        real_rank=_rank("clean_engagement"),
    )
    return table.mutate(rank_change=table.likes_rank - table.real_rank).order_by(["real_rank", "post_id"])


def content_figures(posts: ir.Table) -> ir.Table:
    """Per format, campaign and platform: posts, likes and engagement per post, vanity and real ranks."""
    parts = []
    for dim in DIMENSIONS:
        g = posts.group_by(value=posts[dim].cast("string")).agg(
            posts=posts.count(),
            likes_per_post=posts.likes.mean(),
            raw_engagement_per_post=posts.raw_engagement.mean(),
            clean_engagement_per_post=posts.clean_engagement.mean(),
            raw_engagement=posts.raw_engagement.sum(),
            clean_engagement=posts.clean_engagement.sum(),
        )
        g = g.filter(g.value.notnull()).mutate(dimension=ibis.literal(dim))
        g = g.mutate(
            likes_rank=(ibis.rank().over(order_by=ibis.desc("likes_per_post")) + 1).cast("int64"),
            real_rank=(ibis.rank().over(order_by=ibis.desc("clean_engagement_per_post")) + 1).cast("int64"),
        )
        parts.append(g)
    table = ibis.union(*parts)
    return table.select(
        "dimension", "value", "posts", "likes_per_post", "raw_engagement_per_post", "clean_engagement_per_post",
        "raw_engagement", "clean_engagement", "likes_rank", "real_rank",
    ).order_by(["dimension", "real_rank", "value"])
