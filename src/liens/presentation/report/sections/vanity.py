"""Vanity vs real: what a usual dashboard shows, next to what is left once pods and fake followers are removed."""

from __future__ import annotations

from typing import Any

from .. import charts
from ..model import Note, Section
from .build import Build, brand_engagement_share, pick


def _ratio(engagements: Any, posts: Any, followers: Any) -> float | None:
    """Engagements per post over followers, the dashboards' engagement rate."""
    if engagements is None or not posts or not followers:
        return None
    return engagements / posts / followers


def vanity_section(b: Build) -> Section:
    s = b.src.summary
    sec = b.section("vanity")
    followers = s.get("followers")
    real_key, real = pick(s, "real_reachable_audience", "reachable_audience", "audience_real_reachable")
    members_key, members = pick(s, "active_members", "members")
    members_label = "active_members" if members_key == "active_members" else "members"
    # Like with like: the dashboard's rate (counts per post over followers) with and without the
    # engagement traded in pods; the weighted rates of the community step come in the chart.
    clean_count_rate = _ratio(s.get("brand_posts_engagement_clean"), s.get("brand_posts"), followers)
    tiles = [
        b.tile("followers_vanity", b.num(followers), "followers", tone="vanity"),
        b.tile("real_reachable", b.num(real), real_key, tone="real", note="" if real_key else b.missing("an_audience")),
        b.tile(members_label, b.num(members), members_key, tone="real", note="" if members_key else b.missing("an_community")),
        b.tile("rate_vanity", b.pct(s.get("vanity_engagement_rate"), 2), "vanity_engagement_rate", tone="vanity"),
        b.tile("rate_no_pods", b.pct(clean_count_rate, 2), tone="real",
               note=b.t("rate_no_pods_note") if clean_count_rate is not None else b.missing("an_pods")),
    ]
    sec.blocks.append(tiles)
    if followers is not None:
        bars = [{"figure": b.t("followers_vanity"), "n": followers}]
        if real is not None:
            bars.append({"figure": b.t("real_reachable"), "n": real})
        if members is not None:
            bars.append({"figure": b.t(members_label), "n": members})
        colors = dict(zip([x["figure"] for x in bars], [charts.PALETTE["vanity"], charts.PALETTE["real"], charts.PALETTE["accent"]]))
        sec.blocks.append(b.bars("vanity-audience", "audience_chart", bars, category="figure", value="n",
                                 x_key="people_axis", y_key="figure", colors=colors))
        if real is not None and members is not None:
            sec.blocks.append(Note(b.t("gap_note", followers=b.num(followers), real=b.num(real), members=b.num(members))))
    # Engagement on the brand's posts: what the dashboard counts, what came from pods, what is left.
    raw_n, pods_n, clean_n = (s.get(k) for k in ("brand_posts_engagement_raw", "brand_posts_engagement_pods",
                                                 "brand_posts_engagement_clean"))
    if raw_n is not None and clean_n is not None:
        b.shown_figures.update(("brand_posts_engagement_raw", "brand_posts_engagement_pods", "brand_posts_engagement_clean"))
        values = [{"figure": b.t("eng_raw"), "n": raw_n}, {"figure": b.t("eng_pods"), "n": pods_n or 0},
                  {"figure": b.t("eng_clean"), "n": clean_n}]
        colors = dict(zip([v["figure"] for v in values], [charts.PALETTE["vanity"], charts.PALETTE["alert"], charts.PALETTE["real"]]))
        sec.blocks.append(b.bars("vanity-engagement", "eng_chart", values, category="figure", value="n",
                                 x_key="count_axis", y_key="figure", colors=colors, tables=("interactions",)))
    rates = []
    for measure, raw_rate, clean_rate in ((b.t("measure_counts"), s.get("vanity_engagement_rate"), clean_count_rate),
                                          (b.t("measure_weighted"), s.get("raw_engagement_rate"), s.get("clean_engagement_rate"))):
        rates += [{"measure": measure, "series": b.t(name), "rate": v}
                  for name, v in (("raw", raw_rate), ("clean", clean_rate)) if v is not None]
    if rates:
        b.shown_figures.update(k for k in ("raw_engagement_rate", "clean_engagement_rate") if k in s)
        sec.blocks.append(b.grouped_bars("vanity-rate", "rate_chart", rates, category="measure", group="series", value="rate",
                                         x_key="measure_axis", y_key="rate_axis", fmt=".2%",
                                         colors={b.t("raw"): charts.PALETTE["vanity"], b.t("clean"): charts.PALETTE["real"]}))
    # What pods put on the brand's own posts (the pods step's figures, else from `is_authentic`).
    share = pods_n / raw_n if raw_n and pods_n is not None else None
    if share is None:
        share, _n = brand_engagement_share(b)
    if share:
        sec.blocks.append(Note(b.t("pod_share_note", share=b.pct(share)), tone="alert" if share > 0.05 else ""))
    kinds = s.get("interactions_by_kind") or {}
    if kinds:
        b.shown_figures.add("interactions_by_kind")
        values = [{"kind": k, "n": v} for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])]
        sec.blocks.append(b.bars("vanity-kinds", "kinds_chart", values, category="kind", value="n",
                                 x_key="count_axis", y_key="kind_axis", tables=("interactions",)))
    return sec
