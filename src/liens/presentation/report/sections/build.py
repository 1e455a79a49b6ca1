"""`Build`: what every section builder works with (the source, the language, drill-down links), and
the tiles, tables and charts it makes from the summary and the result tables."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .... import api
from ...headline import format_headline
from ...i18n import (
    figure_label,
    format_number,
    format_percent,
    has_text,
    label,
    t,
    table_title,
    word,
)
from ...labels import VOCABULARY_COLUMNS
from .. import charts
from ..model import (
    Cell,
    Chart,
    Section,
    TableBlock,
    Tile,
    fmt_value,
    format_duration,
    numeric,
)
from ..names import ACCOUNT_COLUMNS, INTERACTION_LIST_COLUMNS, POST_COLUMNS, Names
from ..source import Source
from .views import VIEWS, TableView

Linker = Callable[[str, str], "str | None"]
# The columns a growth spike's explanation is worded from.
WHY_COLUMNS = ("kind", "post_engagement_ratio", "campaign", "cohort_fake_share", "cohort_size", "usual_fake_share")


def pick(summary: dict[str, Any], *keys: str) -> tuple[str | None, Any]:
    """The first summary key present (analyses name their figures; this tolerates variants)."""
    for key in keys:
        if summary.get(key) is not None:
            return key, summary[key]
    return None, None


@dataclass
class Build:
    src: Source
    lang: str
    link: Linker | None = None  # dashboard: drill-down links
    table_href: Callable[[str], str] | None = None  # dashboard: full table page
    limit: int = 15
    shown_figures: set[str] = field(default_factory=set)
    names: Names = field(init=False)

    def __post_init__(self) -> None:
        self.names = Names(self.src)

    def t(self, key: str, **values: Any) -> str:
        return t(key, self.lang, **values)

    def num(self, value: Any, decimals: int = 0) -> str:
        return format_number(value, self.lang, decimals)

    def pct(self, value: Any, decimals: int = 1) -> str:
        return format_percent(value, self.lang, decimals)

    def tile(self, label_key: str, value: str, figure: str | None = None, note: str = "", tone: str = "") -> Tile:
        if figure:
            self.shown_figures.add(figure)
        return Tile(self.t(label_key) if not label_key.startswith("!") else label_key[1:], value, figure, note, tone)

    def figure_tile(self, key: str, tone: str = "", label_key: str | None = None) -> Tile | None:
        """A tile for a summary figure, formatted by its kind, or None when absent."""
        value = self.src.summary.get(key)
        if value is None:
            return None
        text = self.format_figure(key, value)
        lab = self.t(label_key) if label_key else figure_label(key, self.lang)
        self.shown_figures.add(key)
        return Tile(lab, text, key, tone=tone)

    def dict_tile(self, key: str, percent: bool = False, tone: str = "") -> Tile | None:
        """A figure that is a breakdown ({"fr": 3, "en": 1}): its total, and the parts underneath."""
        value = self.src.summary.get(key)
        if not isinstance(value, dict):
            return self.figure_tile(key, tone)
        self.shown_figures.add(key)
        parts = sorted(value.items(), key=lambda kv: -(kv[1] or 0))
        if percent:
            top = parts[0] if parts else ("–", None)
            return Tile(figure_label(key, self.lang), f"{word(top[0], self.lang)} {self.pct(top[1], 0)}", key,
                        note=", ".join(f"{word(k, self.lang)}: {self.pct(v, 0)}" for k, v in parts))
        return Tile(figure_label(key, self.lang), self.num(sum(v or 0 for v in value.values())), key, tone=tone,
                    note=", ".join(f"{word(k, self.lang)}: {self.num(v)}" for k, v in parts))

    def format_figure(self, key: str, value: Any) -> str:
        if isinstance(value, str) and key.startswith("top_post_"):
            return self.post_text(value)
        if isinstance(value, float) and key.endswith(("_minutes", "minutes")):
            return format_duration(value, self.lang)
        if isinstance(value, float) and ("rate" in key or "share" in key) and abs(value) <= 1.5:
            return self.pct(value, 0 if value == 0 else 2 if abs(value) < 0.1 else 1)
        return fmt_value(value, self.lang, key)

    # -- tables ----------------------------------------------------------------------------
    def person(self, account_id: Any) -> str:
        """An account as people read it (handle and name), for sentences."""
        self.names.prime_ids(accounts=[str(account_id)])
        return self.names.account(str(account_id))[0]

    def post_text(self, post_id: Any) -> str:
        """A post as people read it (date, format, caption), for sentences and tiles."""
        self.names.prime_ids(posts=[str(post_id)])
        return self.names.post(str(post_id))[0]

    def cell_rows(self, rows: list[dict[str, Any]], cols: list[str], links: dict[str, str]) -> list[list[Cell]]:
        """The cells of these rows, the names behind their ids looked up at once."""
        self.names.prime(rows, cols)
        return [self.cells(r, cols, links) for r in rows]

    def cells(self, row: dict[str, Any], cols: list[str], links: dict[str, str]) -> list[Cell]:
        """A row's cells: people by handle and name, posts by date, format and caption (ids looked up in
        `names`, primed by `cell_rows`), linked to the drill-down page or to the platform."""
        out = []
        for c in cols:
            v = row.get(c)
            href = self.link(links[c], str(v)) if (self.link and c in links and v is not None) else None
            sort_value = v if numeric(v) else (str(v) if v is not None else "")
            external = None
            if v is not None and c in ACCOUNT_COLUMNS:
                text, external = self.names.account(str(v))
            elif v is not None and c == "member_id":
                text, external = self.names.member(str(v))
            elif v is not None and c in POST_COLUMNS:
                text, external = self.names.post(str(v))
            elif v is not None and c in INTERACTION_LIST_COLUMNS:
                text = self.names.interactions(str(v))
            elif isinstance(v, str) and (c in VOCABULARY_COLUMNS or c == "kind"):
                text = word(v, self.lang)
            else:
                text = fmt_value(v, self.lang, c)
            out.append(Cell(text, href or external, numeric(v), sort_value, wrap=len(text) > 32,
                            external=href is None and external is not None))
        return out

    def table(self, name: str, view: TableView | None = None, *, title: str | None = None,
              note: str = "", fallback: bool = False) -> TableBlock | None:
        if not self.src.has(name):
            return None
        view = view or VIEWS.get(name) or TableView("figures")
        if name == "unanswered" and view.condition == "TRUE":
            view = replace(view, condition=self.queue_condition())
        present = self.src.columns(name)
        cols = [c for c in view.columns if c in present] or list(present)
        if view.columns and len(cols) < 4:  # few of the expected columns: show the table as it is
            cols = cols + [c for c in present if c not in cols][: 8 - len(cols)]
        sort = [(c, d) for c, d in view.sort if c in present]
        extra = [c for c in WHY_COLUMNS if c in present and c not in cols] if "explanation" in cols else []
        rows, total = self.src.page(name, columns=cols + extra, sort=sort, limit=view.limit if not fallback else 10,
                                    condition=view.condition)
        if "explanation" in cols and "kind" in present:
            for r in rows:
                r["explanation"] = self.why(r) or r.get("explanation")
        return TableBlock(
            title=title or table_title(name, self.lang), headers=[label(c, self.lang) for c in cols],
            rows=self.cell_rows(rows, cols, view.links), total=total, table=name,
            more_href=self.table_href(name) if self.table_href else None, note=note, fallback=fallback,
        )

    def queue_condition(self) -> str:
        """SQL leaving out of the unanswered queue what the team marked handled (`liens inbox done`)."""
        if self.src.has_input(api.INBOX_DONE_TABLE):
            return f"interaction_id NOT IN (SELECT interaction_id FROM {api.INBOX_DONE_TABLE})"
        return "TRUE"

    def why(self, row: dict[str, Any]) -> str:
        """A growth spike's explanation in the reader's language, from its own columns (the stored one is English)."""
        parts = []
        ratio, share, kind = row.get("post_engagement_ratio"), row.get("cohort_fake_share"), row.get("kind")
        if kind == "viral" and ratio is not None:
            parts.append(self.t("why_viral", ratio=self.num(ratio, 1)))
        if kind == "campaign" and row.get("campaign"):
            parts.append(self.t("why_campaign", campaign=row["campaign"]))
        if kind == "unexplained":
            parts.append(self.t("why_unexplained"))
        if numeric(share) and share == share and row.get("cohort_size"):
            parts.append(self.t("why_cohort", share=self.pct(share, 0), n=self.num(row["cohort_size"]),
                                usual=self.pct(row.get("usual_fake_share"), 0)))
        return "; ".join(parts)

    def missing(self, analysis_key: str) -> str:
        return self.t("r_not_run", analysis=self.t(analysis_key))

    # -- what every section does ---------------------------------------------------------------
    def section(self, key: str) -> Section:
        """An empty section with its title and introduction (`sec_<key>`, `sec_<key>_intro`)."""
        return Section(key, self.t(f"sec_{key}"), self.t(f"sec_{key}_intro"))

    def headline_tile(self, key: str, tone: str = "", figure: str | None = None) -> Tile:
        """A tile for an `api.headline` figure: its one label and text (the CLI and the API show the same)."""
        value = api.headline(self.src.summary)[key]
        if figure:
            self.shown_figures.add(figure)
        note = self.t(f"hln:{key}") if has_text(f"hln:{key}") else ""
        return Tile(self.t(f"hl:{key}"), format_headline(key, value, self.lang), figure, note=note, tone=tone, headline=key)

    def figure_tiles(self, *keys: str) -> list[Tile]:
        """Tiles for those of these summary figures that exist."""
        return [tile for tile in (self.figure_tile(k) for k in keys) if tile]

    def add_tables(self, sec: Section, names: Iterable[str]) -> bool:
        """Append the tables of these results that exist; whether there was any."""
        found = False
        for name in names:
            block = self.table(name)
            if block:
                found = True
                sec.blocks.append(block)
        return found

    def finish(self, sec: Section, ran: bool, analysis_key: str) -> Section:
        """The section, saying in one line which analysis has not run when nothing of it was found."""
        if not ran:
            sec.missing = self.missing(analysis_key)
        return sec

    # -- charts whose titles are catalogue keys ------------------------------------------------
    def bars(self, chart_id: str, title_key: str, values: Sequence[dict[str, Any]], *, category: str, value: str,
             x_key: str, y_key: str, tables: tuple[str, ...] = (), **options: Any) -> Chart:
        """A bar chart titled `t(title_key)`, its axes `t(x_key)` and `t(y_key)`."""
        title = self.t(title_key)
        return Chart(chart_id, title, charts.bars(values, category=category, value=value, title=title,
                                                  x_title=self.t(x_key), y_title=self.t(y_key), **options), tables)

    def grouped_bars(self, chart_id: str, title_key: str, values: Sequence[dict[str, Any]], *, category: str, group: str,
                     value: str, x_key: str, y_key: str, tables: tuple[str, ...] = (), **options: Any) -> Chart:
        """Bars side by side per category (one per `group`), titled from the catalogue."""
        title = self.t(title_key)
        return Chart(chart_id, title, charts.grouped_bars(values, category=category, group=group, value=value, title=title,
                                                          x_title=self.t(x_key), y_title=self.t(y_key), **options), tables)


def brand_engagement_share(b: Build) -> tuple[float | None, int]:
    """Share of vanity engagement on the brand's posts that is not authentic (from `is_authentic`)."""
    src = b.src
    if not src.has_col("interactions", "is_authentic", "post_author_id"):
        return None, 0
    brands = src.summary.get("brand_accounts") or []
    if not brands:
        return None, 0
    where, params = src.where("interactions")
    row = src.rows(
        f"SELECT count(*) AS n, count(*) FILTER (WHERE NOT coalesce(is_authentic, TRUE)) AS fake "
        f"FROM {src.ref('interactions')} WHERE {where} AND post_author_id IN (SELECT unnest(?)) "
        f"AND kind IN ('like','reaction','comment','reply','share','save')", [*params, brands])[0]
    n = int(row["n"] or 0)
    return (None if not n else int(row["fake"] or 0) / n), n


def brand_pod_members(b: Build) -> list[dict[str, Any]]:
    """(pod_id, account_id) of the brand's own accounts found in a pod."""
    src = b.src
    if not src.has_col("pods", "pod_id", "account_id"):
        return []
    brands = b.src.summary.get("brand_accounts") or []
    flagged = "coalesce(is_brand, FALSE) OR " if src.has_col("pods", "is_brand") else ""
    return src.rows(f"SELECT DISTINCT pod_id, account_id FROM {src.ref('pods')} "
                    f"WHERE {flagged}account_id IN (SELECT unnest(?)) ORDER BY 1, 2", [brands])
