"""Follower bursts: days whose gain is anomalous against a robust rolling baseline, and why.

The baseline of each day is the median gain of the days around it (a centred window, so a burst
does not raise its own baseline for long), its spread the median absolute deviation, floored by the
Poisson spread sqrt(median) so that a quiet account's 0-1-0 days do not make every 5 an anomaly.
A day is anomalous when its robust z-score and its excess over the baseline both pass a threshold;
consecutive anomalous days form one spike.

A spike is a purchase when the followers who joined then are mostly fake (the *excess* over the
usual day, compared with the fake share of ordinary days' newcomers). Without follow dates to
judge the cohort, a spike is suspected when nothing the account did explains it: a post of its own
that day or the day before whose engagement was several times its usual (viral), or a campaign post.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from ...config import AudienceSettings

SPIKE_COLUMNS = ("owner_id", "date", "start_date", "end_date", "days", "gain", "expected_gain", "excess", "score",
                 "cohort_size", "cohort_fake_share", "usual_fake_share", "excess_fake_share", "post_id",
                 "post_engagement_ratio", "campaign", "kind", "is_bought", "explanation", "series")
SPIKE_SCHEMA = {
    "owner_id": "string", "date": "date32", "start_date": "date32", "end_date": "date32", "days": "int64",
    "gain": "float64", "expected_gain": "float64", "excess": "float64", "score": "float64", "cohort_size": "int64",
    "cohort_fake_share": "float64", "usual_fake_share": "float64", "excess_fake_share": "float64",
    "post_id": "string", "post_engagement_ratio": "float64", "campaign": "string", "kind": "string",
    "is_bought": "bool", "explanation": "string", "series": "string",
}
MIN_DAYS = 14  # fewer days than this: no baseline worth the name


def daily_gains(audience: pd.DataFrame | None, follows: pd.DataFrame, owner: str,
                span: tuple[pd.Timestamp, pd.Timestamp] | None) -> tuple[pd.Series, str] | None:
    """Daily gain of `owner`: from its `audience` snapshots when there are any (net gain), else its
    new follows per day (gross), over the analysis period. None when there is no series."""
    if audience is not None and len(mine := audience[audience.account_id == owner]):
        counts = mine.groupby("date").followers.sum().sort_index()
        counts.index = pd.to_datetime(counts.index)
        full = counts.reindex(pd.date_range(counts.index.min(), counts.index.max(), freq="D")).interpolate()
        return full.diff().iloc[1:], "audience"
    joined = follows.loc[follows.owner_id == owner, "followed_at"]
    if not len(joined) or span is None:
        return None
    days = pd.to_datetime(joined).dt.normalize().value_counts()
    index = pd.date_range(span[0].normalize(), span[1].normalize(), freq="D")
    return days.reindex(index, fill_value=0).astype(float), "follows"


def robust_baseline(gains: np.ndarray, half_window: int) -> tuple[np.ndarray, np.ndarray]:
    """Centred rolling median and robust spread (1.4826 × MAD, at least sqrt(median), at least 1)."""
    padded = np.pad(gains, half_window, mode="reflect" if len(gains) > half_window else "edge")
    windows = sliding_window_view(padded, 2 * half_window + 1)
    median = np.median(windows, axis=1)
    mad = np.median(np.abs(windows - median[:, None]), axis=1)
    spread = np.maximum.reduce([1.4826 * mad, np.sqrt(np.maximum(median, 0)), np.ones_like(median)])
    return median, spread


def find_spikes(gains: pd.Series, settings: AudienceSettings) -> list[dict]:
    """Runs of anomalous days: [{days, gain, expected_gain, excess, score, peak}]."""
    if len(gains) < MIN_DAYS:
        return []
    values = gains.to_numpy(dtype=float)
    median, spread = robust_baseline(values, min(settings.burst_window_days // 2, (len(values) - 1) // 2))
    z = (values - median) / spread
    excess = values - median
    hot = (z >= settings.burst_min_z) & (excess >= settings.burst_min_excess)
    spikes: list[dict] = []
    i = 0
    while i < len(values):
        if not hot[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(values) and hot[j + 1]:
            j += 1
        run = slice(i, j + 1)
        peak = i + int(np.argmax(excess[run]))
        spikes.append({
            "dates": list(gains.index[run]), "date": gains.index[peak], "gain": float(values[run].sum()),
            "expected_gain": float(np.maximum(median[run], 0).sum()), "score": float(z[run].max()),
        })
        i = j + 1
    return spikes


def post_explanations(posts: pd.DataFrame, owner: str, day: pd.Timestamp, settings: AudienceSettings) -> dict:
    """The owner's post that best explains a spike on `day`: published that day or the day before, with
    its engagement over the owner's usual (median) engagement per post, and its campaign."""
    mine = posts[posts.owner_id == owner]
    if not len(mine):
        return {"post_id": None, "post_engagement_ratio": None, "campaign": None, "viral": False}
    usual = max(float(mine.engagements.median()), 1.0)
    near = mine[(mine.day >= day - pd.Timedelta(days=1)) & (mine.day <= day)]
    if not len(near):
        return {"post_id": None, "post_engagement_ratio": None, "campaign": None, "viral": False}
    best = near.sort_values(["engagements", "post_id"], ascending=[False, True]).iloc[0]
    ratio = float(best.engagements) / usual
    campaigns = near.campaign.dropna()
    return {"post_id": best.post_id, "post_engagement_ratio": ratio,
            "campaign": campaigns.iloc[0] if len(campaigns) else None, "viral": ratio >= settings.viral_engagement_ratio}


def detect_bursts(audience: pd.DataFrame | None, follows: pd.DataFrame, fake: pd.Series, posts: pd.DataFrame,
                  owners: list[str], span: tuple[pd.Timestamp, pd.Timestamp] | None,
                  settings: AudienceSettings) -> pd.DataFrame:
    """Every follower spike of the owners' accounts, with its cohort, explanation and verdict.

    `follows`: account_id, owner_id, followed_at (all follows, including those undone since);
    `fake`: account_id → 1.0 when the profile scorer calls it fake (NaN when unknown);
    `posts`: owner_id, post_id, day, engagements, campaign.
    """
    rows: list[dict] = []
    follows = follows.assign(day=pd.to_datetime(follows.followed_at).dt.normalize(),
                             is_fake=follows.account_id.map(fake).astype(float))
    for owner in owners:
        found = daily_gains(audience, follows, owner, span)
        if found is None:
            continue
        gains, series = found
        spikes = find_spikes(gains, settings)
        mine = follows[follows.owner_id == owner]
        hot_days = {d for s in spikes for d in s["dates"]}
        inside = mine[(mine.day >= gains.index.min()) & (mine.day <= gains.index.max())]
        ordinary = inside[~inside.day.isin(hot_days)]
        usual_fake = float(ordinary.is_fake.mean()) if ordinary.is_fake.notna().any() else np.nan
        for spike in spikes:
            rows.append(_judge(owner, spike, mine, usual_fake, posts, series, settings))
    frame = pd.DataFrame(rows, columns=list(SPIKE_COLUMNS))
    return frame.sort_values(["date", "owner_id"], ignore_index=True) if len(frame) else frame


def _judge(owner: str, spike: dict, mine: pd.DataFrame, usual_fake: float, posts: pd.DataFrame, series: str,
           settings: AudienceSettings) -> dict:
    cohort = mine[mine.day.isin(spike["dates"])]
    size = len(cohort)
    known = cohort.is_fake.notna()
    share = float(cohort.is_fake[known].mean()) if known.any() else np.nan
    # Fake share of the followers above the usual day's intake: the usual newcomers are as fake as usual.
    expected = min(spike["expected_gain"], 0.9 * size)
    extra = size - expected
    excess_fake = np.nan
    if size >= settings.burst_min_cohort and not np.isnan(share):
        usual = 0.0 if np.isnan(usual_fake) else usual_fake
        excess_fake = float(np.clip((share * size - usual * expected) / max(extra, 1.0), 0.0, 1.0))
    post = post_explanations(posts, owner, spike["date"], settings)
    explained = "viral" if post["viral"] else "campaign" if post["campaign"] is not None else None
    if not np.isnan(excess_fake):
        bought = excess_fake >= settings.burst_min_fake_share
        kind = "bought" if bought else explained or "organic"
    else:
        bought = explained is None
        kind = "unexplained" if bought else (explained or "organic")
    return {
        "owner_id": owner, "date": spike["date"].date(), "start_date": spike["dates"][0].date(),
        "end_date": spike["dates"][-1].date(), "days": len(spike["dates"]), "gain": spike["gain"],
        "expected_gain": spike["expected_gain"], "excess": spike["gain"] - spike["expected_gain"],
        "score": spike["score"], "cohort_size": size, "cohort_fake_share": share,
        "usual_fake_share": usual_fake, "excess_fake_share": excess_fake, "post_id": post["post_id"],
        "post_engagement_ratio": post["post_engagement_ratio"], "campaign": post["campaign"], "kind": kind,
        "is_bought": bool(bought), "explanation": explain(kind, size, share, usual_fake, post),
        "series": series,
    }


def explain(kind: str, size: int, share: float, usual: float, post: dict) -> str:
    """One sentence (English; the CLI words it in the user's language from the same columns)."""
    cohort = (f"{share:.0%} of the {size} followers who joined then look fake (usually {usual:.0%})"
              if size and not np.isnan(share) else "")
    ratio = post.get("post_engagement_ratio")
    if kind == "bought":
        return cohort + (f", despite a post with {ratio:.1f}× the usual engagement" if post.get("viral") else "")
    if kind == "viral":
        return f"a post drew {ratio:.1f}× the usual engagement" + (f"; {cohort}" if cohort else "")
    if kind == "campaign":
        return f"campaign '{post['campaign']}' launched" + (f"; {cohort}" if cohort else "")
    if kind == "organic":
        return cohort or "the followers who joined then look real"
    return "no post, viral engagement or campaign of the account explains it (no follow dates to check the cohort)"
