"""Conversation: what people say (intents, sentiment, topics, rising themes)."""

from __future__ import annotations

from ...i18n import word
from .. import charts
from ..model import Chart, Section
from .build import Build


def conversation_section(b: Build) -> Section:
    src = b.src
    sec = b.section("conversation")
    tiles = [x for x in (b.figure_tile("texts_classified"), b.dict_tile("languages"), b.dict_tile("sentiment_shares", percent=True),
                         b.figure_tile("weak_signals", tone="alert")) if x]
    if tiles:
        sec.blocks.append(tiles)
    if "intents" in src.summary:
        b.shown_figures.add("intents")
    ran = bool(tiles)
    if src.has_col("interactions", "intent"):
        ran = True
        counts = src.value_counts("interactions", "intent", "intent IS NOT NULL")
        if counts:
            values = [{"intent": word(k, b.lang), "n": n} for k, n in counts]
            sec.blocks.append(b.bars("intents", "intents_chart", values, category="intent", value="n", x_key="texts_axis",
                                     y_key="intent", tables=("interactions",)))
    if src.has_col("interactions", "sentiment", "created_at"):
        ran = True
        where, params = src.where("interactions")
        rows = src.rows(
            f"SELECT date_trunc('week', created_at) AS week, sentiment, count(*) AS n FROM {src.ref('interactions')} "
            f"WHERE {where} AND sentiment IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2", params)
        if rows:
            values = [{"week": r["week"].date().isoformat(), "sentiment": word(r["sentiment"], b.lang), "n": int(r["n"])}
                      for r in rows]
            colors = {word("negative", b.lang): charts.PALETTE["alert"], word("neutral", b.lang): charts.PALETTE["muted"],
                      word("positive", b.lang): charts.PALETTE["real"]}
            present = {v["sentiment"] for v in values}
            sec.blocks.append(Chart("sentiment", b.t("sentiment_chart"), charts.stacked_share(
                values, x="week", series="sentiment", value="n", title=b.t("sentiment_chart"), x_title=b.t("week_axis"),
                y_title=b.t("share_axis"), colors={k: v for k, v in colors.items() if k in present} if present <= set(colors) else None),
                ("interactions",)))
    ran = b.add_tables(sec, ("topics", "weak_signals")) or ran
    return b.finish(sec, ran, "an_conversation")
