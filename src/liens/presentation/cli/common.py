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
from typer.core import TyperArgument, TyperGroup, TyperOption
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


_MAIN_LANG: list[str | None] = [None]  # `liens --lang fr COMMAND`: the main command's choice


def use_language(lang: str | None) -> str:
    """The command's `--lang`, else the main command's, else `LIENS_LANG`, else the locale."""
    return set_language(lang or _MAIN_LANG[0])


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("liens")
        except PackageNotFoundError:  # run from a source tree without installing
            number = "0+unknown"
        console.print(f"liens {number}")
        raise typer.Exit()


@app.callback()
def main_options(
    lang: Annotated[str | None, typer.Option("--lang", envvar="LIENS_LANG",
                                             help="Language of every command: fr or en (also LIENS_LANG; default: the locale).")] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Liens: what is real in a brand's social presence / ce qui est réel dans la présence sociale d'une marque."""
    _MAIN_LANG[0] = set_language(lang) if lang else None


# Help shows types people read (TEXT, NUMBER, FILE), and none for a flag (typer writes <bool>, <str>).
_TYPE_WORDS = {"str": "TEXT", "int": "INTEGER", "float": "NUMBER", "path": "PATH", "file": "FILE", "directory": "FOLDER"}


def _readable_type(self: TyperOption, ctx: click.Context) -> str | None:
    if getattr(self, "is_flag", False):  # arguments have no is_flag
        return None
    if self.metavar is not None:
        return self.metavar
    raw = self.display_type(ctx).strip("<>")
    if " range" in raw:
        raw = raw.split(" range")[0]
    listed = raw.startswith("list[")
    base = raw[5:-1] if listed else raw
    word = "|".join(_TYPE_WORDS.get(part, part) for part in base.split("|")) if "|" in base else _TYPE_WORDS.get(base, base.upper())
    return word + ("…" if listed or self.nargs != 1 else "")


TyperOption.display_type_rich = _readable_type  # type: ignore[method-assign]
TyperArgument.display_type_rich = _readable_type  # type: ignore[method-assign, assignment]


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
