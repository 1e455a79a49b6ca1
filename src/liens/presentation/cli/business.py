"""`liens funnel` and `liens goals`: what engagement leads to, what it costs, and progress toward goals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ... import api
from ..i18n import format_number, format_percent, register, t
from .common import DEFAULT_STORE_PATH, LangOption, StoreOption, app, console, err_console, safe, use_language

BREAKDOWNS = ("month", "platform", "member_level", "audience_label", "follows_brand")

register({
    "biz_no_results": {"en": "No business results in this store: run `liens analyze` first.",
                       "fr": "Pas de résultats business dans ce stockage : lancez d'abord `liens analyze`."},
    "biz_conversions": {
        "en": "{total} conversion(s): {person} tied to a person ({account} by account, {identity} through identities), "
              "{campaign} to a campaign or source only, {none} to nothing.",
        "fr": "{total} conversion(s) : {person} rattachée(s) à une personne ({account} par compte, {identity} par les identités), "
              "{campaign} à une campagne ou une source seulement, {none} à rien.",
    },
    "biz_no_conversions": {"en": "The dataset has no conversions table: conversions are not computed.",
                           "fr": "Le jeu de données n'a pas de table conversions : les conversions ne sont pas calculées."},
    "biz_funnel_title": {"en": "Funnel by {by}", "fr": "Entonnoir par {by}"},
    "by_month": {"en": "month", "fr": "mois"},
    "by_platform": {"en": "platform", "fr": "plateforme"},
    "by_member_level": {"en": "member level", "fr": "niveau de membre"},
    "by_audience_label": {"en": "audience segment", "fr": "segment d'audience"},
    "by_follows_brand": {"en": "follower or not", "fr": "abonné ou non"},
    "col_group": {"en": "Group", "fr": "Groupe"},
    "col_engaged": {"en": "Engaged people", "fr": "Personnes engagées"},
    "col_intent": {"en": "Showed intent", "fr": "Intention exprimée"},
    "col_converted": {"en": "Converted", "fr": "Converties"},
    "col_conversion_rate": {"en": "Conversion rate", "fr": "Taux de conversion"},
    "col_days": {"en": "Median days to convert", "fr": "Jours médians avant conversion"},
    "all": {"en": "all", "fr": "tout"},
    "biz_funnel_note": {
        "en": "People, not accounts. Conversion rate: people who converted after engaging, over people engaged. "
              "\"–\" means not computed from this data, not zero.",
        "fr": "Des personnes, pas des comptes. Taux de conversion : personnes converties après s'être engagées, sur "
              "personnes engagées. « – » signifie non calculé avec ces données, pas zéro.",
    },
    "biz_attr_title": {"en": "What preceded the conversions ({model}, {days} days before) vs what likes credit",
                       "fr": "Ce qui a précédé les conversions ({model}, {days} jours avant) face au crédit des likes"},
    "model_first_touch": {"en": "first touch", "fr": "premier contact"},
    "model_last_touch": {"en": "last touch", "fr": "dernier contact"},
    "model_linear": {"en": "linear", "fr": "linéaire"},
    "col_credit": {"en": "Conversions credited", "fr": "Conversions créditées"},
    "col_credit_share": {"en": "Share of conversions", "fr": "Part des conversions"},
    "col_likes_share": {"en": "Share of likes", "fr": "Part des likes"},
    "col_likes_rank": {"en": "Rank by likes", "fr": "Rang aux likes"},
    "biz_attr_summary": {
        "en": "{attributed} conversion(s) attributed; {unattributed} person conversion(s) had no touch in the window. "
              "Distance between the likes ranking and the conversions ranking: {distance} (0 = same credit, 100% = opposite).",
        "fr": "{attributed} conversion(s) attribuée(s) ; {unattributed} conversion(s) de personnes sans contact dans la fenêtre. "
              "Écart entre le classement aux likes et le classement aux conversions : {distance} (0 = même crédit, 100 % = opposé).",
    },
    "biz_cost_title": {"en": "Cost of engagement", "fr": "Coût de l'engagement"},
    "col_scope": {"en": "Scope", "fr": "Périmètre"},
    "col_cost": {"en": "Cost", "fr": "Coût"},
    "col_hours": {"en": "Hours", "fr": "Heures"},
    "col_per_engaged": {"en": "Per engaged person", "fr": "Par personne engagée"},
    "col_per_lead": {"en": "Per lead", "fr": "Par prospect"},
    "col_per_conversion": {"en": "Per conversion", "fr": "Par conversion"},
    "col_roe": {"en": "Return on engagement", "fr": "Retour sur engagement"},
    "biz_no_costs": {"en": "The dataset has no costs table: cost figures are not computed.",
                     "fr": "Le jeu de données n'a pas de table costs : les coûts ne sont pas calculés."},
    "biz_impact": {
        "en": "Campaign {campaign} ({start} → {end}): engaged people {before} before, {during} during ({lift}); "
              "conversions {cbefore} before, {cduring} during.",
        "fr": "Campagne {campaign} ({start} → {end}) : personnes engagées {before} avant, {during} pendant ({lift}) ; "
              "conversions {cbefore} avant, {cduring} pendant.",
    },
    "biz_warnings": {"en": "To know", "fr": "À savoir"},
    "w_identity_conflict": {"en": "{count} account(s) belong to several people in identities; the first was kept.",
                            "fr": "{count} compte(s) appartiennent à plusieurs personnes dans identities ; la première est retenue."},
    "w_no_brand": {"en": "No brand account is known: nobody can be counted as engaging with the brand.",
                   "fr": "Aucun compte de la marque n'est connu : personne ne peut être compté comme engagé avec elle."},
    "w_not_cleaned": {"en": "The pods step did not run: engagement is counted raw.",
                      "fr": "L'étape des pods n'a pas tourné : l'engagement est compté brut."},
    "w_no_intent": {"en": "Interactions carry no intent (conversation step absent): the intent stage is not computed.",
                    "fr": "Les interactions n'ont pas d'intention (étape conversation absente) : l'étape « intention » n'est pas calculée."},
    "w_no_conversions": {"en": "No conversions table: conversions, rates and attribution are not computed.",
                         "fr": "Pas de table conversions : conversions, taux et attribution ne sont pas calculés."},
    "w_no_costs": {"en": "No costs table: cost figures are not computed.",
                   "fr": "Pas de table costs : les coûts ne sont pas calculés."},
    "w_conversion_unknown_account": {
        "en": "{count} conversion(s) name an account found nowhere in the data (e.g. {examples}): never guessed onto a person.",
        "fr": "{count} conversion(s) citent un compte absent des données (ex. {examples}) : jamais attribuées à une personne au hasard.",
    },
    "w_conversion_unlinked": {
        "en": "{count} conversion(s) have no account, campaign or source (e.g. {examples}): counted in totals, tied to nothing.",
        "fr": "{count} conversion(s) sans compte, campagne ni source (ex. {examples}) : comptées dans les totaux, rattachées à rien.",
    },
    "w_cost_period_inverted": {"en": "{count} cost line(s) end before they start; counted as one day.",
                               "fr": "{count} ligne(s) de coût finissent avant de commencer ; comptées pour un jour."},
    "w_cost_overlap": {
        "en": "{count} cost line(s) overlap an earlier line of the same platform and campaign (e.g. {examples}): "
              "both are counted, which double-counts if they are the same spend.",
        "fr": "{count} ligne(s) de coût chevauchent une ligne antérieure de même plateforme et campagne (ex. {examples}) : "
              "les deux sont comptées, ce qui compte deux fois s'il s'agit de la même dépense.",
    },
    "w_cost_mixed_currencies": {"en": "Cost lines are in several currencies ({currencies}): money figures are not computed.",
                                "fr": "Les coûts sont en plusieurs devises ({currencies}) : les montants ne sont pas calculés."},
    "w_conversion_currency_mismatch": {
        "en": "Conversion values ({currencies}) and costs are in different currencies: return on engagement is not computed.",
        "fr": "Valeurs des conversions ({currencies}) et coûts sont dans des devises différentes : le retour sur engagement n'est pas calculé.",
    },
    "w_goal_invalid": {"en": "{message}", "fr": "{message}"},
    "w_goal_not_computed": {"en": "Goal '{goal}' is not computed: {note}", "fr": "L'objectif « {goal} » n'est pas calculé : {note}"},
    # Goals.
    "goals_none": {
        "en": "No goal declared. Add some to liens.toml, e.g.:\n[[goals]]\nname = \"New customers\"\nmetric = \"new_customers\"\n"
              "kind = \"sale\"\ntarget = 20\nperiod = \"2025-Q2\"",
        "fr": "Aucun objectif déclaré. Ajoutez-en dans liens.toml, par exemple :\n[[goals]]\nname = \"Nouveaux clients\"\n"
              "metric = \"new_customers\"\nkind = \"sale\"\ntarget = 20\nperiod = \"2025-Q2\"",
    },
    "goals_title": {"en": "Goals as of {as_of}", "fr": "Objectifs au {as_of}"},
    "col_goal": {"en": "Goal", "fr": "Objectif"},
    "col_target": {"en": "Target", "fr": "Cible"},
    "col_actual": {"en": "Now", "fr": "Actuel"},
    "col_expected": {"en": "Expected by now", "fr": "Attendu à date"},
    "col_progress": {"en": "Progress", "fr": "Avancement"},
    "col_status": {"en": "Status", "fr": "Statut"},
    "col_note": {"en": "Note", "fr": "Remarque"},
    "goals_invalid": {"en": "{n} goal(s) are malformed: fix liens.toml.", "fr": "{n} objectif(s) mal formé(s) : corrigez liens.toml."},
    "status_reached": {"en": "reached", "fr": "atteint"},
    "status_on_track": {"en": "on track", "fr": "en bonne voie"},
    "status_behind": {"en": "behind", "fr": "en retard"},
    "status_missed": {"en": "missed", "fr": "manqué"},
    "status_not_started": {"en": "not started", "fr": "pas commencé"},
    "status_not_computed": {"en": "not computed", "fr": "non calculé"},
    "status_invalid": {"en": "invalid", "fr": "invalide"},
    "goal_note_no_conversions_table": {"en": "the dataset has no conversions table", "fr": "le jeu de données n'a pas de table conversions"},
    "goal_note_no_costs_table": {"en": "the dataset has no costs table", "fr": "le jeu de données n'a pas de table costs"},
    "goal_note_cost_currencies": {"en": "cost lines are in several currencies ({currencies})", "fr": "les coûts sont en plusieurs devises ({currencies})"},
    "goal_note_no_cost_line": {"en": "no cost line covers this period", "fr": "aucune ligne de coût ne couvre cette période"},
    "goal_note_empty_denominator": {"en": "nothing to divide by in the period ({what})", "fr": "rien à diviser sur la période ({what})"},
    "goal_note_summary_missing": {"en": "summary.json has no number '{key}'", "fr": "summary.json n'a pas de nombre « {key} »"},
    "goal_note_no_audience_score": {"en": "the audience analysis did not compute the Audience Quality Score",
                                    "fr": "l'analyse d'audience n'a pas calculé le score de qualité d'audience"},
    "goal_note_no_answer_in_period": {"en": "no answered interaction in the period", "fr": "aucune interaction répondue sur la période"},
    "goal_note_no_response_times": {"en": "response times are not computed (conversation analysis absent)",
                                    "fr": "les délais de réponse ne sont pas calculés (analyse des conversations absente)"},
    "goal_note_no_value": {"en": "no conversion of the period carries a value", "fr": "aucune conversion de la période n'a de valeur"},
    "goal_note_value_currencies": {"en": "conversion values are in several currencies", "fr": "les valeurs des conversions sont en plusieurs devises"},
    "goal_note_campaign_engaged": {"en": "engaged people are not counted per campaign", "fr": "les personnes engagées ne sont pas comptées par campagne"},
    "goal_note_no_dated_data": {"en": "the data holds no dated interaction or conversion", "fr": "les données n'ont aucune interaction ni conversion datée"},
    "goal_note_starts_later": {"en": "the period starts on {start}", "fr": "la période commence le {start}"},
    "goal_note_data_starts_later": {"en": "the data starts on {start}, after the period's start", "fr": "les données commencent le {start}, après le début de la période"},
    "goal_note_whole_data_summary": {"en": "whole data (summary figure)", "fr": "toutes les données (chiffre du résumé)"},
    "goal_note_whole_data_score": {"en": "whole data (not computed per period)", "fr": "toutes les données (pas calculé par période)"},
    "goal_note_whole_data_responses": {"en": "whole data (no response time per interaction)", "fr": "toutes les données (pas de délai par interaction)"},
})



def _warning_text(item: dict[str, Any]) -> str:
    code = item.get("code", "")
    params = {k: v for k, v in item.items() if k not in ("code", "level")}
    if "examples" in params:
        params["examples"] = ", ".join(map(str, params["examples"]))
    if "currencies" in params and isinstance(params["currencies"], list):
        params["currencies"] = ", ".join(params["currencies"])
    try:
        text = t(f"w_{code}", **params)
    except (KeyError, IndexError):
        text = item.get("message", code)
    return text if text != f"w_{code}" else item.get("message", code)


def print_warnings(summary: dict[str, Any]) -> None:
    warnings = summary.get("business_warnings") or []
    if not warnings:
        return
    console.print()
    console.print(t("biz_warnings"), style="bold")
    for item in warnings:
        style = "yellow" if item.get("level") == "warning" else "dim"
        console.print(f"• {safe(_warning_text(item))}", style=style)


def _funnel_rows(rows: list[dict[str, Any]], by: str) -> list[dict[str, Any]]:
    if by == "month":
        return [r for r in rows if r["platform"] == "all" and r["segment_by"] == "all"]
    if by == "platform":
        return [r for r in rows if r["period"] == "all" and r["segment_by"] == "all"]
    return [r for r in rows if r["segment_by"] == by or (r["segment_by"] == "all" and r["period"] == "all" and r["platform"] == "all")]


def print_funnel(store: api.Store, summary: dict[str, Any], by: str, model: str, limit: int) -> None:
    by_link = summary.get("conversions_by_link")
    if by_link is None:
        console.print(t("biz_no_conversions"))
    else:
        console.print(t("biz_conversions", total=format_number(summary.get("conversions")),
                        person=format_number(by_link["account"] + by_link["identity"]), account=format_number(by_link["account"]),
                        identity=format_number(by_link["identity"]), campaign=format_number(by_link["campaign"]),
                        none=format_number(by_link["none"])), style="bold")
    funnel = store.result("funnel").to_pylist()
    table = Table(t("col_group"), t("followers"), t("col_engaged"), t("col_intent"), t("col_converted"),
                  t("col_conversion_rate"), t("col_days"), title=t("biz_funnel_title", by=t(f"by_{by}")))
    for row in _funnel_rows(funnel, by):
        group = row["segment"] if row["segment_by"] != "all" else row["period"] if by == "month" else row["platform"]
        table.add_row(t("all") if group == "all" else safe(group), format_number(row["followers"]), format_number(row["engaged_members"]),
                      format_number(row["members_with_intent"]), format_number(row["converted_members"]),
                      format_percent(row["conversion_rate"]), format_number(row["median_days_to_convert"], decimals=1))
    console.print(table)
    console.print(t("biz_funnel_note"), style="dim")
    if "attribution" in store.result_names():
        _print_attribution(store, summary, model, limit)
    _print_cost(store, summary)
    print_warnings(summary)


def _print_attribution(store: api.Store, summary: dict[str, Any], model: str, limit: int) -> None:
    rows = [r for r in store.result("attribution").to_pylist() if r["dimension"] == "post"]
    rows.sort(key=lambda r: (-(r[model] or 0.0), -(r["likes"] or 0), r["value"]))
    formats = {}
    if store.has_table("posts") and rows:
        ids = [r["value"] for r in rows[:limit]]
        formats = dict(store.con.execute("SELECT post_id, format FROM posts WHERE post_id IN (SELECT unnest(?))", [ids]).fetchall())
    table = Table(t("post"), t("format"), t("col_credit"), t("col_credit_share"), t("col_likes_share"),
                  t("col_likes_rank"), title=t("biz_attr_title", model=t(f"model_{model}"), days=summary.get("attribution_lookback_days")))
    for row in rows[:limit]:
        table.add_row(safe(row["value"]), safe(formats.get(row["value"]) or "–"), format_number(row[model], decimals=2),
                      format_percent(row[f"{model}_share"]), format_percent(row["likes_share"]), format_number(row["rank_by_likes"]))
    console.print(table)
    distance = summary.get("attribution_vanity_distance")
    console.print(t("biz_attr_summary", attributed=format_number(summary.get("attributed_conversions")),
                    unattributed=format_number(summary.get("unattributed_person_conversions")),
                    distance=format_percent(distance, decimals=0)))


def _print_cost(store: api.Store, summary: dict[str, Any]) -> None:
    if "cost_of_engagement" not in store.result_names():
        console.print(t("biz_no_costs"))
        return
    table = Table(t("col_scope"), t("period"), t("col_cost"), t("col_hours"), t("col_per_engaged"),
                  t("col_per_lead"), t("col_per_conversion"), t("col_roe"), title=t("biz_cost_title"))
    for row in store.result("cost_of_engagement").to_pylist():
        scope = t("all") if row["scope"] == "all" else f"{row['scope']}: {safe(row['scope_value'])}"
        currency = f" {safe(row['currency'])}" if row["currency"] else ""

        def money(v: Any, currency: str = currency) -> str:
            return "–" if v is None else format_number(v, decimals=2) + currency

        table.add_row(scope, f"{row['period_start']} → {row['period_end']}", money(row["cost"]), format_number(row["hours"], decimals=1),
                      money(row["cost_per_engaged_member"]), money(row["cost_per_lead"]),
                      money(row["cost_per_conversion"]), format_percent(row["return_on_engagement"]))
    console.print(table)
    if "campaign_impact" in store.result_names():
        impact = store.result("campaign_impact").to_pylist()
        windows = {(r["campaign"], r["window"]): r for r in impact}
        for (campaign, window), during in windows.items():
            if window != "during":
                continue
            before = windows[(campaign, "before")]
            lift = during["engaged_lift"]
            console.print(t("biz_impact", campaign=safe(campaign), start=during["start"], end=during["end"],
                            before=format_number(before["engaged_members"]), during=format_number(during["engaged_members"]),
                            lift="–" if lift is None else ("+" if lift >= 0 else "") + format_percent(lift, decimals=0),
                            cbefore=format_number(before["conversions"]), cduring=format_number(during["conversions"])))


@app.command("funnel")
def funnel_command(
    store: StoreOption = DEFAULT_STORE_PATH,
    by: Annotated[str, typer.Option("--by", help="Breakdown: month, platform, member_level, audience_label or follows_brand.")] = "month",
    model: Annotated[str | None, typer.Option("--model", help="Attribution model: first_touch, last_touch or linear (default: from the configuration).")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="Configuration file (default: ./liens.toml).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Posts shown in the attribution table.")] = 10,
    lang: LangOption = None,
) -> None:
    """Conversions tied to people, the funnel from followers to customers, what preceded conversions, and the cost."""
    use_language(lang)
    if by not in BREAKDOWNS:
        raise api.ConfigError(f"--by: {by!r} is not one of {', '.join(BREAKDOWNS)}")
    chosen = model or api.load_config(config).business.attribution_model
    if chosen not in api.ATTRIBUTION_MODELS:
        raise api.ConfigError(f"--model: {chosen!r} is not one of {', '.join(api.ATTRIBUTION_MODELS)}")
    with api.open_store(store, read_only=True) as opened:
        summary = opened.summary()
        if "business" not in summary.get("analyses", []) or "funnel" not in opened.result_names():
            raise api.StoreError(t("biz_no_results"))
        print_funnel(opened, summary, by, chosen, limit)


def _note_text(row: dict[str, Any]) -> str:
    if row["status"] == "invalid":  # the full message (with the known metrics) is printed below the table
        return (row["note"] or "").split(" (known:")[0]
    try:
        notes = json.loads(row.get("note_codes") or "[]")
        return "; ".join(t(f"goal_note_{n['code']}", **{k: v for k, v in n.items() if k != "code"}) for n in notes)
    except (KeyError, ValueError):
        return row["note"] or ""


def print_goals(rows: list[dict[str, Any]]) -> None:
    as_of = next((r["as_of"] for r in rows if r["as_of"] is not None), None)
    table = Table(t("col_goal"), t("col_target"), t("col_actual"), t("col_expected"), t("col_progress"),
                  t("col_status"), t("col_note"), title=t("goals_title", as_of=as_of or "–"))
    for column in table.columns[1:6]:
        column.no_wrap = True
    styles = {"reached": "green", "on_track": "green", "behind": "yellow", "missed": "red", "invalid": "red",
              "not_computed": "magenta", "not_started": "dim"}
    for row in rows:
        decimals = 0 if row["target"] is None or float(row["target"]).is_integer() else 2
        target = "–" if row["target"] is None else f"{row['comparison']} {format_number(row['target'], decimals=decimals)}"
        label = safe(row["goal"]) + (f" [dim]({safe(row['period'])})[/dim]" if row["period"] else "")
        table.add_row(label, target, format_number(row["actual"], decimals=2 if decimals or (row["actual"] or 0) % 1 else 0),
                      format_number(row["expected_by_now"], decimals=1), format_percent(row["progress"], decimals=0),
                      f"[{styles.get(row['status'], 'white')}]{t('status_' + row['status'])}[/]", safe(_note_text(row)))
    console.print(table)


@app.command("goals")
def goals_command(
    store: StoreOption = DEFAULT_STORE_PATH,
    config: Annotated[Path | None, typer.Option("--config", help="Configuration file with [[goals]] (default: ./liens.toml).")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Measure progress at this date (YYYY-MM-DD; default: the last day of the data).")] = None,
    lang: LangOption = None,
) -> None:
    """Progress toward the goals of liens.toml: where each stands, the pace expected by now, on track or not."""
    use_language(lang)
    settings = api.load_config(config)
    if not settings.goals:
        console.print(t("goals_none"))
        return
    rows = api.goals(store, settings, as_of=as_of)
    print_goals(rows)
    invalid = [r for r in rows if r["status"] == "invalid"]
    if invalid:
        err_console.print(t("goals_invalid", n=len(invalid)), style="bold red")
        for row in invalid:
            err_console.print(f"• {safe(row['note'])}", style="red")
        raise typer.Exit(2)
