"""Business: conversions, the funnel, attribution, cost of engagement and goals."""

from __future__ import annotations

from ....api import quote_identifier as q
from ...i18n import figure_label
from .. import charts
from ..model import Chart, Note, Section, Tile
from .build import Build
from .views import FUNNEL_SEGMENTS

# The funnel's stages, in order, and their names in the catalogue.
FUNNEL_STAGES = {"followers": "followers", "engaged_members": "stage_engaged_members",
                 "members_with_intent": "stage_members_with_intent", "converted_members": "stage_converted_members"}
# The dimensions the attribution chart can show, in order of preference, and their names in the catalogue.
ATTRIBUTION_DIMENSIONS = {"format": "dim_format", "campaign": "campaign", "topic": "dim_topic", "post": "post"}


def business_section(b: Build) -> Section:
    src, summ = b.src, b.src.summary
    sec = b.section("business")
    tiles = b.figure_tiles("conversions", "conversion_rate", "conversions_value", "median_days_to_convert", "cost_total",
                           "cost_per_engaged_member", "cost_per_lead", "cost_per_conversion", "return_on_engagement")
    by_link = summ.get("conversions_by_link")
    if isinstance(by_link, dict):
        b.shown_figures.add("conversions_by_link")
        tiles.append(Tile(figure_label("conversions_by_link", b.lang), b.num(sum(v or 0 for v in by_link.values())),
                          "conversions_by_link", note=", ".join(f"{k}: {b.num(v)}" for k, v in by_link.items())))
    if tiles:
        sec.blocks.append(tiles)
    ran = bool(tiles) or "business" in (summ.get("analyses") or [])
    for item in summ.get("business_warnings") or []:
        if isinstance(item, dict) and item.get("message"):
            sec.blocks.append(Note(str(item["message"]), tone="alert" if item.get("level") == "warning" else ""))
    if "business_warnings" in summ:
        b.shown_figures.add("business_warnings")
    funnel = _funnel_chart(b)
    if funnel:
        sec.blocks.append(funnel)
    attribution = _attribution_chart(b)
    if attribution:
        sec.blocks.append(attribution)
    extra = [k for k in ("attributed_conversions", "unattributed_person_conversions", "top_post_by_conversions",
                         "top_post_by_likes", "attribution_vanity_distance", "attribution_lookback_days", "cost_hours",
                         "cost_currency", "goals", "goals_by_status", "funnel_followers", "funnel_followers_all", "funnel_engaged_members",
                         "funnel_members_with_intent", "funnel_converted_members") if summ.get(k) is not None]
    if extra:
        sec.blocks.append(b.figure_tiles(*extra))
    for name in ("goals", "funnel", "attribution", "cost_of_engagement", "campaign_impact", "conversions", "leads",
                 "attribution_touches"):
        block = b.table(name)
        if block:
            ran = True
            sec.blocks.append(block)
        if name == "funnel" and src.has_col("funnel", "segment_by", "period", "platform"):
            segments = b.table("funnel", FUNNEL_SEGMENTS, title=b.t("funnel_segments"))
            if segments and segments.total:
                sec.blocks.append(segments)
    return b.finish(sec, ran, "an_business")


def _funnel_chart(b: Build) -> Chart | None:
    """People at each stage: followers, engaged members, members with intent, converted."""
    src = b.src
    stages = list(FUNNEL_STAGES)
    if not src.has("funnel") or not src.has_col("funnel", "period", "platform", "segment_by"):
        return None
    row = src.rows(f"SELECT {', '.join(q(c) for c in stages if src.has_col('funnel', c))} FROM {src.ref('funnel')} "
                   f"WHERE period = 'all' AND segment_by = 'all' AND platform = ? LIMIT 1", [b.src.filters.platform or "all"])
    if not row:
        return None
    values = [{"stage": b.t(FUNNEL_STAGES[k]), "n": float(v)} for k, v in row[0].items() if v is not None]
    if not values:
        return None
    return b.bars("funnel", "funnel_chart", values, category="stage", value="n", x_key="people_axis", y_key="stage_axis",
                  tables=("funnel",))


def _attribution_chart(b: Build) -> Chart | None:
    """What led to conversions (linear share) against what the likes ranking would credit."""
    src = b.src
    if not src.has_col("attribution", "dimension", "value", "linear_share", "likes_share"):
        return None
    dims = [r["dimension"] for r in src.rows(f"SELECT DISTINCT dimension FROM {src.ref('attribution')}")]
    dim = next((d for d in ATTRIBUTION_DIMENSIONS if d in dims), None)
    if dim is None:
        return None
    rows = src.rows(f"SELECT value, linear_share, likes_share FROM {src.ref('attribution')} WHERE dimension = ? "
                    f"ORDER BY linear_share DESC NULLS LAST LIMIT 10", [dim])
    values = []
    for r in rows:
        values.append({"v": str(r["value"]), "series": b.t("share_conversions"), "share": float(r["linear_share"] or 0)})
        values.append({"v": str(r["value"]), "series": b.t("share_likes"), "share": float(r["likes_share"] or 0)})
    if not values:
        return None
    return b.grouped_bars("attribution", "attribution_chart", values, category="v", group="series", value="share",
                          x_key=ATTRIBUTION_DIMENSIONS[dim], y_key="credit_axis", fmt=".0%", tables=("attribution",),
                          colors={b.t("share_conversions"): charts.PALETTE["real"], b.t("share_likes"): charts.PALETTE["vanity"]})
