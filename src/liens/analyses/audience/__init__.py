"""Audience quality (authenticity II): fake, inactive and mass-following followers, and bought-follower bursts.

Every current follower of the brand gets `fake_score` (probability of being fake), `audience_label`
(real, fake, inactive, mass_follower) and `audience_reasons` (the signals that drove it, and the
profile fields that were missing). The score comes from a transparent log-odds sum (`scoring.py`)
unless the user trained a model on their own labels (`model.py`, `liens audience train`). Follower
spikes are found on the daily series and judged by the fake share of the cohort that joined then
(`bursts.py`). `assess.py` puts it together as the Audience Quality Score; vetting another account
(an influencer) runs the same code on a sample of its followers.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa

from ...store.models import AUDIENCE_MODEL
from ..base import Context, Output, Step, TableOutput
from .assess import Assessment, assess, empty_spikes
from .bursts import SPIKE_SCHEMA
from .model import TrainedModel, from_table

ACCOUNT_SCHEMA = pa.schema([("account_id", pa.string()), ("fake_score", pa.float64()), ("audience_label", pa.string()),
                            ("audience_reasons", pa.string()), ("audience_reason_codes", pa.string())])
VETTING_SCHEMA = pa.schema([
    ("account_id", pa.string()), ("handle", pa.string()), ("followers", pa.int64()), ("followers_sampled", pa.int64()),
    ("fake_share", pa.float64()), ("fake_share_low", pa.float64()), ("fake_share_high", pa.float64()),
    ("fake_share_status", pa.string()),
    ("inactive_share", pa.float64()), ("mass_follower_share", pa.float64()),
    ("real_reachable_audience", pa.int64()), ("audience_quality_score", pa.float64()),
    ("engagement_authenticity", pa.float64()), ("bought_bursts", pa.int64()),
])
NEEDS_FOLLOWS = ("the audience analysis needs the 'follows' table (who follows the brand, since when) to score "
                 "followers; without it only the follower-count series can be checked for bursts")


def spikes_table(spikes: pd.DataFrame) -> pa.Table:
    schema = pa.schema([(name, pa.type_for_alias(kind)) for name, kind in SPIKE_SCHEMA.items()])
    if not len(spikes):
        return schema.empty_table()
    frame = spikes.astype({"campaign": object, "post_id": object})
    return pa.Table.from_pandas(frame[list(SPIKE_SCHEMA)], schema=schema, preserve_index=False)


def period(summary: dict[str, Any]) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The analysis period (first and last interaction, from the core summary) as naive UTC timestamps."""
    start, end = summary.get("period_start"), summary.get("period_end")
    if not start or not end:
        return None
    as_naive = lambda t: t.tz_convert(None) if t.tzinfo is not None else t  # noqa: E731
    return as_naive(pd.Timestamp(start)), as_naive(pd.Timestamp(end))


def activity_of(ctx_accounts: Any) -> Any:
    cols = ["account_id", "interactions_made"] + (["pod_id"] if "pod_id" in ctx_accounts.columns else [])
    return ctx_accounts.select(*cols)


def scorer_name(model: TrainedModel | None) -> str:
    return "default" if model is None else f"trained {model.trained_at[:10]} ({model.n_labels} labels)"


def audience(ctx: Context) -> Output:
    settings = ctx.config.audience
    follows, series = ctx.table("follows"), ctx.table("audience")
    model = from_table(ctx.table(AUDIENCE_MODEL))
    empty_accounts = ACCOUNT_SCHEMA.empty_table()
    if not ctx.brand_ids or (follows is None and series is None):
        reason = NEEDS_FOLLOWS if ctx.brand_ids else "the audience analysis needs to know the brand's accounts"
        return Output(tables={"bursts": spikes_table(empty_spikes()), "growth_spikes": spikes_table(empty_spikes())},
                      account_columns=empty_accounts, summary={"audience_skipped": reason, "audience_scorer": scorer_name(model)})
    common = dict(accounts=ctx.inputs["accounts"], activity=activity_of(ctx.accounts), follows=follows,
                  audience=series, posts=ctx.inputs["posts"], interactions=ctx.interactions, settings=settings,
                  model=model, span=period(ctx.summary))
    ctx.progress("audience: scoring followers")
    result = assess(owners=list(ctx.brand_ids), **common)
    summary = {k: v for k, v in result.summary.items() if not k.startswith("_")}
    summary["audience_scorer"] = scorer_name(model)
    if follows is None:
        summary["audience_skipped"] = NEEDS_FOLLOWS
    now = result.followers[result.followers.is_current]
    tables: dict[str, Any] = {
        "bursts": spikes_table(result.spikes[result.spikes.is_bought] if len(result.spikes) else result.spikes),
        "growth_spikes": spikes_table(result.spikes),
    }
    if settings.vet_accounts:
        ctx.progress("audience: vetting accounts")
        tables["vetting"] = pa.Table.from_pylist(
            [vetting_row(account, assess(owners=[account], sample=settings.vet_sample, **common), ctx.inputs["accounts"],
                         follows) for account in settings.vet_accounts], schema=VETTING_SCHEMA)
    return Output(tables=tables, account_columns=pa.Table.from_pandas(now[list(ACCOUNT_SCHEMA.names)],
                                                                      schema=ACCOUNT_SCHEMA, preserve_index=False),
                  summary=summary)


def vetting_row(account: str, result: Assessment, accounts: Any, follows: Any) -> dict[str, Any]:
    """One vetted account: its sample's figures, and the real reachable audience scaled to all its followers."""
    s = result.summary
    handle = accounts.filter(accounts.account_id == account).handle.to_pyarrow().to_pylist() if "handle" in accounts.columns else []
    total = None
    if follows is not None:
        mine = follows.filter((follows.followee_id == account) & follows.unfollowed_at.isnull())
        total = int(mine.follower_id.nunique().to_pyarrow().as_py())
    n = s.get("followers_scored") or 0
    by = s.get("audience_by_label") or {}
    low, high = (s.get("fake_share_ci") or [None, None])
    share = s.get("fake_share")
    return {
        "account_id": account, "handle": handle[0] if handle else None, "followers": total, "followers_sampled": n,
        "fake_share": share, "fake_share_low": low, "fake_share_high": high,
        "fake_share_status": s.get("fake_share_status"),
        "inactive_share": s.get("inactive_share"), "mass_follower_share": s.get("mass_follower_share"),
        # The real share of the sample (labelled real), scaled to all the account's followers.
        "real_reachable_audience": None if not n or total is None else int(round(by.get("real", 0) / n * total)),
        "audience_quality_score": s.get("audience_quality_score"),
        "engagement_authenticity": (s.get("audience_components") or {}).get("engagement_authenticity"),
        "bought_bursts": s.get("bought_bursts"),
    }


__all__ = ["NEEDS_FOLLOWS", "Assessment", "assess", "audience", "period", "vetting_row"]


STEP = Step(
    "audience", audience,
    reads=("accounts", "posts", "follows", "audience", AUDIENCE_MODEL),
    tables=(
        TableOutput("bursts", ("owner_id", "series", "start_date"), ("owner_id", "date", "start_date", "end_date", "days", "gain", "expected_gain", "excess", "score", "cohort_size", "cohort_fake_share", "usual_fake_share", "excess_fake_share", "post_id", "post_engagement_ratio", "campaign", "kind", "is_bought", "explanation", "series")),
        TableOutput("growth_spikes", ("owner_id", "series", "start_date"), ("owner_id", "date", "start_date", "end_date", "days", "gain", "expected_gain", "excess", "score", "cohort_size", "cohort_fake_share", "usual_fake_share", "excess_fake_share", "post_id", "post_engagement_ratio", "campaign", "kind", "is_bought", "explanation", "series")),
        TableOutput("vetting", ("account_id",), tuple(VETTING_SCHEMA.names), optional=True),
    ),
    account_columns=("fake_score", "audience_label", "audience_reasons", "audience_reason_codes"),
)
