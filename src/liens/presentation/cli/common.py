"""What every command shares: the app, the --store and --lang options, consoles and progress."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from typer.core import TyperGroup
from typer.core import _click as click  # typer ships its own click

from ... import api
from ..i18n import register, set_language


class _Commands(TyperGroup):
    """Every command turns an api.LiensError into one clear line on stderr and exit code 2."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except api.LiensError as error:
            err_console.print(f"[bold red]Error / Erreur:[/] {escape(str(error))}")
            raise SystemExit(2) from None


app = typer.Typer(
    name="liens",
    cls=_Commands,
    help="Liens: what is real in a brand's social presence / ce qui est réel dans la présence sociale d'une marque.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

StoreOption = Annotated[
    Path, typer.Option("--store", help="Store file (DuckDB) / fichier de stockage.", show_default=True)
]
LangOption = Annotated[
    str | None, typer.Option("--lang", help="Language of the output: fr or en (default: from the locale).")
]
DEFAULT_STORE_PATH = Path(api.DEFAULT_STORE)


def use_language(lang: str | None) -> str:
    return set_language(lang)


# Control characters (C0 but tab and newline, DEL, C1) and the bidirectional overrides: in user
# text they could clear the screen, move the cursor, fake lines or reverse what is shown.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe(text: object) -> str:
    """User text (names, comments) printed through rich: control characters and terminal escapes
    removed (a carriage return becomes a space), never read as markup."""
    return escape(_CONTROL.sub(lambda m: " " if m.group() == "\r" else "", str(text)))


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[str], None]]:
    """A spinner with elapsed time; the callback updates the current step's name."""
    with Progress(
        SpinnerColumn(), TextColumn("[progress.description]{task.description}"), BarColumn(),
        TimeElapsedColumn(), console=err_console, transient=True,
    ) as progress:
        task = progress.add_task(description, total=None)
        yield lambda step: progress.update(task, description=f"{description}: {step}")


register({
    "store_missing": {
        "en": "No store at {path}: run `liens load DATASET --store {path}` first.",
        "fr": "Aucun stockage à {path} : lancez d'abord `liens load DATASET --store {path}`.",
    },
})
