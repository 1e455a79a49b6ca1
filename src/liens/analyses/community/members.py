"""Members and their levels, in the spirit of the Orbit model.

A member is a person with at least `member_min_interactions` clean engaging interactions with the
brand. Levels (best first): advocate, contributor, participant, explorer.

- Love: each month's clean weighted score, decayed by `love_monthly_decay` every month after:
  love(m) = sum over months j <= m of score(j) * decay^(m - j).
- Presence milestone: distinct active weeks up to that month.
- Earned level in month m: the best level whose love *and* milestone are both reached
  (explorer: any love).
- Held level: promoted at once, demoted slowly — at most one level per `months_per_demotion`
  months: held(m) = min over k <= m of earned(k) + floor((m - k) / months_per_demotion), levels
  numbered 1 (advocate) to 4 (explorer). That closed form of the recurrence
  held(m) = min(earned(m), held(m-1) + 1/months_per_demotion) keeps the work a group-by.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from ...config import CommunitySettings

LEVELS = ("advocate", "contributor", "participant", "explorer")
NO_LEVEL = len(LEVELS) + 1


def member_figures(base: ir.Table, settings: CommunitySettings) -> ir.Table:
    """One row per person who did anything with the brand: raw and clean scores, activity, membership."""
    clean = base.is_clean
    active = clean & base.is_engaging
    per = base.group_by("member_id").agg(
        raw_score=base.weight.sum(),
        clean_score=clean.ifelse(base.weight, 0.0).sum(),
        raw_interactions=base.count(),
        clean_interactions=clean.sum().cast("int64"),
        engaging_interactions=active.sum().cast("int64"),
        first_active_at=active.ifelse(base.created_at, ibis.null("timestamp")).min(),
        last_active_at=active.ifelse(base.created_at, ibis.null("timestamp")).max(),
        active_weeks=active.ifelse(base.week, ibis.null("date")).nunique(),
    )
    return per.mutate(is_member=per.engaging_interactions >= max(1, settings.member_min_interactions))


def monthly_activity(base: ir.Table) -> ir.Table:
    """(member_id, month, score, new_weeks): clean score per month, and active weeks first met that month."""
    active = base.filter(base.is_clean & base.is_engaging)
    scores = active.group_by(["member_id", "month"]).agg(score=active.weight.sum())
    weeks = active.group_by(["member_id", "week"]).agg(month=active.month.min())
    new_weeks = weeks.group_by(["member_id", "month"]).agg(new_weeks=weeks.count())
    return scores.outer_join(new_weeks, ["member_id", "month"]).select(
        member_id=ibis.coalesce(ibis._.member_id, ibis._.member_id_right),
        month=ibis.coalesce(ibis._.month, ibis._.month_right),
        score=ibis._.score.fill_null(0.0),
        new_weeks=ibis._.new_weeks.fill_null(0),
    )


def _earned(love: ir.FloatingValue, weeks: ir.IntegerValue, settings: CommunitySettings) -> ir.IntegerValue:
    return ibis.cases(
        ((love >= settings.advocate_love) & (weeks >= settings.advocate_weeks), 1),
        ((love >= settings.contributor_love) & (weeks >= settings.contributor_weeks), 2),
        ((love >= settings.participant_love) & (weeks >= settings.participant_weeks), 3),
        (love > 0, 4),
        else_=NO_LEVEL,
    )


def member_levels(monthly: ir.Table, members: ir.Table, months: tuple[int, int], settings: CommunitySettings) -> ir.Table:
    """(member_id, love, level_rank, member_level) at the last month of the data, for members.

    `months` is the (first, last) month index of the data; every member gets a row per month from
    its first active month to the last, so love decays through silent months too.
    """
    first, last = months
    decay = min(max(settings.love_monthly_decay, 0.0), 1.0)
    grid_months = ibis.memtable({"month": list(range(first, last + 1))}, schema={"month": "int64"})
    starts = monthly.group_by("member_id").agg(start=monthly.month.min())
    starts = starts.join(members.filter(members.is_member).select("member_id"), "member_id")
    grid = starts.cross_join(grid_months).filter(ibis._.month >= ibis._.start).select("member_id", "month")
    grid = grid.left_join(monthly, ["member_id", "month"]).select(
        "member_id", "month", score=ibis._.score.fill_null(0.0), new_weeks=ibis._.new_weeks.fill_null(0),
    )
    window = ibis.window(group_by="member_id", order_by="month", preceding=None, following=0)
    offset = (grid.month - first).cast("float64")
    if decay > 0:
        # love(m) = decay^m * sum_{j<=m} score(j) * decay^-j, offsets from the first month keep it small.
        growth = ibis.literal(decay) ** offset
        love = (grid.score / growth).sum().over(window) * growth
    else:
        love = grid.score
    grid = grid.mutate(love=love, weeks=grid.new_weeks.sum().over(window))
    step = max(1, settings.months_per_demotion)
    held = _earned(grid.love, grid.weeks, settings) + ((last - grid.month) // step)
    final = grid.group_by("member_id").agg(
        level_rank=held.min(),
        love=(grid.month == last).ifelse(grid.love, ibis.null("float64")).max(),
    )
    rank = ibis.least(final.level_rank, NO_LEVEL).cast("int64")
    name = ibis.cases(*[(rank == i + 1, ibis.literal(level)) for i, level in enumerate(LEVELS)], else_=ibis.null("string"))
    return final.select("member_id", "love", level_rank=rank, member_level=name)


def conversation_depth(
    written: ir.Table, base: ir.Table, ids: ir.Table, scope: ir.BooleanValue
) -> tuple[ir.Table, ir.Table]:
    """Threads and turns between each person and the brand.

    A thread is a comment with at least one reply (a reply to a reply counts in its grandparent's
    thread). A turn is a clean reply by a person to the brand, or a reply by the brand to a person.
    `written` holds the written interactions (replies and what they answer); `scope` filters it to
    the brand's community. Returns (per member: threads, brand_turns) and (per thread: replies,
    participants, brand_replied).
    """
    inter = written.filter(scope)
    parents = written.select(
        _pid=written.interaction_id, _pactor=written.actor_id,
        _pbrand=written.is_brand_actor, _pparent=written.parent_id,
    )
    replies = inter.filter(inter.parent_id.notnull())
    replies = replies.join(parents, replies.parent_id == parents._pid)
    replies = replies.select(
        "interaction_id", "actor_id", "is_brand_actor", "_pactor", "_pbrand",
        root=ibis.coalesce(replies._pparent, replies.parent_id),
    ).cache()  # threads, turns and the summary all read it
    threads = replies.group_by("root").agg(
        replies=replies.count(),
        participants=replies.actor_id.nunique(),
        brand_replied=replies.is_brand_actor.any(),
    )
    people = base.filter(base.is_clean).select("interaction_id", "member_id")
    mine = replies.join(people, "interaction_id")
    # Threads a person took part in: replies they wrote, and their own comments that were answered.
    wrote = mine.select("member_id", "root")
    started = people.join(threads, people.interaction_id == threads.root).select("member_id", "root")
    joined = ibis.union(wrote, started, distinct=True).group_by("member_id").agg(threads=ibis._.count())
    to_brand = mine.filter(mine._pbrand.fill_null(False)).group_by("member_id").agg(n=ibis._.count())
    brand_replies = replies.filter(replies.is_brand_actor & ~replies._pbrand.fill_null(False))
    owners = ids.select(_aid=ids.account_id, member_id=ids.member_id)
    from_brand = brand_replies.join(owners, brand_replies._pactor == owners._aid)
    from_brand = from_brand.group_by("member_id").agg(n=ibis._.count())
    turns = ibis.union(to_brand, from_brand, distinct=False).group_by("member_id").agg(brand_turns=ibis._.n.sum())
    per_member = joined.outer_join(turns, "member_id").select(
        member_id=ibis.coalesce(ibis._.member_id, ibis._.member_id_right),
        threads=ibis._.threads.fill_null(0),
        brand_turns=ibis._.brand_turns.fill_null(0),
    )
    return per_member, threads
