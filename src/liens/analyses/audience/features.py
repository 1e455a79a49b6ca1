"""Follower features: computed in the engine, handed over as one small frame per audience.

One row per follower account (profile and behaviour) plus one row per (follower, followed account)
follow, for cohorts and bursts. Everything here is a reduction of the input tables to the followers
of a few accounts, so it fits in memory even for large audiences.
"""

from __future__ import annotations

from datetime import datetime

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from .scoring import handle_generated

# The model's candidate features (numeric; NaN when unknown). The default scorer reads the same frame.
FEATURES = (
    "posts_count", "followers_count", "following_count", "follow_ratio_log", "has_profile_picture", "bio_length",
    "handle_length", "handle_digits", "handle_digit_share", "account_age_days", "is_verified",
    "interactions_made", "joined_in_burst", "pod_member", "handle_generated",
)
# Features measured from the profile alone (what a public labelled data set such as InstaFake has).
PROFILE_FEATURES = FEATURES[:10]


def current_follows(follows: ir.Table, owner_ids: list[str]) -> ir.Table:
    """Follows of the given accounts, one row per (follower, followed account), current or not."""
    mine = follows.filter(follows.followee_id.isin(owner_ids) & (follows.follower_id != follows.followee_id))
    return mine.group_by(account_id=mine.follower_id, owner_id=mine.followee_id).agg(
        followed_at=mine.followed_at.min(),
        # A follower who followed again after leaving is a follower now.
        current=(mine.unfollowed_at.isnull()).any(),
        unfollowed_at=mine.unfollowed_at.max(),
    )


def sample_followers(rows: ir.Table, size: int) -> ir.Table:
    """A reproducible sample of `size` current followers: the same accounts every run (hash order)."""
    ids = rows.filter(rows.current).select("account_id").distinct()
    ids = ids.order_by([ids.account_id.hash(), ids.account_id]).limit(size)
    return rows.semi_join(ids, "account_id")


def provided_columns(accounts: ir.Table) -> set[str]:
    """Optional profile columns that hold at least one value: a column null everywhere was not exported,
    so its nulls mean 'unknown'; in a column that was exported, a null bio means an empty bio."""
    optional = [c for c in ("bio", "handle", "created_at", "posts_count", "followers_count", "following_count",
                            "has_profile_picture", "is_verified") if c in accounts.columns]
    if not optional:
        return set()
    row = accounts.aggregate(**{c: accounts[c].count() for c in optional}).to_pyarrow().to_pylist()[0]
    return {c for c in optional if row[c]}


def follower_frames(accounts: ir.Table, activity: ir.Table | None, rows: ir.Table) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(profiles, follows): one row per follower with `FEATURES` (joined_in_burst left NaN), and the follow
    rows (account_id, owner_id, followed_at, unfollowed_at, current)."""
    provided = provided_columns(accounts)
    first = rows.group_by("account_id").agg(first_followed_at=rows.followed_at.min(), is_current=rows.current.any())
    profile = first.left_join(accounts, "account_id")

    def col(name: str, kind: str = "float64") -> ir.Value:
        return profile[name].cast(kind) if name in profile.columns and name in provided else ibis.null(kind)

    handle = profile.handle.lstrip().re_replace("^@", "") if "handle" in provided else ibis.null("string")
    bio_length = (profile.bio.fill_null("").length().cast("float64") if "bio" in provided else ibis.null("float64"))
    age = ((profile.first_followed_at.epoch_seconds() - profile.created_at.epoch_seconds()) / 86400.0
           if "created_at" in provided else ibis.null("float64"))
    selected = profile.select(
        "account_id", "first_followed_at", "is_current",
        platform=profile.platform.cast("string") if "platform" in profile.columns else ibis.null("string"),
        handle=handle,
        posts_count=col("posts_count"), followers_count=col("followers_count"), following_count=col("following_count"),
        has_profile_picture=col("has_profile_picture", "int8").cast("float64"),
        bio_length=bio_length,
        handle_length=handle.length().cast("float64"),
        handle_digits=(handle.length() - handle.re_replace("[0-9]", "").length()).cast("float64"),
        account_age_days=age.cast("float64"),
        is_verified=col("is_verified", "int8").cast("float64"),
    )
    if activity is not None:
        extra = {"interactions_made": activity.interactions_made.cast("float64")}
        if "pod_id" in activity.columns:
            extra["pod_member"] = activity.pod_id.notnull().cast("float64")
        side = activity.select(_aid=activity.account_id, **extra)
        selected = selected.left_join(side, selected.account_id == side._aid).drop("_aid")
    # Engine boundary (docs/scale.md): one row of features per follower of the brand goes to
    # scikit-learn (664k followers, ~100 MB, at 10M interactions / 1M accounts).
    profiles = selected.to_pandas()
    follows = rows.to_pandas()
    return complete(profiles), follows


def complete(frame: pd.DataFrame) -> pd.DataFrame:
    """Add derived features and any feature column the source lacked (as NaN)."""
    frame = frame.copy()
    for name in FEATURES:
        if name not in frame.columns:
            frame[name] = np.nan
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype(float)
    if "handle" in frame.columns and "handle_generated" in frame.columns and frame.handle_generated.isna().all():
        frame["handle_generated"] = handle_generated(frame["handle"])
    frame["follow_ratio_log"] = np.log10((frame.following_count + 1) / (frame.followers_count + 1))
    frame["handle_digit_share"] = frame.handle_digits / frame.handle_length.where(frame.handle_length > 0)
    return frame


def activity_table(interactions: ir.Table) -> ir.Table:
    """`interactions_made` per account, for when the per-account results are not at hand (vetting)."""
    return interactions.group_by(account_id=interactions.actor_id).agg(interactions_made=interactions.count())


# InstaFake (Akyon & Kalfaoglu 2019) column names, mapped to ours. The data set itself is licensed
# CC BY-NC: it is read from the user's disk for evaluation only, never shipped or used for a shipped model.
INSTAFAKE_COLUMNS = {
    "userMediaCount": "posts_count", "userFollowerCount": "followers_count", "userFollowingCount": "following_count",
    "userHasProfilPic": "has_profile_picture", "userBiographyLength": "bio_length", "usernameLength": "handle_length",
    "usernameDigitCount": "handle_digits",
}


def instafake_features(records: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """InstaFake rows (as read from its JSON files) as a feature frame, and the labels (1 = fake)."""
    frame = records.rename(columns=INSTAFAKE_COLUMNS)
    labels = frame.pop("isFake").astype(int).to_numpy() if "isFake" in frame.columns else np.zeros(len(frame), int)
    return complete(frame[[c for c in INSTAFAKE_COLUMNS.values()]]), labels


def labelled_rows(ids: ir.Table, follows: ir.Table | None, owners: list[str], as_of: datetime | None) -> ir.Table:
    """Rows shaped like `current_follows` for labelled accounts, followers of the owners or not: their
    first follow of the owners when there is one, else the end of the data (for the account's age)."""
    stamp = ibis.literal(as_of or datetime(1970, 1, 1), "timestamp")
    if follows is not None and owners:
        first = current_follows(follows, owners)
        first = first.group_by("account_id").agg(followed_at=first.followed_at.min())
        ids = ids.left_join(first, "account_id").select("account_id", followed_at=ibis._.followed_at.fill_null(stamp))
    else:
        ids = ids.select("account_id", followed_at=stamp)
    return ids.select("account_id", owner_id=ibis.literal(""), followed_at="followed_at", current=ibis.literal(True),
                      unfollowed_at=ibis.null("timestamp"))
