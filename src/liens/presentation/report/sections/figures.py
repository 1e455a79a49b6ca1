"""All figures: every summary figure, and any result table without a dedicated view (so nothing is hidden)."""

from __future__ import annotations

from ...i18n import figure_label
from ..model import Cell, Section, TableBlock, numeric
from .build import Build
from .views import presented


def figures_section(b: Build) -> Section:
    """Every summary figure, and any result table without a dedicated view (so nothing is hidden)."""
    sec = b.section("figures")
    rows = []
    for key, value in b.src.summary.items():
        b.shown_figures.add(key)
        rows.append([Cell(figure_label(key, b.lang)), Cell(key), Cell(b.format_figure(key, value), numeric=numeric(value))])
    if rows:
        sec.blocks.append(TableBlock(b.t("figures_table"), [b.t("figure"), b.t("key"), b.t("value")], rows, len(rows),
                                     "summary"))
    for name in b.src.names:
        if not presented(name):
            block = b.table(name, fallback=True)
            if block:
                sec.blocks.append(block)
    return sec
