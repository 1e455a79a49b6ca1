"""`liens inbox` (the unanswered queue, most urgent first) and `liens leads` (purchase, job and
co-creation intents, answered or not, converted or not)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from ... import api
from ..i18n import format_number, format_percent, register, t
from .common import DEFAULT_STORE_PATH, LangOption, StoreOption, app, console, safe, use_language

register({
    "cv_missing": {"en": "No conversation results in this store: run `liens analyze` first.",
                   "fr": "Aucun résultat conversation dans ce stockage : lancez d'abord `liens analyze`."},
    "cv_inbox_title": {"en": "Waiting for an answer ({n}), most urgent first", "fr": "En attente de réponse ({n}), les plus urgents d'abord"},
    "cv_leads_title": {"en": "Leads ({n})", "fr": "Prospects ({n})"},
    "cv_rank": {"en": "#", "fr": "#"},
    "cv_when": {"en": "When", "fr": "Quand"},
    "cv_waiting": {"en": "Waiting", "fr": "Attente"},
    "cv_kind": {"en": "Where", "fr": "Où"},
    "cv_text": {"en": "Text", "fr": "Texte"},
    "cv_answered": {"en": "Answered", "fr": "Répondu"},
    "cv_converted": {"en": "Converted", "fr": "Converti"},
    "cv_hours": {"en": "{n} h", "fr": "{n} h"},
    "cv_days": {"en": "{n} d", "fr": "{n} j"},
    "cv_rate": {"en": "Response rate {rate}; time to first answer: median {median}, 90th percentile {p90}.",
                "fr": "Taux de réponse {rate} ; délai de première réponse : médiane {median}, 90e centile {p90}."},
    "cv_more": {"en": "… and {n} more (--limit).", "fr": "… et {n} de plus (--limit)."},
    "intent_purchase": {"en": "purchase", "fr": "achat"},
    "intent_job": {"en": "job", "fr": "emploi"},
    "intent_cocreation": {"en": "co-creation", "fr": "co-création"},
    "intent_support": {"en": "support", "fr": "assistance"},
    "intent_critique": {"en": "critique", "fr": "critique"},
    "intent_praise": {"en": "praise", "fr": "éloge"},
    "intent_generic": {"en": "generic", "fr": "générique"},
    "intent_spam": {"en": "spam", "fr": "spam"},
})

LimitOption = Annotated[int, typer.Option("--limit", min=1, help="Rows shown / lignes affichées.")]


def _duration(minutes: float | None) -> str:
    if minutes is None:
        return "–"
    if minutes < 48 * 60:
        return t("cv_hours", n=format_number(minutes / 60, decimals=1))
    return t("cv_days", n=format_number(minutes / 1440, decimals=1))


def _short(text: Any, width: int = 90) -> str:
    value = "" if text is None else " ".join(str(text).split())
    return safe(value if len(value) <= width else value[: width - 1] + "…")


def _load(store_path: Any, name: str) -> tuple[list[dict], dict] | None:
    with api.open_store(store_path, read_only=True) as opened:
        if name not in opened.result_names():
            return None
        return opened.result(name).to_pylist(), opened.summary()


def _rate_line(summary: dict) -> str:
    return t("cv_rate", rate=format_percent(summary.get("response_rate")),
             median=_duration(summary.get("median_response_minutes")), p90=_duration(summary.get("p90_response_minutes")))


@app.command()
def inbox(store: StoreOption = DEFAULT_STORE_PATH, limit: LimitOption = 20, lang: LangOption = None) -> None:
    """The texts still waiting for the brand's answer, most urgent first (purchase and critique first, oldest first)."""
    use_language(lang)
    loaded = _load(store, "unanswered")
    if loaded is None:
        console.print(t("cv_missing"))
        raise typer.Exit(1)
    rows, summary = loaded
    rows.sort(key=lambda r: r["rank"])
    console.print(_rate_line(summary))
    table = Table(t("cv_rank"), t("intent"), t("cv_when"), t("cv_waiting"), t("cv_kind"), t("account"), t("cv_text"),
                  title=t("cv_inbox_title", n=format_number(len(rows))))
    for row in rows[:limit]:
        table.add_row(str(row["rank"]), t(f"intent_{row['intent']}"), f"{row['created_at']:%Y-%m-%d %H:%M}",
                      _duration(None if row["waiting_hours"] is None else row["waiting_hours"] * 60),
                      safe(row["kind"]), safe(row["actor_id"]), _short(row["text"]))
    console.print(table)
    if len(rows) > limit:
        console.print(t("cv_more", n=format_number(len(rows) - limit)))


@app.command()
def leads(store: StoreOption = DEFAULT_STORE_PATH, limit: LimitOption = 20, lang: LangOption = None) -> None:
    """Accounts that showed purchase, job or co-creation intent: the text, the date, answered or not, converted or not."""
    use_language(lang)
    loaded = _load(store, "leads")
    if loaded is None:
        console.print(t("cv_missing"))
        raise typer.Exit(1)
    rows, _ = loaded
    rows.sort(key=lambda r: r["created_at"], reverse=True)  # the newest leads are the warmest
    table = Table(t("cv_when"), t("account"), t("intent"), t("cv_answered"), t("cv_converted"), t("cv_text"),
                  title=t("cv_leads_title", n=format_number(len(rows))))
    for row in rows[:limit]:
        table.add_row(f"{row['created_at']:%Y-%m-%d %H:%M}", safe(row["account_id"]), t(f"intent_{row['intent']}"),
                      t("yes") if row["answered"] else t("no"),
                      (t("yes") + (f" ({safe(row['conversion_kind'])})" if row.get("conversion_kind") else "")) if row["converted"] else t("no"),
                      _short(row["text"]))
    console.print(table)
    if len(rows) > limit:
        console.print(t("cv_more", n=format_number(len(rows) - limit)))
