"""What engagement leads to and costs: conversions tied (or not) to members, costs, identities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np

from liens.generate import texts as tx
from liens.generate.activity import Activity
from liens.generate.model import (
    BRAND,
    DAY,
    DM_SURFACE,
    END,
    LI,
    MENTION_SURFACE,
    MINUTE,
    ON_BRAND_POST,
    PLATFORMS,
    SPAMMER,
    STORY_SURFACE,
    Plan,
    Rng,
    day_times,
    first_occurrences,
    lognormal_seconds,
)
from liens.generate.observe import brand_engagement
from liens.generate.population import Population
from liens.schema import CONVERSION_KINDS

SALE, LEAD, APPLICATION, COCREATION, SIGNUP, OTHER = range(len(CONVERSION_KINDS))
LINKS = ("account", "identity", "campaign", "none")
BY_ACCOUNT, BY_IDENTITY, BY_CAMPAIGN, BY_NOTHING = range(len(LINKS))
_FROM_INTENT = {tx.PURCHASE: (SALE, 0.3), tx.JOB: (APPLICATION, 0.35), tx.COCREATION: (COCREATION, 0.4)}
INTENTS_THAT_CONVERT = tuple(_FROM_INTENT)  # the business step's default intent_kinds
_ANONYMOUS_SOURCES = np.array(["website", "newsletter", "store", "google"], dtype=object)
BRAND_SURFACES = (ON_BRAND_POST, DM_SURFACE, STORY_SURFACE, MENTION_SURFACE)


@dataclass
class Conversions:
    kind: np.ndarray
    time: np.ndarray
    person: np.ndarray          # planted person's account row, -1 if none
    account: np.ndarray         # account row written in the data, -1 if none
    linked_by: np.ndarray
    value: np.ndarray           # NaN when not a sale
    source: np.ndarray          # object array of str
    campaign: np.ndarray        # bool: carries the campaign name
    evidence: np.ndarray        # interaction row that showed the intent, -1 if none


def partners(pop: Population) -> np.ndarray:
    """The other account of each person owning two accounts (-1 otherwise); the brand is excluded."""
    partner = np.full(pop.n, -1, dtype=np.int64)
    person = np.where(pop.role == BRAND, -1, pop.member)
    order = np.argsort(person, kind="stable")
    same = (person[order][1:] == person[order][:-1]) & (person[order][1:] >= 0)
    a, b = order[:-1][same], order[1:][same]
    partner[a], partner[b] = b, a
    return partner


def intent_rows(pop: Population, act: Activity) -> np.ndarray:
    """Texts addressed to the brand that show a purchase, job or co-creation intent."""
    V = act.buf.view()
    return np.flatnonzero(np.isin(V["intent"], list(_FROM_INTENT)) & np.isin(V["surface"], BRAND_SURFACES)
                          & ~np.isin(pop.role[V["actor"]], (BRAND, SPAMMER)))


def build_conversions(plan: Plan, pop: Population, act: Activity, rngs: Rng, fake: np.ndarray) -> Conversions:
    """Conversions of members who showed an intent or engaged, and anonymous ones; `fake` marks the
    accounts labelled fake (their interactions are not engagement, see `observe`)."""
    rng = rngs("conversions")
    V = act.buf.view()
    rows = intent_rows(pop, act)
    rows = rows[np.argsort(V["time"][rows], kind="stable")]
    # The first time each person showed each intent.
    key = V["actor"][rows].astype(np.int64) * 16 + V["intent"][rows]
    rows = rows[np.sort(first_occurrences(key))]
    intent = V["intent"][rows]
    table = np.full(len(tx.INTENTS), -1)
    chance = np.zeros(len(tx.INTENTS))
    for i, (k, p) in _FROM_INTENT.items():
        table[i], chance[i] = k, p
    convert = rng.random(len(rows)) < chance[intent]
    rows = rows[convert]
    kinds = [table[V["intent"][rows]]]
    people = [V["actor"][rows].astype(np.int64)]
    times = [V["time"][rows] + lognormal_seconds(rng, len(rows), 2 * DAY, 1.0, 10 * MINUTE, 30 * DAY)]
    evidence = [rows.astype(np.int64)]

    # Leads from LinkedIn engagement and newsletter sign-ups from engaged members.
    first = _first_brand_contact(pop, act)
    engaged = np.flatnonzero(first >= 0)
    for k, mask, p in ((LEAD, pop.platform[engaged] == LI, 0.05), (SIGNUP, np.ones(len(engaged), bool), 0.02)):
        who = engaged[mask & (rng.random(len(engaged)) < p)]
        kinds.append(np.full(len(who), k))
        people.append(who.astype(np.int64))
        times.append(rng.integers(first[who], END) if len(who) else np.empty(0, dtype=np.int64))
        evidence.append(np.full(len(who), -1, dtype=np.int64))
    kind, person, time, proof = (np.concatenate(x) for x in (kinds, people, times, evidence))
    keep = time < END
    kind, person, time, proof = kind[keep], person[keep], time[keep], proof[keep]

    # Which account the conversion is recorded on: the person's own; or, when identities list both
    # of the person's accounts, often the other one (mostly when that one is a quiet account used
    # to shop, with no brand engagement of its own); or none (only the source/campaign is known).
    own = np.zeros(pop.n, dtype=bool)
    own[act.buf.view()["actor"][brand_engagement(pop, act, fake)]] = True
    partner = partners(pop)[person]
    listed = (partner >= 0) & pop.identity_listed[person] & pop.identity_listed[np.maximum(partner, 0)]
    r = rng.random(len(person))
    to_partner = listed & (r < np.where(own[np.maximum(partner, 0)], 0.3, 0.8))
    written = to_partner | (rng.random(len(person)) < 0.75)
    account = np.where(written, np.where(to_partner, partner, person), -1)
    # linked_by follows what the data shows (the business step's rule): `identity` when the recorded
    # account is listed in identities and has no brand engagement of its own (its person reached the
    # brand through another account, or only viewed/clicked), else `account`.
    via_identity = pop.identity_listed[np.maximum(account, 0)] & ~own[np.maximum(account, 0)]
    link = np.where(account < 0, BY_CAMPAIGN, np.where(via_identity, BY_IDENTITY, BY_ACCOUNT))
    source = np.asarray(PLATFORMS, dtype=object)[pop.platform[person]]

    # Conversions nobody can attribute to a member (walk-ins, newsletter, search).
    n_anon = int(0.4 * (kind == SALE).sum()) + 3
    anon_kind = rng.choice([SALE, SIGNUP, OTHER], n_anon, p=(0.7, 0.2, 0.1))
    anon_time = day_times(rng, n_anon, plan.start, END)
    kind = np.concatenate([kind, anon_kind])
    time = np.concatenate([time, anon_time])
    person = np.concatenate([person, np.full(n_anon, -1)])
    account = np.concatenate([account, np.full(n_anon, -1)])
    proof = np.concatenate([proof, np.full(n_anon, -1)])
    source = np.concatenate([source, _ANONYMOUS_SOURCES[rng.integers(0, len(_ANONYMOUS_SOURCES), n_anon)]])
    in_campaign = (time >= act.marks.campaign_lo) & (time < act.marks.campaign_hi) & (rng.random(len(time)) < 0.7)
    link = np.concatenate([link, np.where(in_campaign[-n_anon:], BY_CAMPAIGN, BY_NOTHING)])
    value = np.where(kind == SALE, np.round(rng.lognormal(np.log(115), 0.25, len(kind)), 2), np.nan)

    order = np.argsort(time, kind="stable")
    return Conversions(kind[order].astype(np.int8), time[order], person[order], account[order],
                       link[order].astype(np.int8), value[order], source[order], in_campaign[order], proof[order])


def _first_brand_contact(pop: Population, act: Activity) -> np.ndarray:
    """Time of each member account's first interaction with a brand post or account (-1 if none)."""
    V = act.buf.view()
    to_brand = act.to_brand() & ~np.isin(pop.role[V["actor"]], (BRAND, SPAMMER))
    never = np.iinfo(np.int64).max
    first = np.full(pop.n, never, dtype=np.int64)
    np.minimum.at(first, V["actor"][to_brand], V["time"][to_brand])
    first[first == never] = -1
    return first


def _utc_date(t: int) -> date:
    return datetime.fromtimestamp(t, tz=UTC).date()


def build_costs(plan: Plan, act: Activity, rngs: Rng) -> list[dict]:
    """Monthly cost per platform (agency fees, ads) and hours spent, plus the campaign's own budget."""
    rng = rngs("costs")
    base = {"instagram": (1200, 30), "facebook": (500, 12), "tiktok": (700, 20), "linkedin": (300, 8)}
    first, last = _utc_date(plan.start), _utc_date(END - DAY)
    rows = []
    month = date(first.year, first.month, 1)
    while month <= last:
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        lo, hi = max(month, first), min(following - timedelta(days=1), last)
        share = ((hi - lo).days + 1) / ((following - month).days)
        for platform, (amount, hours) in base.items():
            rows.append({"period_start": lo, "period_end": hi,
                         "amount": round(amount * share * rng.uniform(0.85, 1.15), 2), "currency": "EUR",
                         "hours": round(hours * share * rng.uniform(0.8, 1.2), 1), "platform": platform,
                         "campaign": None})
        month = following
    rows.append({"period_start": _utc_date(act.marks.campaign_lo), "period_end": _utc_date(act.marks.campaign_hi - 1),
                 "amount": round(4500 * rng.uniform(0.9, 1.1), 2), "currency": "EUR", "hours": 60.0,
                 "platform": "instagram", "campaign": act.marks.campaign})
    return rows


def identity_rows(pop: Population) -> tuple[np.ndarray, np.ndarray]:
    """(member, account) rows of the identities table: the brand and the listed two-account people."""
    listed = np.flatnonzero(pop.identity_listed)
    order = np.lexsort((listed, pop.member[listed]))
    return pop.member[listed][order], listed[order]
