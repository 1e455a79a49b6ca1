"""Community: members rather than followers, levels, retention, ambassadors, content that earns real engagement."""

from __future__ import annotations

from ....api import quote_identifier as q
from ...i18n import figure_label, word
from .. import charts
from ..model import Chart, Section, Tile
from .build import Build
from .views import TOP_ACCOUNTS


def community_section(b: Build) -> Section:
    src, summ = b.src, b.src.summary
    sec = b.section("community")
    tiles = b.figure_tiles("members", "active_members", "newly_active_members", "recently_inactive_members", "churn_rate",
                           "lethargic_share")
    amb = summ.get("ambassadors")
    if isinstance(amb, dict):
        b.shown_figures.add("ambassadors")
        tiles.append(Tile(figure_label("ambassadors", b.lang), b.num(sum(v or 0 for v in amb.values())), "ambassadors",
                          note=", ".join(f"{word(k, b.lang)}: {b.num(v)}" for k, v in amb.items())))
    if tiles:
        sec.blocks.append(tiles)
    ran = bool(tiles)
    levels = summ.get("member_levels")
    if isinstance(levels, dict) and levels:
        b.shown_figures.add("member_levels")
        values = [{"level": word(k, b.lang), "n": v or 0} for k, v in levels.items()]
        sec.blocks.append(b.bars("member-levels", "levels_chart", values, category="level", value="n", x_key="members_axis",
                                 y_key="level", tables=("members",) if src.has("members") else ()))
    elif src.has_col("accounts", "member_level"):
        counts = src.value_counts("accounts", "member_level", "member_level IS NOT NULL")
        if counts:
            values = [{"level": word(k, b.lang), "n": n} for k, n in counts]
            sec.blocks.append(b.bars("member-levels", "levels_chart", values, category="level", value="n",
                                     x_key="accounts_axis", y_key="level", tables=("accounts",)))
    if src.has("cohorts"):
        ran = True
        sec.blocks.append(_cohort_chart(b) or b.table("cohorts"))
    if src.has("periods"):
        chart = _periods_chart(b)
        if chart:
            sec.blocks.append(chart)
    if src.has("content"):
        chart = _content_chart(b)
        if chart:
            sec.blocks.append(chart)
    extra = [k for k in ("conversation_threads", "replies_per_thread", "threads_answered_by_brand",
                         "members_with_several_accounts", "follower_persons", "churned_members") if summ.get(k) is not None]
    if extra:
        sec.blocks.append(b.figure_tiles(*extra))
    top = b.table("accounts", TOP_ACCOUNTS, title=b.t("top_accounts"))
    if top:
        sec.blocks.append(top)
    ran = b.add_tables(sec, ("ambassadors", "members", "posts", "content", "periods")) or ran
    return b.finish(sec, ran, "an_community")


def _periods_chart(b: Build) -> Chart | None:
    src = b.src
    if not src.has_col("periods", "month", "raw_engagement", "clean_engagement"):
        return None
    where, params = src.where("periods")
    rows = src.rows(f"SELECT month, raw_engagement, clean_engagement FROM {src.ref('periods')} WHERE {where} ORDER BY month", params)
    values = []
    for r in rows:
        month = r["month"].isoformat()[:7] if r["month"] is not None else "–"
        values.append({"month": month, "series": b.t("raw"), "v": float(r["raw_engagement"] or 0)})
        values.append({"month": month, "series": b.t("clean"), "v": float(r["clean_engagement"] or 0)})
    if not values:
        return None
    return b.grouped_bars("periods", "periods_chart", values, category="month", group="series", value="v",
                          x_key="month_axis", y_key="weighted_axis", tables=("periods",),
                          colors={b.t("raw"): charts.PALETTE["vanity"], b.t("clean"): charts.PALETTE["real"]})


def _content_chart(b: Build) -> Chart | None:
    src = b.src
    if not src.has_col("content", "dimension", "value", "likes_per_post", "clean_engagement_per_post"):
        return None
    rows = src.rows(f"SELECT value, likes_per_post, clean_engagement_per_post FROM {src.ref('content')} "
                    f"WHERE dimension = 'format' ORDER BY clean_engagement_per_post DESC NULLS LAST LIMIT 12")
    values = []
    for r in rows:
        values.append({"format": str(r["value"]), "series": b.t("likes_per_post"), "v": float(r["likes_per_post"] or 0)})
        values.append({"format": str(r["value"]), "series": b.t("clean_per_post"), "v": float(r["clean_engagement_per_post"] or 0)})
    if not values:
        return None
    return b.grouped_bars("content", "content_chart", values, category="format", group="series", value="v",
                          x_key="format", y_key="per_post_axis", fmt=",.1f", tables=("content",),
                          colors={b.t("likes_per_post"): charts.PALETTE["vanity"], b.t("clean_per_post"): charts.PALETTE["real"]})


def _cohort_chart(b: Build) -> Chart | None:
    src = b.src
    cols = src.columns("cohorts")
    cohort = next((c for c in cols if c in ("cohort", "cohort_month", "first_month", "cohort_start")), None)
    offset = next((c for c in cols if c in ("months_since", "month_offset", "period", "months_after", "age_months", "offset")), None)
    value = next((c for c in cols if c in ("retention", "retained_share", "retention_rate", "share_active", "share")), None)
    if not (cohort and offset and value):
        return None
    rows = src.rows(f"SELECT CAST({q(cohort)} AS VARCHAR) AS cohort, {q(offset)} AS k, {q(value)} AS v "
                    f"FROM {src.ref('cohorts')} ORDER BY 1, 2")
    values = [{"cohort": r["cohort"][:7], "k": r["k"], "v": r["v"]} for r in rows if r["v"] is not None]
    if not values:
        return None
    return Chart("cohorts", b.t("cohorts_chart"), charts.heatmap(
        values, x="k", y="cohort", value="v", title=b.t("cohorts_chart"), x_title=b.t("months_since_axis"),
        y_title=b.t("cohort_axis"), legend_title=b.t("retained")), ("cohorts",))
