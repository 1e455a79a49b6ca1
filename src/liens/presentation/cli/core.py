"""The spine commands: load, analyze, generate, demo, config, tables."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ... import api
from ..headline import formatted
from ..i18n import format_number, language, register, t
from .common import DEFAULT_STORE_PATH, LangOption, StoreOption, app, console, progress_bar, safe, use_language

register({
    "loaded": {"en": "Loaded {source} into {store} in {seconds:.1f} s", "fr": "{source} chargé dans {store} en {seconds:.1f} s"},
    "table": {"en": "Table", "fr": "Table"},
    "rows_read": {"en": "Rows read", "fr": "Lignes lues"},
    "rows_new": {"en": "New rows", "fr": "Nouvelles lignes"},
    "results_in": {"en": "Results written to {path}", "fr": "Résultats écrits dans {path}"},
    "world_in": {"en": "World written to {path} ({interactions} interactions, {accounts} accounts)",
                 "fr": "Monde écrit dans {path} ({interactions} interactions, {accounts} comptes)"},
    "summary_title": {"en": "Summary", "fr": "Résumé"},
    "vanity": {"en": "Vanity", "fr": "Vitrine"},
    "real": {"en": "Real", "fr": "Réel"},
    "s_audience": {"en": "Audience (followers / real reachable)", "fr": "Audience (abonnés / réelle joignable)"},
    "s_rate": {"en": "Engagement rate: counts per post over followers (all / without pods)",
               "fr": "Taux d'engagement : nombres par publication sur les abonnés (tout / sans pods)"},
    "s_weighted": {"en": "Weighted engagement, points (raw / clean)", "fr": "Engagement pondéré, points (brut / réel)"},
    "not_analysed": {"en": "{store} holds data but no analysis yet: run `liens analyze --store {store}` first.",
                     "fr": "{store} contient des données mais aucune analyse : lancez d'abord `liens analyze --store {store}`."},
    "demo_report": {"en": "Open the report in a browser: {path}", "fr": "Ouvrez le rapport dans un navigateur : {path}"},
    "demo_serve": {"en": "Browse the dashboard: {command}  (then open http://127.0.0.1:8765/)",
                   "fr": "Parcourez le tableau de bord : {command}  (puis ouvrez http://127.0.0.1:8765/)"},
    "demo_inbox": {"en": "Work through the messages waiting for an answer: {command}",
                   "fr": "Traitez les messages qui attendent une réponse : {command}"},
    "demo_done": {"en": "Demo finished in {seconds:.0f} s.", "fr": "Démo terminée en {seconds:.0f} s."},
    "store_is": {"en": "Store: {path}", "fr": "Stockage : {path}"},
    "setting": {"en": "Setting", "fr": "Réglage"},
    "meaning": {"en": "Meaning", "fr": "Signification"},
    "load_file": {"en": "File", "fr": "Fichier"},
    "load_taken_for": {"en": "Read as", "fr": "Lu comme"},
    "load_file_rows": {"en": "Rows", "fr": "Lignes"},
    "load_skipped": {"en": "Left out (why)", "fr": "Écarté (pourquoi)"},
    "load_warning": {"en": "Note", "fr": "À noter"},
    "formats_title": {"en": "Formats Liens reads (liens load PATH --format NAME, or auto)",
                      "fr": "Formats que Liens lit (liens load CHEMIN --format NOM, ou auto)"},
    "format_name": {"en": "Format", "fr": "Format"},
    "format_what": {"en": "What it is and the files it reads", "fr": "Ce que c'est et les fichiers lus"},
    "format_options": {"en": "Options", "fr": "Options"},
    "formats_common": {"en": "Every format also takes: {options}", "fr": "Tout format accepte aussi : {options}"},
    "formats_dataset": {"en": "A dataset folder (CSV, JSON Lines, Parquet) or a DuckDB file loads without a format.",
                        "fr": "Un dossier de données (CSV, JSON Lines, Parquet) ou un fichier DuckDB se charge sans format."},
})

_FORMATS = api.formats()
_OPTIONS: dict[str, tuple[dict[str, Any], list[str]]] = {}
for _spec in _FORMATS:
    for _option in _spec["options"]:
        _OPTIONS.setdefault(_option["name"], (_option, []))[1].append(_spec["name"])


def _option_help(name: str) -> str:
    """The help of a reader option, from its declaration: English / French, and the formats taking it."""
    option, formats = _OPTIONS[name]
    where = "every format" if len(formats) == len(_FORMATS) else ", ".join(formats)
    return f"{option['help']['en']} / {option['help']['fr']} [{where}]"


def _words(text: dict[str, str]) -> str:
    return text.get(language()) or text["en"]


@app.command()
def load(
    dataset: Annotated[Path, typer.Argument(help="Dataset folder (CSV/JSONL/Parquet), DuckDB file or platform export.")],
    store: StoreOption = DEFAULT_STORE_PATH,
    format: Annotated[str, typer.Option("--format", help="auto, dataset, or a platform export format.")] = "auto",
    mapping: Annotated[Path | None, typer.Option("--map", help="Mapping TOML for --format csv-map.")] = None,
    compact: Annotated[bool, typer.Option("--compact", help="Compress the store: a smaller file, a slower load.")] = False,
    timezone: Annotated[str | None, typer.Option("--timezone", help=_option_help("timezone"))] = None,
    date_order: Annotated[str | None, typer.Option("--date-order", help=_option_help("date_order"))] = None,
    owner: Annotated[str | None, typer.Option("--owner", help=_option_help("owner"))] = None,
    me: Annotated[str | None, typer.Option("--me", help=_option_help("me"))] = None,
    group: Annotated[str | None, typer.Option("--group", help=_option_help("group"))] = None,
    page: Annotated[str | None, typer.Option("--page", help=_option_help("page"))] = None,
    followers_total: Annotated[int | None, typer.Option("--followers-total", help=_option_help("followers_total"))] = None,
    max_file_mb: Annotated[float | None, typer.Option("--max-file-mb", help=_option_help("max_file_mb"))] = None,
    max_cell_chars: Annotated[int | None, typer.Option("--max-cell-chars", help=_option_help("max_cell_chars"))] = None,
    max_rows: Annotated[int | None, typer.Option("--max-rows", help=_option_help("max_rows"))] = None,
    lang: LangOption = None,
) -> None:
    """Load a dataset into the store: all or nothing, idempotent, incremental. `liens formats` lists
    the platform exports read and their options."""
    use_language(lang)
    options = {"timezone": timezone, "date_order": date_order, "owner": owner, "me": me, "group": group,
               "page": page, "followers_total": followers_total, "max_file_mb": max_file_mb,
               "max_cell_chars": max_cell_chars, "max_rows": max_rows}
    with api.open_store(store, compact=compact) as opened, progress_bar("load") as say:
        report = api.load(dataset, opened, fmt=format, mapping=mapping, progress=say, **options)
    console.print(t("loaded", source=safe(dataset), store=safe(store), seconds=report.seconds))
    if report.files:
        files = Table(t("load_file"), t("load_taken_for"), t("load_file_rows"), t("load_skipped"))
        for note in report.files:
            counts = ", ".join(f"{name} {format_number(n)}" for name, n in note.rows.items() if n) or "0"
            skipped = "; ".join(f"{format_number(n)} {_words(reason)}" for reason, n in note.skipped.values())
            files.add_row(safe(note.file), safe(_words(note.taken_for)), counts, safe(skipped))
        console.print(files)
    table = Table(t("table"), t("rows_read"), t("rows_new"))
    for name, rows in report.rows_in.items():
        table.add_row(name, format_number(rows), format_number(report.rows_new.get(name, 0)))
    console.print(table)
    for warning in report.warnings:
        console.print(f"[yellow]{t('load_warning')}:[/] {safe(_words(warning))}")


@app.command("formats")
def show_formats(lang: LangOption = None) -> None:
    """List the platform formats Liens reads, the files of each and their options."""
    use_language(lang)
    table = Table(t("format_name"), t("format_what"), t("format_options"), title=t("formats_title"))
    common = {o["name"] for o in _FORMATS[0]["options"]}
    for spec in _FORMATS:
        common &= {o["name"] for o in spec["options"]}
    for spec in _FORMATS:
        own = [o for o in spec["options"] if o["name"] not in common]
        options = "\n".join(
            f"{o['flag']}{' ' + '|'.join(o['choices']) if o['choices'] else ''}: {_words(o['help'])}"
            + (f" ({o['default']})" if o["default"] is not None else "") for o in own)
        table.add_row(spec["name"], safe(f"{_words(spec['what'])}\n{_words(spec['files'])}"), safe(options or "–"))
    console.print(table)
    flags = ", ".join(f"{o['flag']} ({_words(o['help'])}, {format_number(o['default'])})" for o in _FORMATS[0]["options"]
                      if o["name"] in common)
    console.print(t("formats_common", options=safe(flags)))
    console.print(t("formats_dataset"))


# The summary's rows: (label key, vanity figure, real figure); figures from `api.headline`.
SUMMARY_ROWS = (
    ("s_audience", "followers", "real_reachable_audience"),
    ("hl:active_members", None, "active_members"),
    ("s_rate", "engagement_rate_vanity", "engagement_rate_real"),
    ("s_weighted", "weighted_engagement_raw", "weighted_engagement_clean"),
    ("hl:pod_share_brand_posts", None, "pod_share_brand_posts"),
    ("hl:fake_share", None, "fake_share"),
    ("hl:low_quality_share", None, "low_quality_share"),
    ("hl:response_rate", None, "response_rate"),
    ("hl:unanswered", None, "unanswered"),
    ("hl:median_response_minutes", None, "median_response_minutes"),
    ("hl:conversions", None, "conversions"),
    ("hl:cost_per_lead", None, "cost_per_lead"),
    ("hl:interactions", "interactions", None),
)


def print_summary(summary: dict[str, Any]) -> None:
    """Vanity numbers beside the real ones, for whatever analyses ran (`api.headline`, formatted once)."""
    shown = formatted(summary)
    table = Table(t("figure"), t("vanity"), t("real"), title=t("summary_title"))
    for label_key, vanity, real in SUMMARY_ROWS:
        if all(k is None or shown[k]["value"] is None for k in (vanity, real)):
            continue
        table.add_row(t(label_key), shown[vanity]["text"] if vanity else "", shown[real]["text"] if real else "")
    console.print(table)


@app.command("summary")
def show_summary(store: StoreOption = DEFAULT_STORE_PATH, lang: LangOption = None) -> None:
    """The headline figures of the last analysis, vanity beside real (the same as the report and the dashboard)."""
    use_language(lang)
    with api.open_store(store, read_only=True) as opened:
        opened.require_data()
        summary = opened.summary()
    if not summary:
        raise api.AnalysisError(t("not_analysed", store=safe(store)))
    print_summary(summary)


@app.command()
def analyze(
    source: Annotated[Path | None, typer.Argument(help="A dataset to load first, or a store file.")] = None,
    out: Annotated[Path, typer.Option("--out", help="Results folder (CSV, Parquet, summary.json).")] = Path("liens-results"),
    store: StoreOption = DEFAULT_STORE_PATH,
    config: Annotated[Path | None, typer.Option("--config", help="Configuration file (default: ./liens.toml).")] = None,
    engine: Annotated[str, typer.Option("--engine", help="duckdb (default) or spark.")] = "duckdb",
    master: Annotated[str | None, typer.Option("--master", help="Spark master, e.g. local[2] or spark://host:7077 (--engine spark).")] = None,
    spark_dir: Annotated[str | None, typer.Option("--spark-dir", help="Where Spark keeps its tables as Parquet; shared storage on a cluster (--engine spark).")] = None,
    lang: LangOption = None,
) -> None:
    """Run every analysis and write the results folder."""
    use_language(lang)
    options: dict[str, Any] = {"master": master, "work_dir": spark_dir}  # refused by duckdb when given
    with progress_bar("analyze") as say:
        results = api.analyze(source, store=store, out=out, config=api.load_config(config), engine=engine,
                              progress=say, **options)
        results.store.close()
    print_summary(results.summary)
    console.print(t("results_in", path=safe(out)))


@app.command()
def generate(
    out: Annotated[Path, typer.Argument(help="Folder to write the world into.")],
    accounts: Annotated[int, typer.Option("--accounts", min=500, help="Number of accounts (at least 500).")] = 5000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same world).")] = 0,
    interactions: Annotated[int | None, typer.Option("--interactions", help="Target number of interactions.")] = None,
    file_format: Annotated[str, typer.Option("--file-format", help="csv, parquet or jsonl.")] = "csv",
    no_pods: Annotated[bool, typer.Option("--no-pods", help="Plant no engagement pod.")] = False,
    view: Annotated[str, typer.Option("--view", help="full (everyone's interactions) or brand (only what a brand's own exports and APIs hold).")] = "full",
    fake_share: Annotated[float | None, typer.Option("--fake-share", min=0.0, max=0.7, help="Share of fake followers to plant (default: the generator's own mix).")] = None,
    lang: LangOption = None,
) -> None:
    """Write a planted-truth world: a dataset plus truth/ files naming what was planted."""
    use_language(lang)
    if view not in ("full", "brand"):
        raise api.ConfigError(f"--view: {view!r} is not full or brand")
    with progress_bar("generate"):
        summary = api.generate(out, accounts=accounts, seed=seed, interactions=interactions,
                               file_format=file_format, pods=not no_pods, view=view, fake_share=fake_share)
    written = (summary.get("tables") or {}).get("interactions", summary.get("interactions"))  # the brand's view writes fewer
    console.print(t("world_in", path=safe(out), interactions=format_number(written),
                    accounts=format_number(summary.get("accounts"))))


@app.command()
def demo(
    out: Annotated[Path | None, typer.Option("--out", help="Where to write results (default: a temporary folder).")] = None,
    accounts: Annotated[int, typer.Option("--accounts", help="Size of the generated world.")] = 4000,
    seed: Annotated[int, typer.Option("--seed")] = 7,
    lang: LangOption = None,
) -> None:
    """Generate a world, load it, analyse it and write the results (and the report)."""
    chosen = use_language(lang)
    started = time.perf_counter()
    folder = Path(out) if out else Path(tempfile.mkdtemp(prefix="liens-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    world, results_dir, store_path = folder / "world", folder / "results", folder / "demo.duckdb"
    if store_path.exists():
        store_path.unlink()
    with progress_bar("demo") as say:
        say("generate")
        api.generate(world, accounts=accounts, seed=seed)
        with api.open_store(store_path) as opened:
            api.load(world, opened, progress=say)
            results = api.analyze(opened, out=results_dir, config=api.load_config(), progress=say)
            summary = results.summary
            report_path = _write_report_if_available(opened, folder, chosen)
    print_summary(summary)
    console.print(t("results_in", path=safe(results_dir)))
    console.print(t("store_is", path=safe(store_path)))
    if report_path is not None:
        console.print(t("demo_report", path=safe(report_path.resolve().as_uri())), soft_wrap=True)
    # whole lines, never wrapped: they are meant to be copied
    console.print(t("demo_serve", command=safe(f"liens serve --store {store_path}" + (f" --lang {chosen}" if chosen != "en" else ""))),
                  soft_wrap=True)
    console.print(t("demo_inbox", command=safe(f"liens inbox --store {store_path}")), soft_wrap=True)
    console.print(t("demo_done", seconds=time.perf_counter() - started))


def _write_report_if_available(store: api.Store, folder: Path, lang: str) -> Path | None:
    try:
        from ..report import build_report
    except ImportError:
        return None
    return build_report(store, folder / "report.html", lang=lang)


@app.command("config")
def show_config(
    config: Annotated[Path | None, typer.Option("--config", help="Configuration file (default: ./liens.toml).")] = None,
    lang: LangOption = None,
) -> None:
    """Show every setting, its value and what it means."""
    use_language(lang)
    table = Table(t("setting"), t("value"), t("meaning"))
    for name, value, meaning in api.describe(api.load_config(config)):
        table.add_row(name, safe(json.dumps(value, ensure_ascii=False)), safe(meaning))
    console.print(table)


@app.command()
def tables(store: StoreOption = DEFAULT_STORE_PATH, lang: LangOption = None) -> None:
    """List the tables in the store with their row counts."""
    use_language(lang)
    with api.open_store(store, read_only=True) as opened:
        table = Table(t("table"), t("rows_read"))
        for name in opened.tables():
            if not name.startswith("_"):
                table.add_row(name, format_number(opened.count(name)))
    console.print(table)
