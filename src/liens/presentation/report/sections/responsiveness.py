"""Responsiveness: does the brand answer, and how fast; the queue of what still waits."""

from __future__ import annotations

from ...i18n import figure_label, label, word
from ..model import Cell, Section, TableBlock
from .build import Build


def responsiveness_section(b: Build) -> Section:
    src, s = b.src, b.src.summary
    sec = b.section("responsiveness")
    tiles = b.figure_tiles("response_rate", "median_response_minutes", "p90_response_minutes", "needs_answer", "answered",
                           "unanswered")
    ran = bool(tiles)
    if tiles:
        sec.blocks.append(tiles)
    by_intent = s.get("response_by_intent")
    if isinstance(by_intent, dict) and by_intent:
        b.shown_figures.add("response_by_intent")
        cols = ("needs_answer", "answered", "response_rate", "median_response_minutes", "p90_response_minutes")
        rows = [[Cell(word(intent, b.lang))] + [Cell(b.format_figure(c, (v or {}).get(c)), numeric=True) for c in cols]
                for intent, v in by_intent.items()]
        sec.blocks.append(TableBlock(figure_label("response_by_intent", b.lang),
                                     [label("intent", b.lang)] + [figure_label(c, b.lang) for c in cols], rows, len(rows),
                                     "summary"))
    if src.has_col("interactions", "response_minutes", "intent"):
        ran = True
        where, params = src.where("interactions")
        times = src.rows(
            f"SELECT intent, median(response_minutes) / 60.0 AS hours, count(*) AS n FROM {src.ref('interactions')} "
            f"WHERE {where} AND response_minutes IS NOT NULL AND intent IS NOT NULL GROUP BY 1 ORDER BY 2 DESC", params)
        if times:
            values = [{"intent": word(r["intent"], b.lang), "hours": float(r["hours"])} for r in times]
            sec.blocks.append(b.bars("response-times", "response_chart", values, category="intent", value="hours",
                                     x_key="hours_axis", y_key="intent", fmt=",.1f", tables=("interactions",)))
    ran = b.add_tables(sec, ("unanswered",)) or ran
    return b.finish(sec, ran, "an_conversation")
