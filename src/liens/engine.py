"""The one place where the engine is chosen.

Analyses are Ibis expressions; this module hands them a backend. DuckDB (the store file) is the
default; Spark is selected here too once the `spark` extra is installed.
"""

from __future__ import annotations

from typing import Any

import ibis
from ibis.backends import BaseBackend

from .store.store import Store

ENGINES = ("duckdb", "spark")


def connect(store: Store, engine: str = "duckdb", **options: Any) -> BaseBackend:
    """An Ibis backend over the store's tables."""
    if engine == "duckdb":
        return ibis.duckdb.from_connection(store.con)
    if engine == "spark":
        from .engines.spark import connect_spark  # optional extra

        return connect_spark(store, **options)
    from .errors import ConfigError

    raise ConfigError(f"unknown engine '{engine}' (expected one of {', '.join(ENGINES)})")
