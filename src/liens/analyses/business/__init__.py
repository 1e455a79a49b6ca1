"""Business outcomes: what engagement leads to (conversions), through which content, at what cost.

The last step: it uses what earlier steps added when present (`is_authentic` from pods, `intent`
and `response_minutes` from conversation, `member_level` and `engagement_score` from community,
`audience_label` and the Audience Quality Score from audience) and says so when they are absent
(`summary.business_warnings`), never reporting a zero for what it could not compute.

Result tables: conversions, funnel, attribution, attribution_touches, cost_of_engagement,
campaign_impact, goals (see docs/results.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis.expr.types as ir
import pyarrow as pa

from ...errors import ConfigError
from ..base import Context, Output, Step, TableOutput
from .attribution import MODELS, attribution, attribution_summary, touches
from .cost import campaign_impact, campaign_periods, cost_summary, cost_table, read_costs
from .funnel import followers_by_grain, funnel, funnel_summary, people
from .goals import Facts, evaluate, goal_warnings, goals_summary, parse_goals_lenient, resolve_as_of
from .linking import (
    PERSON_LINKS,
    brand_engagements,
    identity_warnings,
    link_conversions,
    linking_summary,
    person_map,
    warning,
)

__all__ = ["business", "check_settings", "facts_from_tables", "remeasure_goals"]


def check_settings(settings: Any) -> None:
    if settings.attribution_model not in MODELS:
        raise ConfigError(f"business.attribution_model: {settings.attribution_model!r} is not one of {', '.join(MODELS)}")
    if settings.lookback_days < 1:
        raise ConfigError(f"business.lookback_days: must be at least 1, got {settings.lookback_days}")
    if settings.hourly_rate < 0:
        raise ConfigError(f"business.hourly_rate: must not be negative, got {settings.hourly_rate}")


def _cache(ctx: Context, name: str, table: ir.Table) -> ir.Table:
    """Compute a table reused by several queries once (Ibis caches it in the engine, on any backend)."""
    ctx.progress(f"business: {name}")
    return table.cache()


def _day(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()


def data_span(interactions: ir.Table, converted: ir.Table | None) -> tuple[dt.date | None, dt.date | None]:
    """First and last day with an interaction or a conversion."""
    row = interactions.agg(a=interactions.created_at.min(), b=interactions.created_at.max()).to_pyarrow().to_pylist()[0]
    starts, ends = [row["a"]], [row["b"]]
    if converted is not None:
        got = converted.agg(a=converted.occurred_at.min(), b=converted.occurred_at.max()).to_pyarrow().to_pylist()[0]
        starts.append(got["a"])
        ends.append(got["b"])
    starts = [s for s in starts if s is not None]
    ends = [e for e in ends if e is not None]
    return (_day(min(starts)) if starts else None, _day(max(ends)) if ends else None)


def _responses(interactions: ir.Table) -> ir.Table | None:
    if "response_minutes" not in interactions.columns:
        return None
    return interactions.select("created_at", "platform", "response_minutes")


def facts_from_tables(accounts: ir.Table, interactions: ir.Table, identities: ir.Table | None,
                      converted: ir.Table | None, costs: ir.Table | None, brand_ids: list[str],
                      summary: dict[str, Any], settings: Any) -> tuple[Facts, list[dict[str, Any]]]:
    """Goal facts from result tables (used by `liens goals` to re-measure goals on a stored run)."""
    persons = person_map(accounts, identities)
    engagements = brand_engagements(interactions, persons, brand_ids, list(settings.intent_kinds))
    lines, warnings = read_costs(costs) if costs is not None else (None, [])
    start, end = data_span(interactions, converted)
    facts = Facts(engagements=engagements, converted=converted, responses=_responses(interactions),
                  cost_lines=lines, hourly_rate=settings.hourly_rate, summary=summary,
                  data_start=start, data_end=end)
    return facts, warnings


def remeasure_goals(backend: Any, config: Any, summary: dict[str, Any]) -> pa.Table:
    """Measure `config.goals` again on the results of an earlier run (for `liens goals`).

    `backend` is an Ibis backend over a store holding `result_accounts`, `result_interactions`
    (and `result_conversions`, `identities`, `costs` when the dataset has them).
    """
    from ...errors import StoreError

    names = set(backend.list_tables())

    def get(name: str) -> ir.Table | None:
        return backend.table(name) if name in names else None

    accounts, interactions = get("result_accounts"), get("result_interactions")
    if accounts is None or interactions is None or "business" not in summary.get("analyses", []):
        raise StoreError("this store holds no business results yet: run `liens analyze` first")
    check_settings(config.business)
    facts, _ = facts_from_tables(accounts, interactions, get("identities"), get("result_conversions"), get("costs"),
                                 list(summary.get("brand_accounts") or []), summary, config.business)
    goals, problems = parse_goals_lenient(config.goals)
    return evaluate(goals, facts, resolve_as_of(config.business.goals_as_of, facts), problems)


def business(ctx: Context) -> Output:
    settings = ctx.config.business
    check_settings(settings)
    warnings: list[dict[str, Any]] = []
    summary: dict[str, Any] = {}
    tables: dict[str, Any] = {}
    columns = ctx.interactions.columns

    identities = ctx.table("identities")
    persons = _cache(ctx, "persons", person_map(ctx.accounts, identities))
    warnings += identity_warnings(identities)
    if not ctx.brand_ids:
        warnings.append(warning("no_brand", "no brand account is known: nobody can be counted as engaging with the brand"))
    if "is_authentic" not in columns:
        warnings.append(warning("not_cleaned", "the pods step did not run: engagement is counted raw, pods and bots included", level="note"))
    has_intent = "intent" in columns
    if not has_intent:
        warnings.append(warning("no_intent", "interactions carry no intent (the conversation step did not run): the funnel's intent stage is not computed", level="note"))
    engagements = _cache(ctx, "engagements", brand_engagements(ctx.interactions, persons, ctx.brand_ids, list(settings.intent_kinds)))

    # Linking.
    converted: ir.Table | None = None
    raw_conversions = ctx.table("conversions")
    if raw_conversions is None:
        warnings.append(warning("no_conversions", "the dataset has no conversions table: conversions, conversion rates, attribution and cost per conversion are not computed", level="note"))
        summary.update(conversions=None, conversions_by_link=None, conversions_value=None)
    else:
        converted = _cache(ctx, "conversions", link_conversions(raw_conversions, persons, engagements, list(settings.social_sources)))
        tables["conversions"] = converted
        by_link, link_warnings = linking_summary(converted)
        warnings += link_warnings
        total_value = converted.value.sum().to_pyarrow().as_py()
        summary.update(conversions=sum(by_link.values()), conversions_by_link=by_link,
                       conversions_value=None if total_value is None else float(total_value))
    person_converted = None if converted is None else converted.filter(converted.linked_by.isin(PERSON_LINKS))

    # Funnel.
    follows, audience = ctx.table("follows"), ctx.table("audience")
    followers_of = None
    if follows is not None or audience is not None:
        def followers_of(periods: list[str]) -> dict:
            return followers_by_grain(follows, audience, ctx.accounts, persons, ctx.brand_ids, periods)
    person_table = _cache(ctx, "people", people(engagements, person_converted, ctx.accounts, persons, ctx.brand_ids))
    funnel_table = funnel(engagements, person_converted, person_table, followers_of, has_intent)
    tables["funnel"] = funnel_table
    summary.update(funnel_summary(funnel_table))

    # Attribution.
    posts = ctx.inputs["posts"]
    brand_posts = posts.filter(posts.author_id.isin(ctx.brand_ids)) if ctx.brand_ids else posts.limit(0)
    if person_converted is not None:
        touch_table = _cache(ctx, "touches", touches(person_converted, engagements, brand_posts, settings.lookback_days))
        attribution_table = _cache(ctx, "attribution", attribution(touch_table, ctx.interactions, brand_posts, ctx.brand_ids))
        tables["attribution_touches"] = touch_table
        tables["attribution"] = attribution_table
        n_person = int(person_converted.count().to_pyarrow().as_py())
        summary.update(attribution_summary(touch_table, attribution_table, n_person, settings.lookback_days))

    # Cost.
    costs = ctx.table("costs")
    lines = None
    if costs is None:
        warnings.append(warning("no_costs", "the dataset has no costs table: cost figures are not computed", level="note"))
        summary.update(cost_summary(None))
    else:
        lines, cost_warnings = read_costs(costs)
        warnings += cost_warnings
        cost, more = cost_table(lines, engagements, converted, brand_posts, settings.hourly_rate)
        warnings += more
        tables["cost_of_engagement"] = cost
        summary.update(cost_summary(cost))
    start, end = data_span(ctx.interactions, converted)
    periods = campaign_periods(lines or [], brand_posts)
    tables["campaign_impact"] = campaign_impact(periods, engagements, converted, follows, ctx.brand_ids,
                                                None if start is None or end is None else (start, end))

    # Goals, measured on everything above and on the earlier steps' summary.
    goals, problems = parse_goals_lenient(ctx.config.goals)
    facts = Facts(engagements=engagements, converted=converted, responses=_responses(ctx.interactions),
                  cost_lines=lines, hourly_rate=settings.hourly_rate, summary={**ctx.summary, **summary},
                  data_start=start, data_end=end)
    goal_table = evaluate(goals, facts, resolve_as_of(settings.goals_as_of, facts), problems)
    tables["goals"] = goal_table
    summary.update(goals_summary(goal_table))
    warnings += goal_warnings(problems, goal_table)

    for item in warnings:
        item.setdefault("level", "warning")
    summary["business_warnings"] = warnings
    return Output(tables=tables, summary=summary)


STEP = Step(
    "business", business,
    reads=("posts", "interactions", "identities", "conversions", "follows", "audience", "costs"),
    tables=(
        TableOutput("conversions", ("conversion_id",), ("conversion_id", "kind", "occurred_at", "account_id", "value", "currency", "source", "campaign", "member_id", "linked_by", "platform", "first_engaged_at", "days_to_convert", "account_known"), optional=True),
        TableOutput("funnel", ("period", "platform", "segment_by", "segment"), ("period", "platform", "segment_by", "segment", "followers", "followers_all", "engaged_members", "members_with_intent", "converted_members", "converted_after_engaging", "intent_rate", "conversion_rate", "median_days_to_convert")),
        TableOutput("attribution_touches", ("conversion_id", "interaction_id"), ("conversion_id", "member_id", "conversion_kind", "occurred_at", "interaction_id", "kind", "touched_at", "post_id", "format", "campaign", "topic", "days_before", "touches_in_window", "first_touch", "last_touch", "linear", "value_linear"), optional=True),
        TableOutput("attribution", ("dimension", "value"), ("dimension", "value", "conversions", "touches", "first_touch", "last_touch", "linear", "value_linear", "first_touch_share", "last_touch_share", "linear_share", "likes", "likes_share", "rank_by_conversions", "rank_by_likes"), optional=True),
        TableOutput("cost_of_engagement", ("scope", "scope_value", "period_start", "period_end"), ("scope", "scope_value", "period_start", "period_end", "lines", "amount", "hours", "cost", "currency", "engaged_members", "leads", "conversions", "conversion_value", "cost_per_engaged_member", "cost_per_lead", "cost_per_conversion", "hours_per_conversion", "return_on_engagement"), optional=True),
        TableOutput("campaign_impact", ("campaign", "window"), ("campaign", "window", "start", "end", "days", "data_coverage", "engaged_members", "new_members", "conversions", "conversion_value", "new_followers", "engaged_lift", "conversions_lift")),
        TableOutput("goals", ("goal", "period_start"), ("goal", "metric", "filters", "comparison", "target", "period", "period_start", "period_end", "as_of", "elapsed_share", "actual", "expected_by_now", "progress", "status", "note", "note_codes")),
    ),
)
