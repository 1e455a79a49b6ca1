"""Authenticity: engagement pods with their evidence, audience quality, bursts on the follower curve."""

from __future__ import annotations

from typing import Any

from ....api import quote_identifier as q
from ...i18n import label, register, register_pairs, word
from .. import charts
from ..model import Chart, Note, Section, TableBlock
from .build import Build, brand_pod_members
from .views import POD_EVIDENCE, TableView

# The audience step's words (issue 17): what cannot be measured, allow-lists (figure labels: labels.py).
register_pairs({"allowed": ("allow-listed", "sur liste autorisée")}, "v:")
register({
    "fake_not_measurable": {
        "en": "Fake share not measurable: the followers' profiles lack {fields}. What the data does show: {shown}. "
              "Load these fields (an accounts file with these columns, e.g. a follower-export tool's CSV) to estimate it.",
        "fr": "Part de faux non mesurable : il manque aux profils des abonnés {fields}. Ce que montrent les données : "
              "{shown}. Chargez ces champs (un fichier accounts avec ces colonnes, p. ex. l'export CSV d'un outil) pour l'estimer."},
    "fake_measurable_parts": {
        "en": "{bursts} followed during a bought burst, {handles} handles look generated, {silent} never interacted",
        "fr": "{bursts} abonnés pendant un pic acheté, {handles} pseudos d'apparence générée, {silent} sans aucune interaction"},
    "fake_wide_interval": {
        "en": "The interval is wide: too few followers, or profiles too ambiguous, for a precise figure.",
        "fr": "L'intervalle est large : trop peu d'abonnés, ou des profils trop ambigus, pour un chiffre précis."},
    "fake_estimated_note": {
        "en": "estimated from the whole audience ({low} to {high}, 95%)",
        "fr": "estimée sur toute l'audience ({low} à {high}, 95 %)"},
    "allowed_apart": {
        "en": "Allow-listed followers, never flagged and counted apart: {parts}.",
        "fr": "Abonnés sur liste autorisée, jamais signalés et comptés à part : {parts}."},
})


def authenticity_section(b: Build) -> Section:
    src, s = b.src, b.src.summary
    sec = b.section("authenticity")
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
            curve, x="date", y="followers", title=b.t("follower_curve"), x_title=b.t("date"),
            y_title=b.t("followers_axis"), marks=marks, mark_label=b.t("burst")),
            tuple(n for n in ("bursts", "growth_spikes") if src.has(n))))
    for name in ("bursts", "growth_spikes", "vetting"):
        block = b.table(name)
        if block and (block.total or name == "bursts"):
            sec.blocks.append(block)
    return sec


def _fake_share_notes(b: Build) -> list[Any]:
    """What the fake share cannot say: not measurable (and what the data shows instead), or a wide interval."""
    summ = b.src.summary
    status = summ.get("fake_share_status")
    out: list[Any] = []
    if status is not None:
        b.shown_figures.add("fake_share_status")
    if status == "not_measurable":
        shown = summ.get("audience_measurable") or {}
        count = (lambda k: b.num((shown.get(k) or {}).get("followers") or 0))  # noqa: E731
        b.shown_figures.update({"audience_measurable", "fake_share_missing_fields"})
        out.append(Note(b.t("fake_not_measurable", fields=", ".join(summ.get("fake_share_missing_fields") or []),
                            shown=b.t("fake_measurable_parts", bursts=count("followers_in_bought_bursts"),
                                      handles=count("generated_looking_handles"), silent=count("never_interacted")))))
    elif status == "wide_interval":
        out.append(Note(b.t("fake_wide_interval")))
    allowed = summ.get("audience_allowed")
    if isinstance(allowed, dict):
        b.shown_figures.add("audience_allowed")
        if any(allowed.values()):
            out.append(Note(b.t("allowed_apart", parts=", ".join(f"{k} {b.num(v)}" for k, v in allowed.items() if v))))
    return out


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
        if isinstance(ci, (list, tuple)) and len(ci) == 2 and None not in ci:
            b.shown_figures.add("fake_share_ci")
            fake.note = b.t("fake_estimated_note", low=b.pct(ci[0], 1), high=b.pct(ci[1], 1))
        tiles.append(fake)
    blocks.extend(_fake_share_notes(b))
    if summ.get("audience_by_label"):
        tiles.append(b.headline_tile("low_quality_share", "alert"))
    tiles += b.figure_tiles("real_reachable_audience", "followers_scored", "bought_bursts", "bought_followers_estimate",
                            "follower_spikes", "audience_engagements_judged")
    if tiles:
        blocks.append(tiles)
    comps = summ.get("audience_components")
    if isinstance(comps, dict) and any(v is not None for v in comps.values()):
        values = [{"c": label(k, b.lang), "v": float(v)} for k, v in comps.items() if v is not None]
        blocks.append(b.bars("audience-components", "components_chart", values, category="c", value="v",
                             x_key="component_axis", y_key="component", fmt=".0%", color=charts.PALETTE["real"]))
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
        blocks.append(b.bars("audience-labels", "audience_labels_chart", values, category="label", value="n",
                             x_key="followers_axis", y_key="label", tables=("accounts",),
                             colors={v["label"]: colors.get(str(v["key"]), charts.PALETTE["accent"]) for v in values}))
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
    if summ.get("most_engaged_checked"):
        b.shown_figures.update(("most_engaged_checked", "most_engaged_pod_members"))
        in_pods = int(summ.get("most_engaged_pod_members") or 0)
        blocks.append(Note(b.t("most_engaged_in_pods", checked=b.num(summ["most_engaged_checked"]), pods=b.num(in_pods)),
                           tone="alert" if in_pods else ""))
    b.shown_figures.update(k for k in ("brand_in_pod", "brand_pod_ids") if k in summ)
    for r in brand_pod_members(b):
        blocks.append(Note(b.t("brand_in_pod", account=b.person(r["account_id"]), pod=r["pod_id"]), tone="alert"))
    if summ.get("pods_skipped"):
        b.shown_figures.add("pods_skipped")
        blocks.append(Note(str(summ["pods_skipped"])))
    blocks.append(TableBlock(
        b.t("pods_table"), [label(c, b.lang) for c in shown],
        b.cell_rows(rows[: b.limit], shown, {"pod_id": "pod"}), len(rows), "pods",
        more_href=b.table_href("pods") if b.table_href else None))
    return blocks
