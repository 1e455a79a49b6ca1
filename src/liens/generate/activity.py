"""Posts and interactions: the planted structures first, the ordinary background audience last.

Each planting function appends vectorised blocks to the interaction buffer; loops run over groups
(pods, stars, friend groups, ambassadors, platforms), never over interactions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from liens.generate import texts as tx
from liens.generate.model import (
    AMBASSADOR,
    BRAND,
    CREATOR,
    DAY,
    DM_SURFACE,
    END,
    FB,
    FORMAT,
    HOUR,
    IG,
    KIND,
    LI,
    MENTION_SURFACE,
    MINUTE,
    ON_BRAND_POST,
    ORDINARY,
    OTHER_POST,
    PLATFORMS,
    SPAMMER,
    STORY_SURFACE,
    THREAD,
    TT,
    VIRAL,
    Columns,
    Plan,
    Rng,
    clamp,
    contained,
    day_times,
    first_occurrences,
    like_kind,
    lognormal_seconds,
    unique_sorted,
    weighted_pick,
)
from liens.generate.population import Population

CAMPAIGN = "drop-ete-2025"
CONTEST = "concours-ete-2025"  # the contest post's campaign: a word the community step knows as prompted
CIRCLE_KINDS = ("loyal_fan", "staff", "brand_friend", "contest")

_BRAND_FORMATS = {
    IG: (("photo", "carousel", "reel", "video", "live"), (0.3, 0.25, 0.35, 0.05, 0.05)),
    FB: (("photo", "video", "text", "live", "article"), (0.4, 0.2, 0.25, 0.05, 0.1)),
    TT: (("video",), (1.0,)),
    LI: (("text", "article", "photo", "video"), (0.4, 0.3, 0.2, 0.1)),
}
_OTHER_FORMATS = {
    IG: (("photo", "carousel", "reel"), (0.5, 0.2, 0.3)),
    FB: (("photo", "text", "video"), (0.6, 0.3, 0.1)),
    TT: (("video",), (1.0,)),
    LI: (("text", "photo", "article"), (0.6, 0.3, 0.1)),
}
_FORMAT_APPEAL = {"reel": 1.6, "video": 1.3, "carousel": 1.2, "photo": 1.0, "story": 0.6, "text": 0.7,
                  "article": 0.6, "live": 0.8, "other": 1.0}
# Background (no-text) kinds per platform, and on stories.
_BACKGROUND_KINDS = {
    IG: (("like", "view", "save", "share", "click"), (0.62, 0.2, 0.07, 0.05, 0.06)),
    FB: (("like", "reaction", "view", "share", "click"), (0.36, 0.22, 0.2, 0.12, 0.1)),
    TT: (("like", "view", "share", "save"), (0.55, 0.3, 0.07, 0.08)),
    LI: (("reaction", "view", "click", "share"), (0.55, 0.2, 0.15, 0.1)),
}
_STORY_KINDS = (("view", "like"), (0.85, 0.15))
_PLATFORM_SHARE = (0.55, 0.18, 0.17, 0.10)

_COMMENT_MIX = {tx.PRAISE: .32, tx.GENERIC: .14, tx.PURCHASE: .15, tx.SUPPORT: .09, tx.CRITIQUE: .12,
                tx.COCREATION: .06, tx.JOB: .03}
_DM_MIX = {tx.PURCHASE: .3, tx.SUPPORT: .22, tx.JOB: .14, tx.COCREATION: .1, tx.CRITIQUE: .1, tx.PRAISE: .08,
           tx.GENERIC: .06}
_STORY_MIX = {tx.PRAISE: .35, tx.PURCHASE: .25, tx.GENERIC: .2, tx.COCREATION: .08, tx.SUPPORT: .06, tx.CRITIQUE: .06}
_MENTION_MIX = {tx.PRAISE: .6, tx.CRITIQUE: .15, tx.PURCHASE: .1, tx.GENERIC: .15}
_VIRAL_MIX = {tx.PRAISE: .45, tx.GENERIC: .25, tx.PURCHASE: .2, tx.SUPPORT: .05, tx.CRITIQUE: .05}
_REGULAR_MIX = {tx.PRAISE: .55, tx.COCREATION: .15, tx.GENERIC: .1, tx.PURCHASE: .1, tx.SUPPORT: .1}
_LIGHT_MIX = {tx.PRAISE: .6, tx.GENERIC: .4}
_FAN_MIX = {tx.GENERIC: .6, tx.PRAISE: .4}

# Brand answers: probability of an answer and median delay in minutes, per intent.
_ANSWER_P = {tx.PURCHASE: .68, tx.JOB: .62, tx.COCREATION: .6, tx.SUPPORT: .7, tx.CRITIQUE: .48,
             tx.PRAISE: .08, tx.GENERIC: .06, tx.SPAM: 0.0}
_ANSWER_MEDIAN_MIN = {tx.PURCHASE: 90, tx.JOB: 1440, tx.COCREATION: 600, tx.SUPPORT: 150, tx.CRITIQUE: 300,
                      tx.PRAISE: 240, tx.GENERIC: 240, tx.SPAM: 60}


def _draw(rng: np.random.Generator, mix: dict[int, float], n: int) -> np.ndarray:
    codes = np.array(list(mix), dtype=np.int8)
    p = np.array(list(mix.values()))
    return codes[rng.choice(len(codes), n, p=p / p.sum())]


def new_interactions() -> Columns:
    return Columns({
        "kind": (np.int8, -1),
        "actor": (np.int32, -1),
        "time": (np.int64, -1),
        "post": (np.int32, -1),
        "target": (np.int32, -1),      # account addressed (dm, mention, story reply)
        "parent": (np.int64, -1),      # row replied to
        "intent": (np.int8, -1),       # -1: no text
        "voice": (np.int8, -1),
        "surface": (np.int8, -1),
        "needs": (np.bool_, False),    # the brand owes this text an answer
        "dwell": (np.float32, np.nan),
    })


def new_posts() -> Columns:
    return Columns({
        "author": (np.int32, -1),
        "platform": (np.int8, -1),
        "time": (np.int64, -1),
        "format": (np.int8, FORMAT["photo"]),
        "campaign": (np.bool_, False),
        "caption": (np.int8, tx.CREATOR_CAPTION),  # index into texts.CAPTION_KINDS
        "weight": (np.float64, 0.0),   # appeal for the background audience
    })


@dataclass(frozen=True)
class Landmarks:
    launch: int                 # campaign launch (Unix seconds)
    campaign_lo: int
    campaign_hi: int
    viral_post: int             # post row of the viral post
    campaign: str = CAMPAIGN



class ActorPool:
    """Accounts of each platform with a weight, to draw who acts on a post of that platform."""

    def __init__(self, pop: Population, weights: np.ndarray) -> None:
        self._groups = []
        for p in range(len(PLATFORMS)):
            rows = np.flatnonzero((pop.platform == p) & (weights > 0)).astype(np.int32)
            self._groups.append((rows, weights[rows]))

    def has(self, platform: int) -> bool:
        return len(self._groups[platform][0]) > 0

    def draw(self, rng: np.random.Generator, platform: np.ndarray) -> np.ndarray:
        """One actor per entry of `platform`; -1 where that platform has nobody."""
        out = np.full(len(platform), -1, dtype=np.int32)
        for p, (rows, w) in enumerate(self._groups):
            sel = np.flatnonzero(platform == p)
            if len(sel) and len(rows):
                out[sel] = weighted_pick(rng, rows, w, len(sel))
        return out


def _positions(members: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Position in `members` of each value of `rows` (all of which are members)."""
    order = np.argsort(members, kind="stable")
    return order[np.searchsorted(members[order], rows)]


class Activity:
    """Builds the posts and the interactions of the world."""

    def __init__(self, plan: Plan, pop: Population, rngs: Rng) -> None:
        self.plan, self.pop, self.rngs = plan, pop, rngs
        self.posts = new_posts()
        self.buf = new_interactions()
        self.marks: Landmarks
        self.viral_engagers = np.empty(0, dtype=np.int64)
        self.viral_first = np.empty(0, dtype=np.int64)
        self.theme_rows: list[np.ndarray] = []          # interaction rows of each texts.THEMES entry
        self.theme_windows: list[tuple[int, int]] = []  # [start, end) in which each theme was planted
        # The brand's own circle (Plan.circle): account rows of each CIRCLE_KINDS entry, the contest post.
        self.circle: dict[str, np.ndarray] = {k: np.empty(0, dtype=np.int64) for k in CIRCLE_KINDS}
        self.contest_post = -1

    def build(self, progress: Callable[[float], None] | None = None) -> None:
        self.build_posts()
        steps = (self.plant_pods, self.plant_fan_clubs, self.plant_friend_groups, self.plant_viral,
                 self.plant_circle, self.plant_ambassadors, self.plant_conversation, self.plant_defenders, self.plant_themes,
                 self.plant_brand_replies,
                 self.plant_background)
        for i, step in enumerate(steps):
            step()
            if progress:
                progress((i + 1) / len(steps))

    # --- posts ---------------------------------------------------------------------------------

    def build_posts(self) -> None:
        plan, pop = self.plan, self.pop
        rng = self.rngs("posts")
        start = plan.start
        rates = plan.brand_posts_per_week()
        for p, rate in rates.items():
            n = max(4, round(rate * plan.weeks))
            self._add_posts(rng, np.full(n, pop.brand[p]), tx.BRAND_CAPTION, times=day_times(rng, n, start, END),
                            formats=_BRAND_FORMATS[p])
        n = max(4, round(0.8 * rates[IG] * plan.weeks))
        self._add_posts(rng, np.full(n, pop.brand[IG]), tx.BRAND_CAPTION, times=day_times(rng, n, start, END),
                        formats=(("story",), (1.0,)))

        launch = start + int(0.68 * plan.days) * DAY + 9 * HOUR
        for offset, p, fmt in ((0, IG, "reel"), (HOUR, FB, "video"), (2 * HOUR, TT, "video")):
            self.posts.add(author=np.array([pop.brand[p]]), platform=p, time=launch + offset, format=FORMAT[fmt],
                           campaign=True, caption=tx.CAMPAIGN_CAPTION, weight=3.0)
        viral_time = start + int(0.38 * plan.days) * DAY + 17 * HOUR
        viral_post = int(self.posts.add(author=np.array([pop.brand[IG]]), platform=IG, time=viral_time,
                                        format=FORMAT["reel"], caption=tx.BRAND_CAPTION, weight=4.0)[0])
        view = self.posts.view()
        lo, hi = launch - 3 * DAY, launch + 21 * DAY
        view["campaign"] |= (view["time"] >= lo) & (view["time"] < hi) & (rng.random(self.posts.count) < 0.75)
        view["caption"][view["campaign"]] = tx.CAMPAIGN_CAPTION
        self.marks = Landmarks(launch, lo, hi, viral_post)

        # The ecosystem posts too, so that reciprocity can be observed.
        if pop.pods:
            authors = np.concatenate([pod.members[1:] if pod.includes_brand else pod.members for pod in pop.pods])
            degree = float(np.mean([len(pod.members) - 1 for pod in pop.pods]))
            per_member = clamp(0.08 * plan.scale / (len(authors) * degree * 1.8), 4, 1.5 * plan.weeks)
            counts = np.maximum(3, rng.poisson(per_member, len(authors)))
            self._add_posts(rng, authors, tx.CREATOR_CAPTION, counts=counts)
        per_star = clamp(0.04 * plan.scale / (plan.fans_per_star * 1.4 * plan.n_stars), 8, 4 * plan.weeks)
        self._add_posts(rng, pop.stars, tx.STAR_CAPTION, counts=np.full(len(pop.stars), round(per_star)), appeal=6.0)
        friends = np.concatenate(pop.friend_groups)
        degree = float(np.mean([len(g) - 1 for g in pop.friend_groups]))
        per_friend = clamp(0.03 * plan.scale / (len(friends) * degree * 0.32 * 1.55), 3, 0.8 * plan.weeks)
        self._add_posts(rng, friends, tx.CREATOR_CAPTION, counts=np.maximum(2, rng.poisson(per_friend, len(friends))))
        fans = np.concatenate(pop.fan_clubs)
        fans = fans[rng.random(len(fans)) < 0.3]
        self._add_posts(rng, fans, tx.CREATOR_CAPTION, counts=rng.integers(1, 4, len(fans)))
        creators = np.flatnonzero((pop.role == CREATOR) & (pop.activity > 0))
        self._add_posts(rng, creators, tx.CREATOR_CAPTION, counts=1 + rng.poisson(4, len(creators)))
        casual = np.flatnonzero(np.isin(pop.role, (ORDINARY, AMBASSADOR)) & (pop.activity > 0))
        casual = casual[rng.random(len(casual)) < 0.1]
        self._add_posts(rng, casual, tx.CREATOR_CAPTION, appeal=0.6)
        if plan.circle:
            self._circle_posts()
        self.P = self.posts.view()

    def _circle_posts(self) -> None:
        """The brand's circle (its own rng stage, so worlds without it are unchanged): who, their posts,
        and a contest post. Circle accounts are ordinary instagram people with one account."""
        rng = self.rngs("circle")
        plan, pop = self.plan, self.pop
        single = np.bincount(pop.member, minlength=pop.n) == 1
        pool = np.flatnonzero((pop.role == ORDINARY) & (pop.platform == IG) & (pop.activity > 0) & single
                              & ~pop.identity_listed)
        pool = rng.permutation(pool)
        sizes = [plan.n_loyal_fans, plan.n_staff, plan.n_brand_friends]
        taken = np.split(pool[:sum(sizes)], np.cumsum(sizes)[:-1])
        rest = pool[sum(sizes):]
        entrants = rest[:min(plan.contest_entrants, len(rest))]
        self.circle = dict(zip(CIRCLE_KINDS, [*taken, entrants]))
        weeks = plan.weeks
        self._add_posts(rng, taken[1], tx.CREATOR_CAPTION, counts=np.full(len(taken[1]), max(3, round(weeks))))
        self._add_posts(rng, taken[2], tx.CREATOR_CAPTION, counts=np.full(len(taken[2]), max(3, round(1.5 * weeks))))
        self._add_posts(rng, taken[0], tx.CREATOR_CAPTION, counts=rng.integers(1, 4, len(taken[0])))
        at = plan.start + int(0.2 * plan.days) * DAY + 11 * HOUR
        self.contest_post = int(self.posts.add(author=np.array([pop.brand[IG]]), platform=IG, time=at,
                                               format=FORMAT["reel"], caption=tx.BRAND_CAPTION, weight=2.0)[0])

    def _add_posts(self, rng: np.random.Generator, authors: np.ndarray, caption: int, *,
                   counts: np.ndarray | None = None, times: np.ndarray | None = None,
                   formats: tuple | None = None, appeal: float = 1.0) -> None:
        """Posts by `authors` (each repeated `counts` times) on the author's platform."""
        if counts is not None:
            authors = np.repeat(authors, counts)
        n = len(authors)
        if n == 0:
            return
        platform = self.pop.platform[authors]
        if times is None:
            times = day_times(rng, n, self.plan.start, END)
        fmt = np.empty(n, dtype=np.int8)
        for p in range(len(PLATFORMS)):
            rows = np.flatnonzero(platform == p)
            names, probs = formats if formats is not None else _OTHER_FORMATS[p]
            fmt[rows] = np.array([FORMAT[f] for f in names])[rng.choice(len(names), len(rows), p=probs)]
        brand = caption in (tx.BRAND_CAPTION, tx.CAMPAIGN_CAPTION)
        by_format = np.array([_FORMAT_APPEAL.get(f, 1.0) for f in sorted(FORMAT, key=FORMAT.__getitem__)])
        weight = (1.0 if brand else 0.15 * appeal) * by_format[fmt] * rng.lognormal(0, 0.5 if brand else 1.0, n)
        self.posts.add(author=authors, platform=platform, time=times, format=fmt, caption=caption, weight=weight)

    def _brand_posts(self, platform: int, stories: bool = False) -> np.ndarray:
        P = self.P
        mask = P["author"] == self.pop.brand[platform]
        mask &= (P["format"] == FORMAT["story"]) if stories else (P["format"] != FORMAT["story"])
        rows = np.flatnonzero(mask)
        return rows[np.argsort(P["time"][rows], kind="stable")]

    def _posts_by(self, authors: np.ndarray, platform: int | None = None) -> np.ndarray:
        P = self.P
        mask = np.isin(P["author"], authors) & (P["format"] != FORMAT["story"])
        if platform is not None:
            mask &= P["platform"] == platform
        return np.flatnonzero(mask)

    # --- shared helpers --------------------------------------------------------------------------

    def _add(self, **cols: np.ndarray | int) -> np.ndarray:
        """Append interactions, dropping those after the end of the window or without an actor."""
        t, actor = np.asarray(cols["time"]), np.asarray(cols["actor"])
        keep = (t < END) & (actor >= 0)
        if not keep.any():
            return np.empty(0, dtype=np.int64)
        if not keep.all():
            n = len(t)
            cols = {k: v[keep] if isinstance(v, np.ndarray) and v.ndim and len(v) == n else v for k, v in cols.items()}
        return self.buf.add(**cols)

    def to_brand(self) -> np.ndarray:
        """Interactions on a brand post or addressed to a brand account."""
        V, role = self.buf.view(), self.pop.role
        mask = np.zeros(len(V["kind"]), dtype=bool)
        on_post, addressed = V["post"] >= 0, V["target"] >= 0
        mask[on_post] = role[self.P["author"][V["post"][on_post]]] == BRAND
        mask[addressed] |= role[V["target"][addressed]] == BRAND
        return mask

    def _surface(self, post_rows: np.ndarray) -> np.ndarray:
        on_brand = self.pop.role[self.P["author"][post_rows]] == BRAND
        return np.where(on_brand, ON_BRAND_POST, OTHER_POST).astype(np.int8)

    def _engage(self, rng: np.random.Generator, post_rows: np.ndarray, engagers: np.ndarray, mask: np.ndarray,
                like: tuple, comment_p: float, gap: tuple, voice: int, mix: dict[int, float],
                late: tuple | None = None, late_p: float = 0.0) -> None:
        """Where mask[post, engager]: a like after `like` delay (or, with late_p, a `late` one), and with
        comment_p a comment `gap` later. Delays are (median seconds, sigma, low, high) of a clipped lognormal."""
        pi, mi = np.nonzero(mask)
        prow, actor = post_rows[pi], engagers[mi]
        delay = lognormal_seconds(rng, len(pi), *like)
        if late is not None:
            lag = rng.random(len(pi)) < late_p
            delay[lag] = lognormal_seconds(rng, int(lag.sum()), *late)
        like_t = self.P["time"][prow] + delay
        self._add(kind=like_kind(rng, self.P["platform"][prow]), actor=actor, time=like_t, post=prow)
        c = rng.random(len(pi)) < comment_p
        ct = like_t[c] + lognormal_seconds(rng, int(c.sum()), *gap)
        voices = np.where(self.pop.role[actor[c]] == BRAND, tx.BRAND_POD, voice)
        self._add(kind=KIND["comment"], actor=actor[c], time=ct, post=prow[c], intent=_draw(rng, mix, int(c.sum())),
                  voice=voices, surface=self._surface(prow[c]))

    # --- planted structures --------------------------------------------------------------------

    def plant_pods(self) -> None:
        """Pods: members like and comment on each other's posts within minutes."""
        rng = self.rngs("pods")
        for pod in self.pop.pods:
            rows = self._posts_by(pod.members, pod.platform)
            t = self.P["time"][rows][:, None]
            author = _positions(pod.members, self.P["author"][rows])
            active = ((pod.joined < 0) | (pod.joined <= t)) & ((pod.left < 0) | (t < pod.left))
            everyone = np.arange(len(rows))
            mask = active & active[everyone, author][:, None]
            mask[everyone, author] = False
            if pod.style == "partial":
                mask &= rng.random(mask.shape) < rng.uniform(0.55, 0.8, len(pod.members))
            else:
                mask &= rng.random(mask.shape) < (0.97 if pod.style == "tight" else 0.93)
            # Members are sometimes offline: a share of their engagement comes late.
            self._engage(rng, rows, pod.members, mask, like=(6 * MINUTE, 0.55, MINUTE, 20 * MINUTE),
                         comment_p=0.9 if pod.style == "tight" else 0.75, gap=(90, 0.6, 20, 5 * MINUTE),
                         voice=tx.POD, mix={tx.GENERIC: 0.75, tx.PRAISE: 0.25},
                         late=(50 * MINUTE, 0.8, 20 * MINUTE, 8 * HOUR), late_p=0.12)

    def plant_fan_clubs(self) -> None:
        """Fans engage a star within minutes; the star never engages back; fans barely engage each other."""
        rng = self.rngs("fans")
        for star, fans in zip(self.pop.stars, self.pop.fan_clubs):
            rows = self._posts_by(np.array([star]))
            mask = rng.random((len(rows), len(fans))) < rng.uniform(0.88, 1.0, len(fans))
            self._engage(rng, rows, fans, mask, like=(4 * MINUTE, 0.6, 30, 15 * MINUTE), comment_p=0.35,
                         gap=(3 * MINUTE, 0.7, 20, 10 * MINUTE), voice=tx.FAN, mix=_FAN_MIX)
            rows = self._posts_by(fans)
            mask = rng.random((len(rows), len(fans))) < 0.03
            mask[np.arange(len(rows)), _positions(fans, self.P["author"][rows])] = False
            self._engage(rng, rows, fans, mask, like=(8 * HOUR, 1.2, 10 * MINUTE, 10 * DAY), comment_p=0.2,
                         gap=(2 * HOUR, 1.0, MINUTE, 2 * DAY), voice=tx.MEMBER, mix=_LIGHT_MIX)

    def plant_friend_groups(self) -> None:
        """Friends engage each other reciprocally but slowly and selectively, with specific comments."""
        rng = self.rngs("friends")
        for group in self.pop.friend_groups:
            rows = self._posts_by(group)
            author = _positions(group, self.P["author"][rows])
            affinity = rng.uniform(0.2, 0.45, (len(group), len(group)))  # [author, engager]
            mask = rng.random((len(rows), len(group))) < affinity[author]
            mask[np.arange(len(rows)), author] = False
            self._engage(rng, rows, group, mask, like=(6 * HOUR, 1.0, 20 * MINUTE, 5 * DAY), comment_p=0.55,
                         gap=(3 * HOUR, 1.0, 5 * MINUTE, 3 * DAY), voice=tx.FRIEND, mix={tx.PRAISE: 1.0})

    def plant_viral(self) -> None:
        """One brand post gets a burst from many unrelated accounts within hours."""
        rng = self.rngs("viral")
        pop, post = self.pop, self.marks.viral_post
        t0 = int(self.P["time"][post])
        new = np.flatnonzero(pop.role == VIRAL)
        pool = np.flatnonzero((pop.platform == IG) & np.isin(pop.role, (ORDINARY, CREATOR)) & (pop.activity > 0))
        need = min(max(0, self.plan.viral_engagers - len(new)), len(pool))
        engagers = np.concatenate([new, rng.choice(pool, need, replace=False)])
        n = len(engagers)
        first = t0 + lognormal_seconds(rng, n, 3 * HOUR, 0.8, 2 * MINUTE, 3 * DAY)
        draws = rng.random((4, n))
        view, comment, share, save = draws[0] < 0.5, draws[1] < 0.09, draws[2] < 0.07, draws[3] < 0.06
        like = (rng.random(n) < 0.92) | ~(view | comment | share | save)
        self._add(kind=KIND["like"], actor=engagers[like], time=first[like], post=post)
        seen = np.maximum(t0 + 5, first[view] - rng.integers(5, 120, view.sum()))  # watched, then liked
        self._add(kind=KIND["view"], actor=engagers[view], time=seen, post=post,
                  dwell=np.round(rng.lognormal(np.log(14), 0.8, view.sum()), 1))
        self._add(kind=KIND["comment"], actor=engagers[comment],
                  time=first[comment] + lognormal_seconds(rng, comment.sum(), 2 * MINUTE, 1.0, 10, 3 * HOUR),
                  post=post, intent=_draw(rng, _VIRAL_MIX, comment.sum()), voice=tx.MEMBER, surface=ON_BRAND_POST)
        for mask, kind in ((share, "share"), (save, "save")):
            self._add(kind=KIND[kind], actor=engagers[mask], post=post,
                      time=first[mask] + lognormal_seconds(rng, mask.sum(), 10 * MINUTE, 1.0, 10, 6 * HOUR))
        self.viral_engagers, self.viral_first = engagers, first

    def plant_circle(self) -> None:
        """The brand's circle, what a brand's own data holds besides its pod (hard negatives for it):

        - loyal fans comment most of the brand's instagram posts within minutes, in their own words;
          the brand never goes to their posts;
        - staff do the same with short cheers, and the brand likes their posts (only an allow-list
          can tell them from a pod);
        - the brand's friends (partner shops, creators) and the brand engage each other's posts,
          hours later, in their own words;
        - a contest post draws a crowd of prompt, generic comments ("tag a friend"), once.
        """
        if not self.plan.circle:
            return
        rng = self.rngs("circle_activity")
        brand = np.array([self.pop.brand[IG]])
        rows = self._brand_posts(IG)
        rows = rows[rows != self.contest_post]
        fans, staff, friends = (self.circle[k] for k in ("loyal_fan", "staff", "brand_friend"))
        mask = rng.random((len(rows), len(fans))) < rng.uniform(0.5, 0.85, len(fans))
        self._engage(rng, rows, fans, mask, like=(5 * MINUTE, 0.7, MINUTE, 2 * HOUR), comment_p=0.85,
                     gap=(2 * MINUTE, 0.7, 20, 30 * MINUTE), voice=tx.MEMBER, mix=_REGULAR_MIX)
        mask = rng.random((len(rows), len(staff))) < rng.uniform(0.5, 0.8, len(staff))
        self._engage(rng, rows, staff, mask, like=(4 * MINUTE, 0.6, MINUTE, HOUR), comment_p=0.7,
                     gap=(90, 0.6, 20, 10 * MINUTE), voice=tx.POD, mix={tx.GENERIC: 0.6, tx.PRAISE: 0.4})
        mask = rng.random((len(rows), len(friends))) < rng.uniform(0.15, 0.35, len(friends))
        self._engage(rng, rows, friends, mask, like=(5 * HOUR, 1.0, 20 * MINUTE, 4 * DAY), comment_p=0.7,
                     gap=(2 * HOUR, 1.0, 5 * MINUTE, 2 * DAY), voice=tx.FRIEND, mix={tx.PRAISE: 1.0})
        for who, rate, like, comment_p in ((staff, 0.7, (30 * MINUTE, 1.0, MINUTE, 2 * DAY), 0.3),
                                           (friends, 0.55, (6 * HOUR, 1.0, 20 * MINUTE, 4 * DAY), 0.35)):
            theirs = self._posts_by(who)
            mask = rng.random((len(theirs), 1)) < rate
            self._engage(rng, theirs, brand, mask, like=like, comment_p=comment_p,
                         gap=(HOUR, 1.0, MINUTE, DAY), voice=tx.FRIEND, mix={tx.PRAISE: 1.0})
        entrants = self.circle["contest"]
        if len(entrants) and self.contest_post >= 0:
            mask = np.ones((1, len(entrants)), dtype=bool)
            self._engage(rng, np.array([self.contest_post]), entrants, mask, like=(15 * MINUTE, 0.9, MINUTE, 2 * DAY),
                         comment_p=0.95, gap=(60, 0.6, 10, 10 * MINUTE), voice=tx.MEMBER,
                         mix={tx.GENERIC: 0.7, tx.PRAISE: 0.3})

    def _brand_engagement(self, rng: np.random.Generator, actors: np.ndarray, *, like_p: float,
                          comment_p: float | Callable[[int], float], share_p: float, mix: dict[int, float],
                          span: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        """Accounts engaging the brand's posts of their own platform, optionally only during a span."""
        for p in range(len(PLATFORMS)):
            sel = np.flatnonzero(self.pop.platform[actors] == p)
            rows = self._brand_posts(p)
            if not len(sel) or not len(rows):
                continue
            a, t = actors[sel], self.P["time"][rows]
            live = np.ones((len(sel), len(rows)), dtype=bool)
            if span is not None:
                live = (t >= span[0][sel, None]) & (t < span[1][sel, None])
            cp = comment_p(len(rows)) if callable(comment_p) else comment_p
            for prob, kind, median in ((like_p, None, 90 * MINUTE), (cp, "comment", 2 * HOUR),
                                       (share_p, "share", 3 * HOUR)):
                ai, pi = np.nonzero(live & (rng.random(live.shape) < prob))
                when = t[pi] + lognormal_seconds(rng, len(pi), median, 1.0, 2 * MINUTE, 4 * DAY)
                if kind is None:
                    self._add(kind=like_kind(rng, np.full(len(pi), p)), actor=a[ai], time=when, post=rows[pi])
                elif kind == "comment":
                    self._add(kind=KIND["comment"], actor=a[ai], time=when, post=rows[pi], voice=tx.MEMBER,
                              intent=_draw(rng, mix, len(pi)), surface=ON_BRAND_POST)
                else:
                    self._add(kind=KIND["share"], actor=a[ai], time=when, post=rows[pi])

    def plant_ambassadors(self) -> None:
        """Regulars comment most weeks for months; sharers share and mention unprompted; plus near-misses."""
        rng = self.rngs("ambassadors")
        plan, pop = self.plan, self.pop
        regular = pop.ambassadors["regular"]
        begin = plan.start + (rng.uniform(0, 0.3, len(regular)) * plan.days * DAY).astype(np.int64)
        until = np.minimum(END, begin + (rng.uniform(0.55, 1.0, len(regular)) * plan.days * DAY).astype(np.int64))

        def weekly(n_posts: int) -> float:  # per-post chance that makes a comment in ~75% of weeks
            per_week = n_posts / plan.weeks
            return 0.75 if per_week <= 1 else 1 - 0.25 ** (1 / per_week)

        self._brand_engagement(rng, regular, like_p=0.7, comment_p=weekly, share_p=0.03, mix=_REGULAR_MIX,
                               span=(begin, until))
        sharers = pop.ambassadors["sharer"]
        self._brand_engagement(rng, sharers, like_p=0.5, comment_p=0.03, share_p=0.0, mix=_LIGHT_MIX)
        for p in range(len(PLATFORMS)):
            a = sharers[pop.platform[sharers] == p]
            rows = self._brand_posts(p)
            if len(a) and len(rows):
                live = rng.random((len(a), len(rows))) < clamp(10 / len(rows), 0, 0.8)
                ai, pi = np.nonzero(live)
                delay = lognormal_seconds(rng, len(pi), 3 * HOUR, 1.0, 5 * MINUTE, 2 * DAY)
                self._add(kind=KIND["share"], actor=a[ai], post=rows[pi], time=self.P["time"][rows[pi]] + delay)
        mentioners = np.repeat(sharers, rng.integers(3, 9, len(sharers)))
        self._add(kind=KIND["mention"], actor=mentioners, time=day_times(rng, len(mentioners), plan.start, END),
                  target=pop.brand[pop.platform[mentioners]], voice=tx.MENTION, surface=MENTION_SURFACE,
                  intent=_draw(rng, {tx.PRAISE: 0.8, tx.PURCHASE: 0.1, tx.COCREATION: 0.1}, len(mentioners)))
        self._brand_engagement(rng, pop.ambassadors["defender"], like_p=0.4, comment_p=0.05, share_p=0.0,
                               mix=_LIGHT_MIX)

        # Near-miss: three comments in a single week, then nothing.
        for actor in pop.near_miss["one_week_commenter"]:
            rows = self._brand_posts(int(pop.platform[actor]))
            t = self.P["time"][rows]
            week = rng.integers(plan.start, END - 7 * DAY)
            near = rows[np.argsort(np.abs(t - week - 3 * DAY), kind="stable")[:3]]
            near = rng.choice(near, 3)
            self._add(kind=KIND["comment"], actor=np.full(3, actor), post=near, voice=tx.MEMBER, surface=ON_BRAND_POST,
                      time=self.P["time"][near] + lognormal_seconds(rng, 3, 3 * HOUR, 0.8, 5 * MINUTE, 2 * DAY),
                      intent=_draw(rng, {tx.PRAISE: 0.5, tx.GENERIC: 0.3, tx.PURCHASE: 0.2}, 3))

    def plant_conversation(self) -> None:
        """What ordinary members say: comments, DMs, story replies, mentions, threads; and spam."""
        rng = self.rngs("conversation")
        plan, pop, P = self.plan, self.pop, self.P
        total = plan.texts
        texters = ActorPool(pop, pop.activity ** 0.6)
        is_brand_post = pop.role[P["author"]] == BRAND
        is_story = P["format"] == FORMAT["story"]

        def intents(mix: dict[int, float], platform: np.ndarray) -> np.ndarray:
            drawn = _draw(rng, mix, len(platform))
            drawn[(platform == LI) & (rng.random(len(platform)) < 0.15)] = tx.JOB  # LinkedIn draws job seekers
            return drawn

        # Comments on the brand's posts.
        n = int(0.46 * total)
        candidates = np.flatnonzero(is_brand_post & ~is_story)
        post = weighted_pick(rng, candidates, P["weight"][candidates], n)
        plat = P["platform"][post]
        comments = self._add(kind=KIND["comment"], actor=texters.draw(rng, plat), post=post,
                             time=P["time"][post] + lognormal_seconds(rng, n, 3 * HOUR, 1.3, 2 * MINUTE, 20 * DAY),
                             intent=intents(_COMMENT_MIX, plat), voice=tx.MEMBER, surface=ON_BRAND_POST)
        # Comments on other accounts' posts.
        n = int(0.18 * total)
        candidates = np.flatnonzero(~is_brand_post)
        post = weighted_pick(rng, candidates, P["weight"][candidates], n)
        actor = texters.draw(rng, P["platform"][post])
        actor[actor == P["author"][post]] = -1
        self._add(kind=KIND["comment"], actor=actor, post=post, intent=_draw(rng, _LIGHT_MIX, n), voice=tx.MEMBER,
                  time=P["time"][post] + lognormal_seconds(rng, n, 4 * HOUR, 1.3, 2 * MINUTE, 20 * DAY),
                  surface=OTHER_POST)
        # Direct messages and mentions addressed to the brand account of the member's platform.
        for share, kind, mix, voice, surface in ((0.12, "dm", _DM_MIX, tx.MEMBER, DM_SURFACE),
                                                 (0.04, "mention", _MENTION_MIX, tx.MENTION, MENTION_SURFACE)):
            n = int(share * total)
            plat = rng.choice(len(PLATFORMS), n, p=_PLATFORM_SHARE).astype(np.int8)
            self._add(kind=KIND[kind], actor=texters.draw(rng, plat), time=day_times(rng, n, plan.start, END),
                      target=pop.brand[plat], intent=intents(mix, plat), voice=voice, surface=surface)
        # Story replies.
        n = int(0.08 * total)
        stories = self._brand_posts(IG, stories=True)
        post = weighted_pick(rng, stories, P["weight"][stories], n)
        self._add(kind=KIND["story_reply"], actor=texters.draw(rng, np.full(n, IG, dtype=np.int8)), post=post,
                  time=P["time"][post] + lognormal_seconds(rng, n, 90 * MINUTE, 0.9, MINUTE, 23 * HOUR),
                  target=pop.brand[IG], intent=_draw(rng, _STORY_MIX, n), voice=tx.MEMBER, surface=STORY_SURFACE)
        # Members answering each other under the brand's posts: agreeing with (or tagging a friend
        # under) praise, and helping with questions, which mentions sizes and delivery without asking.
        V = self.buf.view()
        said = V["intent"][comments]
        for share, asked, voice, intent in ((0.05, (tx.PRAISE, tx.GENERIC), tx.AGREE, tx.GENERIC),
                                            (0.03, (tx.PURCHASE, tx.SUPPORT), tx.HELPER, tx.PRAISE)):
            candidates = comments[np.isin(said, asked)]
            n = min(int(share * total), len(candidates))
            parent = rng.choice(candidates, n) if n else candidates[:0]
            post = V["post"][parent]
            actor = texters.draw(rng, P["platform"][post])
            actor[actor == V["actor"][parent]] = -1
            self._add(kind=KIND["reply"], actor=actor, post=post, parent=parent, intent=intent, voice=voice,
                      time=V["time"][parent] + lognormal_seconds(rng, n, 2 * HOUR, 1.0, 2 * MINUTE, 5 * DAY),
                      surface=THREAD)
        # Spam: comments on brand posts soon after publication, and DMs.
        spammers = np.flatnonzero(pop.role == SPAMMER)
        n = int(0.04 * total)
        who = rng.choice(spammers, n)
        as_dm = rng.random(n) < 0.25
        post = np.full(n, -1, dtype=np.int32)
        for p in range(len(PLATFORMS)):
            sel = np.flatnonzero(~as_dm & (pop.platform[who] == p))
            rows = self._brand_posts(p)
            if len(sel) and len(rows):
                post[sel] = rng.choice(rows, len(sel))
        as_dm |= post < 0
        time = np.where(as_dm, day_times(rng, n, plan.start, END),
                        P["time"][post] + lognormal_seconds(rng, n, 40 * MINUTE, 1.0, MINUTE, 3 * DAY))
        self._add(kind=np.where(as_dm, KIND["dm"], KIND["comment"]), actor=who, time=time, post=post,
                  target=np.where(as_dm, pop.brand[pop.platform[who]], -1), intent=tx.SPAM, voice=tx.SPAMMER,
                  surface=np.where(as_dm, DM_SURFACE, ON_BRAND_POST))

    def plant_defenders(self) -> None:
        """Defenders answer other members' critiques supportively; near-miss detractors pile on."""
        rng = self.rngs("defenders")
        V = self.buf.view()
        critiques = np.flatnonzero((V["intent"] == tx.CRITIQUE) & (V["kind"] == KIND["comment"])
                                   & (V["surface"] == ON_BRAND_POST))
        crit_platform = self.P["platform"][V["post"][critiques]]
        for actors, (lo, hi), voice, intent in ((self.pop.ambassadors["defender"], (3, 11), tx.DEFENDER, tx.PRAISE),
                                                (self.pop.near_miss["detractor"], (2, 5), tx.DETRACTOR, tx.CRITIQUE)):
            actor_rows, parent_rows = [], []
            for actor in actors:
                pool = critiques[(crit_platform == self.pop.platform[actor]) & (V["actor"][critiques] != actor)]
                k = min(len(pool), int(rng.integers(lo, hi)))
                parent_rows.append(rng.choice(pool, k, replace=False))
                actor_rows.append(np.full(k, actor))
            if not actor_rows:
                continue
            actor, parent = np.concatenate(actor_rows), np.concatenate(parent_rows)
            self._add(kind=KIND["reply"], actor=actor, parent=parent, post=V["post"][parent], intent=intent,
                      time=V["time"][parent] + lognormal_seconds(rng, len(parent), 2 * HOUR, 1.0, 5 * MINUTE, 3 * DAY),
                      voice=voice, surface=THREAD)

    def plant_themes(self) -> None:
        """Weak signals: new defects named by new authors in the last days, and a steady complaint all along.

        Rising themes: a few members who had written nothing to the brand name a defect nobody named
        before, within the last week (one of them also a few days earlier). The steady decoy is named
        at a constant rate over the whole window, on a jittered grid so that every 7-day span holds
        at least three mentions per language: as frequent at the end as before, so not a signal.
        Every mention comes from a distinct author; all are critiques addressed to the brand.
        """
        rng = self.rngs("themes")
        plan, pop = self.plan, self.pop
        V = self.buf.view()
        wrote = np.zeros(pop.n, dtype=bool)
        wrote[V["actor"][V["intent"] >= 0]] = True
        people = np.isin(pop.role, (ORDINARY, CREATOR)) & (pop.activity > 0)
        # Authors of each language, those who never wrote to anyone first, each used once.
        queue = {}
        for lang in (tx.FR, tx.EN):
            rows = np.flatnonzero(people & (pop.lang == lang))
            queue[lang] = rows[np.lexsort((rng.random(len(rows)), wrote[rows]))]
        taken = {tx.FR: 0, tx.EN: 0}

        def authors(lang: int, n: int) -> np.ndarray:
            got = queue[lang][taken[lang]:taken[lang] + n].astype(np.int64)
            taken[lang] += len(got)
            return got

        per_week = plan.texts / plan.weeks
        extra = int(plan.scale // 400_000)  # bigger audiences: more people notice
        for i, theme in enumerate(tx.THEMES):
            actors, times = [], []
            if theme.kind == "rising":
                lo, early = END - 6 * DAY, 1 if theme.name != "glue_smell" else 0
                for lang, n in ((tx.FR, 5 + extra), (tx.EN, 4 + extra)):
                    who = authors(lang, n)
                    t = day_times(rng, len(who), lo, END)
                    t[:early] = day_times(rng, min(early, len(who)), END - 12 * DAY, END - 8 * DAY)
                    actors.append(who)
                    times.append(t)
                window = (END - (12 if early else 6) * DAY, END)
            else:
                for lang, rate in ((tx.FR, max(4.0, 0.006 * per_week)), (tx.EN, max(2.5, 0.004 * per_week))):
                    n = round(rate * plan.weeks)
                    slot = plan.days * DAY / n
                    t = (plan.start + (np.arange(n) + rng.uniform(0.15, 0.85, n)) * slot).astype(np.int64)
                    who = authors(lang, n)
                    actors.append(who)
                    times.append(t[:len(who)])
                window = (plan.start, END)
            self.theme_rows.append(self._complain(rng, np.concatenate(actors), np.concatenate(times),
                                                  tx.THEME_VOICE + i))
            self.theme_windows.append(window)

    def _complain(self, rng: np.random.Generator, actor: np.ndarray, time: np.ndarray, voice: int) -> np.ndarray:
        """Critiques addressed to the brand: a comment under its latest post of the author's platform
        (within two weeks), else a DM; some as DMs or mentions anyway."""
        pop, P = self.pop, self.P
        post = np.full(len(actor), -1, dtype=np.int32)
        for p in range(len(PLATFORMS)):
            rows = self._brand_posts(p)
            sel = np.flatnonzero(pop.platform[actor] == p)
            if not len(rows) or not len(sel):
                continue
            at = np.searchsorted(P["time"][rows], time[sel], side="left") - 1
            recent = (at >= 0) & (time[sel] - P["time"][rows[np.maximum(at, 0)]] < 14 * DAY)
            post[sel[recent]] = rows[at[recent]]
        r = rng.random(len(actor))
        post[r < 0.3] = -1
        mention = (post < 0) & (r < 0.1)
        kind = np.where(post >= 0, KIND["comment"], np.where(mention, KIND["mention"], KIND["dm"]))
        surface = np.where(post >= 0, ON_BRAND_POST, np.where(mention, MENTION_SURFACE, DM_SURFACE))
        return self._add(kind=kind, actor=actor, time=time, post=post,
                         target=np.where(post >= 0, -1, pop.brand[pop.platform[actor]]), intent=tx.CRITIQUE,
                         voice=voice, surface=surface)

    def plant_brand_replies(self) -> None:
        """The brand answers what is addressed to it, after a lognormal delay in whole minutes, or never."""
        rng = self.rngs("replies")
        V = self.buf.view()
        kind = V["kind"]
        addressed = np.isin(kind, [KIND[k] for k in ("comment", "dm", "story_reply", "mention")]) & np.isin(
            V["surface"], (ON_BRAND_POST, DM_SURFACE, STORY_SURFACE, MENTION_SURFACE))
        rows = np.flatnonzero((V["intent"] >= 0) & addressed & (self.pop.role[V["actor"]] != BRAND))
        intent, is_dm = V["intent"][rows], kind[rows] == KIND["dm"]
        needs = np.isin(intent, tx.NEEDS_ANSWER) | (is_dm & (intent != tx.SPAM))
        V["needs"][rows] = needs
        p = np.array([_ANSWER_P[i] for i in range(len(tx.INTENTS))])[intent]
        p = np.where(needs & is_dm & (intent != tx.CRITIQUE), 0.72, p)
        median = np.array([_ANSWER_MEDIAN_MIN[i] for i in range(len(tx.INTENTS))], dtype=float)[intent]
        median *= np.where(is_dm, 0.8, 1.0)  # private messages are watched more closely
        minutes = np.maximum(1, np.round(rng.lognormal(np.log(median), 1.2))).astype(np.int64)
        when = V["time"][rows] + minutes * MINUTE
        answered = (rng.random(len(rows)) < p) & (when < END)
        rows, when = rows[answered], when[answered]
        on_post = kind[rows] == KIND["comment"]
        asker = V["actor"][rows]
        self._add(kind=np.where(on_post, KIND["reply"], KIND["dm"]), actor=self.pop.brand[self.pop.platform[asker]],
                  time=when, post=np.where(on_post, V["post"][rows], -1), target=np.where(on_post, -1, asker),
                  parent=rows, intent=V["intent"][rows], voice=tx.BRAND_REPLY,
                  surface=np.where(on_post, ON_BRAND_POST, DM_SURFACE))

    # --- the ordinary audience -----------------------------------------------------------------

    def plant_background(self) -> None:
        """Likes, views, saves, shares and clicks of the ordinary audience, up to the requested volume."""
        rng = self.rngs("background")
        plan, pop, P = self.plan, self.pop, self.P
        target = plan.interactions - self.buf.count
        if target <= 0:
            return
        actors = ActorPool(pop, pop.activity)
        n_posts = len(P["time"])
        groups: list[tuple[np.ndarray, np.ndarray | None]] = []  # (posts, their weights) by platform
        share = np.zeros(len(PLATFORMS))
        for p in range(len(PLATFORMS)):
            rows = np.flatnonzero(P["platform"] == p)
            if not len(rows) or not actors.has(p):
                groups.append((rows, None))
                continue
            w = P["weight"][rows].copy()
            brand = pop.role[P["author"][rows]] == BRAND
            if brand.any() and (~brand).any():  # the brand's posts get three quarters of the attention
                w[brand] *= 0.75 / w[brand].sum()
                w[~brand] *= 0.25 / w[~brand].sum()
            groups.append((rows, w))
            share[p] = _PLATFORM_SHARE[p]
        share /= share.sum()
        kinds = {p: (np.array([KIND[k] for k in names], dtype=np.int8), probs)
                 for p, (names, probs) in _BACKGROUND_KINDS.items()}
        story_kinds = np.array([KIND[k] for k in _STORY_KINDS[0]], dtype=np.int8)
        dedupable = np.full(len(KIND), -1, dtype=np.int64)
        dedupable[[KIND["like"], KIND["reaction"], KIND["save"], KIND["share"]]] = [0, 0, 1, 2]

        def keys(actor: np.ndarray, post: np.ndarray, kind: np.ndarray) -> np.ndarray:
            return (actor.astype(np.int64) * n_posts + post) * 3 + dedupable[kind]

        V = self.buf.view()
        planted = dedupable[V["kind"]] >= 0
        seen = unique_sorted(keys(V["actor"][planted], V["post"][planted], V["kind"][planted]))
        del V
        produced = 0
        for _ in range(8):  # duplicates are dropped, so top up
            need = target - produced
            if need <= 0:
                break
            n = int(need * 1.08) + 16
            plat = rng.choice(len(PLATFORMS), n, p=share).astype(np.int8)
            post = np.empty(n, dtype=np.int32)
            kind = np.empty(n, dtype=np.int8)
            for p, (rows, weights) in enumerate(groups):
                sel = np.flatnonzero(plat == p)
                if not len(sel):
                    continue
                assert weights is not None  # a platform without weights has share 0, so is never drawn
                post[sel] = weighted_pick(rng, rows, weights, len(sel))
                codes, probs = kinds[p]
                kind[sel] = codes[rng.choice(len(codes), len(sel), p=probs)]
            story = P["format"][post] == FORMAT["story"]
            kind[story] = story_kinds[rng.choice(len(story_kinds), int(story.sum()), p=_STORY_KINDS[1])]
            actor = actors.draw(rng, plat)
            t0 = P["time"][post]
            delay = np.where(story, lognormal_seconds(rng, n, 2 * HOUR, 0.9, 30, 23 * HOUR),
                             lognormal_seconds(rng, n, 5 * HOUR, 1.5, 30, 20 * DAY))
            time = t0 + delay
            late = time >= END
            time[late] = rng.integers(t0[late], END)
            ok = actor != P["author"][post]
            k = np.where(dedupable[kind] >= 0, keys(actor, post, kind), -1)
            first = np.zeros(n, dtype=bool)
            first[first_occurrences(k)] = True
            ok &= (k < 0) | (first & ~contained(k, seen))
            idx = np.flatnonzero(ok)[:need]
            view = kind[idx] == KIND["view"]
            dwell = np.full(len(idx), np.nan, dtype=np.float32)
            long_form = np.isin(P["format"][post[idx[view]]], [FORMAT["reel"], FORMAT["video"], FORMAT["live"]])
            dwell[view] = np.round(rng.lognormal(np.log(np.where(long_form, 14.0, 5.0)), 0.9), 1)
            self.buf.add(kind=kind[idx], actor=actor[idx], time=time[idx], post=post[idx], dwell=dwell)
            seen = unique_sorted(np.concatenate([seen, k[idx][k[idx] >= 0]]))
            produced += len(idx)
