"""One audience, assessed: score its followers, find its bursts, and sum it up as the Audience Quality Score.

Used for the brand (every follower) and for vetting another account (a sample of its followers):
the same code, so a brand and the influencer it considers paying are judged alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
from scipy.stats import norm

from ...config import AudienceSettings
from ..common import ENGAGEMENT_KINDS
from .bursts import SPIKE_COLUMNS, detect_bursts
from .features import current_follows, follower_frames, sample_followers
from .model import TrainedModel
from .scoring import PROFILE_FIELDS, reasons_column, score_profiles

LABELS = ("real", "fake", "inactive", "mass_follower")
BURST_LOG_ODDS = 1.5  # joined during a bought burst: same weight as in the default scorer's table


@dataclass
class Assessment:
    followers: pd.DataFrame  # account_id, fake_score, audience_label, audience_reasons, audience_reason_codes, is_current
    spikes: pd.DataFrame     # bursts.SPIKE_COLUMNS
    summary: dict[str, Any] = field(default_factory=dict)


def wilson(successes: int, n: int, level: float = 0.95) -> tuple[float | None, float | None]:
    """Wilson score interval of a proportion (good at small n and near 0 or 1)."""
    if n <= 0:
        return None, None
    z = float(norm.ppf(0.5 + level / 2))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _scores(profiles: pd.DataFrame, model: TrainedModel | None, reasons: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(fake_score, reason codes): the model's probability when one is trained, else the default scorer's;
    reasons always come from the transparent scorer (they say which signals are present)."""
    scored = score_profiles(profiles, reasons)
    if model is None:
        return scored.fake_score, scored.reason_codes
    p = np.clip(model.predict(profiles), 1e-4, 1 - 1e-4)
    logit = np.log(p / (1 - p)) + BURST_LOG_ODDS * np.nan_to_num(profiles.joined_in_burst.to_numpy(float))
    return 1.0 / (1.0 + np.exp(-logit)), scored.reason_codes


def label_followers(profiles: pd.DataFrame, fake_score: np.ndarray, as_of: pd.Timestamp | None,
                    settings: AudienceSettings) -> np.ndarray:
    """fake (score above the threshold: balanced evidence gives the benefit of the doubt), else mass_follower, else inactive (silent, few posts, followed long enough), else real."""
    following = profiles.following_count.to_numpy(float)
    posts = profiles.posts_count.to_numpy(float)
    silent = profiles.interactions_made.fillna(0).to_numpy(float) == 0
    if as_of is not None:
        tenure = (as_of - pd.to_datetime(profiles.first_followed_at)).dt.total_seconds().to_numpy(float) / 86400
    else:
        tenure = np.full(len(profiles), np.inf)
    tenure = np.nan_to_num(tenure, nan=np.inf)
    few_posts = np.isnan(posts) | (posts < settings.inactive_max_posts)
    return np.select(
        [fake_score > settings.fake_threshold, following >= settings.mass_following,
         silent & few_posts & (tenure >= settings.inactive_min_days)],
        ["fake", "mass_follower", "inactive"], "real").astype(object)


def owner_posts(posts: ir.Table, interactions: ir.Table, owners: list[str]) -> pd.DataFrame:
    """The owners' posts with their engagement (others' engaging interactions), as a small frame."""
    mine = posts.filter(posts.author_id.isin(owners))
    eng = interactions.filter(interactions.kind.isin(ENGAGEMENT_KINDS) & ~interactions.actor_id.isin(owners)
                              & interactions.post_id.notnull())
    per_post = eng.group_by("post_id").agg(engagements=eng.count())
    campaign = mine.campaign if "campaign" in mine.columns else ibis.null("string")
    joined = mine.select(owner_id=mine.author_id, post_id=mine.post_id, day=mine.created_at.date(), campaign=campaign)
    frame = joined.left_join(per_post, "post_id").select(
        "owner_id", "post_id", "day", "campaign", engagements=ibis._.engagements.fill_null(0)).to_pandas()
    frame["day"] = pd.to_datetime(frame.day)
    return frame


def engagement_authenticity(interactions: ir.Table, owners: list[str], fake_ids: list[str]) -> tuple[float | None, int]:
    """Share of the engagement the owners received (on their posts, or addressed to them) that is authentic:
    not flagged by the pods analysis (`is_authentic`, when it ran) and not made by a follower labelled fake."""
    to_owner = interactions.post_author_id.isin(owners)
    if "target_id" in interactions.columns:
        to_owner = to_owner | interactions.target_id.isin(owners)
    eng = interactions.filter(to_owner & interactions.kind.isin(ENGAGEMENT_KINDS) & ~interactions.actor_id.isin(owners))
    if fake_ids:
        fakes = ibis.memtable(pd.DataFrame({"_fake_id": pd.Series(fake_ids, dtype=str)}))
        eng = eng.left_join(fakes, eng.actor_id == fakes._fake_id)
    authentic = eng._fake_id.isnull() if fake_ids else eng.actor_id.notnull()
    if "is_authentic" in eng.columns:
        authentic = authentic & eng.is_authentic.fill_null(True)
    row = eng.aggregate(n=eng.count(), ok=authentic.cast("int64").sum()).to_pyarrow().to_pylist()[0]
    n = int(row["n"] or 0)
    return (None if not n else int(row["ok"] or 0) / n), n


def quality_score(components: dict[str, float | None], settings: AudienceSettings) -> float | None:
    """0-100: the weighted mean of the components that could be measured."""
    weights = {"real_share": settings.weight_real_share, "reachable_share": settings.weight_reachable_share,
               "engagement_authenticity": settings.weight_engagement_authenticity,
               "growth_integrity": settings.weight_growth_integrity}
    known = {k: v for k, v in components.items() if v is not None and weights.get(k, 0) > 0}
    total = sum(weights[k] for k in known)
    return None if not total else round(100 * sum(weights[k] * v for k, v in known.items()) / total, 1)


def assess(*, accounts: ir.Table, activity: ir.Table | None, follows: ir.Table | None, audience: ir.Table | None,
           posts: ir.Table, interactions: ir.Table, owners: list[str], settings: AudienceSettings,
           model: TrainedModel | None, span: tuple[pd.Timestamp, pd.Timestamp] | None,
           sample: int | None = None) -> Assessment:
    """Score the owners' followers, find their bursts, and compute the Audience Quality Score."""
    as_of = span[1] if span else None
    audience_df = None
    if audience is not None:
        audience_df = audience.filter(audience.account_id.isin(owners)).select("account_id", "date", "followers").to_pandas()
    posts_df = owner_posts(posts, interactions, owners)

    if follows is None:  # bursts from the follower-count series alone, judged by the account's posts
        spikes = detect_bursts(audience_df, _no_follows(), pd.Series(dtype=float), posts_df, owners, span, settings)
        summary = _growth_summary(spikes, audience_df, None, span)
        summary.pop("_growth_integrity")
        summary.update({"audience_quality_score": None, "real_reachable_audience": None, "fake_share": None})
        return Assessment(_empty_followers(), spikes, summary)

    rows = current_follows(follows, owners)
    if sample:
        rows = sample_followers(rows, sample)
    profiles, follow_rows = follower_frames(accounts, activity, rows)
    if as_of is None and len(follow_rows):
        as_of = pd.Timestamp(follow_rows.followed_at.max())
    if span is None and len(follow_rows):
        span = (pd.Timestamp(follow_rows.followed_at.min()), as_of)

    # Pass 1: profile and behaviour signals; find the bursts with those labels.
    first, _ = _scores(profiles, model, reasons=False)
    fake_first = pd.Series((first > settings.fake_threshold).astype(float), index=profiles.account_id.to_numpy())
    spikes = detect_bursts(audience_df, follow_rows, fake_first, posts_df, owners, span, settings)
    # Pass 2: joining during a bought burst is evidence too.
    profiles["joined_in_burst"] = _joined_in_burst(follow_rows, spikes, profiles.account_id)
    score, codes = _scores(profiles, model)
    labels = label_followers(profiles, score, as_of, settings)
    followers = pd.DataFrame({
        "account_id": profiles.account_id.astype(str), "fake_score": np.round(score, 4), "audience_label": labels,
        "audience_reasons": reasons_column(codes, "en"), "audience_reason_codes": codes,
        "is_current": profiles.is_current.astype(bool),
    })
    summary = _summary(followers, profiles, spikes, audience_df, follow_rows, span, interactions, owners, settings)
    return Assessment(followers, spikes, summary)


def _joined_in_burst(follow_rows: pd.DataFrame, spikes: pd.DataFrame, ids: pd.Series) -> np.ndarray:
    bought = spikes[spikes.is_bought] if len(spikes) else spikes
    if not len(bought):
        return np.zeros(len(ids))
    days = pd.DataFrame([(o, d) for o, s, e in zip(bought.owner_id, bought.start_date, bought.end_date)
                         for d in pd.date_range(s, e, freq="D")], columns=["owner_id", "day"])
    rows = follow_rows.assign(day=pd.to_datetime(follow_rows.followed_at).dt.normalize())[["account_id", "owner_id", "day"]]
    joined = rows.merge(days, on=["owner_id", "day"]).account_id
    return ids.isin(set(joined)).to_numpy(dtype=float)


def _summary(followers: pd.DataFrame, profiles: pd.DataFrame, spikes: pd.DataFrame, audience_df: pd.DataFrame | None,
             follow_rows: pd.DataFrame, span: Any, interactions: ir.Table, owners: list[str],
             settings: AudienceSettings) -> dict[str, Any]:
    now = followers[followers.is_current]
    n = len(now)
    counts = {label: int((now.audience_label == label).sum()) for label in LABELS}
    fake_low, fake_high = wilson(counts["fake"], n, settings.ci_level)
    not_fake = n - counts["fake"]
    engagement, engagement_n = engagement_authenticity(
        interactions, owners, followers.account_id[followers.audience_label == "fake"].tolist())
    growth = _growth_summary(spikes, audience_df, follow_rows, span)
    components = {
        "real_share": None if not n else not_fake / n,
        "reachable_share": None if not not_fake else counts["real"] / not_fake,
        "engagement_authenticity": engagement,
        "growth_integrity": growth.pop("_growth_integrity"),
    }
    current_profiles = profiles[profiles.is_current.astype(bool)]
    missing = {name: int(current_profiles[col].isna().sum()) for name, col in zip(PROFILE_FIELDS, (
        "posts_count", "followers_count", "following_count", "has_profile_picture", "bio_length", "handle_digits",
        "account_age_days"))}
    return {
        "audience_quality_score": quality_score(components, settings),
        "audience_components": {k: None if v is None else round(v, 4) for k, v in components.items()},
        "fake_share": None if not n else round(counts["fake"] / n, 4),
        "fake_share_ci": [None if fake_low is None else round(fake_low, 4), None if fake_high is None else round(fake_high, 4)],
        "real_reachable_audience": counts["real"],
        "followers_scored": n,
        "audience_by_label": counts,
        "audience_engagements_judged": engagement_n,
        "audience_missing_fields": {k: v for k, v in missing.items() if v},
        **growth,
    }


def _growth_summary(spikes: pd.DataFrame, audience_df: pd.DataFrame | None, follow_rows: pd.DataFrame | None,
                    span: Any) -> dict[str, Any]:
    """Bought followers over all followers gained in the period (gross), as the growth-integrity component."""
    bought = spikes[spikes.is_bought] if len(spikes) else spikes
    bought_excess = float(bought.excess.clip(lower=0).sum()) if len(bought) else 0.0
    gained = None
    if follow_rows is not None and len(follow_rows) and span is not None:
        when = pd.to_datetime(follow_rows.followed_at)
        gained = float(((when >= span[0].normalize()) & (when <= span[1])).sum())
    elif audience_df is not None and len(audience_df):
        ordered = audience_df.sort_values("date")
        gained = float(ordered.groupby("account_id").followers.diff().clip(lower=0).sum())
    integrity = None if not gained else max(0.0, 1.0 - min(1.0, bought_excess / gained))
    return {"_growth_integrity": integrity, "bought_bursts": len(bought),
            "bought_followers_estimate": int(round(bought_excess)), "follower_spikes": len(spikes)}


def _no_follows() -> pd.DataFrame:
    return pd.DataFrame({"account_id": pd.Series(dtype=str), "owner_id": pd.Series(dtype=str),
                         "followed_at": pd.Series(dtype="datetime64[ns]")})


def _empty_followers() -> pd.DataFrame:
    return pd.DataFrame({"account_id": pd.Series(dtype=str), "fake_score": pd.Series(dtype=float),
                         "audience_label": pd.Series(dtype=str), "audience_reasons": pd.Series(dtype=str),
                         "audience_reason_codes": pd.Series(dtype=str), "is_current": pd.Series(dtype=bool)})


def empty_spikes() -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in SPIKE_COLUMNS})
