"""The headline figures, each defined once, from the summary of the last analysis.

The CLI summary, the report's tiles, the dashboard and its JSON API (`/api/headline`) all show
`headline(summary)`: the same number under the same name everywhere. The summary keeps what each
analysis measured; here the figures a marketer compares are put on one basis:

- `engagement_rate_vanity` and `engagement_rate_real` are both *counts* of engagements (likes,
  reactions, comments, replies, shares, saves) on the brand's posts, per post, over followers — the
  vanity one with everything, the real one without what came from engagement pods. They compare
  like with like, so the real rate is never above the vanity one.
- `weighted_engagement_raw` / `weighted_engagement_clean` are the community step's *points*
  (a DM weighs more than a like): another measure, shown apart and never against the rates above.
- `fake_share` is the share of scored followers judged fake; `low_quality_share` adds the inactive
  and mass followers (fake + inactive + mass-follower, over all scored followers).
- A *lead* is a conversion of kind `lead` (`cost_per_lead` divides by those). People who showed a
  purchase, job or co-creation intent in a message are `intent_people` ("intents"), not leads.
"""

from __future__ import annotations

from typing import Any

#: headline figure -> (kind of number, summary keys it is computed from)
HEADLINE: dict[str, tuple[str, tuple[str, ...]]] = {
    "followers": ("count", ("followers",)),
    "real_reachable_audience": ("count", ("real_reachable_audience",)),
    "active_members": ("count", ("active_members",)),
    "engagement_rate_vanity": ("rate", ("vanity_engagement_rate",)),
    "engagement_rate_real": ("rate", ("brand_posts_engagement_clean", "brand_posts", "followers")),
    "weighted_engagement_raw": ("points", ("raw_engagement_score",)),
    "weighted_engagement_clean": ("points", ("clean_engagement_score",)),
    "pod_count": ("count", ("pod_count",)),
    "pod_share_brand_posts": ("share", ("brand_posts_engagement_pods", "brand_posts_engagement_raw")),
    "fake_share": ("share", ("fake_share",)),
    "low_quality_share": ("share", ("audience_by_label",)),
    "response_rate": ("share", ("response_rate",)),
    "unanswered": ("count", ("unanswered",)),
    "median_response_minutes": ("minutes", ("median_response_minutes",)),
    "conversions": ("count", ("conversions",)),
    "cost_per_lead": ("money", ("cost_per_lead",)),
    "interactions": ("count", ("interactions",)),
}
LOW_QUALITY_LABELS = ("fake", "inactive", "mass_follower")


def _ratio(top: Any, bottom: Any) -> float | None:
    if top is None or not bottom:
        return None
    return float(top) / float(bottom)


def engagement_rate_real(summary: dict[str, Any]) -> float | None:
    """Clean engagements on the brand's posts, per post, over followers (the vanity rate's basis)."""
    per_post = _ratio(summary.get("brand_posts_engagement_clean"), summary.get("brand_posts"))
    return _ratio(per_post, summary.get("followers"))


def low_quality_share(summary: dict[str, Any]) -> float | None:
    """Fake, inactive and mass followers over every scored follower."""
    by_label = summary.get("audience_by_label")
    if not isinstance(by_label, dict) or not by_label:
        return None
    total = sum(int(v or 0) for v in by_label.values())
    return _ratio(sum(int(by_label.get(k) or 0) for k in LOW_QUALITY_LABELS), total)


def pod_share_brand_posts(summary: dict[str, Any]) -> float | None:
    """Share of the engagements on the brand's posts that came from engagement pods."""
    return _ratio(summary.get("brand_posts_engagement_pods"), summary.get("brand_posts_engagement_raw"))


def headline(summary: dict[str, Any]) -> dict[str, Any]:
    """Every headline figure (None where its analysis has not run), keyed as in `HEADLINE`."""
    get = summary.get
    return {
        "followers": get("followers"),
        "real_reachable_audience": get("real_reachable_audience"),
        "active_members": get("active_members"),
        "engagement_rate_vanity": get("vanity_engagement_rate"),
        "engagement_rate_real": engagement_rate_real(summary),
        "weighted_engagement_raw": get("raw_engagement_score"),
        "weighted_engagement_clean": get("clean_engagement_score"),
        "pod_count": get("pod_count"),
        "pod_share_brand_posts": pod_share_brand_posts(summary),
        "fake_share": get("fake_share"),
        "low_quality_share": low_quality_share(summary),
        "response_rate": get("response_rate"),
        "unanswered": get("unanswered"),
        "median_response_minutes": get("median_response_minutes"),
        "conversions": get("conversions"),
        "cost_per_lead": get("cost_per_lead"),
        "interactions": get("interactions"),
    }


def headline_kind(key: str) -> str:
    return HEADLINE[key][0]
