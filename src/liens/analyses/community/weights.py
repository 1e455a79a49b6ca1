"""Weighted micro-engagement: what each interaction costs its author, and the community's base table.

The base table holds every interaction a person (not the brand) made *with the brand*: on one of
its posts, or addressed to one of its accounts (a DM, a mention). Each row carries its weight, the
person it belongs to (`member_id`) and whether it is clean (not flagged by an authenticity step).
Every later figure of the community step is an aggregate of this one table.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from ...config import CommunitySettings
from ...schema import INTERACTION_KINDS, WRITTEN_KINDS
from ..base import Context
from ..common import ENGAGEMENT_KINDS

# Public written contributions: what a "regular commenter" writes.
COMMENT_KINDS = ("comment", "reply")
# WRITTEN_KINDS (schema): interactions that carry a text a person took time to write.
# Audience labels (issue 4) that are not a real person's account (used by the business step; the
# community's clean figures do not use audience labels, see `clean_flag`).
FAKE_LABELS = ("fake",)


def kind_weights(settings: CommunitySettings) -> dict[str, float]:
    """Weight of each interaction kind, from the settings (`weight_<kind>`)."""
    return {kind: float(getattr(settings, f"weight_{kind}")) for kind in INTERACTION_KINDS}


def weight_expr(kind: ir.StringValue, text_length: ir.IntegerValue, settings: CommunitySettings) -> ir.FloatingValue:
    """The cost of one interaction: its kind's weight, plus a bonus when it carries a long text."""
    weights = kind_weights(settings)
    case = ibis.cases(*[(kind == k, ibis.literal(w)) for k, w in weights.items()], else_=ibis.literal(0.0))
    long_text = kind.isin(WRITTEN_KINDS) & (text_length.fill_null(0) >= settings.long_text_chars)
    return (case + long_text.ifelse(settings.long_text_bonus, 0.0)).cast("float64")


def month_index(ts: ir.TimestampValue) -> ir.IntegerValue:
    """Months since year 0: consecutive integers across year boundaries (portable, no date diff)."""
    return (ts.year() * 12 + ts.month() - 1).cast("int64")


def authentic_flag(interactions: ir.Table) -> ir.BooleanValue:
    """True unless the authenticity step (pods) flagged the interaction."""
    return interactions.is_authentic.fill_null(True) if "is_authentic" in interactions.columns else ibis.literal(True)


def clean_flag(ctx: Context, interactions: ir.Table) -> ir.BooleanValue:
    """True unless an earlier step flagged the interaction: a pod's (`is_authentic`) or spam (`intent`).

    Audience labels (fake followers, issue 4) are left out on purpose: they judge a follower's profile,
    not an interaction, and an active person with a bare profile is still a person.
    """
    cols = interactions.columns
    flag = authentic_flag(interactions)
    if "intent" in cols:  # spam is not engagement
        flag = flag & (interactions.intent.fill_null("") != "spam")
    return flag


def brand_scope(ctx: Context, interactions: ir.Table) -> ir.BooleanValue:
    """Interactions made with the brand: on its posts or addressed to it; every one when no brand is known."""
    if not ctx.brand_ids:
        return ibis.literal(True)
    return interactions.post_author_id.isin(ctx.brand_ids) | interactions.target_id.isin(ctx.brand_ids)


def pod_persons(ctx: Context, members: ir.Table) -> ir.Table:
    """(member_id): persons one of whose accounts the pods step put in a pod (`pod_id` of accounts)."""
    accounts = ctx.accounts
    if "pod_id" not in accounts.columns:
        return members.filter(ibis.literal(False)).select("member_id")
    pods = accounts.filter(accounts.pod_id.notnull()).select(_pod_account=accounts.account_id)
    return members.join(pods, members.account_id == pods._pod_account).select("member_id").distinct()


def community_base(ctx: Context, members: ir.Table) -> ir.Table:
    """Every interaction of a non-brand person with the brand, weighted, with its member and flags.

    `members` maps account_id to member_id for every account. A person one of whose accounts is in
    a pod has nothing clean or authentic: their engagement cannot be told from the pod's trade, so
    they are never members, top members or ambassadors (`is_pod_person`). Cached in the engine:
    every community figure reads it.
    """
    settings = ctx.config.community
    inter = ctx.interactions
    inter = inter.filter(~inter.is_brand_actor, brand_scope(ctx, inter))
    # Only linked accounts need a lookup: everyone else is their own member (a small hash table).
    linked = members.filter(members.member_id != members.account_id)
    mapping = linked.select(_map_account=linked.account_id, _member=linked.member_id)
    joined = inter.left_join(mapping, inter.actor_id == mapping._map_account)
    persons = pod_persons(ctx, members).select(_pod_member=ibis._.member_id, _is_pod=ibis.literal(True))
    joined = joined.mutate(_person=joined._member.fill_null(joined.actor_id))
    joined = joined.left_join(persons, joined._person == persons._pod_member)
    in_pod = joined._is_pod.fill_null(False)
    weight = weight_expr(joined.kind, joined.text_length, settings)
    addressed = joined.target_id.isin(ctx.brand_ids) if ctx.brand_ids else joined.target_id.notnull()
    base = joined.select(
        "interaction_id", "kind", "actor_id", "created_at", "post_id", "parent_id",
        member_id=joined._person,
        weight=weight,
        is_clean=clean_flag(ctx, joined) & ~in_pod,
        is_authentic=authentic_flag(joined) & ~in_pod,
        is_pod_person=in_pod,
        is_engaging=joined.kind.isin(ENGAGEMENT_KINDS),
        is_on_brand_post=(joined.post_author_id.isin(ctx.brand_ids) if ctx.brand_ids else joined.post_id.notnull()),
        is_to_brand=addressed.fill_null(False),
        week=joined.created_at.truncate("W").cast("date"),
        month=month_index(joined.created_at),
    )
    return base.cache()


def written_table(ctx: Context) -> ir.Table:
    """Every written interaction (comment, reply, story reply, DM, mention), the brand's included, with
    its text, whether it is spam and, when the conversation step ran, its intent and sentiment. Cached:
    threads, critiques, defences and spam all read it, and it is a fraction of the interactions."""
    inter = ctx.interactions
    extra = [c for c in ("intent", "sentiment") if c in inter.columns]
    mine = inter.filter(inter.kind.isin(WRITTEN_KINDS)).select(
        "interaction_id", "kind", "actor_id", "post_id", "post_author_id", "target_id", "parent_id",
        "is_brand_actor", *extra,
    )
    raw = ctx.inputs["interactions"]
    raw = raw.filter(raw.kind.isin(WRITTEN_KINDS)).select(_tid=raw.interaction_id, text=raw.text)
    joined = mine.left_join(raw, mine.interaction_id == raw._tid).drop("_tid")
    return joined.mutate(is_spam=spam_flag(joined)).cache()


# Spam markers (links, follow-for-follow, money schemes): used only when no conversation step ran.
SPAM_WORDS = (
    r"https?://|www\.|linktr\.ee|t\.me/|\.io\b|follow for follow|\bf4f\b|\bl4l\b|check my (bio|profile)"
    r"|passive income|crypto|\$\d+ ?/ ?day|€ par jour|abonne-toi|je m'abonne en retour|dm (me|pour)|collab r[ée]mun[ée]r[ée]e"
)


def matches(text: ir.StringValue, pattern: str) -> ir.BooleanValue:
    """Case-insensitive regular-expression match; a missing text matches nothing."""
    return text.lower().re_search(pattern).fill_null(False)


def spam_flag(written: ir.Table) -> ir.BooleanValue:
    """Spam: the conversation step's intent, else the `SPAM_WORDS` lexicon."""
    if "intent" in written.columns:
        return written.intent.fill_null("") == "spam"
    return matches(written.text, SPAM_WORDS)
