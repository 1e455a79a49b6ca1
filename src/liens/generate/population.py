"""The accounts of the world: roles, planted groups, platforms, people (members) and profiles."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from liens.generate import texts as tx
from liens.generate.model import (
    AMBASSADOR,
    BRAND,
    CREATOR,
    DAY,
    FAKE,
    FAN,
    FB,
    FRIEND,
    IG,
    INACTIVE,
    LI,
    MASS,
    NEAR_MISS,
    ORDINARY,
    POD,
    ROLES,
    SPAMMER,
    STAR,
    TT,
    VIRAL,
    Plan,
    Rng,
)

YEAR = 365 * DAY
POD_STYLES = ("tight", "rotating", "partial")
AMBASSADOR_KINDS = ("regular", "defender", "sharer")
_LETTER_PAIRS = [a + b for a in "abcdefghijklmnopqrstuvwxyz" for b in "abcdefghijklmnopqrstuvwxyz"]
NEAR_MISS_KINDS = ("one_week_commenter", "detractor")

# Platform mix per role (instagram, facebook, tiktok, linkedin).
_PLATFORM_MIX = {
    ORDINARY: (0.5, 0.22, 0.16, 0.12), CREATOR: (0.5, 0.22, 0.16, 0.12), SPAMMER: (0.7, 0.2, 0.1, 0.0),
    FAKE: (0.8, 0.08, 0.08, 0.04), INACTIVE: (0.8, 0.08, 0.08, 0.04), MASS: (0.8, 0.08, 0.08, 0.04),
}
_AMBASSADOR_MIX = {"regular": (0.6, 0.2, 0.1, 0.1), "defender": (0.65, 0.35, 0, 0), "sharer": (0.6, 0.2, 0.2, 0)}


@dataclass
class Pod:
    pod_id: str
    members: np.ndarray          # account rows; the brand's row first when includes_brand
    style: str
    platform: int
    includes_brand: bool
    joined: np.ndarray           # Unix seconds; -1 = member since before the window
    left: np.ndarray             # Unix seconds; -1 = still a member at the end


@dataclass
class Population:
    role: np.ndarray
    platform: np.ndarray
    lang: np.ndarray
    member: np.ndarray
    activity: np.ndarray         # weight of each account in the background audience
    created: np.ndarray
    brand: np.ndarray            # brand account row per platform
    pods: list[Pod]
    stars: np.ndarray
    fan_clubs: list[np.ndarray]  # fans of stars[i]
    friend_groups: list[np.ndarray]
    ambassadors: dict[str, np.ndarray]
    near_miss: dict[str, np.ndarray]
    identity_listed: np.ndarray  # bool: the account appears in the identities table
    profile: dict[str, pa.Array | np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.role)


def build_population(plan: Plan, rngs: Rng, bank: tx.TextBank) -> Population:
    rng = rngs("population")
    n = plan.accounts
    pod_sizes = rng.integers(6, 10 if plan.small else 31, plan.n_pods)
    friend_sizes = rng.integers(5, 13, plan.n_friend_groups)
    per_kind = plan.per_ambassador_kind
    near = max(2, per_kind // 2)
    counts = {
        # The brand's pod counts the brand itself among its members.
        BRAND: 4, POD: max(0, int(pod_sizes.sum()) - 1), STAR: plan.n_stars, FAN: plan.n_stars * plan.fans_per_star,
        FRIEND: int(friend_sizes.sum()), VIRAL: plan.viral_new_accounts, AMBASSADOR: 3 * per_kind,
        NEAR_MISS: 2 * near, SPAMMER: plan.n_spammers, FAKE: plan.n_fake, INACTIVE: plan.n_inactive, MASS: plan.n_mass,
    }
    rest = n - sum(counts.values())
    if rest < 0.2 * n:
        raise ValueError(f"{n} accounts are too few for {plan.interactions} interactions; ask for more accounts")
    counts[CREATOR] = int(0.08 * rest)
    counts[ORDINARY] = rest - counts[CREATOR]
    # Roles are shuffled so that account numbers say nothing about who is who.
    role = rng.permutation(np.repeat(np.array(list(counts), dtype=np.int8), list(counts.values())))
    pools = {r: rng.permutation(np.flatnonzero(role == r)) for r in counts}
    platform = np.full(n, -1, dtype=np.int8)
    for r, mix in _PLATFORM_MIX.items():
        platform[pools[r]] = rng.choice(4, len(pools[r]), p=mix)

    brand = pools[BRAND]
    platform[brand] = [IG, FB, TT, LI]

    pods = _plant_pods(plan, rng, pools[POD], pod_sizes, brand[IG], platform)
    stars = pools[STAR]
    fan_clubs = np.array_split(pools[FAN], plan.n_stars)
    platform[stars] = IG
    platform[pools[FAN]] = IG
    friend_groups = np.split(pools[FRIEND], np.cumsum(friend_sizes)[:-1])
    for group in friend_groups:
        platform[group] = IG if rng.random() < 0.7 else FB
    platform[pools[VIRAL]] = IG
    ambassadors = dict(zip(AMBASSADOR_KINDS, np.array_split(pools[AMBASSADOR], 3)))
    for kind, rows in ambassadors.items():
        platform[rows] = rng.choice(4, len(rows), p=_AMBASSADOR_MIX[kind])
    near_miss = dict(zip(NEAR_MISS_KINDS, np.array_split(pools[NEAR_MISS], 2)))
    platform[pools[NEAR_MISS]] = rng.choice(2, len(pools[NEAR_MISS]), p=(0.7, 0.3))

    lang = rng.choice(len(tx.LANGS) - 1, n, p=(0.5, 0.45, 0.02, 0.015, 0.015)).astype(np.int8)
    lang[brand] = tx.FR
    for pod in pods:  # pods recruit within one language community
        lang[pod.members] = tx.FR if pod.includes_brand or rng.random() < 0.5 else tx.EN

    created = _creation_times(plan, rng, role)
    activity = _activity(rng, role, created, plan.start)
    member = np.arange(n, dtype=np.int64)
    member[brand] = brand[IG]
    pairs, listed, false_friends = _people_with_two_accounts(rng, role, platform, activity)
    member[pairs[:, 1]] = pairs[:, 0]
    identity_listed = np.zeros(n, dtype=bool)
    identity_listed[pairs[listed].ravel()] = True
    identity_listed[brand] = True
    # Half the listed people keep their second account quiet (a login used to shop, never to engage):
    # their conversions recorded there reach them only through identities.
    quiet = pairs[listed & (rng.random(len(pairs)) < 0.5), 1]
    activity[quiet] = 0.0

    pop = Population(role, platform, lang, member, activity, created, brand, pods, stars, fan_clubs,
                     friend_groups, ambassadors, near_miss, identity_listed)
    same_handle = np.concatenate([pairs[~listed | (rng.random(len(pairs)) < 0.5)], false_friends])
    pop.profile = _profiles(rng, pop, bank, same_handle)
    return pop


def _plant_pods(plan: Plan, rng: np.random.Generator, pool: np.ndarray, sizes: np.ndarray, brand_ig: int,
                platform: np.ndarray) -> list[Pod]:
    pods = []
    start = 0
    for i, size in enumerate(sizes.tolist()):
        includes_brand = i == 0
        take = size - 1 if includes_brand else size
        members = pool[start:start + take]
        start += take
        if includes_brand:
            members = np.concatenate([[brand_ig], members])
        # The brand's pod is partial (the brand cannot like everything), then the styles cycle.
        style = "partial" if includes_brand else POD_STYLES[(i - 1) % 3]
        pod_platform = TT if (i % 5 == 4) else IG
        platform[members[1:] if includes_brand else members] = pod_platform
        joined = np.full(len(members), -1, dtype=np.int64)
        left = np.full(len(members), -1, dtype=np.int64)
        if style == "rotating":
            # A core stays all along; the others join and leave, so membership turns over.
            movers = np.flatnonzero(rng.random(len(members)) > 0.4)
            join = rng.uniform(plan.start - 30 * DAY, plan.start + 0.8 * plan.days * DAY, len(movers)).astype(np.int64)
            stay = rng.lognormal(np.log(55 * DAY), 0.5, len(movers)).astype(np.int64)
            joined[movers] = np.where(join <= plan.start, -1, join)
            leave = np.maximum(join + stay, plan.start + 20 * DAY)  # every member overlaps the window
            left[movers] = np.where(leave >= plan.start + plan.days * DAY, -1, leave)
        pods.append(Pod(f"pod{i + 1}", members, style, pod_platform, includes_brand, joined, left))
    return pods


def _creation_times(plan: Plan, rng: np.random.Generator, role: np.ndarray) -> np.ndarray:
    n = len(role)
    start = plan.start
    created = start - 30 * DAY - np.clip(rng.lognormal(np.log(3 * YEAR), 0.6, n), 0, 12 * YEAR).astype(np.int64)
    newcomer = np.isin(role, (ORDINARY, CREATOR)) & (rng.random(n) < 0.03)
    created[newcomer] = rng.integers(start, start + plan.days * DAY - DAY, newcomer.sum())
    for r, lo, hi in ((INACTIVE, 1 * YEAR, 10 * YEAR), (MASS, YEAR // 2, 6 * YEAR), (SPAMMER, 10 * DAY, 400 * DAY),
                      (BRAND, 4 * YEAR, 7 * YEAR), (STAR, 7 * YEAR, 9 * YEAR)):
        rows = role == r
        created[rows] = start - rng.integers(lo, hi, rows.sum())
    return created  # fakes get theirs from their follow time (audience._fake_follows)


def _activity(rng: np.random.Generator, role: np.ndarray, created: np.ndarray, start: int) -> np.ndarray:
    """Heavy-tailed background activity: most accounts lurk, a few are very active."""
    n = len(role)
    w = rng.lognormal(0.0, 1.6, n)
    w[rng.random(n) < 0.15] = 0.0
    factor = np.ones(len(ROLES))
    factor[[BRAND, STAR, SPAMMER, FAKE, INACTIVE]] = 0.0
    factor[[VIRAL, MASS]] = 0.05
    factor[AMBASSADOR] = 2.0
    w *= factor[role]
    w[created >= start] = 0.0  # accounts created during the window stay silent
    return w


def _people_with_two_accounts(rng: np.random.Generator, role: np.ndarray, platform: np.ndarray,
                              activity: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (instagram row, other row) owned by one person, which of them the identities table lists,
    and 'false friends': pairs of different people who happen to share a handle."""
    people = np.isin(role, (ORDINARY, CREATOR)) & (activity > 0)
    ig = rng.permutation(np.flatnonzero(people & (platform == IG)))
    other = rng.permutation(np.flatnonzero(people & (platform != IG)))
    k = int(0.15 * min(len(ig), len(other)))
    pairs = np.stack([ig[:k], other[:k]], axis=1)
    listed = rng.random(k) < 0.7
    f = max(1, k // 10)
    fb_others = other[k:][platform[other[k:]] == FB]
    f = min(f, len(fb_others), len(ig) - k)
    false_friends = np.stack([ig[k:k + f], fb_others[:f]], axis=1)
    return pairs, listed, false_friends


# --- profiles ----------------------------------------------------------------------------------

def _profiles(rng: np.random.Generator, pop: Population, bank: tx.TextBank, same_handle: np.ndarray) -> dict:
    n = pop.n
    role = pop.role
    fake, inactive, mass = role == FAKE, role == INACTIVE, role == MASS
    spam = role == SPAMMER
    bot_like = fake | spam

    # One name per account, used by both its handle and its display name.
    n_fr, n_en = len(tx.FIRST_NAMES[tx.FR]), len(tx.FIRST_NAMES[tx.EN])
    fi = np.where(pop.lang == tx.FR, rng.integers(0, n_fr, n), n_fr + rng.integers(0, n_en, n))
    li = rng.integers(0, len(tx.LAST_NAMES), n)
    handle = _handles(rng, fi, li, bot_like)
    handle = _unique_per_platform(handle, pop.platform, same_handle)
    handle[pop.brand] = tx.BRAND_HANDLE

    first = pa.array([f.capitalize() for f in tx.FIRST_NAMES[tx.FR] + tx.FIRST_NAMES[tx.EN]])
    last = pa.array([s.capitalize() for s in tx.LAST_NAMES])
    style = rng.random(n)
    full = pc.binary_join_element_wise(first.take(fi), last.take(li), " ")
    short = pc.binary_join_element_wise(first.take(fi), pc.utf8_slice_codeunits(last.take(li), 0, 1), ".", " ")
    display = np.where(style < 0.62, np.asarray(full, dtype=object),
                       np.where(style < 0.8, np.asarray(first.take(fi), dtype=object),
                                np.where(style < 0.9, np.asarray(short, dtype=object), np.array(None, dtype=object))))
    display[bot_like & (rng.random(n) < 0.55)] = None
    display[pop.brand] = tx.BRAND_NAME
    display[pop.stars] = "Lou Fontaine"

    bio_kind = np.where(bot_like, 1, np.where(mass, 2, 0))
    has_bio = rng.random(n) < np.select([bot_like, inactive, mass], [0.12, 0.45, 0.7], 0.58)
    bios = np.full(n, None, dtype=object)
    for code, kind in enumerate(("real", "fake", "mass")):
        rows = np.flatnonzero(has_bio & (bio_kind == code))
        pool, idx = bank.phrases("bio", kind, pop.lang[rows], rng)
        bios[rows] = np.asarray(pool, dtype=object)[idx] if len(rows) else bios[rows]
    bios[pop.brand] = "Sneakers dessinées à Paris, fabriquées au Portugal 👟 SAV : DM"

    def lognormal_int(median: float, sigma: float) -> np.ndarray:
        return rng.lognormal(np.log(median), sigma, n).astype(np.int64)

    followers = np.select([fake, inactive, mass, spam], [rng.geometric(0.06, n) - 1, lognormal_int(90, 1.0),
                                                        lognormal_int(600, 0.8), rng.integers(0, 200, n)],
                          lognormal_int(180, 1.3))
    followers = np.where(role == CREATOR, lognormal_int(1500, 1.0), followers)
    followers = np.where(role == POD, lognormal_int(2500, 0.8), followers)
    followers[pop.stars] = rng.integers(80_000, 400_000, len(pop.stars))
    following = np.select(
        [fake, mass, inactive],
        [np.where(rng.random(n) < 0.6, rng.integers(1000, 7500, n), lognormal_int(300, 0.9)),
         rng.integers(2000, 7500, n), lognormal_int(200, 0.8)],
        np.where(rng.random(n) < 0.02, rng.integers(2000, 7500, n), lognormal_int(280, 0.9)))
    following = np.clip(following, 0, 7500)
    posts = np.select([fake, inactive, mass, spam],
                      [np.where(rng.random(n) < 0.7, 0, rng.integers(1, 7, n)), rng.geometric(0.12, n) - 1,
                       lognormal_int(60, 1.0), rng.integers(0, 10, n)],
                      np.where(rng.random(n) < 0.09, 0, lognormal_int(35, 1.3)))
    posts = np.where(np.isin(role, (CREATOR, POD)), lognormal_int(250, 0.8), posts)
    posts[pop.stars] = rng.integers(600, 2000, len(pop.stars))
    picture = rng.random(n) < np.select([bot_like, inactive, mass], [0.35, 0.75, 0.92], 0.85)
    verified = np.zeros(n, dtype=bool)
    verified[pop.brand] = True
    verified[pop.stars] = True
    verified |= (role == CREATOR) & (rng.random(n) < 0.01)
    picture[pop.brand] = picture[pop.stars] = True
    return {
        "handle": pa.array(handle, type=pa.string()), "display_name": pa.array(display, type=pa.string()),
        "bio": pa.array(bios, type=pa.string()), "followers_count": followers, "following_count": following,
        "posts_count": posts, "has_profile_picture": picture, "is_verified": verified,
    }


def _handles(rng: np.random.Generator, first_name: np.ndarray, last_name: np.ndarray,
             bot_like: np.ndarray) -> np.ndarray:
    """Handles built from vocabulary pieces: names for people, digit-heavy strings for bots,
    with overlap (some people add digits, some bots look like names)."""
    n = len(first_name)
    fr_first, en_first = tx.FIRST_NAMES[tx.FR], tx.FIRST_NAMES[tx.EN]
    letters2 = _LETTER_PAIRS
    vocab = ["", ".", "_", "user"] + fr_first + en_first + tx.LAST_NAMES + tx.HANDLE_WORDS + letters2
    base = {"fr": 4, "en": 4 + len(fr_first), "last": 4 + len(fr_first) + len(en_first)}
    base["word"] = base["last"] + len(tx.LAST_NAMES)
    base["pair"] = base["word"] + len(tx.HANDLE_WORDS)
    first = base["fr"] + first_name  # French then English first names are contiguous in vocab
    last = base["last"] + last_name
    word = base["word"] + rng.integers(0, len(tx.HANDLE_WORDS), n)
    sep = rng.integers(0, 3, n)
    pair = [base["pair"] + rng.integers(0, len(letters2), n) for _ in range(3)]
    initial = base["pair"] + 26 * rng.integers(0, 26, n)  # a letter pair starting the alphabet row: 'ma', 'ta', ...
    empty = np.zeros(n, dtype=np.int64)

    r = rng.random(n)
    # People: first.last, first_word, first+initial, word.first, first.last.word
    p1 = np.select([r < 0.45, r < 0.6, r < 0.72, r < 0.85], [first, first, first, word], first)
    p2 = np.select([r < 0.45, r < 0.6, r < 0.72, r < 0.85], [sep, sep, empty, sep], np.full(n, 1))
    p3 = np.select([r < 0.45, r < 0.6, r < 0.72, r < 0.85], [last, word, initial, first], last)
    p4 = np.where(r >= 0.85, 1, 0)
    p5 = np.where(r >= 0.85, word, 0)
    # Bots: user+digits, random letters+digits, first_digits, name-like without digits
    b1 = np.select([r < 0.3, r < 0.6, r < 0.8], [np.full(n, 3), pair[0], first], first)
    b2 = np.select([r < 0.3, r < 0.6, r < 0.8], [empty, pair[1], np.full(n, 2)], sep)
    b3 = np.select([r < 0.3, r < 0.6, r < 0.8], [empty, pair[2], empty], last)
    b5 = np.where(r >= 0.8, pair[0], 0)
    parts = [np.where(bot_like, b, p) for b, p in ((b1, p1), (b2, p2), (b3, p3), (empty, p4), (b5, p5))]
    v = pa.array(vocab)
    digits_p = np.where(bot_like, np.where(r < 0.8, 1.0, 0.0), 0.22)
    has_digits = rng.random(n) < digits_p
    width = np.where(bot_like, np.where(r < 0.3, 8, rng.integers(3, 6, n)), np.where(rng.random(n) < 0.5, 2, 4))
    number = np.where(width == 4, rng.integers(1975, 2009, n), rng.integers(0, 10 ** width.clip(max=9)))
    digits = pc.if_else(pa.array(has_digits), pc.cast(pa.array(number), pa.string()), "")
    joined = pc.binary_join_element_wise(*[v.take(pa.array(p)) for p in parts], digits, "")
    return np.asarray(joined, dtype=object)


def _unique_per_platform(handle: np.ndarray, platform: np.ndarray, same_handle: np.ndarray) -> np.ndarray:
    """Make handles unique within each platform; the second account of each `same_handle` pair
    takes its partner's handle (the pair's first account is on instagram and keeps its own)."""
    # Unique across platforms first, so that the only shared handles are the planted ones.
    handle = _dedupe(handle, np.zeros(len(handle), dtype=np.int8), np.zeros(len(handle), dtype=bool))
    handle[same_handle[:, 1]] = handle[same_handle[:, 0]]
    keep = np.zeros(len(handle), dtype=bool)
    keep[same_handle[:, 1]] = True
    return _dedupe(handle, platform, keep)


def _dedupe(handle: np.ndarray, platform: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Suffix repeated handles of a platform ('.ab', '.ac', ...); rows in `keep` are served first."""
    letters2 = np.array(_LETTER_PAIRS, dtype=object)
    n = len(handle)
    for _ in range(5):
        code = pd.factorize(handle)[0].astype(np.int64) * 8 + platform
        order = np.lexsort((np.arange(n), ~keep, code))
        ordered = code[order]
        starts = np.concatenate(([True], ordered[1:] != ordered[:-1]))
        rank = np.arange(n) - np.maximum.accumulate(np.where(starts, np.arange(n), 0))
        dup, r = order[rank > 0], rank[rank > 0]
        if not len(dup):
            break
        suffix = letters2[r % len(letters2)]
        suffix = np.where(r >= len(letters2), suffix + (r // len(letters2)).astype(str).astype(object), suffix)
        handle = handle.copy()
        handle[dup] = handle[dup] + "." + suffix
    return handle
