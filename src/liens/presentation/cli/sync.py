"""`liens sync`: pull the brand's own accounts from the platforms' APIs (the only command that goes online)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ... import api
from ..i18n import format_number, register, t
from .common import (
    DEFAULT_STORE_PATH,
    LangOption,
    StoreOption,
    app,
    console,
    err_console,
    progress_bar,
    safe,
    use_language,
)

TOKENS_HELP = """
Tokens / jetons (never stored / jamais conservés): environment variable LIENS_INSTAGRAM_TOKEN, LIENS_FACEBOOK_TOKEN
or LIENS_YOUTUBE_TOKEN, or --token-file PATH.

EN — Instagram and Facebook: create an app at developers.facebook.com (type Business), add "Instagram Graph API"
/ "Facebook Login for Business"; in the Graph API Explorer generate a User token with instagram_basic,
instagram_manage_comments, instagram_manage_insights, pages_show_list, pages_read_engagement (Instagram), or a Page
token with pages_read_engagement, pages_read_user_content, read_insights (Facebook); exchange it for a long-lived
token (60 days). YouTube: in console.cloud.google.com enable "YouTube Data API v3", create an OAuth client, and get an
access token for the channel owner with the scopes youtube.readonly and youtube.force-ssl (e.g. OAuth Playground).

FR — Instagram et Facebook : créez une app sur developers.facebook.com (type Entreprise), ajoutez « Instagram Graph
API » / « Facebook Login for Business » ; dans l'explorateur de l'API Graph, générez un jeton utilisateur avec
instagram_basic, instagram_manage_comments, instagram_manage_insights, pages_show_list, pages_read_engagement
(Instagram) ou un jeton de Page avec pages_read_engagement, pages_read_user_content, read_insights (Facebook) ;
échangez-le contre un jeton longue durée (60 jours). YouTube : dans console.cloud.google.com activez « YouTube Data
API v3 », créez un client OAuth et obtenez un jeton d'accès du propriétaire de la chaîne avec les portées
youtube.readonly et youtube.force-ssl (par exemple avec OAuth Playground).
"""
TOKENS_HELP = "\n\n".join(" ".join(paragraph.split()) for paragraph in TOKENS_HELP.strip().split("\n\n"))

register({
    "sync_done": {
        "en": "{platform}: {requests} request(s), {pages} page(s){resumed}; new rows: {rows}.",
        "fr": "{platform} : {requests} requête(s), {pages} page(s){resumed} ; lignes nouvelles : {rows}.",
    },
    "sync_resumed": {"en": ", resuming the interrupted sync", "fr": ", reprise de la synchronisation interrompue"},
    "sync_window": {
        "en": "Incremental: media published since {start} were revisited (--full for everything).",
        "fr": "Incrémental : médias publiés depuis le {start} revus (--full pour tout).",
    },
    "sync_waited": {
        "en": "Rate limits: {throttled} throttled answer(s), {retries} retry(ies), {seconds} s waited.",
        "fr": "Limites de débit : {throttled} réponse(s) freinée(s), {retries} nouvelle(s) tentative(s), {seconds} s d'attente.",
    },
    "sync_warning": {"en": "Note: {text}", "fr": "Remarque : {text}"},
    "sync_err_token_missing": {
        "en": "no {platform} token: set the environment variable {env} or give --token-file PATH "
              "(`liens sync --help` says how to obtain one).",
        "fr": "aucun jeton {platform} : définissez la variable d'environnement {env} ou donnez --token-file CHEMIN "
              "(`liens sync --help` explique comment en obtenir un).",
    },
    "sync_err_token_file_unreadable": {
        "en": "the token file {path} cannot be read or is empty.",
        "fr": "le fichier de jeton {path} est illisible ou vide.",
    },
    "sync_err_token_invalid": {
        "en": "the {platform} token was refused ({reason}): create a new one and run the same command again "
              "(what was fetched is kept).",
        "fr": "le jeton {platform} a été refusé ({reason}) : créez-en un nouveau et relancez la même commande "
              "(ce qui a été récupéré est conservé).",
    },
    "sync_err_permission_missing": {
        "en": "the {platform} token lacks the permission {permission}, needed to read {endpoint}: grant it to the "
              "app and create a new token.",
        "fr": "le jeton {platform} n'a pas la permission {permission}, nécessaire pour lire {endpoint} : "
              "accordez-la à l'app et créez un nouveau jeton.",
    },
    "sync_err_rate_limited": {
        "en": "{platform} asks to wait {seconds:.0f} s ({reason}): {pages} page(s) fetched are kept; run the same "
              "command later to resume.",
        "fr": "{platform} demande d'attendre {seconds:.0f} s ({reason}) : {pages} page(s) récupérée(s) sont "
              "conservées ; relancez la même commande plus tard pour reprendre.",
    },
    "sync_err_deprecated": {
        "en": "{platform} no longer serves {endpoint} at API version {version} ({detail}): this version of Liens "
              "needs updating.",
        "fr": "{platform} ne sert plus {endpoint} en version d'API {version} ({detail}) : cette version de Liens "
              "doit être mise à jour.",
    },
    "sync_err_api_failure": {
        "en": "{platform} failed on {endpoint} after {attempts} attempt(s) ({detail}); nothing was loaded, "
              "{pages} page(s) fetched are kept: run the same command to resume.",
        "fr": "{platform} a échoué sur {endpoint} après {attempts} tentative(s) ({detail}) ; rien n'a été chargé, "
              "{pages} page(s) récupérée(s) sont conservées : relancez la même commande pour reprendre.",
    },
    "sync_err_account_not_found": {
        "en": "the {platform} token sees no {what}.",
        "fr": "le jeton {platform} ne voit aucun compte de ce type : {what}.",
    },
})


@app.command("sync", epilog=TOKENS_HELP)
def sync_command(
    platform: Annotated[str, typer.Argument(help="instagram, facebook or youtube.")],
    account: Annotated[str | None, typer.Option("--account", help="Instagram user id, Page id or channel id "
                                                "(default: the token's own / celui du jeton).")] = None,
    token_env: Annotated[str | None, typer.Option("--token-env", help="Environment variable holding the token "
                                                  "(default LIENS_<PLATFORM>_TOKEN).")] = None,
    token_file: Annotated[Path | None, typer.Option("--token-file", help="File holding the token / fichier du jeton.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Revisit media published since this date (2024-03-01).")] = None,
    full: Annotated[bool, typer.Option("--full", help="Fetch everything again, not only what changed / tout reprendre.")] = False,
    restart: Annotated[bool, typer.Option("--restart", help="Drop an interrupted sync instead of resuming it.")] = False,
    base_url: Annotated[str | None, typer.Option("--base-url", help="API host (a replay server or a proxy); "
                                                 "default: the platform's.")] = None,
    lookback_days: Annotated[int, typer.Option("--lookback-days", help="Incremental: days before the newest "
                                               "synced media to revisit (metrics, new comments).")] = 30,
    store: StoreOption = DEFAULT_STORE_PATH,
    lang: LangOption = None,
) -> None:
    """Pull the brand's profile, posts with their metrics, comments and replies, and follower counts from a
    platform's API into the store, all or nothing; incremental and resumable. The only command that goes
    online. / Récupère depuis l'API d'une plateforme le profil, les publications et leurs métriques, les
    commentaires et réponses, et le nombre d'abonnés ; tout ou rien, incrémental, reprend après une interruption."""
    use_language(lang)
    if platform not in api.SYNC_PLATFORMS:
        raise api.ConfigError(f"unknown platform '{platform}' (expected one of {', '.join(api.SYNC_PLATFORMS)})")
    settings = api.SyncSettings(base_url=base_url, lookback_days=lookback_days)
    try:
        with progress_bar(f"sync {platform}") as step:
            report = api.sync(platform, store, token_env=token_env, token_file=token_file, account=account,
                              since=since, full=full, restart=restart, settings=settings,
                              progress=lambda pages, kind: step(f"{pages} pages ({kind})"))
    except api.SyncError as error:
        err_console.print(f"[bold red]Error / Erreur:[/] {safe(t('sync_err_' + error.code, **error.params))}")
        raise SystemExit(2) from None
    rows = ", ".join(f"{name} {format_number(n)}" for name, n in report.rows_new.items()) or "0"
    console.print(t("sync_done", platform=platform, requests=format_number(report.requests),
                    pages=format_number(report.pages), resumed=t("sync_resumed") if report.resumed else "", rows=rows))
    if report.window_start:
        console.print(t("sync_window", start=report.window_start[:10]))
    if report.throttled or report.retries:
        console.print(t("sync_waited", throttled=report.throttled, retries=report.retries,
                        seconds=format_number(round(report.waited_seconds))))
    for warning in report.warnings[:20]:
        console.print(t("sync_warning", text=safe(warning)))
