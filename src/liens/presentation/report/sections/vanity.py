"""Vanity vs real: what a usual dashboard shows, next to what is left once pods and fake followers are removed."""

from __future__ import annotations

from .... import api
from ...headline import format_headline
from ...i18n import word
from .. import charts
from ..model import Note, Section
from .build import Build, brand_engagement_share


def vanity_section(b: Build) -> Section:
    s = b.src.summary
    sec = b.section("vanity")
    hl = api.headline(s)
    followers, real, members = hl["followers"], hl["real_reachable_audience"], hl["active_members"]
    members_label = "active_members"
    # Like with like: the dashboard's rate (counts per post over followers) with and without the
    # engagement traded in pods (`api.headline`); the weighted points of the community step apart.
    tiles = [
        b.headline_tile("followers", "vanity", "followers"),
        b.headline_tile("real_reachable_audience", "real", "real_reachable_audience"),
        b.headline_tile("active_members", "real", "active_members"),
        b.headline_tile("engagement_rate_vanity", "vanity", "vanity_engagement_rate"),
        b.headline_tile("engagement_rate_real", "real"),
    ]
    if real is None:
        tiles[1].note = b.missing("an_audience")
    if members is None:
        tiles[2].note = b.missing("an_community")
    if hl["engagement_rate_real"] is None:
        tiles[4].note = b.missing("an_pods")
    sec.blocks.append(tiles)
    if hl["weighted_engagement_raw"] is not None:
        sec.blocks.append([b.headline_tile("weighted_engagement_raw", "vanity", "raw_engagement_score"),
                           b.headline_tile("weighted_engagement_clean", "real", "clean_engagement_score")])
        b.shown_figures.update(k for k in ("raw_engagement_rate", "clean_engagement_rate") if k in s)
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
    rates = [{"series": b.t(name), "rate": v}
             for name, v in (("raw", hl["engagement_rate_vanity"]), ("clean", hl["engagement_rate_real"])) if v is not None]
    if rates:
        sec.blocks.append(b.bars("vanity-rate", "rate_chart", rates, category="series", value="rate",
                                 x_key="rate_axis", y_key="measure_axis", fmt=".2%",
                                 colors={b.t("raw"): charts.PALETTE["vanity"], b.t("clean"): charts.PALETTE["real"]}))
    # What pods put on the brand's own posts (the pods step's figures, else from `is_authentic`).
    share = hl["pod_share_brand_posts"]
    if share is None:
        share, _n = brand_engagement_share(b)
    if share:
        sec.blocks.append(Note(b.t("pod_share_note", share=format_headline("pod_share_brand_posts", share, b.lang)),
                               tone="alert" if share > 0.05 else ""))
    kinds = s.get("interactions_by_kind") or {}
    if kinds:
        b.shown_figures.add("interactions_by_kind")
        values = [{"kind": word(k, b.lang), "n": v} for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])]
        sec.blocks.append(b.bars("vanity-kinds", "kinds_chart", values, category="kind", value="n",
                                 x_key="count_axis", y_key="kind_axis", tables=("interactions",)))
    return sec
