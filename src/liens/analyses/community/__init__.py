"""The community step: members versus followers, weighted micro-engagement, levels, retention,
ambassadors, identities and content (issue 5).

Runs after the authenticity and conversation steps and uses their columns when present:
`is_authentic` (pods) and `intent` = spam make the clean figures, `intent` / `sentiment` recognise
critiques and the replies that defend the brand. Every figure
is computed raw and clean side by side. All heavy work is one cached Ibis base table
(`weights.community_base`) and group-bys over it; Python only sees reduced data (the linked
identities, the summary figures).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import ibis
import ibis.expr.types as ir

from ..base import Context, Output, Step, TableOutput
from ..common import safe_ratio
from ..core import COUNT_KINDS, POST_COUNTS, brand_post_counts
from .ambassadors import KINDS, ambassadors, primary_kinds
from .content import content_figures, post_figures
from .identities import member_ids
from .members import LEVELS, conversation_depth, member_figures, member_levels, monthly_activity
from .retention import cohorts, member_months, member_status, periods
from .weights import brand_scope, community_base, weight_expr, written_table

__all__ = ["KINDS", "LEVELS", "community"]

# "Most engaged": the persons a dashboard ranks first (raw weighted engagement), checked for pod members.
MOST_ENGAGED = 10
# The community weight of each post-level count (`core.COUNT_KINDS`).
_COUNT_WEIGHT = {"likes": "weight_like", "comments": "weight_comment", "shares": "weight_share", "saves": "weight_save"}


def community(ctx: Context) -> Output:
    settings = ctx.config.community
    ctx.progress("community: identities")
    ids = member_ids(ctx).cache()
    base = community_base(ctx, ids)
    end: datetime | None = _scalar(ctx.inputs["interactions"].created_at.max())
    first_month = base.month.min().to_pyarrow().as_py()
    last_month = None if end is None else end.year * 12 + end.month - 1
    months = (first_month, last_month) if first_month is not None and last_month is not None else (0, -1)

    ctx.progress("community: members")
    figures = member_figures(base, settings).cache()
    monthly = monthly_activity(base).cache()  # levels, cohorts and periods all read it
    levels = member_levels(monthly, figures, months, settings)
    status = member_status(figures, base, end or datetime(1970, 1, 1), settings)
    written = written_table(ctx)
    depth, threads = conversation_depth(written, base, ids, brand_scope(ctx, written))
    ctx.progress("community: ambassadors")
    found = ambassadors(ctx, base, written, ids).cache()
    kinds = primary_kinds(found)
    accounts_per_member = ids.group_by("member_id").agg(accounts=ids.count())

    members = (
        figures.filter(figures.is_member)
        .left_join(accounts_per_member, "member_id").drop("member_id_right")
        .left_join(levels, "member_id").drop("member_id_right")
        .left_join(status, "member_id").drop("member_id_right")
        .left_join(depth, "member_id").drop("member_id_right")
        .left_join(kinds, "member_id").drop("member_id_right")
    )
    members = members.select(
        "member_id",
        accounts=members.accounts.fill_null(1),
        engagement_score=members.clean_score,
        engagement_score_raw=members.raw_score,
        clean_interactions=members.clean_interactions,
        raw_interactions=members.raw_interactions,
        first_active_at=members.first_active_at,
        last_active_at=members.last_active_at,
        active_weeks=members.active_weeks,
        love=members.love,
        member_level=members.member_level,
        member_status=members.member_status,
        threads=members.threads.fill_null(0),
        brand_turns=members.brand_turns.fill_null(0),
        is_ambassador=members.ambassador_kind.notnull(),
        ambassador_kind=members.ambassador_kind,
        ambassador_kinds=members.ambassador_kinds,
    ).cache()

    # Scores come from every person who did anything (a pod account has a raw score, a clean 0);
    # levels and ambassador status from members.
    person = figures.select("member_id", "clean_score", "raw_score", "active_weeks").left_join(
        members.select("member_id", "member_level", "is_ambassador", "ambassador_kind"), "member_id",
    ).drop("member_id_right")
    account_columns = ids.left_join(person, "member_id").select(
        "account_id", "member_id",
        engagement_score=ibis._.clean_score.fill_null(0.0),
        engagement_score_raw=ibis._.raw_score.fill_null(0.0),
        member_level=ibis._.member_level,
        active_weeks=ibis._.active_weeks.fill_null(0),
        is_ambassador=ibis._.is_ambassador.fill_null(False),
        ambassador_kind=ibis._.ambassador_kind,
    )
    # Row by row from `kind` and `text_length`: no join, so the runner need not rewrite 10M rows.
    interaction_expressions = {"engagement_weight": lambda t: weight_expr(t.kind, t.text_length, settings)}
    ctx.progress("community: retention and content")
    active_months = member_months(monthly).join(figures.filter(figures.is_member).select("member_id"), "member_id")
    posts = post_figures(ctx, base).cache()
    tables = {
        "members": members,
        "posts": posts,
        "content": content_figures(posts),
        "cohorts": cohorts(active_months, figures, months),
        "periods": periods(base, active_months),
        "ambassadors": found,
    }
    summary = _summary(ctx, base, members, status, ids, threads, found)
    return Output(tables=tables, account_columns=account_columns,
                  interaction_expressions=interaction_expressions,
                  summary=summary)


def _scalar(expr: ir.Scalar) -> Any:
    return expr.to_pyarrow().as_py()


def _summary(ctx: Context, base: ir.Table, members: ir.Table, status: ir.Table, ids: ir.Table,
             threads: ir.Table, found: ir.Table) -> dict[str, Any]:
    m = members.agg(
        members=members.count(),
        active_members=members.member_status.isin(("new", "active")).sum(),
        newly_active=(members.member_status == "new").sum(),
        recently_inactive=(members.member_status == "recently_inactive").sum(),
        multi_account=(members.accounts > 1).sum(),
    ).to_pyarrow().to_pylist()[0]
    n_members = int(m["members"] or 0)
    active = int(m["active_members"] or 0)
    levels = {row["member_level"]: int(row["n"]) for row in
              members.group_by("member_level").agg(n=ibis._.count()).to_pyarrow().to_pylist()}
    clean_weight = base.is_clean.ifelse(base.weight, 0.0)
    sums = base.agg(  # one pass: everything, and what was on the brand's posts
        raw=base.weight.sum(), clean=clean_weight.sum(),
        post_raw=base.is_on_brand_post.ifelse(base.weight, 0.0).sum(),
        post_clean=base.is_on_brand_post.ifelse(clean_weight, 0.0).sum(),
    ).to_pyarrow().to_pylist()[0]
    hidden_raw, hidden_clean, method = _counts_only(ctx)
    eng = {"raw": float(sums["post_raw"] or 0.0) + hidden_raw, "clean": float(sums["post_clean"] or 0.0) + hidden_clean}
    totals = {"raw": sums["raw"], "clean": sums["clean"]}
    followers = ctx.summary.get("followers")
    brand_posts = ctx.summary.get("brand_posts") or 0
    per_post_raw = safe_ratio(float(eng["raw"] or 0.0), brand_posts)
    per_post_clean = safe_ratio(float(eng["clean"] or 0.0), brand_posts)
    th = threads.agg(
        n=threads.count(), replies=threads.replies.mean(), brand=threads.brand_replied.sum(),
    ).to_pyarrow().to_pylist()[0]
    kinds = {row["kind"]: int(row["n"]) for row in found.group_by("kind").agg(n=ibis._.count()).to_pyarrow().to_pylist()}
    follower_persons, lethargic = _lethargic(ctx, ids, members, followers, active)
    return {
        "members": n_members,
        "active_members": active,
        "member_levels": {level: levels.get(level, 0) for level in LEVELS},
        "newly_active_members": int(m["newly_active"] or 0),
        "recently_inactive_members": int(m["recently_inactive"] or 0),
        **_churn(status),
        "members_with_several_accounts": int(m["multi_account"] or 0),
        "follower_persons": follower_persons,
        "lethargic_share": lethargic,
        "raw_engagement_score": float(totals["raw"] or 0.0),
        "clean_engagement_score": float(totals["clean"] or 0.0),
        "raw_engagement_rate": None if per_post_raw is None or not followers else per_post_raw / followers,
        "clean_engagement_rate": None if per_post_clean is None or not followers else per_post_clean / followers,
        "engagement_rate_method": method,
        "counts_only_engagement_raw": hidden_raw,
        "counts_only_engagement_clean": hidden_clean,
        **_most_engaged(base),
        "ambassadors": {kind: kinds.get(kind, 0) for kind in KINDS},
        "conversation_threads": int(th["n"] or 0),
        "replies_per_thread": None if th["replies"] is None else float(th["replies"]),
        "threads_answered_by_brand": int(th["brand"] or 0),
    }


def _counts_only(ctx: Context) -> tuple[float, float, str]:
    """Weighted engagement on the brand's posts that only post-level counts show (likes, saves and
    shares a brand's API counts but never names): per post and kind, the count beyond the per-person
    rows, at its kind's weight; clean, less the likes the pods step estimates its pods gave
    (`brand_posts_engagement_pods_estimated`). Zero where every engagement has its row."""
    counts, method = brand_post_counts(ctx.inputs, ctx.brand_ids)
    if method != POST_COUNTS:
        return 0.0, 0.0, method
    settings = ctx.config.community
    weights = {k: float(getattr(settings, _COUNT_WEIGHT[k])) for k in COUNT_KINDS}
    hidden = sum(((counts[k] - counts[f"{k}_rows"]) * weights[k]).sum() for k in COUNT_KINDS)
    raw = float(counts.agg(n=hidden).to_pyarrow().to_pylist()[0]["n"] or 0.0)
    pods = float(ctx.summary.get("brand_posts_engagement_pods_estimated") or 0) * weights["likes"]
    return raw, max(0.0, raw - pods), method


def _most_engaged(base: ir.Table) -> dict[str, Any]:
    """Of the MOST_ENGAGED persons with the most raw weighted engagement (a dashboard's "most engaged"),
    how many were pod members (and so are neither members, top members nor ambassadors here)."""
    per = base.group_by("member_id").agg(raw=base.weight.sum(), pod=base.is_pod_person.any())
    top = per.order_by([ibis.desc("raw"), "member_id"]).limit(MOST_ENGAGED)
    row = top.agg(n=top.count(), pods=top.pod.cast("int64").sum()).to_pyarrow().to_pylist()[0]
    return {"most_engaged_checked": int(row["n"] or 0), "most_engaged_pod_members": int(row["pods"] or 0)}


def _churn(status: ir.Table) -> dict[str, Any]:
    """Members active in the window before the recent one, and the share of them silent since."""
    row = status.agg(
        before=status.was_active_before.sum(),
        churned=(status.was_active_before & ~status.is_active).sum(),
    ).to_pyarrow().to_pylist()[0]
    before, churned = int(row["before"] or 0), int(row["churned"] or 0)
    return {"churned_members": churned, "churn_rate": safe_ratio(churned, before)}


def _lethargic(ctx: Context, ids: ir.Table, members: ir.Table, followers: int | None,
               active: int) -> tuple[int | None, float | None]:
    """Followers (persons) not active lately, over followers.

    With `follows`: the brand's current followers, as persons, that are not active members.
    Without it: an estimate, 1 - active members / the follower count (members need not follow).
    """
    follows = ctx.table("follows")
    if follows is not None and ctx.brand_ids:
        current = follows.filter(follows.followee_id.isin(ctx.brand_ids) & follows.unfollowed_at.isnull())
        current = current.filter(~current.follower_id.isin(ctx.brand_ids))
        persons = current.join(ids, current.follower_id == ids.account_id).select("member_id").distinct()
        live = members.filter(members.member_status.isin(("new", "active"))).select("member_id")
        row = persons.left_join(live.mutate(_live=ibis.literal(True)), "member_id").agg(
            n=ibis._.count(), live=ibis._._live.fill_null(False).sum(),
        ).to_pyarrow().to_pylist()[0]
        n = int(row["n"] or 0)
        return n, safe_ratio(n - int(row["live"] or 0), n)
    if not followers:
        return None, None
    return None, max(0.0, 1.0 - active / followers)


STEP = Step(
    "community", community,
    reads=("accounts", "posts", "interactions", "follows", "identities", "post_metrics"),
    tables=(
        TableOutput("members", ("member_id",), ("member_id", "accounts", "engagement_score", "engagement_score_raw", "clean_interactions", "raw_interactions", "first_active_at", "last_active_at", "active_weeks", "love", "member_level", "member_status", "threads", "brand_turns", "is_ambassador", "ambassador_kind", "ambassador_kinds")),
        TableOutput("posts", ("post_id",), ("post_id", "author_id", "created_at", "platform", "format", "campaign", "likes", "clean_likes", "raw_interactions", "clean_interactions", "raw_engagement", "clean_engagement", "engaged_members", "clean_share", "likes_rank", "real_rank", "rank_change")),
        TableOutput("content", ("dimension", "value"), ("dimension", "value", "posts", "likes_per_post", "raw_engagement_per_post", "clean_engagement_per_post", "raw_engagement", "clean_engagement", "likes_rank", "real_rank")),
        TableOutput("cohorts", ("cohort", "month"), ("cohort", "month", "months_since", "cohort_size", "active_members", "retention")),
        TableOutput("periods", ("month",), ("month", "raw_interactions", "clean_interactions", "raw_engagement", "clean_engagement", "active_members", "new_members", "returning_members", "churned_members")),
        TableOutput("ambassadors", ("account_id", "kind"), ("account_id", "member_id", "kind", "evidence_count", "key_evidence", "evidence_weeks", "evidence_items", "week_share", "first_at", "last_at", "example_interaction_ids", "strength", "rank")),
    ),
    account_columns=("member_id", "engagement_score", "engagement_score_raw", "member_level", "active_weeks", "is_ambassador", "ambassador_kind"),
    interaction_columns=("engagement_weight",),
)
