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
from .texts import VOCABULARY_COLUMNS, figure_label, label, table_title, word

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
    "bursts": TableView("authenticity", ("date", "owner_id", "days", "gain", "expected_gain", "excess", "score", "cohort_size",
                                         "cohort_fake_share", "usual_fake_share", "explanation"),
                        sort=(("date", False),), links={"owner_id": "account"}),
    "growth_spikes": TableView("authenticity", ("date", "owner_id", "kind", "is_bought", "gain", "expected_gain", "score",
                                                "cohort_fake_share", "post_id", "campaign", "explanation"),
                               sort=(("date", False),), links={"owner_id": "account"}),
    "vetting": TableView("authenticity", ("account_id", "handle", "followers", "followers_sampled", "fake_share", "fake_share_low",
                                          "fake_share_high", "inactive_share", "mass_follower_share", "real_reachable_audience",
                                          "audience_quality_score", "engagement_authenticity", "bought_bursts"),
                         sort=(("fake_share", True),), links={"account_id": "account"}),
    "members": TableView("community", ("member_id", "member_level", "member_status", "engagement_score", "engagement_score_raw",
                                       "active_weeks", "clean_interactions", "raw_interactions", "threads", "brand_turns",
                                       "ambassador_kind", "last_active_at"),
                         sort=(("engagement_score", True), ("member_id", False)), links={"member_id": "member"}),
    "ambassadors": TableView("community", ("rank", "account_id", "member_id", "kind", "evidence_count", "evidence_weeks",
                                           "evidence_items", "first_at", "last_at", "example_interaction_ids"),
                             sort=(("rank", False), ("kind", False)), links={"account_id": "account", "member_id": "member"}),
    "posts": TableView("community", ("post_id", "created_at", "format", "campaign", "likes", "clean_likes", "raw_engagement",
                                     "clean_engagement", "engaged_members", "clean_share", "likes_rank", "real_rank", "rank_change"),
                       sort=(("real_rank", False), ("clean_engagement", True))),
    "content": TableView("community", ("dimension", "value", "posts", "likes_per_post", "raw_engagement_per_post",
                                       "clean_engagement_per_post", "likes_rank", "real_rank"),
                         sort=(("dimension", False), ("real_rank", False)), limit=30),
    "periods": TableView("community", ("month", "raw_interactions", "clean_interactions", "raw_engagement", "clean_engagement",
                                       "active_members", "new_members", "returning_members", "churned_members"),
                         sort=(("month", False),), limit=24),
    "topics": TableView("conversation", ("topic_id", "label", "terms", "posts", "texts", "raw_engagement", "clean_engagement",
                                         "clean_engagement_per_post", "share_of_clean_engagement"),
                        sort=(("clean_engagement", True), ("topic_id", False))),
    "weak_signals": TableView("conversation", ("signal", "kind", "recent_authors", "baseline_authors", "recent_rate",
                                               "baseline_rate", "lift", "q_value", "window_start", "window_end"),
                              sort=(("q_value", False), ("lift", True))),
    "unanswered": TableView("responsiveness", ("rank", "created_at", "waiting_hours", "intent", "kind", "actor_id", "platform",
                                               "sentiment", "text"),
                            sort=(("rank", False), ("urgency", True), ("created_at", False)), limit=20,
                            links={"actor_id": "account"}),
    "leads": TableView("business", ("created_at", "account_id", "intent", "kind", "text", "answered", "response_minutes",
                                    "converted", "conversion_kind", "converted_at"),
                       sort=(("created_at", True),), links={"account_id": "account"}),
    "conversions": TableView("business", ("conversion_id", "kind", "occurred_at", "account_id", "member_id", "linked_by",
                                          "platform", "value", "currency", "campaign", "days_to_convert"),
                             sort=(("occurred_at", False),), links={"account_id": "account", "member_id": "member"}),
    "funnel": TableView("business", ("period", "platform", "followers", "engaged_members", "members_with_intent",
                                     "converted_members", "converted_after_engaging", "intent_rate", "conversion_rate",
                                     "median_days_to_convert"),
                        sort=(("period", False), ("platform", False)), limit=24, condition="segment_by = 'all'"),
    "attribution": TableView("business", ("dimension", "value", "conversions", "touches", "first_touch", "last_touch", "linear",
                                          "linear_share", "likes", "likes_share", "rank_by_conversions", "rank_by_likes"),
                             sort=(("dimension", False), ("rank_by_conversions", False)), limit=20),
    "attribution_touches": TableView("business", ("conversion_id", "member_id", "conversion_kind", "occurred_at", "kind",
                                                  "touched_at", "post_id", "format", "campaign", "days_before", "first_touch",
                                                  "last_touch", "linear"),
                                     sort=(("occurred_at", True), ("touched_at", True)), limit=10, links={"member_id": "member"}),
    "cost_of_engagement": TableView("business", ("scope", "scope_value", "period_start", "period_end", "cost", "hours", "currency",
                                                 "engaged_members", "leads", "conversions", "conversion_value",
                                                 "cost_per_engaged_member", "cost_per_lead", "cost_per_conversion",
                                                 "return_on_engagement")),
    "campaign_impact": TableView("business", ("campaign", "window", "start", "end", "days", "engaged_members", "new_members",
                                              "conversions", "conversion_value", "new_followers", "engaged_lift",
                                              "conversions_lift", "data_coverage"), sort=(("campaign", False), ("start", False))),
    "goals": TableView("business", ("goal", "metric", "comparison", "target", "period", "actual", "expected_by_now", "progress",
                                    "status", "note")),
}
# The accounts that take part most (with every flag the analyses put on them).
TOP_ACCOUNTS = TableView("community", ("account_id", "handle", "platform", "interactions_made", "engagement_score",
                                       "engagement_score_raw", "member_level", "active_weeks", "ambassador_kind", "pod_id",
                                       "fake_score", "audience_label"),
                         sort=(("engagement_score", True), ("interactions_made", True), ("account_id", False)), limit=10,
                         links={"account_id": "account", "pod_id": "pod"}, condition="NOT coalesce(is_brand, FALSE)")
# The segments of the funnel (by member level, …) go in a table of their own.
FUNNEL_SEGMENTS = TableView("business", ("segment_by", "segment", "engaged_members", "members_with_intent", "converted_members",
                                         "intent_rate", "conversion_rate", "median_days_to_convert"),
                            sort=(("segment_by", False), ("conversion_rate", True)), limit=30,
                            condition="segment_by <> 'all' AND period = 'all' AND platform = 'all'")
# Tables a section presents with a builder of its own (charts, aggregates).
CUSTOM = {"accounts", "interactions", "pods", "cohorts"}
# Pod-level evidence (repeated on each member's row), in the order shown.
POD_EVIDENCE = ("members", "pod_score", "posts_co_engaged", "median_delay_minutes", "prompt_share", "reciprocity",
                "coverage", "lift", "generic_comment_share", "pod_engagements", "example_comments")


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
        if isinstance(value, float) and key.endswith(("_minutes", "minutes")):
            return format_duration(value, self.lang)
        if isinstance(value, float) and ("rate" in key or "share" in key) and abs(value) <= 1.5:
            return self.pct(value, 0 if value == 0 else 2 if abs(value) < 0.1 else 1)
        return fmt_value(value, self.lang, key)

    # -- tables ----------------------------------------------------------------------------
    def cells(self, row: dict[str, Any], cols: list[str], links: dict[str, str]) -> list[Cell]:
        out = []
        for c in cols:
            v = row.get(c)
            href = self.link(links[c], str(v)) if (self.link and c in links and v is not None) else None
            sort_value = v if numeric(v) else (str(v) if v is not None else "")
            text = word(v, self.lang) if c in VOCABULARY_COLUMNS and isinstance(v, str) else fmt_value(v, self.lang, c)
            out.append(Cell(text, href, numeric(v), sort_value, wrap=len(text) > 32))
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


def _ratio(engagements: Any, posts: Any, followers: Any) -> float | None:
    """Engagements per post over followers, the dashboards' engagement rate."""
    if engagements is None or not posts or not followers:
        return None
    return engagements / posts / followers


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
    s = b.src.summary
    sec = Section("vanity", b.t("sec_vanity"), b.t("sec_vanity_intro"))
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
        sec.blocks.append(Chart("vanity-audience", b.t("audience_chart"), charts.bars(
            bars, category="figure", value="n", title=b.t("audience_chart"), x_title=b.t("people"),
            y_title=b.t("figure_axis"), colors=colors)))
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
        sec.blocks.append(Chart("vanity-engagement", b.t("eng_chart"), charts.bars(
            values, category="figure", value="n", title=b.t("eng_chart"), x_title=b.t("count_axis"),
            y_title=b.t("figure_axis"), colors=colors), ("interactions",)))
    rates = []
    for measure, raw_rate, clean_rate in ((b.t("measure_counts"), s.get("vanity_engagement_rate"), clean_count_rate),
                                          (b.t("measure_weighted"), s.get("raw_engagement_rate"), s.get("clean_engagement_rate"))):
        rates += [{"measure": measure, "series": b.t(name), "rate": v}
                  for name, v in (("raw", raw_rate), ("clean", clean_rate)) if v is not None]
    if rates:
        b.shown_figures.update(k for k in ("raw_engagement_rate", "clean_engagement_rate") if k in s)
        sec.blocks.append(Chart("vanity-rate", b.t("rate_chart"), charts.grouped_bars(
            rates, category="measure", group="series", value="rate", title=b.t("rate_chart"), x_title=b.t("measure_axis"),
            y_title=b.t("rate_axis"), fmt=".2%",
            colors={b.t("raw"): charts.PALETTE["vanity"], b.t("clean"): charts.PALETTE["real"]})))
    # What pods put on the brand's own posts (the pods step's figures, else from `is_authentic`).
    share = pods_n / raw_n if raw_n and pods_n is not None else None
    if share is None:
        share, _n = _brand_engagement_share(b)
    if share:
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
    sec.blocks.extend(_audience_blocks(b))
    # Bursts on the follower curve: every growth spike, bought ones flagged.
    curve = _follower_curve(b)
    spikes = "growth_spikes" if src.has("growth_spikes") else "bursts" if src.has("bursts") else None
    marks = []
    if curve and spikes and src.has_col(spikes, "date"):
        brands = s.get("brand_accounts") or []
        owner = "owner_id IN (SELECT unnest(?))" if src.has_col(spikes, "owner_id") and brands else "TRUE"
        kind = "CASE WHEN is_bought THEN 'bought' ELSE coalesce(kind, 'spike') END" if src.has_col(spikes, "is_bought") else "'burst'"
        rows = src.rows(f"SELECT date AS d, {kind} AS k FROM {src.ref(spikes)} WHERE {owner} ORDER BY 1",
                        [brands] if owner != "TRUE" else [])
        by_day = {row["date"]: row["followers"] for row in curve}
        marks = [{"date": r["d"].isoformat(), "followers": by_day[r["d"].isoformat()], "label": word(r["k"], b.lang),
                  "kind": str(r["k"])}
                 for r in rows if r["d"] is not None and r["d"].isoformat() in by_day]
    if curve:
        sec.blocks.append(Chart("follower-curve", b.t("follower_curve"), charts.timeline(
            curve, x="date", y="followers", title=b.t("follower_curve"), x_title=b.t("date_axis"),
            y_title=b.t("followers_axis"), marks=marks, mark_label=b.t("burst")),
            tuple(n for n in ("bursts", "growth_spikes") if src.has(n))))
    for name in ("bursts", "growth_spikes", "vetting"):
        block = b.table(name)
        if block and (block.total or name == "bursts"):
            sec.blocks.append(block)
    return sec


def _audience_blocks(b: Build) -> list[Any]:
    src, summ = b.src, b.src.summary
    blocks: list[Any] = []
    if summ.get("audience_skipped"):
        b.shown_figures.add("audience_skipped")
        blocks.append(Note(str(summ["audience_skipped"])))
    tiles = []
    score = b.figure_tile("audience_quality_score", tone="real")
    if score:
        score.value = b.num(summ["audience_quality_score"], 0) + "/100"
        comps = summ.get("audience_components")
        if isinstance(comps, dict):
            b.shown_figures.add("audience_components")
            score.note = ", ".join(f"{label(k, b.lang).lower()}: {b.pct(v, 0)}" for k, v in comps.items())
        tiles.append(score)
    fake = b.figure_tile("fake_share", tone="alert")
    if fake:
        ci = summ.get("fake_share_ci")
        if isinstance(ci, (list, tuple)) and len(ci) == 2:
            b.shown_figures.add("fake_share_ci")
            fake.note = b.t("ci_95", low=b.pct(ci[0], 0), high=b.pct(ci[1], 0))
        tiles.append(fake)
    tiles += [x for x in (b.figure_tile(k) for k in ("real_reachable_audience", "followers_scored", "bought_bursts",
                                                    "bought_followers_estimate", "follower_spikes",
                                                    "audience_engagements_judged")) if x]
    if tiles:
        blocks.append(tiles)
    comps = summ.get("audience_components")
    if isinstance(comps, dict) and any(v is not None for v in comps.values()):
        values = [{"c": label(k, b.lang), "v": float(v)} for k, v in comps.items() if v is not None]
        blocks.append(Chart("audience-components", b.t("components_chart"), charts.bars(
            values, category="c", value="v", title=b.t("components_chart"), x_title=b.t("component_axis"),
            y_title=b.t("component"), fmt=".0%", color=charts.PALETTE["real"])))
    by_label = summ.get("audience_by_label")
    colors = {"real": charts.PALETTE["real"], "fake": charts.PALETTE["alert"], "inactive": charts.PALETTE["vanity"],
              "mass_follower": "#d97706"}
    if isinstance(by_label, dict) and by_label:
        b.shown_figures.add("audience_by_label")
        values = [{"label": word(k, b.lang), "n": v or 0, "key": k} for k, v in by_label.items()]
    elif src.has_col("accounts", "audience_label"):
        values = [{"label": word(k, b.lang), "n": n, "key": k}
                  for k, n in src.value_counts("accounts", "audience_label", "audience_label IS NOT NULL")]
    else:
        values = []
    if values:
        blocks.append(Chart("audience-labels", b.t("audience_labels_chart"), charts.bars(
            values, category="label", value="n", title=b.t("audience_labels_chart"), x_title=b.t("followers_axis"),
            y_title=b.t("label_axis"), colors={v["label"]: colors.get(v["key"], charts.PALETTE["accent"]) for v in values}),
            ("accounts",)))
    missing = summ.get("audience_missing_fields")
    if isinstance(missing, dict):
        b.shown_figures.add("audience_missing_fields")
        if missing:
            blocks.append(Note(b.t("missing_fields", fields=", ".join(f"{k} ({b.num(v)})" for k, v in missing.items()))))
    if summ.get("audience_scorer"):
        b.shown_figures.add("audience_scorer")
        blocks.append(Note(b.t("scorer_is", scorer=str(summ["audience_scorer"]))))
    if src.has_col("accounts", "fake_score"):
        view = TableView("authenticity", ("account_id", "handle", "fake_score", "audience_label", "audience_reasons"),
                         sort=(("fake_score", True), ("account_id", False)), limit=10, links={"account_id": "account"},
                         condition="fake_score IS NOT NULL")
        block = b.table("accounts", view, title=b.t("likely_fake"))
        if block and block.total:
            block.more_href = None
            blocks.append(block)
    if not blocks:
        blocks.append(Note(b.missing("an_audience")))
    return blocks


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
    src, summ = b.src, b.src.summary
    cols = src.columns("pods")
    if "pod_id" not in cols:
        return [b.table("pods")]
    # Pod-level evidence repeats on each member's row: one value per pod.
    evidence = [c for c in POD_EVIDENCE if c in cols and c != "members"]
    aggs = ["count(DISTINCT account_id) AS members" if "account_id" in cols else "count(*) AS members"]
    aggs += [f"any_value({q(c)}) AS {q(c)}" for c in evidence]
    if "is_brand" in cols:
        aggs.append("bool_or(coalesce(is_brand, FALSE)) AS has_brand")
    score = next((c for c in ("pod_score", "score") if c in cols), None)
    order = f"{q(score)} DESC NULLS LAST, " if score else ""
    where, params = src.where("pods")
    rows = src.rows(f"SELECT pod_id, {', '.join(aggs)} FROM {src.ref('pods')} WHERE {where} GROUP BY pod_id "
                    f"ORDER BY {order}members DESC, pod_id", params)
    shown = ["pod_id", "members"] + evidence
    blocks: list[Any] = []
    n_accounts = src.scalar(f"SELECT count(DISTINCT account_id) FROM {src.ref('pods')}") if "account_id" in cols else None
    tiles = [b.figure_tile("pod_count") or b.tile("pods_found", b.num(len(rows))),
             b.figure_tile("pod_members") or b.tile("pod_accounts", b.num(n_accounts))]
    tiles += [x for x in (b.figure_tile("pod_engagement_share", tone="alert"),
                          b.figure_tile("brand_posts_engagement_pods", tone="alert")) if x]
    blocks.append(tiles)
    b.shown_figures.update(k for k in ("brand_in_pod", "brand_pod_ids") if k in summ)
    for r in _brand_pod_members(b):
        blocks.append(Note(b.t("brand_in_pod", account=r["account_id"], pod=r["pod_id"]), tone="alert"))
    if summ.get("pods_skipped"):
        b.shown_figures.add("pods_skipped")
        blocks.append(Note(str(summ["pods_skipped"])))
    blocks.append(TableBlock(
        b.t("pods_table"), [label(c, b.lang) for c in shown],
        [b.cells(r, shown, {"pod_id": "pod"}) for r in rows[: b.limit]], len(rows), "pods",
        more_href=b.table_href("pods") if b.table_href else None))
    return blocks


def _brand_pod_members(b: Build) -> list[dict[str, Any]]:
    """(pod_id, account_id) of the brand's own accounts found in a pod."""
    src = b.src
    if not src.has_col("pods", "pod_id", "account_id"):
        return []
    brands = b.src.summary.get("brand_accounts") or []
    flagged = "coalesce(is_brand, FALSE) OR " if src.has_col("pods", "is_brand") else ""
    return src.rows(f"SELECT DISTINCT pod_id, account_id FROM {src.ref('pods')} "
                    f"WHERE {flagged}account_id IN (SELECT unnest(?)) ORDER BY 1, 2", [brands])


def community_section(b: Build) -> Section:
    src, summ = b.src, b.src.summary
    sec = Section("community", b.t("sec_community"), b.t("sec_community_intro"))
    tiles = [x for x in (b.figure_tile(k) for k in (
        "members", "active_members", "newly_active_members", "recently_inactive_members", "churn_rate", "lethargic_share")) if x]
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
        sec.blocks.append(Chart("member-levels", b.t("levels_chart"), charts.bars(
            values, category="level", value="n", title=b.t("levels_chart"), x_title=b.t("members_axis"),
            y_title=b.t("level_axis")), ("members",) if src.has("members") else ()))
    elif src.has_col("accounts", "member_level"):
        counts = src.value_counts("accounts", "member_level", "member_level IS NOT NULL")
        if counts:
            values = [{"level": word(k, b.lang), "n": n} for k, n in counts]
            sec.blocks.append(Chart("member-levels", b.t("levels_chart"), charts.bars(
                values, category="level", value="n", title=b.t("levels_chart"), x_title=b.t("accounts_axis"),
                y_title=b.t("level_axis")), ("accounts",)))
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
        sec.blocks.append([t_ for t_ in (b.figure_tile(k) for k in extra) if t_])
    top = b.table("accounts", TOP_ACCOUNTS, title=b.t("top_accounts"))
    if top:
        sec.blocks.append(top)
    for name in ("ambassadors", "members", "posts", "content", "periods"):
        block = b.table(name)
        if block:
            ran = True
            sec.blocks.append(block)
    if not ran:
        sec.missing = b.missing("an_community")
    return sec


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
    return Chart("periods", b.t("periods_chart"), charts.grouped_bars(
        values, category="month", group="series", value="v", title=b.t("periods_chart"), x_title=b.t("month_axis"),
        y_title=b.t("weighted_axis"), colors={b.t("raw"): charts.PALETTE["vanity"], b.t("clean"): charts.PALETTE["real"]}),
        ("periods",))


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
    return Chart("content", b.t("content_chart"), charts.grouped_bars(
        values, category="format", group="series", value="v", title=b.t("content_chart"), x_title=b.t("format_axis"),
        y_title=b.t("per_post_axis"), fmt=",.1f",
        colors={b.t("likes_per_post"): charts.PALETTE["vanity"], b.t("clean_per_post"): charts.PALETTE["real"]}), ("content",))


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
            values = [{"week": r["week"].date().isoformat(), "sentiment": word(r["sentiment"], b.lang), "n": int(r["n"])}
                      for r in rows]
            colors = {word("negative", b.lang): charts.PALETTE["alert"], word("neutral", b.lang): charts.PALETTE["muted"],
                      word("positive", b.lang): charts.PALETTE["real"]}
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
        "response_rate", "median_response_minutes", "p90_response_minutes", "needs_answer", "answered", "unanswered")) if x]
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
        rows = src.rows(
            f"SELECT intent, median(response_minutes) / 60.0 AS hours, count(*) AS n FROM {src.ref('interactions')} "
            f"WHERE {where} AND response_minutes IS NOT NULL AND intent IS NOT NULL GROUP BY 1 ORDER BY 2 DESC", params)
        if rows:
            values = [{"intent": word(r["intent"], b.lang), "hours": float(r["hours"])} for r in rows]
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
    src, summ = b.src, b.src.summary
    sec = Section("business", b.t("sec_business"), b.t("sec_business_intro"))
    tiles = [x for x in (b.figure_tile(k) for k in (
        "conversions", "conversion_rate", "conversions_value", "median_days_to_convert", "cost_total",
        "cost_per_engaged_member", "cost_per_lead", "cost_per_conversion", "return_on_engagement")) if x]
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
        sec.blocks.append([x for x in (b.figure_tile(k) for k in extra) if x])
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
    if not ran:
        sec.missing = b.missing("an_business")
    return sec


def _funnel_chart(b: Build) -> Chart | None:
    """People at each stage: followers, engaged members, members with intent, converted."""
    src = b.src
    stages = [c for c in ("followers", "engaged_members", "members_with_intent", "converted_members")]
    if not src.has("funnel") or not src.has_col("funnel", "period", "platform", "segment_by"):
        return None
    row = src.rows(f"SELECT {', '.join(q(c) for c in stages if src.has_col('funnel', c))} FROM {src.ref('funnel')} "
                   f"WHERE period = 'all' AND segment_by = 'all' AND platform = ? LIMIT 1", [b.src.filters.platform or "all"])
    if not row:
        return None
    values = [{"stage": b.t(f"stage_{k}"), "n": float(v)} for k, v in row[0].items() if v is not None]
    if not values:
        return None
    return Chart("funnel", b.t("funnel_chart"), charts.bars(
        values, category="stage", value="n", title=b.t("funnel_chart"), x_title=b.t("people_axis"),
        y_title=b.t("stage_axis")), ("funnel",))


def _attribution_chart(b: Build) -> Chart | None:
    """What led to conversions (linear share) against what the likes ranking would credit."""
    src = b.src
    if not src.has_col("attribution", "dimension", "value", "linear_share", "likes_share"):
        return None
    dims = [r["dimension"] for r in src.rows(f"SELECT DISTINCT dimension FROM {src.ref('attribution')}")]
    dim = next((d for d in ("format", "campaign", "topic", "post") if d in dims), None)
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
    return Chart("attribution", b.t("attribution_chart"), charts.grouped_bars(
        values, category="v", group="series", value="share", title=b.t("attribution_chart"),
        x_title=b.t(f"dim_{dim}"), y_title=b.t("credit_axis"), fmt=".0%",
        colors={b.t("share_conversions"): charts.PALETTE["real"], b.t("share_likes"): charts.PALETTE["vanity"]}),
        ("attribution",))


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
                detail = ", ".join(f"{format_number(c, b.lang)} {word(k, b.lang)}" for k, c in counts[:4])
            out.append(Action(b.t("act_answer", n=b.num(n), detail=detail or b.num(n)), 100, ("unanswered",)))
    if src.has("leads") and src.has_col("leads", "answered"):
        n = src.count("leads", "NOT coalesce(answered, FALSE)")
        if n:
            out.append(Action(b.t("act_leads", n=b.num(n)), 90, ("leads",)))
    brands = s.get("brand_accounts") or []
    if src.has("pods") and src.has_col("pods", "pod_id", "account_id"):
        for r in _brand_pod_members(b):
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
    cost = s.get("cost_per_conversion")
    if cost and s.get("return_on_engagement") is not None and s["return_on_engagement"] < 0:
        out.append(Action(b.t("act_cost", cost=b.num(cost, 2), roe=b.pct(s["return_on_engagement"], 0)), 45, ("cost_of_engagement",)))
    _k, median = pick(s, "median_response_minutes")
    if median is not None and median > 240:
        out.append(Action(b.t("act_slow", median=format_duration(median, b.lang)), 65))
    if src.has("weak_signals"):
        term_col = next((c for c in ("signal", "term", "terms", "theme", "label") if src.has_col("weak_signals", c)), None)
        if term_col:
            order = "lift DESC NULLS LAST" if src.has_col("weak_signals", "lift") else "1"
            for r in src.rows(f"SELECT {q(term_col)} AS term FROM {src.ref('weak_signals')} ORDER BY {order} LIMIT 2"):
                out.append(Action(b.t("act_weak", term=fmt_value(r["term"], b.lang)), 55, ("weak_signals",)))
    if src.has("goals") and src.has_col("goals", "goal", "status"):
        for r in src.rows(f"SELECT goal, status, actual, target FROM {src.ref('goals')} WHERE status IN ('behind', 'missed')"):
            progress = f"{fmt_value(r['actual'], b.lang)} / {fmt_value(r['target'], b.lang)} · {r['status']}"
            out.append(Action(b.t("act_goal", goal=r["goal"], progress=progress), 75, ("goals",)))
    if src.has("ambassadors") and src.has_col("ambassadors", "account_id"):
        n = src.scalar(f"SELECT count(DISTINCT account_id) FROM {src.ref('ambassadors')}") or 0
        if n:
            order = "min(a.rank)" if src.has_col("ambassadors", "rank") else "a.account_id"
            handle = "any_value(coalesce(c.handle, a.account_id))" if src.has_col("accounts", "handle") else "a.account_id"
            names = [str(r["w"]) for r in src.rows(
                f"SELECT {handle} AS w FROM {src.ref('ambassadors')} a LEFT JOIN {src.ref('accounts')} c "
                f"ON c.account_id = a.account_id GROUP BY a.account_id ORDER BY {order}, a.account_id LIMIT 3")]
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
