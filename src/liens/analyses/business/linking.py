"""Linking: who is behind an account, which interactions engage the brand, and whose conversion is whose.

A *person* (`member_id`) is the owner of one or more accounts: the `identities` table says which
accounts belong together (the same person on several platforms); an account absent from it is a
person of its own, whose `member_id` is the `account_id`.

A conversion is linked, in this order of trust:

- `account`: its account is a known account that engaged with the brand itself (or a known account
  outside `identities`): the person is that account's owner;
- `identity`: its account is listed in `identities` and reached the person's engagement through
  the person's other accounts (a sale recorded on the shop account of someone who comments on
  Instagram), or is known only to `identities`;
- `campaign`: no known person, but the conversion names a campaign, or a source that is social
  media (a platform of the data, or one of `business.social_sources`): it counts for the campaign
  or the platform, reported separately, never guessed onto a person;
- `none`: nothing ties it to the social presence (no account, no campaign, a source such as the
  website or a newsletter); a warning says how many.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from ..common import ENGAGEMENT_KINDS
from ..community.weights import FAKE_LABELS  # one definition of what is not a real person

LINKS = ("account", "identity", "campaign", "none")
PERSON_LINKS = ("account", "identity")


def warning(code: str, message: str, **details: Any) -> dict[str, Any]:
    """A warning for `summary.business_warnings`: a stable code, an English message, its figures."""
    return {"code": code, "message": message, **details}


def person_map(accounts: ir.Table, identities: ir.Table | None) -> ir.Table:
    """One row per account: `account_id`, `member_id` (the person), `via_identity`, `platform`,
    `audience_label` (when the audience step ran).

    Accounts that appear only in `identities` are included too (a customer account from a shop,
    say), so that a conversion recorded on them still reaches the person.
    """
    label = accounts.audience_label if "audience_label" in accounts.columns else ibis.null().cast("string")
    known = accounts.select("account_id", "platform", audience_label=label)
    if identities is None:
        return known.mutate(member_id=known.account_id, via_identity=ibis.literal(False))
    # An account claimed by two people is an input error; keep one deterministically (warned).
    owner = identities.group_by("account_id").agg(_member=identities.member_id.min())
    extra = owner.select("account_id").difference(known.select("account_id"))
    every = known.union(extra.mutate(platform=ibis.null().cast("string"), audience_label=ibis.null().cast("string")))
    joined = every.left_join(owner, "account_id")
    return joined.select(
        "account_id", "platform", "audience_label",
        member_id=joined._member.fill_null(joined.account_id),
        via_identity=joined._member.notnull(),
    )


def identity_warnings(identities: ir.Table | None) -> list[dict[str, Any]]:
    if identities is None:
        return []
    shared = identities.group_by("account_id").agg(n=identities.member_id.nunique()).filter(ibis._.n > 1)
    ids = shared.order_by("account_id").account_id.to_pyarrow().to_pylist()
    if not ids:
        return []
    return [warning(
        "identity_conflict",
        f"{len(ids)} account(s) belong to several member_id in identities; each was kept with the first member_id",
        count=len(ids), examples=ids[:5],
    )]


def brand_engagements(interactions: ir.Table, persons: ir.Table, brand_ids: list[str],
                      intent_kinds: list[str]) -> ir.Table:
    """People's engaging interactions with the brand: on its posts, or addressed to it (dm, mention).

    Views and clicks are not engagement (ENGAGEMENT_KINDS); the brand's own interactions are left
    out; only clean interactions count, as in the community step: not flagged by the pods step
    (`is_authentic`) and not made by an account the audience step labels fake.
    Columns: interaction_id, actor_id, member_id, created_at, kind, post_id, platform, shows_intent.
    """
    i = interactions
    if not brand_ids:
        return _engagement_columns(i.limit(0), persons, intent_kinds)
    to_brand = i.post_author_id.isin(brand_ids).fill_null(False) | i.target_id.isin(brand_ids).fill_null(False)
    keep = to_brand & ~i.is_brand_actor.fill_null(False) & i.kind.isin(ENGAGEMENT_KINDS)
    if "is_authentic" in i.columns:
        keep = keep & i.is_authentic.fill_null(True)
    return _engagement_columns(i.filter(keep), persons, intent_kinds)


def _engagement_columns(i: ir.Table, persons: ir.Table, intent_kinds: list[str]) -> ir.Table:
    who = persons.select(_account=persons.account_id, _member=persons.member_id, _label=persons.audience_label)
    joined = i.left_join(who, i.actor_id == who._account)
    joined = joined.filter(~joined._label.fill_null("").isin(FAKE_LABELS))
    if "intent" in i.columns and intent_kinds:
        intent = joined.intent.isin(intent_kinds).fill_null(False)
    else:
        intent = ibis.literal(False)
    extra = ["topic"] if "topic" in i.columns else []  # from the conversation step, when it ran
    return joined.select(
        "interaction_id", "actor_id", "created_at", "kind", "post_id", *extra,
        member_id=joined._member.fill_null(joined.actor_id),
        platform=joined.platform.fill_null("unknown"),
        shows_intent=intent,
    )


def link_conversions(conversions: ir.Table, persons: ir.Table, engagements: ir.Table,
                     social_sources: list[str]) -> ir.Table:
    """The `conversions` result: each conversion with its person (or campaign) and how it was linked.

    Adds: member_id (null unless linked to a person), linked_by, platform (of the converting
    account), first_engaged_at (the person's first engagement with the brand, ever) and
    days_to_convert (from that first engagement, when it came before the conversion).
    """
    engaged_self = engagements.select(_engaged=engagements.actor_id).distinct()
    p = persons.left_join(engaged_self, persons.account_id == engaged_self._engaged)
    p = p.select(_account=p.account_id, _member=p.member_id, _via=p.via_identity, _platform=p.platform,
                 _self=p._engaged.notnull())
    c = conversions.left_join(p, conversions.account_id == p._account)
    platforms = persons.filter(persons.platform.notnull()).select(_p=persons.platform.lower().strip()).distinct()
    social = [x.strip().lower() for x in social_sources]
    from_social = c.source.lower().strip().isin(social) | c.source.lower().strip().isin(platforms._p)
    linked_by = ibis.cases(
        (c._via.fill_null(False) & ~c._self.fill_null(False), "identity"),
        (c._account.notnull(), "account"),
        (_nonblank(c.campaign) | from_social.fill_null(False), "campaign"),
        else_="none",
    )
    linked = c.select(
        "conversion_id", "kind", "occurred_at", "account_id", "value", "currency", "source", "campaign",
        member_id=ibis.ifelse(c._account.notnull(), c._member, ibis.null().cast("string")),
        linked_by=linked_by,
        platform=c._platform,
        account_known=c.account_id.isnull() | c._account.notnull(),
    )
    first = engagements.group_by("member_id").agg(first_engaged_at=engagements.created_at.min())
    first = first.select(_m=first.member_id, first_engaged_at=first.first_engaged_at)
    linked = linked.view()  # a fresh relation: ibis cannot join on a computed column of a join chain
    j = linked.left_join(first, linked.member_id == first._m)
    days = (j.occurred_at.epoch_seconds() - j.first_engaged_at.epoch_seconds()) / 86400.0
    return j.select(
        *[col for col in linked.columns if col != "account_known"],
        first_engaged_at=j.first_engaged_at,
        days_to_convert=ibis.ifelse(j.first_engaged_at <= j.occurred_at, days.cast("float64"),
                                    ibis.null().cast("float64")),
        account_known=j.account_known,
    )


def _nonblank(column: ir.StringValue) -> ir.BooleanValue:
    return column.notnull() & (column.strip().length() > 0)


def linking_summary(linked: ir.Table) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Counts by link, and warnings for conversions that reach nobody or name an unknown account."""
    rows = linked.group_by("linked_by").agg(n=linked.count()).to_pyarrow().to_pylist()
    by_link = {link: 0 for link in LINKS}
    by_link.update({r["linked_by"]: int(r["n"]) for r in rows})
    warnings = []
    unknown = linked.filter(~linked.account_known)
    n_unknown = int(unknown.count().to_pyarrow().as_py())
    if n_unknown:
        examples = unknown.order_by("conversion_id").limit(5).conversion_id.to_pyarrow().to_pylist()
        warnings.append(warning(
            "conversion_unknown_account",
            f"{n_unknown} conversion(s) name an account_id found neither in accounts nor in identities;"
            " they were linked by campaign or source where possible, never to a person",
            count=n_unknown, examples=examples,
        ))
    if by_link["none"]:
        examples = linked.filter(linked.linked_by == "none").order_by("conversion_id").limit(5).conversion_id
        warnings.append(warning(
            "conversion_unlinked",
            f"{by_link['none']} conversion(s) have no known account, no campaign and no social-media source"
            " (e.g. the website or a newsletter): they count in the totals but are tied to nothing social",
            count=by_link["none"], examples=examples.to_pyarrow().to_pylist(),
        ))
    return by_link, warnings
