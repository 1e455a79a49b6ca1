"""The report's sections, built from whatever results exist in the store.

Each section builder reads the summary and the result tables through `Source`, and returns a
`Section` of tiles, charts, tables and notes. A section whose analysis has not run says so in one
line. Adding a result table later usually needs one `TableView` entry in `VIEWS` (where it goes,
which columns, how it sorts); tables with no view still appear, generically, under "All figures".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ...store.store import quote_identifier as q
from ..i18n import format_number, format_percent, t
from . import charts
from .model import Action, Cell, Chart, Note, Section, TableBlock, Tile, fmt_value, format_duration, numeric
from .source import Source
from .texts import figure_label, label, table_title

Linker = Callable[[str, str], "str | None"]


@dataclass(frozen=True)
class TableView:
    """How a result table is shown: in which section, which columns first, in which order."""

    section: str
    columns: tuple[str, ...] = ()  # preferred columns, in order (absent ones are skipped)
    sort: tuple[tuple[str, bool], ...] = ()  # (column, descending)
    limit: int = 15
    links: dict[str, str] = field(default_factory=dict)  # column -> drill-down kind ("pod", "account")
    condition: str = "TRUE"  # SQL filter on the table's own columns


# Where each analysis's tables go. `accounts` and `interactions` are shown through charts.
VIEWS: dict[str, TableView] = {
    "bursts": TableView("authenticity", ("date", "gain", "followers_gained", "expected_gain", "score", "cohort_fake_share"),
                        sort=(("date", False),)),
    "posts": TableView("community", ("post_id", "created_at", "format", "campaign", "clean_engagement", "raw_engagement", "likes"),
                       sort=(("clean_engagement", True), ("clean_weighted", True))),
    "ambassadors": TableView("community", ("account_id", "handle", "ambassador_kind", "score", "evidence"),
                             sort=(("score", True),), links={"account_id": "account"}),
    "topics": TableView("conversation", ("topic_id", "terms", "label", "documents", "clean_engagement"),
                        sort=(("clean_engagement", True),)),
    "weak_signals": TableView("conversation", ("term", "topic_id", "recent", "baseline", "ratio", "p_value"),
                              sort=(("ratio", True),)),
    "unanswered": TableView("responsiveness", ("urgency", "created_at", "intent", "kind", "account_id", "actor_id", "text", "waiting_minutes"),
                            sort=(("urgency", True), ("created_at", False)), links={"account_id": "account", "actor_id": "account"}),
    "leads": TableView("business", ("account_id", "intent", "created_at", "text", "answered", "converted"),
                       sort=(("created_at", False),), links={"account_id": "account"}),
    "conversions": TableView("business", ("conversion_id", "kind", "occurred_at", "account_id", "member_id", "linked_by", "value"),
                             sort=(("occurred_at", False),), links={"account_id": "account"}),
    "funnel": TableView("business", limit=30),
    "attribution": TableView("business", limit=20),
    "goals": TableView("business", ("goal", "name", "metric", "target", "current", "progress", "on_track")),
}
# Tables a section presents with a builder of its own (charts, aggregates).
CUSTOM = {"accounts", "interactions", "pods", "cohorts"}


def presented(name: str) -> bool:
    """Whether the table has a dedicated presentation (the report test checks every table has one)."""
    return name in VIEWS or name in CUSTOM


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

    def format_figure(self, key: str, value: Any) -> str:
        if isinstance(value, float) and key.endswith(("_minutes", "minutes")):
            return format_duration(value, self.lang)
        if isinstance(value, float) and ("rate" in key or "share" in key) and abs(value) <= 1.5:
            return self.pct(value, 2 if abs(value) < 0.1 else 1)
        return fmt_value(value, self.lang, key)

    # -- tables ----------------------------------------------------------------------------
    def cells(self, row: dict[str, Any], cols: list[str], links: dict[str, str]) -> list[Cell]:
        out = []
        for c in cols:
            v = row.get(c)
            href = self.link(links[c], str(v)) if (self.link and c in links and v is not None) else None
            sort_value = v if numeric(v) else (str(v) if v is not None else "")
            out.append(Cell(fmt_value(v, self.lang, c), href, numeric(v), sort_value))
        return out

    def table(self, name: str, view: TableView | None = None, *, title: str | None = None,
              note: str = "", fallback: bool = False) -> TableBlock | None:
        if not self.src.has(name):
            return None
        view = view or VIEWS.get(name) or TableView("figures")
        present = self.src.columns(name)
        cols = [c for c in view.columns if c in present] or list(present)
        if view.columns and len(cols) < 4:  # few of the expected columns: show the table as it is
            cols = cols + [c for c in present if c not in cols][: 8 - len(cols)]
        sort = [(c, d) for c, d in view.sort if c in present]
        rows, total = self.src.page(name, columns=cols, sort=sort, limit=view.limit if not fallback else 10,
                                    condition=view.condition)
        return TableBlock(
            title=title or table_title(name, self.lang), headers=[label(c, self.lang) for c in cols],
            rows=[self.cells(r, cols, view.links) for r in rows], total=total, table=name,
            more_href=self.table_href(name) if self.table_href else None, note=note, fallback=fallback,
        )

    def missing(self, analysis_key: str) -> str:
        return self.t("r_not_run", analysis=self.t(analysis_key))


def _brand_engagement_share(b: Build) -> tuple[float | None, int]:
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


# -- sections ------------------------------------------------------------------------------------
def vanity_section(b: Build) -> Section:
    s, src = b.src.summary, b.src
    sec = Section("vanity", b.t("sec_vanity"), b.t("sec_vanity_intro"))
    followers = s.get("followers")
    real_key, real = pick(s, "real_reachable_audience", "reachable_audience", "audience_real_reachable")
    members_key, members = pick(s, "active_members", "members")
    raw_key, raw = pick(s, "raw_engagement_rate", "vanity_engagement_rate")
    clean_key, clean = pick(s, "clean_engagement_rate")
    tiles = [b.tile("followers_vanity", b.num(followers), "followers", tone="vanity")]
    tiles.append(b.tile("real_reachable", b.num(real), real_key, tone="real",
                        note="" if real_key else b.missing("an_audience")))
    tiles.append(b.tile("active_members" if members_key == "active_members" else "members", b.num(members), members_key,
                        tone="real", note="" if members_key else b.missing("an_community")))
    if s.get("vanity_engagement_rate") is not None:
        b.shown_figures.add("vanity_engagement_rate")
    tiles.append(b.tile("rate_raw", b.pct(raw, 2), raw_key, tone="vanity"))
    tiles.append(b.tile("rate_clean", b.pct(clean, 2), clean_key, tone="real",
                        note="" if clean_key else b.missing("an_community")))
    sec.blocks.append(tiles)
    if followers is not None:
        bars = [{"figure": b.t("followers_vanity"), "n": followers}]
        if real is not None:
            bars.append({"figure": b.t("real_reachable"), "n": real})
        if members is not None:
            bars.append({"figure": b.t("active_members" if members_key == "active_members" else "members"), "n": members})
        colors = dict(zip([x["figure"] for x in bars], [charts.PALETTE["vanity"], charts.PALETTE["real"], charts.PALETTE["accent"]]))
        sec.blocks.append(Chart("vanity-audience", b.t("audience_chart"), charts.bars(
            bars, category="figure", value="n", title=b.t("audience_chart"), x_title=b.t("people"),
            y_title=b.t("figure_axis"), colors=colors, sort=None), ("accounts",)))
        if real is not None and members is not None:
            sec.blocks.append(Note(b.t("gap_note", followers=b.num(followers), real=b.num(real), members=b.num(members))))
    if raw is not None:
        rates = [{"figure": b.t("rate_raw"), "rate": raw}]
        if clean is not None:
            rates.append({"figure": b.t("rate_clean"), "rate": clean})
        colors = dict(zip([x["figure"] for x in rates], [charts.PALETTE["vanity"], charts.PALETTE["real"]]))
        sec.blocks.append(Chart("vanity-rate", b.t("rate_chart"), charts.bars(
            rates, category="figure", value="rate", title=b.t("rate_chart"), x_title=b.t("rate_axis"),
            y_title=b.t("figure_axis"), fmt=".2%", colors=colors, sort=None)))
    share_key, share = pick(s, "pod_engagement_share", "pod_share")
    if share is None:
        share, _n = _brand_engagement_share(b)
    else:
        b.shown_figures.add(share_key)  # type: ignore[arg-type]
    if share is not None:
        sec.blocks.append(Note(b.t("pod_share_note", share=b.pct(share)), tone="alert" if share > 0.05 else ""))
    kinds = s.get("interactions_by_kind") or {}
    if kinds:
        b.shown_figures.add("interactions_by_kind")
        values = [{"kind": k, "n": v} for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])]
        sec.blocks.append(Chart("vanity-kinds", b.t("kinds_chart"), charts.bars(
            values, category="kind", value="n", title=b.t("kinds_chart"), x_title=b.t("count_axis"),
            y_title=b.t("kind_axis")), ("interactions",)))
    return sec


def authenticity_section(b: Build) -> Section:
    src, s = b.src, b.src.summary
    sec = Section("authenticity", b.t("sec_authenticity"), b.t("sec_authenticity_intro"))
    # Pods: one row per pod with its evidence, members listed in the drill-down.
    if src.has("pods"):
        sec.blocks.extend(_pods_blocks(b))
    else:
        sec.blocks.append(Note(b.missing("an_pods")))
    # Audience quality.
    tiles = [x for x in (
        b.figure_tile("audience_quality_score", tone="real"),
        b.figure_tile("fake_share", tone="alert"),
        b.figure_tile("real_reachable_audience", tone="real"),
    ) if x is not None]
    if tiles:
        sec.blocks.append(tiles)
    if src.has_col("accounts", "audience_label"):
        counts = src.value_counts("accounts", "audience_label", "audience_label IS NOT NULL")
        if counts:
            colors = {"real": charts.PALETTE["real"], "fake": charts.PALETTE["alert"], "inactive": charts.PALETTE["vanity"],
                      "mass_follower": "#d97706", "mass-follower": "#d97706"}
            values = [{"label": str(k), "n": n} for k, n in counts]
            sec.blocks.append(Chart("audience-labels", b.t("audience_labels_chart"), charts.bars(
                values, category="label", value="n", title=b.t("audience_labels_chart"), x_title=b.t("followers_axis"),
                y_title=b.t("label_axis"), colors={v["label"]: colors.get(v["label"], charts.PALETTE["accent"]) for v in values}),
                ("accounts",)))
        if src.has_col("accounts", "fake_score"):
            view = TableView("authenticity", ("account_id", "handle", "fake_score", "audience_label", "audience_reasons"),
                             sort=(("fake_score", True),), limit=10, links={"account_id": "account"},
                             condition="fake_score IS NOT NULL")
            block = b.table("accounts", view, title=b.t("likely_fake"))
            if block:
                block.more_href = None
                sec.blocks.append(block)
    elif not tiles:
        sec.blocks.append(Note(b.missing("an_audience")))
    # Bursts on the follower curve.
    curve = _follower_curve(b)
    marks = []
    if src.has("bursts") and src.time_column("bursts"):
        when = src.time_column("bursts")
        bursts = src.rows(f"SELECT CAST({q(when)} AS DATE) AS d FROM {src.ref('bursts')} ORDER BY 1")  # type: ignore[arg-type]
        by_day = {row["date"]: row["followers"] for row in curve}
        marks = [{"date": r["d"].isoformat(), "followers": by_day.get(r["d"].isoformat()), "label": b.t("burst")}
                 for r in bursts if r["d"] is not None and by_day.get(r["d"].isoformat()) is not None]
    if curve:
        sec.blocks.append(Chart("follower-curve", b.t("follower_curve"), charts.timeline(
            curve, x="date", y="followers", title=b.t("follower_curve"), x_title=b.t("date_axis"),
            y_title=b.t("followers_axis"), marks=marks, mark_label=b.t("burst")),
            ("bursts",) if src.has("bursts") else ()))
    block = b.table("bursts")
    if block:
        sec.blocks.append(block)
    return sec


def _follower_curve(b: Build) -> list[dict[str, Any]]:
    src = b.src
    brands = src.summary.get("brand_accounts") or []
    if not src.has_input("audience") or not brands:
        return []
    where, params = src.where("audience", result=False)
    rows = src.rows(
        f"SELECT date, sum(followers) AS followers FROM audience WHERE {where} AND account_id IN (SELECT unnest(?)) "
        f"GROUP BY date ORDER BY date", [*params, brands])
    return [{"date": r["date"].isoformat(), "followers": int(r["followers"])} for r in rows if r["date"] is not None]


def _pods_blocks(b: Build) -> list[Any]:
    src = b.src
    cols = src.columns("pods")
    if "pod_id" not in cols:
        return [b.table("pods")]
    brands = set(src.summary.get("brand_accounts") or [])
    # Pod-level evidence repeats on each member row: take one value per pod.
    aggs = ["count(DISTINCT account_id) AS members" if "account_id" in cols else "count(*) AS members"]
    keep = []
    for c, typ in cols.items():
        if c in ("pod_id", "account_id", "members"):
            continue
        if any(x in typ for x in ("INT", "DOUBLE", "FLOAT", "DECIMAL", "REAL")):
            aggs.append(f"max({q(c)}) AS {q(c)}")
        else:
            aggs.append(f"any_value({q(c)}) AS {q(c)}")
        keep.append(c)
    score = next((c for c in ("score", "pod_score") if c in cols), None)
    order = f"{q(score)} DESC NULLS LAST, " if score else ""
    where, params = src.where("pods")
    rows = src.rows(f"SELECT pod_id, {', '.join(aggs)} FROM {src.ref('pods')} WHERE {where} GROUP BY pod_id "
                    f"ORDER BY {order}members DESC, pod_id", params)
    shown = ["pod_id", "members"] + keep[:7]
    blocks: list[Any] = []
    n_accounts = src.scalar(f"SELECT count(DISTINCT account_id) FROM {src.ref('pods')}") if "account_id" in cols else None
    tiles = [b.tile("pods_found", b.num(len(rows))), b.tile("pod_accounts", b.num(n_accounts))]
    for key in ("pod_engagement_share", "pod_share"):
        tile = b.figure_tile(key, tone="alert")
        if tile:
            tiles.append(tile)
    blocks.append(tiles)
    if brands and "account_id" in cols:
        mine = src.rows(f"SELECT DISTINCT pod_id, account_id FROM {src.ref('pods')} WHERE account_id IN (SELECT unnest(?))",
                        [sorted(brands)])
        for r in mine:
            blocks.append(Note(b.t("brand_in_pod", account=r["account_id"], pod=r["pod_id"]), tone="alert"))
    blocks.append(TableBlock(
        b.t("pods_table"), [label(c, b.lang) for c in shown],
        [b.cells(r, shown, {"pod_id": "pod"}) for r in rows[: b.limit]], len(rows), "pods",
        more_href=b.table_href("pods") if b.table_href else None))
    return blocks


def community_section(b: Build) -> Section:
    src = b.src
    sec = Section("community", b.t("sec_community"), b.t("sec_community_intro"))
    tiles = [x for x in (b.figure_tile(k) for k in ("members", "active_members", "lethargic_share", "ambassadors")) if x]
    if tiles:
        sec.blocks.append(tiles)
    ran = False
    if src.has_col("accounts", "member_level"):
        ran = True
        counts = src.value_counts("accounts", "member_level", "member_level IS NOT NULL")
        if counts:
            values = [{"level": str(k), "n": n} for k, n in counts]
            sec.blocks.append(Chart("member-levels", b.t("levels_chart"), charts.bars(
                values, category="level", value="n", title=b.t("levels_chart"), x_title=b.t("members_axis"),
                y_title=b.t("level_axis")), ("accounts",)))
    if src.has("cohorts"):
        ran = True
        chart = _cohort_chart(b)
        if chart:
            sec.blocks.append(chart)
        else:
            sec.blocks.append(b.table("cohorts"))
    for name in ("ambassadors", "posts"):
        block = b.table(name)
        if block:
            ran = True
            sec.blocks.append(block)
    if not ran and not tiles:
        sec.missing = b.missing("an_community")
    return sec


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


def conversation_section(b: Build) -> Section:
    src = b.src
    sec = Section("conversation", b.t("sec_conversation"), b.t("sec_conversation_intro"))
    ran = False
    if src.has_col("interactions", "intent"):
        ran = True
        counts = src.value_counts("interactions", "intent", "intent IS NOT NULL")
        if counts:
            values = [{"intent": str(k), "n": n} for k, n in counts]
            sec.blocks.append(Chart("intents", b.t("intents_chart"), charts.bars(
                values, category="intent", value="n", title=b.t("intents_chart"), x_title=b.t("texts_axis"),
                y_title=b.t("intent_axis")), ("interactions",)))
    if src.has_col("interactions", "sentiment", "created_at"):
        ran = True
        where, params = src.where("interactions")
        rows = src.rows(
            f"SELECT date_trunc('week', created_at) AS week, sentiment, count(*) AS n FROM {src.ref('interactions')} "
            f"WHERE {where} AND sentiment IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2", params)
        if rows:
            values = [{"week": r["week"].date().isoformat(), "sentiment": str(r["sentiment"]), "n": int(r["n"])} for r in rows]
            colors = {"negative": charts.PALETTE["alert"], "neutral": charts.PALETTE["muted"], "positive": charts.PALETTE["real"]}
            present = {v["sentiment"] for v in values}
            sec.blocks.append(Chart("sentiment", b.t("sentiment_chart"), charts.stacked_share(
                values, x="week", series="sentiment", value="n", title=b.t("sentiment_chart"), x_title=b.t("week_axis"),
                y_title=b.t("share_axis"), colors={k: v for k, v in colors.items() if k in present} if present <= set(colors) else None),
                ("interactions",)))
    for name in ("topics", "weak_signals"):
        block = b.table(name)
        if block:
            ran = True
            sec.blocks.append(block)
    if not ran:
        sec.missing = b.missing("an_conversation")
    return sec


def responsiveness_section(b: Build) -> Section:
    src, s = b.src, b.src.summary
    sec = Section("responsiveness", b.t("sec_responsiveness"), b.t("sec_responsiveness_intro"))
    tiles = [x for x in (b.figure_tile(k) for k in (
        "response_rate", "median_response_minutes", "p90_response_minutes", "unanswered")) if x]
    ran = bool(tiles)
    if tiles:
        sec.blocks.append(tiles)
    if src.has_col("interactions", "response_minutes", "intent"):
        ran = True
        where, params = src.where("interactions")
        rows = src.rows(
            f"SELECT intent, median(response_minutes) / 60.0 AS hours, count(*) AS n FROM {src.ref('interactions')} "
            f"WHERE {where} AND response_minutes IS NOT NULL AND intent IS NOT NULL GROUP BY 1 ORDER BY 2 DESC", params)
        if rows:
            values = [{"intent": str(r["intent"]), "hours": float(r["hours"])} for r in rows]
            sec.blocks.append(Chart("response-times", b.t("response_chart"), charts.bars(
                values, category="intent", value="hours", title=b.t("response_chart"), x_title=b.t("hours_axis"),
                y_title=b.t("intent_axis"), fmt=",.1f"), ("interactions",)))
    block = b.table("unanswered")
    if block:
        ran = True
        sec.blocks.append(block)
    if not ran:
        sec.missing = b.missing("an_conversation")
    return sec


def business_section(b: Build) -> Section:
    src = b.src
    sec = Section("business", b.t("sec_business"), b.t("sec_business_intro"))
    tiles = [x for x in (b.figure_tile(k) for k in (
        "conversions", "conversion_rate", "conversion_value", "cost_per_engaged_member", "cost_per_lead",
        "cost_per_conversion", "return_on_engagement")) if x]
    if tiles:
        sec.blocks.append(tiles)
    ran = bool(tiles)
    funnel = _funnel_chart(b)
    if funnel:
        sec.blocks.append(funnel)
    for name in ("funnel", "attribution", "goals", "conversions", "leads"):
        block = b.table(name)
        if block:
            ran = True
            sec.blocks.append(block)
    if not ran:
        sec.missing = b.missing("an_business")
    return sec


def _funnel_chart(b: Build) -> Chart | None:
    src = b.src
    if not src.has("funnel"):
        return None
    cols = src.columns("funnel")
    stage = next((c for c in ("stage", "step") if c in cols), None)
    count = next((c for c in ("people", "count", "members", "n", "accounts") if c in cols), None)
    if not (stage and count):
        return None
    # Only the overall rows when the table is broken down by period or platform.
    conds = [f"{q(c)} IS NULL OR CAST({q(c)} AS VARCHAR) IN ('all', 'total', '')" for c in ("period", "platform", "segment") if c in cols]
    where = " AND ".join(f"({c})" for c in conds) or "TRUE"
    rows = src.rows(f"SELECT {q(stage)} AS stage, sum({q(count)}) AS n, min(rowid) AS o FROM {src.ref('funnel')} "
                    f"WHERE {where} GROUP BY 1 ORDER BY o")
    values = [{"stage": str(r["stage"]), "n": float(r["n"] or 0)} for r in rows]
    if not values:
        return None
    return Chart("funnel", b.t("funnel_chart"), charts.bars(
        values, category="stage", value="n", title=b.t("funnel_chart"), x_title=b.t("people_axis"),
        y_title=b.t("stage_axis"), sort=None), ("funnel",))


def actions_section(b: Build) -> Section:
    sec = Section("actions", b.t("sec_actions"), b.t("sec_actions_intro"))
    actions = recommended_actions(b)
    sec.blocks.append(actions or [Action(b.t("no_actions"))])
    return sec


def recommended_actions(b: Build) -> list[Action]:
    """Concrete next steps, each tied to a figure of the results."""
    src, s = b.src, b.src.summary
    out: list[Action] = []
    if src.has("unanswered"):
        n = src.count("unanswered")
        if n:
            detail = ""
            if src.has_col("unanswered", "intent"):
                counts = src.value_counts("unanswered", "intent")
                detail = ", ".join(f"{format_number(c, b.lang)} {k}" for k, c in counts[:4])
            out.append(Action(b.t("act_answer", n=b.num(n), detail=detail or b.num(n)), 100, ("unanswered",)))
    if src.has("leads") and src.has_col("leads", "answered"):
        n = src.count("leads", "NOT coalesce(answered, FALSE)")
        if n:
            out.append(Action(b.t("act_leads", n=b.num(n)), 90, ("leads",)))
    brands = s.get("brand_accounts") or []
    if src.has("pods") and src.has_col("pods", "pod_id", "account_id"):
        mine = src.rows(f"SELECT DISTINCT pod_id, account_id FROM {src.ref('pods')} WHERE account_id IN (SELECT unnest(?))",
                        [brands]) if brands else []
        for r in mine:
            out.append(Action(b.t("act_leave_pod", pod=r["pod_id"], account=r["account_id"]), 95, ("pods",)))
        _k, share = pick(s, "pod_engagement_share", "pod_share")
        if share is None:
            share, _n = _brand_engagement_share(b)
        n_pods = src.scalar(f"SELECT count(DISTINCT pod_id) FROM {src.ref('pods')}")
        if share and share >= 0.02 and n_pods:
            out.append(Action(b.t("act_pods", share=b.pct(share), n=b.num(n_pods)), 70, ("pods",)))
    _k, fake = pick(s, "fake_share")
    _k, real = pick(s, "real_reachable_audience", "reachable_audience")
    if fake is not None and fake >= 0.15 and s.get("followers"):
        out.append(Action(b.t("act_fake", share=b.pct(fake, 0), real=b.num(real), followers=b.num(s.get("followers"))), 60))
    if src.has("bursts"):
        when = src.time_column("bursts")
        n = src.count("bursts")
        if n and when:
            dates = [str(r["d"]) for r in src.rows(f"SELECT CAST({q(when)} AS DATE) AS d FROM {src.ref('bursts')} ORDER BY 1 LIMIT 3")]
            out.append(Action(b.t("act_bursts", n=b.num(n), dates=", ".join(dates)), 50, ("bursts",)))
    for name in ("vetting", "influencers"):
        if src.has(name) and src.has_col(name, "fake_share"):
            who_col = next((c for c in ("handle", "account_id", "influencer") if src.has_col(name, c)), None)
            if who_col:
                for r in src.rows(f"SELECT {q(who_col)} AS who, fake_share FROM {src.ref(name)} WHERE fake_share >= 0.3 "
                                  f"ORDER BY fake_share DESC LIMIT 3"):
                    out.append(Action(b.t("act_influencer", who=r["who"], share=b.pct(r["fake_share"], 0)), 80, (name,)))
    _k, median = pick(s, "median_response_minutes")
    if median is not None and median > 240:
        out.append(Action(b.t("act_slow", median=format_duration(median, b.lang)), 65))
    if src.has("weak_signals"):
        term_col = next((c for c in ("term", "terms", "theme", "label") if src.has_col("weak_signals", c)), None)
        if term_col:
            order = "ratio DESC" if src.has_col("weak_signals", "ratio") else "1"
            for r in src.rows(f"SELECT {q(term_col)} AS term FROM {src.ref('weak_signals')} ORDER BY {order} LIMIT 2"):
                out.append(Action(b.t("act_weak", term=fmt_value(r["term"], b.lang)), 55, ("weak_signals",)))
    if src.has("goals") and src.has_col("goals", "on_track"):
        name_col = next((c for c in ("goal", "name", "metric") if src.has_col("goals", c)), None)
        prog_col = next((c for c in ("progress", "current") if src.has_col("goals", c)), None)
        if name_col:
            for r in src.rows(f"SELECT {q(name_col)} AS g{', ' + q(prog_col) + ' AS p' if prog_col else ''} "
                              f"FROM {src.ref('goals')} WHERE NOT coalesce(on_track, TRUE)"):
                out.append(Action(b.t("act_goal", goal=r["g"], progress=fmt_value(r.get("p"), b.lang, prog_col or "")), 75, ("goals",)))
    if src.has("ambassadors"):
        n = src.count("ambassadors")
        who = next((c for c in ("handle", "account_id") if src.has_col("ambassadors", c)), None)
        if n and who:
            order = "score DESC NULLS LAST" if src.has_col("ambassadors", "score") else "1"
            names = [str(r["w"]) for r in src.rows(f"SELECT {q(who)} AS w FROM {src.ref('ambassadors')} ORDER BY {order} LIMIT 3")]
            out.append(Action(b.t("act_ambassadors", n=b.num(n), names=", ".join(names)), 40, ("ambassadors",)))
    _k, lapsed = pick(s, "recently_inactive", "recently_inactive_members")
    if lapsed:
        out.append(Action(b.t("act_lapsed", n=b.num(lapsed)), 35))
    out.sort(key=lambda a: -a.priority)
    return out


def figures_section(b: Build) -> Section:
    """Every summary figure, and any result table without a dedicated view (so nothing is hidden)."""
    sec = Section("figures", b.t("sec_figures"), b.t("sec_figures_intro"))
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


SECTIONS: list[tuple[str, Callable[[Build], Section]]] = [
    ("vanity", vanity_section),
    ("authenticity", authenticity_section),
    ("community", community_section),
    ("conversation", conversation_section),
    ("responsiveness", responsiveness_section),
    ("business", business_section),
    ("actions", actions_section),
    ("figures", figures_section),
]
SECTION_KEYS = [k for k, _ in SECTIONS]


def build_sections(b: Build, keys: list[str] | None = None) -> list[Section]:
    return [fn(b) for key, fn in SECTIONS if keys is None or key in keys]


def section_title(key: str, lang: str) -> str:
    return t(f"sec_{key}", lang)
