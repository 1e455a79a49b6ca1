"""Vetting another account's engagement (an influencer's): do its comments come from a pod?

The brand-centred detector (`brand.centred_pod`) run with that account as the centre, on its posts
and the engagement they drew (a dataset whose posts it authored, or its posts already in a store):
the accounts that engaged most of its posts, promptly, arriving together.

What the data says about the account's own outgoing activity decides the rule:

- **reciprocity known** — the data holds the account's own likes or comments on other accounts'
  posts, or engagement between other accounts (a crawl, a research dataset: an account that never
  engages back is seen not to): the rule is the brand's (`reciprocity=True`), the account must have
  engaged the members' posts in return;
- **reciprocity not known** — only its posts and their public comments: the return cannot be seen,
  and loyal fans are as prompt and as frequent as a pod. What still tells them apart is what they
  write: accounts whose comments on its posts are mostly specific (less than `min_generic_share`
  generic, `cooperation.pod_comments`' definition) are left out before the rule runs. Accounts
  with no comment (likes only) are kept. The account's staff look exactly like a pod: name them in
  `pods.staff_accounts`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from ...config import PodSettings
from ..common import TEXT_KINDS, safe_ratio
from .brand import CentredPod, centred_pod, returns
from .cooperation import EXAMPLE_COMMENTS, normalized_text

MIN_GENERIC_SHARE = 0.5  # without reciprocity: a pod member's comments on the account's posts are mostly generic


@dataclass
class Vetting:
    """What vetting one account found."""

    account: str
    posts: int                        # its posts in the data (stories left out)
    engagers: int                     # accounts that engaged them
    reciprocity_known: bool           # the data holds the account's own engagement of others' posts
    pod: CentredPod | None
    members: list[dict[str, Any]] = field(default_factory=list)  # per member, the evidence
    generic_comment_share: float | None = None                   # of the members' comments on its posts
    example_comments: str | None = None
    left_out_specific: int = 0       # frequent commenters left out for writing in their own words


def comment_genericity(interactions: ir.Table, posts: ir.Table, account: str, settings: PodSettings) -> pd.DataFrame:
    """Per account that commented `account`'s posts: comments, generic ones, an example of each text.

    Generic as for a pod's comments: no words (emoji, punctuation), a short non-question, or a text
    at least `generic_min_accounts` accounts wrote anywhere in the data.
    """
    texts = interactions.filter(interactions.kind.isin(TEXT_KINDS) & interactions.text.notnull()
                                & interactions.actor_id.notnull())
    mine = posts.filter(posts.author_id == account).select(_pid=posts.post_id)
    inside = texts.join(mine, texts.post_id == mine._pid)
    inside = inside.filter(inside.actor_id != account).select(
        "actor_id", "text", key=inside.text.lower().strip(), norm=normalized_text(inside.text))
    keys = inside.select(_key=inside.key).distinct()
    everywhere = texts.mutate(_k=texts.text.lower().strip())
    everywhere = everywhere.join(keys, everywhere._k == keys._key)
    writers = everywhere.group_by(key=everywhere._k).agg(writers=everywhere.actor_id.nunique())
    inside = inside.left_join(writers, "key")
    words = inside.norm.length() - inside.norm.replace(" ", "").length() + 1
    generic = ((inside.norm == "") | ((words <= settings.generic_max_words) & ~inside.text.contains("?"))
               | (inside.writers.fill_null(0) >= settings.generic_min_accounts))
    per = inside.group_by("actor_id", "norm").agg(n=inside.count(), generic=generic.cast("int64").sum(),
                                                   example=inside.text.min())
    return per.to_pandas()


def _posts_of(posts: ir.Table, account: str) -> int:
    mine = posts.filter((posts.author_id == account) & posts.created_at.notnull())
    if "format" in posts.columns:
        mine = mine.filter(mine.format.fill_null("") != "story")
    return int(mine.count().to_pyarrow().as_py() or 0)


def _others_engage(interactions: ir.Table, posts: ir.Table, apart: list[str]) -> bool:
    """Whether the data holds engagement between accounts none of which is in `apart` (a crawl)."""
    authors = posts.select(_opid=posts.post_id, _oauthor=posts.author_id)
    acts = interactions.filter(interactions.post_id.notnull() & interactions.actor_id.notnull()
                               & ~interactions.actor_id.isin(apart))
    acts = acts.join(authors, acts.post_id == authors._opid)
    acts = acts.filter((acts.actor_id != acts._oauthor) & ~acts._oauthor.isin(apart))
    return bool(acts.limit(1).count().to_pyarrow().as_py())


def vet_account(interactions: ir.Table, posts: ir.Table, account: str, settings: PodSettings,
                excluded: list[str] | None = None, min_generic_share: float = MIN_GENERIC_SHARE,
                brand_ids: list[str] | None = None) -> Vetting:
    """Whether the engagement on `account`'s posts comes from a pod, with the evidence per member.

    `excluded`: accounts never flagged (the account's staff). The members' figures: posts of the
    account they engaged and their share of its posts, coverage (of its posts published from their
    first to their last one), median delay, prompt share, co-arrival with the other members, and the
    generic share of their comments there. `brand_ids`: the store's own brand accounts, whose posts
    and activity say nothing of whether the data is a crawl of everyone.
    """
    excluded = sorted(set(excluded or []) - {account})
    total = _posts_of(posts, account)
    known = (bool(returns(interactions, posts, [account]).count().to_pyarrow().as_py())
             or _others_engage(interactions, posts, sorted({account, *(brand_ids or [])})))
    texts = comment_genericity(interactions, posts, account, settings)
    per_actor = texts.groupby("actor_id").agg(n=("n", "sum"), generic=("generic", "sum"))
    share = (per_actor.generic / per_actor.n).to_dict() if len(per_actor) else {}
    specific = [] if known else sorted(a for a, s in share.items() if s < min_generic_share)
    engaged = interactions.filter(interactions.post_id.notnull() & interactions.actor_id.notnull()
                                  & (interactions.actor_id != account))
    mine = posts.filter(posts.author_id == account).select(_pid=posts.post_id)
    engaged = engaged.join(mine, engaged.post_id == mine._pid)
    engagers = int(engaged.actor_id.nunique().to_pyarrow().as_py() or 0)
    pod = centred_pod(interactions, posts, [account], excluded + specific, settings, reciprocity=known)
    result = Vetting(account, total, engagers, known, pod)
    if specific:
        result.left_out_specific = len(set(specific) & set(_frequent(interactions, posts, account, settings)))
    if pod is None:
        return result
    figures = pod.frame.set_index("actor_id")
    for member in pod.members:
        row = figures.loc[member]
        result.members.append({
            "account_id": member,
            "posts_engaged": int(row.posts_engaged),
            "share_of_posts": safe_ratio(float(row.posts_engaged), float(total)),
            "coverage": float(row.coverage),
            "median_delay_minutes": float(row.median_delay_minutes),
            "prompt_share": float(row.prompt_share),
            "co_arrival": pod.evidence.co_arrival.get(member),
            "generic_comment_share": share.get(member),
            "returns": pod.evidence.brand_returns.get(member) if known else None,
        })
    theirs = texts[texts.actor_id.isin(pod.members)]
    if len(theirs):
        result.generic_comment_share = safe_ratio(float(theirs.generic.sum()), float(theirs.n.sum()))
        grouped = theirs.groupby("norm").agg(n=("n", "sum"), example=("example", "min")).reset_index()
        top = grouped.sort_values(["n", "example"], ascending=[False, True]).head(EXAMPLE_COMMENTS)
        result.example_comments = " | ".join(top.example.str.slice(0, 120))
    return result


def _frequent(interactions: ir.Table, posts: ir.Table, account: str, settings: PodSettings) -> list[str]:
    """Accounts that engaged at least `brand_min_posts` of the account's posts (who could have been flagged)."""
    mine = posts.filter(posts.author_id == account).select(_pid=posts.post_id)
    acts = interactions.filter(interactions.post_id.notnull() & interactions.actor_id.notnull())
    acts = acts.join(mine, acts.post_id == mine._pid)
    per = acts.group_by("actor_id").agg(n=acts.post_id.nunique())
    per = per.filter(per.n >= ibis.literal(max(1, settings.brand_min_posts)))
    return list(per.actor_id.to_pyarrow().to_pylist())
