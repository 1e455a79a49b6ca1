"""Engagement pods: groups of accounts that engage each other's posts, promptly and exhaustively.

Two kinds of evidence, one result:

- `cooperation.py` — **co-engagement**, where the data holds everyone's interactions (a crawl, a
  research dataset): members engage *each other's* posts, both ways, above chance;
- `brand.py` — **the brand's own data** (`brand_exchange`), what its platforms' APIs and its
  export hold: accounts that comment most of the brand's posts within minutes, arrive together,
  and whose posts the brand itself likes and comments in return.

Both always run; a brand pod found by both is one pod. Every row of `pods` says which evidence
found the member (`evidence`), and `summary.json` which evidence the data allowed. Members of a
flagged pod have every interaction they made on another member's post marked `is_authentic = false`
(on a post the data does not hold, the post's owner named by `target_id` stands for its author).
Staff (`pods.staff_accounts`) are never flagged.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from ..base import Context, Output, Step, TableOutput
from ..common import ENGAGEMENT_KINDS, safe_ratio
from ..core import POST_COUNTS, VANITY_KINDS, brand_post_counts
from .brand import EVIDENCE as BRAND_EVIDENCE
from .brand import CentredPod, centred_pod, staff_ids
from .cooperation import (
    POD_KINDS,
    GroupEvidence,
    candidate_pairs,
    cluster_pairs,
    co_engagement_edges,
    co_engagement_of,
    co_engagement_pods,
    directed_engagement,
    engagements,
    normalized_text,
    pod_comments,
)

__all__ = [
    "POD_COLUMNS", "STEP", "candidate_pairs", "centred_pod", "cluster_pairs", "co_engagement_edges",
    "co_engagement_of", "detect_pods", "directed_engagement", "engagements", "normalized_text",
]

CO_ENGAGEMENT, BOTH = "co_engagement", "both"
DETECTORS = (CO_ENGAGEMENT, BRAND_EVIDENCE)

POD_COLUMNS = {
    "pod_id": pa.string(), "account_id": pa.string(), "is_brand": pa.bool_(),
    "pod_score": pa.float64(), "member_pairs": pa.int64(), "members": pa.int64(),
    "posts_co_engaged": pa.int64(), "median_delay_minutes": pa.float64(), "prompt_share": pa.float64(),
    "reciprocity": pa.float64(), "coverage": pa.float64(), "member_coverage": pa.float64(),
    "lift": pa.float64(), "generic_comment_share": pa.float64(), "pod_engagements": pa.int64(),
    "example_comments": pa.string(), "evidence": pa.string(), "brand_returns": pa.int64(),
    "co_arrival": pa.float64(),
}

Flagged = dict[str, tuple[GroupEvidence, list[str]]]


def _without_staff(flagged: Flagged, staff: list[str], min_size: int) -> Flagged:
    """Co-engagement pods without the staff (a pod left too small is dropped)."""
    if not staff:
        return flagged
    kept: Flagged = {}
    for pod, (evidence, accounts) in flagged.items():
        rest = [a for a in accounts if a not in staff]
        if len(rest) >= min_size:
            evidence.members = len(rest)
            kept[pod] = (evidence, rest)
    return kept


def _merge(flagged: Flagged, centred: CentredPod | None, brand_ids: list[str], min_size: int) -> Flagged:
    """One result: the brand's pod from its own data joins the co-engagement pod holding the brand, or
    stands as a pod of its own; pods are then numbered `pod-1`, `pod-2`, … by decreasing score."""
    merged = dict(flagged)
    if centred is not None:
        ev = centred.evidence
        host = next((pod for pod, (_, accounts) in flagged.items() if set(accounts) & set(brand_ids)), None)
        taken = {a for pod, (_, accounts) in flagged.items() if pod != host for a in accounts}
        members = [m for m in centred.members if m not in taken]  # a member of another pod stays there
        if host is None:
            accounts = sorted(set(members) | set(centred.centres))
            if len(accounts) >= min_size:
                ev.members = len(accounts)
                merged["brand"] = (ev, accounts)
        else:
            host_ev, host_accounts = flagged[host]
            found = set(host_accounts)
            host_ev.evidence = BOTH
            for account in host_accounts:
                host_ev.member_evidence[account] = BOTH if account in members or account in brand_ids else CO_ENGAGEMENT
            for account in members:
                if account not in found:
                    host_ev.member_evidence[account] = BRAND_EVIDENCE
                    host_ev.member_coverage[account] = ev.member_coverage.get(account)
                    host_ev.member_ties[account] = 0
            host_ev.brand_returns = {m: ev.brand_returns[m] for m in members if m in ev.brand_returns}
            host_ev.co_arrival = {m: ev.co_arrival[m] for m in members if m in ev.co_arrival}
            accounts = sorted(found | set(members))
            host_ev.members = len(accounts)
            merged[host] = (host_ev, accounts)
    ranked = sorted(merged.values(), key=lambda item: (-item[0].score, -item[0].members, item[1][0]))
    return {f"pod-{i}": item for i, item in enumerate(ranked, start=1)}


def _pods_table(flagged: Flagged, comments: dict[str, tuple[float | None, str | None]], brand_ids: list[str]) -> pa.Table:
    rows = []
    for pod, (ev, accounts) in flagged.items():
        for account in accounts:
            rows.append({
                "pod_id": pod, "account_id": account, "is_brand": account in brand_ids,
                "pod_score": round(ev.score, 4), "member_pairs": ev.member_ties.get(account, 0),
                "members": ev.members, "posts_co_engaged": ev.posts_co_engaged,
                "median_delay_minutes": ev.median_delay_minutes, "prompt_share": ev.prompt_share,
                "reciprocity": ev.reciprocity, "coverage": ev.coverage,
                "member_coverage": ev.member_coverage.get(account), "lift": ev.lift,
                "generic_comment_share": comments.get(pod, (None, None))[0], "pod_engagements": ev.pod_engagements,
                "example_comments": comments.get(pod, (None, None))[1],
                "evidence": ev.member_evidence.get(account, ev.evidence),
                "brand_returns": ev.brand_returns.get(account), "co_arrival": ev.co_arrival.get(account),
            })
    return pa.Table.from_pylist(rows, schema=pa.schema(list(POD_COLUMNS.items())))


def _membership(pod_of: dict[str, str]) -> ir.Table:
    return ibis.memtable(pa.table({
        "_m_account": pa.array(list(pod_of), pa.string()),
        "_m_pod": pa.array(list(pod_of.values()), pa.string()),
    }))


def authenticity(interactions: ir.Table, pod_of: dict[str, str]) -> ir.Table:
    """`is_authentic` per interaction (with its kind, actor, post and post author, for the figures):
    false when a pod member made it on another member's post. On a post the data does not hold
    (the brand's export names only its owner), `target_id` stands for the post's author."""
    author = ibis.ifelse(interactions.post_id.notnull(),
                         interactions.post_author_id.fill_null(interactions.target_id), interactions.post_author_id)
    base = interactions.select("interaction_id", "kind", "actor_id", "post_id", "post_author_id", _author=author)
    if not pod_of:
        return base.select("interaction_id", "kind", "actor_id", "post_id", "post_author_id",
                           is_authentic=ibis.literal(True))
    members = _membership(pod_of)
    authors = members.select(_a_account=members._m_account, _a_pod=members._m_pod)
    joined = base.left_join(members, base.actor_id == members._m_account)
    joined = joined.left_join(authors, joined._author == authors._a_account)
    traded = (joined._m_pod == joined._a_pod) & (joined.actor_id != joined._author)
    return joined.select("interaction_id", "kind", "actor_id", "post_id", "post_author_id",
                         is_authentic=~traded.fill_null(False))


def _data_view(ctx: Context) -> str:
    """`full` when the data holds engagement between other accounts (not on the brand's posts, not by
    the brand): the co-engagement evidence can work; else `brand`, the brand's own data only."""
    inter = ctx.interactions
    others = inter.filter(inter.kind.isin(POD_KINDS) & inter.post_author_id.notnull() & ~inter.is_brand_actor
                          & (inter.actor_id != inter.post_author_id))
    if ctx.brand_ids:
        others = others.filter(~others.post_author_id.isin(ctx.brand_ids))
    return "full" if others.limit(1).count().to_pyarrow().as_py() else "brand"


def _brand_figures(ctx: Context, flags: ir.Table, pod_of: dict[str, str]) -> dict[str, Any]:
    """Engagement on the brand's posts: raw (per post and kind, the larger of the per-person rows and
    the platform's count), from pods (rows flagged, plus an estimate of the likes only counts show),
    and clean."""
    counts, method = brand_post_counts(ctx.inputs, ctx.brand_ids)
    raw = int(counts.agg(n=(counts.likes + counts.comments + counts.shares + counts.saves).sum())
              .to_pyarrow().to_pylist()[0]["n"] or 0)
    flagged = flags.filter(~flags.is_authentic & flags.kind.isin(VANITY_KINDS)
                           & (flags.post_author_id.isin(ctx.brand_ids) if ctx.brand_ids else ibis.literal(False)))
    seen = int(flagged.count().to_pyarrow().as_py() or 0)
    estimated = 0
    if seen and method == POST_COUNTS:
        # Where likes are only counts: each pod member seen engaging a post is taken to have liked it
        # too (a pod likes what it comments), at most the likes the count leaves unexplained.
        members = [m for m in pod_of if m not in ctx.brand_ids]
        on_post = flagged.filter(flagged.actor_id.isin(members))
        per = on_post.group_by("post_id").agg(
            seen=on_post.actor_id.nunique(),
            liked=on_post.kind.isin(("like", "reaction")).ifelse(on_post.actor_id, ibis.null("string")).nunique(),
        )
        joined = per.join(counts, "post_id")
        guess = ibis.least(ibis.greatest(joined.likes - joined.likes_rows, 0), joined.seen - joined.liked)
        estimated = int(joined.agg(n=guess.sum()).to_pyarrow().to_pylist()[0]["n"] or 0)
    pods = min(raw, seen + estimated)
    return {
        "brand_posts_engagement_method": method,
        "brand_posts_engagement_raw": raw,
        "brand_posts_engagement_pods": pods,
        "brand_posts_engagement_pods_estimated": estimated,
        "brand_posts_engagement_clean": raw - pods,
    }


def _summary(ctx: Context, joined: ir.Table, pod_of: dict[str, str], flagged: Flagged) -> dict[str, Any]:
    """Headline figures: pods, which evidence found them, their share of engagement, raw and clean on brand posts."""
    is_pod = (~joined.is_authentic).cast("int64")
    engagement = joined.kind.isin(ENGAGEMENT_KINDS)
    row = joined.agg(
        engagement=engagement.cast("int64").sum(),
        pod_engagement=(engagement.cast("int64") * is_pod).sum(),
    ).to_pyarrow().to_pylist()[0]
    row = {k: int(v or 0) for k, v in row.items()}
    brand_pods = sorted({pod_of[b] for b in ctx.brand_ids if b in pod_of})
    evidence: dict[str, int] = {CO_ENGAGEMENT: 0, BRAND_EVIDENCE: 0, BOTH: 0}
    for ev, accounts in flagged.values():
        for account in accounts:
            evidence[ev.member_evidence.get(account, ev.evidence)] += 1
    return {
        "pod_count": len(flagged),
        "pod_members": len(pod_of),
        "pod_engagement_share": safe_ratio(row["pod_engagement"], row["engagement"]) or 0.0,
        "brand_in_pod": bool(brand_pods),
        "brand_pod_ids": brand_pods,
        "pods_data_view": _data_view(ctx),
        "pod_detectors": [d for d in DETECTORS if d != BRAND_EVIDENCE or ctx.brand_ids],
        "pod_evidence": evidence,
        **_brand_figures(ctx, joined, pod_of),
    }


def _output(ctx: Context, flagged: Flagged, reason: str | None = None) -> Output:
    settings = ctx.config.pods
    pod_of = {account: pod for pod, (_, accounts) in flagged.items() for account in accounts}
    if pod_of:
        ctx.progress("pods: comments")
        comments = pod_comments(ctx.inputs["interactions"], ctx.inputs["posts"], pod_of, settings)
    else:
        comments = {}
    table = _pods_table(flagged, comments, ctx.brand_ids)
    account_columns = pa.table({
        "account_id": pa.array(list(pod_of), pa.string()),
        "pod_id": pa.array(list(pod_of.values()), pa.string()),
        "pod_score": pa.array([flagged[pod][0].score for pod in pod_of.values()], pa.float64()),
    })
    flags = authenticity(ctx.interactions, pod_of)
    ctx.progress("pods: clean figures")
    summary = _summary(ctx, flags, pod_of, flagged)
    if reason:
        summary["pods_skipped"] = reason
    return Output(tables={"pods": table}, account_columns=account_columns,
                  interaction_columns=flags.select("interaction_id", "is_authentic"), summary=summary)


def detect_pods(ctx: Context) -> Output:
    """The pipeline step: detect pods from both kinds of evidence, explain them, flag what they traded."""
    settings = ctx.config.pods
    if not settings.enabled:
        return _output(ctx, {}, "disabled in the configuration")
    interactions, posts = ctx.inputs["interactions"], ctx.inputs["posts"]
    staff = staff_ids(ctx.inputs["accounts"], settings)
    flagged = _without_staff(co_engagement_pods(interactions, posts, settings, ctx.progress), staff,
                             settings.min_group_size)
    ctx.progress("pods: the brand's own data")
    centred = centred_pod(interactions, posts, ctx.brand_ids, staff, settings)
    return _output(ctx, _merge(flagged, centred, ctx.brand_ids, settings.min_group_size))


STEP = Step(
    "pods", detect_pods,
    reads=("accounts", "posts", "interactions", "post_metrics"),
    tables=(
        TableOutput("pods", ("pod_id", "account_id"), tuple(POD_COLUMNS)),
    ),
    account_columns=("pod_id", "pod_score"),
    interaction_columns=("is_authentic",),
)
