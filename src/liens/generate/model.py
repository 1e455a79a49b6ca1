"""Codes, the time window, sizing and the growable column buffers shared by the generator modules.

Everything is kept as numpy columns of small integer codes (accounts and posts are row indices,
times are Unix seconds) so that millions of rows stay cheap; strings appear only when writing.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from liens.schema import INTERACTION_KINDS, POST_FORMATS

PLATFORMS = ("instagram", "facebook", "tiktok", "linkedin")
IG, FB, TT, LI = range(len(PLATFORMS))
ID_PREFIX = ("ig", "fb", "tt", "li")

ROLES = ("brand", "ordinary", "creator", "pod", "star", "fan", "friend", "viral", "ambassador",
         "near_miss", "spammer", "fake", "inactive", "mass_follower")
(BRAND, ORDINARY, CREATOR, POD, STAR, FAN, FRIEND, VIRAL, AMBASSADOR,
 NEAR_MISS, SPAMMER, FAKE, INACTIVE, MASS) = range(len(ROLES))
REAL_ROLES = (ORDINARY, CREATOR, POD, STAR, FAN, FRIEND, VIRAL, AMBASSADOR, NEAR_MISS)

KIND = {name: code for code, name in enumerate(INTERACTION_KINDS)}
FORMAT = {name: code for code, name in enumerate(POST_FORMATS)}

# Where a text was said: decides whether the brand owes an answer.
SURFACES = ("brand_post", "dm", "story", "mention", "other_post", "thread")
ON_BRAND_POST, DM_SURFACE, STORY_SURFACE, MENTION_SURFACE, OTHER_POST, THREAD = range(len(SURFACES))

END_DATE = datetime(2025, 7, 1, tzinfo=UTC)  # exclusive: the last day of data is 2025-06-30
END = int(END_DATE.timestamp())
DAY = 86_400
HOUR = 3_600
MINUTE = 60


def clamp(x: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, x))


@dataclass(frozen=True)
class Plan:
    """Sizes of every planted structure, derived from the requested volume in one place."""

    accounts: int
    interactions: int
    days: int
    pods: bool = True
    fake_share: float | None = None  # share of the brand's followers that are fake (None: about 9 % of accounts are)
    circle: bool = False  # plant the brand's own circle: loyal fans, staff, the brand's friends, a contest

    @property
    def n_loyal_fans(self) -> int:
        return int(clamp(self.accounts // 600, 6, 40)) if self.circle else 0

    @property
    def n_staff(self) -> int:
        return 3 if self.circle else 0

    @property
    def n_brand_friends(self) -> int:
        return int(clamp(self.accounts // 1000, 5, 20)) if self.circle else 0

    @property
    def contest_entrants(self) -> int:
        return int(clamp(0.004 * self.scale, 80, 3000)) if self.circle else 0

    @property
    def start(self) -> int:
        return END - self.days * DAY

    @property
    def weeks(self) -> float:
        return self.days / 7

    @property
    def scale(self) -> int:
        # Structures are sized on the interaction volume, bounded so a few accounts with a huge
        # interaction count do not exhaust the account pool (the background fills the rest).
        return int(min(self.interactions, 12 * self.accounts))

    @property
    def small(self) -> bool:
        return self.scale < 100_000

    @property
    def n_pods(self) -> int:
        return int(clamp(4 + self.scale // 400_000, 4, 30)) if self.pods else 0

    @property
    def n_stars(self) -> int:
        return int(clamp(1 + self.scale // 3_000_000, 1, 4))

    @property
    def fans_per_star(self) -> int:
        return int(clamp(self.scale // 500, 30, 120))

    @property
    def n_friend_groups(self) -> int:
        return int(clamp(3 + self.scale // 100_000, 3, 150))

    @property
    def viral_engagers(self) -> int:
        return int(clamp(0.04 * self.scale, 250, 60_000))

    @property
    def viral_new_accounts(self) -> int:
        return int(min(0.6 * self.viral_engagers, 0.08 * self.accounts))

    @property
    def per_ambassador_kind(self) -> int:
        return int(clamp(self.accounts // 1500, 3, 300))

    @property
    def n_spammers(self) -> int:
        return int(clamp(self.accounts // 800, 2, 400))

    @property
    def n_fake(self) -> int:
        if self.fake_share is None:
            return int(0.09 * self.accounts)
        # Enough fake accounts for the asked share of the brand's followers (about 62 % of the other
        # accounts follow a brand account); `audience._fake_follows` lets only as many follow as it needs.
        s = min(max(self.fake_share, 0.0), 0.7)
        return int(1.1 * s * 0.625 * self.accounts / (1 - s + s * 0.625)) + 1

    @property
    def n_inactive(self) -> int:
        return int(0.05 * self.accounts)

    @property
    def n_mass(self) -> int:
        return int(0.03 * self.accounts)

    @property
    def texts(self) -> int:
        """Ordinary members' texts (comments, DMs, story replies, mentions, threads, spam)."""
        return int(0.07 * self.scale)

    def brand_posts_per_week(self) -> dict[int, float]:
        w = clamp(self.scale / 8_000, 2, 7)
        return {IG: w, FB: clamp(w / 2, 1, 3), TT: clamp(w / 2, 1, 4), LI: clamp(w / 3, 0.7, 2)}


class Columns:
    """Append-only column store: blocks of equal-length numpy arrays, concatenated on demand."""

    def __init__(self, spec: dict[str, tuple[type, int | float]]) -> None:
        self._spec = spec  # column -> (dtype, fill value when a block omits it)
        self._blocks: list[dict[str, np.ndarray]] = []
        self.count = 0
        self._cache: dict[str, np.ndarray] | None = None

    def add(self, **cols: np.ndarray | int | float) -> np.ndarray:
        """Append a block; scalars broadcast. Returns the global row indices of the block."""
        n = max(len(v) for v in cols.values() if isinstance(v, np.ndarray))
        block: dict[str, np.ndarray] = {}
        for name, (dtype, fill) in self._spec.items():
            v = cols.pop(name, fill)
            block[name] = np.broadcast_to(np.asarray(v, dtype=dtype), (n,)).copy() if np.ndim(v) == 0 \
                else np.asarray(v, dtype=dtype)
            assert len(block[name]) == n, name
        assert not cols, f"unknown columns {sorted(cols)}"
        self._blocks.append(block)
        self._cache = None
        rows = np.arange(self.count, self.count + n, dtype=np.int64)
        self.count += n
        return rows

    def view(self) -> dict[str, np.ndarray]:
        """All rows so far (concatenated once, then cached until the next add)."""
        if self._cache is None:
            if not self._blocks:
                self._cache = {k: np.empty(0, dtype=d) for k, (d, _) in self._spec.items()}
            else:
                self._cache = {k: np.concatenate([b[k] for b in self._blocks]) for k in self._spec}
                self._blocks = [self._cache]
        return self._cache


@dataclass
class Rng:
    """One independent generator per stage, so changing one stage does not reshuffle the others."""

    seed: int
    _used: set[str] = field(default_factory=set)

    def __call__(self, stage: str) -> np.random.Generator:
        assert stage not in self._used, f"stage {stage} asked twice"
        self._used.add(stage)
        return np.random.default_rng([self.seed, zlib.crc32(stage.encode())])


def day_times(rng: np.random.Generator, n: int, lo: int, hi: int) -> np.ndarray:
    """n moments between lo and hi, at plausible posting hours (06–21 UTC, a little at night)."""
    lo_day, hi_day = lo // DAY, max(lo // DAY + 1, (hi - 6 * HOUR) // DAY)
    days = rng.integers(lo_day, hi_day, n)
    hours = np.where(rng.random(n) < 0.92, rng.normal(13.5, 3.8, n).clip(6, 21.9), rng.uniform(0, 24, n))
    t = days * DAY + (hours * HOUR).astype(np.int64)
    return np.clip(t, lo, hi - 1)


def lognormal_seconds(rng: np.random.Generator, n: int, median_s: float, sigma: float,
                      lo_s: float = 1, hi_s: float = 1e9) -> np.ndarray:
    return np.clip(rng.lognormal(np.log(median_s), sigma, n), lo_s, hi_s).astype(np.int64)


def like_kind(rng: np.random.Generator, platform: np.ndarray) -> np.ndarray:
    """The 'like' of each platform: Facebook mixes likes and reactions, LinkedIn has reactions only."""
    reaction = (platform == LI) | ((platform == FB) & (rng.random(len(platform)) < 0.4))
    return np.where(reaction, KIND["reaction"], KIND["like"]).astype(np.int8)


def weighted_pick(rng: np.random.Generator, candidates: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    """n draws (with replacement) from candidates by weight; empty if there is nothing to draw."""
    if n <= 0 or len(candidates) == 0:
        return np.empty(0, dtype=candidates.dtype)
    cdf = np.cumsum(weights, dtype=np.float64)
    if cdf[-1] <= 0:
        return candidates[rng.integers(0, len(candidates), n)]
    return candidates[np.minimum(np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right"), len(cdf) - 1)]


# numpy >= 2.3 hashes in np.unique, which is far slower than sorting for millions of int64 keys.
def unique_sorted(values: np.ndarray) -> np.ndarray:
    s = np.sort(values)
    return s[np.concatenate(([True], s[1:] != s[:-1]))] if len(s) else s


def first_occurrences(values: np.ndarray) -> np.ndarray:
    """Row of the first occurrence of each distinct value (ordered by value)."""
    order = np.argsort(values, kind="stable")
    s = values[order]
    return order[np.concatenate(([True], s[1:] != s[:-1]))] if len(s) else order


def contained(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """values ∈ sorted_set (sorted_set sorted ascending)."""
    if not len(sorted_set):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[at] == values
