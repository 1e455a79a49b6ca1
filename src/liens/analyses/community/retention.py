"""Recurrence and retention: monthly cohorts, newly active, recently inactive, churn.

Activity means a clean engaging interaction with the brand. The end of the data (`end`, the last
interaction) is "now"; the recent window is the last `active_days` days before it.

- cohort: the month of a member's first activity in the data (members already active before the
  data began all fall in its first month: that cohort is left-censored);
- newly active: first activity inside the recent window;
- recently inactive: formerly regular (at least `contributor_weeks` active weeks) but silent in the
  recent window;
- churned: active in the window before the recent one, silent in the recent one; churn rate is
  churned over active in that earlier window.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import ibis
import ibis.expr.types as ir

from ...config import CommunitySettings
from .weights import month_index

STATUSES = ("new", "active", "recently_inactive", "inactive")


def _month_start(month: ir.IntegerValue) -> ir.DateValue:
    return ibis.date((month // 12).cast("int32"), (month % 12 + 1).cast("int32"), 1)


def member_status(members: ir.Table, base: ir.Table, end: datetime, settings: CommunitySettings) -> ir.Table:
    """(member_id, member_status, was_active_before, is_active) for members."""
    recent = ibis.literal(end - timedelta(days=settings.active_days))
    before = ibis.literal(end - timedelta(days=2 * settings.active_days))
    active = base.filter(base.is_clean & base.is_engaging & (base.created_at >= before) & (base.created_at < recent))
    previous = active.select("member_id").distinct().mutate(was_active_before=ibis.literal(True))
    m = members.filter(members.is_member).left_join(previous, "member_id")
    is_active = m.last_active_at >= recent
    status = ibis.cases(
        (m.first_active_at >= recent, "new"),
        (is_active, "active"),
        (m.active_weeks >= settings.contributor_weeks, "recently_inactive"),
        else_="inactive",
    )
    return m.select(
        "member_id", member_status=status, is_active=is_active,
        was_active_before=m.was_active_before.fill_null(False),
    )


def member_months(monthly: ir.Table) -> ir.Table:
    """(member_id, month): the months in which each person was active, from `members.monthly_activity`
    (whose rows are exactly those months: reading it spares a distinct over the base table)."""
    return monthly.select("member_id", "month")


def cohorts(months: ir.Table, members: ir.Table, span: tuple[int, int]) -> ir.Table:
    """Monthly retention cohorts: for each cohort and each later month of the data, the share still active."""
    months = months.join(members.filter(members.is_member).select("member_id"), "member_id")
    first = months.group_by("member_id").agg(cohort=months.month.min())
    size = first.group_by("cohort").agg(cohort_size=first.count())
    tagged = months.join(first, "member_id")
    active = tagged.group_by(["cohort", "month"]).agg(active_members=tagged.count())
    # Every month from the cohort's to the last, so a month nobody came back shows 0.
    calendar = ibis.memtable({"month": list(range(span[0], span[1] + 1))}, schema={"month": "int64"})
    grid = size.cross_join(calendar).filter(ibis._.month >= ibis._.cohort)
    table = grid.left_join(active, ["cohort", "month"]).select(
        "cohort", "month", "cohort_size", active_members=ibis._.active_members.fill_null(0),
    )
    return table.select(
        cohort=_month_start(table.cohort),
        month=_month_start(table.month),
        months_since=(table.month - table.cohort).cast("int64"),
        cohort_size=table.cohort_size,
        active_members=table.active_members,
        retention=table.active_members / table.cohort_size,
    ).order_by(["cohort", "month"])


def periods(base: ir.Table, months: ir.Table) -> ir.Table:
    """One row per month: raw and clean weighted engagement, active, new, returning and churned members."""
    per = base.group_by("month").agg(
        raw_interactions=base.count(),
        clean_interactions=base.is_clean.sum().cast("int64"),
        raw_engagement=base.weight.sum(),
        clean_engagement=base.is_clean.ifelse(base.weight, 0.0).sum(),
    )
    first = months.group_by("member_id").agg(first=months.month.min())
    tagged = months.join(first, "member_id")
    prev = months.select(member_id=months.member_id, month=months.month + 1, _was=ibis.literal(True))
    tagged = tagged.left_join(prev, ["member_id", "month"])
    counts = tagged.group_by("month").agg(
        active_members=tagged.count(),
        new_members=(tagged.month == tagged.first).sum().cast("int64"),
        returning_members=tagged._was.fill_null(False).sum().cast("int64"),
    )
    # Churned in month m: active in m - 1, not in m.
    nxt = months.select(member_id=months.member_id, month=months.month - 1, _next=ibis.literal(True))
    gone = months.left_join(nxt, ["member_id", "month"])
    gone = gone.filter(gone._next.isnull()).group_by(month=gone.month + 1).agg(churned_members=ibis._.count())
    table = per.left_join(counts, "month").select(*per.columns, "active_members", "new_members", "returning_members")
    table = table.left_join(gone, "month").select(*table.columns, "churned_members")
    return table.select(
        month=_month_start(table.month),
        raw_interactions=table.raw_interactions,
        clean_interactions=table.clean_interactions,
        raw_engagement=table.raw_engagement,
        clean_engagement=table.clean_engagement,
        active_members=table.active_members.fill_null(0),
        new_members=table.new_members.fill_null(0),
        returning_members=table.returning_members.fill_null(0),
        churned_members=table.churned_members.fill_null(0),
    ).order_by("month")


__all__ = ["STATUSES", "cohorts", "member_months", "member_status", "month_index", "periods"]
