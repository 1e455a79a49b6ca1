"""`liens inbox` (the unanswered queue, most urgent first), `liens leads` (purchase, job and
co-creation intents, answered or not, converted or not), and `liens conversation train LABELS.csv` /
`liens conversation evaluate` (the intent and sentiment model adapted to a brand's own labels)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ... import api
from ..i18n import format_number, format_percent, register, t, word
from ..report.names import account_text
from .common import DEFAULT_STORE_PATH, LangOption, StoreOption, app, console, safe, use_language

register({
    "cv_missing": {"en": "No conversation results in this store: run `liens analyze` first.",
                   "fr": "Aucun résultat conversation dans ce stockage : lancez d'abord `liens analyze`."},
    "cv_inbox_title": {"en": "Waiting for an answer ({n}), most urgent first", "fr": "En attente de réponse ({n}), les plus urgents d'abord"},
    "cv_leads_title": {"en": "Intents to buy, apply or take part: {n} messages from {people} people",
                       "fr": "Intentions d'achat, de candidature ou de participation : {n} messages de {people} personnes"},
    "cv_rank": {"en": "#", "fr": "#"},
    "cv_when": {"en": "When", "fr": "Quand"},
    "cv_waiting": {"en": "Waiting", "fr": "Attente"},
    "cv_text": {"en": "Text", "fr": "Texte"},
    "cv_answered": {"en": "Answered", "fr": "Répondu"},
    "cv_converted": {"en": "Converted", "fr": "Converti"},
    "cv_rate": {"en": "Response rate {rate}; time to first answer: median {median}, 90th percentile {p90}.",
                "fr": "Taux de réponse {rate} ; délai de première réponse : médiane {median}, 90e centile {p90}."},
    "cv_more": {"en": "… and {n} more (--limit).", "fr": "… et {n} de plus (--limit)."},
    "cv_id": {"en": "ID", "fr": "ID"},
    "cv_done": {"en": "handled", "fr": "traité"},
    "cv_done_hint": {"en": "Handled one? `liens inbox done ID…` takes it off the queue.",
                     "fr": "Traité ? `liens inbox done ID…` le retire de la file."},
    "cv_marked": {"en": "{n} of {given} marked handled (the others already were).",
                  "fr": "{n} sur {given} marqués traités (les autres l'étaient déjà)."},
    "cv_bad_age": {"en": "--older-than {value}: expected hours or days, e.g. 48h or 2d.",
                   "fr": "--older-than {value} : attendu des heures ou des jours, p. ex. 48h ou 2d."},
    "cvm_trained": {"en": "Conversation model adapted to {n} labelled texts ({intents} with an intent, {sentiments} with a "
                          "sentiment); `liens analyze` uses it from now on.",
                    "fr": "Modèle de conversation adapté à {n} textes étiquetés ({intents} avec une intention, {sentiments} "
                          "avec un sentiment) ; `liens analyze` l'utilise désormais."},
    "cvm_eval_title": {"en": "Cross-validation on your {n} labelled texts ({folds} folds)",
                       "fr": "Validation croisée sur vos {n} textes étiquetés ({folds} plis)"},
    "cvm_task": {"en": "Task", "fr": "Tâche"},
    "cvm_model": {"en": "Model", "fr": "Modèle"},
    "cvm_texts": {"en": "Texts", "fr": "Textes"},
    "cvm_accuracy": {"en": "Accuracy", "fr": "Exactitude"},
    "cvm_macro_f1": {"en": "Macro-F1", "fr": "F1 macro"},
    "cvm_intent": {"en": "intent", "fr": "intention"},
    "cvm_sentiment": {"en": "sentiment", "fr": "sentiment"},
    "cvm_brand": {"en": "yours (cross-validated)", "fr": "le vôtre (validation croisée)"},
    "cvm_shipped": {"en": "shipped (no training)", "fr": "livré (sans apprentissage)"},
})

conversation_app = typer.Typer(help="The intent and sentiment model: adapt it to your labelled texts, measure it.",
                               no_args_is_help=True)
app.add_typer(conversation_app, name="conversation")

LimitOption = Annotated[int, typer.Option("--limit", min=1, help="Rows shown / lignes affichées.")]


def _hours(hours: float | None) -> str:
    """Waiting times in one unit everywhere: hours."""
    return "–" if hours is None else t("n_hours", n=format_number(hours, decimals=1))


def _short(text: Any, width: int = 90) -> str:
    value = "" if text is None else " ".join(str(text).split())
    return safe(value if len(value) <= width else value[: width - 1] + "…")


def _who(row: dict[str, Any], id_column: str) -> str:
    return safe(account_text(row, str(row.get(id_column) or "–")))


def _rate_line(summary: dict) -> str:
    return t("cv_rate", rate=format_percent(summary.get("response_rate")),
             median=_hours(None if summary.get("median_response_minutes") is None else summary["median_response_minutes"] / 60),
             p90=_hours(None if summary.get("p90_response_minutes") is None else summary["p90_response_minutes"] / 60))


def parse_age(text: str | None) -> float | None:
    """`48`, `48h` or `2d` as hours."""
    if text is None:
        return None
    value = text.strip().lower()
    factor = 24.0 if value.endswith(("d", "j")) else 1.0
    try:
        return float(value.rstrip("hdj").strip()) * factor
    except ValueError:
        raise api.ConfigError(t("cv_bad_age", value=text)) from None


inbox_app = typer.Typer(help="The texts still waiting for the brand's answer, most urgent first; `liens inbox done ID…` "
                             "marks them handled.", no_args_is_help=False)
app.add_typer(inbox_app, name="inbox")


@inbox_app.callback(invoke_without_command=True)
def inbox(
    ctx: typer.Context,
    store: StoreOption = DEFAULT_STORE_PATH,
    limit: LimitOption = 20,
    intent: Annotated[list[str] | None, typer.Option("--intent", help="Only this intent (repeat for several): purchase, critique, support, job, cocreation…")] = None,
    platform: Annotated[str | None, typer.Option("--platform", help="Only this platform (instagram, facebook…).")] = None,
    older_than: Annotated[str | None, typer.Option("--older-than", help="Only texts waiting at least this long: 48h, 2d (hours by default).")] = None,
    show_done: Annotated[bool, typer.Option("--all", help="Also the texts already marked handled.")] = False,
    lang: LangOption = None,
) -> None:
    """The texts still waiting for the brand's answer, most urgent first (purchase and critique first, oldest first)."""
    if ctx.invoked_subcommand is not None:
        return
    use_language(lang)
    with api.open_store(store, read_only=True) as opened:
        if "unanswered" not in opened.result_names():
            console.print(t("cv_missing"))
            raise typer.Exit(1)
        summary = opened.summary()
        rows = api.inbox(opened, intents=intent or None, platform=platform, older_than_hours=parse_age(older_than),
                         include_done=show_done)
    console.print(_rate_line(summary))
    table = Table(t("cv_rank"), t("cv_id"), t("intent"), t("cv_waiting"), t("account"), t("cv_text"),
                  title=t("cv_inbox_title", n=format_number(len(rows))))
    for row in rows[:limit]:
        wait = _hours(row.get("waiting_hours")) + (" !" if row.get("over_target") else "")
        text = _short(row["text"]) + (f" [dim]({t('cv_done')})[/]" if row.get("done") else "")
        if row.get("post_url"):
            text += f"\n[dim]{safe(row['post_url'])}[/]"
        table.add_row(str(row["rank"]), safe(row["interaction_id"]), word(row["intent"]), wait,
                      f"{_who(row, 'actor_id')}\n[dim]{safe(row.get('platform') or '')}[/]", text)
    console.print(table)
    if len(rows) > limit:
        console.print(t("cv_more", n=format_number(len(rows) - limit)))
    if rows:
        console.print(t("cv_done_hint"))


@inbox_app.command("done")
def inbox_done(
    ids: Annotated[list[str], typer.Argument(help="Ids of the texts handled (the ID column of `liens inbox`).")],
    store: StoreOption = DEFAULT_STORE_PATH,
    lang: LangOption = None,
) -> None:
    """Mark texts of the queue handled: they leave `liens inbox` and the dashboard's queue, and stay out."""
    use_language(lang)
    n = api.inbox_done(store, ids)
    console.print(t("cv_marked", n=format_number(n), given=format_number(len(set(ids)))))


@app.command()
def leads(store: StoreOption = DEFAULT_STORE_PATH, limit: LimitOption = 20, lang: LangOption = None) -> None:
    """Messages that showed an intent to buy, apply or take part: who, when, answered or not, converted or not.
    (A lead, in the cost figures, is a conversion of kind lead.)"""
    use_language(lang)
    with api.open_store(store, read_only=True) as opened:
        if "leads" not in opened.result_names():
            console.print(t("cv_missing"))
            raise typer.Exit(1)
        rows = opened.con.execute(
            "SELECT l.*, a.handle, a.display_name FROM result_leads l LEFT JOIN result_accounts a USING (account_id) "
            "ORDER BY l.created_at DESC, l.interaction_id").to_arrow_table().to_pylist()
    people = len({r["account_id"] for r in rows})
    table = Table(t("cv_when"), t("account"), t("intent"), t("cv_answered"), t("cv_converted"), t("cv_text"),
                  title=t("cv_leads_title", n=format_number(len(rows)), people=format_number(people)))
    for row in rows[:limit]:
        converted = (t("yes") + (f" ({word(row['conversion_kind'])})" if row.get("conversion_kind") else "")
                     if row["converted"] else t("no"))
        table.add_row(f"{row['created_at']:%Y-%m-%d %H:%M}", _who(row, "account_id"), word(row["intent"]),
                      t("yes") if row["answered"] else t("no"), safe(converted), _short(row["text"]))
    console.print(table)
    if len(rows) > limit:
        console.print(t("cv_more", n=format_number(len(rows) - limit)))


@conversation_app.command("train")
def train(
    labels: Annotated[Path, typer.Argument(help="CSV with text or interaction_id, and intent and/or sentiment.")],
    store: StoreOption = DEFAULT_STORE_PATH,
    lang: LangOption = None,
) -> None:
    """Adapt the intent and sentiment model to your labelled texts and keep it in the store (used by `liens analyze`)."""
    use_language(lang)
    done = api.train_conversation(store, labels)
    console.print(t("cvm_trained", n=format_number(done["labels"]), intents=format_number(done["intent_labels"]),
                    sentiments=format_number(done["sentiment_labels"])))


@conversation_app.command("evaluate")
def evaluate(
    store: StoreOption = DEFAULT_STORE_PATH,
    folds: Annotated[int, typer.Option("--folds", min=2, help="Folds / plis.")] = 5,
    lang: LangOption = None,
) -> None:
    """Cross-validated accuracy and macro-F1 of your adapted model on your labels, beside the shipped model's."""
    use_language(lang)
    figures = api.evaluate_conversation(store, folds=folds)
    table = Table(t("cvm_task"), t("cvm_model"), t("cvm_texts"), t("cvm_accuracy"), t("cvm_macro_f1"),
                  title=t("cvm_eval_title", n=format_number(figures["labels"]), folds=figures["folds"]))
    for task in ("intent", "sentiment"):
        if task not in figures:
            continue
        for which in ("brand", "shipped"):
            f = figures[task][which]
            table.add_row(t(f"cvm_{task}"), t(f"cvm_{which}"), format_number(f["texts"]),
                          format_number(f["accuracy"], decimals=3), format_number(f["macro_f1"], decimals=3))
    console.print(table)
