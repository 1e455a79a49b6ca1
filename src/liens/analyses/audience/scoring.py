"""The default follower scorer: a transparent sum of log-odds, no labelled data needed.

Each signal below adds a fixed amount to the log-odds that an account is fake (bought, a bot, or a
shell created to follow); `fake_score` is the logistic of the sum. The amounts are rough likelihood
ratios from what fake-account studies report (no picture, no posts, following far more accounts than
follow it back, digit-stuffed handles, accounts created just before they follow), kept round on
purpose: they are meant to be read, not fitted. The signals are not independent (an abandoned
account lacks posts, bio and picture at once), so their sum overstates the evidence; the low prior
counters that, so that an account is called fake only on strong evidence. A signal whose field is missing adds nothing, and the
field is named in the reasons.

| signal | log-odds added |
|---|---|
| prior: an account is taken as real unless the evidence is strong (about 1 in 20) | -3.0 |
| 0 posts / 1-4 posts / 50 posts or more | +1.2 / +0.6 / -0.8 |
| following over followers, r = log10((following+1)/(followers+1)) | +0.6 × r, r clipped to [0, 2.5] |
| follows 1,000 accounts or more (the follow-bot pattern) | +0.8 |
| fewer than 10 followers | +0.6 |
| no profile picture | +1.5 |
| empty bio | +0.4 |
| handle with 5+ digits / 3-4 digits (a birth year is common in real handles) | +1.0 / +0.3 |
| account created < 30 days / < 180 days before following; 2 years or more | +1.5 / +0.5; -0.5 |
| verified | -4.0 |
| never interacted with anything in the data | +0.4 |
| followed during a bought-follower burst | +1.5 |
| member of an engagement pod | +0.3 |
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

PRIOR = -3.0
MAX_REASONS = 5  # the strongest signals are named; the rest add little to the explanation

# Profile fields the scorer reads, by the name a user knows them by (dataset v1 columns).
PROFILE_FIELDS = ("posts_count", "followers_count", "following_count", "has_profile_picture", "bio", "handle",
                  "created_at")


@dataclass(frozen=True)
class Scored:
    """Per-account log-odds, probability, and the reasons as codes (`code` or `code:value`, `;`-joined)."""

    log_odds: np.ndarray
    fake_score: np.ndarray
    reason_codes: np.ndarray  # object array of str


def _num(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)


def score_profiles(frame: pd.DataFrame, reasons: bool = True) -> Scored:
    """Score a feature frame (see `features.FEATURES`); missing values add nothing.

    Reasons list the signals that pushed toward fake, strongest first, then the missing fields.
    """
    n = len(frame)
    posts, followers, following = _num(frame, "posts_count"), _num(frame, "followers_count"), _num(frame, "following_count")
    picture, bio = _num(frame, "has_profile_picture"), _num(frame, "bio_length")
    digits, age = _num(frame, "handle_digits"), _num(frame, "account_age_days")
    verified, interactions = _num(frame, "is_verified"), _num(frame, "interactions_made")
    burst, pod = _num(frame, "joined_in_burst"), _num(frame, "pod_member")

    parts: list[tuple[np.ndarray, np.ndarray]] = []  # (log-odds added, reason code per row or "")

    def add(weight: np.ndarray, code: np.ndarray | str) -> None:
        weight = np.nan_to_num(weight, nan=0.0)
        codes = np.where(weight > 0, code, "") if not isinstance(code, str) else np.where(weight > 0, code, "")
        parts.append((weight, np.asarray(codes, dtype=object)))

    def value_code(prefix: str, values: np.ndarray) -> np.ndarray:
        text = np.where(np.isnan(values), "", pd.Series(values).fillna(0).astype(np.int64).astype(str).to_numpy())
        return np.char.add(prefix + ":", text.astype(str)).astype(object)

    add(np.select([posts == 0, posts < 5, posts >= 50], [1.2, 0.6, -0.8], 0.0) * ~np.isnan(posts),
        value_code("posts", posts))
    ratio = np.log10((following + 1) / (followers + 1))
    add(0.6 * np.clip(ratio, 0.0, 2.5) + np.where(following >= 1000, 0.8, 0.0), value_code("following", following))
    add(np.where(followers < 10, 0.6, 0.0), value_code("followers", followers))
    add(np.where(picture == 0, 1.5, 0.0), "no_picture")
    add(np.where(bio == 0, 0.4, 0.0), "no_bio")
    add(np.select([digits >= 5, digits >= 3], [1.0, 0.3], 0.0), value_code("handle_digits", digits))
    add(np.select([age < 30, age < 180, age >= 730], [1.5, 0.5, -0.5], 0.0) * ~np.isnan(age), value_code("age_days", age))
    add(np.where(verified == 1, -4.0, 0.0), "")
    add(np.where(interactions == 0, 0.4, 0.0), "never_interacted")
    add(np.where(burst == 1, 1.5, 0.0), "joined_in_burst")
    add(np.where(pod == 1, 0.3, 0.0), "pod_member")

    weights = np.vstack([w for w, _ in parts]) if parts else np.zeros((0, n))
    log_odds = PRIOR + weights.sum(axis=0)
    if not reasons:
        return Scored(log_odds, 1.0 / (1.0 + np.exp(-log_odds)), np.full(n, "", dtype=object))
    codes = np.vstack([c for _, c in parts]) if parts else np.zeros((0, n), dtype=object)
    # Strongest push first; the codes of signals that pushed toward real are dropped.
    order = np.argsort(-weights, axis=0, kind="stable")
    ranked = np.take_along_axis(codes, order, axis=0)
    missing = missing_codes(frame)
    reasons = np.array([";".join([c for c in col if c][:MAX_REASONS] + ([m] if m else [])) for col, m in zip(ranked.T, missing)],
                       dtype=object) if n else np.array([], dtype=object)
    return Scored(log_odds, 1.0 / (1.0 + np.exp(-log_odds)), reasons)


def missing_codes(frame: pd.DataFrame) -> np.ndarray:
    """`missing:field,field` for each row whose profile fields are unknown (empty when none)."""
    n = len(frame)
    mapping = {"posts_count": "posts_count", "followers_count": "followers_count", "following_count": "following_count",
               "has_profile_picture": "has_profile_picture", "bio": "bio_length", "handle": "handle_digits",
               "created_at": "account_age_days"}
    flags = [(name, np.isnan(_num(frame, column))) for name, column in mapping.items()]
    out = np.full(n, "", dtype=object)
    for name, mask in flags:
        out = np.where(mask, np.where(out == "", "missing:" + name, out + "," + name), out)
    return out


# -- reasons in words -----------------------------------------------------------------------------

REASON_WORDS = {
    "en": {
        "posts": "{v} posts", "following": "follows {v} accounts", "followers": "{v} followers",
        "no_picture": "no profile picture", "no_bio": "empty bio", "handle_digits": "{v} digits in the handle",
        "age_days": "account {v} days old when it followed", "never_interacted": "never interacted",
        "joined_in_burst": "followed during a bought-follower burst", "pod_member": "member of an engagement pod",
        "missing": "missing: {v}",
    },
    "fr": {
        "posts": "{v} publications", "following": "suit {v} comptes", "followers": "{v} abonnés",
        "no_picture": "pas de photo de profil", "no_bio": "bio vide", "handle_digits": "{v} chiffres dans le pseudo",
        "age_days": "compte créé {v} jours avant de suivre", "never_interacted": "aucune interaction",
        "joined_in_burst": "abonné pendant un pic d'abonnés achetés", "pod_member": "membre d'un pod d'engagement",
        "missing": "manquant : {v}",
    },
}


def _token_text(code: str, lang: str) -> str:
    """One reason code (`posts:0`, `no_picture`, `missing:bio,handle`) in words; "" if unknown."""
    words = REASON_WORDS[lang]
    key, _, value = code.partition(":")
    if key not in words:
        return ""
    if value and key != "missing":
        value = f"{int(value):,}".replace(",", "\u202f" if lang == "fr" else ",")
    return words[key].format(v=value.replace(",", ", ") if key == "missing" else value)


def reasons_text(codes: str | None, lang: str = "en", _cache: dict[str, str] | None = None) -> str:
    """Reason codes (`posts:0;no_picture;missing:bio`) in words: "0 posts, no profile picture, missing: bio"."""
    if not codes:
        return ""
    cache = {} if _cache is None else _cache
    out = []
    for code in codes.split(";"):
        text = cache.get(code)
        if text is None:
            text = cache[code] = _token_text(code, lang)
        if text:
            out.append(text)
    return ", ".join(out)


def reasons_column(codes: np.ndarray, lang: str = "en") -> np.ndarray:
    """`reasons_text` over many rows: identical code strings are rendered once, each code once."""
    inverse, unique = pd.factorize(pd.Series(codes, dtype=object).fillna(""), sort=False)
    cache: dict[str, str] = {}
    return np.array([reasons_text(c, lang, cache) for c in unique], dtype=object)[inverse]
