"""Cost of engagement: what the engagement cost per engaged person, per lead, per conversion.

`costs` lines are budget lines (a month of community management, a campaign's ad spend), so the
table is small and read whole. A line's cost is `amount + hours × business.hourly_rate`; a line
counts for the days from `period_start` to `period_end` inclusive, and when a figure is wanted for
part of a line's period it is pro-rated by days.

Per scope (all lines; each campaign; each platform), over the days the scope's lines cover:
cost_per_engaged_member = cost / people who engaged with the brand (on that platform, or with the
campaign's posts); cost_per_lead = cost / conversions of kind `lead`; cost_per_conversion = cost /
conversions (any link; for a campaign, those tagged with it); return_on_engagement =
(value of the conversions − cost) / cost, only when conversions carry a value.

Campaign impact compares a campaign's period with the same number of days just before and just
after it: people engaged, newly engaged people, conversions, their value and new followers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from ..common import safe_ratio
from .linking import warning

ONE_DAY = dt.timedelta(days=1)

COST_SCHEMA = pa.schema([
    ("scope", pa.string()), ("scope_value", pa.string()),
    ("period_start", pa.date32()), ("period_end", pa.date32()), ("lines", pa.int64()),
    ("amount", pa.float64()), ("hours", pa.float64()), ("cost", pa.float64()), ("currency", pa.string()),
    ("engaged_members", pa.int64()), ("leads", pa.int64()), ("conversions", pa.int64()),
    ("conversion_value", pa.float64()),
    ("cost_per_engaged_member", pa.float64()), ("cost_per_lead", pa.float64()),
    ("cost_per_conversion", pa.float64()), ("hours_per_conversion", pa.float64()),
    ("return_on_engagement", pa.float64()),
])

IMPACT_SCHEMA = pa.schema([
    ("campaign", pa.string()), ("window", pa.string()), ("start", pa.date32()), ("end", pa.date32()),
    ("days", pa.int64()), ("data_coverage", pa.float64()),
    ("engaged_members", pa.int64()), ("new_members", pa.int64()), ("conversions", pa.int64()),
    ("conversion_value", pa.float64()), ("new_followers", pa.int64()),
    ("engaged_lift", pa.float64()), ("conversions_lift", pa.float64()),
])


def read_costs(costs: ir.Table) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The cost lines (small) and warnings: inverted periods, overlapping lines of one scope."""
    lines = costs.order_by(["period_start", "period_end"]).to_pyarrow().to_pylist()
    warnings = []
    inverted = [line for line in lines if line["period_end"] < line["period_start"]]
    if inverted:
        warnings.append(warning(
            "cost_period_inverted",
            f"{len(inverted)} cost line(s) end before they start; they are counted as one day",
            count=len(inverted), examples=[_label(line) for line in inverted[:5]],
        ))
        for line in inverted:
            line["period_end"] = line["period_start"]
    by_scope: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
    for line in lines:
        by_scope.setdefault((line.get("platform"), line.get("campaign")), []).append(line)
    overlaps = []
    for scope_lines in by_scope.values():
        latest_end = None
        for line in scope_lines:  # sorted by start: an overlap is a start before the latest end
            if latest_end is not None and line["period_start"] <= latest_end:
                overlaps.append(_label(line))
            latest_end = line["period_end"] if latest_end is None else max(latest_end, line["period_end"])
    if overlaps:
        warnings.append(warning(
            "cost_overlap",
            f"{len(overlaps)} cost line(s) overlap an earlier line of the same platform and campaign: both"
            " are counted, which double-counts the cost if they describe the same spend",
            count=len(overlaps), examples=overlaps[:5],
        ))
    currencies = sorted({line["currency"] for line in lines if line.get("currency")})
    if len(currencies) > 1:
        warnings.append(warning(
            "cost_mixed_currencies",
            f"cost lines are in several currencies ({', '.join(currencies)}): money figures are not"
            " computed, hours are", currencies=currencies,
        ))
    return lines, warnings


def _label(line: dict[str, Any]) -> str:
    scope = "/".join(str(line[k]) for k in ("platform", "campaign") if line.get(k))
    return f"{line['period_start']}..{line['period_end']}" + (f" ({scope})" if scope else "")


def line_cost(line: dict[str, Any], hourly_rate: float) -> float:
    return float(line["amount"] or 0.0) + float(line.get("hours") or 0.0) * hourly_rate


def prorated(lines: list[dict[str, Any]], start: dt.date, end: dt.date, hourly_rate: float,
             platform: list[str] | None = None, campaign: list[str] | None = None) -> tuple[float, float, int]:
    """Cost and hours of `lines` falling between `start` and `end` (inclusive), pro-rated by days."""
    cost = hours = 0.0
    used = 0
    for line in lines:
        if platform is not None and line.get("platform") not in platform:
            continue
        if campaign is not None and line.get("campaign") not in campaign:
            continue
        overlap = (min(end, line["period_end"]) - max(start, line["period_start"])).days + 1
        if overlap <= 0:
            continue
        share = overlap / ((line["period_end"] - line["period_start"]).days + 1)
        cost += share * line_cost(line, hourly_rate)
        hours += share * float(line.get("hours") or 0.0)
        used += 1
    return cost, hours, used


def _span_filter(ts: ir.TimestampValue, start: dt.date, end: dt.date) -> ir.BooleanValue:
    return (ts >= _midnight(start)) & (ts < _midnight(end + ONE_DAY))


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)


def outcomes(engagements: ir.Table, converted: ir.Table | None, start: dt.date, end: dt.date,
             platform: str | None = None, campaign: str | None = None,
             campaign_posts: ir.Table | None = None) -> dict[str, Any]:
    """People engaged, leads, conversions and their value between two days, for one scope."""
    e = engagements.filter(_span_filter(engagements.created_at, start, end))
    if platform is not None:
        e = e.filter(e.platform == platform)
    if campaign is not None and campaign_posts is not None:
        e = e.filter(e.post_id.isin(campaign_posts.filter(campaign_posts.campaign == campaign).post_id))
    out: dict[str, Any] = {"engaged_members": int(e.member_id.nunique().to_pyarrow().as_py() or 0)}
    if converted is None:
        out.update(leads=None, conversions=None, conversion_value=None, currencies=[])
        return out
    c = converted.filter(_span_filter(converted.occurred_at, start, end))
    if platform is not None:
        c = c.filter(c.platform == platform)
    if campaign is not None:
        c = c.filter(c.campaign == campaign)
    row = c.agg(conversions=c.count(), leads=(c.kind == "lead").sum(), value=c.value.sum(),
                valued=c.value.count()).to_pyarrow().to_pylist()[0]
    valued = c.filter(c.value.notnull() & c.currency.notnull()).select("currency").distinct()
    out.update(
        conversions=int(row["conversions"]), leads=int(row["leads"] or 0),
        conversion_value=None if not row["valued"] else float(row["value"]),
        currencies=sorted(valued.currency.to_pyarrow().to_pylist()),
    )
    return out


def cost_table(lines: list[dict[str, Any]], engagements: ir.Table, converted: ir.Table | None,
               brand_posts: ir.Table, hourly_rate: float) -> tuple[pa.Table, list[dict[str, Any]]]:
    """The `cost_of_engagement` result: one row for all lines, one per campaign, one per platform."""
    rows = []
    warnings: list[dict[str, Any]] = []
    cost_currencies = sorted({line["currency"] for line in lines if line.get("currency")})
    money_ok = len(cost_currencies) <= 1
    scopes: list[tuple[str, str, list[dict[str, Any]]]] = [("all", "all", lines)]
    for key, scope in (("campaign", "campaign"), ("platform", "platform")):
        for value in sorted({line[key] for line in lines if line.get(key)}):
            scopes.append((scope, value, [line for line in lines if line.get(key) == value]))
    for scope, value, chosen in scopes:
        if not chosen:
            continue
        start = min(line["period_start"] for line in chosen)
        end = max(line["period_end"] for line in chosen)
        amount = sum(float(line["amount"] or 0.0) for line in chosen)
        hours = sum(float(line.get("hours") or 0.0) for line in chosen)
        cost = sum(line_cost(line, hourly_rate) for line in chosen) if money_ok else None
        got = outcomes(engagements, converted, start, end,
                       platform=value if scope == "platform" else None,
                       campaign=value if scope == "campaign" else None, campaign_posts=brand_posts)
        value_total = got["conversion_value"]
        mixed = bool(got["currencies"]) and (len(got["currencies"]) > 1 or (cost_currencies and got["currencies"] != cost_currencies))
        if mixed and scope == "all":
            warnings.append(warning(
                "conversion_currency_mismatch",
                f"conversion values are in {', '.join(got['currencies'])} and costs in "
                f"{', '.join(cost_currencies) or 'no stated currency'}: return on engagement is not computed",
                currencies=got["currencies"],
            ))
        rows.append({
            "scope": scope, "scope_value": value, "period_start": start, "period_end": end, "lines": len(chosen),
            "amount": amount if money_ok else None, "hours": hours, "cost": cost,
            "currency": cost_currencies[0] if len(cost_currencies) == 1 else None,
            "engaged_members": got["engaged_members"], "leads": got["leads"], "conversions": got["conversions"],
            "conversion_value": value_total,
            "cost_per_engaged_member": None if cost is None else safe_ratio(cost, got["engaged_members"]),
            "cost_per_lead": None if cost is None or got["leads"] is None else safe_ratio(cost, got["leads"]),
            "cost_per_conversion": None if cost is None or got["conversions"] is None else safe_ratio(cost, got["conversions"]),
            "hours_per_conversion": None if got["conversions"] is None else safe_ratio(hours, got["conversions"]),
            "return_on_engagement": (None if cost is None or value_total is None or mixed or not cost
                                     else (value_total - cost) / cost),
        })
    return pa.Table.from_pylist(rows, schema=COST_SCHEMA), warnings


def cost_summary(table: pa.Table | None) -> dict[str, Any]:
    keys = ("cost", "hours", "currency", "cost_per_engaged_member", "cost_per_lead", "cost_per_conversion",
            "return_on_engagement")
    names = {"cost": "cost_total", "hours": "cost_hours", "currency": "cost_currency"}
    row = next((r for r in table.to_pylist() if r["scope"] == "all"), None) if table is not None else None
    return {names.get(k, k): None if row is None else row[k] for k in keys}


def campaign_periods(lines: list[dict[str, Any]], brand_posts: ir.Table) -> dict[str, tuple[dt.date, dt.date]]:
    """Each campaign's period: from its cost lines, else from the first to the last day of its posts."""
    periods: dict[str, tuple[dt.date, dt.date]] = {}
    for line in lines:
        if line.get("campaign"):
            start, end = periods.get(line["campaign"], (line["period_start"], line["period_end"]))
            periods[line["campaign"]] = (min(start, line["period_start"]), max(end, line["period_end"]))
    p = brand_posts.filter(brand_posts.campaign.notnull() & (brand_posts.campaign.strip().length() > 0))
    spans = p.group_by("campaign").agg(start=p.created_at.min(), end=p.created_at.max()).to_pyarrow().to_pylist()
    for row in spans:
        periods.setdefault(row["campaign"], (row["start"].date(), row["end"].date()))
    return periods


def campaign_impact(periods: dict[str, tuple[dt.date, dt.date]], engagements: ir.Table, converted: ir.Table | None,
                    follows: ir.Table | None, brand_ids: list[str], data_span: tuple[dt.date, dt.date] | None) -> pa.Table:
    """The `campaign_impact` result: before / during / after each campaign, same number of days."""
    if not periods:
        return pa.Table.from_pylist([], schema=IMPACT_SCHEMA)
    windows: list[dict[str, Any]] = []
    for campaign, (start, end) in sorted(periods.items()):
        days = (end - start).days + 1
        for name, first in (("before", start - days * ONE_DAY), ("during", start), ("after", end + ONE_DAY)):
            windows.append({"campaign": campaign, "window": name, "start": first, "end": first + (days - 1) * ONE_DAY,
                            "w_from": _midnight(first), "w_to": _midnight(first + days * ONE_DAY), "days": days})
    w = ibis.memtable(pa.Table.from_pylist([{k: v for k, v in x.items() if k not in ("start", "end", "days")} for x in windows]))
    keys = ["campaign", "window"]

    def within(table: ir.Table, ts: str) -> ir.Table:
        return table.join(w, (table[ts] >= w.w_from) & (table[ts] < w.w_to))

    measures: dict[tuple[str, str], dict[str, Any]] = {}

    def collect(table: ir.Table, **aggs: Any) -> None:
        for row in table.group_by(keys).agg(**aggs).to_pyarrow().to_pylist():
            measures.setdefault((row["campaign"], row["window"]), {}).update(row)

    e = within(engagements.select("member_id", "created_at"), "created_at")
    collect(e, engaged_members=e.member_id.nunique())
    first = engagements.group_by("member_id").agg(first_at=engagements.created_at.min())
    f = within(first, "first_at")
    collect(f, new_members=f.count())
    if converted is not None:
        c = within(converted.select("occurred_at", "value"), "occurred_at")
        collect(c, conversions=c.count(), conversion_value=c.value.sum())
    if follows is not None and brand_ids:
        fo = follows.filter(follows.followee_id.isin(brand_ids)).select("follower_id", "followed_at")
        fo = within(fo, "followed_at")
        collect(fo, new_followers=fo.follower_id.nunique())
    rows: list[dict[str, Any]] = []
    for x in windows:
        got = measures.get((x["campaign"], x["window"]), {})
        row = {
            "campaign": x["campaign"], "window": x["window"], "start": x["start"], "end": x["end"], "days": x["days"],
            "data_coverage": _coverage(x["start"], x["end"], data_span),
            "engaged_members": int(got.get("engaged_members") or 0),
            "new_members": int(got.get("new_members") or 0),
            "conversions": None if converted is None else int(got.get("conversions") or 0),
            "conversion_value": got.get("conversion_value"),
            "new_followers": None if follows is None else int(got.get("new_followers") or 0),
        }
        rows.append(row)
    before = {r["campaign"]: r for r in rows if r["window"] == "before"}
    for row in rows:
        base = before[row["campaign"]]
        for measure, lift in (("engaged_members", "engaged_lift"), ("conversions", "conversions_lift")):
            ratio = None if row["window"] == "before" or row[measure] is None else safe_ratio(row[measure], base[measure])
            row[lift] = None if ratio is None else ratio - 1.0
    return pa.Table.from_pylist(rows, schema=IMPACT_SCHEMA)


def _coverage(start: dt.date, end: dt.date, span: tuple[dt.date, dt.date] | None) -> float | None:
    """Share of a window's days inside the data: below 1, its counts are incomplete."""
    if span is None:
        return None
    inside = (min(end, span[1]) - max(start, span[0])).days + 1
    return max(0, inside) / ((end - start).days + 1)
