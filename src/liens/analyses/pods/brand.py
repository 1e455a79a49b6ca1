"""Pods from what a brand can see: its posts' comments, their timing, and its own outgoing activity.

A brand's own sources do not hold what other accounts did among themselves (DESIGN.md, "What a
brand's data really holds"): the platforms' APIs give the comments and replies on its posts with
author and time, likes and saves only as counts; its export gives its own likes and comments on
other accounts' posts (the post's owner, not the post's date). A pod the brand belongs to still
shows, account by account:

- **frequent**: the account engaged at least `brand_min_posts` of the brand's posts, covering at
  least `min_coverage` of those published (on that brand account, stories left out) from its first
  to its last one — the span it took part in;
- **prompt**: at least `min_prompt_share` of its first engagements came within `prompt_minutes` of
  publication;
- **reciprocated**: the brand itself liked or commented at least `brand_min_returns` of the
  account's posts (its outgoing activity on posts that are not the brand's; answering under the
  account's comment on the brand's own post is community management, not reciprocity); an account
  with few posts of its own, engaged back at least once, joins the pod so found when it passes the
  other three tests against it;
- **together**: at least `brand_min_co_arrival` of its prompt arrivals came within
  `window_minutes` of another such account's arrival (pods arrive together; re-judged, round after
  round, among the accounts still kept).

Hard negatives in the same data: loyal fans and regulars are prompt and frequent but the brand does
not go to their posts; the brand's friends exchange with it but hours later; a viral post or a
contest is one post; staff (`staff_accounts`) look exactly like a pod and are never flagged.
The brand and the accounts kept form one pod (one pod per brand: from its own data the brand cannot
tell two pods it belongs to apart), scored as a co-engagement pod is: the geometric mean of its
density (share of member pairs that arrived together on at least `min_co_engagements` posts),
reciprocity (share of members the brand engaged back), coverage and promptness.

The same evidence vets another account (an influencer): `vetting.vet_account` centres it on that
account's posts and their public comments; without that account's own outgoing activity, reciprocity
is not known and is left out of the rule and the score (mostly specific commenters are left out instead).
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from ...config import PodSettings
from ..common import TEXT_KINDS
from .cooperation import GroupEvidence

# Per-person engagement on a post that the brand's sources may hold (story replies are messages).
INBOUND_KINDS = ("like", "reaction", "comment", "reply", "share", "save")
# The brand's own engagement of another account's post.
RETURN_KINDS = ("like", "reaction", "comment", "reply", "share", "save")
EVIDENCE = "brand_exchange"


def _handles(values: list[str]) -> list[str]:
    return sorted({v.strip().lstrip("@").lower() for v in values if v and v.strip()})


def staff_ids(accounts: ir.Table, settings: PodSettings) -> list[str]:
    """Account ids of the configured staff (`staff_accounts`: ids or handles, case and `@` ignored)."""
    wanted = _handles(settings.staff_accounts)
    if not wanted:
        return []
    ids = {v.strip() for v in settings.staff_accounts if v and v.strip()}
    handle = accounts.handle.fill_null("").lower().re_replace(r"^@", "")
    found = accounts.filter(accounts.account_id.isin(sorted(ids)) | handle.isin(wanted)).account_id
    return sorted(set(found.to_pyarrow().to_pylist()))


def inbound(interactions: ir.Table, posts: ir.Table, centre: list[str], excluded: list[str]) -> ir.Table:
    """One row per (account, post of the centre accounts) it engaged: first engagement, delay in
    minutes, the post's rank among its author's posts (stories left out: they take messages, not
    comments), and the account's comments there."""
    mine = posts.filter(posts.author_id.isin(centre) & posts.created_at.notnull())
    if "format" in posts.columns:
        mine = mine.filter(mine.format.fill_null("") != "story")
    post_side = mine.select(
        _pid=mine.post_id, author_id=mine.author_id, posted_at=mine.created_at,
        post_rank=ibis.row_number().over(group_by=mine.author_id, order_by=[mine.created_at, mine.post_id]),
    )
    acts = interactions.filter(
        interactions.post_id.notnull() & interactions.actor_id.notnull() & interactions.created_at.notnull()
        & interactions.kind.isin(INBOUND_KINDS) & ~interactions.actor_id.isin(centre + excluded)
    )
    acts = acts.join(post_side, acts.post_id == post_side._pid)
    per_post = acts.group_by("actor_id", "post_id", "author_id", "posted_at", "post_rank").agg(
        engaged_at=acts.created_at.min(),
        interactions=acts.count(),
        comments=(acts.kind.isin(TEXT_KINDS) & acts.text.notnull()).cast("int64").sum(),
    )
    delay = (per_post.engaged_at.epoch_seconds() - per_post.posted_at.epoch_seconds()) / 60.0
    return per_post.mutate(delay_minutes=ibis.greatest(delay.cast("float64"), 0.0))


def returns(interactions: ir.Table, posts: ir.Table, centre: list[str]) -> ir.Table:
    """(account_id, returns): posts of each account the centre accounts engaged themselves.

    The post's author where the post is known, else the interaction's `target_id` (an export names
    the owner of a liked or commented post, not the post); never the centre's own posts.
    """
    acts = interactions.filter(interactions.actor_id.isin(centre) & interactions.kind.isin(RETURN_KINDS))
    authors = posts.select(_rpid=posts.post_id, _rauthor=posts.author_id)
    acts = acts.left_join(authors, acts.post_id == authors._rpid)
    target = ibis.coalesce(acts._rauthor, acts.target_id)
    acts = acts.mutate(account_id=target, item=ibis.coalesce(acts.post_id, acts.interaction_id))
    acts = acts.filter(acts.account_id.notnull() & ~acts.account_id.isin(centre)
                       & (acts._rauthor.isnull() | ~acts._rauthor.isin(centre)))
    return acts.group_by("account_id").agg(returns=acts.item.nunique())


@dataclass
class CentredPod:
    """What `centred_pod` found around one or more centre accounts."""

    members: list[str]               # the accounts kept (not the centre)
    centres: list[str]               # the centre accounts they engaged
    evidence: GroupEvidence          # for the centre accounts and the members together
    frame: pd.DataFrame              # per candidate account: the figures behind the rule


def _co_arrival(rows: pd.DataFrame, kept: set[str], window: float) -> tuple[pd.Series, dict[tuple[str, str], int]]:
    """Per kept account, the share of its prompt arrivals with another kept account's within `window`
    minutes; and per pair, the posts they arrived on together."""
    mine = rows[rows.actor_id.isin(kept)]
    pairs: dict[tuple[str, str], int] = {}
    together: dict[str, int] = {a: 0 for a in kept}
    for _, post in mine.groupby("post_id", sort=False):
        if len(post) < 2:
            continue
        t = post.engaged_at.to_numpy(dtype="datetime64[s]").astype(np.int64) / 60.0
        actors = post.actor_id.to_numpy()
        close = np.abs(t[:, None] - t[None, :]) <= window
        np.fill_diagonal(close, False)
        for i in np.flatnonzero(close.any(axis=1)):
            together[actors[i]] += 1
        for i, j in zip(*np.nonzero(np.triu(close))):
            key = (min(actors[i], actors[j]), max(actors[i], actors[j]))
            pairs[key] = pairs.get(key, 0) + 1
    arrivals = mine.groupby("actor_id").size()
    share = pd.Series({a: together[a] / arrivals[a] if arrivals.get(a) else 0.0 for a in kept}, dtype=float)
    return share, pairs


def centred_pod(interactions: ir.Table, posts: ir.Table, centre: list[str], excluded: list[str],
                settings: PodSettings, reciprocity: bool = True) -> CentredPod | None:
    """The pod around the `centre` accounts (the brand's, or an account being vetted), or None.

    `reciprocity=False` (vetting an account whose own outgoing activity is not in the data) leaves
    the centre's engagement of the members' posts out of the rule and of the score.
    """
    if not centre:
        return None
    engaged = inbound(interactions, posts, centre, excluded)
    per = engaged.group_by("actor_id", "author_id").agg(
        posts_engaged=engaged.count(),
        prompt_posts=(engaged.delay_minutes <= settings.prompt_minutes).cast("int64").sum(),
        span_posts=engaged.post_rank.max() - engaged.post_rank.min() + 1,
        median_delay_minutes=engaged.delay_minutes.median(),
        interactions=engaged.interactions.sum(),
    )
    per = per.filter(per.posts_engaged >= max(1, settings.brand_min_posts))
    back = returns(interactions, posts, centre) if reciprocity else None
    if back is not None:
        per = per.left_join(back, per.actor_id == back.account_id).drop("account_id")
        per = per.mutate(returns=per.returns.fill_null(0))
    else:
        per = per.mutate(returns=ibis.null("int64"))
    frame = per.to_pandas()
    if frame.empty:
        return None
    # An account engaging several centre accounts (platforms) is judged on the one it engaged most.
    frame = frame.sort_values(["actor_id", "posts_engaged", "author_id"], ascending=[True, False, True])
    frame = frame.drop_duplicates("actor_id").reset_index(drop=True)
    frame["coverage"] = frame.posts_engaged / frame.span_posts
    frame["prompt_share"] = frame.prompt_posts / frame.posts_engaged
    passing = (frame.coverage >= settings.min_coverage) & (frame.prompt_share >= settings.min_prompt_share)
    joining = passing.copy()
    if reciprocity:
        joining &= frame.returns >= 1
        passing &= frame.returns >= max(1, settings.brand_min_returns)
    kept = set(frame.actor_id[passing])
    if not kept:
        return None
    rows = engaged.filter(engaged.actor_id.isin(sorted(set(frame.actor_id[joining])))
                          & (engaged.delay_minutes <= settings.prompt_minutes)).to_pandas()
    # Together: re-judged among the accounts still kept until nothing changes.
    while True:
        share, pairs = _co_arrival(rows, kept, settings.window_minutes)
        still = {a for a in kept if share.get(a, 0.0) >= settings.brand_min_co_arrival}
        if still == kept:
            break
        kept = still
    # A member with few posts of its own gives the brand little to return: engaged back at least once,
    # it joins when it arrives with the pod found so far as often as the pod's members do.
    if kept:
        for account in sorted(set(frame.actor_id[joining]) - kept):
            mine, _ = _co_arrival(rows, kept | {account}, settings.window_minutes)
            if mine.get(account, 0.0) >= settings.brand_min_co_arrival:
                share[account] = mine[account]
        joined = {a for a in share.index if a not in kept and share[a] >= settings.brand_min_co_arrival
                  and a in set(frame.actor_id[joining])}
        kept |= joined
        share, pairs = _co_arrival(rows, kept, settings.window_minutes)
    frame["co_arrival"] = frame.actor_id.map(share).astype(float)
    if len(kept) + 1 < settings.min_group_size:  # the centre counts among the pod's members
        return None
    members = sorted(kept)
    figures = frame.set_index("actor_id")
    centres = sorted(set(figures.loc[members, "author_id"]))  # the centre accounts the members engaged
    evidence = _evidence(members, figures, engaged, pairs, share, centres, settings, reciprocity)
    if evidence.score < settings.score_threshold:
        return None
    return CentredPod(members, centres, evidence, frame)


def _evidence(members: list[str], figures: pd.DataFrame, engaged: ir.Table, pairs: dict[tuple[str, str], int],
              share: pd.Series, centre: list[str], settings: PodSettings, reciprocity: bool) -> GroupEvidence:
    mine = figures.loc[members]
    rows = engaged.filter(engaged.actor_id.isin(members)).select(
        "actor_id", "post_id", "delay_minutes", "interactions").to_pandas()
    strong = {p for p, n in pairs.items() if n >= max(1, settings.min_co_engagements)}
    possible = len(members) * (len(members) - 1) / 2
    ties = {m: sum(m in p for p in strong) for m in members}
    returns = {m: int(mine.returns[m]) for m in members} if reciprocity else {}
    back = float(np.mean([returns[m] >= settings.brand_min_returns for m in members])) if reciprocity else 1.0
    per_post = rows.groupby("post_id").actor_id.nunique()
    size = len(members) + len(centre)
    evidence = GroupEvidence(
        members=size,
        posts_co_engaged=int((per_post >= 2).sum()),
        median_delay_minutes=float(rows.delay_minutes.median()) if len(rows) else None,
        prompt_share=float((rows.delay_minutes <= settings.prompt_minutes).mean()) if len(rows) else 0.0,
        density=len(strong) / possible if possible else 1.0,
        reciprocity=back,
        coverage=float(mine.coverage.mean()),
        lift=None,
        pod_engagements=int(rows.interactions.sum()) + sum(returns.values()),
        member_coverage={**{m: float(mine.coverage[m]) for m in members}, **{c: None for c in centre}},
        member_ties={**ties, **{c: len(members) for c in centre}},
        evidence=EVIDENCE,
        brand_returns=returns,
        co_arrival={m: float(share[m]) for m in members},
    )
    return evidence
