"""`liens check`: is the store whole, and what to do when it is not."""

from __future__ import annotations

import typer

from ... import api
from ..i18n import format_number, register, t
from .common import DEFAULT_STORE_PATH, LangOption, StoreOption, app, console, safe, use_language

register({
    "check_ok": {"en": "Store {path} is whole: {tables} table(s), {loads} load(s) recorded, keys unique.",
                 "fr": "Le stockage {path} est intact : {tables} table(s), {loads} chargement(s) enregistré(s), clés uniques."},
    "check_bad": {"en": "Store {path}: {n} problem(s).", "fr": "Stockage {path} : {n} problème(s)."},
    "check_no_data": {"en": "The store holds no dataset. Do: liens load DATASET --store {path}",
                      "fr": "Le stockage ne contient aucun jeu de données. À faire : liens load DATASET --store {path}"},
    "check_duplicate_keys": {
        "en": "{table}: {rows} rows for {keys} keys (a load was interrupted by an older Liens, or the file was edited). "
              "Do: load the exports again into a new store (liens load EXPORT --store NEW.duckdb).",
        "fr": "{table} : {rows} lignes pour {keys} clés (un chargement interrompu par une version antérieure, ou un fichier "
              "modifié). À faire : rechargez les exports dans un nouveau stockage (liens load EXPORT --store NOUVEAU.duckdb).",
    },
    "check_unrecorded_rows": {
        "en": "{table}: {rows} rows, but the loads recorded {recorded}. Do: load the exports again into a new store.",
        "fr": "{table} : {rows} lignes, mais les chargements en ont enregistré {recorded}. À faire : rechargez les exports "
              "dans un nouveau stockage.",
    },
    "check_unrecorded_table": {
        "en": "{table}: {rows} rows that no recorded load added (written by another tool?). Do: load the exports again into a new store.",
        "fr": "{table} : {rows} lignes qu'aucun chargement enregistré n'a ajoutées (écrites par un autre outil ?). "
              "À faire : rechargez les exports dans un nouveau stockage.",
    },
    "check_missing_values": {
        "en": "{table}: {rows} rows without {column}, which is required. Do: load the exports again into a new store.",
        "fr": "{table} : {rows} lignes sans {column}, pourtant obligatoire. À faire : rechargez les exports dans un nouveau stockage.",
    },
    "check_stale_results": {
        "en": "{table} has {rows} rows for {inputs} in the data: the results are older than the last load. Do: liens analyze --store {path}",
        "fr": "{table} compte {rows} lignes pour {inputs} dans les données : les résultats datent d'avant le dernier chargement. "
              "À faire : liens analyze --store {path}",
    },
    "check_leftover_file": {
        "en": "{file} was left by an interrupted load (the store itself is as before it). Do: liens load again, which removes it.",
        "fr": "{file} a été laissé par un chargement interrompu (le stockage est resté tel qu'avant). À faire : relancez "
              "liens load, qui le supprime.",
    },
})


@app.command("check")
def check_command(store: StoreOption = DEFAULT_STORE_PATH, lang: LangOption = None) -> None:
    """Check a store: keys unique, every row from a recorded load, results as recent as the data; say what to do."""
    use_language(lang)
    if not store.exists():
        raise api.StoreError(t("store_missing", path=store))
    report = api.check(store)
    if report.ok:
        console.print(t("check_ok", path=safe(store), tables=len(report.tables), loads=format_number(report.loads)))
        return
    console.print(t("check_bad", path=safe(store), n=len(report.findings)))
    for finding in report.findings:
        figures = {k: format_number(v) if isinstance(v, int) else safe(v) for k, v in finding.figures.items()}
        console.print("- " + t(f"check_{finding.code}", table=safe(finding.table), path=safe(store), **figures))
    raise typer.Exit(1)
