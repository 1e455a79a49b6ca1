"""Attribution: which content a person engaged with before converting, and how much credit it gets.

For every conversion linked to a person, the *touches* are that person's clean engaging
interactions (likes, comments, shares, saves, story replies…; not views or clicks) with the
brand's posts during the `lookback_days` before the conversion (from any of the person's
accounts). Three models share out one conversion among its touches:

- first_touch: the earliest touch gets 1, the others 0 (what opened the relationship);
- last_touch: the latest touch gets 1 (what closed it);
- linear: each of the n touches gets 1/n (everything that accompanied it).

Under each model the shares of one conversion sum to 1; ties in time are broken by interaction id.
A conversion without a touch in the window gets no row: it is counted as unattributed. Credits are
then summed per post, format, campaign and topic (when the conversation step gives interactions a
`topic`), beside what the vanity ranking would credit: each one's share of all likes and
reactions on the brand's posts, clean or not, as a dashboard counts them.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from ...schema import LIKE_KINDS as VANITY_LIKE_KINDS

MODELS = ("first_touch", "last_touch", "linear")
DIMENSIONS = ("post", "format", "campaign", "topic")
NONE_LABEL = "(none)"


def touches(converted: ir.Table, engagements: ir.Table, brand_posts: ir.Table, lookback_days: int) -> ir.Table:
    """The `attribution_touches` result: one row per (conversion, touch) with its three credits."""
    posts = brand_posts.select(_post=brand_posts.post_id, format=brand_posts.format, campaign=brand_posts.campaign)
    e = engagements.filter(engagements.post_id.notnull())
    e = e.join(posts, e.post_id == posts._post)
    topic = e.topic if "topic" in e.columns else ibis.null().cast("string")
    e = e.select(_member=e.member_id, interaction_id=e.interaction_id, touched_at=e.created_at, kind=e.kind,
                 post_id=e.post_id, format=e.format, campaign=e.campaign, topic=topic)
    c = converted.filter(converted.member_id.notnull()).select(
        "conversion_id", "member_id", "occurred_at", conversion_kind=converted.kind, value=converted.value,
    )
    j = c.join(e, (c.member_id == e._member) & (e.touched_at <= c.occurred_at)
               & (e.touched_at >= c.occurred_at - ibis.interval(days=lookback_days)))
    j = j.select(
        "conversion_id", "member_id", "conversion_kind", "occurred_at", "value", "interaction_id", "kind",
        "touched_at", "post_id", "format", "campaign", "topic",
    )
    first = ibis.row_number().over(group_by="conversion_id", order_by=[j.touched_at, j.interaction_id])
    last = ibis.row_number().over(group_by="conversion_id",
                                  order_by=[ibis.desc(j.touched_at), ibis.desc(j.interaction_id)])
    n = j.count().over(group_by="conversion_id")
    linear = 1.0 / n.cast("float64")
    return j.select(
        "conversion_id", "member_id", "conversion_kind", "occurred_at", "interaction_id", "kind", "touched_at",
        "post_id", "format", "campaign", "topic",
        days_before=((j.occurred_at.epoch_seconds() - j.touched_at.epoch_seconds()) / 86400.0).cast("float64"),
        touches_in_window=n,
        first_touch=(first == 0).cast("float64"),
        last_touch=(last == 0).cast("float64"),
        linear=linear,
        value_linear=j.value * linear,
    )


def attribution(touch_table: ir.Table, interactions: ir.Table, brand_posts: ir.Table, brand_ids: list[str]) -> ir.Table:
    """The `attribution` result: credits per post, format, campaign and topic beside vanity likes."""
    likes = _vanity_likes(interactions, brand_posts, brand_ids)
    parts = []
    has_topic = "topic" in touch_table.columns
    for dim in DIMENSIONS:
        column = "post_id" if dim == "post" else dim
        t = touch_table
        credit = t.group_by(value=t[column].cast("string").fill_null(NONE_LABEL)).agg(
            conversions=t.conversion_id.nunique(),
            touches=t.count(),
            first_touch=t.first_touch.sum(),
            last_touch=t.last_touch.sum(),
            linear=t.linear.sum(),
            value_linear=t.value_linear.sum(),
        )
        if dim == "topic":
            if not has_topic:
                continue
            vanity = None  # likes carry no topic: the vanity ranking has nothing to say here
        else:
            vanity = likes.group_by(value=likes[column].cast("string").fill_null(NONE_LABEL)).agg(likes=likes.count())
        if vanity is not None:
            joined = credit.outer_join(vanity, credit.value == vanity.value)
            merged = joined.select(
                value=ibis.coalesce(joined.value, joined.value_right),
                conversions=joined.conversions.fill_null(0), touches=joined.touches.fill_null(0),
                first_touch=joined.first_touch.fill_null(0.0), last_touch=joined.last_touch.fill_null(0.0),
                linear=joined.linear.fill_null(0.0), value_linear=joined.value_linear,
                likes=joined.likes.fill_null(0),
            )
        else:
            merged = credit.mutate(likes=ibis.null().cast("int64"))
        parts.append(_shares(merged, dim))
    return ibis.union(*parts)


def _shares(t: ir.Table, dim: str) -> ir.Table:
    whole = ibis.window()
    total_credit = t.linear.sum().over(whole)
    total_likes = t.likes.sum().over(whole)
    share = {f"{m}_share": ibis.ifelse(total_credit > 0, t[m] / total_credit, ibis.null().cast("float64"))
             for m in MODELS}
    return t.select(
        dimension=ibis.literal(dim), value=t.value.cast("string"),
        conversions=t.conversions.cast("int64"), touches=t.touches.cast("int64"),
        first_touch=t.first_touch.cast("float64"), last_touch=t.last_touch.cast("float64"),
        linear=t.linear.cast("float64"), value_linear=t.value_linear.cast("float64"),
        **{k: v.cast("float64") for k, v in share.items()},
        likes=t.likes.cast("int64"),
        likes_share=ibis.ifelse(total_likes > 0, t.likes / total_likes, ibis.null().cast("float64")).cast("float64"),
        # Credit sums differ in the last bits between engines (summation order): rank on rounded credit.
        rank_by_conversions=(ibis.row_number().over(order_by=[ibis.desc(t.linear.round(9)), t.value]) + 1).cast("int64"),
        rank_by_likes=ibis.ifelse(t.likes.isnull(), ibis.null().cast("int64"),
                                  (ibis.row_number().over(order_by=[ibis.desc(t.likes), t.value]) + 1)).cast("int64"),
    )


def _vanity_likes(interactions: ir.Table, brand_posts: ir.Table, brand_ids: list[str]) -> ir.Table:
    i = interactions
    on_brand = i.filter(i.kind.isin(VANITY_LIKE_KINDS) & i.post_author_id.isin(brand_ids) if brand_ids
                        else ibis.literal(False))
    posts = brand_posts.select(_post=brand_posts.post_id, format=brand_posts.format, campaign=brand_posts.campaign)
    joined = on_brand.join(posts, on_brand.post_id == posts._post)
    return joined.select("post_id", "format", "campaign")


def attribution_summary(touch_table: ir.Table, attribution_table: ir.Table, person_conversions: int,
                        lookback_days: int) -> dict[str, Any]:
    attributed = int(touch_table.conversion_id.nunique().to_pyarrow().as_py() or 0)
    posts = attribution_table.filter(attribution_table.dimension == "post")
    rows = posts.select("value", "linear_share", "likes_share", "rank_by_conversions", "rank_by_likes").to_pyarrow().to_pylist()
    top_conv = next((r["value"] for r in rows if r["rank_by_conversions"] == 1 and (r["linear_share"] or 0) > 0), None)
    top_likes = next((r["value"] for r in rows if r["rank_by_likes"] == 1 and (r["likes_share"] or 0) > 0), None)
    distance = None
    if attributed and any(r["likes_share"] for r in rows):
        # Total variation distance between the two credit distributions over posts.
        distance = 0.5 * sum(abs((r["linear_share"] or 0.0) - (r["likes_share"] or 0.0)) for r in rows)
    return {
        "attribution_lookback_days": lookback_days,
        "attributed_conversions": attributed,
        "unattributed_person_conversions": person_conversions - attributed,
        "top_post_by_conversions": top_conv,
        "top_post_by_likes": top_likes,
        "attribution_vanity_distance": distance,
    }
