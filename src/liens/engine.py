"""The one place where the engine is chosen.

Analyses are Ibis expressions; this module hands them a backend, and the runner a workspace (where
inputs come from and results go, see `engines/__init__.py`). DuckDB (the store file) is the
default; Spark needs the `spark` extra.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from .store.store import Store

if TYPE_CHECKING:  # Ibis and the engines load when a backend or workspace is asked for, not on import
    from ibis.backends import BaseBackend

    from .engines import Workspace

ENGINES = ("duckdb", "spark")


class EngineOptions(TypedDict, total=False):
    """Options of the Spark engine (`engines.spark.SparkWorkspace`); DuckDB refuses any that is set."""

    dataset: str | os.PathLike[str] | Path | None  # a folder or URI of Parquet tables, read by Spark itself
    session: Any  # an existing SparkSession (e.g. a notebook's `spark`)
    master: str | None
    conf: dict[str, str] | None
    work_dir: str | os.PathLike[str] | None


def _unknown(engine: str) -> Exception:
    from .errors import ConfigError

    return ConfigError(f"unknown engine '{engine}' (expected one of {', '.join(ENGINES)})")


def connect(store: Store | None, engine: str = "duckdb", **options: Any) -> BaseBackend:
    """An Ibis backend over the store's tables."""
    if engine == "duckdb":
        import ibis

        assert store is not None
        return ibis.duckdb.from_connection(store.con)
    if engine == "spark":
        from .engines.spark import connect_spark  # optional extra

        return connect_spark(store, **options)
    raise _unknown(engine)


def open_workspace(store: Store | None, engine: str = "duckdb", **options: Unpack[EngineOptions]) -> Workspace:
    """Where a run reads its inputs and keeps its tables.

    DuckDB: the store. Spark: `dataset=` (a folder of Parquet tables, local or a URI) or else the
    store's tables; `session=` (an existing SparkSession), `master=`, `conf=`, `work_dir=`; the
    results are published into `store`.
    """
    if engine == "duckdb":
        if store is None:
            from .errors import ConfigError

            raise ConfigError("the DuckDB engine needs a store")
        unknown = sorted(k for k, v in options.items() if v is not None)
        if unknown:
            from .errors import ConfigError

            raise ConfigError(f"option(s) {', '.join(unknown)} only apply to --engine spark")
        from .engines import DuckDBWorkspace

        return DuckDBWorkspace(store)
    if engine == "spark":
        from .engines.spark import SparkWorkspace  # optional extra

        return SparkWorkspace(store, **options)
    raise _unknown(engine)
