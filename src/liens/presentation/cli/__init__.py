"""The `liens` command: a thin layer over `liens.api`.

Feature modules add their commands to `app` when imported; list them in FEATURE_MODULES.
"""

from __future__ import annotations

import importlib
import sys

from rich.console import Console

from ... import api
from .common import app, err_console

FEATURE_MODULES = [
    "liens.presentation.cli.core",
    "liens.presentation.cli.pods",
    "liens.presentation.cli.audience",
    "liens.presentation.cli.present",
    "liens.presentation.cli.conversation",
    "liens.presentation.cli.community",
    "liens.presentation.cli.business",
    "liens.presentation.cli.privacy",
    "liens.presentation.cli.sync",
    "liens.presentation.cli.check",
    "liens.presentation.cli.alerts",
]

for _module in FEATURE_MODULES:
    importlib.import_module(_module)


def main() -> None:
    try:
        app()
    except api.LiensError as error:  # raised outside a command (e.g. while parsing options)
        err_console.print(f"Error / Erreur: {error}", markup=False)
        sys.exit(2)
    except KeyboardInterrupt:
        err_console.print("Interrupted.")
        sys.exit(130)


__all__ = ["Console", "app", "main"]
