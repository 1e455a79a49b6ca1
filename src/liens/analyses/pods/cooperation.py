"""Pods from co-engagement: where the data holds everyone's interactions (a crawl, a research dataset).

Co-action alone (accounts acting on the same post within a time window, what coordination tools
measure) cannot tell a pod from a fan club piling onto a star's posts. A pod is *reciprocal*
(members engage each other's posts), *exhaustive* (nearly every post of every member), *prompt*
(minutes after publication) and *above chance* given how active its members are. So:

1. In the engine: one row per (account, post it engaged) — the account's first engagement, its
   delay after publication, its comments, the post's rank among its author's posts.
2. In the engine: per ordered pair, what each account did on the other's posts (coverage over the
   span it took part in, promptness), compared with chance (configuration model: account activity
   times post popularity); the pairs passing both ways then get their co-engagement count, a
   self-join on the same post within `window_minutes` (`co_engagement_of`; the full co-action edge
   list, `co_engagement_edges`, is quadratic on a viral post and never needed by the detector).
3. On the small set of kept pairs: a weighted graph clustered with Leiden (igraph + leidenalg);
   each group is scored from its own mutual activity (density, reciprocity, coverage, promptness);
   accounts tied to a pod as a whole (rotating members with few posts) are attached to it, round
   after round (a late member may have overlapped only members attached before).

Members of a group scoring at least `score_threshold` are flagged, and every interaction a member
made on another member's post is marked `is_authentic = false`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
import igraph
import leidenalg
import numpy as np
import pandas as pd
import pyarrow as pa
from scipy.stats import poisson

from ...config import PodSettings
from ..common import TEXT_KINDS, safe_ratio

# Kinds of engagement a pod trades on a post (views and clicks are passive; dms and mentions have no post).
POD_KINDS = ("like", "reaction", "comment", "reply", "share", "save", "story_reply")
EXAMPLE_COMMENTS = 3


# -- engine side -------------------------------------------------------------------------------

def normalized_text(text: ir.StringValue) -> ir.StringValue:
    """Lower case, letters and digits only, single spaces: what makes two comments 'the same'."""
    letters = text.lower().re_replace(r"[^\p{L}\p{N}\s]", "")
    return letters.re_replace(r"\s+", " ").strip()


def engagements(interactions: ir.Table, posts: ir.Table) -> ir.Table:
    """One row per (actor, post) engaged by an account other than its author.

    Interactions without a post, on an unknown post, or on a post without author are left out:
    they cannot be traded within a pod. Delays before publication (clock skew) count as 0.
    """
    dated = posts.filter(posts.author_id.notnull() & posts.created_at.notnull())
    post_side = dated.select(
        _pid=dated.post_id, author_id=dated.author_id, posted_at=dated.created_at,
        # the post's place among its author's posts, to count the posts published in a span
        post_rank=ibis.row_number().over(group_by=dated.author_id, order_by=[dated.created_at, dated.post_id]),
    )
    acts = interactions.filter(
        interactions.post_id.notnull() & interactions.actor_id.notnull() & interactions.created_at.notnull()
        & interactions.kind.isin(POD_KINDS)
    )
    acts = acts.join(post_side, acts.post_id == post_side._pid).filter(ibis._.actor_id != ibis._.author_id)
    per_post = acts.group_by("actor_id", "post_id", "author_id", "posted_at", "post_rank").agg(
        engaged_at=acts.created_at.min(),
        interactions=acts.count(),
        comments=(acts.kind.isin(TEXT_KINDS) & acts.text.notnull()).cast("int64").sum(),
    )
    delay = (per_post.engaged_at.epoch_seconds() - per_post.posted_at.epoch_seconds()) / 60.0
    return per_post.mutate(delay_minutes=ibis.greatest(delay.cast("float64"), 0.0))


def co_engagement_edges(engaged: ir.Table, window_minutes: float, min_count: int = 1) -> ir.Table:
    """Pairs (account_a < account_b) and the posts both engaged within `window_minutes` of each other.

    A self-join on the post; to keep a post with thousands of engagers from producing every pair
    of them, engagements are bucketed by time and joined only to their own and the previous bucket.
    """
    seconds = max(float(window_minutes) * 60.0, 1.0)
    timed = engaged.select(
        "actor_id", "post_id", t=engaged.engaged_at.epoch_seconds().cast("float64"),
    )
    timed = timed.mutate(bucket=(timed.t / seconds).floor().cast("int64"))
    other = timed.select(actor_b=timed.actor_id, post_b=timed.post_id, t_b=timed.t, bucket_b=timed.bucket)
    same = timed.join(
        other,
        [timed.post_id == other.post_b, timed.bucket == other.bucket_b, timed.actor_id < other.actor_b],
    ).filter((ibis._.t - ibis._.t_b).abs() <= seconds)
    same = same.select(account_a=same.actor_id, account_b=same.actor_b, post_id=same.post_id)
    # Adjacent buckets: the left side is the later one, so each such pair is met exactly once.
    later = timed.join(other, [timed.post_id == other.post_b, timed.bucket == other.bucket_b + 1])
    later = later.filter((later.t - later.t_b <= seconds) & (later.actor_id != later.actor_b))
    later = later.select(
        account_a=ibis.least(later.actor_id, later.actor_b), account_b=ibis.greatest(later.actor_id, later.actor_b),
        post_id=later.post_id,
    )
    pairs = same.union(later, distinct=False)
    edges = pairs.group_by("account_a", "account_b").agg(co_posts=pairs.count())
    return edges.filter(edges.co_posts >= min_count) if min_count > 1 else edges


def directed_engagement(engaged: ir.Table, prompt_minutes: float) -> ir.Table:
    """What each account did on each author's posts: posts engaged, prompt ones, and
    `span_posts`, the author's posts from the first to the last one it engaged (pods rotate: a
    member is judged on the posts published while it took part, not on the whole period)."""
    directed = engaged.group_by("actor_id", "author_id").agg(
        posts_engaged=engaged.count(),
        prompt_posts=(engaged.delay_minutes <= prompt_minutes).cast("int64").sum(),
        span_posts=engaged.post_rank.max() - engaged.post_rank.min() + 1,
    )
    return directed


def _scalar(expr: ir.Scalar) -> Any:
    return expr.to_pyarrow().as_py()


def co_engagement_of(pairs: ir.Table, engaged: ir.Table, window_minutes: float) -> ir.Table:
    """Posts each given pair (account_a, account_b) both engaged within `window_minutes` of each other.

    The same self-join as `co_engagement_edges`, driven by the pairs: it costs what the pairs'
    engagements cost, however many thousands of accounts piled onto a viral post.
    """
    seconds = float(window_minutes) * 60.0
    mine = engaged.select(_actor=engaged.actor_id, _post=engaged.post_id, _t=engaged.engaged_at)
    theirs = engaged.select(_actor_b=engaged.actor_id, _post_b=engaged.post_id, _t_b=engaged.engaged_at)
    joined = pairs.select("account_a", "account_b").join(mine, ibis._.account_a == mine._actor)
    joined = joined.join(theirs, [joined.account_b == theirs._actor_b, joined._post == theirs._post_b])
    gap = (joined._t.epoch_seconds() - joined._t_b.epoch_seconds()).abs()
    close = joined.filter(gap <= seconds)
    return close.group_by("account_a", "account_b").agg(co_posts=close.count())


def candidate_pairs(engaged: ir.Table, posts: ir.Table, settings: PodSettings) -> pa.Table:
    """The pairs that engage each other promptly and exhaustively, above chance, and co-engage.

    The cheap per-pair aggregates (what each did on the other's posts) filter first; the windowed
    self-join then only runs for the pairs left, so a viral post never multiplies the work.
    """
    popularity = engaged.group_by("post_id").agg(engagers=engaged.count())
    total = _scalar(engaged.count()) or 0
    squares = _scalar((popularity.engagers * popularity.engagers).sum()) or 0
    if total == 0:
        return pa.table({})
    activity = engaged.group_by(account=engaged.actor_id).agg(active_posts=engaged.count())
    received = engaged.group_by(account=engaged.author_id).agg(received=engaged.count())
    authored = posts.filter(posts.author_id.notnull())
    published = authored.group_by(account=authored.author_id).agg(published=authored.count())
    # Only authors can be in a pair: both must have posts for the other to engage.
    profile = (
        published.left_join(activity, "account").select("account", "published", "active_posts")
        .left_join(received, "account").select("account", "published", "active_posts", "received")
    )
    profile = profile.mutate(active_posts=profile.active_posts.fill_null(0), received=profile.received.fill_null(0))

    directed = directed_engagement(engaged, settings.prompt_minutes)
    directed = directed.filter(directed.posts_engaged >= settings.min_mutual_posts)
    ab = directed.select(account_a=directed.actor_id, account_b=directed.author_id, n_ab=directed.posts_engaged,
                         prompt_ab=directed.prompt_posts, span_ab=directed.span_posts)
    ba = directed.select(_b2=directed.actor_id, _a2=directed.author_id, n_ba=directed.posts_engaged,
                         prompt_ba=directed.prompt_posts, span_ba=directed.span_posts)
    pa_ = profile.select(_pa=profile.account, k_a=profile.active_posts, r_a=profile.received, posts_a=profile.published)
    pb_ = profile.select(_pb=profile.account, k_b=profile.active_posts, r_b=profile.received, posts_b=profile.published)
    ab = ab.filter(ab.account_a < ab.account_b)
    joined = ab.join(ba, [ab.account_a == ba._a2, ab.account_b == ba._b2])
    joined = joined.join(pa_, joined.account_a == pa_._pa)
    joined = joined.join(pb_, joined.account_b == pb_._pb)
    cov_ab = joined.n_ab / joined.span_ab  # share of b's posts that a engaged, over a's span
    cov_ba = joined.n_ba / joined.span_ba
    weak, strong = ibis.least(cov_ab, cov_ba), ibis.greatest(cov_ab, cov_ba)
    # Chance (configuration model): a's engagements land on posts in proportion to their
    # popularity, so a is expected on k_a * (share of all engagement b's posts draw) of b's posts.
    # The share leaves out a itself (plus one pseudo-engagement), else a pod's own activity would
    # make its posts look popular and its members' engagement look expected.
    total_f = float(total)
    expected_ab = joined.k_a * (joined.r_b - joined.n_ab + 1) / (total_f - joined.k_a + 1)
    expected_ba = joined.k_b * (joined.r_a - joined.n_ba + 1) / (total_f - joined.k_b + 1)
    # Both directions must beat chance: the geometric mean, so a fan's expected engagement of a
    # popular star's posts cannot carry a one-sided pair.
    lift = ((joined.n_ab / expected_ab) * (joined.n_ba / expected_ba)).sqrt()
    mutual = joined.n_ab + joined.n_ba
    scored = joined.select(
        "account_a", "account_b", "n_ab", "n_ba", "posts_a", "posts_b",
        coverage=weak, reciprocity=weak / strong.nullif(0),
        prompt_share=(joined.prompt_ab + joined.prompt_ba) / mutual,
        mutual=mutual, expected=expected_ab + expected_ba, lift=lift,
        expected_co=joined.k_a.cast("float64") * joined.k_b * (float(squares) / total_f ** 2),
    )
    kept = scored.filter(
        (scored.coverage >= settings.min_coverage)
        & (scored.reciprocity >= settings.min_reciprocity)
        & (scored.prompt_share >= settings.min_prompt_share)
        & (scored.lift >= settings.min_lift)
    )
    co = co_engagement_of(kept, engaged, settings.window_minutes)
    kept = kept.join(co, ["account_a", "account_b"])
    kept = kept.filter(kept.co_posts >= settings.min_co_engagements)
    kept = kept.mutate(co_lift=kept.co_posts / kept.expected_co)
    # Engine boundary (docs/scale.md): only pairs past every threshold reach igraph, a number that
    # grows with coordinated accounts, not with interactions (~5k pairs at 10M interactions).
    result = kept.order_by("account_a", "account_b").to_pyarrow()
    if result.num_rows:
        # How unlikely that much mutual engagement is by chance (evidence, not a filter).
        mutual_np = result["mutual"].to_numpy()
        expected_np = result["expected"].to_numpy()
        result = result.append_column("p_value", pa.array(poisson.sf(mutual_np - 1, expected_np), pa.float64()))
    return result


# -- graph side (reduced data) ---------------------------------------------------------------

def cluster_pairs(pairs: pd.DataFrame, settings: PodSettings) -> dict[str, int]:
    """Leiden groups of the kept-pair graph, as {account: group}; groups smaller than the minimum dropped."""
    if pairs.empty:
        return {}
    names = sorted(set(pairs.account_a) | set(pairs.account_b))
    index = {name: i for i, name in enumerate(names)}
    graph = igraph.Graph(n=len(names), edges=list(zip(pairs.account_a.map(index), pairs.account_b.map(index))))
    # Strong ties weigh more: both directions' coverage and promptness.
    graph.es["weight"] = (pairs.coverage * pairs.prompt_share).clip(lower=1e-6).tolist()
    partition = leidenalg.find_partition(
        graph, leidenalg.ModularityVertexPartition, weights="weight", seed=settings.seed,
    )
    groups: dict[str, int] = {}
    for group, vertices in enumerate(partition):
        for v in vertices:
            groups[names[v]] = group
    return _prune(groups, pairs, settings)


def _prune(groups: dict[str, int], pairs: pd.DataFrame, settings: PodSettings) -> dict[str, int]:
    """Drop members tied to too few of their group, then groups that became too small."""
    tied = {(a, b) for a, b in zip(pairs.account_a, pairs.account_b)}
    tied |= {(b, a) for a, b in tied}
    while True:
        members: dict[int, list[str]] = {}
        for account, group in groups.items():
            members.setdefault(group, []).append(account)
        keep: dict[str, int] = {}
        for group, accounts in members.items():
            if len(accounts) < settings.min_group_size:
                continue
            for account in accounts:
                ties = sum((account, other) in tied for other in accounts if other != account)
                if ties >= min(settings.min_member_ties, len(accounts) - 1):
                    keep[account] = group
        if keep == groups:
            return groups
        groups = keep


@dataclass
class GroupEvidence:
    members: int
    posts_co_engaged: int
    median_delay_minutes: float | None
    prompt_share: float
    density: float
    reciprocity: float
    coverage: float
    lift: float | None
    pod_engagements: int
    member_coverage: dict[str, float | None]
    member_ties: dict[str, int]
    core_score: float | None = None  # set when members were attached after the core was scored
    evidence: str = "co_engagement"  # what found the pod: co_engagement, brand_exchange (brand.py), or both
    # From the brand's own data (brand.py): per member, the brand's engagements of its posts, and the
    # share of its prompt arrivals on the brand's posts that came with another member's.
    brand_returns: dict[str, int] = field(default_factory=dict)
    co_arrival: dict[str, float] = field(default_factory=dict)
    member_evidence: dict[str, str] = field(default_factory=dict)  # per member, when it differs from `evidence`

    @property
    def score(self) -> float:
        """Geometric mean of density, reciprocity, coverage and promptness: all must be high."""
        if self.core_score is not None:
            return self.core_score
        parts = [self.density, self.reciprocity, self.coverage, self.prompt_share]
        return float(np.prod(np.clip(parts, 0.0, 1.0)) ** (1.0 / len(parts)))


def group_evidence(members: list[str], inside: pd.DataFrame, directed: pd.DataFrame,
                   pairs: pd.DataFrame, settings: PodSettings) -> GroupEvidence:
    """The evidence of one group, from its members' engagements on each other's posts.

    `inside`: one row per (member, other member's post) engaged; `directed`: those rows summed per
    (member, author) by `directed_engagement`; `pairs`: the kept pairs.
    """
    size = len(members)
    ordered = dict(zip(zip(directed.actor_id, directed.author_id), directed.posts_engaged))
    # Coverage of a member: the mean share of its posts each member who engaged it covered, over
    # the span that member took part in (a pod's membership turns over).
    shares = directed.assign(share=directed.posts_engaged / directed.span_posts).groupby("author_id").share.mean()
    member_coverage: dict[str, float | None] = {m: float(shares.get(m, 0.0)) for m in members}
    both = sum(
        1 for i, a in enumerate(members) for b in members[i + 1:]
        if ordered.get((a, b), 0) > 0 and ordered.get((b, a), 0) > 0
    )
    possible = size * (size - 1) / 2
    member_set = set(members)
    kept = pairs[pairs.account_a.isin(member_set) & pairs.account_b.isin(member_set)]
    ties = {m: 0 for m in members}
    for a, b in zip(kept.account_a, kept.account_b):
        ties[a] += 1
        ties[b] += 1
    per_post = inside.groupby("post_id").actor_id.nunique()
    return GroupEvidence(
        members=size,
        posts_co_engaged=int((per_post >= 2).sum()),
        median_delay_minutes=float(inside.delay_minutes.median()) if len(inside) else None,
        prompt_share=float((inside.delay_minutes <= settings.prompt_minutes).mean()) if len(inside) else 0.0,
        density=len(kept) / possible if possible else 0.0,
        reciprocity=both / possible if possible else 0.0,
        coverage=float(np.mean([v or 0.0 for v in member_coverage.values()])) if member_coverage else 0.0,
        lift=float(kept.lift.median()) if len(kept) else None,
        pod_engagements=int(inside.interactions.sum()),
        member_coverage=member_coverage,
        member_ties=ties,
    )


def _membership_table(groups: dict[str, str]) -> ir.Table:
    return ibis.memtable(pa.table({
        "_m_account": pa.array(list(groups), pa.string()),
        "_m_pod": pa.array(list(groups.values()), pa.string()),
    }))


def _inside_groups(engaged: ir.Table, groups: dict[str, int]) -> ir.Table:
    """Engagements a group member made on another member's post of the same group."""
    members = _membership_table({k: str(v) for k, v in groups.items()})
    other = members.select(_o_account=members._m_account, _o_pod=members._m_pod)
    inside = engaged.join(members, engaged.actor_id == members._m_account)
    inside = inside.join(other, [inside.author_id == other._o_account, inside._m_pod == other._o_pod])
    return inside.select(*engaged.columns, group=inside._m_pod)


def pod_comments(interactions: ir.Table, posts: ir.Table, pod_of: dict[str, str],
                 settings: PodSettings) -> dict[str, tuple[float | None, str | None]]:
    """Per pod: the share of generic comments members wrote on each other's posts, and examples.

    A comment is generic when it has no words (emoji, punctuation), is a short non-question, or is
    the very same text several accounts wrote anywhere in the data. Evidence only: many pods just
    like, and real fans write "love it" too, so genericity does not weigh in the score.
    """
    members = _membership_table(pod_of)
    other = members.select(_o_account=members._m_account, _o_pod=members._m_pod)
    texts = interactions.filter(interactions.kind.isin(TEXT_KINDS) & interactions.text.notnull())
    post_side = posts.select(_pid=posts.post_id, _author=posts.author_id)
    inside = texts.join(post_side, texts.post_id == post_side._pid)
    inside = inside.join(members, inside.actor_id == members._m_account)
    inside = inside.join(other, [inside._author == other._o_account, inside._m_pod == other._o_pod])
    inside = inside.filter(inside.actor_id != inside._author).select(
        "text", pod=inside._m_pod, key=inside.text.lower().strip(), norm=normalized_text(inside.text),
    )
    # How many accounts wrote each of those texts, anywhere (only the pods' texts are looked up).
    keys = inside.select(_key=inside.key).distinct()
    everywhere = texts.mutate(_k=texts.text.lower().strip())
    everywhere = everywhere.join(keys, everywhere._k == keys._key)
    writers = everywhere.group_by(key=everywhere._k).agg(writers=everywhere.actor_id.nunique())
    inside = inside.left_join(writers, "key")
    words = inside.norm.length() - inside.norm.replace(" ", "").length() + 1
    generic = (
        (inside.norm == "") | ((words <= settings.generic_max_words) & ~inside.text.contains("?"))
        | (inside.writers.fill_null(0) >= settings.generic_min_accounts)
    )
    counted = inside.group_by("pod", "norm").agg(n=inside.count(), generic=generic.cast("int64").sum(),
                                                  example=inside.text.min())
    frame = counted.to_pandas()
    found: dict[str, tuple[float | None, str | None]] = {}
    for pod, rows in frame.sort_values(["n", "example"], ascending=[False, True]).groupby("pod", sort=False):
        share = safe_ratio(float(rows.generic.sum()), float(rows.n.sum()))
        found[pod] = (share, " | ".join(rows.example.head(EXAMPLE_COMMENTS).str.slice(0, 120)))
    return found


def _score_groups(groups: dict[str, int], inside: pd.DataFrame, directed: pd.DataFrame,
                  pairs: pd.DataFrame, settings: PodSettings) -> dict[str, tuple[GroupEvidence, list[str]]]:
    """Evidence of every group; those reaching the score threshold become pods `pod-1`, `pod-2`, …"""
    members: dict[int, list[str]] = {}
    for account, group in groups.items():
        members.setdefault(group, []).append(account)
    found = []
    for group, accounts in members.items():
        accounts = sorted(accounts)
        mine = directed[directed.actor_id.isin(accounts)]
        evidence = group_evidence(accounts, inside[inside.group == str(group)], mine, pairs, settings)
        if evidence.score >= settings.score_threshold:
            found.append((evidence, accounts))
    found.sort(key=lambda item: (-item[0].score, -item[0].members, item[1][0]))
    return {f"pod-{i}": item for i, item in enumerate(found, start=1)}


def attach_members(engaged: ir.Table, pod_of: dict[str, str], settings: PodSettings) -> dict[str, str]:
    """Accounts tied to a pod as a whole rather than pair by pair: {account: pod}.

    Pods rotate: a member who took part for a few weeks may have published one or two posts then,
    too few for any pair to pass. It still engaged the posts of several members promptly, and
    several members engaged its posts promptly, most of them on each post. That two-way, prompt,
    group-wide exchange with one pod is what attaches an account to it.
    """
    members = _membership_table(pod_of)
    known = members.select(_known=members._m_account)
    outsiders = engaged.anti_join(known, engaged.actor_id == known._known)
    out = outsiders.join(members, outsiders.author_id == members._m_account)
    out = out.group_by(account=out.actor_id, pod=out._m_pod).agg(
        out_members=out.author_id.nunique(),
        out_prompt=(out.delay_minutes <= settings.prompt_minutes).cast("float64").mean(),
    )
    received = engaged.anti_join(known, engaged.author_id == known._known)
    inn = received.join(members, received.actor_id == members._m_account)
    inn = inn.group_by(account=inn.author_id, pod=inn._m_pod).agg(
        in_members=inn.actor_id.nunique(), in_posts=inn.post_id.nunique(), in_engagements=inn.count(),
        in_prompt=(inn.delay_minutes <= settings.prompt_minutes).cast("float64").mean(),
    )
    sizes = ibis.memtable(pa.table({
        "pod": pa.array(sorted(set(pod_of.values())), pa.string()),
        "pod_size": pa.array([sum(1 for p in pod_of.values() if p == pod) for pod in sorted(set(pod_of.values()))], pa.int64()),
    }))
    both = out.join(inn, ["account", "pod"]).join(sizes, "pod")
    # Coverage from the pod's side: the share of members that engaged each of its engaged posts.
    coverage = both.in_engagements / (both.in_posts * both.pod_size)
    kept = both.filter(
        (both.out_members >= settings.min_member_ties) & (both.in_members >= settings.min_member_ties)
        & (both.out_prompt >= settings.min_prompt_share) & (both.in_prompt >= settings.min_prompt_share)
        & (coverage >= settings.min_coverage)
    )
    rows = kept.order_by([ibis.desc("in_members"), "account", "pod"]).select("account", "pod").to_pyarrow().to_pylist()
    attached: dict[str, str] = {}
    for row in rows:  # an account tied to two pods goes with the one it exchanged most with
        attached.setdefault(row["account"], row["pod"])
    return attached


def attach_rotating(engaged: ir.Table, core: dict[str, str], settings: PodSettings, rounds: int = 10) -> dict[str, str]:
    """`attach_members` until nothing changes, each round judging against the pods as they stand.

    Members of a rotating pod overlap only some of the others: one who traded with the core only
    through members attached in the previous round is a member too. Each round asks for two-way,
    prompt exchange with several members, and the coverage asked grows with the pod, so the pods
    do not drift into their members' friends. `rounds` only bounds the cost: each round is two
    aggregates over the engagements, and each adds at least one member or ends the loop.
    """
    attached: dict[str, str] = {}
    for _ in range(rounds):
        new = attach_members(engaged, {**core, **attached}, settings)
        if not new:
            break
        attached.update(new)
    return attached


def _evidence_inputs(engaged: ir.Table, groups: dict[str, Any], settings: PodSettings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reduced data for `group_evidence`: the members' engagements on each other's posts, row by row and summed."""
    inside = _inside_groups(engaged, groups)
    directed = directed_engagement(inside, settings.prompt_minutes).to_pandas()
    rows = inside.select(
        "actor_id", "author_id", "post_id", "delay_minutes", "interactions", "group",
    ).to_pandas()
    return rows, directed



def co_engagement_pods(interactions: ir.Table, posts: ir.Table, settings: PodSettings,
                       progress: Callable[[str], None]) -> dict[str, tuple[GroupEvidence, list[str]]]:
    """The pods the co-engagement evidence shows: {pod: (evidence, members)}, by decreasing score."""
    progress("pods: engagements")
    engaged = engagements(interactions, posts).cache()
    try:
        progress("pods: co-engagement")
        pairs = candidate_pairs(engaged, posts, settings).to_pandas()
        progress("pods: clustering")
        groups = cluster_pairs(pairs, settings)
        if not groups:
            return {}
        progress("pods: evidence")
        flagged = _score_groups(groups, *_evidence_inputs(engaged, groups, settings), pairs, settings)
        core = {account: pod for pod, (_, accounts) in flagged.items() for account in accounts}
        if not core:
            return {}
        attached = attach_rotating(engaged, core, settings)
        if attached:
            # The score stays the core's (what decided the flag); the evidence covers every member.
            pod_of = {**core, **attached}
            inside, directed = _evidence_inputs(engaged, pod_of, settings)
            for pod, (evidence, _) in list(flagged.items()):
                accounts = sorted(a for a, p in pod_of.items() if p == pod)
                mine = directed[directed.actor_id.isin(accounts)]
                fuller = group_evidence(accounts, inside[inside.group == pod], mine, pairs, settings)
                fuller.core_score = evidence.score
                flagged[pod] = (fuller, accounts)
    finally:
        engaged.release()
    return flagged
