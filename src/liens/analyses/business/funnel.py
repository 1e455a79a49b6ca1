"""The funnel: followers → engaged people → people who showed intent → people who converted.

Every stage counts distinct people (`member_id`), per month and per platform (and "all" of
each), then over the whole data by member level and by segment. A stage that cannot be computed
from the data is null, never zero: no follows nor audience → no followers; no `intent` column (the
conversation step did not run) → no intent stage; no conversions table → no converted stage.

- followers: real people following a brand account at the end of the month (from `follows`; "real":
  not labelled fake, inactive or mass follower by the audience step, when it ran), else the last
  `audience` figure of the month; for "all", people following now. followers_all: every follower.
- engaged_members: people with at least one clean engaging interaction with the brand in the period.
- members_with_intent: engaged people who, in the period, wrote something whose intent is one of
  `business.intent_kinds` (purchase, job, co-creation by default).
- converted_members: people with a conversion linked to them in the period (platform: the
  converting account's); converted_after_engaging: those who had engaged before converting.
- conversion_rate = converted_after_engaging / engaged_members; intent_rate = members_with_intent /
  engaged_members; median_days_to_convert: from a person's first engagement to their first
  conversion in the period.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from ..common import safe_ratio

ALL = "all"
STAGES = ("followers", "engaged_members", "members_with_intent", "converted_members", "converted_after_engaging")
SEGMENTS = ("member_level", "audience_label", "follows_brand")
# Audience labels (issue 4) of followers that are not a real audience.
NOT_REAL_LABELS = ("fake", "inactive", "mass_follower")

FUNNEL_SCHEMA = pa.schema([
    ("period", pa.string()), ("platform", pa.string()), ("segment_by", pa.string()), ("segment", pa.string()),
    ("followers", pa.int64()), ("followers_all", pa.int64()), ("engaged_members", pa.int64()), ("members_with_intent", pa.int64()),
    ("converted_members", pa.int64()), ("converted_after_engaging", pa.int64()),
    ("intent_rate", pa.float64()), ("conversion_rate", pa.float64()), ("median_days_to_convert", pa.float64()),
])

# (period, platform) grains: distinct counts are not additive, so each grain is its own group-by.
_GRAINS: tuple[tuple[str, ...], ...] = (("period", "platform"), ("period",), ("platform",), ())


def _by_grains(table: ir.Table, **measures: Any) -> dict[tuple[str, str], dict[str, Any]]:
    """Aggregate `measures` (functions of the table) at every (period, platform) grain."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for grain in _GRAINS:
        aggs = {name: fn(table) for name, fn in measures.items()}
        result = table.group_by(list(grain)).agg(**aggs) if grain else table.agg(**aggs)
        for row in result.to_pyarrow().to_pylist():
            key = (row.pop("period", ALL) or "unknown", row.pop("platform", ALL) or "unknown")
            out[key] = row
    return out


def _month(ts: ir.TimestampValue) -> ir.StringValue:
    return ts.strftime("%Y-%m")


def _median_days(table: ir.Table, keys: list[str]) -> ir.Table:
    """Median over people of their shortest time to convert, per group of `keys`."""
    per_person = table.group_by([*keys, "member_id"]).agg(d=table.days_to_convert.min())
    grouped = per_person.group_by(keys) if keys else per_person
    return grouped.agg(median_days_to_convert=per_person.d.median())


def people(engagements: ir.Table, converted: ir.Table | None, accounts: ir.Table, persons: ir.Table,
           brand_ids: list[str]) -> ir.Table:
    """One row per person who engaged or converted: stage flags and segment attributes.

    A person with several accounts takes the level and audience label of their most engaged
    account (highest `engagement_score`, else most interactions).
    """
    eng = engagements.group_by("member_id").agg(
        engaged=ibis.literal(True), with_intent=engagements.shows_intent.any(),
    )
    pool = eng.select("member_id")
    if converted is not None:
        conv = converted.group_by("member_id").agg(
            converted=ibis.literal(True),
            after=converted.days_to_convert.notnull().any(),
            days=converted.days_to_convert.min(),
        )
        pool = pool.union(conv.select("member_id")).distinct()
    who = persons.select(_a=persons.account_id, _m=persons.member_id)
    acc = accounts.left_join(who, accounts.account_id == who._a)
    acc = acc.filter(~acc.account_id.isin(brand_ids) if brand_ids else ibis.literal(True))
    acc = acc.mutate(_person=acc._m.fill_null(acc.account_id))
    # Only the pool's accounts: the ranking below sorts them, and most accounts never engaged.
    acc = acc.semi_join(pool, acc._person == pool.member_id)
    order = acc.engagement_score if "engagement_score" in acc.columns else acc.interactions_made
    # Equally engaged accounts: the smallest account_id wins (argmax breaks ties differently per engine).
    acc = acc.mutate(_best=ibis.row_number().over(group_by=acc._person,
                                                  order_by=[ibis.desc(order.fill_null(0)), acc.account_id]) == 0)
    attrs: dict[str, Any] = {}
    for col in ("member_level", "audience_label"):
        if col in acc.columns:
            attrs[col] = acc[col].max(where=acc._best)
    if "follows_brand" in acc.columns:
        attrs["follows_brand"] = acc.follows_brand.fill_null(False).any()
    table = pool.left_join(eng, "member_id").select("member_id", engaged=ibis._.engaged.fill_null(False),
                                                     with_intent=ibis._.with_intent.fill_null(False))
    if converted is not None:
        table = table.left_join(conv, "member_id").select(
            *table.columns, converted=ibis._.converted.fill_null(False),
            converted_after_engaging=ibis._.after.fill_null(False), days_to_convert=ibis._.days,
        )
    if attrs:
        per_person = acc.group_by(member_id=acc._person).agg(**attrs)
        table = table.left_join(per_person, "member_id").select(*table.columns, *attrs)
    return table


def followers_by_grain(follows: ir.Table | None, audience: ir.Table | None, accounts: ir.Table,
                       persons: ir.Table, brand_ids: list[str], periods: list[str]) -> dict[tuple[str, str], dict[str, Any]]:
    """Followers (real, all) at the end of each month (and now, for "all"), per platform of the followed account."""
    if not brand_ids or not periods:
        return {}
    platforms = accounts.select(_brand=accounts.account_id, platform=accounts.platform.fill_null("unknown"))
    months = ibis.memtable(pa.table({
        "period": periods,
        "month_end": [_month_end(p) for p in periods],
    }))
    if follows is not None:
        f = follows.filter(follows.followee_id.isin(brand_ids))
        f = f.left_join(platforms, f.followee_id == platforms._brand)
        who = persons.select(_a=persons.account_id, _m=persons.member_id, _label=persons.audience_label)
        # Computed once: four group-bys read it (the brand's followers, ~680k rows at 10M interactions).
        f = f.left_join(who, f.follower_id == who._a).select(
            "followed_at", "unfollowed_at", "platform",
            member_id=ibis._._m.fill_null(ibis._.follower_id),
            is_real=~ibis._._label.fill_null("").isin(NOT_REAL_LABELS),
        ).cache()
        at_end = f.cross_join(months).filter(
            (ibis._.followed_at < ibis._.month_end)
            & (ibis._.unfollowed_at.isnull() | (ibis._.unfollowed_at >= ibis._.month_end))
        )
        now = f.filter(f.unfollowed_at.isnull()).mutate(period=ibis.literal(ALL))
        out: dict[tuple[str, str], dict[str, int | None]] = {}
        for table, grains in ((at_end, (("period", "platform"), ("period",))), (now, (("period", "platform"), ("period",)))):
            for grain in grains:
                agg = table.group_by(list(grain)).agg(
                    real=table.member_id.nunique(where=table.is_real), n=table.member_id.nunique(),
                ).to_pyarrow().to_pylist()
                for row in agg:
                    out[(row["period"], row.get("platform", ALL))] = {"followers": int(row["real"]), "followers_all": int(row["n"])}
        return out
    if audience is not None:
        a = audience.filter(audience.account_id.isin(brand_ids)).mutate(period=_month(ibis._.date.cast("timestamp")))
        a = a.left_join(platforms, a.account_id == platforms._brand)
        last_in_month = a.group_by(["account_id", "period"]).agg(date=a.date.max())
        monthly = a.join(last_in_month, ["account_id", "period", "date"])
        latest = a.group_by("account_id").agg(date=a.date.max())
        now = a.join(latest, ["account_id", "date"]).mutate(period=ibis.literal(ALL))
        out = {}
        for table in (monthly, now):
            for grain in (("period", "platform"), ("period",)):
                agg = table.group_by(list(grain)).agg(n=table.followers.sum()).to_pyarrow().to_pylist()
                for row in agg:
                    n = None if row["n"] is None else int(row["n"])
                    out[(row["period"], row.get("platform", ALL))] = {"followers": n, "followers_all": n}
        return out
    return {}


def _month_end(period: str) -> Any:
    import datetime as dt

    year, month = (int(x) for x in period.split("-"))
    return dt.datetime(year + month // 12, month % 12 + 1, 1)


def funnel(engagements: ir.Table, converted: ir.Table | None, person_table: ir.Table,
           followers_of: Callable[[list[str]], dict[tuple[str, str], dict[str, Any]]] | None,
           has_intent: bool) -> pa.Table:
    """The `funnel` result table (see the module docstring); `followers_of(months)` counts followers."""
    eng = engagements.mutate(period=_month(engagements.created_at))
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for key, row in _by_grains(
        eng,
        engaged_members=lambda t: t.member_id.nunique(),
        members_with_intent=lambda t: t.member_id.nunique(where=t.shows_intent),
    ).items():
        rows.setdefault(key, {}).update(row)
    if converted is not None:
        conv = converted.mutate(period=_month(converted.occurred_at), platform=converted.platform.fill_null("unknown"))
        for key, row in _by_grains(
            conv,
            converted_members=lambda t: t.member_id.nunique(),
            converted_after_engaging=lambda t: t.member_id.nunique(where=t.days_to_convert.notnull()),
        ).items():
            rows.setdefault(key, {}).update(row)
        timed = conv.filter(conv.days_to_convert.notnull())
        for grain in _GRAINS:
            for row in _median_days(timed, list(grain)).to_pyarrow().to_pylist():
                key = (row.get("period", ALL), row.get("platform", ALL))
                rows.setdefault(key, {})["median_days_to_convert"] = row["median_days_to_convert"]
    periods = sorted({period for period, _ in rows if period != ALL})
    followers = followers_of(periods) if followers_of is not None else {}
    has_followers = followers_of is not None
    for key in followers:
        rows.setdefault(key, {})
    out = []
    for (period, platform), row in sorted(rows.items(), key=lambda kv: (kv[0][0] != ALL, kv[0][0], kv[0][1] != ALL, kv[0][1])):
        row = {**row, **followers.get((period, platform), {"followers": 0, "followers_all": 0})} if has_followers else row
        out.append(_row(period, platform, ALL, ALL, row, has_intent, converted is not None))
    out.extend(_segment_rows(person_table, has_intent, converted is not None))
    return pa.Table.from_pylist(out, schema=FUNNEL_SCHEMA)


def _row(period: str, platform: str, segment_by: str, segment: str, row: dict[str, Any],
         has_intent: bool, has_conversions: bool) -> dict[str, Any]:
    engaged = int(row.get("engaged_members") or 0)
    intent = int(row.get("members_with_intent") or 0) if has_intent else None
    converted = int(row.get("converted_members") or 0) if has_conversions else None
    after = int(row.get("converted_after_engaging") or 0) if has_conversions else None
    return {
        "period": period, "platform": platform, "segment_by": segment_by, "segment": segment,
        "followers": row.get("followers"), "followers_all": row.get("followers_all"), "engaged_members": engaged, "members_with_intent": intent,
        "converted_members": converted, "converted_after_engaging": after,
        "intent_rate": None if intent is None else safe_ratio(intent, engaged),
        "conversion_rate": None if after is None else safe_ratio(after, engaged),
        "median_days_to_convert": row.get("median_days_to_convert"),
    }


def _segment_rows(person_table: ir.Table, has_intent: bool, has_conversions: bool) -> list[dict[str, Any]]:
    out = []
    p = person_table
    for segment_by in SEGMENTS:
        if segment_by not in p.columns:
            continue
        measures: dict[str, Any] = {
            "engaged_members": p.engaged.sum(),
            "members_with_intent": (p.engaged & p.with_intent).sum(),
        }
        if "follows_brand" in p.columns:
            measures["followers_all"] = p.follows_brand.fill_null(False).sum()
            real = ~p.audience_label.fill_null("").isin(NOT_REAL_LABELS) if "audience_label" in p.columns else ibis.literal(True)
            measures["followers"] = (p.follows_brand.fill_null(False) & real).sum()
        if has_conversions:
            measures["converted_members"] = p.converted.sum()
            measures["converted_after_engaging"] = p.converted_after_engaging.sum()
            measures["median_days_to_convert"] = p.days_to_convert.median()
        grouped = p.group_by(segment=p[segment_by].cast("string").fill_null("unknown")).agg(**measures)
        for row in grouped.order_by("segment").to_pyarrow().to_pylist():
            out.append(_row(ALL, ALL, segment_by, row["segment"], row, has_intent, has_conversions))
    return out


def funnel_summary(table: pa.Table) -> dict[str, Any]:
    """Headline figures: the all/all row."""
    for row in table.to_pylist():
        if row["period"] == ALL and row["platform"] == ALL and row["segment_by"] == ALL:
            return {
                "funnel_followers": row["followers"],
                "funnel_followers_all": row["followers_all"],
                "funnel_engaged_members": row["engaged_members"],
                "funnel_members_with_intent": row["members_with_intent"],
                "funnel_converted_members": row["converted_members"],
                "conversion_rate": row["conversion_rate"],
                "median_days_to_convert": row["median_days_to_convert"],
            }
    return {"funnel_followers": None, "funnel_followers_all": None, "funnel_engaged_members": 0, "funnel_members_with_intent": None,
            "funnel_converted_members": None, "conversion_rate": None, "median_days_to_convert": None}
