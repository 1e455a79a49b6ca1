"""What the data alone shows: the observable rules behind `linked_by` and `funnel_observable`.

The planted truth knows more than any analysis can (who owns two accounts that nothing links,
which views came from whom). Figures meant to be recovered *exactly* use these rules instead,
which only need the dataset plus perfect earlier steps (audience labels and pods as planted):

- a person is a `member_id` of `identities` for the accounts listed there, else the account alone;
- pod engagement: an interaction by a member of a planted pod on a post by another member of the
  same pod, at any time (what the pods step marks `is_authentic = false` once it finds the pod);
- brand engagement: a like, reaction, comment, reply, share, save, story reply, DM or mention
  (never a view or a click) on a brand post or addressed to a brand account, not made by the
  brand, not pod engagement, and not made by an account labelled fake (spam counts, as in the
  business step).
- emergent ambassadors: any person, planted or not, whose behaviour meets the community step's
  documented definitions (`emergent_ambassadors`). Heavy ordinary accounts comment in many weeks
  and mention the brand now and then at random; the heaviest meet the definitions by chance, and a
  person who comments in 14 of the 21 weeks the brand posted *is* a regular commenter.
"""

from __future__ import annotations

import numpy as np

from liens.generate import texts as tx
from liens.generate.activity import Activity
from liens.generate.audience import Follows
from liens.generate.model import BRAND, DAY, FAKE, KIND, PLATFORMS, unique_sorted
from liens.generate.population import AMBASSADOR_KINDS, Population

# The business step's ENGAGEMENT_KINDS (liens.analyses.common), kept here so that the generator
# does not depend on the analyses it is meant to test.
ENGAGING = ("like", "reaction", "comment", "reply", "share", "save", "story_reply", "dm", "mention")


def persons(pop: Population) -> np.ndarray:
    """The person of each account as the data says it: its identities member, else itself."""
    return np.where(pop.identity_listed, pop.member, np.arange(pop.n, dtype=np.int64))


def fake_labelled(pop: Population, follows: Follows) -> np.ndarray:
    """Accounts the truth labels `fake`: fake accounts that followed a brand account."""
    ever = np.zeros(pop.n, dtype=bool)
    ever[follows.follower[follows.of_brand(pop)]] = True
    return ever & (pop.role == FAKE)


def pod_engagement(pop: Population, act: Activity) -> np.ndarray:
    """Per interaction row: made by a pod member on a post by another member of the same pod."""
    V = act.buf.view()
    pod_of = np.full(pop.n, -1, dtype=np.int32)
    for i, pod in enumerate(pop.pods):
        pod_of[pod.members] = i
    on_post = V["post"] >= 0
    author = np.where(on_post, act.P["author"][np.maximum(V["post"], 0)], -1)
    mine = pod_of[V["actor"]]
    return on_post & (mine >= 0) & (mine == pod_of[np.maximum(author, 0)]) & (V["actor"] != author)


def brand_engagement(pop: Population, act: Activity, fake: np.ndarray) -> np.ndarray:
    """Per interaction row: clean engagement with the brand (see the module docstring)."""
    V = act.buf.view()
    engaging = np.isin(V["kind"], [KIND[k] for k in ENGAGING])
    actor = V["actor"]
    return (engaging & act.to_brand() & (pop.role[actor] != BRAND) & ~fake[actor]
            & ~pod_engagement(pop, act))


# The community step's defaults (liens.config.CommunitySettings), kept here for the same reason.
REGULAR_MIN_WEEKS = 8
REGULAR_MIN_WEEK_SHARE = 0.5
SHARER_MIN_MENTIONS = 3
# The order that names a person's ambassador kind: the rarest and most telling first.
KIND_PRIORITY = ("defender", "sharer", "regular")


def _week(t: np.ndarray) -> np.ndarray:
    """Monday-based week number (1970-01-01 was a Thursday)."""
    return (np.asarray(t, dtype=np.int64) // DAY + 3) // 7


def emergent_ambassadors(pop: Population, act: Activity) -> dict[str, np.ndarray]:
    """Rows of the accounts whose person (as the data links them, `persons`) behaves as a regular
    commenter or a spontaneous sharer, whether planted or not.

    - regular: comments or replies on the brand's posts, neither spam nor pod engagement, in at
      least REGULAR_MIN_WEEKS distinct weeks, and in at least REGULAR_MIN_WEEK_SHARE of the weeks,
      between their first and last comment, in which the brand published on a platform where the
      person has an account;
    - sharer: at least SHARER_MIN_MENTIONS mentions of a brand account that are neither spam nor a
      critique (a generated mention is never a reply, nor on a post).
    Defenders never emerge: ordinary members reply under praise and questions, not under critiques.
    """
    V, P, role = act.buf.view(), act.P, pop.role
    person = persons(pop)
    actor, kind, intent = V["actor"], V["kind"], V["intent"]
    on_post = V["post"] >= 0
    brand_post = np.zeros(len(kind), dtype=bool)
    brand_post[on_post] = role[P["author"][V["post"][on_post]]] == BRAND
    own = (role[actor] != BRAND) & (intent != tx.SPAM)
    out = {}

    rows = np.flatnonzero(own & brand_post & np.isin(kind, [KIND["comment"], KIND["reply"]])
                          & ~pod_engagement(pop, act))
    week = _week(V["time"][rows])
    pairs = np.unique(np.stack([person[actor[rows]], week], axis=1), axis=0)  # (person, week), sorted
    who, first, weeks = np.unique(pairs[:, 0], return_index=True, return_counts=True)
    keep = weeks >= REGULAR_MIN_WEEKS
    who, lo, hi, weeks = who[keep], pairs[first[keep], 1], pairs[first[keep] + weeks[keep] - 1, 1], weeks[keep]
    # Weeks with a brand post, per platform, and the platforms of each candidate person's accounts.
    w0 = int(_week(np.array([act.plan.start]))[0])
    n_weeks = int(_week(np.array([P["time"].max()]))[0]) - w0 + 1
    published = np.zeros((len(PLATFORMS), n_weeks), dtype=bool)
    mine = role[P["author"]] == BRAND
    published[P["platform"][mine], _week(P["time"][mine]) - w0] = True
    has = np.zeros((len(who), len(PLATFORMS)), dtype=bool)
    accounts = np.flatnonzero(np.isin(person, who))
    has[np.searchsorted(who, person[accounts]), pop.platform[accounts]] = True
    could = (has.astype(np.int32) @ published.astype(np.int32)) > 0  # [candidate, week]
    span = np.arange(n_weeks) + w0
    could &= (span >= lo[:, None]) & (span <= hi[:, None])
    chances = np.maximum(could.sum(axis=1), weeks)
    out["regular"] = who[weeks >= REGULAR_MIN_WEEK_SHARE * chances]

    to_brand = np.zeros(len(kind), dtype=bool)
    addressed = V["target"] >= 0
    to_brand[addressed] = role[V["target"][addressed]] == BRAND
    rows = np.flatnonzero(own & to_brand & (kind == KIND["mention"]) & (intent != tx.CRITIQUE))
    who, n = np.unique(person[actor[rows]], return_counts=True)
    out["sharer"] = who[n >= SHARER_MIN_MENTIONS]
    # From persons back to all their accounts.
    return {k: np.flatnonzero(np.isin(person, v)) for k, v in out.items()}


def ambassador_kinds(pop: Population, act: Activity) -> tuple[np.ndarray, np.ndarray]:
    """Per account: its ambassador kind (planted or emergent, the first of KIND_PRIORITY; None if
    neither) and whether the kind is emergent only (the account was not planted as any ambassador)."""
    held = {k: np.zeros(pop.n, dtype=bool) for k in AMBASSADOR_KINDS}
    planted = np.zeros(pop.n, dtype=bool)
    for k, rows in pop.ambassadors.items():
        held[k][rows] = True
        planted[rows] = True
    for k, rows in emergent_ambassadors(pop, act).items():
        held[k][rows] = True
    kind = np.full(pop.n, None, dtype=object)
    for k in reversed(KIND_PRIORITY):
        kind[held[k]] = k
    return kind, (kind != None) & ~planted  # noqa: E711 (element-wise)


def count(values: np.ndarray) -> int:
    return len(unique_sorted(np.asarray(values, dtype=np.int64)))
