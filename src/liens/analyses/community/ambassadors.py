"""Ambassadors: regular commenters, defenders and spontaneous sharers, each with its evidence.

All evidence is authentic (pod engagement removed) and counted per person (member_id). Spam is
judged per person: a spammer (half or more of their texts, at least two, are spam) is never an
ambassador, while a single text a classifier calls spam still counts for everyone else. Spam models
misfire on exactly what advocates write ("look at my new @brand", "any stores in Dublin?"), and a
spammer is a spammer wholesale.

- regular: commented or replied on the brand's content in at least `regular_min_weeks`
  distinct weeks, and in at least `regular_min_week_share` of the weeks in which they could have:
  weeks, between their first and last comment, in which the brand published on a platform where
  they have an account. A regular comes back to comment most times the brand posts, for as long as
  they comment at all: the span is that of their comments, not of their likes (a person who
  commented every week from January to March and kept liking until June was a regular for those
  months), and a brand that posts every other week does not make its regulars irregular.
- defender: at least `defender_min_replies` replies taking the brand's side under a critique
  written by someone else (not the brand). A critique: `intent` = critique from the conversation
  step (without intents, `sentiment` = negative), or a text matching the bilingual complaint
  lexicon `CRITIQUE_WORDS` (alone when there is no conversation step; a safety net otherwise). A
  reply takes the brand's side when it answers the critic without joining in: not an agreement
  (`AGREEMENT_WORDS`: "so true", "+1", "tellement d'accord") and not negative (its
  `sentiment`; without sentiments, not a critique by its `intent`; without either, not matching
  `CRITIQUE_WORDS`).
  Helpful answers ("check your spam folder", "go one size up") and testimonies ("never had a
  problem") count: intent models often call them support requests or even complaints.
- sharer: mentioned the brand unprompted, and not against it, at least `sharer_min_mentions` times.
  Their unprompted shares of the brand's posts are evidence too, but do not qualify on their own: a
  share answers the brand's own post (and heavy users share a lot), a mention is the member's own
  initiative. Unprompted: not a reply to the brand, and not on a post whose campaign names a contest
  (`prompted_campaign_words`). Not against it: a complaint about the brand in public is not
  advocacy, so a negative mention (its `sentiment`; without sentiments, an `intent` of critique;
  without either, the complaint lexicon) is no evidence at all.

A person may hold several kinds. Each row's `strength` is its evidence over the kind's bar
(for regulars, the lesser of distinct weeks over `regular_min_weeks` and of the week share over
`regular_min_week_share`), used to rank within the kind. `ambassador_kind` on accounts is the most
telling kind the person holds, in the order of KIND_PRIORITY: defending the brand is rarer and says
more than mentioning it, which says more than commenting often (what every heavy user does), so a
defender who also comments every week is a defender; `ambassador_kinds` lists them all.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from ...config import CommunitySettings
from ..base import Context
from .weights import COMMENT_KINDS, WRITTEN_KINDS
from .weights import matches as _matches

KINDS = ("regular", "defender", "sharer")
KIND_PRIORITY = ("defender", "sharer", "regular")  # rarest and most telling first: names ambassador_kind
EXAMPLES = 3

# Fallback lexicons (lower-case regular expressions), used only when no conversation step ran.
CRITIQUE_WORDS = (
    r"disappoint|d[ée]çue?s?\b|arnaque|\bscam|worst|\bpire|terrible|horrible|awful|\bnule?s?\b|broken|cass[ée]"
    r"|refund|rembours|never again|plus jamais|waste|\bhonte|shame|useless|inutile|mauvais|\bbad\b|rip ?off"
    r"|complain|plainte|inadmissible|unacceptable|inacceptable|overpriced|trop cher|rip.?off|damaged|ab[iî]m[ée]"
    r"|d[ée]chir|still waiting|j'attends|toujours pas|never (answer|respond|arriv)|no (answer|reply|response)"
    r"|r[ée]pond (pas|jamais)|injoignable|not great|pas terrible|downhill|😡|😤|🙄|👎"
)
# Agreeing with the critic (any mode): joining the critique, not defending the brand.
AGREEMENT_WORDS = (
    r"so true|^\s*\+ ?1|\bagreed\b|\bi agree|\btotally agree|exactly this|same for me|me too\b"
    r"|tellement d'accord|tout [àa] fait d'accord|enti[èe]rement d'accord|\bd'accord avec|exactement [çc]a|pareil pour moi|moi aussi\b"
)


def _is_critique(t: ir.Table, text: ir.StringValue) -> ir.BooleanValue:
    """The parent is a critique: its `intent` says so (else its `sentiment` is negative), or it uses
    the complaint lexicon (a safety net for what a classifier misses: "quality went downhill")."""
    lexicon = _matches(text, CRITIQUE_WORDS)
    if "p_intent" in t.columns:
        return (t.p_intent == "critique").fill_null(False) | lexicon
    if "p_sentiment" in t.columns:
        return (t.p_sentiment == "negative").fill_null(False) | lexicon
    return lexicon


def _negative(t: ir.Table, text: ir.StringValue) -> ir.BooleanValue:
    """A text against the brand: its sentiment is negative (without sentiments, its intent is a
    critique; without either, it uses the complaint lexicon). Sentiment first: "never had a problem"
    and "at least they refund" read as complaints to a word list or an intent model."""
    if "sentiment" in t.columns:
        return t.sentiment.fill_null("") == "negative"
    if "intent" in t.columns:
        return t.intent.fill_null("") == "critique"
    return _matches(text, CRITIQUE_WORDS)


def _takes_brand_side(t: ir.Table, text: ir.StringValue) -> ir.BooleanValue:
    """A reply under a critique that answers it without joining in (see the module docstring):
    neither an agreement nor negative. (Spam is judged per person: see `_spammers`.)"""
    return ~(_matches(text, AGREEMENT_WORDS) | _negative(t, text))


def _defences(base: ir.Table, written: ir.Table) -> ir.Table:
    """Clean replies by a person taking the brand's side under someone else's critique."""
    wanted = [c for c in ("intent", "sentiment") if c in written.columns]
    replies = base.filter(base.is_authentic, base.parent_id.notnull(), base.kind.isin(COMMENT_KINDS))
    replies = replies.join(written.select("interaction_id", *wanted, _text=written.text), "interaction_id")
    # The parents' texts feed the lexicons (alone when no conversation step ran, a safety net otherwise).
    parents = written.select(
        _pid=written.interaction_id, _pactor=written.actor_id, _pbrand=written.is_brand_actor,
        _ptext=written.text, **{f"p_{c}": written[c] for c in wanted},
    )
    pairs = replies.join(parents, replies.parent_id == parents._pid)
    keep = (
        ~pairs._pbrand.fill_null(False)
        & (pairs._pactor != pairs.actor_id)
        & _is_critique(pairs, pairs._ptext)
        & _takes_brand_side(pairs, pairs._text)
    )
    return pairs.filter(keep).select(
        "member_id", "actor_id", "interaction_id", "created_at", "week", item=pairs.parent_id,
        key=ibis.literal(True),
    )


def _shares(ctx: Context, base: ir.Table, written: ir.Table, settings: CommunitySettings) -> ir.Table:
    """Authentic, unprompted shares of the brand's posts and mentions of the brand not against it."""
    share = (base.kind == "share") & base.is_on_brand_post
    mention = (base.kind == "mention") & base.is_to_brand
    rows = base.filter(base.is_authentic, share | mention)
    # A mention against the brand is no advocacy (mentions are a small share of the written table).
    mentions = written.filter(written.kind == "mention")
    against = mentions.filter(_negative(mentions, mentions.text)).select(_nid=mentions.interaction_id)
    rows = rows.left_join(against, rows.interaction_id == against._nid)
    rows = rows.filter(rows._nid.isnull()).drop("_nid")
    # Prompted by the brand: a reply to one of its interactions...
    brand_acts = written.filter(written.is_brand_actor).select(_bid=written.interaction_id)
    rows = rows.left_join(brand_acts, rows.parent_id == brand_acts._bid)
    rows = rows.filter(rows._bid.isnull()).drop("_bid")
    # ...or by a contest: a post whose campaign names one.
    posts = ctx.inputs["posts"]
    words = [w.lower() for w in settings.prompted_campaign_words if w.strip()]
    if words and "campaign" in posts.columns:
        campaign = posts.campaign.lower().fill_null("")
        prompted = ibis.literal(False)
        for word in words:
            prompted = prompted | campaign.contains(word)
        contests = posts.filter(prompted).select(_cpost=posts.post_id)
        rows = rows.left_join(contests, rows.post_id == contests._cpost)
        rows = rows.filter(rows._cpost.isnull()).drop("_cpost")
    return rows.select(
        "member_id", "actor_id", "interaction_id", "created_at", "week",
        item=ibis.coalesce(rows.post_id, rows.interaction_id),
        key=rows.kind == "mention",  # the spontaneous act; shares are supporting evidence
    )


def _comments(base: ir.Table) -> ir.Table:
    """Authentic comments and replies on the brand's content."""
    rows = base.filter(base.is_authentic, base.kind.isin(COMMENT_KINDS))
    return rows.select(
        "member_id", "actor_id", "interaction_id", "created_at", "week",
        item=ibis.coalesce(rows.post_id, rows.parent_id, rows.interaction_id),
        key=ibis.literal(True),
    )


def _spammers(base: ir.Table, written: ir.Table) -> ir.Table:
    """Persons at least half of whose texts (two or more) are spam: never ambassadors, whatever a
    classifier missed among their other texts."""
    mine = base.filter(base.kind.isin(WRITTEN_KINDS)).select("interaction_id", "member_id")
    flags = written.select(_sid=written.interaction_id, _spam=written.is_spam)
    mine = mine.join(flags, mine.interaction_id == flags._sid)
    per = mine.group_by("member_id").agg(texts=mine.count(), spam=mine._spam.sum())
    return per.filter((per.spam >= 2) & (per.spam * 2 >= per.texts)).select("member_id")


def _chance_weeks(ctx: Context, ids: ir.Table, spans: ir.Table) -> ir.Table:
    """(member_id, _chances): weeks in which the person could have commented — the brand published on
    a platform where the person has an account, between their first and last comment (`spans`:
    member_id, _from, _to, one row per candidate)."""
    posts = ctx.inputs["posts"]
    if ctx.brand_ids:
        posts = posts.filter(posts.author_id.isin(ctx.brand_ids))
    authors = ctx.accounts.select(_author=ctx.accounts.account_id, _author_platform=ctx.accounts.platform)
    posts = posts.left_join(authors, posts.author_id == authors._author)
    post_weeks = posts.select(
        platform=ibis.coalesce(posts.platform, posts._author_platform, ibis.literal("")),
        week=posts.created_at.truncate("W").cast("date"),
    ).distinct()
    accounts = ctx.accounts.select("account_id", platform=ctx.accounts.platform.fill_null(""))
    mine = ids.join(spans.select("member_id"), "member_id").join(accounts, "account_id")
    mine = mine.select("member_id", "platform").distinct()
    weeks = mine.join(spans, "member_id").join(post_weeks, "platform")
    weeks = weeks.filter((weeks.week >= weeks._from) & (weeks.week <= weeks._to))
    return weeks.group_by("member_id").agg(_chances=weeks.week.nunique())


def ambassadors(ctx: Context, base: ir.Table, written: ir.Table, ids: ir.Table) -> ir.Table:
    """One row per (member, kind): the evidence, a few example interactions, and a rank within the kind.

    A regular's comment weeks are measured against the weeks, between their first and last comment,
    in which the brand published where the person has an account.
    """
    settings = ctx.config.community
    # Cached: the counts, the main account and the examples all read it (a few % of the base).
    evidence = ibis.union(
        _comments(base).mutate(kind=ibis.literal("regular")),
        _defences(base, written).mutate(kind=ibis.literal("defender")),
        _shares(ctx, base, written, settings).mutate(kind=ibis.literal("sharer")),
    ).cache()
    per = evidence.group_by(["member_id", "kind"]).agg(
        evidence_count=evidence.count(),
        evidence_weeks=evidence.week.nunique(),
        evidence_items=evidence.item.nunique(),
        key_evidence=evidence.key.sum().cast("int64"),
        first_at=evidence.created_at.min(),
        last_at=evidence.created_at.max(),
    )
    min_weeks, min_share = max(1, settings.regular_min_weeks), max(settings.regular_min_week_share, 1e-9)
    candidates = per.filter((per.kind == "regular") & (per.evidence_weeks >= min_weeks))
    spans = candidates.select("member_id", _from=candidates.first_at.truncate("W").cast("date"),
                              _to=candidates.last_at.cast("date"))
    chances = _chance_weeks(ctx, ids, spans)
    per = per.left_join(chances, "member_id").drop("member_id_right")
    week_share = per.evidence_weeks / ibis.greatest(per._chances.fill_null(0), per.evidence_weeks).cast("float64")
    min_defences, min_mentions = max(1, settings.defender_min_replies), max(1, settings.sharer_min_mentions)
    # Strength: evidence over the kind's bar (>= 1 once qualified); a regular must clear both bars.
    strength = ibis.cases(
        (per.kind == "regular", ibis.least(per.evidence_weeks / min_weeks, week_share / min_share)),
        (per.kind == "defender", per.key_evidence / min_defences),
        else_=per.key_evidence / min_mentions,
    ).cast("float64")
    keep = ibis.cases(
        (per.kind == "regular", (per.evidence_weeks >= min_weeks) & (week_share >= settings.regular_min_week_share)),
        (per.kind == "defender", per.key_evidence >= min_defences),
        else_=per.key_evidence >= min_mentions,
    )
    per = per.mutate(strength=strength, week_share=(per.kind == "regular").ifelse(week_share, ibis.null("float64")))
    per = per.filter(keep)
    spammers = _spammers(base, written).mutate(_spammer=ibis.literal(True))
    per = per.left_join(spammers, "member_id").drop("member_id_right")
    per = per.filter(per._spammer.isnull()).drop("_spammer")
    # The account that carries most of a person's evidence, and the latest examples.
    by_account = evidence.group_by(["member_id", "kind", "actor_id"]).agg(n=evidence.count())
    by_account = by_account.mutate(_r=ibis.row_number().over(
        group_by=["member_id", "kind"], order_by=[ibis.desc("n"), "actor_id"]))
    main = by_account.filter(by_account._r == 0).select("member_id", "kind", account_id="actor_id")
    latest = evidence.mutate(_r=ibis.row_number().over(
        group_by=["member_id", "kind"], order_by=[ibis.desc("created_at"), "interaction_id"]))
    latest = latest.filter(latest._r < EXAMPLES)
    examples = latest.group_by(["member_id", "kind"]).agg(
        example_interaction_ids=latest.interaction_id.group_concat(",", order_by=[ibis.desc(latest.created_at), latest.interaction_id]))
    table = per.join(main, ["member_id", "kind"]).join(examples, ["member_id", "kind"])
    rank = ibis.row_number().over(
        group_by="kind", order_by=[ibis.desc("strength"), ibis.desc("evidence_count"), "member_id"]) + 1
    return table.select(
        "account_id", "member_id", "kind", "evidence_count", "key_evidence", "evidence_weeks", "evidence_items",
        "week_share", "first_at", "last_at", "example_interaction_ids", "strength", rank=rank,
    ).order_by(["kind", "rank"])


def primary_kinds(table: ir.Table) -> ir.Table:
    """(member_id, ambassador_kind, ambassador_kinds): the most telling kind (KIND_PRIORITY), and all."""
    order = ibis.cases(*[(table.kind == k, i) for i, k in enumerate(KIND_PRIORITY)], else_=len(KIND_PRIORITY))
    ranked = table.mutate(_r=ibis.row_number().over(group_by="member_id", order_by=[order]))
    first = ranked.filter(ranked._r == 0).select("member_id", ambassador_kind="kind")
    # All kinds, in the fixed order of KINDS (group_concat has no portable order).
    flags = [ranked.kind == k for k in KINDS]
    every = ranked.group_by("member_id").agg(**{f"_{k}": f.any() for k, f in zip(KINDS, flags)})
    joined = ibis.literal("")
    for k in KINDS:
        joined = joined.concat(every[f"_{k}"].ifelse(ibis.literal(k + ","), ibis.literal("")))
    every = every.select("member_id", ambassador_kinds=joined.re_replace(",$", ""))
    return first.join(every, "member_id")
