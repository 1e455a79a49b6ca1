"""Goals: measurable targets declared in `liens.toml`, their progress, pace and status.

```toml
[[goals]]
name = "New customers this quarter"
metric = "new_customers"        # one of METRICS, or "summary.<key>" for any number of summary.json
target = 20
comparison = ">="               # ">=" (at least) or "<=" (at most); default: the metric's own
period = "2025-Q2"              # "2025", "2025-H1", "2025-Q2", "2025-05", or start/end dates
kind = "sale"                   # filters, by metric: kind, source, campaign, platform, linked_by
```

`start = 2025-04-01` and `end = 2025-06-30` (inclusive, TOML dates or "YYYY-MM-DD" text) may
replace `period`; without either, the goal covers the whole data. A filter takes one value or a list.

Progress is measured "as of" a day (`business.goals_as_of`, else the last day of the data). For a
*cumulative* metric (a count, a sum, a cost) the pace is linear: `expected_by_now = target ×
elapsed share of the period`. Status: `reached` (the target is met; for an "at most" goal, at the
end of the period without going over), `on_track` (ahead of the pace; for a level metric such as
a rate or a median, currently meeting the target), `behind`, `missed` (period over, or an "at
most" budget already exceeded), `not_started` (the period starts after the as-of day),
`not_computed` (the data or an earlier analysis does not give this metric: the note says why),
`invalid` (the goal is malformed: the note says how).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

import ibis.expr.types as ir
import pyarrow as pa

from ...errors import ConfigError
from ...schema import CONVERSION_KINDS
from .cost import ONE_DAY, prorated
from .linking import LINKS

COMPARISONS = (">=", "<=")
STATUSES = ("reached", "on_track", "behind", "missed", "not_started", "not_computed", "invalid")
CONVERSION_FILTERS = ("kind", "source", "campaign", "platform", "linked_by")
SUMMARY_PREFIX = "summary."


@dataclass(frozen=True)
class Metric:
    cumulative: bool  # grows over the period (a count, a sum): paced linearly
    comparison: str  # the usual direction: more is better (">=") or less is better ("<=")
    filters: tuple[str, ...]
    meaning: str


METRICS: dict[str, Metric] = {
    "conversions": Metric(True, ">=", CONVERSION_FILTERS, "conversions in the period"),
    "conversion_value": Metric(True, ">=", CONVERSION_FILTERS, "summed value of the conversions in the period"),
    "customers": Metric(True, ">=", CONVERSION_FILTERS, "distinct people with a conversion in the period"),
    "new_customers": Metric(True, ">=", CONVERSION_FILTERS, "people whose first conversion ever (matching the filters) falls in the period"),
    "engaged_members": Metric(True, ">=", ("platform",), "people who engaged with the brand (clean) in the period"),
    "new_members": Metric(True, ">=", ("platform",), "people whose first engagement with the brand falls in the period"),
    "conversion_rate": Metric(False, ">=", ("platform",), "people converting after engaging, over people engaged, in the period"),
    "cost": Metric(True, "<=", ("platform", "campaign"), "cost of the period (cost lines pro-rated by day)"),
    "cost_per_conversion": Metric(False, "<=", ("platform", "campaign"), "cost over conversions, in the period"),
    "cost_per_lead": Metric(False, "<=", ("platform", "campaign"), "cost over conversions of kind lead, in the period"),
    "cost_per_engaged_member": Metric(False, "<=", ("platform", "campaign"), "cost over people engaged, in the period"),
    "median_response_minutes": Metric(False, "<=", ("platform",), "median minutes before the brand answered, for interactions of the period"),
    "median_response_hours": Metric(False, "<=", ("platform",), "the same in hours"),
    "audience_quality_score": Metric(False, ">=", (), "the audience analysis' Audience Quality Score (0-100), for the whole data"),
}

GOALS_SCHEMA = pa.schema([
    ("goal", pa.string()), ("metric", pa.string()), ("filters", pa.string()), ("comparison", pa.string()),
    ("target", pa.float64()), ("period", pa.string()), ("period_start", pa.date32()), ("period_end", pa.date32()),
    ("as_of", pa.date32()), ("elapsed_share", pa.float64()), ("actual", pa.float64()),
    ("expected_by_now", pa.float64()), ("progress", pa.float64()), ("status", pa.string()), ("note", pa.string()),
    ("note_codes", pa.string()),
])


@dataclass(frozen=True)
class Goal:
    name: str
    metric: str
    target: float
    comparison: str
    period: str = ""  # as written ("2025-Q2"), or start..end; empty: the whole data
    start: dt.date | None = None
    end: dt.date | None = None  # inclusive
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def cumulative(self) -> bool:
        spec = METRICS.get(self.metric)
        return bool(spec and spec.cumulative)


# -- parsing ---------------------------------------------------------------------------------

_PERIOD = re.compile(r"^(\d{4})(?:-(?:(Q[1-4])|(H[12])|(\d{2})))?$", re.IGNORECASE)
_KNOWN_KEYS = {"name", "metric", "target", "comparison", "period", "start", "end"}


def parse_period(text: str) -> tuple[dt.date, dt.date]:
    """'2025' / '2025-H1' / '2025-Q2' / '2025-05' → (first day, last day)."""
    match = _PERIOD.match(text.strip())
    if not match:
        raise ValueError(f"period {text!r} is not one of YYYY, YYYY-H1, YYYY-Q2, YYYY-MM")
    year = int(match.group(1))
    if match.group(2):
        first_month, months = 3 * (int(match.group(2)[1]) - 1) + 1, 3
    elif match.group(3):
        first_month, months = 6 * (int(match.group(3)[1]) - 1) + 1, 6
    elif match.group(4):
        first_month, months = int(match.group(4)), 1
        if not 1 <= first_month <= 12:
            raise ValueError(f"period {text!r}: month {first_month} does not exist")
    else:
        first_month, months = 1, 12
    start = dt.date(year, first_month, 1)
    after = first_month + months
    end = dt.date(year + (after - 1) // 12, (after - 1) % 12 + 1, 1) - ONE_DAY
    return start, end


def _date(value: Any, key: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"'{key}' must be a date such as 2025-04-01, got {value!r}")


def parse_goal(raw: Any, index: int = 1) -> Goal:
    """One `[[goals]]` table as a Goal, or a ConfigError saying precisely what is wrong."""
    label = f"goal #{index}"
    try:
        if not isinstance(raw, dict):
            raise ValueError("expected a table with at least 'metric' and 'target'")
        name = raw.get("name")
        if name is not None:
            if not isinstance(name, str) or not name.strip():
                raise ValueError("'name' must be a non-empty text")
            label = f"goal #{index} '{name}'"
        metric = raw.get("metric")
        if not isinstance(metric, str) or not metric.strip():
            raise ValueError(f"'metric' is missing (one of {', '.join(METRICS)}, or summary.<key>)")
        metric = metric.strip()
        if metric.startswith(SUMMARY_PREFIX):
            if not metric[len(SUMMARY_PREFIX):]:
                raise ValueError("'summary.' must be followed by a key of summary.json")
            spec = Metric(False, ">=", (), "a number of summary.json")
        elif metric in METRICS:
            spec = METRICS[metric]
        else:
            raise ValueError(f"unknown metric '{metric}' (known: {', '.join(METRICS)}, or summary.<key>)")
        target = raw.get("target")
        if isinstance(target, bool) or not isinstance(target, (int, float)) or not math.isfinite(target):
            raise ValueError(f"'target' must be a number, got {target!r}")
        if target < 0:
            raise ValueError(f"'target' must not be negative, got {target!r}")
        comparison = raw.get("comparison", spec.comparison)
        if comparison not in COMPARISONS:
            raise ValueError(f"'comparison' must be '>=' (at least) or '<=' (at most), got {comparison!r}")
        period, start, end = "", None, None
        if "period" in raw:
            if "start" in raw or "end" in raw:
                raise ValueError("give either 'period' or 'start'/'end', not both")
            if not isinstance(raw["period"], str):
                raise ValueError(f"'period' must be a text such as \"2025-Q2\", got {raw['period']!r}")
            start, end = parse_period(raw["period"])
            period = raw["period"].strip().upper()
        elif "start" in raw or "end" in raw:
            if "start" not in raw or "end" not in raw:
                raise ValueError("a goal with 'start' needs 'end' too (and the other way round)")
            start, end = _date(raw["start"], "start"), _date(raw["end"], "end")
            if end < start:
                raise ValueError(f"'end' ({end}) is before 'start' ({start})")
            period = f"{start}..{end}"
        filters: dict[str, tuple[str, ...]] = {}
        for key, value in raw.items():
            if key in _KNOWN_KEYS:
                continue
            if key not in spec.filters:
                allowed = ", ".join(spec.filters) or "none"
                raise ValueError(f"unknown setting or filter '{key}' for metric '{metric}' (filters: {allowed})")
            values = value if isinstance(value, list) else [value]
            if not values or not all(isinstance(v, str) and v.strip() for v in values):
                raise ValueError(f"filter '{key}' must be a text or a list of texts, got {value!r}")
            allowed_values = {"kind": CONVERSION_KINDS, "linked_by": LINKS}.get(key)
            bad = [v for v in values if allowed_values and v not in allowed_values]
            if bad:
                raise ValueError(f"filter '{key}': {bad[0]!r} is not one of {', '.join(allowed_values or ())}")
            filters[key] = tuple(v.strip() for v in values)
        return Goal(name=name.strip() if name else metric, metric=metric, target=float(target),
                    comparison=comparison, period=period, start=start, end=end, filters=filters)
    except ValueError as error:
        raise ConfigError(f"{label}: {error}") from None


def parse_goals_lenient(raw_goals: list[Any]) -> tuple[list[Goal], list[tuple[int, Any, str]]]:
    """Valid goals, and (position, raw goal, message) for each malformed one."""
    goals, problems = [], []
    for index, raw in enumerate(raw_goals, start=1):
        try:
            goals.append(parse_goal(raw, index))
        except ConfigError as error:
            problems.append((index, raw, str(error)))
    return goals, problems


def parse_goals(raw_goals: list[Any], source: str = "") -> list[Goal]:
    """Every goal, or one ConfigError listing every malformed goal."""
    goals, problems = parse_goals_lenient(raw_goals)
    if problems:
        where = f"{source}: " if source else ""
        raise ConfigError(where + "; ".join(message for _, _, message in problems))
    return goals


# -- evaluation ------------------------------------------------------------------------------

@dataclass
class Facts:
    """What goals are measured on; built from the analysis context or from a store's results."""

    engagements: ir.Table  # brand_engagements(): member_id, created_at, platform
    converted: ir.Table | None  # the conversions result, None without a conversions table
    responses: ir.Table | None  # interactions with created_at, platform, response_minutes
    cost_lines: list[dict[str, Any]] | None  # None without a costs table
    hourly_rate: float
    summary: dict[str, Any]
    data_start: dt.date | None
    data_end: dt.date | None


# Why a goal is not computed, or a caveat on its figure: code → English text (the CLI translates).
NOTES: dict[str, str] = {
    "no_conversions_table": "the dataset has no conversions table",
    "no_costs_table": "the dataset has no costs table",
    "cost_currencies": "cost lines are in several currencies ({currencies})",
    "no_cost_line": "no cost line covers this period (with these filters)",
    "empty_denominator": "no {what} in the period: the ratio is undefined",
    "summary_missing": "summary.json has no number '{key}'",
    "no_audience_score": "the audience analysis did not compute audience_quality_score (did it run?)",
    "no_answer_in_period": "no answered interaction in the period",
    "no_response_times": "response times are not computed (the conversation analysis did not run or found no answer)",
    "no_value": "no conversion of the period carries a value",
    "value_currencies": "conversion values of the period are in several currencies",
    "campaign_engaged": "engaged people are not counted per campaign: drop the campaign filter",
    "no_dated_data": "the data holds no dated interaction or conversion",
    "starts_later": "the period starts on {start}",
    "data_starts_later": "the data starts on {start}, after the period's start",
    "whole_data_summary": "whole data: a summary figure ignores the period",
    "whole_data_score": "whole data: the score is not computed per period",
    "whole_data_responses": "whole data: response times per interaction are not available",
}


def note(code: str, **params: Any) -> dict[str, Any]:
    return {"code": code, **{k: str(v) for k, v in params.items()}}


def render_notes(notes: list[dict[str, Any]]) -> str:
    return "; ".join(NOTES[n["code"]].format(**{k: v for k, v in n.items() if k != "code"}) for n in notes)


class _NotComputed(Exception):
    """The metric cannot be computed from this data; the note says why."""

    def __init__(self, code: str, **params: Any) -> None:
        self.note = note(code, **params)
        super().__init__(render_notes([self.note]))


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)


def _in(ts: ir.TimestampValue, t0: dt.datetime, t1: dt.datetime) -> ir.BooleanValue:
    return (ts >= t0) & (ts < t1)


def _scalar(expr: ir.Scalar) -> Any:
    return expr.to_pyarrow().as_py()


def _conversions(facts: Facts, goal: Goal) -> ir.Table:
    if facts.converted is None:
        raise _NotComputed("no_conversions_table")
    c = facts.converted
    for key, values in goal.filters.items():
        column = c[key]
        if key in ("source", "campaign", "platform"):
            c = c.filter(column.lower().isin([v.lower() for v in values]))
        else:
            c = c.filter(column.isin(list(values)))
    return c


def _engaged(facts: Facts, goal: Goal) -> ir.Table:
    e = facts.engagements
    if "platform" in goal.filters:
        e = e.filter(e.platform.lower().isin([v.lower() for v in goal.filters["platform"]]))
    return e


def _cost(facts: Facts, goal: Goal, d0: dt.date, d1: dt.date) -> float:
    if facts.cost_lines is None:
        raise _NotComputed("no_costs_table")
    currencies = {line["currency"] for line in facts.cost_lines if line.get("currency")}
    if len(currencies) > 1:
        raise _NotComputed("cost_currencies", currencies=", ".join(sorted(currencies)))
    platform = list(goal.filters["platform"]) if "platform" in goal.filters else None
    campaign = list(goal.filters["campaign"]) if "campaign" in goal.filters else None
    cost, _hours, used = prorated(facts.cost_lines, d0, d1, facts.hourly_rate, platform, campaign)
    if not used:
        raise _NotComputed("no_cost_line")
    return cost


def _ratio(numerator: float, denominator: float, what: str) -> float:
    if not denominator:
        raise _NotComputed("empty_denominator", what=what)
    return numerator / denominator


def _value(goal: Goal, facts: Facts, t0: dt.datetime, t1: dt.datetime) -> tuple[float, dict[str, Any] | None]:
    """The metric's value over [t0, t1), and a caveat (a note) or None."""
    m = goal.metric
    d0, d1 = t0.date(), (t1 - ONE_DAY).date()
    if m.startswith(SUMMARY_PREFIX):
        key = m[len(SUMMARY_PREFIX):]
        value = facts.summary.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _NotComputed("summary_missing", key=key)
        return float(value), note("whole_data_summary")
    if m == "audience_quality_score":
        value = facts.summary.get("audience_quality_score")
        if value is None:
            raise _NotComputed("no_audience_score")
        return float(value), note("whole_data_score")
    if m in ("median_response_minutes", "median_response_hours"):
        scale = 60.0 if m.endswith("hours") else 1.0
        if facts.responses is not None:
            r = facts.responses.filter(_in(facts.responses.created_at, t0, t1) & facts.responses.response_minutes.notnull())
            if "platform" in goal.filters:
                r = r.filter(r.platform.lower().isin([v.lower() for v in goal.filters["platform"]]))
            value = _scalar(r.response_minutes.median())
            if value is None:
                raise _NotComputed("no_answer_in_period")
            return float(value) / scale, None
        value = facts.summary.get("median_response_minutes")
        if value is None:
            raise _NotComputed("no_response_times")
        return float(value) / scale, note("whole_data_responses")
    if m in ("conversions", "conversion_value", "customers", "new_customers"):
        c = _conversions(facts, goal)
        if m == "new_customers":
            firsts = c.filter(c.member_id.notnull()).group_by("member_id").agg(first=c.occurred_at.min())
            return float(_scalar(firsts.filter(_in(firsts.first, t0, t1)).count())), None
        c = c.filter(_in(c.occurred_at, t0, t1))
        if m == "conversions":
            return float(_scalar(c.count())), None
        if m == "customers":
            return float(_scalar(c.member_id.nunique())), None
        row = c.agg(value=c.value.sum(), n=c.value.count(), currencies=c.currency.nunique()).to_pyarrow().to_pylist()[0]
        if not row["n"]:
            raise _NotComputed("no_value")
        if row["currencies"] > 1:
            raise _NotComputed("value_currencies")
        return float(row["value"]), None
    if m in ("engaged_members", "new_members", "conversion_rate"):
        e = _engaged(facts, goal)
        if m == "new_members":
            firsts = e.group_by("member_id").agg(first=e.created_at.min())
            return float(_scalar(firsts.filter(_in(firsts.first, t0, t1)).count())), None
        engaged = float(_scalar(e.filter(_in(e.created_at, t0, t1)).member_id.nunique()))
        if m == "engaged_members":
            return engaged, None
        c = _conversions(facts, goal)
        after = c.filter(_in(c.occurred_at, t0, t1) & c.days_to_convert.notnull())
        return _ratio(float(_scalar(after.member_id.nunique())), engaged, "engaged people"), None
    if m.startswith("cost"):
        cost = _cost(facts, goal, d0, d1)
        if m == "cost":
            return cost, None
        if m == "cost_per_engaged_member":
            e = _engaged(facts, goal)
            if "campaign" in goal.filters:
                raise _NotComputed("campaign_engaged")
            return _ratio(cost, float(_scalar(e.filter(_in(e.created_at, t0, t1)).member_id.nunique())), "engaged people"), None
        c = _conversions(facts, Goal(goal.name, "conversions", goal.target, goal.comparison, filters=goal.filters))
        c = c.filter(_in(c.occurred_at, t0, t1))
        if m == "cost_per_lead":
            return _ratio(cost, float(_scalar(c.filter(c.kind == "lead").count())), "leads"), None
        return _ratio(cost, float(_scalar(c.count())), "conversions"), None
    raise AssertionError(f"metric '{m}' has no definition")  # parse_goal checks the name


def resolve_as_of(setting: str, facts: Facts) -> dt.date | None:
    if setting:
        try:
            return dt.date.fromisoformat(setting.strip())
        except ValueError:
            raise ConfigError(f"business.goals_as_of: {setting!r} is not a date such as 2025-06-30") from None
    return facts.data_end


def evaluate(goals: list[Goal], facts: Facts, as_of: dt.date | None,
             problems: list[tuple[int, Any, str]] = ()) -> pa.Table:  # type: ignore[assignment]
    """The `goals` result table: one row per goal (malformed ones as `invalid`)."""
    rows = [_evaluate_one(goal, facts, as_of) for goal in goals]
    for index, raw, message in problems:
        raw = raw if isinstance(raw, dict) else {}
        rows.append(_row(str(raw.get("name") or f"#{index}"), str(raw.get("metric") or ""), "", None, None,
                         str(raw.get("period") or ""), None, None, as_of, status="invalid", note=message,
                         note_codes=json.dumps([{"code": "invalid"}])))
    return pa.Table.from_pylist(rows, schema=GOALS_SCHEMA)


def _row(name: str, metric: str, filters: str, comparison: str | None, target: float | None, period: str,
         start: dt.date | None, end: dt.date | None, as_of: dt.date | None, **values: Any) -> dict[str, Any]:
    row = {"goal": name, "metric": metric, "filters": filters, "comparison": comparison, "target": target,
           "period": period, "period_start": start, "period_end": end, "as_of": as_of,
           "elapsed_share": None, "actual": None, "expected_by_now": None, "progress": None, "status": None, "note": "", "note_codes": "[]"}
    notes = values.pop("notes", None)
    if notes is not None:
        values.update(note=render_notes(notes), note_codes=json.dumps(notes, ensure_ascii=False))
    row.update(values)
    return row


def _evaluate_one(goal: Goal, facts: Facts, as_of: dt.date | None) -> dict[str, Any]:
    filters = json.dumps({k: list(v) for k, v in goal.filters.items()}, ensure_ascii=False) if goal.filters else ""
    start = goal.start or facts.data_start
    end = goal.end or facts.data_end
    base: dict[str, Any] = dict(name=goal.name, metric=goal.metric, filters=filters, comparison=goal.comparison, target=goal.target,
                period=goal.period or "all", start=start, end=end, as_of=as_of)
    if start is None or end is None or as_of is None:
        return _row(**base, status="not_computed", notes=[note("no_dated_data")])
    if as_of < start:
        return _row(**base, elapsed_share=0.0, status="not_started", notes=[note("starts_later", start=start)])
    days = (end - start).days + 1
    upto = min(end, as_of)
    elapsed = ((upto - start).days + 1) / days
    notes = []
    if facts.data_start is not None and facts.data_start > start:
        notes.append(note("data_starts_later", start=facts.data_start))
    try:
        actual, caveat = _value(goal, facts, _midnight(start), _midnight(upto + ONE_DAY))
    except _NotComputed as reason:
        return _row(**base, elapsed_share=elapsed, status="not_computed", notes=[*notes, reason.note])
    if caveat:
        notes.append(caveat)
    at_least = goal.comparison == ">="
    assert goal.target is not None  # a goal without a number is invalid before it is evaluated
    met = actual >= goal.target if at_least else actual <= goal.target
    over = as_of >= end
    expected = goal.target * elapsed if goal.cumulative else None
    if expected is not None and at_least:
        status = "reached" if met else "missed" if over else "on_track" if actual >= expected else "behind"
    elif expected is not None:
        status = "missed" if not met else "reached" if over else "on_track" if actual <= expected else "behind"
    else:
        status = ("reached" if met else "missed") if over else ("on_track" if met else "behind")
    return _row(**base, elapsed_share=elapsed, actual=actual, expected_by_now=expected,
                progress=actual / goal.target if goal.target else None, status=status, notes=notes)


def goals_summary(table: pa.Table) -> dict[str, Any]:
    counts = {status: 0 for status in STATUSES}
    for status in table.column("status").to_pylist():
        counts[status] += 1
    return {"goals": table.num_rows, "goals_by_status": {k: v for k, v in counts.items() if v}}


def goal_warnings(problems: list[tuple[int, Any, str]], table: pa.Table) -> list[dict[str, Any]]:
    from .linking import warning

    out = [warning("goal_invalid", message, goal=index) for index, _raw, message in problems]
    for row in table.to_pylist():
        if row["status"] == "not_computed":
            out.append(warning("goal_not_computed", f"goal '{row['goal']}' ({row['metric']}) is not computed: {row['note']}",
                               goal=row["goal"]))
    return out

