"""`liens audience`: the Audience Quality Score, its components, the real reachable audience and the
follower bursts; `liens audience train LABELS.csv`, `liens audience evaluate`, `liens audience --account ID`."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ... import api
from ..i18n import format_number, format_percent, language, register, t
from .common import DEFAULT_STORE_PATH, LangOption, StoreOption, app, console, safe, use_language

register({
    "aud_title": {"en": "Audience quality", "fr": "Qualité de l'audience"},
    "aud_score": {"en": "Audience Quality Score: {score}/100", "fr": "Score de qualité d'audience : {score}/100"},
    "aud_none": {"en": "No audience results in this store: run `liens analyze` first.",
                 "fr": "Aucun résultat d'audience dans ce stockage : lancez d'abord `liens analyze`."},
    "aud_needs_follows": {
        "en": "The audience analysis needs the 'follows' table (who follows the brand, since when) to score followers.",
        "fr": "L'analyse d'audience a besoin de la table 'follows' (qui suit la marque, depuis quand) pour évaluer les abonnés.",
    },
    "aud_c_real_share": {"en": "Real share (not fake)", "fr": "Part réelle (pas faux)"},
    "aud_c_reachable_share": {"en": "Reachable share (of real: neither inactive nor mass-followers)",
                              "fr": "Part atteignable (des réels : ni inactifs ni abonnés en masse)"},
    "aud_c_engagement_authenticity": {"en": "Engagement authenticity (not pods, not fakes)",
                                      "fr": "Authenticité de l'engagement (ni pods, ni faux)"},
    "aud_c_growth_integrity": {"en": "Growth integrity (share of growth not bought)",
                               "fr": "Intégrité de la croissance (part non achetée)"},
    "aud_fake_share": {"en": "Fake followers: {share} estimated (95% interval {low} – {high}) of {n} followers scored",
                       "fr": "Faux abonnés : {share} estimés (intervalle à 95 % {low} – {high}) sur {n} abonnés évalués"},
    "aud_fake_wide": {"en": "Warning: the interval is wide: too few followers (sample more with --sample) or profiles too ambiguous.",
                      "fr": "Attention : l'intervalle est large : trop peu d'abonnés (échantillonnez-en plus avec --sample) ou des profils trop ambigus."},
    "aud_fake_not_measurable": {
        "en": "Fake share: not measurable. The followers' profiles lack {fields}; load them (an accounts file with these "
              "columns, e.g. a follower-export tool's CSV) to estimate it.",
        "fr": "Part de faux : non mesurable. Il manque aux profils des abonnés {fields} ; chargez-les (un fichier accounts "
              "avec ces colonnes, p. ex. l'export CSV d'un outil) pour l'estimer."},
    "aud_measurable": {
        "en": "What the data shows: {bursts} followed during a bought burst, {handles} handles look generated, {silent} never interacted (of {n}).",
        "fr": "Ce que montrent les données : {bursts} abonnés pendant un pic acheté, {handles} pseudos d'apparence générée, {silent} sans aucune interaction (sur {n})."},
    "aud_allowed": {"en": "Allow-listed, never flagged, counted apart: staff {staff}, partners {partners}, known fans {fans}.",
                    "fr": "Listes autorisées, jamais signalés, comptés à part : équipe {staff}, partenaires {partners}, fans connus {fans}."},
    "aud_reachable": {"en": "Real reachable audience: {real} people (followers shown: {followers})",
                      "fr": "Audience réelle atteignable : {real} personnes (abonnés affichés : {followers})"},
    "aud_labels": {"en": "Real {real} · fake {fake} · inactive {inactive} · mass-followers {mass_follower}",
                   "fr": "Réels {real} · faux {fake} · inactifs {inactive} · abonnés en masse {mass_follower}"},
    "aud_scorer_default": {"en": "Scorer: the default transparent scorer (no training).",
                           "fr": "Évaluation : le score transparent par défaut (sans apprentissage)."},
    "aud_scorer_trained": {"en": "Scorer: your trained model ({what}).", "fr": "Évaluation : votre modèle entraîné ({what})."},
    "aud_missing": {"en": "Missing profile fields (scored with what there is): {fields}",
                    "fr": "Champs de profil manquants (évalué avec ce qu'il y a) : {fields}"},
    "aud_bursts_title": {"en": "Follower spikes", "fr": "Pics d'abonnés"},
    "aud_bursts_none": {"en": "No anomalous follower spike.", "fr": "Aucun pic d'abonnés anormal."},
    "aud_bought": {"en": "{n} bought-follower burst(s), about {followers} bought followers.",
                   "fr": "{n} pic(s) d'abonnés achetés, environ {followers} abonnés achetés."},
    "aud_col_gain": {"en": "Gain", "fr": "Gain"},
    "aud_col_expected": {"en": "Expected", "fr": "Attendu"},
    "aud_col_zscore": {"en": "Score", "fr": "Score"},
    "aud_col_cohort_fake": {"en": "Cohort fake", "fr": "Cohorte fausse"},
    "aud_col_verdict": {"en": "Verdict", "fr": "Verdict"},
    "aud_col_why": {"en": "Why", "fr": "Pourquoi"},
    "aud_kind_bought": {"en": "bought", "fr": "acheté"},
    "aud_kind_viral": {"en": "viral post", "fr": "publication virale"},
    "aud_kind_campaign": {"en": "campaign", "fr": "campagne"},
    "aud_kind_organic": {"en": "organic", "fr": "organique"},
    "aud_kind_unexplained": {"en": "suspected (unexplained)", "fr": "suspect (inexpliqué)"},
    "aud_why_cohort": {"en": "{share} of the {n} followers who joined then look fake (usually {usual})",
                   "fr": "{share} des {n} abonnés arrivés alors semblent faux (d'habitude {usual})"},
    "aud_why_viral": {"en": "a post drew {ratio}× its usual engagement", "fr": "une publication a eu {ratio} fois son engagement habituel"},
    "aud_why_campaign": {"en": "campaign '{campaign}'", "fr": "campagne « {campaign} »"},
    "aud_why_unexplained": {"en": "no post, viral engagement or campaign explains it",
                        "fr": "aucune publication, engagement viral ou campagne ne l'explique"},
    "aud_fakes_title": {"en": "Most likely fake followers", "fr": "Abonnés les plus probablement faux"},
    "aud_col_handle": {"en": "Handle", "fr": "Pseudo"},
    "aud_col_fake_score": {"en": "Fake probability", "fr": "Probabilité de faux"},
    "aud_col_reasons": {"en": "Reasons", "fr": "Raisons"},
    "aud_trained": {"en": "Model trained on {n} labelled accounts ({fake} fake) with {features} features; "
                          "`liens analyze` uses it from now on.",
                    "fr": "Modèle entraîné sur {n} comptes étiquetés ({fake} faux) avec {features} variables ; "
                          "`liens analyze` l'utilise désormais."},
    "aud_eval_title": {"en": "Cross-validation: {folds}-fold × {repeats} repeats, {n} accounts ({fake} fake)",
                       "fr": "Validation croisée : {folds} plis × {repeats} répétitions, {n} comptes ({fake} faux)"},
    "aud_metric": {"en": "Metric", "fr": "Mesure"},
    "aud_mean": {"en": "Mean", "fr": "Moyenne"},
    "aud_std": {"en": "Std. dev.", "fr": "Écart-type"},
    "aud_m_accuracy": {"en": "Accuracy", "fr": "Exactitude"},
    "aud_m_precision": {"en": "Precision (fake)", "fr": "Précision (faux)"},
    "aud_m_recall": {"en": "Recall (fake)", "fr": "Rappel (faux)"},
    "aud_m_f1": {"en": "F1 (fake)", "fr": "F1 (faux)"},
    "aud_m_auc": {"en": "AUC", "fr": "AUC"},
    "aud_default_auc": {"en": "Default scorer on the same accounts, without training: AUC {auc}.",
                        "fr": "Score par défaut sur les mêmes comptes, sans apprentissage : AUC {auc}."},
    "aud_vet_title": {"en": "Vetting {who}: {sampled} of {followers} followers sampled",
                      "fr": "Examen de {who} : {sampled} abonnés sur {followers} échantillonnés"},
    "aud_vet_reach": {"en": "Estimated real reachable audience: {real} of {followers} followers",
                      "fr": "Audience réelle atteignable estimée : {real} sur {followers} abonnés"},
})

audience_app = typer.Typer(help="Audience quality: fake, inactive and mass-following followers, bought bursts.",
                           invoke_without_command=True, no_args_is_help=False)
app.add_typer(audience_app, name="audience")

ConfigOption = Annotated[Path | None, typer.Option("--config", help="Configuration file (default: ./liens.toml).")]



@audience_app.callback()
def audience(
    ctx: typer.Context,
    store: StoreOption = DEFAULT_STORE_PATH,
    account: Annotated[str | None, typer.Option("--account", help="Vet another account (an influencer, by id or handle) from a sample of its followers.")] = None,
    sample: Annotated[int | None, typer.Option("--sample", min=10, help="Followers sampled when vetting (default: audience.vet_sample).")] = None,
    config: ConfigOption = None,
    lang: LangOption = None,
) -> None:
    """Show the Audience Quality Score, its components, the real reachable audience and follower bursts."""
    if ctx.invoked_subcommand is not None:
        return
    use_language(lang)
    if account is not None:
        with api.open_store(store) as opened:
            row, result = api.vet_account(opened, api.account_id(opened, account), api.load_config(config), sample=sample)
        _print_vetting(row, result.summary, result.spikes)
        return
    with api.open_store(store, read_only=True) as opened:
        summary = opened.summary()
        names = opened.result_names()
        spikes = opened.result("growth_spikes").to_pandas() if "growth_spikes" in names else None
        fakes = api.likely_fakes(opened) if "accounts" in names else []
    if "audience" not in summary.get("analyses", []) and "audience_skipped" not in summary:
        console.print(t("aud_none"))
        return
    _print_summary(summary)
    if spikes is not None:
        _print_spikes(spikes)
    if fakes:
        table = Table(t("aud_col_handle"), t("aud_col_fake_score"), t("label"), t("aud_col_reasons"), title=t("aud_fakes_title"))
        for row in fakes:
            table.add_row(safe(row["handle"] or row["account_id"]), format_percent(row["fake_score"]), row["audience_label"],
                          safe(api.reasons_text(row["audience_reason_codes"], language())))
        console.print(table)


def _print_summary(s: dict[str, Any]) -> None:
    if s.get("audience_skipped"):
        console.print(t("aud_needs_follows"))
    if s.get("audience_quality_score") is not None:
        console.print(f"[bold]{t('aud_score', score=format_number(s['audience_quality_score'], decimals=1))}[/]")
    components = s.get("audience_components") or {}
    if components:
        table = Table(t("component"), t("value"), title=t("aud_title"))
        for key, value in components.items():
            table.add_row(t(f"aud_c_{key}"), format_percent(value))
        console.print(table)
    if s.get("fake_share_status") == "not_measurable":
        shown = s.get("audience_measurable") or {}
        count = (lambda k: format_number((shown.get(k) or {}).get("followers")))  # noqa: E731
        console.print(t("aud_fake_not_measurable", fields=", ".join(s.get("fake_share_missing_fields") or [])))
        console.print(t("aud_measurable", bursts=count("followers_in_bought_bursts"), handles=count("generated_looking_handles"),
                        silent=count("never_interacted"), n=format_number(s.get("followers_scored"))))
    allowed = s.get("audience_allowed") or {}
    if any(allowed.values()):
        console.print(t("aud_allowed", **{k: format_number(allowed.get(k, 0)) for k in ("staff", "partners", "fans")}))
    if s.get("fake_share") is not None:
        low, high = s.get("fake_share_ci") or [None, None]
        console.print(t("aud_fake_share", share=format_percent(s["fake_share"]), low=format_percent(low), high=format_percent(high),
                        n=format_number(s.get("followers_scored"))))
        if s.get("fake_share_status") == "wide_interval":
            console.print(f"[yellow]{t('aud_fake_wide')}[/]")
        console.print(t("aud_reachable", real=format_number(s.get("real_reachable_audience")),
                        followers=format_number(s.get("followers"))))
        by = s.get("audience_by_label") or {}
        console.print(t("aud_labels", **{k: format_number(by.get(k, 0)) for k in ("real", "fake", "inactive", "mass_follower")}))
    missing = s.get("audience_missing_fields") or {}
    if missing:
        console.print(t("aud_missing", fields=", ".join(f"{k} ({format_number(v)})" for k, v in missing.items())))
    scorer = s.get("audience_scorer", "default")
    console.print(t("aud_scorer_default") if scorer == "default" else t("aud_scorer_trained", what=safe(scorer[8:])))
    if s.get("bought_bursts"):
        console.print(t("aud_bought", n=format_number(s["bought_bursts"]), followers=format_number(s.get("bought_followers_estimate"))))


def _why(row: dict) -> str:
    parts = []
    ratio, share = row.get("post_engagement_ratio"), row.get("cohort_fake_share")
    if row["kind"] == "viral" and ratio is not None:
        parts.append(t("aud_why_viral", ratio=format_number(ratio, decimals=1)))
    if row["kind"] == "campaign" and row.get("campaign"):
        parts.append(t("aud_why_campaign", campaign=safe(row["campaign"])))
    if row["kind"] == "unexplained":
        parts.append(t("aud_why_unexplained"))
    if share is not None and not (isinstance(share, float) and math.isnan(share)) and row.get("cohort_size"):
        parts.append(t("aud_why_cohort", share=format_percent(share), n=format_number(row["cohort_size"]), usual=format_percent(row.get("usual_fake_share"))))
    return "; ".join(parts)


def _print_spikes(spikes: Any) -> None:
    if not len(spikes):
        console.print(t("aud_bursts_none"))
        return
    table = Table(t("date"), t("account"), t("aud_col_gain"), t("aud_col_expected"), t("aud_col_zscore"), t("aud_col_cohort_fake"),
                  t("aud_col_verdict"), t("aud_col_why"), title=t("aud_bursts_title"))
    for row in spikes.sort_values(["date", "owner_id"]).to_dict("records"):
        verdict = t(f"aud_kind_{row['kind']}")
        table.add_row(str(row["date"]), safe(row["owner_id"]), format_number(row["gain"]), format_number(row["expected_gain"]),
                      format_number(row["score"], decimals=1), format_percent(row["cohort_fake_share"]),
                      f"[bold red]{verdict}[/]" if row["is_bought"] else verdict, _why(row))
    console.print(table)


def _print_vetting(row: dict, summary: dict, spikes: Any) -> None:
    who = row["account_id"] + (f" (@{row['handle']})" if row.get("handle") else "")
    console.print(f"[bold]{t('aud_vet_title', who=safe(who), sampled=format_number(row['followers_sampled']), followers=format_number(row['followers']))}[/]")
    _print_summary(summary | {"followers": row["followers"]})
    console.print(t("aud_vet_reach", real=format_number(row["real_reachable_audience"]), followers=format_number(row["followers"])))
    _print_spikes(spikes)


@audience_app.command("train")
def train(
    labels: Annotated[Path, typer.Argument(help="CSV with columns account_id,label (label: fake or real).")],
    store: StoreOption = DEFAULT_STORE_PATH,
    config: ConfigOption = None,
    lang: LangOption = None,
) -> None:
    """Fit the follower model on your labelled accounts and keep it in the store (used by `liens analyze`)."""
    use_language(lang)
    with api.open_store(store) as opened:
        model = api.train_model(opened, labels, api.load_config(config))
    console.print(t("aud_trained", n=format_number(model.n_labels), fake=format_number(model.n_fake),
                    features=len(model.features)))


@audience_app.command("evaluate")
def evaluate(
    store: StoreOption = DEFAULT_STORE_PATH,
    repeats: Annotated[int | None, typer.Option("--repeats", min=1, help="Repeats (default: audience.cv_repeats).")] = None,
    folds: Annotated[int | None, typer.Option("--folds", min=2, help="Folds (default: audience.cv_folds).")] = None,
    config: ConfigOption = None,
    lang: LangOption = None,
) -> None:
    """Cross-validated accuracy, precision, recall, F1 and AUC of the model on your labels."""
    use_language(lang)
    with api.open_store(store) as opened:
        figures = api.evaluate_model(opened, api.load_config(config), folds=folds, repeats=repeats)
    table = Table(t("aud_metric"), t("aud_mean"), t("aud_std"),
                  title=t("aud_eval_title", folds=figures["folds"], repeats=figures["repeats"],
                          n=format_number(figures["accounts"]), fake=format_number(figures["fake"])))
    for key in ("accuracy", "precision", "recall", "f1", "auc"):
        table.add_row(t(f"aud_m_{key}"), format_number(figures[key], decimals=3), format_number(figures[f"{key}_std"], decimals=3))
    console.print(table)
    console.print(t("aud_default_auc", auc=format_number(figures["default_auc"], decimals=3)))
