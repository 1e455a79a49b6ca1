"""Who follows whom: the brand's real, fake, inactive and mass followers, bursts, and daily counts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from liens.generate.activity import Activity
from liens.generate.model import (
    AMBASSADOR,
    BRAND,
    DAY,
    END,
    FAKE,
    HOUR,
    IG,
    INACTIVE,
    MASS,
    MINUTE,
    REAL_ROLES,
    STAR,
    VIRAL,
    Plan,
    Rng,
    lognormal_seconds,
)
from liens.generate.population import Population

YEAR = 365 * DAY
SOURCES = ("organic", "campaign", "viral", "bought", "fake_trickle", "inactive", "mass", "ecosystem")
ORGANIC, CAMPAIGN_SRC, VIRAL_SRC, BOUGHT, FAKE_TRICKLE, INACTIVE_SRC, MASS_SRC, ECOSYSTEM = range(len(SOURCES))
BURST_KINDS = {BOUGHT: "bought", VIRAL_SRC: "viral", CAMPAIGN_SRC: "campaign"}


@dataclass
class Follows:
    follower: np.ndarray
    followee: np.ndarray
    followed: np.ndarray
    unfollowed: np.ndarray      # -1: still following at the end
    source: np.ndarray

    def of_brand(self, pop: Population) -> np.ndarray:
        return pop.role[self.followee] == BRAND


def build_follows(plan: Plan, pop: Population, act: Activity, rngs: Rng) -> tuple[Follows, list[dict]]:
    rng = rngs("follows")
    start, n = plan.start, pop.n
    parts: list[tuple[np.ndarray, ...]] = []

    def add(follower: np.ndarray, followee: np.ndarray, followed: np.ndarray, source: int | np.ndarray) -> None:
        parts.append((follower, followee, followed, np.broadcast_to(source, follower.shape)))

    # Real followers: more likely among those who engage with the brand.
    engaged = _engaged_with_brand(pop, act)
    real = np.isin(pop.role, REAL_ROLES) & (pop.role != STAR) & (pop.role != VIRAL)
    p = np.where(engaged, 0.75, 0.3)
    p[pop.role == AMBASSADOR] = 1.0
    for pod in pop.pods:
        if pod.includes_brand:
            p[pod.members[1:]] = 1.0
    follows = np.flatnonzero(real & (rng.random(n) < p))
    created = pop.created[follows]
    newcomer = created >= start
    when = np.empty(len(follows), dtype=np.int64)
    before = ~newcomer & (rng.random(len(follows)) < 0.55)
    lo = np.maximum(created + DAY, start - 3 * YEAR)
    when[before] = rng.integers(lo[before], start)
    inside = ~newcomer & ~before
    campaign = inside & (rng.random(len(follows)) < 0.12)
    when[inside] = rng.integers(start, END, inside.sum())
    when[campaign] = act.marks.launch + lognormal_seconds(rng, int(campaign.sum()), 10 * HOUR, 0.8, MINUTE, 6 * DAY)
    when[newcomer] = rng.integers(created[newcomer] + HOUR, END)
    keep = when < END
    add(follows[keep], pop.brand[pop.platform[follows[keep]]], when[keep],
        np.where(campaign, CAMPAIGN_SRC, ORGANIC)[keep])

    # The viral post brings real new followers within a day or two.
    already = np.zeros(n, dtype=bool)
    already[follows] = True
    fresh = ~already[act.viral_engagers] & (rng.random(len(act.viral_engagers)) < 0.3)
    when = act.viral_first[fresh] + lognormal_seconds(rng, int(fresh.sum()), 20 * MINUTE, 1.2, 10, 2 * DAY)
    keep = when < END
    add(act.viral_engagers[fresh][keep], np.full(keep.sum(), pop.brand[IG]), when[keep], VIRAL_SRC)

    limit = None
    if plan.fake_share is not None:  # as many fakes as make the asked share of the brand's followers
        others = len(np.unique(np.concatenate([part[0] for part in parts]))) + int(np.isin(pop.role, (INACTIVE, MASS)).sum())
        limit = int(round(plan.fake_share / max(1e-9, 1 - plan.fake_share) * others))
    bursts = _fake_follows(plan, pop, act, rng, add, limit)
    for role, source, before_share in ((INACTIVE, INACTIVE_SRC, 0.85), (MASS, MASS_SRC, 0.5)):
        rows = np.flatnonzero(pop.role == role)
        created = pop.created[rows]
        pre = rng.random(len(rows)) < before_share
        when = np.where(pre, rng.integers(np.maximum(created + DAY, start - 4 * YEAR), start),
                        rng.integers(np.maximum(created + DAY, start), END))
        add(rows, pop.brand[pop.platform[rows]], when, source)

    _ecosystem_follows(plan, pop, rng, add)

    follower, followee, followed, sources = (np.concatenate(c) for c in zip(*parts))
    f = Follows(follower.astype(np.int32), followee.astype(np.int32), followed.astype(np.int64),
                np.full(len(follower), -1, dtype=np.int64), sources.astype(np.int8))
    _unfollows(plan, pop, f, rng)
    return f, _burst_rows(pop, f, bursts)


def _engaged_with_brand(pop: Population, act: Activity) -> np.ndarray:
    V = act.buf.view()
    engaged = np.zeros(pop.n, dtype=bool)
    engaged[V["actor"][act.to_brand()]] = True
    return engaged


def _fake_follows(plan: Plan, pop: Population, act: Activity, rng: np.random.Generator, add,
                  limit: int | None = None) -> list[tuple[int, int]]:
    """Fakes follow in bought bursts (instagram) or trickle in; their accounts are young at follow time.
    `limit`: at most this many fakes follow (the others stay idle accounts)."""
    start = plan.start
    fakes = np.flatnonzero(pop.role == FAKE)
    if limit is not None:
        fakes = fakes[:max(0, limit)]
    days = plan.days
    avoid = [(int(act.P["time"][act.marks.viral_post]) - start) // DAY, (act.marks.launch - start) // DAY]
    wanted = int(rng.integers(2, 4))
    chosen: list[int] = []
    # Bursts away from the organic spikes and from each other; short windows relax the spacing.
    for attempt in range(400):
        if len(chosen) == wanted:
            break
        gap = 6 if attempt < 200 else 2
        d = int(rng.integers(min(10, days // 5), max(11, days - min(10, days // 5))))
        if all(abs(d - a) > gap for a in avoid) and all(abs(d - c) > 2 * gap for c in chosen):
            chosen.append(d)
    bursts = [(start + d * DAY, int(rng.integers(1, 3))) for d in sorted(chosen)]
    on_ig = pop.platform[fakes] == IG
    in_burst = on_ig & (rng.random(len(fakes)) < 0.75) if bursts else np.zeros(len(fakes), dtype=bool)
    when = np.where(rng.random(len(fakes)) < 0.9, rng.integers(start, END, len(fakes)),
                    start - rng.integers(HOUR, 200 * DAY, len(fakes)))
    which = rng.choice(len(bursts), in_burst.sum(), p=rng.dirichlet(np.full(len(bursts), 4.0))) if bursts else []
    b_start = np.array([b for b, _ in bursts], dtype=np.int64)
    b_len = np.array([d for _, d in bursts], dtype=np.int64)
    when[in_burst] = b_start[which] + (rng.beta(2, 2, in_burst.sum()) * b_len[which] * DAY).astype(np.int64)
    young = rng.random(len(fakes)) < 0.8
    pop.created[fakes] = when - np.where(young, lognormal_seconds(rng, len(fakes), 15 * DAY, 0.8, HOUR, 120 * DAY),
                                         rng.integers(YEAR, 5 * YEAR, len(fakes)))
    add(fakes, pop.brand[pop.platform[fakes]], when, np.where(in_burst, BOUGHT, FAKE_TRICKLE))
    return bursts


def _ecosystem_follows(plan: Plan, pop: Population, rng: np.random.Generator, add) -> None:
    """Fans follow their star; pod members and friends follow each other (before the window)."""
    pairs = [np.stack([fans, np.full(len(fans), star)], axis=1) for star, fans in zip(pop.stars, pop.fan_clubs)]
    for group in [p.members[1:] if p.includes_brand else p.members for p in pop.pods] + list(pop.friend_groups):
        a, b = np.meshgrid(group, group, indexing="ij")
        off = a != b
        pairs.append(np.stack([a[off], b[off]], axis=1))
    if not pairs:
        return
    edges = np.concatenate(pairs)
    lo = np.maximum(pop.created[edges[:, 0]], pop.created[edges[:, 1]]) + DAY
    add(edges[:, 0], edges[:, 1], rng.integers(lo, plan.start), ECOSYSTEM)


def _unfollows(plan: Plan, pop: Population, f: Follows, rng: np.random.Generator) -> None:
    n = len(f.follower)
    role = pop.role[f.follower]
    begin = np.maximum(f.followed, plan.start)
    r = rng.random(n)
    real = f.source <= VIRAL_SRC
    leave = np.full(n, -1, dtype=np.int64)
    pick = real & (r < 0.05)
    leave[pick] = rng.integers(begin[pick], END)
    # A platform clean-up removes some fakes on one day.
    purge = plan.start + int(0.85 * plan.days) * DAY + 3 * HOUR
    pick = (role == FAKE) & (f.followed < purge) & (r < 0.1)
    leave[pick] = purge + rng.integers(0, 6 * HOUR, pick.sum())
    pick = (role == MASS) & (r < 0.25)
    leave[pick] = begin[pick] + lognormal_seconds(rng, int(pick.sum()), 12 * DAY, 0.8, HOUR, YEAR)
    pick = (role == INACTIVE) & (r < 0.02)
    leave[pick] = rng.integers(begin[pick], END)
    leave[leave >= END] = -1
    f.unfollowed = leave


def _burst_rows(pop: Population, f: Follows, bursts: list[tuple[int, int]]) -> list[dict]:
    """Days of follower bursts per source (bought, viral, campaign) and brand account."""
    rows = []
    day = f.followed // DAY
    for source, kind in BURST_KINDS.items():
        for account in pop.brand:
            sel = (f.source == source) & (f.followee == account)
            if not sel.any():
                continue
            days, counts = np.unique(day[sel], return_counts=True)
            notable = counts >= max(1, 0.05 * counts.sum())
            rows += [{"day": int(d), "kind": kind, "followers_gained": int(c), "account": int(account)}
                     for d, c in zip(days[notable], counts[notable])]
    return sorted(rows, key=lambda r: (r["day"], r["kind"], r["account"]))


def daily_audience(plan: Plan, pop: Population, f: Follows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Followers of each brand account at the end of each day: (account rows, day numbers, counts)."""
    day_ends = (plan.start // DAY + np.arange(1, plan.days + 1)) * DAY
    accounts, days, counts = [], [], []
    for account in pop.brand:
        sel = f.followee == account
        followed = np.sort(f.followed[sel])
        left = np.sort(f.unfollowed[sel][f.unfollowed[sel] >= 0])
        counts.append(np.searchsorted(followed, day_ends) - np.searchsorted(left, day_ends))
        accounts.append(np.full(plan.days, account))
        days.append(day_ends // DAY - 1)
    return np.concatenate(accounts), np.concatenate(days), np.concatenate(counts)
