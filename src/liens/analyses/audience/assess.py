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
from .quantify import Quantified, posterior_at, quantify, top_k
from .scoring import CORE_FIELDS, PROFILE_FIELDS, SIGNALS, evidence, reason_codes, reasons_column

LABELS = ("real", "fake", "inactive", "mass_follower", "allowed")
ALLOW_LISTS = ("staff", "partners", "fans")


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


def allow_list(profiles: pd.DataFrame, settings: AudienceSettings) -> np.ndarray:
    """Per follower: the allow-list it is on ("staff", "partners", "fans"; the first that names it), else "".
    Lists name accounts by id or by handle (with or without @, any case)."""
    out = np.full(len(profiles), "", dtype=object)
    ids = profiles.account_id.astype(str).str.strip().str.lower()
    handles = (profiles.handle.astype("string").str.strip().str.lstrip("@").str.lower()
               if "handle" in profiles.columns else pd.Series(pd.NA, index=profiles.index, dtype="string"))
    for name in reversed(ALLOW_LISTS):
        wanted = {str(v).strip().lstrip("@").lower() for v in getattr(settings, f"allow_{name}")}
        if wanted:
            out[(ids.isin(wanted) | handles.isin(wanted).fillna(False)).to_numpy(dtype=bool)] = name
    return out


def measurable(profiles: pd.DataFrame, settings: AudienceSettings) -> tuple[bool, list[str]]:
    """Whether the followers' profiles hold enough for a share (two core fields or more for at least
    `min_profile_share` of them), and the core fields missing for most."""
    cols = {"posts_count": "posts_count", "followers_count": "followers_count", "following_count": "following_count",
            "has_profile_picture": "has_profile_picture"}
    if not len(profiles):
        return False, list(CORE_FIELDS)
    known = pd.DataFrame({k: profiles[c].notna() for k, c in cols.items()})
    enough = float((known.sum(axis=1) >= 2).mean()) >= settings.min_profile_share
    missing = [k for k in CORE_FIELDS if known[k].mean() < 0.5]
    return enough, missing


@dataclass
class Scoring:
    """The audience's fake share (None when not measurable), and every follower's probability and label."""

    fake_score: np.ndarray
    is_fake: np.ndarray
    reason_codes: np.ndarray
    quantified: Quantified | None
    measurable: bool
    missing: list[str]


def score_audience(profiles: pd.DataFrame, model: TrainedModel | None, settings: AudienceSettings,
                   allowed: np.ndarray, reasons: bool = True) -> Scoring:
    """Estimate the fake share of the current followers not on an allow-list (quantification, `quantify.py`),
    give every follower its posterior at that share, and label fake the estimated number of them, highest
    first (at least `fake_threshold`). The reasons always come from the transparent scorer."""
    n = len(profiles)
    ev = evidence(profiles)
    codes = reason_codes(ev, profiles) if reasons else np.full(n, "", dtype=object)
    codes = np.where(allowed != "", "allowed:" + allowed.astype(str), codes).astype(object)
    counted = profiles.is_current.astype(bool).to_numpy() & (allowed == "")
    ok, missing = measurable(profiles[counted], settings)
    if not ok or not counted.any():
        return Scoring(np.full(n, np.nan), np.zeros(n, dtype=bool), codes, None, False, missing)
    base, signals = None, SIGNALS
    if model is not None:
        p = np.clip(model.predict(profiles), 1e-4, 1 - 1e-4)
        trained = min(max(model.n_fake / max(model.n_labels, 1), 1e-3), 1 - 1e-3)
        base = np.log(p / (1 - p)) - np.log(trained / (1 - trained))
        signals = ("in_burst",)
    q = quantify(ev.take(counted), base=None if base is None else base[counted], signals=signals,
                 level=settings.ci_level)
    score = posterior_at(ev, q.fit, base=base, signals=signals)
    score[counted] = q.posterior
    chosen = np.zeros(n, dtype=bool)
    chosen[counted] = top_k(q.posterior, q.share, profiles.account_id.to_numpy()[counted])
    cut = float(q.posterior[chosen[counted]].min()) if chosen.any() else np.inf
    is_fake = (score >= max(cut, settings.fake_threshold)) & (allowed == "")
    is_fake[counted] &= chosen[counted]
    score = np.where(allowed != "", np.nan, score)
    return Scoring(score, is_fake, codes, q, True, missing)


def label_followers(profiles: pd.DataFrame, is_fake: np.ndarray, as_of: pd.Timestamp | None,
                    settings: AudienceSettings, allowed: np.ndarray | None = None) -> np.ndarray:
    """allowed (on an allow-list), fake (`score_audience`), else mass_follower, else inactive (silent, few posts,
    followed long enough), else real."""
    following = profiles.following_count.to_numpy(float)
    posts = profiles.posts_count.to_numpy(float)
    silent = profiles.interactions_made.fillna(0).to_numpy(float) == 0
    if as_of is not None:
        tenure = (as_of - pd.to_datetime(profiles.first_followed_at)).dt.total_seconds().to_numpy(float) / 86400
    else:
        tenure = np.full(len(profiles), np.inf)
    tenure = np.nan_to_num(tenure, nan=np.inf)
    few_posts = np.isnan(posts) | (posts < settings.inactive_max_posts)
    allowed = np.full(len(profiles), "", dtype=object) if allowed is None else allowed
    return np.select(
        [allowed != "", is_fake, following >= settings.mass_following,
         silent & few_posts & (tenure >= settings.inactive_min_days)],
        ["allowed", "fake", "mass_follower", "inactive"], "real").astype(object)


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

    allowed = allow_list(profiles, settings)
    # Pass 1: profile and behaviour signals; find the bursts with those labels.
    first = score_audience(profiles, model, settings, allowed, reasons=False)
    fake_first = (pd.Series(first.is_fake.astype(float), index=profiles.account_id.to_numpy()) if first.measurable
                  else pd.Series(dtype=float))  # no profile to judge a cohort by: spikes judged by posts alone
    spikes = detect_bursts(audience_df, follow_rows, fake_first, posts_df, owners, span, settings)
    # Pass 2: joining during a bought burst is evidence too.
    profiles["joined_in_burst"] = _joined_in_burst(follow_rows, spikes, profiles.account_id)
    scoring = score_audience(profiles, model, settings, allowed)
    labels = label_followers(profiles, scoring.is_fake, as_of, settings, allowed)
    followers = pd.DataFrame({
        "account_id": profiles.account_id.astype(str), "fake_score": np.round(scoring.fake_score, 4),
        "audience_label": labels, "audience_reasons": reasons_column(scoring.reason_codes, "en"),
        "audience_reason_codes": scoring.reason_codes, "is_current": profiles.is_current.astype(bool),
    })
    summary = _summary(followers, profiles, spikes, audience_df, follow_rows, span, interactions, owners, settings,
                       scoring, allowed)
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
             settings: AudienceSettings, scoring: Scoring, allowed: np.ndarray) -> dict[str, Any]:
    current = followers.is_current.to_numpy(dtype=bool)
    now = followers[current & (allowed == "")]
    n = len(now)
    counts = {label: int((followers[current].audience_label == label).sum()) for label in LABELS}
    engagement, engagement_n = engagement_authenticity(
        interactions, owners, followers.account_id[followers.audience_label == "fake"].tolist())
    growth = _growth_summary(spikes, audience_df, follow_rows, span)
    q = scoring.quantified
    share = None if q is None or not n else q.share
    not_fake = None if share is None else n * (1 - share)
    reachable = counts["real"]
    components = {
        "real_share": None if share is None else 1 - share,
        "reachable_share": (None if not n or share is None or not not_fake
                            else min(1.0, reachable / not_fake)),
        "engagement_authenticity": engagement,
        "growth_integrity": growth.pop("_growth_integrity"),
    }
    current_profiles = profiles[current]
    missing = {name: int(current_profiles[col].isna().sum()) for name, col in zip(PROFILE_FIELDS, (
        "posts_count", "followers_count", "following_count", "has_profile_picture", "bio_length", "handle_digits",
        "account_age_days"))}
    counted = profiles[current & (allowed == "")]
    measurable_counts = {
        "followers_in_bought_bursts": int(np.nansum(counted.joined_in_burst.to_numpy(float) == 1)),
        "generated_looking_handles": int(np.nansum(counted.handle_generated.to_numpy(float) == 1)),
        "never_interacted": int(np.nansum(counted.interactions_made.fillna(0).to_numpy(float) == 0)),
    }
    z_level = settings.ci_level
    inactive_ci = wilson(counts["inactive"], n, z_level)
    mass_ci = wilson(counts["mass_follower"], n, z_level)
    status = ("not_measurable" if not scoring.measurable else "no_followers" if not n
              else "wide_interval" if q is not None and q.high - q.low > settings.wide_interval else "estimated")
    r4 = (lambda v: None if v is None else round(float(v), 4))  # noqa: E731
    return {
        "audience_quality_score": quality_score(components, settings),
        "audience_components": {k: r4(v) for k, v in components.items()},
        "fake_share": r4(share),
        "fake_share_ci": [r4(None if q is None else q.low), r4(None if q is None else q.high)],
        "fake_share_status": status,
        "fake_share_missing_fields": [] if scoring.measurable else scoring.missing,
        "fake_followers_estimate": None if share is None else int(round(share * n)),
        "inactive_share": None if not n else round(counts["inactive"] / n, 4),
        "inactive_share_ci": [r4(v) for v in inactive_ci],
        "mass_follower_share": None if not n else round(counts["mass_follower"] / n, 4),
        "mass_follower_share_ci": [r4(v) for v in mass_ci],
        "audience_measurable": {k: {"followers": v, "share": None if not n else round(v / n, 4)}
                                for k, v in measurable_counts.items()},
        "audience_allowed": {name: int(((allowed == name) & current).sum()) for name in ALLOW_LISTS},
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
