"""`liens alerts` (what fires now; `--explain`: every rule, its value and whether it fires),
`liens digest` (what changed, as text, Markdown or HTML) and `liens run` (the unattended run)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ... import api
from ..i18n import format_number, format_percent, register, t
from .alert_texts import Renderer
from .common import DEFAULT_STORE_PATH, LangOption, StoreOption, app, console, err_console, safe, use_language

register({
    "al_none": {"en": "No alert: nothing fires on the last analysis.", "fr": "Aucune alerte : rien ne se déclenche sur la dernière analyse."},
    "al_now": {"en": "{n} alert(s) fire on the last analysis (nothing is sent: `liens run` sends them).",
               "fr": "{n} alerte(s) se déclenchent sur la dernière analyse (rien n'est envoyé : `liens run` les envoie)."},
    "al_kept": {"en": "Kept in the store: {open} open ({waiting} waiting for delivery), {resolved} resolved.",
                "fr": "Conservées dans le stockage : {open} ouvertes ({waiting} en attente d'envoi), {resolved} résolues."},
    "al_rule": {"en": "Rule", "fr": "Règle"},
    "al_kind": {"en": "Kind", "fr": "Type"},
    "al_threshold": {"en": "Threshold", "fr": "Seuil"},
    "al_value": {"en": "Current value", "fr": "Valeur actuelle"},
    "al_fires": {"en": "Fires", "fr": "Déclenche"},
    "al_events": {"en": "Events", "fr": "Événements"},
    "al_channels": {"en": "Channels", "fr": "Canaux"},
    "al_cooldown": {"en": "Cooldown", "fr": "Délai de répit"},
    "al_meaning": {"en": "Threshold means", "fr": "Le seuil est"},
    "al_disabled": {"en": "disabled", "fr": "désactivée"},
    "al_no_results": {"en": "no results: run `liens analyze`", "fr": "pas de résultats : lancez `liens analyze`"},
    "al_digest_mode": {"en": "{channels} (with the digest)", "fr": "{channels} (avec le résumé)"},
    "run_locked": {"en": "Another `liens run` holds {lock}: this one stops.", "fr": "Un autre `liens run` tient {lock} : celui-ci s'arrête."},
    "run_nothing": {"en": "Nothing new ({seconds:.2f} s).", "fr": "Rien de nouveau ({seconds:.2f} s)."},
    "run_no_data": {"en": "The store holds no data yet and the inbox nothing loadable.", "fr": "Le stockage ne contient encore aucune donnée et la boîte de dépôt rien de chargeable."},
    "run_done": {"en": "Run done in {seconds:.1f} s: {loaded} loaded, {aside} set aside, analysed: {analysed}; alerts raised {raised}, resolved {resolved}; digest sent: {digest}.",
                 "fr": "Exécution terminée en {seconds:.1f} s : {loaded} chargé(s), {aside} mis de côté, analyse : {analysed} ; alertes levées {raised}, résolues {resolved} ; résumé envoyé : {digest}."},
    "run_aside": {"en": "Set aside {entry}: {error}", "fr": "Mis de côté {entry} : {error}"},
    "run_failed": {"en": "Delivery failed (kept, tried again next run): {error}", "fr": "Envoi échoué (conservé, réessayé au prochain passage) : {error}"},
    "run_log": {"en": "Run log: {path}", "fr": "Journal : {path}"},
})

ConfigOption = Annotated[Path | None, typer.Option("--config", help="Configuration file (default: ./liens.toml).")]


def _require(store: Path) -> None:
    if not store.exists():
        console.print(t("store_missing", path=safe(store)))
        raise typer.Exit(1)


def _value(check: api.RuleCheck, lang: str) -> str:
    value, kind = check.value, check.rule.kind
    if value is None:
        return "–"
    if kind == "response_rate":
        return format_percent(value, lang)
    if kind == "critique_spike":
        return f"p = {value:.2g}"
    return format_number(value, lang, decimals=2 if kind == "pod" else 1)


def _threshold(rule: Any, lang: str) -> str:
    if rule.kind == "response_rate":
        return format_percent(rule.threshold, lang)
    if rule.kind == "critique_spike":
        return f"p ≤ {rule.threshold:g}"
    return format_number(rule.threshold, lang, decimals=2 if rule.kind in ("pod", "goal_off_track") else 1)


def event_dict(event: Any) -> dict[str, Any]:
    return {"alert_id": event.key, "rule": event.rule, "kind": event.kind, "key": event.key,
            "facts": event.facts, "evidence": event.evidence}


@app.command("alerts")
def alerts_command(
    store: StoreOption = DEFAULT_STORE_PATH,
    config: ConfigOption = None,
    explain: Annotated[bool, typer.Option("--explain", help="List every rule, its current value and whether it fires.")] = False,
    lang: LangOption = None,
) -> None:
    """The alerts the rules raise on the last analysis (nothing is sent); --explain lists every rule."""
    use_language(lang)
    _require(store)
    settings = api.load_config(config)
    checks = api.check_alerts(store, settings)
    chosen = lang or api.alert_language(store, settings)
    if explain:
        from .alert_texts import KIND_MEANINGS

        table = Table(t("al_rule", chosen), t("al_kind", chosen), t("al_threshold", chosen), t("al_value", chosen),
                      t("al_fires", chosen), t("al_events", chosen), t("al_channels", chosen), t("al_cooldown", chosen))
        for check in checks:
            rule = check.rule
            fires = t(f"al_{check.note}", chosen) if check.note else t("yes" if check.fires else "no", chosen)
            channels = ", ".join(rule.channels)
            if rule.mode == "digest":
                channels = t("al_digest_mode", chosen, channels=channels)
            table.add_row(safe(rule.name), rule.kind, _threshold(rule, chosen), _value(check, chosen), fires,
                          format_number(len(check.events), chosen), channels,
                          t("cv_hours", chosen, n=format_number(rule.cooldown_hours, chosen)))
        console.print(table)
        for kind in sorted({c.rule.kind for c in checks}):
            console.print(f"{kind}: {t('al_meaning', chosen)} {KIND_MEANINGS[kind][chosen]}", markup=False)
        return
    events = [event_dict(e) for c in checks for e in c.events]
    if not events:
        console.print(t("al_none", chosen))
    else:
        console.print(t("al_now", chosen, n=len(events)))
        console.print(Renderer().alerts(events, chosen).text, markup=False)
    kept = api.kept_alerts(store, include_resolved=True)
    if kept:
        open_rows = [k for k in kept if k["status"] != "resolved"]
        console.print(t("al_kept", chosen, open=len(open_rows), resolved=len(kept) - len(open_rows),
                        waiting=sum(1 for k in open_rows if k["status"] == "raised")))


@app.command("digest")
def digest_command(
    store: StoreOption = DEFAULT_STORE_PATH,
    since: Annotated[str | None, typer.Option("--since", help="Start of the period (YYYY-MM-DD); default: --days before the end of the data.")] = None,
    days: Annotated[int | None, typer.Option("--days", min=1, help="Length of the period when --since is not given (default: alerting.digest_every_days).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="text, markdown or html.")] = "text",
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of the terminal.")] = None,
    config: ConfigOption = None,
    lang: LangOption = None,
) -> None:
    """What changed: this period against the previous one of the same length (members, levels,
    ambassadors, answers, signals, pods and bursts, conversions, cost)."""
    use_language(lang)
    _require(store)
    if fmt not in ("text", "markdown", "html"):
        raise api.ConfigError(f"--format {fmt!r}: expected text, markdown or html")
    settings = api.load_config(config)
    digest = api.digest(store, settings, since=since, days=days)
    chosen = lang or digest.language
    held = [k for k in api.kept_alerts(store, include_resolved=True)
            if k["raised_at"] is not None and digest.start < k["raised_at"] <= digest.end]
    message = Renderer().digest(digest, held, chosen)
    body = {"text": message.text, "markdown": message.markdown, "html": message.html}[fmt]
    if out is not None:
        out.write_text(body, encoding="utf-8")
        console.print(safe(out))
    else:
        console.print(body, markup=False)


@app.command("run")
def run_command(
    store: StoreOption = DEFAULT_STORE_PATH,
    inbox: Annotated[Path | None, typer.Option("--inbox", help="Folder new export files are dropped into (default: alerting.inbox).")] = None,
    config: ConfigOption = None,
    settle: Annotated[float, typer.Option("--settle", min=0, help="Entries changed in the last this many seconds wait for the next run (still being written).")] = 10.0,
    log: Annotated[Path | None, typer.Option("--log", help="Run log (JSON lines; default: beside the store, STORE.run.log).")] = None,
    lang: LangOption = None,
) -> None:
    """The unattended run, for cron or a systemd timer: load what is new in the inbox, analyse,
    send the alerts and the digest when due, write the run log. Nothing new: it stops at once."""
    use_language(lang)
    settings = api.load_config(config)
    report = api.run(store, Renderer(), settings, inbox=inbox, settle_seconds=settle, log=log,
                     write=lambda text: console.print(text, markup=False))
    if report.status == "locked":
        err_console.print(t("run_locked", lock=safe(f"{store}.lock")))
        return
    if report.status == "nothing_new":
        console.print(t("run_nothing", seconds=report.seconds))
        return
    if report.status == "no_data":
        console.print(t("run_no_data"))
    for aside in report.set_aside:
        err_console.print(t("run_aside", entry=safe(aside["entry"]), error=safe(aside["error"])))
    for failure in report.failures:
        err_console.print(t("run_failed", error=safe(failure)))
    if report.status == "done":
        console.print(t("run_done", seconds=report.seconds, loaded=len(report.loaded), aside=len(report.set_aside),
                        analysed=t("yes" if report.analysed else "no"), raised=report.raised,
                        resolved=report.resolved, digest=t("yes" if report.digest_sent else "no")))
    console.print(t("run_log", path=safe(report.log)))
    if report.failures or report.set_aside:
        sys.exit(1)


__all__ = ["alerts_command", "digest_command", "event_dict", "run_command"]
