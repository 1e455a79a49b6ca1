"""Personal data commands: forget one person, pseudonymise the store."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from ... import api
from ..i18n import format_number, register, t
from .common import DEFAULT_STORE_PATH, LangOption, StoreOption, app, console, use_language

register({
    "forgotten": {
        "en": "Forgotten: {accounts} account(s), {rows} row(s) deleted, {conversions} conversion(s) unlinked. "
              "Run `liens analyze` again.",
        "fr": "Oublié : {accounts} compte(s), {rows} ligne(s) supprimée(s), {conversions} conversion(s) détachée(s). "
              "Relancez `liens analyze`.",
    },
    "pseudonymised": {
        "en": "Pseudonymised {rows} row(s); names and bios removed. Run `liens analyze` again.",
        "fr": "{rows} ligne(s) pseudonymisée(s) ; noms et bios supprimés. Relancez `liens analyze`.",
    },
})


@app.command("forget")
def forget_command(
    account_id: Annotated[str, typer.Argument(help="The account to forget, by handle or id (its linked identities go too).")],
    store: StoreOption = DEFAULT_STORE_PATH,
    lang: LangOption = None,
) -> None:
    """Delete one person from the store: accounts, posts, interactions, follows; unlink conversions."""
    use_language(lang)
    report = api.forget(store, api.account_id(store, account_id))
    console.print(t("forgotten", accounts=len(report.accounts), rows=format_number(sum(report.rows_deleted.values())),
                    conversions=report.conversions_unlinked))


@app.command("pseudonymise")
def pseudonymise_command(
    store: StoreOption = DEFAULT_STORE_PATH,
    secret_env: Annotated[str, typer.Option("--secret-env", help="Environment variable holding the secret key.")] = "LIENS_SECRET",
    drop_text: Annotated[bool, typer.Option("--drop-text", help="Also remove comment texts and captions.")] = False,
    lang: LangOption = None,
) -> None:
    """Replace account ids by keyed hashes and remove names and bios (the secret is read from the environment)."""
    use_language(lang)
    secret = os.environ.get(secret_env, "")
    if not secret:
        raise api.ConfigError(f"set the secret in the environment variable {secret_env} (at least 12 characters)")
    changed = api.pseudonymise(store, secret, drop_text=drop_text)
    console.print(t("pseudonymised", rows=format_number(sum(changed.values()))))
